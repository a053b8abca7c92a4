"""Olivia (owner) must enrol a second factor: she scans the QR code, confirms with a TOTP
code, keeps her recovery codes, and signs in with a code next time."""

from __future__ import annotations

from playwright.sync_api import expect

from sweetspot.core.models import AuditLog, User
from sweetspot.core.testing import totp_code
from sweetspot.demo.seed import password_for


def _password_step(page, base: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "olivia")
    page.fill("input[name=password]", password_for("olivia"))
    page.click("form.stacked button[type=submit]")


def test_olivia_enrols_and_logs_in_with_a_totp_code(demo_live, page, shot) -> None:  # noqa: ANN001
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _password_step(page, demo_live)
    page.wait_for_url("**/mfa/setup/**")
    expect(page.locator(".mfa-qr svg")).to_be_visible()
    shot(page, "mfa-setup")
    page.goto(f"{demo_live}/clients/")  # nothing else until she has enrolled
    page.wait_for_url("**/mfa/setup/**")

    olivia = User.objects.get(username="olivia")
    device = TOTPDevice.objects.get(user=olivia, confirmed=False)
    shown = page.locator("#mfa-secret").inner_text().replace(" ", "")
    from base64 import b32encode

    assert shown == b32encode(device.bin_key).decode().rstrip("=")
    page.fill("input[name=code]", totp_code(device))
    page.click("form.stacked button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot(page, "mfa-recovery-codes")
    page.click("text=I have saved them")
    expect(page.locator("header .who")).to_be_visible()

    page.locator("header form[action='/logout/'] button").click()
    _password_step(page, demo_live)
    page.wait_for_url("**/mfa/verify/**")
    shot(page, "mfa-verify")
    device.refresh_from_db()
    device.last_t = -1  # a new login within the same 30 s window may reuse the code
    device.save()
    page.fill("input[name=code]", totp_code(device))
    page.click("form.stacked button[type=submit]")
    expect(page.locator("header .who")).to_be_visible()
    page.goto(f"{demo_live}/profile/")
    expect(page.locator("#security")).to_contain_text("On: you sign in with a code")
    shot(page, "mfa-profile")
    actions = set(
        AuditLog.objects.filter(object_id=str(olivia.pk)).values_list("action", flat=True)
    )
    assert {"login", "mfa_enrolled", "mfa_used", "logout"} <= actions
