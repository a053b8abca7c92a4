"""Words for the client: SLA targets in business terms.

One helper for every place a client reads a target (agreement page, agreement PDF, ticket
page, the acknowledgement e-mail), so they cannot drift. Targets are stored as business
minutes (the SLA clock counts only the firm's opening hours, desk/sla.py); a "business day"
is the firm's opening hours on one working day (08:00–17:00 = 9 business hours).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

# One vocabulary for ticket priorities (issue 14 item 16): "P1 Emergency" in full, the bare
# code "P1" where space is short (the queue's column, the portal's list, notifications). The
# words are those the signed agreement PDFs already use; desk.models.Priority's labels, the
# SLA tables, the home page chart and the e-mails all read them from here.
PRIORITY_WORDS = {"P1": "Emergency", "P2": "Urgent", "P3": "Normal", "P4": "Low"}
PRIORITY_LABELS = {p: f"{p} {word}" for p, word in PRIORITY_WORDS.items()}
PRIORITY_MEANINGS = {
    "P1": "systems down: the business cannot work",
    "P2": "a key system or several people are affected",
    "P3": "one person or a workaround exists",
    "P4": "requests, questions and scheduled changes",
}

BUSINESS_HOURS_NOTE = (
    "Targets run in business hours: the clock counts only our opening hours on working days "
    "and stops outside them and on holidays."
)


def _plural(n: Decimal | int, word: str) -> str:
    text = f"{Decimal(n).normalize():f}" if isinstance(n, Decimal) else str(n)
    return f"{text} {word}{'' if Decimal(n) == 1 else 's'}"


def business_day_minutes(firm: Any = None) -> int:
    """Minutes in one business day for ``firm`` (its opening to its closing time); 540 when the
    firm is unknown or its hours are nonsense."""
    opens = getattr(firm, "business_opens", None) or datetime.time(8, 0)
    closes = getattr(firm, "business_closes", None) or datetime.time(17, 0)
    minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    return minutes if minutes > 0 else 540


def business_duration(minutes: int, day_minutes: int = 540) -> str:
    """A target of ``minutes`` business minutes in words a client reads right.

    540 (9 h days) -> "1 business day (9 business hours)"; 1440 -> "24 business hours (2.7
    business days)"; 120 -> "2 business hours"; 90 -> "1.5 business hours"; 45 -> "45 business
    minutes". Whole business days are named as days with their hours; other spans of a day or
    more are named in hours with the days they come to, rounded to a tenth.
    """
    minutes = int(minutes)
    day_minutes = int(day_minutes) if day_minutes and day_minutes > 0 else 540
    hours = Decimal(minutes) / 60
    # Hours are named only when they are exact to a tenth (6 minutes).
    hours_text = _plural(hours.normalize(), "business hour") if minutes % 6 == 0 else ""
    if minutes >= day_minutes and minutes % day_minutes == 0:
        days = minutes // day_minutes
        return f"{_plural(days, 'business day')} ({_plural(hours.normalize(), 'business hour')})"
    if minutes >= day_minutes:
        days_dec = (Decimal(minutes) / day_minutes).quantize(Decimal("0.1"))
        span = hours_text or _plural(minutes, "business minute")
        return f"{span} ({days_dec.normalize():f} business days)"
    if minutes >= 60 and hours_text:
        return hours_text
    return _plural(minutes, "business minute")


def sla_target(minutes: int, firm: Any = None) -> str:
    """``business_duration`` with the firm's business day (``Firm.current()`` when omitted)."""
    if firm is None:
        from sweetspot.core.models import Firm  # noqa: PLC0415 (keeps the pure helper import-light)

        firm = Firm.current()
    return business_duration(minutes, business_day_minutes(firm))
