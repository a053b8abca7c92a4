"""Tara starts a timer, stops it, and finds the entry on her timesheet."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import login


def test_tara_times_her_work_and_sees_it_on_her_timesheet(page: Page, demo_live: str, shot):
    from sweetspot.desk.models import TimeEntry
    from sweetspot.team.models import Technician

    tara = Technician.objects.get(user__username="tara")
    login(page, demo_live, "tara")
    page.goto(f"{demo_live}/time/")
    widget = page.locator(".timer-widget")
    widget.get_by_label("Timer note").fill("Printer queue at Harbor")
    widget.get_by_role("button", name="Start timer").click()
    expect(page.locator(".timer-widget")).to_contain_text("Timer running since")
    shot(page, "timer-running")
    page.locator(".timer-widget").get_by_role("button", name="Stop timer").click()
    expect(page.locator(".timer-widget").get_by_role("button", name="Start timer")).to_be_visible()

    entry = TimeEntry.objects.get(technician=tara, note="Printer queue at Harbor")
    assert entry.ended_at is not None and entry.minutes >= 1

    page.goto(f"{demo_live}/time/")
    expect(page.locator("table.timesheet")).to_contain_text("Printer queue at Harbor")
    shot(page, "timer-timesheet")


def test_tara_times_a_ticket_from_its_page(page: Page, demo_live: str, shot):
    """The timer on the ticket page logs against that ticket, and the page's "Time logged"
    section refreshes itself (htmx, timeChanged) when the timer stops."""
    from sweetspot.desk.models import Ticket, TimeEntry
    from sweetspot.team.models import Technician

    tara = Technician.objects.get(user__username="tara")
    ticket = Ticket.objects.filter(status="new").order_by("pk").first()
    assert ticket is not None
    login(page, demo_live, "tara")
    page.goto(f"{demo_live}/desk/tickets/{ticket.pk}/")
    widget = page.locator(".timer-widget")
    widget.get_by_label("Timer note").fill("Looked at the logs")
    widget.get_by_role("button", name="Start timer").click()
    expect(page.locator(".timer-widget")).to_contain_text(f"on #{ticket.pk}")
    page.locator(".timer-widget").get_by_role("button", name="Stop timer").click()
    expect(page.locator("#ticket-time")).to_contain_text("Looked at the logs")
    shot(page, "ticket-timer")

    entry = TimeEntry.objects.get(technician=tara, note="Looked at the logs")
    assert entry.ticket_id == ticket.pk and entry.ended_at is not None
