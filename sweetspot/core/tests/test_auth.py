"""Login, logout, password change, throttling, session rotation, API tokens."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from sweetspot.core.models import ApiToken
from sweetspot.core.tokens import create_token, revoke_token, user_for_key
from sweetspot.demo.seed import password_for


def test_login_rotates_the_session_and_lands_on_dashboard(personas):
    c = Client()
    c.get("/login/")
    c.cookies["sessionid"] = "attacker-chosen"
    before = c.cookies["sessionid"].value
    response = c.post("/login/", {"username": "dan", "password": password_for("dan")})
    assert response.status_code == 302 and response.url == "/"
    assert c.cookies["sessionid"].value != before
    assert c.get("/").status_code == 200


def test_wrong_password_shows_an_error_and_axes_locks_after_five(personas, settings):
    c = Client()
    response = c.post("/login/", {"username": "tara", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        c.post("/login/", {"username": "tara", "password": "wrong"})
    locked = c.post("/login/", {"username": "tara", "password": password_for("tara")})
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content


def test_logout_ends_the_session(client_for):
    c = client_for("sam")
    assert c.post("/logout/").status_code == 302
    assert c.get("/").status_code == 302


def test_password_change(client_for, personas):
    c = client_for("tara")
    response = c.post(
        "/password/",
        {
            "old_password": password_for("tara"),
            "new_password1": "a-much-better-passphrase-42",
            "new_password2": "a-much-better-passphrase-42",
        },
    )
    assert response.status_code == 302
    personas["tara"].refresh_from_db()
    assert personas["tara"].check_password("a-much-better-passphrase-42")
    bad = c.post("/password/", {"old_password": "nope", "new_password1": "x", "new_password2": "y"})
    assert bad.status_code == 200 and b"old password was entered incorrectly" in bad.content


def test_token_is_stored_hashed_and_shown_once(client_for, personas):
    c = client_for("dan")
    response = c.post("/profile/", {"name": "laptop", "days": 30})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=personas["dan"], name="laptop")
    key = response.context["new_key"]
    assert key.startswith("ss_") and key not in token.key_hash and len(token.key_hash) == 64
    assert user_for_key(key) == personas["dan"]
    again = c.get("/profile/")
    assert key.encode() not in again.content


def test_expired_and_revoked_tokens_are_refused(personas):
    token, key = create_token(personas["dan"], "short", days=1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/companies").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert api.get("/api/v1/companies").status_code == 401
    token2, key2 = create_token(personas["dan"], "revoked")
    revoke_token(personas["dan"], token2)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key2}").get("/api/v1/companies").status_code == 401
    assert (
        Client(HTTP_AUTHORIZATION="Bearer ss_garbage").get("/api/v1/companies").status_code == 401
    )


def test_revoke_from_profile_page(client_for, personas):
    token, key = create_token(personas["sam"], "old")
    c = client_for("sam")
    assert c.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 302
    assert user_for_key(key) is None
    # someone else's token: 404, and it stays active
    other, other_key = create_token(personas["dan"], "dan's")
    assert c.post(f"/profile/tokens/{other.pk}/revoke/").status_code == 404
    assert user_for_key(other_key) == personas["dan"]


def test_cost_visibility_is_owner_only(personas):
    from sweetspot.core.permissions import can_see_costs

    assert can_see_costs(personas["olivia"])
    for name in ["dan", "tara", "sam", "hana", "milo"]:
        assert not can_see_costs(personas[name]), name
    assert not can_see_costs(None)
