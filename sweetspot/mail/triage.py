"""Mail triage (issue 13): what one incoming message does. Pure: no ORM, no Django.

``triage(message, snapshot) -> Decision`` over a :class:`~sweetspot.mail.parse.ParsedMessage`
and a frozen :class:`Snapshot` of the firm's mail settings, companies (with their mail
domains), contacts and tickets. The first rule that applies decides:

1. own mail: the message's own Message-ID has the firm's domain -> ignore ``own_mail``;
2. bounce: from MAILER-DAEMON/postmaster, or a multipart/report delivery status ->
   ``bounce_note`` on the ticket it references, else ignore ``bounce``;
3. automated (RFC 3834) -> ignore ``auto_submitted`` / ``precedence`` / ``list``;
4. threaded by Message-ID (``message_id``) or token (``token``; a token from someone who is
   not a contact of the ticket's company -> quarantine ``sender_not_contact``): open ticket ->
   ``reply``, resolved < 14 days ago -> ``reopen``, else ``new_ticket`` linking it
   (``resolved_too_long_ago``);
5. known contact -> ``new_ticket`` ``known_contact``;
6. unknown address at exactly one company's domain, when allowed -> ``new_ticket``
   ``new_contact``;
7. anything else -> quarantine ``unknown_sender``.

Decisions the issue leaves open, made here:

* **Domains.** "The firm's domain" and "a company's registered domain" mean the part after the
  last ``@``, compared exactly and case-insensitively: a subdomain is a different domain. A
  Message-ID without ``@`` has no domain.
* **Tokens.** The pattern's ``{number}`` stands for the ticket's ``number`` written in digits
  (leading zeros allowed); the rest of the pattern is literal and matched case-insensitively.
  Tokens naming no ticket are ignored; with several tokens naming tickets, the leftmost one
  decides. The title loses every token of the pattern, naming a ticket or not. A pattern
  without ``{number}`` (a misconfigured firm row) falls back to ``[#{number}]``. A number
  too long for ``int()`` names no ticket.
* **Threading by Message-ID** checks In-Reply-To first, then References from the newest (last)
  to the oldest; the first id held by a ticket decides. Any sender may thread this way (only
  Sweetspot and the recipients know those ids).
* **Bounces** look for a ticket's Message-ID in In-Reply-To, References and the attached
  headers' Message-ID, In-Reply-To and References (in that order), then for a token in the
  subject, then in the returned subjects. A multipart/report counts as a delivery status when
  its ``report-type`` is ``delivery-status`` or it holds a ``message/delivery-status`` part
  (read receipts, ``disposition-notification``, are not bounces).
* **Automated.** Header values are compared case-insensitively on the first word before ``;``;
  an empty ``Auto-Submitted`` is treated as absent. ``Precedence: auto-reply`` counts like
  ``auto_reply``. ``X-Auto-Response-Suppress`` is a comma-separated list; ``All`` in it
  (any case) -> ``auto_submitted``. Any non-empty ``List-Id`` -> ``list``.
* **Reopen boundary.** ``(today - resolved_on).days < 14`` reopens (13 days: reopen; 14 days:
  new ticket). A resolved ticket with no ``resolved_on`` is treated as resolved today (reopen):
  a lost reply is worse than a reopened ticket. A ``resolved_on`` after ``today`` reopens.
* **Contacts.** Addresses compare case-insensitively. ``contact`` is the sender's contact at
  the ticket's company when the message threads to a ticket, else the sender's contact when the
  address belongs to exactly one company (several contacts at that one company with the same
  address: the first in the snapshot), else null - also for ignore and quarantine. An address
  held by contacts of two companies is ``unknown_sender`` under rule 5/7, but still threads
  by Message-ID, and by token when one of them is a contact of the ticket's company.
* **Title.** Tokens removed, then whitespace and control characters collapsed to one space,
  then the leading run of ``Re:``/``Fw:``/``Fwd:``/``AW:``/``WG:``/``Automatic reply:`` (any
  case, spaces allowed before the colon) removed, trimmed, cut to 200 characters (not trimmed
  again after the cut). An empty subject gives an empty title; the caller supplies a
  placeholder if its model needs one. "Control characters" include zero-width and
  bidirectional controls (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF): a subject
  must not be able to reorder what the dispatcher reads.
* **Read receipts** (multipart/report with ``disposition-notification``) carry no RFC 3834
  header and are not bounces, so they follow rules 4-7 like any mail.
* **Body.** Whitespace normalised (see ``parse.normalise_whitespace``); quoted history and the
  signature are cut (``parse.strip_quoted``) only for ``reply``, ``reopen`` and
  ``resolved_too_long_ago``. Bodies longer than :data:`BODY_LIMIT` characters are cut so that
  body + :data:`TRUNCATION_NOTE` fits in the limit exactly; a note is also added to
  ``notes``.
* **Attachments** are listed for every action. Accepted when the lower-case extension (after the
  last dot) is in the allowed list (empty list: :data:`DEFAULT_ALLOWED_EXTENSIONS`; entries
  lower-cased, a leading dot ignored) and the decoded size is at most the limit. A file with no
  extension is refused. Each refusal is named in ``notes`` (internal notes for the ticket).
* **Priority hint** ``P2`` for ``Importance: high`` (any case) or an ``X-Priority`` whose first
  character is ``1`` (e.g. ``1 (Highest)``), on ``new_ticket`` (every reason) and ``reopen``
  only; never P1.
* Ids are whatever the caller uses (ints from the database, ints or strings from a scenario);
  they are compared as strings, so 7 and "7" name the same row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sweetspot.core.limits import NAME, TEXT

from .parse import ParsedMessage, normalise_whitespace, strip_quoted

Id = int | str
Action = Literal["new_ticket", "reply", "reopen", "ignore", "bounce_note", "quarantine"]
Reason = Literal[
    "own_mail",
    "bounce",
    "auto_submitted",
    "precedence",
    "list",
    "message_id",
    "token",
    "sender_not_contact",
    "resolved_too_long_ago",
    "known_contact",
    "new_contact",
    "unknown_sender",
]

DEFAULT_ALLOWED_EXTENSIONS: tuple[str, ...] = (
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "txt",
    "csv",
    "log",
    "docx",
    "xlsx",
    "pptx",
    "doc",
    "xls",
    "zip",
    "eml",
)
DEFAULT_TOKEN_PATTERN = "[#{number}]"
REOPEN_DAYS = 14
TITLE_LIMIT = NAME  # desk.Ticket.subject max_length
# Characters kept of a body (the note included): the ticket text limit (core.limits.TEXT) less
# room for the "From: name <address>" line a comment by the company's mail author starts with.
# The whole message stays in InboundMessage.raw (up to RAW_MAX_BYTES).
BODY_LIMIT = TEXT - 500
TRUNCATION_NOTE = (
    f"\n\n[Message truncated: longer than {BODY_LIMIT:,} characters; "
    "the whole e-mail is kept as received.]"
)


# ---------------------------------------------------------------------------------------------
# Snapshot


@dataclass(frozen=True)
class CompanyIn:
    id: Id
    domains: tuple[str, ...] = ()  # lower case, no "@"


@dataclass(frozen=True)
class ContactIn:
    id: Id
    company: Id
    email: str  # compared case-insensitively


@dataclass(frozen=True)
class TicketIn:
    id: Id
    number: int
    company: Id
    status: Literal["open", "resolved"]
    resolved_on: date | None = None
    message_ids: tuple[str, ...] = ()  # without angle brackets


@dataclass(frozen=True)
class Snapshot:
    firm_domain: str
    today: date
    ticket_token: str = DEFAULT_TOKEN_PATTERN
    allow_new_contacts_from_domains: bool = True
    max_attachment_bytes: int = 10 * 1024 * 1024
    allowed_extensions: tuple[str, ...] = ()  # empty: DEFAULT_ALLOWED_EXTENSIONS
    companies: tuple[CompanyIn, ...] = ()
    contacts: tuple[ContactIn, ...] = ()
    tickets: tuple[TicketIn, ...] = ()


# ---------------------------------------------------------------------------------------------
# Decision


@dataclass(frozen=True)
class AttachmentDecision:
    filename: str
    size: int
    accepted: bool
    refusal: str = ""  # why it was refused ("" when accepted)

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "size": self.size, "accepted": self.accepted}


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: Reason
    ticket: Id | None = None  # replied to, reopened, noted or linked
    company: Id | None = None  # that ticket's or the new ticket's company
    contact: Id | None = None  # the sender's contact, when there is one
    new_contact_email: str | None = None  # the contact to create (reason new_contact)
    title: str = ""
    body: str = ""
    priority_hint: Literal["P2"] | None = None
    attachments: tuple[AttachmentDecision, ...] = ()
    acknowledge: bool = False  # true exactly for new_ticket and reopen
    notes: tuple[str, ...] = field(default=())  # internal notes (refused files, truncation)

    def to_json(self) -> dict[str, Any]:
        """The scenario output: exactly the keys of issue 13, always all present."""
        return {
            "action": self.action,
            "reason": self.reason,
            "ticket": self.ticket,
            "company": self.company,
            "contact": self.contact,
            "new_contact_email": self.new_contact_email,
            "title": self.title,
            "body": self.body,
            "priority_hint": self.priority_hint,
            "attachments": [a.to_json() for a in self.attachments],
            "acknowledge": self.acknowledge,
        }


# ---------------------------------------------------------------------------------------------
# Helpers


def _key(value: Id) -> str:
    return str(value)


def _domain(address: str) -> str:
    """The part after the last "@", lower case ("" when there is no "@")."""
    if "@" not in address:
        return ""
    return address.rsplit("@", 1)[1].strip().strip(".").lower()


def token_regex(pattern: str) -> re.Pattern[str]:
    """The pattern with ``{number}`` as a group of digits; the rest literal, any case."""
    before, _sep, after = pattern.partition("{number}")
    return re.compile(re.escape(before) + r"(\d+)" + re.escape(after), re.IGNORECASE)


def _first_word(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


# Whitespace, C0/C1 controls, zero-width and bidirectional controls (spoofing in subjects).
_CONTROL_OR_SPACE = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+"
)
_PREFIXES = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|automatic reply)\s*:)+\s*", re.IGNORECASE)


def make_title(subject: str, token: re.Pattern[str]) -> str:
    """Subject -> ticket title (see the module docstring)."""
    text = token.sub(" ", subject)
    text = _CONTROL_OR_SPACE.sub(" ", text).strip()
    text = _PREFIXES.sub("", text)
    text = _CONTROL_OR_SPACE.sub(" ", text).strip()
    return text[:TITLE_LIMIT]


def make_body(message: ParsedMessage, threaded: bool) -> tuple[str, tuple[str, ...]]:
    """The ticket text and the notes it needs (truncation)."""
    text = message.body
    if threaded:
        text = strip_quoted(text)
    text = normalise_whitespace(text)
    if len(text) <= BODY_LIMIT:
        return text, ()
    kept = BODY_LIMIT - len(TRUNCATION_NOTE)
    note = f"The message text had {len(text)} characters; the first {kept} were kept."
    return text[:kept] + TRUNCATION_NOTE, (note,)


def judge_attachments(
    message: ParsedMessage, snapshot: Snapshot
) -> tuple[tuple[AttachmentDecision, ...], tuple[str, ...]]:
    allowed = {e.strip().lstrip(".").lower() for e in snapshot.allowed_extensions} - {""}
    if not allowed:
        allowed = set(DEFAULT_ALLOWED_EXTENSIONS)
    out: list[AttachmentDecision] = []
    notes: list[str] = []
    for att in message.attachments:
        ext = att.extension
        refusal = ""
        if ext not in allowed:
            refusal = f"file type .{ext} not allowed" if ext else "no file extension"
        elif att.size > snapshot.max_attachment_bytes:
            refusal = f"{att.size} bytes, over the limit of {snapshot.max_attachment_bytes}"
        out.append(AttachmentDecision(att.filename, att.size, not refusal, refusal))
        if refusal:
            notes.append(f"Attachment refused: {att.filename} ({refusal}).")
    return tuple(out), tuple(notes)


def _priority_hint(message: ParsedMessage) -> Literal["P2"] | None:
    if _first_word(message.importance) == "high":
        return "P2"
    if message.x_priority.strip().startswith("1"):
        return "P2"
    return None


class _Index:
    """Look-ups over the snapshot, built once per call."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        pattern = snapshot.ticket_token
        self.token = token_regex(pattern if "{number}" in pattern else DEFAULT_TOKEN_PATTERN)
        self.by_message_id: dict[str, TicketIn] = {}
        self.by_number: dict[int, TicketIn] = {}
        for t in snapshot.tickets:
            for mid in t.message_ids:
                self.by_message_id.setdefault(mid.strip().strip("<>").strip(), t)
            self.by_number.setdefault(t.number, t)
        self.contacts_by_email: dict[str, list[ContactIn]] = {}
        for c in snapshot.contacts:
            self.contacts_by_email.setdefault(c.email.strip().lower(), []).append(c)
        self.companies_by_domain: dict[str, list[CompanyIn]] = {}
        for co in snapshot.companies:
            for d in co.domains:
                d = d.strip().lstrip("@").strip(".").lower()
                if d:
                    bucket = self.companies_by_domain.setdefault(d, [])
                    if all(_key(x.id) != _key(co.id) for x in bucket):
                        bucket.append(co)

    def ticket_by_ids(self, ids: Iterable[str]) -> TicketIn | None:
        for mid in ids:
            ticket = self.by_message_id.get(mid)
            if ticket is not None:
                return ticket
        return None

    def ticket_by_token(self, text: str) -> TicketIn | None:
        for match in self.token.finditer(text):
            try:
                number = int(match.group(1))
            except ValueError:  # more digits than int() converts (sys.int_info)
                continue
            ticket = self.by_number.get(number)
            if ticket is not None:
                return ticket
        return None

    def contacts(self, sender: str) -> list[ContactIn]:
        return self.contacts_by_email.get(sender, []) if sender else []

    def contact_at(self, sender: str, company: Id) -> ContactIn | None:
        for c in self.contacts(sender):
            if _key(c.company) == _key(company):
                return c
        return None

    def sole_contact(self, sender: str) -> ContactIn | None:
        """The sender's contact when the address belongs to exactly one company."""
        found = self.contacts(sender)
        if not found or len({_key(c.company) for c in found}) != 1:
            return None
        return found[0]


