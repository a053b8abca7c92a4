"""Mail fixtures: the demo's Harbor Dental with its mail domain, a throwaway attachment
directory, a message builder, and a real Dovecot for the IMAP tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

EML = Path(__file__).parent / "eml_intake"


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.MAIL_ATTACHMENT_DIR = str(tmp_path / "attachments")
    return tmp_path / "attachments"


@pytest.fixture
def harbor_mail(demo, harbor, mail_dir):
    """Harbor Dental registers harbordental.example; Hana is its contact there."""
    harbor.mail_domains = ["harbordental.example"]
    harbor.save(update_fields=["mail_domains"])
    return harbor


def eml(name: str) -> bytes:
    return (EML / name).read_bytes()


_counter = iter(range(1, 10_000))


def build(
    body: str = "Hello, the server is slow.",
    sender: str = "Hana Hughes <hana@harbordental.example>",
    subject: str = "Server is slow",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bytes:
    """A message as bytes; a fresh Message-ID unless given ("" for none)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@brightline.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    if message_id is None:
        message_id = f"test{next(_counter)}@mail.example"
    if message_id:
        msg["Message-ID"] = f"<{message_id}>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for filename, data, ctype in attachments or []:
        main, _, sub = ctype.partition("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


@pytest.fixture
def make_mail() -> Callable[..., bytes]:
    return build


@pytest.fixture
def eml_bytes() -> Callable[[str], bytes]:
    return eml


# ---------------------------------------------------------------------------------------------
# Dovecot


def _dovecot_fixture() -> Any:
    from .dovecot import Dovecot  # only the IMAP tests need the server helper

    return Dovecot


@pytest.fixture
def dovecot(tmp_path_factory):
    """A real Dovecot IMAP server on a free local port with a throwaway maildir; skipped
    only when /usr/sbin/dovecot is missing (`make system-deps` installs it)."""
    server_cls = _dovecot_fixture()
    if not server_cls.available():
        pytest.skip("Dovecot is not installed (make system-deps installs dovecot-imapd)")
    server = server_cls(tmp_path_factory.mktemp("dovecot"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
