"""Content-Security-Policy on every response; no inline script, event-handler attribute,
style attribute or <style> element on any page a crawl reaches or on each persona's main
pages (style-src has no 'unsafe-inline', issue 15 item 9); the API docs served from our own
origin."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:-][^=\s]*)\s*=", re.I)
HREF = re.compile(r'href="([^"#]+)"')
SKIP = ("/logout/", "/static/", "/media/", "/api/", "/visits/feed/")


class _InlineStyles(HTMLParser):
    """Every `style` attribute and <style> element of a page, as (tag, text) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"<{tag} style={v!r}>" for k, v in attrs if k == "style"]

    handle_startendtag = handle_starttag


def inline_styles(html: str) -> list[str]:
    parser = _InlineStyles()
    parser.feed(html)
    parser.close()
    return parser.found


def main_pages() -> dict[str, list[str]]:
    """Each persona's main pages, with real rows from the demo firm (also walked by the
    browser test, tests/browser/test_csp_styles.py)."""
    from sweetspot.agreements.models import Agreement
    from sweetspot.billing.models import Invoice
    from sweetspot.catalog.models import Competitor, Service
    from sweetspot.clients.models import Company
    from sweetspot.desk.models import Ticket
    from sweetspot.growth.models import Assessment
    from sweetspot.team.models import Technician

    harbor = Company.objects.get(name="Harbor Dental")
    ticket = Ticket.objects.filter(company=harbor).order_by("pk").first()
    agreement = Agreement.objects.filter(company=harbor).order_by("pk").first()
    invoice = Invoice.objects.filter(company=harbor).order_by("pk").first()
    tara_ticket = Ticket.objects.filter(technician__user__username="tara").order_by("pk").first()
    assert ticket and agreement and invoice and tara_ticket, "the demo firm has these rows"
    first = {m: m.objects.order_by("pk").first().pk for m in (Service, Competitor, Assessment)}
    return {
        "olivia": [
            "/",
            "/desk/queue/",
            f"/desk/tickets/{ticket.pk}/",
            f"/clients/{harbor.pk}/",
            f"/agreements/{agreement.pk}/",
            "/agreements/",
            "/agreements/revenue/",
            "/agreements/promise/",
            "/billing/run/",
            "/billing/invoices/",
            f"/billing/invoices/{invoice.pk}/",
            "/billing/profitability/",
            "/billing/exports/",
            "/billing/settings/",
            "/catalog/gaps/",
            "/catalog/services/",
            f"/catalog/services/{first[Service]}/",
            f"/catalog/competitors/{first[Competitor]}/",
            "/catalog/plan/",
            "/growth/pipeline/",
            "/growth/followups/",
            "/growth/certifications/plan/",
            f"/growth/assessments/{first[Assessment]}/",
            "/growth/settings/",
            "/team/matrix/",
            "/team/technicians/",
            f"/team/technicians/{Technician.objects.order_by('pk').first().pk}/",
            "/search/?q=harbor",
            "/firm/",
            "/people/",
            "/profile/",
            "/mail/rota/",
            "/mail/quarantine/",
            "/visits/",
            "/api/v1/docs",
        ],
        "dan": ["/", "/desk/queue/", f"/desk/tickets/{ticket.pk}/", "/search/?q=outlook"],
        "tara": ["/", "/desk/mine/", f"/desk/tickets/{tara_ticket.pk}/", "/time/"],
        "hana": [
            "/",
            "/my-company/",
            "/agreements/mine/",
            "/billing/invoices/",
            f"/billing/invoices/{invoice.pk}/",
            "/desk/portal/",
        ],
    }


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d for d in (p.strip() for p in header.split(";")) if d}


def test_every_response_has_the_policy(client_for, client):
    for c, url in [(client, "/login/"), (client_for("olivia"), "/"), (client_for("hana"), "/")]:
        response = c.get(url, follow=True)
        policy = _policy(response)
        assert policy["script-src"] == "script-src 'self'"
        assert policy["style-src"] == "style-src 'self'"
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
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
        url: (
            INLINE_SCRIPT.findall(html)
            + [m.group(1) for m in HANDLER_ATTR.finditer(html)]
            + inline_styles(html)
        )
        for url, html in html_pages.items()
    }
    assert {u: o for u, o in offenders.items() if o} == {}


def test_no_inline_styles_on_the_main_pages(full_demo, client_for):
    """Home, queue, ticket, company, agreement, invoice, gap analysis, pipeline, cert planner,
    skills matrix, search, settings, people… as owner, dispatcher, technician and client."""
    offenders: dict[str, list[str]] = {}
    walked = 0
    for persona, paths in main_pages().items():
        c = client_for(persona)
        for path in paths:
            response = c.get(path, follow=True)
            assert response.status_code == 200, (persona, path)
            assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
            found = inline_styles(response.content.decode())
            walked += 1
            if found:
                offenders[f"{persona} {path}"] = found
    assert walked >= 45
    assert offenders == {}


def test_the_style_check_sees_attributes_and_elements():
    html = '<div class="a"><p style="color:red">x</p><svg><rect width="42%"/></svg></div>'
    assert inline_styles(html) == ["<p style='color:red'>"]
    assert inline_styles("<head><style>p{}</style></head><br style=''>") == [
        "<style>",
        "<br style=''>",
    ]


def test_api_docs_are_self_hosted(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and not INLINE_SCRIPT.findall(html)
