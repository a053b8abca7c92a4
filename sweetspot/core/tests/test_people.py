"""User administration and password reset (issue 14 item 1), through pages and services."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from sweetspot.clients import services as client_services
from sweetspot.clients.models import Contact
from sweetspot.core import services
from sweetspot.core.models import AuditLog, Role, User

pytestmark = pytest.mark.django_db


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+/password/reset/\S+/", message.body)
    assert found, message.body
    return found.group(0).split("testserver", 1)[-1]


def _logs_in(username: str, password: str) -> bool:
    c = Client()
    c.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in c.session


def test_olivia_invites_a_technician_who_sets_a_password_once(demo, client_for):
    olivia = client_for("olivia")
    response = olivia.post(
        "/people/new/",
        {
            "first_name": "Theo",
            "last_name": "Tran",
            "email": "theo@brightline.example",
            "username": "theo",
            "role": "technician",
        },
    )
    assert response.status_code == 302
    theo = User.objects.get(username="theo")
    assert theo.role == Role.TECHNICIAN and not theo.has_usable_password()
    assert AuditLog.objects.filter(object_type="core.User", object_id=str(theo.pk)).exists()
    (message,) = mail.outbox
    assert message.to == ["theo@brightline.example"]
    assert "Brightline IT" in message.subject
    link = _link(message)

    anon = Client()
    form_page = anon.get(link, follow=True)
    assert b"Choose your password" in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    done = anon.post(
        set_url, {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"}
    )
    assert done.status_code == 302
    assert _logs_in("theo", "a-long-new-pass-42")
    # One-time: the same link no longer works.
    again = Client().get(link, follow=True)
    assert b"This link no longer works" in again.content


def test_invitation_errors_are_field_errors(demo, client_for):
    olivia = client_for("olivia")
    response = olivia.post(
        "/people/new/",
        {
            "first_name": "X",
            "email": "tara@brightline.example",
            "username": "TARA",
            "role": "sales",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "taken" in form.errors["username"][0]
    olivia.post(
        "/people/new/",
        {"first_name": "X", "email": "TARA@brightline.example", "username": "x2", "role": "sales"},
    )
    assert not User.objects.filter(username="x2").exists()
    bad_role = olivia.post(
        "/people/new/", {"first_name": "X", "email": "x@x.test", "username": "x3", "role": "client"}
    )
    assert "role" in bad_role.context["form"].errors
    assert mail.outbox == []


def test_change_role_deactivate_never_delete_and_reactivate(demo, client_for, personas):
    olivia = client_for("olivia")
    tara = personas["tara"]
    olivia.post(
        f"/people/{tara.pk}/",
        {"first_name": "Tara", "last_name": "T", "email": tara.email, "role": "dispatcher"},
    )
    tara.refresh_from_db()
    assert tara.role == Role.DISPATCHER
    olivia.post(f"/people/{tara.pk}/deactivate/")
    tara.refresh_from_db()
    assert not tara.is_active and User.objects.filter(pk=tara.pk).exists()
    assert client_for("tara").get("/").status_code == 302  # logged out
    olivia.post(f"/people/{tara.pk}/reactivate/")
    tara.refresh_from_db()
    assert tara.is_active


def test_owner_cannot_demote_or_deactivate_herself(demo, client_for, personas):
    olivia = client_for("olivia")
    me = personas["olivia"]
    response = olivia.post(
        f"/people/{me.pk}/",
        {"first_name": "Olivia", "email": me.email, "role": "technician"},
    )
    assert "own role" in response.context["form"].errors["role"][0]
    olivia.post(f"/people/{me.pk}/deactivate/")
    me.refresh_from_db()
    assert me.is_active and me.role == Role.OWNER


def test_locked_out_login_is_shown_and_unlocked(demo, client_for, personas, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        Client().post("/login/", {"username": "ravi", "password": "wrong"})
    assert not _logs_in("ravi", "ravi-demo-2026")
    olivia = client_for("olivia")
    listing = olivia.get("/people/").content.decode()
    ravi_row = next(line for line in listing.split("<tr>") if ">ravi<" in line)
    assert "locked out" in ravi_row
    olivia.post(f"/people/{personas['ravi'].pk}/unlock/")
    assert "locked out" not in olivia.get(f"/people/{personas['ravi'].pk}/").content.decode()
    assert _logs_in("ravi", "ravi-demo-2026")


def test_owner_sends_a_password_reset_link(demo, client_for, personas):
    client_for("olivia").post(f"/people/{personas['dan'].pk}/reset-password/")
    (message,) = mail.outbox
    assert message.to == [personas["dan"].email]
    assert "/password/reset/" in message.body


def test_password_reset_page_does_not_reveal_whether_the_address_exists(demo):
    known = Client().post("/password/reset/", {"email": "hana@brightline.example"})
    unknown = Client().post("/password/reset/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]

    def main(url: str) -> str:
        return Client().get(url).content.decode().split("<main", 1)[1]

    assert main(known["Location"]) == main(unknown["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hana@brightline.example"]


def test_login_page_links_to_password_reset(db):
    assert b'href="/password/reset/"' in Client().get("/login/").content


def test_contact_invited_to_the_portal_gets_a_linked_client_login(demo, client_for, harbor):
    contact = client_services.create_contact(
        None, harbor, {"name": "Rita Reyes", "email": "rita@harbordental.example"}
    )
    olivia = client_for("olivia")
    olivia.post(f"/clients/contacts/{contact.pk}/portal-invite/")
    login = User.objects.get(contact=contact)
    assert login.role == Role.CLIENT and login.company_id == harbor.pk
    assert login.email == "rita@harbordental.example"
    contact.refresh_from_db()
    assert contact.portal_access
    (message,) = mail.outbox
    assert message.to == ["rita@harbordental.example"]
    page = olivia.get(f"/clients/contacts/{contact.pk}/").content.decode()
    assert "invited, no password yet" in page


def test_portal_access_box_creates_the_login_and_unticking_deactivates_it(demo, client_for, harbor):
    olivia = client_for("olivia")
    olivia.post(
        f"/clients/{harbor.pk}/contacts/new/",
        {"name": "Pat Park", "email": "pat@harbordental.example", "portal_access": "on"},
    )
    contact = Contact.objects.get(name="Pat Park")
    login = User.objects.get(contact=contact)
    assert login.is_active and len(mail.outbox) == 1
    olivia.post(
        f"/clients/contacts/{contact.pk}/edit/",
        {"name": "Pat Park", "email": "pat@harbordental.example"},
    )
    login.refresh_from_db()
    assert not login.is_active


def test_only_the_owner_sees_the_portal_access_box(demo, client_for, harbor):
    assert (
        b"portal_access" not in client_for("dan").get(f"/clients/{harbor.pk}/contacts/new/").content
    )
    assert (
        b"portal_access" in client_for("olivia").get(f"/clients/{harbor.pk}/contacts/new/").content
    )


def test_portal_access_through_a_service_needs_the_owner(demo, personas, harbor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        client_services.create_contact(
            personas["sam"],
            harbor,
            {"name": "Q", "email": "q@harbordental.example", "portal_access": True},
        )
    assert "portal_access" in exc.value.message_dict


def test_demo_client_logins_are_linked_to_their_contacts(demo, personas):
    assert personas["hana"].contact.email == "hana@harbordental.example"
    assert personas["milo"].contact.company_id == personas["milo"].company_id


def test_free_username_appends_a_number(demo):
    assert services.free_username("Hana") == "hana2"
