"""No inline style anywhere (issue 15 item 9): Chromium reports no `securitypolicyviolation`
on the main pages of each persona, now that `style-src` has no 'unsafe-inline'.

The listener is installed with `add_init_script`, which runs before the page's own scripts
and is not subject to the page's policy; it keeps every violation in `window.__cspViolations`.
The pages are tests/test_csp.py's main_pages(); each is also kept as a full-page screenshot
(/tmp/shots/csp-<persona>-<n>.png)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.test_csp import main_pages

from .conftest import login, settled

LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    [e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" ")
  );
});
"""


@pytest.mark.parametrize("persona", ["olivia", "dan", "tara", "hana"])
def test_no_policy_violation_on_the_main_pages(
    page: Page, demo_live: str, persona: str, shot: Any
) -> None:
    page.add_init_script(LISTENER)
    login(page, demo_live, persona)
    found: dict[str, list[str]] = {}
    paths = main_pages()[persona]
    for n, path in enumerate(paths):
        response = page.goto(f"{demo_live}{path}")
        assert response is not None and response.status == 200, path
        settled(page)
        if path == "/api/v1/docs":
            # Swagger UI renders under the strict policy too, an opened operation included.
            expect(page.locator(".swagger-ui .info .title")).to_be_visible()
            page.locator(".opblock-summary").first.click()
            expect(page.locator(".opblock-body").first).to_be_visible()
            page.locator(".opblock-body .responses-wrapper").first.wait_for()
        csp = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in csp, path
        shot(page, f"csp-{persona}-{n:02d}")
        violations = page.evaluate("window.__cspViolations")
        if violations:
            found[path] = violations
    assert len(paths) >= 4
    assert found == {}


def test_the_listener_sees_an_inline_style(page: Page, demo_live: str) -> None:
    """The check can fail: a style attribute added by markup is reported."""
    page.add_init_script(LISTENER)
    page.goto(f"{demo_live}/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "style-src" in page.evaluate("window.__cspViolations")[0]
