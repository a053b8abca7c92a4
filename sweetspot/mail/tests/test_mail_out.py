"""Mail out (#17): notifications through a real SMTP sink (aiosmtpd), threading back through
the intake, the loop guard, SLA alerts once per stage, the paging chain on a frozen clock,
digests per role, preferences and the rota."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from sweetspot.clients.models import Contact
from sweetspot.core.models import Firm
from sweetspot.core.wording import sla_target
from sweetspot.desk import services as desk
from sweetspot.mail import paging, rota
from sweetspot.mail.intake import ingest
from sweetspot.mail.models import (
    MailSettings,
    OutboundMessage,
    Page,
    SlaAlert,
    TicketMessageId,
)
from sweetspot.mail.sla_alerts import scan
from sweetspot.team.models import Technician

ZONE = ZoneInfo("America/New_York")


class Sink:
    """An SMTP server that keeps what it receives."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(bytes(envelope.original_content or envelope.content))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(r, policy=default_policy) for r in self.raw]  # type: ignore[misc]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sink(settings):
    from aiosmtpd.controller import Controller  # a test-only dependency

    handler = Sink()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Call a service and run what it left for after the commit (the desk signals)."""

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _parts(msg: EmailMessage) -> tuple[str, str]:
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def _tech(name: str) -> Technician:
    return Technician.objects.get(name=name)


# --- acknowledgement, headers, threading -------------------------------------------------------


def test_acknowledgement_headers_parts_and_threading(
    full_demo, harbor_mail, personas, sink, commit, make_mail
):
    row = commit(ingest, make_mail(message_id="first@harbordental.example"))
    ticket = row.ticket
    assert ticket is not None and len(sink.raw) == 1
    ack = sink.messages[0]
    assert str(ack["To"]) == "hana@harbordental.example"
    assert str(ack["Subject"]).startswith(f"[#{ticket.pk}] ")
    assert ack["Auto-Submitted"] == "auto-replied"
    assert str(ack["Message-ID"]).endswith("@brightline.example>")
    assert ack["In-Reply-To"] == "<first@harbordental.example>"
    assert ack["References"] == "<first@harbordental.example>"
    plain, html = _parts(ack)
    target = sla_target(ticket.response_target_minutes, Firm.current())
    assert f"#{ticket.pk}" in plain and ticket.subject in plain and target in plain
    assert target in html and "<html" in html
    ack_id = str(ack["Message-ID"]).strip().strip("<>")
    assert TicketMessageId.objects.filter(ticket=ticket, message_id=ack_id, direction="out")
    sent = OutboundMessage.objects.get(message_id=ack_id)
    assert (sent.to, sent.ticket, sent.kind) == ("hana@harbordental.example", ticket, "ack")

    # Tara gets the assignment (auto-generated), then the client's reply to the ack threads
    # onto the ticket through the intake and reaches her.
    commit(desk.assign, personas["dan"], ticket, _tech("Tara Tran"))
    assigned = sink.to("tara@brightline.example")
    assert len(assigned) == 1 and assigned[0]["Auto-Submitted"] == "auto-generated"
    assert f"[#{ticket.pk}]" in str(assigned[0]["Subject"])
    reply = make_mail(
        body="It also beeps.",
        subject=f"Re: {ack['Subject']}",
        headers={"In-Reply-To": str(ack["Message-ID"]), "References": str(ack["Message-ID"])},
    )
    replied = commit(ingest, reply)
    assert replied.ticket == ticket and replied.action == "reply"
    to_tara = sink.to("tara@brightline.example")
    assert len(to_tara) == 2 and "It also beeps." in _parts(to_tara[1])[0]
    assert to_tara[1]["In-Reply-To"] == "<first@harbordental.example>"
    # A staff reply the client can see, then the resolution, reach Hana.
    commit(desk.add_comment, personas["tara"], ticket, "Replaced the fan.", internal=False)
    commit(desk.add_comment, personas["tara"], ticket, "Internal only.", internal=True)
    commit(desk.resolve, personas["tara"], ticket)
    to_hana = sink.to("hana@harbordental.example")
    assert [m["Auto-Submitted"] for m in to_hana] == ["auto-replied"] + ["auto-generated"] * 2
    assert "Replaced the fan." in _parts(to_hana[1])[0]
    assert all("Internal only." not in _parts(m)[0] for m in sink.messages)
    assert "resolved" in _parts(to_hana[2])[0]


def test_no_mail_loop_with_an_auto_responder(full_demo, harbor_mail, sink, commit, make_mail):
    first = commit(ingest, make_mail(subject="Printer jammed"))
    assert len(sink.raw) == 1
    ack = sink.messages[0]
    # Hana's out-of-office answers the acknowledgement, as a well-behaved one does...
    ooo = make_mail(
        body="I am out of the office until Monday.",
        subject=f"Automatic reply: {ack['Subject']}",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": str(ack["Message-ID"])},
    )
    assert commit(ingest, ooo).status == "ignored"
    # ...and a badly behaved one with a fresh subject and no marks: a new ticket, but the
    # loop guard sends no second acknowledgement within the hour.
    bad = commit(ingest, make_mail(body="Out of office.", subject="Out of office"))
    assert bad.ticket is not None and bad.ticket != first.ticket
    assert len(sink.raw) == 1
    assert OutboundMessage.objects.filter(kind="ack").count() == 1


# --- SLA alerts --------------------------------------------------------------------------------


def _open(personas: Any, harbor: Any, priority: str, now: dt.datetime, commit: Any) -> Any:
    # The demo's open tickets reach their stages too: recorded first, so counts are ours.
    scan(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), send=False)
    contact = Contact.objects.get(email="hana@harbordental.example")
    return commit(
        desk.open_ticket,
        personas["dan"],
        {"company": harbor, "contact": contact, "subject": "Server down", "priority": priority},
        now=now,
    )


def test_sla_alerts_fire_once_per_stage(full_demo, personas, harbor, commit):
    monday_9 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=ZONE)
    ticket = _open(personas, harbor, "P2", monday_9, commit)
    commit(desk.assign, None, ticket, _tech("Tara Tran"), now=monday_9)
    ticket.refresh_from_db()
    ticket.responded_at = None  # assignment by nobody is not a response; keep the clock
    ticket.save(update_fields=["responded_at"])
    django_mail.outbox.clear()
    minute = dt.timedelta(minutes=1)

    assert scan(ticket.response_at_risk_at - minute) == {}
    assert scan(ticket.response_at_risk_at) == {"response_at_risk": 1}
    recipients = sorted(m.to[0] for m in django_mail.outbox)
    assert recipients == [
        "dan@brightline.example",
        "olivia@brightline.example",
        "tara@brightline.example",
    ]
    assert all(f"[#{ticket.pk}]" in m.subject for m in django_mail.outbox)
    assert scan(ticket.response_at_risk_at + minute) == {}
    assert scan(ticket.response_due_at) == {"response_breached": 1}
    assert scan(ticket.response_due_at + minute) == {}
    assert scan(ticket.resolution_at_risk_at) == {"resolution_at_risk": 1}
    assert scan(ticket.resolution_due_at) == {"resolution_breached": 1}
    assert scan(ticket.resolution_due_at + dt.timedelta(days=3)) == {}
    assert len(django_mail.outbox) == 4 * 3
    assert SlaAlert.objects.filter(ticket=ticket).count() == 4


def test_a_ticket_first_seen_breached_gets_the_breach_only(full_demo, personas, harbor, commit):
    ticket = _open(personas, harbor, "P3", dt.datetime(2026, 12, 7, 9, 0, tzinfo=ZONE), commit)
    django_mail.outbox.clear()
    assert scan(ticket.response_due_at) == {"response_breached": 1}
    assert not SlaAlert.objects.get(ticket=ticket, stage="response_at_risk").mailed
    assert scan(ticket.response_due_at + dt.timedelta(hours=1)) == {}
    # Unassigned: the dispatchers only.
    assert sorted(m.to[0] for m in django_mail.outbox) == [
        "dan@brightline.example",
        "olivia@brightline.example",
    ]


# --- after-hours paging ------------------------------------------------------------------------


@pytest.fixture
def week_rota(full_demo):
    """The demo rota (Ravi, then Leo with an e-mail-to-SMS address) counted from 7 Dec 2026."""
    settings_row = MailSettings.current()
    settings_row.rota_starts_on = dt.date(2026, 12, 7)
    settings_row.escalation_minutes = 15
    settings_row.save()
    return settings_row


def test_after_hours_p1_escalates_on_a_frozen_clock(week_rota, personas, harbor, commit):
    saturday_2am = dt.datetime(2026, 12, 12, 2, 0, tzinfo=ZONE)
    ticket = _open(personas, harbor, "P1", saturday_2am, commit)
    page = Page.objects.get(ticket=ticket)
    assert page.step == 0 and page.paged_at == saturday_2am
    paged = [m for m in django_mail.outbox if m.extra_headers.get("Auto-Submitted")]
    assert [m.to[0] for m in paged if "P1 after hours" in m.subject] == ["ravi@brightline.example"]
    django_mail.outbox.clear()
    t = saturday_2am
    assert paging.escalate(t + dt.timedelta(minutes=14)) == []
    paging.escalate(t + dt.timedelta(minutes=15))
    assert [m.to[0] for m in django_mail.outbox] == ["5550142@txt.brightline.example"]
    paging.escalate(t + dt.timedelta(minutes=30))
    assert [m.to[0] for m in django_mail.outbox][-1] == "olivia@brightline.example"
    paging.escalate(t + dt.timedelta(minutes=45))
    page.refresh_from_db()
    assert page.exhausted and page.step == 2
    assert paging.escalate(t + dt.timedelta(minutes=60)) == []
    assert [h["who"] for h in page.history] == ["Ravi Rao", "Leo Park", "the owner"]
    assert len(django_mail.outbox) == 2


def test_one_click_acknowledgement_stops_the_escalation(
    week_rota, personas, harbor, commit, client
):
    sunday_23 = dt.datetime(2026, 12, 13, 23, 0, tzinfo=ZONE)
    ticket = _open(personas, harbor, "P1", sunday_23, commit)
    page = Page.objects.get(ticket=ticket)
    link = f"/mail/pages/{page.token}/"
    page_mail = next(m for m in django_mail.outbox if "P1 after hours" in m.subject)
    assert link in page_mail.body  # the link is in the mail
    assert client.get(link).status_code == 200  # opening it acknowledges nothing
    page.refresh_from_db()
    assert page.acknowledged_at is None
    assert client.post(link).status_code == 200  # one click, no login
    page.refresh_from_db()
    assert page.acknowledged_at is not None
    assert paging.escalate(sunday_23 + dt.timedelta(hours=2)) == []
    assert client.get("/mail/pages/not-a-token/").status_code == 404


def test_p1_in_business_hours_and_p2_after_hours_page_nobody(week_rota, personas, harbor, commit):
    _open(personas, harbor, "P1", dt.datetime(2026, 12, 8, 10, 0, tzinfo=ZONE), commit)
    _open(personas, harbor, "P2", dt.datetime(2026, 12, 12, 2, 0, tzinfo=ZONE), commit)
    assert not Page.objects.exists()


def test_a_swap_changes_who_is_paged(week_rota, personas, commit, harbor):
    from sweetspot.mail import services

    services.add_swap(personas["dan"], _tech("Tara Tran"), dt.date(2026, 12, 12), 1)
    chain = rota.chain(dt.date(2026, 12, 12))
    assert [t.label for t in chain] == ["Tara Tran", "Leo Park", "the owner"]
    # Someone who cannot be reached (Maya: no login, no SMS address) is skipped.
    services.add_swap(personas["dan"], _tech("Maya Ortiz"), dt.date(2026, 12, 13), 1)
    assert [t.label for t in rota.chain(dt.date(2026, 12, 13))] == ["Leo Park", "the owner"]
    # The week after is Leo's; the next person is Ravi.
    assert [t.label for t in rota.chain(dt.date(2026, 12, 15))] == [
        "Leo Park",
        "Ravi Rao",
        "the owner",
    ]


# --- digests -----------------------------------------------------------------------------------


def test_digest_per_role(full_demo, personas, harbor, maple):
    from sweetspot.agreements.models import Agreement
    from sweetspot.desk.models import Visit
    from sweetspot.growth.models import Activity
    from sweetspot.mail.digest import send_digests
    from sweetspot.team.models import TechnicianCertification

    day = dt.date(2026, 12, 8)
    tara = _tech("Tara Tran")
    site = harbor.sites.order_by("pk").first()
    Visit.objects.create(
        company=harbor,
        site=site,
        technician=tara,
        starts_at=dt.datetime(2026, 12, 8, 10, 0, tzinfo=ZONE),
        ends_at=dt.datetime(2026, 12, 8, 12, 0, tzinfo=ZONE),
        purpose="Quarterly maintenance",
        checklist=[{"item": "UPS self-test passed", "done": False}],
    )
    held = TechnicianCertification.objects.filter(technician=tara).first()
    assert held is not None
    held.expires_on = day + dt.timedelta(days=30)
    held.save()
    agreement = Agreement.objects.filter(company=maple, status="active").first()
    assert agreement is not None
    agreement.end_date = day + dt.timedelta(days=20)
    agreement.save()
    Activity.objects.create(
        kind="follow_up",
        subject="Call Fern Bakery back",
        owner=personas["sam"],
        due_date=day - dt.timedelta(days=2),
    )
    django_mail.outbox.clear()
    at_6 = dt.datetime(2026, 12, 8, 6, 59, tzinfo=ZONE)
    assert send_digests(at_6) == (day, None)
    day_sent, count = send_digests(dt.datetime(2026, 12, 8, 7, 0, tzinfo=ZONE))
    assert day_sent == day and count == len(django_mail.outbox) and count
    by = {m.to[0]: m for m in django_mail.outbox}
    olivia, tara_mail = by["olivia@brightline.example"].body, by["tara@brightline.example"].body
    assert "Maple Law" in olivia and "AGREEMENT RENEWALS DUE" in olivia
    assert "Tara Tran" in olivia  # her certification
    assert "Quarterly maintenance" in tara_mail and "UPS self-test passed" in tara_mail
    if site is not None and site.address:
        assert site.address in tara_mail
    assert "RENEWALS" not in tara_mail and "Fern Bakery" not in tara_mail
    assert "Call Fern Bakery back" in by["sam@brightline.example"].body
    # Nobody outside the firm gets a digest; each has both parts.
    assert all(m.to[0].endswith("@brightline.example") for m in django_mail.outbox)
    assert "hana@brightline.example" not in by and "milo@brightline.example" not in by
    assert all(m.alternatives for m in django_mail.outbox)
    assert send_digests(dt.datetime(2026, 12, 8, 9, 0, tzinfo=ZONE)) == (day, None)


# --- preferences, the rota, the ticket page ----------------------------------------------------


def test_preferences_turn_a_notification_off(full_demo, personas, harbor, client_for, commit):
    tara = client_for("tara")
    page = tara.get("/mail/preferences/")
    assert page.status_code == 200 and b"A ticket was assigned to me" in page.content
    assert b"My ticket was resolved" not in page.content
    kept = ["client_reply", "sla", "digest"]
    assert tara.post("/mail/preferences/", {"enabled": kept}).status_code == 302
    ticket = _open(personas, harbor, "P3", dt.datetime(2026, 12, 7, 9, 0, tzinfo=ZONE), commit)
    django_mail.outbox.clear()
    commit(desk.assign, personas["dan"], ticket, _tech("Tara Tran"))
    assert django_mail.outbox == []
    hana_client = client_for("hana")
    hana = hana_client.get("/mail/preferences/")
    assert b"My ticket was resolved" in hana.content and b"assigned to me" not in hana.content
    assert b"hana@harbordental.example" in hana.content  # her contact's address
    # Hana turns resolutions off: her login is linked to the contact the mail goes to.
    hana_client.post("/mail/preferences/", {"enabled": ["ack", "comment"]})
    django_mail.outbox.clear()
    commit(desk.resolve, personas["tara"], ticket)
    assert django_mail.outbox == []


def test_rota_page_is_the_source_of_the_on_call_flag(full_demo, personas, client_for):
    dan = client_for("dan")
    page = dan.get("/mail/rota/")
    assert page.status_code == 200 and b"Ravi Rao" in page.content
    tara = _tech("Tara Tran")
    assert not tara.on_call
    response = dan.post("/mail/rota/", {"action": "add", "technician": tara.pk})
    assert response.status_code == 302
    tara.refresh_from_db()
    assert tara.on_call
    from sweetspot.agreements.promise import load_members

    on_call = {m.name for m in load_members() if m.on_call}
    assert on_call == {"Ravi Rao", "Leo Park", "Tara Tran"}
    # A flag edited by hand is put back by the hourly job.
    Technician.objects.filter(name="Maya Ortiz").update(on_call=True)
    from sweetspot.mail.tasks import on_call_flags

    on_call_flags.call_local()
    assert not _tech("Maya Ortiz").on_call
    member = tara.rota_member
    dan.post(f"/mail/rota/members/{member.pk}/", {"action": "remove"})
    tara.refresh_from_db()
    assert not tara.on_call
    bad = dan.post("/mail/rota/", {"action": "swap", "technician": tara.pk, "days": 3})
    assert bad.status_code == 422
    assert b"On call now" in dan.get("/desk/queue/").content
    assert b"On call now" in dan.get("/").content


def test_ticket_page_lists_sent_mail(full_demo, personas, harbor, client_for, commit):
    ticket = _open(personas, harbor, "P2", dt.datetime(2026, 12, 7, 9, 0, tzinfo=ZONE), commit)
    scan(ticket.response_due_at)
    staff = client_for("dan").get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Mail sent" in staff and "Response breached" in staff
    assert "We have your request" in staff
    portal = client_for("hana").get(f"/desk/portal/{ticket.pk}/")
    assert portal.status_code == 200
    text = portal.content.decode()
    assert "We have your request" in text and "Response breached" not in text


def test_no_loop_through_the_mailbox(full_demo, harbor_mail, sink, commit, dovecot):
    """Hana's mail reaches the support mailbox (Dovecot), the poller opens a ticket and the
    acknowledgement goes out through SMTP; her auto-responder answers it into the mailbox,
    marked and then unmarked: the poller sends no second acknowledgement."""
    from sweetspot.mail.imap import ImapConfig, poll

    from .conftest import build
    from .dovecot import PASSWORD, USER

    config = ImapConfig(
        host="127.0.0.1", port=dovecot.port, tls=False, user=USER, password=PASSWORD
    )
    dovecot.deliver(build(subject="Scanner offline"))
    assert commit(poll, config).moved == 1
    assert len(sink.raw) == 1
    ack = sink.messages[0]
    dovecot.deliver(
        build(
            body="I am away until Monday.",
            subject=f"Automatic reply: {ack['Subject']}",
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": str(ack["Message-ID"])},
        )
    )
    dovecot.deliver(build(body="I am away until Monday.", subject="Away"))
    assert commit(poll, config).moved == 2
    assert len(sink.raw) == 1  # nothing more went out
    assert OutboundMessage.objects.filter(kind="ack").count() == 1
