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
  decides. The title loses every token of the pattern, naming a ticket or not.
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
  placeholder if its model needs one.
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

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

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
TITLE_LIMIT = 200  # desk.Ticket.subject max_length
BODY_LIMIT = 50_000  # characters kept of a body (the note included)
TRUNCATION_NOTE = "\n\n[Message truncated: the full text is kept with the original mail.]"


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
