"""Pages work under the Content-Security-Policy: no violation reported by Chromium, htmx
still swaps, confirmations still ask, and the API docs render from our own origin."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import login


def test_pages_run_under_the_policy(demo_live, page, shot) -> None:  # noqa: ANN001
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    login(page, demo_live, "dan")
    for path in ["/", "/desk/queue/", "/clients/", "/catalog/services/new/", "/growth/pipeline/"]:
        page.goto(f"{demo_live}{path}")
        expect(page.locator("main")).to_be_visible()
    # htmx: the client list filters as you type (a swap, no inline script needed).
    page.goto(f"{demo_live}/clients/")
    page.fill("input[name=q]", "Harbor")
    expect(page.locator("table")).to_contain_text("Harbor Dental")
    # data-confirm: dismissing the question keeps the company.
    page.goto(f"{demo_live}/clients/")
    page.click("text=Harbor Dental")
    asked: list[str] = []

    def dismiss(dialog):  # noqa: ANN001
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("form[data-confirm] button")
    assert asked and asked[0].startswith("Archive Harbor Dental?")
    expect(page.locator("h1")).to_contain_text("Harbor Dental")
    page.goto(f"{demo_live}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    shot(page, "api-docs-self-hosted")
    assert violations == []
