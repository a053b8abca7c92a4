"""IMAP polling end to end against a real Dovecot (sweetspot/mail/tests/dovecot.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sweetspot.desk.models import Ticket
from sweetspot.mail import intake
from sweetspot.mail.imap import ImapConfig, poll
from sweetspot.mail.models import InboundMessage

from .conftest import build, eml
from .dovecot import PASSWORD, USER

pytestmark = pytest.mark.django_db


def _config(dovecot) -> ImapConfig:
    return ImapConfig(host="127.0.0.1", port=dovecot.port, tls=False, user=USER, password=PASSWORD)


def test_delivered_mail_becomes_a_ticket_and_a_reply_threads(harbor_mail, dovecot):
    dovecot.deliver(eml("hana-new.eml"))
    result = poll(_config(dovecot))
    assert result is not None and (result.seen, result.moved, result.failed) == (1, 1, 0)
    ticket = Ticket.objects.get()
    assert ticket.subject == "Front desk printer jams on every second page"
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 1

    dovecot.deliver(eml("hana-reply.eml"))
    result = poll(_config(dovecot))
    assert result is not None and result.moved == 1
    assert Ticket.objects.count() == 1
    comment = ticket.comments.get(internal=False)
    assert "It jammed again" in comment.body
    assert InboundMessage.objects.get(message_id="CAHana0002@mail.harbordental.example").source == (
        "imap"
    )
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 2

    # The same message delivered again is moved along without a second ticket.
    dovecot.deliver(eml("hana-new.eml"))
    assert poll(_config(dovecot)).moved == 1  # type: ignore[union-attr]
    assert Ticket.objects.count() == 1 and len(dovecot.uids("Processed")) == 3


def test_a_failure_is_flagged_left_in_place_and_the_rest_go_on(harbor_mail, dovecot, monkeypatch):
    real = intake.apply_decision

    def broken(row, *args, **kwargs):
        if row.subject == "boom":
            raise RuntimeError("cannot file this one")
        return real(row, *args, **kwargs)

    monkeypatch.setattr(intake, "apply_decision", broken)
    dovecot.deliver(build(subject="boom"))
    dovecot.deliver(build(subject="Scanner offline"))
    result = poll(_config(dovecot))
    assert result is not None and (result.seen, result.moved, result.failed) == (2, 1, 1)
    assert Ticket.objects.get().subject == "Scanner offline"
    assert len(dovecot.uids("INBOX")) == 1
    assert any(b"$SweetspotFailed" in flags for flags in dovecot.flags("INBOX"))
    assert InboundMessage.objects.get(subject="boom").status == "failed"
    # The flagged message is not fetched again on the next pass.
    assert poll(_config(dovecot)).seen == 0  # type: ignore[union-attr]


def test_poll_mail_command_without_a_host_does_nothing(settings, capsys, db):
    settings.MAIL_IMAP_HOST = ""
    call_command("poll_mail")
    assert "MAIL_IMAP_HOST is not set" in capsys.readouterr().out


def test_poll_mail_command_reads_the_settings(harbor_mail, dovecot, settings, capsys):
    settings.MAIL_IMAP_HOST = "127.0.0.1"
    settings.MAIL_IMAP_PORT = dovecot.port
    settings.MAIL_IMAP_TLS = False
    settings.MAIL_IMAP_USER = USER
    settings.MAIL_IMAP_PASSWORD = PASSWORD
    dovecot.deliver(eml("hana-new.eml"))
    call_command("poll_mail")
    assert "1 message(s): 1 moved to processed, 0 failed" in capsys.readouterr().out
    assert Ticket.objects.count() == 1
