"""Helpers for the test suites of every app (imported by tests only; pypdf is a dev dependency)."""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from sweetspot.core import mfa


def pdf_text(data: bytes) -> str:
    """The text of a PDF, whitespace squeezed to single spaces (pure Python: no system tool)."""
    assert data.startswith(b"%PDF"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def totp_code(device: Any) -> str:
    """The current code of a django-otp TOTP device (what the authenticator app shows)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:0{device.digits}d}"


def enrolled_device(user: Any) -> TOTPDevice:
    """A confirmed TOTP device for user (created if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    return device


def mark_mfa_verified(client: Any) -> None:
    """A test client's session has passed its second factor (as after core.mfa.verify)."""
    session = client.session
    session.pop(mfa.PENDING_KEY, None)
    session[mfa.VERIFIED_KEY] = int(time.time())
    session.save()


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together (for race tests); returns each one's result
    or exception. On SQLite a "database is locked" answer is retried for a few seconds, as a
    real server would wait; on PostgreSQL nothing is retried."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            for _ in range(300):
                try:
                    results[i] = call()
                    break
                except OperationalError as exc:
                    if connection.vendor != "sqlite" or "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
