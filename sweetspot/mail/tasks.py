"""Periodic mail jobs for the Huey worker (`make run` starts it; production runs run_huey).

Every minute: poll the IMAP mailbox (a no-op when MAIL_IMAP_HOST is unset) and drop raw
message bytes older than the retention period.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .imap import poll
from .services import purge_raw

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-poll")  # a slow mailbox must not be polled by two workers at once
def poll_mailbox() -> None:
    result = poll()
    if result is not None and result.seen:
        log.info("mail: %s", result.summary())
    purge_raw()
