"""Poll an IMAP mailbox: every message in the folder that is not flagged failed is ingested,
then moved to the processed folder (never deleted); one that fails gets the failed keyword,
stays where it is and the next ones go on.

Settings (config/settings.py, from the environment): MAIL_IMAP_HOST (unset: polling is off),
MAIL_IMAP_PORT, MAIL_IMAP_TLS, MAIL_IMAP_USER, MAIL_IMAP_PASSWORD, MAIL_IMAP_FOLDER,
MAIL_IMAP_PROCESSED_FOLDER, MAIL_IMAP_FAILED_FLAG.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from imapclient import IMAPClient

from .intake import ingest
from .models import InboundStatus, MailSource

log = logging.getLogger(__name__)

BATCH = 20


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int = 993
    tls: bool = True
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    failed_flag: str = "$SweetspotFailed"
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> ImapConfig | None:
        host = getattr(settings, "MAIL_IMAP_HOST", "")
        if not host:
            return None
        tls = bool(getattr(settings, "MAIL_IMAP_TLS", True))
        return cls(
            host=host,
            port=int(getattr(settings, "MAIL_IMAP_PORT", 0) or (993 if tls else 143)),
            tls=tls,
            user=getattr(settings, "MAIL_IMAP_USER", ""),
            password=getattr(settings, "MAIL_IMAP_PASSWORD", ""),
            folder=getattr(settings, "MAIL_IMAP_FOLDER", "INBOX") or "INBOX",
            processed_folder=getattr(settings, "MAIL_IMAP_PROCESSED_FOLDER", "Processed")
            or "Processed",
            failed_flag=getattr(settings, "MAIL_IMAP_FAILED_FLAG", "$SweetspotFailed")
            or "$SweetspotFailed",
        )


@dataclass
class PollResult:
    seen: int = 0
    moved: int = 0
    failed: int = 0
    outcomes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.seen} message(s): {self.moved} moved to processed, {self.failed} failed"


def _move(client: IMAPClient, uid: int, folder: str) -> None:
    if client.has_capability("MOVE"):
        client.move([uid], folder)
        return
    # No MOVE extension: copy, then remove the inbox copy (the message lives on in `folder`).
    client.copy([uid], folder)
    client.add_flags([uid], [b"\\Deleted"])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        client.expunge()


def poll(config: ImapConfig | None = None) -> PollResult | None:
    """One pass over the mailbox; None when no IMAP host is configured."""
    config = config or ImapConfig.from_settings()
    if config is None:
        return None
    result = PollResult()
    with IMAPClient(config.host, port=config.port, ssl=config.tls, timeout=config.timeout) as c:
        c.login(config.user, config.password)
        if not c.folder_exists(config.processed_folder):
            c.create_folder(config.processed_folder)
        c.select_folder(config.folder)
        uids = c.search(["NOT", "DELETED", "UNKEYWORD", config.failed_flag])
        for start in range(0, len(uids), BATCH):
            chunk = uids[start : start + BATCH]
            fetched: dict[int, Any] = c.fetch(chunk, ["BODY.PEEK[]"])
            for uid in chunk:
                result.seen += 1
                raw = (fetched.get(uid) or {}).get(b"BODY[]")
                ok = False
                try:
                    if raw is None:
                        raise ValueError("the server returned no body")
                    message = ingest(bytes(raw), MailSource.IMAP)
                    ok = message.status != InboundStatus.FAILED
                    result.outcomes.append(
                        f"uid {uid}: {message.status} {message.action} {message.reason}".strip()
                    )
                except Exception as exc:  # one bad message must not stop the mailbox
                    log.exception("mail: uid %s could not be ingested", uid)
                    result.outcomes.append(f"uid {uid}: failed ({exc})")
                if ok:
                    _move(c, uid, config.processed_folder)
                    result.moved += 1
                else:
                    c.add_flags([uid], [config.failed_flag.encode()])
                    result.failed += 1
    return result
