"""Mail triage scenario files (tests and what-ifs without the database), validated strictly.

Format (unknown keys are rejected; ids may be integers or strings and come out as given)::

    {"firm_domain": "brightline.example",            # required
     "ticket_token": "[#{number}]",                   # optional; must hold {number} once
     "allow_new_contacts_from_domains": true,         # optional, default true
     "max_attachment_bytes": 10485760,                # optional, integer >= 0
     "allowed_extensions": ["pdf", ...],              # optional; [] = the built-in list
     "today": "2025-03-14",                           # required, YYYY-MM-DD
     "companies": [{"id", "domains": [...]}],
     "contacts": [{"id", "company", "email"}],
     "tickets": [{"id", "number", "company", "status": "open"|"resolved",
                  "resolved_on": "YYYY-MM-DD" or null, "message_ids": [...]}]}

Optional keys default like the firm settings row (``core.Firm``). A resolved ticket needs its
``resolved_on``. Ids must be unique within their list, ticket numbers unique; a contact or
ticket may name a company that is not listed (it just has no domains). Message-IDs may be
written with or without angle brackets. Errors name the field: ``tickets[0].status: ...``.

The message file is refused (exit 2) when it is empty, holds a NUL byte, or has no header line
before its first blank line (see :func:`check_message`); any other message is triaged.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from sweetspot.core.scenario import error_path

from . import triage


def _id(value: object) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip():
        return value
    raise ValueError("must be an integer or a non-empty string")


def _optional_date(value: object) -> date | None:
    return None if value is None else _iso_date(value)


Id = Annotated[int | str, BeforeValidator(_id)]


def _iso_date(value: object) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return date.fromisoformat(value)


def _domain(value: str) -> str:
    value = value.strip().lstrip("@").strip(".").lower()
    if not value or "@" in value or any(c.isspace() for c in value):
        raise ValueError("must be a mail domain such as example.com")
    return value


def _email(value: str) -> str:
    value = value.strip().lower()
    local, sep, domain = value.rpartition("@")
    if not sep or not local or not domain or any(c.isspace() for c in value):
        raise ValueError("must be an e-mail address")
    return value


def _message_id(value: str) -> str:
    value = value.strip().strip("<>").strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _token(value: str) -> str:
    if value.count("{number}") != 1:
        raise ValueError("must contain {number} exactly once")
    return value


def _number(value: object) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("must be a whole number, 0 or more")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Domain = Annotated[StrictStr, AfterValidator(_domain)]
Email = Annotated[StrictStr, AfterValidator(_email)]
MessageId = Annotated[StrictStr, AfterValidator(_message_id)]
Extension = Annotated[StrictStr, AfterValidator(lambda v: v.strip().lstrip(".").lower())]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompanyIn(_Strict):
    id: Id
    domains: list[Domain] = Field(default_factory=list)


class ContactIn(_Strict):
    id: Id
    company: Id
    email: Email


class TicketIn(_Strict):
    id: Id
    number: Annotated[int, BeforeValidator(_number)]
    company: Id
    status: Literal["open", "resolved"]
    resolved_on: Annotated[date | None, BeforeValidator(_optional_date)] = None
    message_ids: list[MessageId] = Field(default_factory=list)


class ScenarioIn(_Strict):
    firm_domain: Domain
    ticket_token: Annotated[StrictStr, AfterValidator(_token)] = triage.DEFAULT_TOKEN_PATTERN
    allow_new_contacts_from_domains: StrictBool = True
    max_attachment_bytes: StrictInt = Field(10 * 1024 * 1024, ge=0)
    allowed_extensions: list[Extension] = Field(default_factory=list)
    today: IsoDate
    companies: list[CompanyIn] = Field(default_factory=list)
    contacts: list[ContactIn] = Field(default_factory=list)
    tickets: list[TicketIn] = Field(default_factory=list)


class ScenarioError(Exception):
    """Bad scenario or message: the message names the problem."""


def _unique(values: list[Any], where: str, what: str = "id") -> None:
    seen: set[str] = set()
    for i, raw in enumerate(values):
        key = str(raw)
        if key in seen:
            raise ScenarioError(f"{where}[{i}].{what}: duplicate {what} {key}")
        seen.add(key)


def parse(text: str) -> triage.Snapshot:
    """Scenario JSON -> the triage snapshot; ScenarioError naming each bad field."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ScenarioError(f"(file): not valid JSON: {exc}") from exc
    try:
        sc = ScenarioIn.model_validate(data)
    except ValidationError as exc:
        lines = [f"{error_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from exc
    _unique([c.id for c in sc.companies], "companies")
    _unique([c.id for c in sc.contacts], "contacts")
    _unique([t.id for t in sc.tickets], "tickets")
    _unique([t.number for t in sc.tickets], "tickets", "number")
    for i, t in enumerate(sc.tickets):
        if t.status == "resolved" and t.resolved_on is None:
            raise ScenarioError(f"tickets[{i}].resolved_on: required when status is resolved")
    return triage.Snapshot(
        firm_domain=sc.firm_domain,
        today=sc.today,
        ticket_token=sc.ticket_token,
        allow_new_contacts_from_domains=sc.allow_new_contacts_from_domains,
        max_attachment_bytes=sc.max_attachment_bytes,
        allowed_extensions=tuple(e for e in sc.allowed_extensions if e),
        companies=tuple(triage.CompanyIn(c.id, tuple(c.domains)) for c in sc.companies),
        contacts=tuple(triage.ContactIn(c.id, c.company, c.email) for c in sc.contacts),
        tickets=tuple(
            triage.TicketIn(
                id=t.id,
                number=t.number,
                company=t.company,
                status=t.status,
                resolved_on=t.resolved_on,
                message_ids=tuple(t.message_ids),
            )
            for t in sc.tickets
        ),
    )


_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")


def check_message(raw: bytes) -> None:
    """Refuse what is not a mail message at all (ScenarioError); everything else is triaged."""
    if not raw:
        raise ScenarioError("message: the file is empty")
    if b"\x00" in raw:
        raise ScenarioError("message: the file holds NUL bytes")
    for line in raw.splitlines():
        if not line.strip():
            break
        if _HEADER_LINE.match(line):
            return
    raise ScenarioError("message: no header line before the first blank line")
