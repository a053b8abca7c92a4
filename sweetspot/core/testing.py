"""Helpers for the test suites of every app (imported by tests only; pypdf is a dev dependency)."""

from __future__ import annotations

import io
import re
import time
from typing import Any

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
