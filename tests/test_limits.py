"""Text limits (issue 14 item 12): every free-text field has a maximum length with one clear
error — in the forms, the API (422 naming the field) and the services' model check — and a
comment that is too long comes back with the typed text still in the box."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from sweetspot.clients.forms import CompanyForm
from sweetspot.core import limits
from sweetspot.desk import services
from sweetspot.desk.models import Ticket, TicketComment

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000
TOO_LONG_NOTE = "word " * 2_000 + "!"  # 10,001 characters


def _error_for(body: str, field: str) -> str:
    """The text of the field's error paragraph(s) on a rendered form."""
    found = re.findall(rf'<p class="error" id="id_{field}-error">(.*?)</p>', body, re.S)
    return " ".join(unescape(f) for f in found)


def _textarea(body: str, field: str) -> str:
    match = re.search(rf'<textarea[^>]*id="id_{field}"[^>]*>(.*?)</textarea>', body, re.S)
    assert match, f"no textarea {field}"
    return unescape(match.group(1)).strip("\r\n")


def _api(c, method: str, url: str, payload: dict):
    return getattr(c, method)(url, data=json.dumps(payload), content_type="application/json")


def test_limits_message_names_the_limit_and_the_length():
    err = limits.too_long(10_000, 100_000)
    assert err.messages == ["Keep this to 10,000 characters or fewer (you typed 100,000)."]


# --- forms ---------------------------------------------------------------------------------


