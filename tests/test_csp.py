"""Content-Security-Policy on every response; no inline script or event-handler attribute on
any page a crawl reaches; the API docs served from our own origin."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlparse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:-][^=\s]*)\s*=", re.I)
HREF = re.compile(r'href="([^"#]+)"')
SKIP = ("/logout/", "/static/", "/media/", "/api/", "/visits/feed/")


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d for d in (p.strip() for p in header.split(";")) if d}


def test_every_response_has_the_policy(client_for, client):
    for c, url in [(client, "/login/"), (client_for("olivia"), "/"), (client_for("hana"), "/")]:
        response = c.get(url, follow=True)
        policy = _policy(response)
        assert policy["script-src"] == "script-src 'self'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["object-src"] == "object-src 'none'"
        assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json")


def _crawl(c, start: str = "/", limit: int = 80) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = c.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        html = response.content.decode()
        seen[url] = html
        for href in HREF.findall(html):
            target = urljoin(url, href.replace("&amp;", "&"))
            parsed = urlparse(target)
            if parsed.netloc or parsed.path.startswith(SKIP) or "export" in parsed.path:
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path not in seen:
                queue.append(path)
    return seen


def test_no_inline_scripts_or_handlers_on_any_page(full_demo, client_for):
    pages = {}
    for persona in ("olivia", "hana"):
        pages.update(_crawl(client_for(persona)))
    html_pages = {u: h for u, h in pages.items() if h}
    assert len(html_pages) > 40
    offenders = {
        url: (INLINE_SCRIPT.findall(html) + [m.group(1) for m in HANDLER_ATTR.finditer(html)])
        for url, html in html_pages.items()
    }
    assert {u: o for u, o in offenders.items() if o} == {}


def test_api_docs_are_self_hosted(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and not INLINE_SCRIPT.findall(html)
