"""Helpers for the test suites of every app (imported by tests only; pypdf is a dev dependency)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of a PDF, whitespace squeezed to single spaces (pure Python: no system tool)."""
    assert data.startswith(b"%PDF"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)