def test_a_100000_character_subject_is_a_field_error_on_the_ticket_form(client_for, harbor):
    dan = client_for("dan")
    response = dan.post(
        "/desk/tickets/new/",
        {"company": harbor.pk, "subject": HUGE, "source": "phone", "priority": "P3"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert _error_for(body, "subject") == (
        "Keep this to 200 characters or fewer (you typed 100,000)."
    )
    assert not Ticket.objects.filter(subject__startswith="xxxx").exists()


def test_a_long_description_is_refused_and_the_limit_itself_is_fine(client_for, harbor):
    dan = client_for("dan")
    data = {"company": harbor.pk, "subject": "Log pasted", "source": "phone", "priority": "P3"}
    refused = dan.post("/desk/tickets/new/", {**data, "description": HUGE})
    assert _error_for(refused.content.decode(), "description") == (
        "Keep this to 10,000 characters or fewer (you typed 100,000)."
    )
    assert not Ticket.objects.filter(subject="Log pasted").exists()
    # The textarea carries no maxlength: a browser would cut a long paste silently.
    assert "maxlength" not in re.search(r"<textarea[^>]*>", refused.content.decode()).group(0)
    accepted = dan.post("/desk/tickets/new/", {**data, "description": "y" * limits.TEXT})
    assert accepted.status_code == 302
    assert len(Ticket.objects.get(subject="Log pasted").description) == limits.TEXT


def test_company_notes_over_the_limit_are_a_field_error(client_for, harbor):
    """A model TextField without its own max_length gets limits.TEXT (no migration)."""
    form = CompanyForm(instance=harbor)
    data = {name: ("" if bf.value() is None else bf.value()) for name, bf in form._bound_items()}
    data["notes"] = TOO_LONG_NOTE
    response = client_for("olivia").post(f"/clients/{harbor.pk}/edit/", data)
    assert response.status_code == 200
    assert _error_for(response.content.decode(), "notes") == (
        "Keep this to 10,000 characters or fewer (you typed 10,001)."
    )
    harbor.refresh_from_db()
    assert harbor.notes != TOO_LONG_NOTE


def test_services_refuse_text_over_the_limit(personas, harbor):
    """Every write goes through full_clean: the services hold the limit too."""
    ticket = services.open_ticket(None, {"company": harbor, "subject": "Printer"})
    with pytest.raises(ValidationError) as exc:
        services.add_comment(personas["dan"], ticket, TOO_LONG_NOTE, internal=True)
    assert exc.value.message_dict == {
        "body": ["Keep this to 10,000 characters or fewer (you typed 10,001)."]
    }
    with pytest.raises(ValidationError) as exc:
        services.open_ticket(None, {"company": harbor, "subject": HUGE})
    assert exc.value.message_dict["subject"] == [
        "Keep this to 200 characters or fewer (you typed 100,000)."
    ]


# --- API -------------------------------------------------------------------------------------


def test_the_api_answers_422_naming_the_field(api_token, harbor):
    from django.test import Client

    dan = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('dan')}")
    subject = _api(dan, "post", "/api/v1/tickets", {"company_id": harbor.pk, "subject": HUGE})
    assert subject.status_code == 422
    assert [e["loc"][-1] for e in subject.json()["detail"]] == ["subject"]

    described = _api(
        dan,
        "post",
        "/api/v1/tickets",
        {"company_id": harbor.pk, "subject": "Log", "description": TOO_LONG_NOTE},
    )
    assert described.status_code == 422
    assert [e["loc"][-1] for e in described.json()["detail"]] == ["description"]
    assert not Ticket.objects.filter(subject="Log").exists()

    ticket = services.open_ticket(None, {"company": harbor, "subject": "Printer"})
    comment = _api(dan, "post", f"/api/v1/tickets/{ticket.pk}/comments", {"body": HUGE})
    assert comment.status_code == 422
    assert [e["loc"][-1] for e in comment.json()["detail"]] == ["body"]
    patched = _api(dan, "patch", f"/api/v1/companies/{harbor.pk}", {"notes": TOO_LONG_NOTE})
    assert patched.status_code == 422
    assert [e["loc"][-1] for e in patched.json()["detail"]] == ["notes"]
    assert not ticket.comments.exists()


# --- a comment that is too long keeps its text -----------------------------------------------


def test_a_too_long_comment_comes_back_with_the_text_and_the_reason(client_for, harbor):
    ticket = services.open_ticket(None, {"company": harbor, "subject": "Printer"})
    dan = client_for("dan")
    response = dan.post(f"/desk/tickets/{ticket.pk}/comment/", {"body": TOO_LONG_NOTE})
    assert response.status_code == 422
    body = response.content.decode()
    assert _textarea(body, "body") == TOO_LONG_NOTE
    assert _error_for(body, "body") == (
        "Keep this to 10,000 characters or fewer (you typed 10,001)."
    )
    assert f"#{ticket.pk} Printer" in body  # the ticket page, not a bare form
    assert not TicketComment.objects.filter(ticket=ticket).exists()
    # The same box with a shorter text saves it.
    ok = dan.post(f"/desk/tickets/{ticket.pk}/comment/", {"body": "Toner replaced"})
    assert ok.status_code == 302
    assert ticket.comments.get().body == "Toner replaced"


def test_a_too_long_portal_reply_comes_back_with_the_text(client_for, harbor):
    ticket = services.open_ticket(None, {"company": harbor, "subject": "Printer"})
    hana = client_for("hana")
    response = hana.post(f"/desk/portal/{ticket.pk}/comment/", {"body": TOO_LONG_NOTE})
    assert response.status_code == 422
    body = response.content.decode()
    assert _textarea(body, "body") == TOO_LONG_NOTE
    assert "you typed 10,001" in _error_for(body, "body")
    assert not TicketComment.objects.filter(ticket=ticket).exists()


def test_an_empty_comment_says_why_on_the_page(client_for, harbor):
    ticket = services.open_ticket(None, {"company": harbor, "subject": "Printer"})
    response = client_for("dan").post(f"/desk/tickets/{ticket.pk}/comment/", {"body": ""})
    assert response.status_code == 422
    assert _error_for(response.content.decode(), "body") == "This field is required."


# --- mail intake never refuses a long e-mail -------------------------------------------------


def test_a_long_email_opens_a_ticket_cut_to_the_limit_and_keeps_the_whole_message(
    demo, harbor, settings, tmp_path
):
    from sweetspot.mail.intake import ingest
    from sweetspot.mail.tests.conftest import build

    settings.MAIL_ATTACHMENT_DIR = str(tmp_path)
    harbor.mail_domains = ["harbordental.example"]
    harbor.save(update_fields=["mail_domains"])
    text = "log line\n" * 5_000 + "THE-LAST-LINE"  # 45,013 characters
    raw = build(body=text, subject="Server log " + "y" * 400)
    row = ingest(raw, "pipe")
    assert (row.status, row.action) == ("processed", "new_ticket")
    ticket = row.ticket
    assert len(ticket.description) <= limits.TEXT
    assert ticket.description.endswith("the whole e-mail is kept as received.]")
    assert len(ticket.subject) == limits.NAME
    assert not row.raw_truncated and row.raw_size == len(raw)
    assert b"THE-LAST-LINE" in bytes(row.raw)
