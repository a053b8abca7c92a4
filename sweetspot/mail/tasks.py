"""Periodic mail jobs for the Huey worker (`make run` starts it; production runs run_huey).
Each is also a management command for cron.

* every minute: poll the IMAP mailbox (a no-op when MAIL_IMAP_HOST is unset) and drop raw
  message bytes older than the retention period (``poll_mail``);
* every minute: the SLA scan (``sla_scan``) and the escalation of after-hours P1 pages
  (``escalate_pages``);
* every hour: the on-call flags back to the rota's members (the rota is their source; a
  flag edited by hand on the technician page is put back);
* every five minutes: the daily digest, sent once a firm day from the digest hour on
  (``send_digest``).

Backups, where present, are core's own periodic job (core/tasks.py), not scheduled here.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .digest import send_digests
from .imap import poll
from .paging import escalate
from .services import purge_raw, reconcile_on_call
from .sla_alerts import scan

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-poll")  # a slow mailbox must not be polled by two workers at once
def poll_mailbox() -> None:
    result = poll()
    if result is not None and result.seen:
        log.info("mail: %s", result.summary())
    purge_raw()


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-sla-scan")
def sla_scan() -> None:
    counts = scan()
    if counts:
        log.info("mail: SLA alerts %s", counts)


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-escalate")
def escalate_pages() -> None:
    moved = escalate()
    if moved:
        log.info("mail: %d page(s) escalated or ended", len(moved))


@db_periodic_task(crontab(minute="7"))
@lock_task("mail-on-call")
def on_call_flags() -> None:
    changed = reconcile_on_call()
    if changed:
        log.info("mail: on-call flag of %d technician(s) put back to the rota", changed)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("mail-digest")
def daily_digest() -> None:
    day, sent = send_digests()
    if sent is not None:
        log.info("mail: digest of %s sent to %d people", day, sent)
