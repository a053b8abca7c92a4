"""The quarantine page and its actions, attachment downloads, what a client contact sees of
mail, and the raw-mail retention purge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sweetspot.clients.models import Contact
from sweetspot.core.models import AuditLog
from sweetspot.desk.models import Ticket
from sweetspot.mail.intake import ingest
from sweetspot.mail.models import InboundMessage, MailAttachment
from sweetspot.mail.services import purge_raw

from .conftest import build, eml

pytestmark = pytest.mark.django_db

HOSTILE = build(
    sender="Ann Example <ann@otherclinic.example>",
    subject="<script>alert(1)</script> Quote",
    body="<img src=x onerror=alert(2)> could you send a quote?",
    attachments=[("page.html", b"<script>alert(3)</script>", "text/html")],
)


def test_quarantine_lists_held_mail_as_escaped_text(harbor_mail, client_for):
    row = ingest(HOSTILE)
    assert row.status == "quarantined"
    page = client_for("dan").get("/mail/quarantine/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "Unknown sender" in page


def test_make_a_ticket_for_the_chosen_company(harbor_mail, client_for, maple):
    row = ingest(build(sender="ann@otherclinic.example", subject="Quote for 5 PCs"))
    response = client_for("dan").post(f"/mail/messages/{row.pk}/ticket/", {"company": maple.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    ticket = row.ticket
    assert (row.status, row.action, row.handled_by.username) == ("processed", "new_ticket", "dan")
    assert (
        ticket.company == maple and ticket.subject == "Quote for 5 PCs" and ticket.contact is None
    )
    assert ticket.source == "email"
    assert not Contact.objects.filter(email="ann@otherclinic.example").exists()
    assert AuditLog.objects.filter(
        object_type="mail.InboundMessage", actor__username="dan"
    ).exists()
    # A second click does nothing more.
    client_for("dan").post(f"/mail/messages/{row.pk}/ticket/", {"company": maple.pk})
    assert Ticket.objects.count() == 1


def test_add_the_sender_as_a_contact_and_make_the_ticket(harbor_mail, client_for, maple, mail_dir):
    row = ingest(
        build(
            sender="Ann Example <ann@otherclinic.example>",
            attachments=[("log.txt", b"E42", "text/plain")],
        )
    )
    client_for("olivia").post(
        f"/mail/messages/{row.pk}/ticket/", {"company": maple.pk, "add_contact": "1"}
    )
    row.refresh_from_db()
    contact = Contact.objects.get(email="ann@otherclinic.example")
    assert contact.company == maple and contact.name == "Ann Example"
    assert row.ticket.contact == contact
    assert MailAttachment.objects.get(message=row).ticket == row.ticket
    # The next mail from Ann is a known contact's.
    assert ingest(build(sender="ann@otherclinic.example")).reason == "known_contact"


def test_discard_and_failures_on_the_same_page(harbor_mail, client_for, monkeypatch):
    from sweetspot.mail import intake  # patched to make one message fail

    held = ingest(build(sender="x@unknown.example", subject="Spam?"))
    client_for("dan").post(f"/mail/messages/{held.pk}/discard/")
    held.refresh_from_db()
    assert held.status == "discarded"

    real = intake.apply_decision
    monkeypatch.setattr(intake, "apply_decision", lambda *a, **k: 1 / 0)
    failed = ingest(build(subject="Printer on fire"))
    page = client_for("dan").get("/mail/quarantine/").content.decode()
    assert "Printer on fire" in page and "ZeroDivisionError" in page and "Spam?" not in page
    monkeypatch.setattr(intake, "apply_decision", real)
    client_for("dan").post(f"/mail/messages/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.status == "processed" and failed.ticket.subject == "Printer on fire"


def test_the_message_page_shows_the_full_text_escaped(harbor_mail, client_for):
    row = ingest(HOSTILE)
    page = client_for("dan").get(f"/mail/messages/{row.pk}/").content.decode()
    assert "could you send a quote?" in page and "<img src=x" not in page
    assert "page.html" in page


def test_attachments_are_downloads_with_a_safe_type(harbor_mail, client_for, mail_dir):
    row = ingest(
        build(
            attachments=[
                ("report.pdf", b"%PDF-1.4 x", "application/pdf"),
                ("page.html", b"<script>alert(1)</script>", "text/html"),
            ]
        )
    )
    pdf, html = MailAttachment.objects.filter(message=row).order_by("pk")
    if not html.accepted:  # the firm's list may refuse .html; serve-side still checked on pdf
        html = None
    response = client_for("hana").get(f"/mail/attachments/{pdf.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    if html is not None:
        served = client_for("dan").get(f"/mail/attachments/{html.pk}/")
        assert served["Content-Type"] == "application/octet-stream"
    assert client_for("milo").get(f"/mail/attachments/{pdf.pk}/").status_code == 404


def test_hana_sees_her_mail_but_no_internal_notes_and_nothing_of_maple(
    harbor_mail, maple, client_for
):
    from sweetspot.mail.models import TicketMessageId  # the bounce threads on a sent id

    new = ingest(eml("hana-new.eml"))  # refuses driver.exe: an internal note
    ingest(eml("hana-reply.eml"))
    TicketMessageId.objects.create(
        ticket=new.ticket, message_id="out-7@brightline.example", direction="out"
    )
    bounce = ingest(
        build(
            sender="MAILER-DAEMON@mx.harbordental.example",
            subject="Undelivered Mail Returned to Sender",
            body="Mailbox full: internal detail",
            headers={"In-Reply-To": "<out-7@brightline.example>"},
        )
    )
    assert bounce.action == "bounce_note"
    maple.mail_domains = ["maplelaw.example"]
    maple.save(update_fields=["mail_domains"])
    milo_mail = ingest(
        build(
            sender="milo@maplelaw.example",
            subject="Maple secret",
            attachments=[("maple.pdf", b"%PDF maple", "application/pdf")],
        )
    )
    hana = client_for("hana")
    page = hana.get(f"/desk/portal/{new.ticket_id}/").content.decode()
    assert "It jammed again" in page  # her reply, client-visible
    assert "driver.exe (refused)" in page  # her own mail's files, not the internal note
    assert "Attachment refused" not in page and "Mailbox full" not in page
    assert "MAILER-DAEMON" not in page
    assert hana.get(f"/desk/portal/{milo_mail.ticket_id}/").status_code == 404
    maple_file = MailAttachment.objects.get(message=milo_mail)
    assert hana.get(f"/mail/attachments/{maple_file.pk}/").status_code == 404
    assert hana.get("/mail/quarantine/").status_code == 404
    staff_page = client_for("dan").get(f"/desk/tickets/{new.ticket_id}/").content.decode()
    assert "Mailbox full" in staff_page and "driver.exe" in staff_page


def test_raw_mail_is_purged_after_the_retention_period(harbor_mail):
    old = ingest(build(), now=timezone.now() - dt.timedelta(days=91))
    recent = ingest(build())
    assert purge_raw() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.raw is None and recent.raw is not None
    assert old.message_id  # the row stays: the same message is still processed once


def test_a_huge_message_keeps_its_headers_only(harbor_mail):
    row = ingest(build(body="x" * (3 * 1024 * 1024)))
    assert row.raw_truncated and row.raw_size > 3 * 1024 * 1024
    assert bytes(row.raw).startswith(b"From:") and len(row.raw) < 2000
    assert row.status == "processed"
    assert InboundMessage.objects.count() == 1
