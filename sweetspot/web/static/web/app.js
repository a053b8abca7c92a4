/* Sweetspot's page behaviour. The Content-Security-Policy allows scripts from this origin
   only (no inline scripts, no event-handler attributes, no eval), so what templates used to
   say in onsubmit= / hx-on: attributes is declared with data- attributes and handled here. */
(function () {
  "use strict";

  // <form data-confirm="Archive X?">: ask before submitting.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
      if (form && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // <button data-remove-row>: remove the table row it sits in (editable requirement lists).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-remove-row]") : null;
    if (button) {
      event.preventDefault();
      var row = button.closest("tr");
      if (row) row.remove();
    }
  });

  // htmx forms with data-confirm-when="<field>=<value>" and data-confirm-message: ask only
  // when that field has that value (the pipeline's "Move to Won").
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest ? event.target.closest("[data-confirm-when]") : null;
    if (!form) return;
    var parts = form.dataset.confirmWhen.split("=");
    var field = form.elements[parts[0]];
    if (field && field.value === parts[1] && !window.confirm(form.dataset.confirmMessage)) {
      event.preventDefault();
    }
  });

  // The main menu starts folded on narrow screens.
  function foldMenu() {
    if (window.matchMedia("(max-width: 760px)").matches) {
      document.querySelectorAll("details.navmenu[open]").forEach(function (d) {
        d.removeAttribute("open");
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldMenu);
  } else {
    foldMenu();
  }
})();
