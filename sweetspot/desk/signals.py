"""What happened on the desk, for whoever listens (the mail app sends the notifications).

Desk imports nothing from the apps above it: services call ``notify(signal, ticket, ...)``
and the signal is sent once the transaction commits (``transaction.on_commit``), so a
rolled-back change never sends mail. Receivers get ``ticket_id`` and the keyword arguments
given here, and must load what they need themselves.

* ``ticket_opened``: a ticket was opened (any source).
* ``ticket_assigned``: a technician or subcontractor was put on it (``assignee`` is
  ``"technician:<id>"`` or ``"subcontractor:<id>"``).
* ``comment_added``: a staff comment the client can see (``comment_id``).
* ``client_replied``: a comment by the client (portal or mail; ``comment_id``).
* ``ticket_resolved``: the ticket was resolved.

``muted()`` silences them (the demo seed writes months of history through the services and
must not mail anyone about it).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

ticket_opened = Signal()
ticket_assigned = Signal()
comment_added = Signal()
client_replied = Signal()
ticket_resolved = Signal()

_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("desk_signals_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(signal: Signal, ticket_id: int, **kwargs: Any) -> None:
    """Send ``signal`` after the current transaction commits (now when there is none)."""
    if _muted.get():
        return

    def send() -> None:
        # A failing receiver (a mail server down) must not fail the change that committed.
        for receiver, result in signal.send_robust(sender="desk", ticket_id=ticket_id, **kwargs):
            if isinstance(result, Exception):
                log.error("desk signal receiver %r failed: %r", receiver, result)

    transaction.on_commit(send)
