"""The company picker's options (issue 18): clients:company_lookup, and the queue's client
filter that uses it instead of a select of every company."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sweetspot.clients.models import Company

OPTION = re.compile(r'role="option" data-value="(\d*)" data-label="([^"]*)"')


def options(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    return OPTION.findall(response.content.decode())


def test_lookup_matches_any_part_of_the_name_prefix_first(client_for):
    c = client_for("dan")
    got = options(c.get("/clients/lookup/", {"q": "LAW"}))
    assert (str(Company.objects.get(name="Maple Law").pk), "Maple Law") in got
    assert all("law" in label.lower() for _, label in got)
    Company.objects.create(name="Outlaw Garage", pcs=3)
    Company.objects.create(name="Lawn and Garden Co", pcs=3)
    labels = [label for _, label in options(c.get("/clients/lookup/", {"q": "law"}))]
    # Names that start with the words come first, each group A-Z.
    assert (
        labels.index("Lawn and Garden Co")
        < labels.index("Maple Law")
        < labels.index("Outlaw Garage")
    )


def test_lookup_returns_at_most_twenty_and_says_when_nothing_matches(client_for):
    call_command("generate_scale", companies=60, seed=3, stdout=io.StringIO())
    c = client_for("tara")
    assert len(options(c.get("/clients/lookup/", {"q": "#"}))) == 20
    assert len(options(c.get("/clients/lookup/"))) == 20
    empty = c.get("/clients/lookup/", {"q": "zzqx-no-such"})
    assert options(empty) == [] and "No company matches" in empty.content.decode()


def test_lookup_offers_the_any_option_and_marks_archived(client_for, maple):
    from django.utils import timezone

    maple.archived_at = timezone.now()
    maple.save(update_fields=["archived_at"])
    body = client_for("sam").get("/clients/lookup/", {"q": "maple", "any": "Any client"})
    got = options(body)
    assert got[0] == ("", "")
    assert "Any client" in body.content.decode()
    assert (str(maple.pk), "Maple Law") in got and "(archived)" in body.content.decode()


def test_lookup_escapes_what_it_echoes(client_for):
    body = client_for("dan").get(
        "/clients/lookup/", {"q": "<b>x", "listbox": '"><script>', "any": "<i>"}
    )
    html = body.content.decode()
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html


def test_lookup_runs_one_query_for_1_or_20_matches(client_for):
    c = client_for("dan")
    c.get("/clients/lookup/", {"q": "harbor"})  # warm the session
    counts = []
    for q in ("harbor dental", "a"):
        with CaptureQueriesContext(connection) as ctx:
            got = options(c.get("/clients/lookup/", {"q": q}))
        counts.append(len(ctx.captured_queries))
        assert len(got) == (1 if q != "a" else 20)
    assert counts[0] == counts[1], counts
