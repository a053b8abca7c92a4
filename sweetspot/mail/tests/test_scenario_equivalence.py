"""Scenario mode is the live intake on the same data: one test builds the database rows and the
equivalent scenario JSON by hand, then runs every worked-example .eml through both
``manage.py mail_triage --scenario`` and ``ingest`` and compares the decisions."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from sweetspot.clients.models import Company, Contact
from sweetspot.desk import services as desk_services
from sweetspot.desk.models import Ticket
from sweetspot.mail.intake import ingest
from sweetspot.mail.models import TicketMessageId
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db

EML = Path(__file__).parent / "eml"
NOW = dt.datetime(2025, 3, 14, 17, 0, tzinfo=dt.UTC)  # noon in New York, the firm's zone
KEYS = [
    "action",
    "reason",
    "ticket",
    "company",
    "contact",
    "new_contact_email",
    "title",
    "priority_hint",
    "acknowledge",
]


def _ticket(company: Company, subject: str, ids: list[str], resolved_days_ago: int | None):
    ticket = desk_services.open_ticket(
        None, {"company": company, "subject": subject}, now=NOW - dt.timedelta(days=60)
    )
    for mid in ids:
        TicketMessageId.objects.create(ticket=ticket, message_id=mid)
    if resolved_days_ago is not None:
        tech = Technician.objects.create(name=f"Tech for {subject}")
        desk_services.assign(None, ticket, tech, now=NOW - dt.timedelta(days=59))
        desk_services.resolve(None, ticket, now=NOW - dt.timedelta(days=resolved_days_ago))
    return ticket


@pytest.fixture
def world(harbor_mail, maple, tmp_path):
    maple.mail_domains = ["maplelaw.example"]
    maple.save(update_fields=["mail_domains"])
    printer = _ticket(harbor_mail, "Printer", ["ticket-1234.1@brightline.example"], None)
    scanner = _ticket(harbor_mail, "Scanner", ["ticket-1240.1@brightline.example"], 3)
    vpn = _ticket(
        maple,
        "VPN",
        ["ticket-1250.1@brightline.example", "ticket-1250.2@brightline.example"],
        None,
    )
    laptop = _ticket(maple, "Laptop", ["ticket-1100.1@brightline.example"], 30)
    scenario = {
        "firm_domain": "brightline.example",
        "ticket_token": "[#{number}]",
        "allow_new_contacts_from_domains": True,
        "max_attachment_bytes": 10 * 1024 * 1024,
        "allowed_extensions": [],
        "today": "2025-03-14",
        "companies": [
            {"id": c.pk, "domains": list(c.mail_domains)} for c in Company.objects.order_by("pk")
        ],
        "contacts": [
            {"id": c.pk, "company": c.company_id, "email": c.email}
            for c in Contact.objects.exclude(email="").order_by("pk")
        ],
        "tickets": [
            {
                "id": t.pk,
                "number": t.pk,
                "company": t.company_id,
                "status": "resolved" if t.resolved_at else "open",
                "resolved_on": t.resolved_at.date().isoformat() if t.resolved_at else None,
                "message_ids": list(t.message_ids.values_list("message_id", flat=True)),
            }
            for t in (printer, scanner, vpn, laptop)
        ],
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    return path


def test_scenario_mode_decides_like_the_live_intake(world):
    reasons, actions = set(), set()
    for eml in sorted(EML.glob("*.eml")):
        out = StringIO()
        call_command("mail_triage", "--scenario", str(world), str(eml), stdout=out)
        expected = json.loads(out.getvalue())
        with transaction.atomic():
            row = ingest(eml.read_bytes(), "pipe", now=NOW)
            got = {key: row.decision[key] for key in KEYS}
            got_attachments = [
                {k: a[k] for k in ("filename", "size", "accepted")}
                for a in row.decision["attachments"]
            ]
            body = row.body
            assert row.status != "failed", (eml.name, row.error)
            transaction.set_rollback(True)  # every message meets the same database
        assert got == {key: expected[key] for key in KEYS}, eml.name
        assert got_attachments == expected["attachments"], eml.name
        assert body == expected["body"], eml.name
        reasons.add(expected["reason"])
        actions.add(expected["action"])
    assert Ticket.objects.count() == 4
    # The worked examples cover every action and most reasons.
    assert actions == {"new_ticket", "reply", "reopen", "ignore", "bounce_note", "quarantine"}
    assert {"message_id", "known_contact", "new_contact", "unknown_sender", "bounce"} <= reasons
    assert {"resolved_too_long_ago", "auto_submitted", "list", "own_mail"} <= reasons
