"""Mail triage worked examples (issue 13): real .eml files through parse + triage, no database.

Every expected value is written by hand from the rules, never computed by the code under test.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweetspot.mail.parse import html_to_text, parse, strip_quoted
from sweetspot.mail.triage import (
    BODY_LIMIT,
    TRUNCATION_NOTE,
    CompanyIn,
    ContactIn,
    Decision,
    Snapshot,
    TicketIn,
    make_title,
    token_regex,
    triage,
)

EML = Path(__file__).parent / "eml"

# Brightline IT on Friday 14 March 2025: Harbor Dental (1) with Hana (10), Maple Law (2) with
# Milo (20). Ticket 100 (#1234) open at Harbor; 101 (#1240) resolved 9 days ago at Harbor;
# 102 (#1100) resolved 41 days ago at Maple; 103 (#1250) open at Maple.
SNAPSHOT = Snapshot(
    firm_domain="brightline.example",
    today=date(2025, 3, 14),
    ticket_token="[#{number}]",
    allow_new_contacts_from_domains=True,
    max_attachment_bytes=2000,
    allowed_extensions=(),
    companies=(
        CompanyIn(1, ("harbordental.example",)),
        CompanyIn(2, ("maplelaw.example",)),
    ),
    contacts=(
        ContactIn(10, 1, "hana@harbordental.example"),
        ContactIn(20, 2, "Milo@MapleLaw.example"),
    ),
    tickets=(
        TicketIn(100, 1234, 1, "open", None, ("ticket-1234.1@brightline.example",)),
        TicketIn(101, 1240, 1, "resolved", date(2025, 3, 5), ("ticket-1240.1@brightline.example",)),
        TicketIn(102, 1100, 2, "resolved", date(2025, 2, 1), ("ticket-1100.1@brightline.example",)),
        TicketIn(
            103,
            1250,
            2,
            "open",
            None,
            ("ticket-1250.1@brightline.example", "ticket-1250.2@brightline.example"),
        ),
    ),
)


def run(name: str, snapshot: Snapshot = SNAPSHOT) -> Decision:
    return triage(parse((EML / name).read_bytes()), snapshot)


def run_raw(raw: str, snapshot: Snapshot = SNAPSHOT) -> Decision:
    return triage(parse(raw.encode()), snapshot)


def msg(headers: str, body: str = "Hello.") -> str:
    return headers.strip() + "\nMIME-Version: 1.0\nContent-Type: text/plain\n\n" + body + "\n"


# ---------------------------------------------------------------------------------------------
# Every action and reason, from real files


@pytest.mark.parametrize(
    ("name", "action", "reason", "ticket", "company", "contact"),
    [
        ("own_mail.eml", "ignore", "own_mail", None, None, None),
        ("bounce.eml", "bounce_note", "bounce", 103, 2, None),
        ("bounce_rfc822.eml", "bounce_note", "bounce", 100, 1, None),
        ("bounce_unmatched.eml", "ignore", "bounce", None, None, None),
        ("out_of_office.eml", "ignore", "auto_submitted", None, None, 10),
        ("auto_response_suppress.eml", "ignore", "auto_submitted", None, None, 10),
        ("precedence_bulk.eml", "ignore", "precedence", None, None, None),
        ("mailing_list.eml", "ignore", "list", None, None, None),
        ("outlook_reply.eml", "reply", "message_id", 100, 1, 10),
        ("gmail_reply.eml", "reply", "message_id", 103, 2, 20),
        ("token_only.eml", "reply", "token", 100, 1, 10),
        ("apple_mail_reply.eml", "reopen", "message_id", 101, 1, 10),
        ("forged_token.eml", "quarantine", "sender_not_contact", None, None, None),
        ("resolved_long_ago.eml", "new_ticket", "resolved_too_long_ago", 102, 2, 20),
        ("known_contact.eml", "new_ticket", "known_contact", None, 1, 10),
        ("html_only.eml", "new_ticket", "known_contact", None, 2, 20),
        ("importance_high.eml", "new_ticket", "known_contact", None, 1, 10),
        ("new_contact.eml", "new_ticket", "new_contact", None, 1, None),
        ("stranger.eml", "quarantine", "unknown_sender", None, None, None),
        ("attachment_too_big.eml", "new_ticket", "known_contact", None, 1, 10),
        ("attachment_bad_extension.eml", "new_ticket", "known_contact", None, 1, 10),
    ],
)
def test_worked_examples(name, action, reason, ticket, company, contact):
    d = run(name)
    assert (d.action, d.reason, d.ticket, d.company, d.contact) == (
        action,
        reason,
        ticket,
        company,
        contact,
    )
    assert d.acknowledge is (action in ("new_ticket", "reopen"))


def test_outlook_reply_loses_the_header_block_and_history():
    d = run("outlook_reply.eml")
    assert d.title == "Printer on the reception desk jams"
    assert d.body == (
        "Hi,\n\nIt jammed again this morning, twice before 9. The tray 2 light is blinking"
        " orange.\n\nHana Lee\nPractice Manager | Harbor Dental"
    )
    assert d.priority_hint is None and d.new_contact_email is None


def test_gmail_reply_loses_wrapped_attribution_quotes_and_signature():
    d = run("gmail_reply.eml")
    assert d.title == "VPN drops every hour"
    assert d.body == (
        "Thanks \u2014 it dropped again at 09:58, same as before.\n"
        'The client log says "peer not responding".'
    )


def test_apple_mail_reply_reopens_within_14_days():
    d = run("apple_mail_reply.eml")
    assert d.title == "Scanner not sending to e-mail"
    assert d.body == (
        "The scanner stopped sending again since Wednesday. Same error as last time.\n\nHana"
    )
    assert d.acknowledge is True


def test_resolved_too_long_ago_links_the_old_ticket_and_cuts_history():
    d = run("resolved_long_ago.eml")
    assert d.body == "We need a second one, same model please."
    assert d.title == "New laptop for the paralegal"
    assert d.acknowledge is True


def test_html_only_becomes_text_never_html():
    d = run("html_only.eml")
    assert d.title == "Shared drive \u201cClients\u201d is read-only"
    assert d.body == (
        "Hello,\n\nSince this morning the Clients drive is read-only for everyone.\n\n"
        "Saving a Word file fails\nCreating folders fails\n\nThanks & regards,\nMilo"
    )
    assert "<" not in d.body and "alert" not in d.body and "color" not in d.body


def test_new_ticket_keeps_quotes_and_signature():
    d = run("known_contact.eml")
    assert d.title == "New hire needs an account"
    assert d.body == (
        "Please set up an account for Dr. Ortiz, starting Monday.\n\n"
        "> an old quoted line stays on a new ticket\n\n--\nHana"
    )


def test_new_contact_from_a_client_domain():
    d = run("new_contact.eml")
    assert d.new_contact_email == "reception@harbordental.example"
    assert d.title == "Phone on desk 2 is dead"
    assert d.body == "The phone on desk 2 shows no light at all."


def test_out_of_office_title_loses_prefix_and_token():
    d = run("out_of_office.eml")
    assert d.title == "Printer on the reception desk jams"
    assert d.priority_hint is None and d.acknowledge is False


def test_bounce_wins_over_auto_submitted_and_body_is_the_notification():
    d = run("bounce.eml")  # it also carries Auto-Submitted: auto-replied
    assert d.title == "Undelivered Mail Returned to Sender"
    assert d.body.startswith("This is the mail system at host mx.brightline.example.\n\n")
    assert "Reporting-MTA" not in d.body and "Final-Recipient" not in d.body


def test_bounce_matched_by_token_in_own_subject():
    d = run_raw(
        msg(
            "From: postmaster@maplelaw.example\nSubject: Undeliverable: [#1250] VPN\n"
            "Message-ID: <b1@maplelaw.example>"
        )
    )
    assert (d.action, d.reason, d.ticket, d.company) == ("bounce_note", "bounce", 103, 2)


# ---------------------------------------------------------------------------------------------
# Attachments and priority


def test_attachment_too_big_is_refused_and_noted():
    d = run("attachment_too_big.eml")
    assert d.to_json()["attachments"] == [
        {"filename": "error-report.pdf", "size": 3000, "accepted": False},
        {"filename": "screenshot.png", "size": 1024, "accepted": True},
    ]
    assert d.notes == (
        "Attachment refused: error-report.pdf (3000 bytes, over the limit of 2000).",
    )


def test_attachment_extension_any_case():
    d = run("attachment_bad_extension.eml")
    assert d.to_json()["attachments"] == [
        {"filename": "driver-setup.EXE", "size": 512, "accepted": False},
        {"filename": "spooler.LOG", "size": 39, "accepted": True},
    ]
    assert d.notes == ("Attachment refused: driver-setup.EXE (file type .exe not allowed).",)


def test_firm_extension_list_replaces_the_default():
    only_exe = dataclasses.replace(SNAPSHOT, allowed_extensions=(".EXE",))
    d = run("attachment_bad_extension.eml", only_exe)
    assert [a.accepted for a in d.attachments] == [True, False]


def test_size_equal_to_the_limit_is_accepted():
    exactly = dataclasses.replace(SNAPSHOT, max_attachment_bytes=3000)
    d = run("attachment_too_big.eml", exactly)
    assert [a.accepted for a in d.attachments] == [True, True]


def test_importance_high_gives_p2_on_new_tickets():
    assert run("importance_high.eml").priority_hint == "P2"


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("X-Priority: 1", "P2"),
        ("X-Priority: 1 (Highest)", "P2"),
        ("Importance: HIGH", "P2"),
        ("X-Priority: 3 (Normal)", None),
        ("Importance: low", None),
        ("Priority: urgent", None),
    ],
)
def test_priority_headers(header, hint):
    d = run_raw(msg(f"From: hana@harbordental.example\nSubject: x\n{header}"))
    assert d.priority_hint == hint


def test_priority_hint_on_reopen_not_on_reply_or_ignore():
    reopen = run_raw(
        msg("From: hana@harbordental.example\nSubject: [#1240] again\nImportance: high")
    )
    assert (reopen.action, reopen.priority_hint) == ("reopen", "P2")
    reply = run_raw(
        msg("From: hana@harbordental.example\nSubject: [#1234] again\nImportance: high")
    )
    assert (reply.action, reply.priority_hint) == ("reply", None)
    ignored = run_raw(
        msg("From: hana@harbordental.example\nSubject: x\nImportance: high\nPrecedence: junk")
    )
    assert (ignored.action, ignored.reason, ignored.priority_hint) == (
        "ignore",
        "precedence",
        None,
    )


# ---------------------------------------------------------------------------------------------
# Rules, edges


@pytest.mark.parametrize(
    ("resolved_on", "action", "reason"),
    [
        (date(2025, 3, 14), "reopen", "token"),  # resolved today
        (date(2025, 3, 1), "reopen", "token"),  # 13 days
        (date(2025, 2, 28), "new_ticket", "resolved_too_long_ago"),  # exactly 14 days
        (None, "reopen", "token"),  # no date: treated as today
    ],
)
def test_reopen_boundary(resolved_on, action, reason):
    tickets = (TicketIn(101, 1240, 1, "resolved", resolved_on, ()),)
    snap = dataclasses.replace(SNAPSHOT, tickets=tickets)
    d = run_raw(msg("From: hana@harbordental.example\nSubject: Re: [#1240] scanner"), snap)
    assert (d.action, d.reason, d.ticket, d.company, d.contact) == (action, reason, 101, 1, 10)


def test_token_naming_no_ticket_counts_as_no_token():
    d = run_raw(msg("From: hana@harbordental.example\nSubject: Re: [#9999] old thing"))
    assert (d.action, d.reason, d.ticket, d.title) == (
        "new_ticket",
        "known_contact",
        None,
        "old thing",
    )


def test_leftmost_token_naming_a_ticket_decides_and_all_tokens_leave_the_title():
    d = run_raw(msg("From: milo@maplelaw.example\nSubject: [#9999] [#1250] and [#1100] VPN"))
    assert (d.action, d.reason, d.ticket) == ("reply", "token", 103)
    assert d.title == "and VPN"


def test_token_from_another_companys_contact_is_quarantined_with_their_contact():
    d = run_raw(msg("From: Milo@maplelaw.example\nSubject: [#1234] printer"))
    assert (d.action, d.reason, d.ticket, d.company, d.contact) == (
        "quarantine",
        "sender_not_contact",
        None,
        None,
        20,
    )
    assert d.acknowledge is False


def test_message_id_threading_needs_no_known_sender():
    d = run_raw(
        msg(
            "From: temp.helper@freemail.example\nSubject: Re: VPN\n"
            "References: <zzz@elsewhere.example> <ticket-1250.1@brightline.example>"
        )
    )
    assert (d.action, d.reason, d.ticket, d.company, d.contact) == (
        "reply",
        "message_id",
        103,
        2,
        None,
    )


def test_in_reply_to_wins_over_references_and_token():
    d = run_raw(
        msg(
            "From: hana@harbordental.example\nSubject: [#1250] x\n"
            "In-Reply-To: <ticket-1234.1@brightline.example>\n"
            "References: <ticket-1240.1@brightline.example>"
        )
    )
    assert (d.reason, d.ticket) == ("message_id", 100)


def test_message_ids_compare_case_sensitively():
    d = run_raw(
        msg("From: x@freemail.example\nSubject: y\nIn-Reply-To: <TICKET-1234.1@brightline.example>")
    )
    assert (d.action, d.reason) == ("quarantine", "unknown_sender")


@pytest.mark.parametrize(
    ("message_id", "reason"),
    [
        ("<a1@BRIGHTLINE.example>", "own_mail"),
        ("<a1@mx.brightline.example>", "known_contact"),  # a subdomain is another domain
        ("<brightline.example@harbordental.example>", "known_contact"),
    ],
)
def test_own_mail_by_message_id_domain(message_id, reason):
    d = run_raw(msg(f"From: hana@harbordental.example\nSubject: x\nMessage-ID: {message_id}"))
    assert d.reason == reason


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-generated", "auto_submitted"),
        ("Auto-Submitted: auto-replied; owner-email=x@y", "auto_submitted"),
        ("Auto-Submitted: No", "known_contact"),
        ("Precedence: JUNK", "precedence"),
        ("Precedence: list", "precedence"),
        ("Precedence: auto_reply", "precedence"),
        ("Precedence: first-class", "known_contact"),
        ("X-Auto-Response-Suppress: OOF, AutoReply", "known_contact"),
        ("X-Auto-Response-Suppress: all", "auto_submitted"),
        ("List-Id: <staff.harbordental.example>", "list"),
    ],
)
def test_automated_headers(header, reason):
    d = run_raw(msg(f"From: hana@harbordental.example\nSubject: x\n{header}"))
    assert d.reason == reason
    assert d.action == ("new_ticket" if reason == "known_contact" else "ignore")


def test_automated_wins_over_threading():
    d = run_raw(
        msg(
            "From: hana@harbordental.example\nSubject: [#1234] x\nAuto-Submitted: auto-replied\n"
            "In-Reply-To: <ticket-1234.1@brightline.example>"
        )
    )
    assert (d.action, d.reason, d.ticket, d.company) == ("ignore", "auto_submitted", None, None)


def test_new_contacts_not_allowed_is_unknown_sender():
    snap = dataclasses.replace(SNAPSHOT, allow_new_contacts_from_domains=False)
    d = run("new_contact.eml", snap)
    assert (d.action, d.reason, d.company, d.new_contact_email) == (
        "quarantine",
        "unknown_sender",
        None,
        None,
    )


def test_domain_shared_by_two_companies_is_unknown_sender():
    snap = dataclasses.replace(
        SNAPSHOT, companies=(*SNAPSHOT.companies, CompanyIn(3, ("HarborDental.example",)))
    )
    assert run("new_contact.eml", snap).reason == "unknown_sender"


def test_address_shared_by_two_companies_is_unknown_sender():
    snap = dataclasses.replace(
        SNAPSHOT, contacts=(*SNAPSHOT.contacts, ContactIn(30, 2, "HANA@harbordental.example"))
    )
    d = run("known_contact.eml", snap)
    assert (d.action, d.reason, d.contact) == ("quarantine", "unknown_sender", None)
    # ...but a token still threads: she is a contact of the ticket's company.
    d = run("token_only.eml", snap)
    assert (d.action, d.reason, d.ticket, d.contact) == ("reply", "token", 100, 10)


def test_subdomain_of_a_client_is_not_the_client():
    d = run_raw(msg("From: a@mail.harbordental.example\nSubject: x"))
    assert d.reason == "unknown_sender"


def test_no_from_header_is_quarantined():
    d = run_raw("Subject: hello\n\nbody\n")
    assert (d.action, d.reason, d.contact) == ("quarantine", "unknown_sender", None)


def test_other_token_pattern():
    snap = dataclasses.replace(SNAPSHOT, ticket_token="Ticket#{number}:")
    d = run_raw(msg("From: hana@harbordental.example\nSubject: RE: ticket#1234: printer"), snap)
    assert (d.reason, d.ticket, d.title) == ("token", 100, "printer")


# ---------------------------------------------------------------------------------------------
# Title, body, quotes


TOKEN = token_regex("[#{number}]")


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("Re: [#1234] Printer", "Printer"),
        ("RE: FW: Fwd: aw: WG: Printer", "Printer"),
        ("[#1234] Re: Printer", "Printer"),
        ("Automatic reply: Re: [#12] Printer", "Printer"),
        ("AUTOMATIC REPLY:Printer", "Printer"),
        ("Re : Printer", "Printer"),
        ("Printer Re: jams", "Printer Re: jams"),
        ("Printer\t\x07jams\r\n  again", "Printer jams again"),
        ("Reply needed", "Reply needed"),
        ("Re: [#1] [#2]", ""),
        ("", ""),
        ("x" * 250, "x" * 200),
    ],
)
def test_title_rule(subject, title):
    assert make_title(subject, TOKEN) == title


def test_long_bodies_are_truncated_with_a_note():
    body = "word " * 20_000  # 100,000 characters
    d = run_raw(msg("From: hana@harbordental.example\nSubject: log", body))
    assert len(d.body) == BODY_LIMIT == 9_500  # the ticket text limit less the From: line
    assert d.body.endswith(TRUNCATION_NOTE)
    assert TRUNCATION_NOTE == (
        "\n\n[Message truncated: longer than 9,500 characters; "
        "the whole e-mail is kept as received.]"
    )
    assert d.body.startswith("word word")
    kept = 9_500 - len(TRUNCATION_NOTE)
    assert d.notes == (f"The message text had 99999 characters; the first {kept} were kept.",)


def test_body_whitespace_is_normalised():
    d = run_raw(
        msg(
            "From: hana@harbordental.example\nSubject: x",
            "  Line one  \t with   spaces\r\n\r\n\r\n\r\nLine two\n\n\n",
        )
    )
    assert d.body == "Line one with spaces\n\nLine two"


def test_strip_quoted_outlook_original_message():
    text = (
        "Done, thanks.\n\n-----Original Message-----\nFrom: Tara\nSent: Monday\n"
        "Subject: x\n\nold text\n"
    )
    assert strip_quoted(text) == "Done, thanks."


def test_strip_quoted_keeps_inline_answers_and_drops_quote_lines():
    text = "> Is the light on?\nYes, orange.\n> Which tray?\nTray 2.\n"
    assert strip_quoted(text) == "Yes, orange.\nTray 2."


def test_strip_quoted_signature_with_and_without_trailing_space():
    assert strip_quoted("Fixed.\n-- \nHana Lee\n555 0100") == "Fixed."
    assert strip_quoted("Fixed.\n--\nHana Lee") == "Fixed."


def test_strip_quoted_keeps_what_mail_parser_reply_would_eat():
    text = (
        "Symptoms:\n- screen flickers\n- fan is loud\n\nThanks,\nHana\n"
        "To: whom it may concern\nSubject: tags on the racks\n"
    )
    assert strip_quoted(text) == text.rstrip("\n")


def test_strip_quoted_from_line_without_sent_is_kept():
    text = "From: the front desk PC\nTo: the printer, nothing prints\n"
    assert strip_quoted(text) == "From: the front desk PC\nTo: the printer, nothing prints"


def test_strip_quoted_on_line_that_is_not_an_attribution_is_kept():
    text = "On Monday the server rebooted.\nIt wrote nothing to the log."
    assert strip_quoted(text) == text


def test_html_blocks_breaks_and_blockquotes():
    html = "<div>a</div><div><br></div><div>b<br>c</div><blockquote><p>old</p></blockquote>"
    assert html_to_text(html) == "a\n\nb\nc\n\n> old"
    assert html_to_text("<p>One</p><p>Two</p>") == "One\n\nTwo"
    assert html_to_text("<ul><li>x</li><li>y</li></ul>after") == "x\ny\n\nafter"
    assert html_to_text("<h1>T</h1>x<pre>a  b\n c</pre>") == "T\n\nx\n\na  b\n c"


# ---------------------------------------------------------------------------------------------
# Never raises


def _check(decision: Decision) -> None:
    assert decision.action in {
        "new_ticket",
        "reply",
        "reopen",
        "ignore",
        "bounce_note",
        "quarantine",
    }
    assert len(decision.title) <= 200 and len(decision.body) <= BODY_LIMIT
    assert decision.priority_hint in (None, "P2")
    assert decision.acknowledge is (decision.action in ("new_ticket", "reopen"))
    if decision.action in ("ignore", "quarantine"):
        assert decision.ticket is None and decision.company is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_triage_never_raises_on_arbitrary_bytes(raw):
    _check(triage(parse(raw), SNAPSHOT))


HEADER_LINES = st.sampled_from(
    [
        b"From: hana@harbordental.example",
        b"From: =?utf-8?q?=ZZ?= <@@>",
        b'From: "unterminated <x@y',
        b"Subject: =?bogus-charset?b?!!!?= [#1234] Re:",
        b"Subject: =?utf-8?b?SGVsbG8=?=",
        b"Message-ID: <<>>@brightline.example",
        b"In-Reply-To: <ticket-1234.1@brightline.example",
        b"References: ticket-1250.1@brightline.example <",
        b'Content-Type: multipart/mixed; boundary="b"',
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b",
        b"Content-Type: text/plain; charset=x-unknown-charset",
        b"Content-Type: message/rfc822",
        b"Content-Type: text/rfc822-headers",
        b"Content-Transfer-Encoding: base64",
        b"Content-Transfer-Encoding: quoted-printable",
        b"Content-Disposition: attachment; filename*=bad''%ZZ%",
        b'Content-Disposition: attachment; filename="a.pdf"',
        b"Auto-Submitted:",
        b"X-Priority: \xff\xfe",
        b"Importance: high",
        b"--b",
        b"--b--",
        b"\t folded continuation",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(HEADER_LINES, max_size=12),
    st.lists(st.one_of(HEADER_LINES, st.binary(max_size=60)), max_size=12),
)
def test_triage_never_raises_on_mangled_mail(headers, body):
    raw = b"\r\n".join(headers) + b"\r\n\r\n" + b"\n".join(body)
    _check(triage(parse(raw), SNAPSHOT))


# ---------------------------------------------------------------------------------------------
# More edges


def test_gmail_html_only_reply_loses_attribution_and_blockquote():
    raw = (
        "From: milo@maplelaw.example\nSubject: Re: [#1250] VPN\n"
        "In-Reply-To: <ticket-1250.2@brightline.example>\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        '<div dir="ltr">Dropped again.<br></div><br><div class="gmail_quote">'
        '<div class="gmail_attr">On Thu, Mar 13, 2025 at 4:40 PM Help &lt;help@brightline.example'
        "&gt; wrote:<br></div><blockquote>Could you tell us when?</blockquote></div>\n"
    )
    d = run_raw(raw)
    assert (d.action, d.reason, d.ticket, d.body) == ("reply", "message_id", 103, "Dropped again.")


def test_blank_text_part_falls_back_to_html():
    raw = (
        "From: hana@harbordental.example\nSubject: x\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\n \n"
        "--b\nContent-Type: text/html\n\n<p>Real text</p>\n--b--\n"
    )
    assert run_raw(raw).body == "Real text"


def test_mailer_daemon_without_domain_is_a_bounce():
    d = run_raw(
        msg("From: MAILER-DAEMON\nSubject: failure\nReferences: <ticket-1240.1@brightline.example>")
    )
    assert (d.action, d.reason, d.ticket, d.company) == ("bounce_note", "bounce", 101, 1)


def test_read_receipt_report_is_not_a_bounce():
    raw = (
        "From: hana@harbordental.example\nSubject: Read: [#1234] Printer\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nYour message was read.\n"
        "--b\nContent-Type: message/disposition-notification\n\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n--b--\n"
    )
    d = run_raw(raw)
    assert (d.action, d.reason, d.ticket, d.title) == ("reply", "token", 100, "Read: Printer")


def test_display_name_cannot_pose_as_a_contact():
    d = run_raw(
        msg('From: "hana@harbordental.example" <attacker@evil.example>\nSubject: [#1234] x')
    )
    assert (d.action, d.reason, d.contact) == ("quarantine", "sender_not_contact", None)


def test_bidi_and_zero_width_characters_leave_the_title():
    assert make_title("Re:\u202e\u200b Invoice\u2066 overdue", TOKEN) == "Invoice overdue"


def test_token_pattern_without_number_falls_back_to_the_default():
    snap = dataclasses.replace(SNAPSHOT, ticket_token="[ticket]")
    d = run_raw(msg("From: hana@harbordental.example\nSubject: [#1234] printer"), snap)
    assert (d.reason, d.ticket) == ("token", 100)


def test_huge_token_number_is_no_token():
    d = run_raw(msg("From: hana@harbordental.example\nSubject: [#" + "9" * 5000 + "] x"))
    assert (d.reason, d.title) == ("known_contact", "x")


def test_delivery_status_blocks_are_not_the_body():
    raw = (
        "From: postmaster@maplelaw.example\nSubject: failed\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        "Final-Recipient: rfc822; x@maplelaw.example\nAction: failed\n"
        "--b\nContent-Type: message/rfc822\n\n"
        "Message-ID: <ticket-1100.1@brightline.example>\nSubject: hi\n\nold body\n--b--\n"
    )
    d = run_raw(raw)
    assert (d.action, d.reason, d.ticket, d.body) == ("bounce_note", "bounce", 102, "")
