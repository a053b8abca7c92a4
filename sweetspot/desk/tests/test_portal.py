"""Client portal: a contact sees and opens only their own company's tickets."""

from __future__ import annotations

import pytest
from django.test import Client

from sweetspot.desk import services
from sweetspot.desk.models import Ticket, TicketComment


def _login(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_hana_opens_a_ticket_for_harbor_only(personas, harbor, maple):
    hana = _login(personas["hana"])
    response = hana.post(
        "/desk/portal/new/",
        {"subject": "Scanner offline", "priority": "P2", "company": maple.pk},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Scanner offline")
    assert ticket.company_id == harbor.pk and ticket.source == "portal"
    assert ticket.response_due_at is not None
    assert "Scanner offline" in hana.get("/desk/portal/").content.decode()


@pytest.mark.django_db
def test_hana_never_sees_maple(personas, harbor, maple):
    maple_ticket = services.open_ticket(None, {"company": maple, "subject": "Maple secret"})
    hana = _login(personas["hana"])
    assert "Maple secret" not in hana.get("/desk/portal/").content.decode()
    assert hana.get(f"/desk/portal/{maple_ticket.pk}/").status_code == 404
    assert hana.post(f"/desk/portal/{maple_ticket.pk}/comment/", {"body": "x"}).status_code == 404
    assert hana.get(f"/desk/tickets/{maple_ticket.pk}/").status_code == 404
    milo = _login(personas["milo"])
    assert milo.get(f"/desk/portal/{maple_ticket.pk}/").status_code == 200


@pytest.mark.django_db
def test_portal_comment_is_client_visible(personas, harbor):
    ticket = services.open_ticket(None, {"company": harbor, "subject": "Printer"})
    services.add_comment(personas["dan"], ticket, "internal only", internal=True)
    hana = _login(personas["hana"])
    hana.post(f"/desk/portal/{ticket.pk}/comment/", {"body": "It is on fire", "internal": "on"})
    comment = TicketComment.objects.get(body="It is on fire")
    assert comment.internal is False
    body = hana.get(f"/desk/portal/{ticket.pk}/").content.decode()
    assert "It is on fire" in body and "internal only" not in body
