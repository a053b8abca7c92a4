"""Every PDF the app makes is rendered here, with ONE URL fetcher that never touches the
network or the file system at large.

A PDF template may reference the app's own static files (``{% static %}``) and uploaded media
(``MEDIA_URL``, e.g. the firm's logo). The HTML is rendered against a made-up origin
(``BASE_URL``) so that those references resolve to ``https://sweetspot.pdf.invalid/static/...``;
the fetcher serves such a URL from the static-file finders or ``MEDIA_ROOT`` and refuses
everything else: other hosts, ``file:``, ``data:``, ``ftp:``, paths that climb out of their
directory. A refused URL is not fetched at all (WeasyPrint logs it and leaves the resource out),
so text injected into a template can never make the server call an internal address.

User text must never be placed inside CSS either (a newline in a name would end a CSS string):
page footers are HTML running elements (``position: running(...)``), not ``content: "..."``.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

ORIGIN = "https://sweetspot.pdf.invalid"
BASE_URL = ORIGIN + "/"


class RefusedURL(ValueError):
    """The PDF asked for something outside the app's static files and media."""


def _relative(path: str, prefix: str) -> str | None:
    """The path under ``prefix`` (a URL path like "/static/"), normalised; None when the path
    is not under it or climbs out of it."""
    prefix = "/" + prefix.strip("/") + "/"
    if prefix == "//" or not path.startswith(prefix):
        return None
    rest = unquote(path[len(prefix) :])
    if "\x00" in rest or "\\" in rest:
        return None
    normal = posixpath.normpath(rest)
    if normal.startswith(("../", "/")) or normal in {"..", "."}:
        return None
    return normal


def resolve(url: str) -> Path:
    """The local file a PDF resource URL stands for; RefusedURL for anything else."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN or parts.query:
        raise RefusedURL(f"PDF resources come only from the app's static files and media: {url}")
    static = _relative(parts.path, settings.STATIC_URL or "")
    if static is not None:
        found = finders.find(static)
        if isinstance(found, str) and Path(found).is_file():
            return Path(found)
    media_root = getattr(settings, "MEDIA_ROOT", "")
    media = _relative(parts.path, getattr(settings, "MEDIA_URL", "") or "")
    if media is not None and media_root:
        root = Path(media_root).resolve()
        candidate = (root / media).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise RefusedURL(f"Not a static file or uploaded media: {url}")


def fetch(url: str) -> tuple[bytes, str]:
    """The bytes and MIME type of an allowed resource (RefusedURL otherwise)."""
    path = resolve(url)
    mime, _ = mimetypes.guess_type(path.name)
    return path.read_bytes(), mime or "application/octet-stream"


def _fetcher() -> Any:
    # WeasyPrint loads Pango at import: only renders pay for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 (see above)

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves the app's static files and media; refuses every other URL."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            body, mime = fetch(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return LocalOnlyFetcher(allowed_protocols=["https"], allow_redirects=False)


def render_pdf(html: str) -> bytes:
    """HTML (a rendered PDF template) to PDF bytes, through the local-only fetcher."""
    from weasyprint import HTML  # noqa: PLC0415 (WeasyPrint loads Pango at import)

    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()
    assert pdf is not None
    return bytes(pdf)