def _threading_ids(message: ParsedMessage) -> list[str]:
    """In-Reply-To first, then References newest to oldest."""
    return [*message.in_reply_to, *reversed(message.references)]


def _is_bounce(message: ParsedMessage) -> bool:
    local = message.sender.rsplit("@", 1)[0] if message.sender else ""
    if local in ("mailer-daemon", "postmaster"):
        return True
    if message.content_type == "multipart/report":
        return (
            message.report_type == "delivery-status"
            or "message/delivery-status" in message.part_types
            or "message/global-delivery-status" in message.part_types
        )
    return False


def _automated(message: ParsedMessage) -> Reason | None:
    auto = _first_word(message.auto_submitted)
    if auto and auto != "no":
        return "auto_submitted"
    if _first_word(message.precedence) in {"bulk", "junk", "list", "auto_reply", "auto-reply"}:
        return "precedence"
    suppress = {v.strip().lower() for v in message.x_auto_response_suppress.split(",")}
    if "all" in suppress:
        return "auto_submitted"
    if message.list_id.strip():
        return "list"
    return None


# ---------------------------------------------------------------------------------------------
# The rules


def triage(message: ParsedMessage, snapshot: Snapshot) -> Decision:
    """Decide what one parsed message does (pure; the first rule that applies decides)."""
    index = _Index(snapshot)
    sender = message.sender.strip().lower()
    title = make_title(message.subject, index.token)
    attachments, attachment_notes = judge_attachments(message, snapshot)
    hint = _priority_hint(message)
    sole = index.sole_contact(sender)

    def decide(
        action: Action,
        reason: Reason,
        ticket: TicketIn | None = None,
        company: Id | None = None,
        contact: Id | None = None,
        new_contact_email: str | None = None,
    ) -> Decision:
        threaded = action in ("reply", "reopen") or reason == "resolved_too_long_ago"
        body, body_notes = make_body(message, threaded)
        return Decision(
            action=action,
            reason=reason,
            ticket=ticket.id if ticket is not None else None,
            company=company,
            contact=contact,
            new_contact_email=new_contact_email,
            title=title,
            body=body,
            priority_hint=hint if action in ("new_ticket", "reopen") else None,
            attachments=attachments,
            acknowledge=action in ("new_ticket", "reopen"),
            notes=body_notes + attachment_notes,
        )

    sole_id = sole.id if sole is not None else None

    # 1. own mail
    firm_domain = snapshot.firm_domain.strip().lstrip("@").strip(".").lower()
    if firm_domain and _domain(message.message_id) == firm_domain:
        return decide("ignore", "own_mail", contact=sole_id)

    # 2. bounce
    if _is_bounce(message):
        ids = _threading_ids(message)
        for h in message.attached_headers:
            ids += [h.message_id, *h.in_reply_to, *reversed(h.references)]
        ticket = index.ticket_by_ids(i for i in ids if i)
        if ticket is None:
            ticket = index.ticket_by_token(message.subject)
        for h in message.attached_headers:
            if ticket is None:
                ticket = index.ticket_by_token(h.subject)
        if ticket is None:
            return decide("ignore", "bounce", contact=sole_id)
        contact = index.contact_at(sender, ticket.company)
        return decide(
            "bounce_note",
            "bounce",
            ticket,
            ticket.company,
            contact.id if contact is not None else sole_id,
        )

    # 3. automated
    automated = _automated(message)
    if automated is not None:
        return decide("ignore", automated, contact=sole_id)

    # 4. threaded
    reason: Reason = "message_id"
    ticket = index.ticket_by_ids(_threading_ids(message))
    if ticket is None:
        ticket = index.ticket_by_token(message.subject)
        reason = "token"
        if ticket is not None and index.contact_at(sender, ticket.company) is None:
            return decide("quarantine", "sender_not_contact", contact=sole_id)
    if ticket is not None:
        at_company = index.contact_at(sender, ticket.company)
        contact_id = at_company.id if at_company is not None else None
        if ticket.status == "open":
            return decide("reply", reason, ticket, ticket.company, contact_id)
        resolved = ticket.resolved_on or snapshot.today
        if (snapshot.today - resolved).days < REOPEN_DAYS:
            return decide("reopen", reason, ticket, ticket.company, contact_id)
        return decide("new_ticket", "resolved_too_long_ago", ticket, ticket.company, contact_id)

    # 5. known contact
    if sole is not None:
        return decide("new_ticket", "known_contact", None, sole.company, sole.id)

    # 6. client domain
    if not index.contacts(sender) and snapshot.allow_new_contacts_from_domains:
        companies = index.companies_by_domain.get(_domain(sender), [])
        if len(companies) == 1:
            return decide(
                "new_ticket", "new_contact", None, companies[0].id, None, new_contact_email=sender
            )

    # 7. anything else
    return decide("quarantine", "unknown_sender", contact=sole_id)
