"""The queue's client filter is a company picker (issue 18), not a select of every company:
the page stays small at 1,000 companies and shows the chosen company after a reload."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sweetspot.clients.models import Company
from sweetspot.desk import services


def test_queue_page_at_1000_companies_does_not_list_them(client_for):
    call_command("generate_scale", companies=1000, seed=5, stdout=io.StringIO())
    assert Company.objects.count() >= 1000
    html = client_for("dan").get("/desk/queue/").content.decode()
    shown = [name for name in Company.objects.values_list("name", flat=True) if name in html]
    # Only the companies of the tickets on the page (none of the generated ones have any).
    assert not [name for name in shown if " #" in name]
    assert len(shown) <= 25
    assert len(html) < 40_000, len(html)  # the select of every company made it ~70 KB
    assert 'role="combobox"' in html and 'name="client" value=""' in html


def test_chosen_client_is_kept_and_shown_after_a_reload(client_for, harbor, maple):
    services.open_ticket(None, {"company": harbor, "subject": "Harbor printer"})
    services.open_ticket(None, {"company": maple, "subject": "Maple VPN"})
    response = client_for("dan").get("/desk/queue/", {"client": harbor.pk, "status": "open"})
    html = response.content.decode()
    assert f'name="client" value="{harbor.pk}"' in html
    assert 'value="Harbor Dental"' in html  # the picker's text box shows the name
    companies = {t.company_id for t, *_ in response.context["rows"]}
    assert companies == {harbor.pk}
    # An id that is no company (or not a number) filters on it or nothing, never a 500.
    for bad in ("999999999", "x1", "-3", "1" * 30):
        assert client_for("dan").get("/desk/queue/", {"client": bad}).status_code == 200


def test_queue_with_a_client_runs_the_same_queries_for_1_and_20_tickets(client_for, harbor):
    c = client_for("dan")
    counts = []
    for n in (1, 20):
        have = harbor.tickets.count()
        for i in range(n - have if n > have else 0):
            services.open_ticket(None, {"company": harbor, "subject": f"T{i}"})
        url = f"/desk/queue/?client={harbor.pk}&status=open"
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
