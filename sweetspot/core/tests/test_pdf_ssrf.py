"""Issue 15 item 1: SSRF through the agreement PDF.

A company name with a newline once ended the CSS string of the PDF footer, so a crafted name
injected ``@import url(http://internal/)`` and WeasyPrint fetched it. Now: names refuse
control characters, user text never goes inside CSS, and every render goes through one
fetcher that serves only static files and media."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError

from sweetspot.agreements.tests.test_pages import make_agreement, make_plan
from sweetspot.clients import services as client_services
from sweetspot.clients.models import Company
from sweetspot.core import pdf as core_pdf
from sweetspot.core.validators import validate_single_line, validate_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server standing in for an internal address; records every request."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def crafted(url: str) -> str:
    """The newline ends the CSS string of the old footer (quotes are HTML-escaped, a newline
    is not); the rest is a rule whose url() WeasyPrint fetched (reproduced on the old
    template: the listener saw GET /steal)."""
    return (
        f"Evil Co\n;}} }} body {{ background: url({url}/steal) }} "
        "@page { @bottom-left { content: x"
    )


def test_a_name_with_a_newline_is_refused_by_the_service(personas):
    with pytest.raises(ValidationError) as exc:
        client_services.create_company(personas["olivia"], {"name": crafted("http://10.0.0.1")})
    assert "name" in exc.value.message_dict
    assert "control characters" in exc.value.message_dict["name"][0]


def test_a_name_with_a_newline_is_a_field_error_on_the_page_and_the_api(client_for, api_token):
    from django.test import Client

    r = client_for("dan").post("/clients/new/", {"name": "Evil\nCo", "status": "prospect"})
    assert r.status_code == 200 and b"control characters" in r.content
    api = Client(headers={"Authorization": f"Bearer {api_token('olivia')}"})
    r = api.post("/api/v1/companies", {"name": "Evil\rCo"}, content_type="application/json")
    assert r.status_code == 422 and "control characters" in r.content.decode()
    assert not Company.objects.filter(name__startswith="Evil").exists()


def test_a_stored_crafted_name_makes_no_request(client_for, harbor, listener):
    """Even a name stored before the rule (written past the services) fetches nothing."""
    url, seen = listener
    plan = make_plan("SSRF plan", [])
    agreement = make_agreement(harbor, plan)
    Company.objects.filter(pk=harbor.pk).update(name=crafted(url))
    r = client_for("dan").get(f"/agreements/{agreement.pk}/pdf/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert seen == []


def test_the_fetcher_serves_static_files_and_refuses_everything_else(listener, settings, tmp_path):
    url, seen = listener
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_URL = "/media/"
    (tmp_path / "logo.png").write_bytes(b"\x89PNG fake")
    body, mime = core_pdf.fetch(core_pdf.ORIGIN + "/static/web/app.css")
    assert body and mime == "text/css"
    assert core_pdf.fetch(core_pdf.ORIGIN + "/media/logo.png") == (b"\x89PNG fake", "image/png")
    for bad in [
        f"{url}/x.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "http://169.254.169.254/latest/meta-data/",
        core_pdf.ORIGIN + "/static/../../config/settings.py",
        core_pdf.ORIGIN + "/static/%2e%2e/%2e%2e/config/settings.py",
        core_pdf.ORIGIN + "/media/../etc/passwd",
        core_pdf.ORIGIN + "/elsewhere.css",
        "https://sweetspot.pdf.invalid.evil.example/static/web/app.css",
    ]:
        with pytest.raises(core_pdf.RefusedURL):
            core_pdf.fetch(bad)
    assert seen == []


def test_every_render_goes_through_the_local_fetcher(listener, monkeypatch):
    """A fetch-recording stub: the HTML's own references reach the fetcher, which serves the
    static file and refuses the internal address; the listener sees nothing."""
    url, seen = listener
    asked: list[str] = []
    real = core_pdf.fetch

    def recording(u: str) -> tuple[bytes, str]:
        asked.append(u)
        return real(u)

    monkeypatch.setattr(core_pdf, "fetch", recording)
    html = (
        '<link rel="stylesheet" href="/static/web/app.css">'
        f'<link rel="stylesheet" href="{url}/a.css"><img src="{url}/b.png">'
        "<p>hello</p>"
    )
    assert core_pdf.render_pdf(html).startswith(b"%PDF")
    assert core_pdf.ORIGIN + "/static/web/app.css" in asked
    assert f"{url}/a.css" in asked and f"{url}/b.png" in asked
    assert seen == []


def test_validators():
    validate_single_line("Harbor Dental — Zürich, Ø 22 PCs")
    validate_text("line one\nline two\twith a tab\r\n")
    for bad in ["a\nb", "a\rb", "a\x00b", "a\tb", "a\u2028b", "a\x85b", "a\x1bb"]:
        with pytest.raises(ValidationError):
            validate_single_line(bad)
    for bad in ["a\x00b", "a\x1bb", "a\x7fb"]:
        with pytest.raises(ValidationError):
            validate_text(bad)
