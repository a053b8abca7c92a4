"""Plans, agreements and the promise check through the pages.

The helpers at the top build a small team and catalog of their own (skills, services,
technicians with unique names), so these tests hold whether or not the demo seeds for the
team and the catalog have run; the other test modules import them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sweetspot.agreements import services
from sweetspot.agreements.models import Agreement, AgreementStatus, Plan
from sweetspot.catalog.models import Service, ServiceRequirement
from sweetspot.team.models import Skill, Technician, TechnicianSkill

pytestmark = pytest.mark.django_db


def make_team() -> dict[str, Any]:
    """Desktop support: depth 2. LAN care: depth 1 (only Una). Mainframe care: depth 0.
    Both technicians are on call, so fast response targets are covered."""
    desk = Skill.objects.create(slug="agr-desk", name="Agr desk", group="desktop")
    lan = Skill.objects.create(slug="agr-lan", name="Agr LAN", group="networking")
    cobol = Skill.objects.create(slug="agr-cobol", name="Agr COBOL", group="development")
    out: dict[str, Any] = {}
    for key, name, reqs in [
        ("desktop", "Agr desktop support", {desk: 2}),
        ("lan", "Agr LAN care", {lan: 3}),
        ("mainframe", "Agr mainframe care", {cobol: 4}),
    ]:
        svc = Service.objects.create(name=name, description=f"{name}, in plain words.")
        for skill, level in reqs.items():
            ServiceRequirement.objects.create(service=svc, skill=skill, min_proficiency=level)
        out[key] = svc
    for name, skills in [("Una Agr", {desk: 3, lan: 4}), ("Vic Agr", {desk: 3, lan: 1})]:
        tech = Technician.objects.create(
            name=name, weekly_capacity_hours=Decimal(40), on_call=True, bill_rate=Decimal(90)
        )
        for skill, level in skills.items():
            TechnicianSkill.objects.create(technician=tech, skill=skill, proficiency=level)
    return out


def no_agreements() -> None:
    """Start from no plans or agreements (the demo seed may have made some)."""
    Agreement.objects.all().delete()
    Plan.objects.all().delete()


def make_plan(name: str, services_: list[Service], fee: str = "1500.00", **extra: Any) -> Plan:
    data = {
        "name": name,
        "monthly_fee": Decimal(fee),
        "onsite_half_days_per_month": Decimal(2),
        "expected_remote_hours_per_month": Decimal(4),
        "expected_phone_hours_per_month": Decimal(1),
        "p1_response_minutes": 240,
        "overage_rate": Decimal("125.00"),
        **extra,
    }
    return services.create_plan(None, data, services_)


def make_agreement(company: Any, plan: Plan, activate: bool = True, **extra: Any) -> Agreement:
    today = timezone.localdate()
    data = {"company": company, "plan": plan, "start_date": today, **extra}
    agreement = services.create_draft(None, data)
    if activate:
        agreement = services.activate(None, agreement)
    return agreement


def plan_post(plan: Plan | None, **changes: Any) -> dict[str, Any]:
    """The plan form's POST body: the plan's current values (or defaults) with changes."""
    base: dict[str, Any] = {
        "name": "Page plan",
        "description": "",
        "monthly_fee": "1500.00",
        "billing_cadence": "monthly",
        "overage_rate": "125.00",
        "onsite_half_days_per_month": "2",
        "included_hours_per_month": "8",
        "expected_remote_hours_per_month": "4",
        "expected_phone_hours_per_month": "1",
        "remote_support": "on",
        "emergency_phone_support": "on",
        "p1_response_minutes": "240",
        "p2_response_minutes": "480",
        "p3_response_minutes": "960",
        "p4_response_minutes": "1440",
        "p1_resolution_minutes": "480",
        "p2_resolution_minutes": "960",
        "p3_resolution_minutes": "2400",
        "p4_resolution_minutes": "4800",
        "services": [],
    }
    if plan is not None:
        base.update(
            {
                "name": plan.name,
                "monthly_fee": str(plan.monthly_fee),
                "services": [s.pk for s in plan.services.all()],
            }
        )
    base.update(changes)
    return base


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- plans ---------------------------------------------------------------------------------


def test_signed_terms_survive_a_plan_edit(client_for, maple, harbor):
    team = make_team()
    olivia = client_for("olivia")
    r = olivia.post(
        "/agreements/plans/new/",
        plan_post(None, name="Office Care", services=[team["desktop"].pk, team["lan"].pk]),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    plan = Plan.objects.get(name="Office Care")
    r = olivia.post(
        "/agreements/new/",
        {
            "company": maple.pk,
            "plan": plan.pk,
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "renewal": "automatic",
            "notice_days": "30",
        },
    )
    assert r.status_code == 302
    signed = Agreement.objects.get(company=maple, plan=plan)
    assert olivia.post(f"/agreements/{signed.pk}/activate/").status_code == 302
    draft = make_agreement(harbor, plan, activate=False)

    # The owner raises the fee, drops LAN care and tightens P1 on the plan.
    r = olivia.post(
        f"/agreements/plans/{plan.pk}/edit/",
        plan_post(
            plan, monthly_fee="1800.00", services=[team["desktop"].pk], p1_response_minutes="60"
        ),
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.monthly_fee == Decimal("1800.00")

    page = olivia.get(f"/agreements/{signed.pk}/").content.decode()
    assert "$1,500.00 per month" in page and "Agr LAN care" in page
    assert "Signed terms" in page
    signed.refresh_from_db()
    assert signed.period_fee == Decimal("1500.00")
    assert signed.terms["response_minutes"]["P1"] == 240
    # The draft follows the plan until it is signed.
    page = olivia.get(f"/agreements/{draft.pk}/").content.decode()
    assert (
        "$1,800.00 per month" in page and "Agr LAN care" not in page.split("Included services")[1]
    )


def test_plan_editor_shows_depth_and_needs_an_acknowledgement_for_unstaffed(client_for):
    team = make_team()
    olivia = client_for("olivia")
    page = olivia.get("/agreements/plans/new/").content.decode()
    for name, badge in [
        ("Agr desktop support", "depth 2"),
        ("Agr LAN care", "single point of failure · depth 1"),
        ("Agr mainframe care", "unstaffed · depth 0"),
    ]:
        row = page.split(f"<strong>{name}</strong>")[1].split("</li>")[0]
        assert badge in row, name
    assert "Can deliver: Una Agr" in page

    body = plan_post(None, name="Legacy", services=[team["desktop"].pk, team["mainframe"].pk])
    r = olivia.post("/agreements/plans/new/", body)
    assert r.status_code == 200
    assert "Nobody on the team can deliver Agr mainframe care yet" in r.content.decode()
    assert not Plan.objects.filter(name="Legacy").exists()

    r = olivia.post("/agreements/plans/new/", {**body, "acknowledge_unstaffed": "on"}, follow=True)
    plan = Plan.objects.get(name="Legacy")
    assert any("nobody can deliver yet" in m for m in messages_of(r))
    # Already in the plan: editing the fee does not ask again.
    r = olivia.post(
        f"/agreements/plans/{plan.pk}/edit/", plan_post(plan, monthly_fee="1200.00"), follow=True
    )
    plan.refresh_from_db()
    assert plan.monthly_fee == Decimal("1200.00")


def test_plan_pages_by_role(client_for):
    plan = make_plan("Role plan", [])
    for who, status in [("tara", 200), ("dan", 200), ("sam", 200), ("hana", 404)]:
        assert client_for(who).get(f"/agreements/plans/{plan.pk}/").status_code == status, who
    for who in ["tara", "dan", "sam", "hana"]:
        assert client_for(who).get(f"/agreements/plans/{plan.pk}/edit/").status_code == 404


# --- agreements ----------------------------------------------------------------------------


def test_renewals_due_within_their_notice_window_are_listed_on_top(client_for, maple, harbor):
    plan = make_plan("Renewal plan", [])
    today = timezone.localdate()
    due = make_agreement(
        maple, plan, start_date=today - dt.timedelta(days=340), end_date=today + dt.timedelta(20)
    )
    not_yet = make_agreement(
        harbor, plan, start_date=today - dt.timedelta(days=200), end_date=today + dt.timedelta(90)
    )
    page = client_for("dan").get("/agreements/").content.decode()
    renewals = page.split('id="renewals"')[1].split("</section>")[0]
    assert f"/agreements/{due.pk}/" in renewals
    assert f"/agreements/{not_yet.pk}/" not in renewals
    assert f"/agreements/{not_yet.pk}/" in page  # still in the full list


def test_list_filters_are_whitelisted(client_for, maple, harbor):
    plan = make_plan("Filter plan", [])
    a = make_agreement(maple, plan)
    d = make_agreement(harbor, plan, activate=False)
    dan = client_for("dan")
    rows = lambda q: dan.get(f"/agreements/?{q}").content.decode().split('id="agreement-rows"')[1]  # noqa: E731
    assert f"/agreements/{a.pk}/" in rows("status=active")
    assert f"/agreements/{d.pk}/" not in rows("status=active")
    assert f"/agreements/{d.pk}/" in rows(f"company={harbor.pk}")
    assert f"/agreements/{a.pk}/" not in rows(f"company={harbor.pk}")
    for q in ["status=bogus", "company=abc", "company=", "status=active&company=-1"]:
        assert dan.get(f"/agreements/?{q}").status_code == 200


def test_transitions_from_the_wrong_status_give_a_message_not_a_500(client_for, maple):
    plan = make_plan("Transition plan", [])
    draft = make_agreement(maple, plan, activate=False)
    olivia = client_for("olivia")
    r = olivia.post(f"/agreements/{draft.pk}/expire/", follow=True)
    assert r.status_code == 200
    assert any("cannot become expired" in m for m in messages_of(r))
    olivia.post(f"/agreements/{draft.pk}/activate/")
    r = olivia.post(f"/agreements/{draft.pk}/activate/", follow=True)
    assert any("An active agreement cannot become active" in m for m in messages_of(r))
    olivia.post(f"/agreements/{draft.pk}/cancel/")
    for action in ["activate", "cancel", "expire"]:
        r = olivia.post(f"/agreements/{draft.pk}/{action}/", follow=True)
        assert r.status_code == 200 and any(
            "cancelled agreement cannot" in m for m in messages_of(r)
        )
    # Signed terms cannot be edited through the draft form either.
    r = client_for("sam").get(f"/agreements/{draft.pk}/edit/", follow=True)
    assert any("Only a draft can be edited" in m for m in messages_of(r))
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.CANCELLED


def test_who_drafts_and_who_signs(client_for, maple):
    plan = make_plan("Who plan", [])
    body = {
        "company": maple.pk,
        "plan": plan.pk,
        "start_date": "2026-02-01",
        "renewal": "manual",
        "notice_days": "30",
    }
    assert client_for("sam").post("/agreements/new/", body).status_code == 302
    assert client_for("dan").post("/agreements/new/", body).status_code == 404
    draft = Agreement.objects.get(plan=plan)
    assert client_for("sam").post(f"/agreements/{draft.pk}/activate/").status_code == 404
    assert client_for("dan").get(f"/agreements/{draft.pk}/").status_code == 200
    assert client_for("tara").get(f"/agreements/{draft.pk}/").status_code == 404
    assert client_for("milo").get(f"/agreements/{draft.pk}/").status_code == 404
    r = client_for("sam").post("/agreements/new/", {**body, "end_date": "2026-01-01"})
    assert r.status_code == 200 and "end date" in r.content.decode()


def test_what_if_on_a_draft_flags_only_what_the_draft_adds(client_for, maple, harbor):
    team = make_team()
    safe = make_plan("Safe plan", [team["desktop"]])
    risky = make_plan("Risky plan", [team["desktop"], team["lan"], team["mainframe"]])
    make_agreement(harbor, safe)
    draft = make_agreement(maple, risky, activate=False)
    page = client_for("sam").get(f"/agreements/{draft.pk}/").content.decode()
    panel = page.split('id="what-if"')[1].split("</section>")[0]
    assert "Signing adds 1 shortfall" in panel
    new = panel.split('id="what-if-new"')[1].split("</table>")[0]
    assert "Nobody can deliver Agr mainframe care" in new
    assert 'data-kind="single_point_of_failure"' in new  # LAN care: only Una
    assert "Harbor" not in new

    services.update_draft(None, draft, {"plan": safe})
    page = client_for("sam").get(f"/agreements/{draft.pk}/").content.decode()
    panel = page.split('id="what-if"')[1].split("</section>")[0]
    assert "No new shortfalls" in panel


def test_activation_runs_the_promise_check_and_says_what_it_found(client_for, maple):
    team = make_team()
    risky = make_plan("Risky sign", [team["mainframe"]], p1_response_minutes=30)
    draft = make_agreement(maple, risky, activate=False)
    r = client_for("olivia").post(f"/agreements/{draft.pk}/activate/", follow=True)
    assert any("Promise check: 1 shortfall" in m for m in messages_of(r))
    page = r.content.decode()
    promise = page.split('id="promise"')[1].split("</section>")[0]
    assert "Nobody can deliver Agr mainframe care" in promise

    fine = make_plan("Fine sign", [team["desktop"]])
    other = make_agreement(maple, fine, activate=False)
    r = client_for("olivia").post(f"/agreements/{other.pk}/activate/", follow=True)
    assert any("shortfalls elsewhere" in m for m in messages_of(r))


def test_promise_check_page_and_command_agree(client_for, maple, personas):
    team = make_team()
    make_agreement(maple, make_plan("Check plan", [team["lan"], team["mainframe"]]))
    page = client_for("dan").get("/agreements/promise/").content.decode()
    assert "shortfall" in page and 'id="capacity"' in page and "<svg" in page
    assert "Agr mainframe care" in page and "Required h/month" in page
    assert client_for("tara").get("/agreements/promise/").status_code == 404

    out = StringIO()
    call_command("promise_check", "--json", stdout=out)
    api = client_for("dan").get("/api/v1/promise-check")
    assert api.status_code == 200
    assert json.loads(out.getvalue()) == api.json()


def test_client_contacts_list_their_own_active_agreements(client_for, harbor, maple):
    no_agreements()
    plan = make_plan("Mine plan", [])
    active = make_agreement(harbor, plan)
    draft = make_agreement(harbor, plan, activate=False)
    make_agreement(maple, plan)
    page = client_for("hana").get("/agreements/mine/").content.decode()
    assert f"/agreements/{active.pk}/pdf/" in page
    assert f"/agreements/{draft.pk}/pdf/" not in page
    assert page.count("/pdf/") == 1
    for staff in ["olivia", "dan", "tara"]:
        assert client_for(staff).get("/agreements/mine/").status_code == 404


def test_a_skill_change_reruns_the_promise_check(full_demo, client_for):
    """Changing a technician's skills re-runs the promise check on the technician page."""
    from sweetspot.team.models import Skill, Technician

    ravi = Technician.objects.get(user__username="ravi")
    olivia = client_for("olivia")
    page = olivia.get(f"/team/technicians/{ravi.pk}/")
    assert page.status_code == 200 and b"promises kept" in page.content
    firewalls = Skill.objects.get(slug="firewalls")
    removed = olivia.post(
        f"/team/technicians/{ravi.pk}/skills/{firewalls.pk}/remove/", headers={"HX-Request": "true"}
    )
    assert removed.status_code == 200 and removed["HX-Trigger"] == "team-changed"
    summary = olivia.get("/agreements/promise/summary/", headers={"HX-Request": "true"})
    assert b"shortfalls" in summary.content and b"Firewall management" in summary.content
    assert client_for("tara").get("/agreements/promise/summary/").status_code == 404
