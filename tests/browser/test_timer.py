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


def test_tara_logs_time_on_a_ticket_from_the_timesheet_form(page: Page, demo_live: str, shot):
    """The ticket page's "Log time" link pre-fills the timesheet form; adding the entry swaps
    the week in place (htmx) and it shows against the ticket."""
    from sweetspot.desk.models import Ticket, TimeEntry

    ticket = Ticket.objects.filter(status="new").order_by("pk").first()
    assert ticket is not None
    login(page, demo_live, "tara")
    page.goto(f"{demo_live}/desk/tickets/{ticket.pk}/")
    page.locator("#log-time").click()
    form = page.locator("#add-entry")
    expect(form.locator("input[name=ticket]")).to_have_value(str(ticket.pk))
    form.locator("input[name=minutes]").fill("45")
    form.locator("input[name=note]").fill("Rebuilt the mail profile")
    form.get_by_role("button", name="Add entry").click()
    week = page.locator("#timesheet-week table.timesheet")
    expect(week).to_contain_text("Rebuilt the mail profile")
    expect(page.locator("#add-entry")).to_be_visible()
    shot(page, "timesheet-log-ticket")
    entry = TimeEntry.objects.get(note="Rebuilt the mail profile")
    assert entry.ticket_id == ticket.pk and entry.minutes == 45
