"""Optimistic concurrency on the ticket API (issue 15 item 4): TicketOut carries a
``version`` (also the ETag); a PATCH with If-Match or ``version`` that is stale answers 409
and changes nothing; without either it behaves as before."""

from __future__ import annotations

import pytest

from sweetspot.desk import services
from sweetspot.desk.models import Ticket
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(demo, maple):
    return services.open_ticket(
        None, {"company": maple, "subject": "Printer offline", "description": "As reported"}
    )


def _patch(client, ticket, body, **headers):
    return client.patch(
        f"/api/v1/tickets/{ticket.pk}", body, content_type="application/json", headers=headers
    )


def test_two_clients_the_second_with_the_old_version_gets_409(ticket, client_for, api_token):
    dan = client_for("dan")
    olivia = client_for("olivia")
    url = f"/api/v1/tickets/{ticket.pk}"
    read_by_dan, read_by_olivia = dan.get(url), olivia.get(url)
    version = read_by_dan.json()["version"]
    assert version and read_by_olivia.json()["version"] == version
    assert read_by_dan.headers["ETag"] == f'"{version}"'

    first = _patch(dan, ticket, {"description": "Dan: toner replaced"}, If_Match=f'"{version}"')
    assert first.status_code == 200, first.content
    new_version = first.json()["version"]
    assert new_version != version and first.headers["ETag"] == f'"{new_version}"'

    second = _patch(olivia, ticket, {"description": "Olivia: driver", "version": version})
    assert second.status_code == 409
    assert second.json()["current_version"] == new_version
    assert "changed" in second.json()["detail"]
    assert second.headers["ETag"] == f'"{new_version}"'
    ticket.refresh_from_db()
    assert ticket.description == "Dan: toner replaced"
    assert services.version_of(ticket) == new_version

    # The header works the same way, for a bearer token too.
    token = {"Authorization": f"Bearer {api_token('olivia')}"}
    stale = _patch(olivia, ticket, {"priority": "P1"}, If_Match=f'"{version}"', **token)
    assert stale.status_code == 409 and Ticket.objects.get(pk=ticket.pk).priority == "P3"
    # Read again, send the current version: saved.
    fresh = _patch(olivia, ticket, {"description": "Olivia: driver", "version": new_version})
    assert fresh.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).description == "Olivia: driver"


def test_without_a_version_the_edit_applies_as_before(ticket, client_for):
    dan = client_for("dan")
    assert _patch(dan, ticket, {"subject": "Printer still offline"}).status_code == 200
    r = _patch(dan, ticket, {"priority": "P2"}, If_Match="*")
    assert r.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority) == ("Printer still offline", "P2")


def test_any_change_moves_the_version(ticket, client_for):
    """An assignment (another service) bumps updated_at, so an edit started before it is
    stale; a refused edit does not move the version."""
    dan = client_for("dan")
    version = dan.get(f"/api/v1/tickets/{ticket.pk}").json()["version"]
    tech = Technician.objects.create(name="Versioned Tech")
    r = _patch(dan, ticket, {"estimate_hours": "1.5", "version": version})
    assert r.status_code == 200
    version = r.json()["version"]
    r = dan.post(
        f"/api/v1/tickets/{ticket.pk}/assign",
        {"person": f"t{tech.pk}"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] != version
    r = _patch(dan, ticket, {"subject": "Too late", "version": version})
    assert r.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer offline"


def test_contradictory_versions_are_422(ticket, client_for):
    dan = client_for("dan")
    version = dan.get(f"/api/v1/tickets/{ticket.pk}").json()["version"]
    r = _patch(dan, ticket, {"subject": "X", "version": version}, If_Match='"something else"')
    assert r.status_code == 422
    r = _patch(dan, ticket, {"subject": "X"}, If_Match=f'"{version}", "{version}"')
    assert r.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer offline"
