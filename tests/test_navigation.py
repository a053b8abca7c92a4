"""Navigation by role, the running timer on every page and the company page's lists
(issue 14 item 5)."""

from __future__ import annotations

from sweetspot.desk import services as desk_services
from sweetspot.desk import time_services
from sweetspot.team.models import Technician


def _nav(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def test_technicians_do_not_see_pipeline_and_prospects(full_demo, client_for):
    nav = _nav(client_for("tara").get("/").content.decode())
    assert "Pipeline" not in nav and "Prospects" not in nav
    assert 'href="/desk/mine/"' in nav and "My tickets" in nav
    assert "Batch dispatch" not in nav
    for seller in ["olivia", "sam"]:
        nav = _nav(client_for(seller).get("/").content.decode())
        assert "Pipeline" in nav and "Prospects" in nav, seller


def test_my_tickets_and_batch_dispatch_are_reachable(full_demo, client_for):
    nav = _nav(client_for("dan").get("/").content.decode())
    assert 'href="/desk/mine/"' in nav and 'href="/desk/batch/"' in nav
    assert client_for("dan").get("/desk/batch/").status_code == 200
    assert client_for("tara").get("/desk/mine/").status_code == 200


def test_running_timer_is_visible_on_every_page(full_demo, client_for, personas, harbor):
    tara = Technician.objects.get(user=personas["tara"])
    c = client_for("tara")
    for path in ["/", "/clients/", "/desk/queue/", "/time/"]:
        assert 'hx-get="/time/timer/indicator/"' in c.get(path).content.decode(), path
    assert c.get("/time/timer/indicator/").content.decode().strip() == ""
    ticket = desk_services.open_ticket(personas["dan"], {"company": harbor, "subject": "T"})
    time_services.start_timer(personas["tara"], tara, ticket)
    badge = c.get("/time/timer/indicator/").content.decode()
    assert "Timer running since" in badge and f"#{ticket.pk}" in badge
    # Client contacts have no timer slot.
    assert "timer/indicator" not in client_for("hana").get("/desk/portal/").content.decode()


def test_company_page_lists_tickets_agreements_visits_and_opportunities(
    full_demo, client_for, harbor
):
    html = client_for("olivia").get(f"/clients/{harbor.pk}/").content.decode()
    for part in [
        "company-tickets",
        "company-agreements",
        "company-visits",
        "company-opportunities",
    ]:
        assert f'id="{part}"' in html, part
    ticket = harbor.tickets.order_by("-created_at", "-pk").first()
    assert f"/desk/tickets/{ticket.pk}/" in html
    # The client's own view of the company is the portal page (item 3, another change).
