"""`manage.py mail_triage --scenario FILE MESSAGE.eml`: exact JSON and strict errors (no database).

Expected outputs are written by hand from the rules of issue 13.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

EML = Path(__file__).parent / "eml"

SCENARIO = {
    "firm_domain": "brightline.example",
    "ticket_token": "[#{number}]",
    "allow_new_contacts_from_domains": True,
    "max_attachment_bytes": 2000,
    "allowed_extensions": [],
    "today": "2025-03-14",
    "companies": [
        {"id": 1, "domains": ["harbordental.example"]},
        {"id": 2, "domains": ["MapleLaw.example"]},
    ],
    "contacts": [
        {"id": 10, "company": 1, "email": "hana@harbordental.example"},
        {"id": 20, "company": 2, "email": "Milo@MapleLaw.example"},
    ],
    "tickets": [
        {
            "id": 100,
            "number": 1234,
            "company": 1,
            "status": "open",
            "resolved_on": None,
            "message_ids": ["<ticket-1234.1@brightline.example>"],
        },
        {
            "id": 101,
            "number": 1240,
            "company": 1,
            "status": "resolved",
            "resolved_on": "2025-03-05",
            "message_ids": ["ticket-1240.1@brightline.example"],
        },
        {
            "id": 102,
            "number": 1100,
            "company": 2,
            "status": "resolved",
            "resolved_on": "2025-02-01",
            "message_ids": ["ticket-1100.1@brightline.example"],
        },
        {
            "id": 103,
            "number": 1250,
            "company": 2,
            "status": "open",
            "resolved_on": None,
            "message_ids": [
                "ticket-1250.1@brightline.example",
                "ticket-1250.2@brightline.example",
            ],
        },
    ],
}


def run(tmp_path, message, data=None):
    path = tmp_path / "scenario.json"
    data = SCENARIO if data is None else data
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    if isinstance(message, Path):
        message_path = message
    else:
        message_path = tmp_path / "message.eml"
        message_path.write_bytes(message)
    out = io.StringIO()
    call_command("mail_triage", "--scenario", str(path), str(message_path), stdout=out)
    return json.loads(out.getvalue())


def bad(tmp_path, capsys, message, data=None):
    with pytest.raises(SystemExit) as exc:
        run(tmp_path, message, data)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_gmail_reply_exact_output(tmp_path):
    assert run(tmp_path, EML / "gmail_reply.eml") == {
        "action": "reply",
        "reason": "message_id",
        "ticket": 103,
        "company": 2,
        "contact": 20,
        "new_contact_email": None,
        "title": "VPN drops every hour",
        "body": (
            "Thanks \u2014 it dropped again at 09:58, same as before.\n"
            'The client log says "peer not responding".'
        ),
        "priority_hint": None,
        "attachments": [],
        "acknowledge": False,
    }


def test_new_ticket_with_attachments_exact_output(tmp_path):
    assert run(tmp_path, EML / "attachment_too_big.eml") == {
        "action": "new_ticket",
        "reason": "known_contact",
        "ticket": None,
        "company": 1,
        "contact": 10,
        "new_contact_email": None,
        "title": "Scanned error report",
        "body": "The error report and a screenshot are attached.",
        "priority_hint": None,
        "attachments": [
            {"filename": "error-report.pdf", "size": 3000, "accepted": False},
            {"filename": "screenshot.png", "size": 1024, "accepted": True},
        ],
        "acknowledge": True,
    }


def test_new_contact_exact_output(tmp_path):
    assert run(tmp_path, EML / "new_contact.eml") == {
        "action": "new_ticket",
        "reason": "new_contact",
        "ticket": None,
        "company": 1,
        "contact": None,
        "new_contact_email": "reception@harbordental.example",
        "title": "Phone on desk 2 is dead",
        "body": "The phone on desk 2 shows no light at all.",
        "priority_hint": None,
        "attachments": [],
        "acknowledge": True,
    }


def test_reopen_with_high_importance_exact_output(tmp_path):
    raw = (
        b"From: Hana Lee <HANA@harbordental.example>\r\n"
        b"Subject: RE: [#1240] Scanner again\r\n"
        b"Importance: high\r\n"
        b"Message-ID: <r1@harbordental.example>\r\n"
        b"\r\n"
        b"It fails again.\r\n"
        b"\r\n"
        b"-----Original Message-----\r\n"
        b"From: Brightline\r\n"
        b"Resolved.\r\n"
    )
    assert run(tmp_path, raw) == {
        "action": "reopen",
        "reason": "token",
        "ticket": 101,
        "company": 1,
        "contact": 10,
        "new_contact_email": None,
        "title": "Scanner again",
        "body": "It fails again.",
        "priority_hint": "P2",
        "attachments": [],
        "acknowledge": True,
    }


def test_bounce_and_quarantine_exact_output(tmp_path):
    bounce = run(tmp_path, EML / "bounce.eml")
    assert {k: v for k, v in bounce.items() if k != "body"} == {
        "action": "bounce_note",
        "reason": "bounce",
        "ticket": 103,
        "company": 2,
        "contact": None,
        "new_contact_email": None,
        "title": "Undelivered Mail Returned to Sender",
        "priority_hint": None,
        "attachments": [],
        "acknowledge": False,
    }
    assert run(tmp_path, EML / "forged_token.eml") == {
        "action": "quarantine",
        "reason": "sender_not_contact",
        "ticket": None,
        "company": None,
        "contact": None,
        "new_contact_email": None,
        "title": "Urgent: update the bank details on file",
        "body": "Please reply with the admin password so we can update the payment details.",
        "priority_hint": None,
        "attachments": [],
        "acknowledge": False,
    }


def test_string_ids_come_out_as_given(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data["companies"][0]["id"] = "harbor"
    data["contacts"][0].update(id="hana", company="harbor")
    data["tickets"][0].update(id="T-100", company="harbor", number="1234")
    out = run(tmp_path, EML / "outlook_reply.eml", data)
    assert (out["ticket"], out["company"], out["contact"]) == ("T-100", "harbor", "hana")


def test_optional_keys_default_like_the_firm(tmp_path):
    data = {"firm_domain": "brightline.example", "today": "2025-03-14"}
    out = run(tmp_path, EML / "known_contact.eml", data)
    assert (out["action"], out["reason"]) == ("quarantine", "unknown_sender")


def test_malformed_but_headed_message_is_triaged(tmp_path):
    raw = (
        b"From: =?utf-8?q?broken <\r\nSubject: =?x-nope?b?!!?=\r\n"
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nno end"
    )
    out = run(tmp_path, raw)
    assert (out["action"], out["reason"]) == ("quarantine", "unknown_sender")
    assert sorted(out) == sorted(
        [
            "action",
            "reason",
            "ticket",
            "company",
            "contact",
            "new_contact_email",
            "title",
            "body",
            "priority_hint",
            "attachments",
            "acknowledge",
        ]
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "message: the file is empty"),
        (b"From: a@b.example\r\nSubject: x\x00\r\n\r\nbody", "message: the file holds NUL bytes"),
        (b"\r\nFrom: a@b.example\r\n", "message: no header line before the first blank line"),
        (b"just some text\nno headers here\n\nFrom: a@b", "no header line before the first"),
        (b"   \n\n", "no header line before the first blank line"),
    ],
)
def test_refused_messages_exit_2(tmp_path, capsys, raw, problem):
    assert problem in bad(tmp_path, capsys, raw)


def test_missing_message_file_exits_2(tmp_path, capsys):
    assert "message: cannot read" in bad(tmp_path, capsys, tmp_path / "nope.eml")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("today"), "today: Field required"),
        (lambda d: d.pop("firm_domain"), "firm_domain: Field required"),
        (lambda d: d.update(today="14/03/2025"), "today: Value error, must be a date"),
        (lambda d: d.update(today="2025-02-30"), "today:"),
        (lambda d: d.update(extra=1), "extra: Extra inputs are not permitted"),
        (lambda d: d.update(ticket_token="[#]"), "ticket_token: Value error, must contain"),
        (lambda d: d.update(allow_new_contacts_from_domains="yes"), "allow_new_contacts"),
        (lambda d: d.update(max_attachment_bytes=-1), "max_attachment_bytes:"),
        (lambda d: d.update(max_attachment_bytes="10"), "max_attachment_bytes:"),
        (lambda d: d.update(allowed_extensions="pdf"), "allowed_extensions:"),
        (lambda d: d["companies"][1].update(domains=["a b"]), "companies[1].domains[0]:"),
        (lambda d: d["contacts"][0].update(email="hana"), "contacts[0].email:"),
        (lambda d: d["contacts"][1].pop("company"), "contacts[1].company: Field required"),
        (lambda d: d["tickets"][0].update(status="closed"), "tickets[0].status:"),
        (lambda d: d["tickets"][1].update(resolved_on=None), "tickets[1].resolved_on: required"),
        (lambda d: d["tickets"][2].update(number=-3), "tickets[2].number:"),
        (lambda d: d["tickets"][2].update(number=True), "tickets[2].number:"),
        (lambda d: d["tickets"][3].update(id=100), "tickets[3].id: duplicate id 100"),
        (lambda d: d["tickets"][3].update(number=1234), "tickets[3].number: duplicate number"),
        (lambda d: d["contacts"][1].update(id=10), "contacts[1].id: duplicate id 10"),
        (lambda d: d["tickets"][0].update(message_ids=["<>"]), "tickets[0].message_ids[0]:"),
        (lambda d: d["tickets"][0].update(id=1.5), "tickets[0].id:"),
    ],
)
def test_bad_scenarios_exit_2_naming_the_field(tmp_path, capsys, change, field):
    data = copy.deepcopy(SCENARIO)
    change(data)
    assert field in bad(tmp_path, capsys, EML / "known_contact.eml", data)


def test_not_json_and_missing_scenario(tmp_path, capsys):
    assert "(file): not valid JSON" in bad(tmp_path, capsys, EML / "stranger.eml", "{nope")
    assert "(file):" in bad(tmp_path, capsys, EML / "stranger.eml", "[]")
    with pytest.raises(SystemExit) as exc:
        call_command(
            "mail_triage", "--scenario", str(tmp_path / "missing.json"), str(EML / "stranger.eml")
        )
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "(file): cannot read" in captured.err


def test_every_example_file_runs(tmp_path):
    for path in sorted(EML.glob("*.eml")):
        out = run(tmp_path, path)
        assert out["acknowledge"] is (out["action"] in ("new_ticket", "reopen")), path.name
