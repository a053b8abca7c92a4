"""Sessions and tokens end with a password change or a deactivation; the second factor
(TOTP, recovery codes, policy, API tokens); security events in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from sweetspot.core import mfa
from sweetspot.core.models import ApiToken, AuditLog, Firm, User
from sweetspot.core.testing import enrolled_device, totp_code
from sweetspot.core.tokens import create_token, user_for_key
from sweetspot.demo.seed import password_for

NEW_PASSWORD = "a-much-better-passphrase-42"


def _login(username: str, **extra: str) -> Client:
    c = Client(**extra)
    r = c.post("/login/", {"username": username, "password": password_for(username)})
    assert r.status_code == 302, r.content[:300]
    return c


def _unthrottle(user: User) -> None:
    """django-otp delays the next try after a wrong code (1 s, 2 s, 4 s...): skip the wait."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0)


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# --- item 7: sessions and tokens -------------------------------------------------------


def test_password_change_ends_other_sessions_and_revokes_tokens(personas):
    dan = personas["dan"]
    laptop, phone = _login("dan"), _login("dan")
    _, key = create_token(dan, "script")
    assert Client().get("/api/v1/companies", **_bearer(key)).status_code == 200

    r = laptop.post(
        "/password/",
        {
            "old_password": password_for("dan"),
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert r.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it goes on
    assert phone.get("/").status_code == 302  # every other session is over
    assert Client().get("/api/v1/companies", **_bearer(key)).status_code == 401
    assert not ApiToken.objects.filter(user=dan, revoked_at__isnull=True).exists()
    actions = set(AuditLog.objects.filter(object_id=str(dan.pk)).values_list("action", flat=True))
    assert {"password", "sessions_ended"} <= actions


def test_password_set_anywhere_revokes_tokens(personas):
    sam = personas["sam"]
    _, key = create_token(sam, "cron")
    sam.set_password(NEW_PASSWORD)  # e.g. manage.py changepassword
    sam.save()
    assert user_for_key(key) is None


def test_password_hash_upgrade_at_login_is_not_a_change(personas, settings):
    tara = personas["tara"]
    _, key = create_token(tara, "cron")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    assert tara.check_password(password_for("tara"))  # rehashed with the new first hasher
    assert user_for_key(key) is not None


def test_deactivation_ends_sessions_and_tokens(personas):
    tara = personas["tara"]
    c = _login("tara")
    _, key = create_token(tara, "script")
    tara.is_active = False
    tara.save()
    assert c.get("/").status_code == 302
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists() or all(
        s.get_decoded().get("_auth_user_id") != str(tara.pk) for s in Session.objects.all()
    )
    assert Client().get("/api/v1/companies", **_bearer(key)).status_code == 401
    assert AuditLog.objects.filter(action="sessions_ended", object_id=str(tara.pk)).exists()


def test_ical_feed_stops_for_archived_or_deactivated_technician(full_demo, personas, client):
    from sweetspot.desk import visit_services
    from sweetspot.team import services as team_services
    from sweetspot.team.models import Technician

    tara = Technician.objects.get(user=personas["tara"])
    _, key = visit_services.create_feed(None, tara)
    assert client.get(f"/visits/feed/{key}.ics").status_code == 200
    team_services.archive_technician(None, tara)
    assert client.get(f"/visits/feed/{key}.ics").status_code == 404
    team_services.restore_technician(None, tara)
    assert client.get(f"/visits/feed/{key}.ics").status_code == 200
    user = personas["tara"]
    user.is_active = False
    user.save()
    assert client.get(f"/visits/feed/{key}.ics").status_code == 404


# --- item 8: the second factor ---------------------------------------------------------


def test_owner_must_enrol_then_verify(personas):
    olivia = personas["olivia"]
    c = _login("olivia", HTTP_USER_AGENT="pytest-browser/1.0")
    r = c.get("/clients/")
    assert r.status_code == 302 and r.url.startswith("/mfa/setup/")
    assert c.get("/api/v1/companies").status_code == 401  # the session API too
    page = c.get("/mfa/setup/")
    assert page.status_code == 200 and b"<svg" in page.content and b"Key:" in page.content
    device = mfa.pending_device(olivia)
    bad = c.post("/mfa/setup/", {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert b"That code is not valid" in bad.content
    _unthrottle(olivia)
    ok = c.post("/mfa/setup/", {"code": totp_code(device), "next": "/clients/"})
    assert ok.status_code == 200 and b"recovery-codes" in ok.content
    codes = ok.context["codes"]
    assert len(codes) == 10
    assert c.get("/clients/").status_code == 200

    # Next login: the code is asked for; a recovery code works once.
    c2 = _login("olivia")
    assert c2.get("/").url.startswith("/mfa/verify/")
    assert c2.post("/mfa/verify/", {"code": "nope"}).status_code == 200
    _unthrottle(olivia)
    assert c2.post("/mfa/verify/", {"code": codes[0], "next": "/clients/"}).url == "/clients/"
    assert c2.get("/clients/").status_code == 200
    c3 = _login("olivia")
    c3.post("/mfa/verify/", {"code": codes[0]})
    assert c3.get("/").status_code == 302  # spent
    assert mfa.recovery_codes_left(olivia) == 9

    events = list(
        AuditLog.objects.filter(object_id=str(olivia.pk)).values_list("action", flat=True)
    )
    assert {"login", "mfa_enrolled", "mfa_used", "mfa_failed"} <= set(events)
    login_row = AuditLog.objects.filter(object_id=str(olivia.pk), action="login").last()
    assert login_row.ip == "127.0.0.1" and login_row.user_agent == "pytest-browser/1.0"


def test_verify_refuses_an_outside_next(personas):
    device = enrolled_device(personas["olivia"])
    c = _login("olivia")
    r = c.post("/mfa/verify/", {"code": totp_code(device), "next": "https://evil.example/"})
    assert r.url == "/"


def test_staff_policy_applies_from_next_login(personas, client_for):
    assert _login("dan").get("/").status_code == 200  # policy off: password is enough
    olivia = client_for("olivia")
    olivia.post("/mfa/policy/", {"require_mfa_for_staff": "on"})
    assert Firm.current().require_mfa_for_staff
    assert _login("dan").get("/").url.startswith("/mfa/setup/")
    assert not _login("hana").get("/").url.startswith("/mfa/")  # client contacts never
    assert client_for("dan").post("/mfa/policy/", {}).status_code == 404


def test_api_token_needs_a_fresh_code(personas):
    olivia = personas["olivia"]
    device = enrolled_device(olivia)
    c = _login("olivia")
    c.post("/mfa/verify/", {"code": totp_code(device)})
    session = c.session
    session[mfa.VERIFIED_KEY] -= mfa.FRESH_SECONDS + 1  # an hour into the session
    session.save()
    page = c.get("/profile/")
    assert b"Code from your authenticator app" in page.content
    refused = c.post("/profile/", {"name": "ci", "days": 30, "code": "123"})
    assert b"That code is not valid" in refused.content
    assert not ApiToken.objects.filter(user=olivia).exists()
    _unthrottle(olivia)
    device.refresh_from_db()
    device.last_t = -1  # the code may equal the one used to log in a moment ago
    device.save()
    made = c.post("/profile/", {"name": "ci", "days": 30, "code": totp_code(device)})
    assert made.status_code == 200 and b"ss_" in made.content
    token = ApiToken.objects.get(user=olivia)
    assert AuditLog.objects.filter(action="token_created", object_id=str(olivia.pk)).exists()
    c.post(f"/profile/tokens/{token.pk}/revoke/")
    assert AuditLog.objects.filter(action="token_revoked", object_id=str(olivia.pk)).exists()


def test_disable_needs_password_and_code(personas):
    dan = personas["dan"]
    device = enrolled_device(dan)
    c = _login("dan")
    assert c.get("/").url.startswith("/mfa/verify/")
    c.post("/mfa/verify/", {"code": totp_code(device)})
    c.post("/mfa/disable/", {"password": "wrong", "code": "x"})
    assert mfa.has_device(dan)
    _unthrottle(dan)
    codes = mfa.regenerate_recovery_codes(dan)
    c.post("/mfa/disable/", {"password": password_for("dan"), "code": codes[0]})
    assert not mfa.has_device(dan)
    assert AuditLog.objects.filter(action="mfa_removed", object_id=str(dan.pk)).exists()
    assert _login("dan").get("/").status_code == 200


def test_owner_replacing_device_is_sent_to_enrolment(personas):
    olivia = personas["olivia"]
    device = enrolled_device(olivia)
    c = _login("olivia")
    c.post("/mfa/verify/", {"code": totp_code(device)})
    codes = mfa.regenerate_recovery_codes(olivia)
    r = c.post("/mfa/disable/", {"password": password_for("olivia"), "code": codes[1]})
    assert r.url == "/mfa/setup/"
    assert c.get("/clients/").url.startswith("/mfa/setup/")


def test_failed_login_and_lockout_are_audited(personas, settings):
    c = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post("/login/", {"username": "sam", "password": "wrong"})
    c.post("/login/", {"username": "ghost", "password": "wrong"})
    rows = AuditLog.objects.filter(action="login_failed")
    assert rows.filter(actor_label="sam", object_id=str(personas["sam"].pk)).count() >= 4
    assert rows.filter(actor_label="ghost", object_id="").exists()
    assert rows.first().ip == "10.9.8.7"
    assert AuditLog.objects.filter(action="lockout", object_id=str(personas["sam"].pk)).exists()


@pytest.mark.parametrize("username", ["tara", "hana"])
def test_mfa_pages_for_people_without_a_device(personas, client_for, username):
    c = client_for(username)
    expected = 200 if username == "tara" else 404
    assert c.get("/mfa/setup/").status_code == expected
    assert c.get("/mfa/verify/").status_code in {302, 404}


def test_token_expiry_unchanged(personas):
    token, key = create_token(personas["dan"], "x", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert user_for_key(key) is None
    assert User.objects.get(pk=personas["dan"].pk).is_active
