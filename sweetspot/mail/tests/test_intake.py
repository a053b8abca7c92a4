"""The live intake: each triage action applied to the database, dedupe, failure isolation."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from sweetspot.clients.models import Contact
from sweetspot.desk import services as desk_services
from sweetspot.desk.models import Source, Ticket, TicketStatus
from sweetspot.mail import intake
from sweetspot.mail.intake import ingest
from sweetspot.mail.models import InboundMessage, InboundStatus, MailAttachment, TicketMessageId
from sweetspot.team.models import Technician

from .conftest import build, eml

pytestmark = pytest.mark.django_db


def _ticket(harbor, subject: str = "Printer", assigned: bool = False) -> Ticket:
    contact = harbor.contacts.get(email="hana@harbordental.example")
    ticket = desk_services.open_ticket(
        None,
        {"company": harbor, "contact": contact, "subject": subject},
        now=timezone.now() - dt.timedelta(days=40),
    )
    if assigned:
        ticket = desk_services.assign(None, ticket, Technician.objects.create(name="Tess"))
    return ticket


def _resolve(ticket: Ticket, days_ago: int) -> Ticket:
    assigned = desk_services.assign(None, ticket, Technician.objects.create(name="Tim"))
    return desk_services.resolve(
        None, assigned, now=timezone.now() - dt.timedelta(days=days_ago, hours=-1)
    )


def test_new_ticket_from_a_known_contact_with_attachments(harbor_mail, mail_dir):
    row = ingest(eml("hana-new.eml"), "pipe")
    assert (row.status, row.action, row.reason) == ("processed", "new_ticket", "known_contact")
    ticket = row.ticket
    assert ticket.source == Source.EMAIL
    assert ticket.subject == "Front desk printer jams on every second page"
    assert ticket.contact.email == "hana@harbordental.example"
    assert ticket.company == harbor_mail
    assert "jams on every second page" in ticket.description
    assert ticket.responded_at is None
    files = {a.filename: a for a in MailAttachment.objects.filter(ticket=ticket)}
    assert files["printer.png"].accepted and (mail_dir / files["printer.png"].stored_name).exists()
    assert not files["driver.exe"].accepted and files["driver.exe"].stored_name == ""
    note = ticket.comments.get()
    assert note.internal and "driver.exe" in note.body
    assert TicketMessageId.objects.get(ticket=ticket).message_id == (
        "CAHana0001@mail.harbordental.example"
    )


def test_reply_threads_by_message_id_as_a_client_comment(harbor_mail):
    first = ingest(eml("hana-new.eml"), "pipe")
    reply = ingest(eml("hana-reply.eml"), "pipe")
    assert (reply.action, reply.reason, reply.ticket_id) == ("reply", "message_id", first.ticket_id)
    comment = reply.comment
    assert not comment.internal
    assert "It jammed again" in comment.body and "> Hi," not in comment.body
    assert comment.body.startswith("From: Hana Hughes <hana@harbordental.example>")
    assert comment.author.role == "client" and not comment.author.is_active
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert ticket.responded_at is None  # a client's mail is not the firm's response
    assert Ticket.objects.count() == 1
    assert TicketMessageId.objects.filter(ticket=ticket).count() == 2


def test_reply_by_a_portal_user_is_authored_by_them(harbor_mail, personas):
    hana = personas["hana"]
    hana.email = "Hana@HarborDental.example"
    hana.save(update_fields=["email"])
    first = ingest(eml("hana-new.eml"), "pipe")
    reply = ingest(eml("hana-reply.eml"), "pipe")
    assert reply.comment.author == hana
    assert not reply.comment.body.startswith("From:")
    assert first.ticket_id == reply.ticket_id


def test_reply_by_token_and_resume_when_waiting(harbor_mail):
    ticket = desk_services.wait_on_client(None, _ticket(harbor_mail, assigned=True))
    row = ingest(build(subject=f"RE: Printer [#{ticket.pk}]", body="Done, it works now."))
    assert (row.action, row.reason) == ("reply", "token")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS  # resumed: the client answered
    assert ticket.resolution_due_at is not None


def test_token_from_a_stranger_is_quarantined(harbor_mail):
    ticket = _ticket(harbor_mail)
    row = ingest(build(sender="eve@evil.example", subject=f"Re: [#{ticket.pk}] invoice"))
    assert (row.status, row.reason) == ("quarantined", "sender_not_contact")
    assert row.ticket is None and not ticket.comments.exists()


def test_reopen_a_recently_resolved_ticket_with_a_p2_hint(harbor_mail):
    ticket = _resolve(_ticket(harbor_mail), days_ago=3)
    row = ingest(
        build(
            subject=f"Re: Printer [#{ticket.pk}]",
            body="It is broken again.",
            headers={"Importance": "high"},
        )
    )
    assert (row.action, row.reason) == ("reopen", "token")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.resolved_at is None
    assert ticket.priority == "P2"
    assert ticket.pauses[-1][1] is not None  # the resolved days do not count
    assert ticket.comments.get(internal=False).body.endswith("It is broken again.")


def test_resolved_long_ago_opens_a_new_ticket_linking_it(harbor_mail):
    old = _resolve(_ticket(harbor_mail), days_ago=30)
    row = ingest(build(subject=f"Re: Printer [#{old.pk}]", body="Same again"))
    assert (row.action, row.reason) == ("new_ticket", "resolved_too_long_ago")
    assert row.ticket != old and row.ticket.subject == "Printer"
    note = row.ticket.comments.get()
    assert note.internal and f"#{old.pk}" in note.body
    old.refresh_from_db()
    assert old.status == TicketStatus.RESOLVED


def test_a_closed_ticket_is_never_reopened(harbor_mail):
    ticket = desk_services.close(None, _resolve(_ticket(harbor_mail), days_ago=2))
    row = ingest(build(subject=f"Re: Printer [#{ticket.pk}]"))
    assert (row.action, row.reason) == ("new_ticket", "ticket_closed")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert f"#{ticket.pk}" in row.ticket.comments.get().body


def test_new_contact_from_the_company_domain(harbor_mail):
    row = ingest(build(sender="Rosa Reyes <rosa@harbordental.example>", subject="Scanner"))
    assert (row.action, row.reason) == ("new_ticket", "new_contact")
    contact = Contact.objects.get(email="rosa@harbordental.example")
    assert contact.company == harbor_mail and contact.name == "Rosa Reyes"
    assert row.ticket.contact == contact


def test_stranger_is_quarantined_with_attachments_kept(harbor_mail, mail_dir):
    row = ingest(
        build(sender="x@unknown.example", attachments=[("log.txt", b"error 5", "text/plain")])
    )
    assert (row.status, row.reason) == ("quarantined", "unknown_sender")
    assert Ticket.objects.count() == 0
    kept = MailAttachment.objects.get(message=row)
    assert kept.ticket is None and (mail_dir / kept.stored_name).read_bytes() == b"error 5"


def test_out_of_office_is_ignored(harbor_mail):
    row = ingest(build(headers={"Auto-Submitted": "auto-replied"}, subject="Out of office"))
    assert (row.status, row.action, row.reason) == ("ignored", "ignore", "auto_submitted")
    assert Ticket.objects.count() == 0


def test_bounce_becomes_an_internal_note(harbor_mail):
    ticket = _ticket(harbor_mail)
    TicketMessageId.objects.create(ticket=ticket, message_id="out1@brightline.example")
    row = ingest(
        build(
            sender="MAILER-DAEMON@mx.harbordental.example",
            subject="Undelivered Mail Returned to Sender",
            body="This is the mail system. The message could not be delivered.",
            headers={"In-Reply-To": "<out1@brightline.example>"},
        )
    )
    assert (row.action, row.reason, row.ticket_id) == ("bounce_note", "bounce", ticket.pk)
    assert row.comment.internal and "could not be delivered" in row.comment.body
    ticket.refresh_from_db()
    assert ticket.responded_at is None


def test_same_message_id_is_processed_once(harbor_mail):
    first = ingest(eml("hana-new.eml"), "pipe")
    again = ingest(eml("hana-new.eml"), "imap")
    assert again.pk == first.pk and again.duplicate
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_no_message_id_dedupes_on_the_bytes(harbor_mail):
    raw = build(message_id="")
    first = ingest(raw)
    assert first.message_id.startswith("sha256:")
    assert ingest(raw).duplicate and Ticket.objects.count() == 1


def test_a_failing_message_is_recorded_and_the_next_goes_on(harbor_mail, monkeypatch):
    real = intake.apply_decision

    def broken(row, *args, **kwargs):
        if "boom" in row.subject:
            raise RuntimeError("disk on fire")
        return real(row, *args, **kwargs)

    monkeypatch.setattr(intake, "apply_decision", broken)
    bad = ingest(build(subject="boom", message_id="boom@x.example"))
    good = ingest(build(subject="fine"))
    assert bad.status == InboundStatus.FAILED and "disk on fire" in bad.error
    assert bad.ticket is None and good.status == "processed"
    assert Ticket.objects.count() == 1  # the failed one wrote nothing
    monkeypatch.setattr(intake, "apply_decision", real)
    retried = ingest(build(subject="boom", message_id="boom@x.example"))
    assert retried.pk == bad.pk and retried.status == "processed" and retried.error == ""


def test_ingest_mail_command(harbor_mail, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(eml("hana-new.eml"))))
    call_command("ingest_mail")
    out = capsys.readouterr().out
    ticket = Ticket.objects.get()
    assert f"processed: new_ticket (known_contact), ticket #{ticket.pk}" in out
