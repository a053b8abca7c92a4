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

  // Company pickers (clients/_company_picker.html): htmx fills the listbox as you type; this
  // shows it, moves through it with the arrow keys, picks with Enter or a click, closes with
  // Escape, and puts the pick in the hidden input, firing "change" there so filters refresh.
  function comboParts(el) {
    var box = el.closest ? el.closest("[data-combobox]") : null;
    if (!box) return null;
    return {
      box: box,
      text: box.querySelector("[role=combobox]"),
      value: box.querySelector("[data-combobox-value]"),
      list: box.querySelector("[role=listbox]"),
    };
  }
  function comboOptions(c) {
    return Array.prototype.slice.call(
      c.list.querySelectorAll("[role=option]:not([aria-disabled=true])")
    );
  }
  function comboOpen(c, open) {
    c.list.hidden = !open;
    c.text.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) c.text.removeAttribute("aria-activedescendant");
  }
  function comboActivate(c, option) {
    comboOptions(c).forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    if (option) {
      c.text.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }
  function comboPick(c, option) {
    var changed = c.value.value !== option.dataset.value;
    c.value.value = option.dataset.value;
    c.text.value = option.dataset.label;
    c.box.dataset.picked = option.dataset.label;
    comboOpen(c, false);
    if (changed) c.value.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var c = comboParts(event.target);
    if (c && event.target === c.list) {
      // A late answer to what was typed before a pick does not open the list again.
      var picked = c.box.dataset.picked !== undefined && c.text.value === c.box.dataset.picked;
      comboOpen(c, document.activeElement === c.text && c.list.children.length > 0 && !picked);
      comboActivate(c, null);
    }
  });
  document.addEventListener("keydown", function (event) {
    var c = event.target.matches && event.target.matches("[data-combobox] [role=combobox]")
      ? comboParts(event.target)
      : null;
    if (!c) return;
    var options = comboOptions(c);
    var current = c.list.querySelector("[aria-selected=true]");
    var i = options.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (c.list.hidden) {
        if (options.length) comboOpen(c, true);
        return;
      }
      var step = event.key === "ArrowDown" ? 1 : -1;
      comboActivate(c, options[(i + step + options.length) % options.length] || null);
    } else if (event.key === "Enter") {
      if (!c.list.hidden && current) {
        event.preventDefault();
        comboPick(c, current);
      } else if (!c.list.hidden) {
        event.preventDefault(); // never submit the words typed as a filter
      }
    } else if (event.key === "Escape" && !c.list.hidden) {
      event.preventDefault();
      comboOpen(c, false);
    }
  });
  // mousedown, not click: the text box keeps the focus and the list is still there.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest
      ? event.target.closest("[data-combobox] [role=option]:not([aria-disabled=true])")
      : null;
    if (option) {
      event.preventDefault();
      comboPick(comboParts(option), option);
    }
  });
  document.addEventListener("input", function (event) {
    var c = event.target.matches && event.target.matches("[data-combobox] [role=combobox]")
      ? comboParts(event.target)
      : null;
    if (c) delete c.box.dataset.picked; // typing again: answers may open the list
    // Emptying the box clears the choice.
    if (c && c.text.value.trim() === "" && c.value.value !== "") {
      c.value.value = "";
      c.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("focusout", function (event) {
    var c = event.target.matches && event.target.matches("[data-combobox] [role=combobox]")
      ? comboParts(event.target)
      : null;
    if (c) comboOpen(c, false);
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
