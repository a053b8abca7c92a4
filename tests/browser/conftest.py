"""Real-browser fixtures: Debian's Chromium through pytest-playwright against live_server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread; Django's ORM (used by the
# fixtures that seed the demo data) would otherwise refuse to run there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/shots")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # No skip here on purpose: if Chromium is missing or cannot launch, the tests fail.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (never `playwright install`)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def demo_live(transactional_db: None, live_server, demo_snapshots) -> str:  # noqa: ANN001
    """The demo firm restored into the live server's database; returns its base URL."""
    from sweetspot.demo import snapshot

    snapshot.restore(demo_snapshots[1])
    return live_server.url


@pytest.fixture
def shot():
    """shot(page, "name") -> full-page screenshot at /tmp/shots/name.png (for humans). Not
    taken under CI (``CI`` set, as `.ci/run` is run): nobody looks at them there, and the
    hundred or so cost about 25 s a run; no test reads them back."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:  # noqa: ANN001
        path = SHOTS / f"{name}.png"
        if not os.environ.get("CI"):
            page.screenshot(path=str(path), full_page=True)
        return path

    return take


def settled(page) -> None:  # noqa: ANN001
    """The page has loaded and htmx has no request in flight: what the page checks (axe, CSP
    violations) need. ``networkidle`` waited for the same plus half a second of quiet on
    every page (18 of the CSP check's 38 s for the owner's 35 pages)."""
    page.wait_for_load_state("load")
    # Polled with evaluate (the DevTools protocol): wait_for_function evaluates a string
    # in the page, which the pages' script-src forbids.
    for _ in range(250):
        if page.evaluate("!window.htmx || !document.querySelector('.htmx-request')"):
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"{page.url}: htmx still busy after 5 s")


def login(page, base_url: str, username: str) -> None:  # noqa: ANN001
    """Log in through the real form with the persona's demo password; a persona who must
    use a second factor (the owner) gets a verified TOTP device and types its code."""
    from playwright.sync_api import expect

    from sweetspot.core import mfa
    from sweetspot.core.models import User
    from sweetspot.core.testing import enrolled_device, totp_code
    from sweetspot.demo.seed import password_for

    user = User.objects.get(username=username)
    device = enrolled_device(user) if mfa.required_for(user) else None
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password_for(username))
    page.click("form.stacked button[type=submit]")
    if device is not None:
        page.wait_for_url("**/mfa/verify/**")
        page.fill("input[name=code]", totp_code(device))
        page.click("form.stacked button[type=submit]")
    expect(page.locator("header .who")).to_be_visible()
