"""Certification planner page, API and command: roles, scoping, warnings, same JSON everywhere.

The team rows are built here (not from the team seed) so the numbers are known: Tara (entry,
A+, linked to the tara login), Ravi (senior, a retired MCSE, linked to ravi) and Nova (no
certification, no login). Codes are prefixed "CP-" so they cannot clash with a seeded catalog.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from sweetspot.catalog.models import Service, ServiceRequirement
from sweetspot.core.models import Role, User
from sweetspot.growth import activity_services, cert_services, pipeline
from sweetspot.growth.models import Activity, Opportunity, Stage
from sweetspot.team.models import (
    Certification,
    CertificationSkill,
    Skill,
    Technician,
    TechnicianCertification,
    TechnicianSkill,
)

URL = "/growth/certifications/plan/"
API = "/api/v1/cert-plan"
COST_RATES = ["41.17", "63.29", "39.53"]  # must never leave the server from this page


def _skill(slug: str, group: str) -> Skill:
    return Skill.objects.get_or_create(slug=slug, defaults={"name": f"CP {slug}", "group": group})[
        0
    ]


def _cert(code, name, level, status, exam, klass, hours, evidence) -> Certification:
    cert = Certification.objects.create(
        vendor="CompTIA" if "APLUS" in code else "Microsoft",
        name=name,
        code=code,
        level=level,
        status=status,
        exam_fee=Decimal(exam),
        class_cost=Decimal(klass),
        study_hours=hours,
        estimated_on=dt.date(2026, 1, 15),
    )
    for skill, proficiency in evidence.items():
        CertificationSkill.objects.create(certification=cert, skill=skill, proficiency=proficiency)
    return cert


def _tech(name, user, level, bill, cost, skills, certs) -> Technician:
    tech = Technician.objects.create(
        name=name, user=user, level=level, bill_rate=Decimal(bill), cost_rate=Decimal(cost)
    )
    for skill, proficiency in skills.items():
        TechnicianSkill.objects.create(technician=tech, skill=skill, proficiency=proficiency)
    for cert, earned in certs:
        TechnicianCertification.objects.create(
            technician=tech, certification=cert, earned_on=earned
        )
    return tech


@pytest.fixture
def team(personas):
    # The demo firm seeds a team, a catalog and certifications: take them out of play so the
    # worked numbers below depend on this fixture alone.
    from sweetspot.team.models import Certification, Subcontractor

    now = timezone.now()
    Technician.objects.update(archived_at=now)
    Subcontractor.objects.update(archived_at=now)
    Service.objects.update(archived_at=now)
    Certification.objects.update(status="retired")
    Technician.objects.filter(user__in=[personas["tara"], personas["ravi"]]).update(user=None)
    desktop = _skill("windows-desktop", "desktop")
    server = _skill("windows-server", "servers")
    aplus = _cert(
        "CP-APLUS", "A+", "entry", "current", "500", "0", 60, {desktop: 3}
    )  # $4,325.00 for an $85/h technician at 75 %
    mcsa = _cert("CP-MCSA", "MCSA", "intermediate", "current", "330", "1200", 80, {server: 3})
    mcse = _cert("CP-MCSE", "MCSE (retired)", "senior", "retired", "600", "0", 120, {server: 4})
    svc = Service.objects.create(name="CP Server administration", tier="network")
    ServiceRequirement.objects.create(service=svc, skill=server, min_proficiency=3)
    long_ago = timezone.localdate() - dt.timedelta(days=800)
    return {
        "aplus": aplus,
        "mcsa": mcsa,
        "mcse": mcse,
        "service": svc,
        "tara": _tech(
            "Tara Tran",
            personas["tara"],
            "entry",
            "85",
            COST_RATES[0],
            {desktop: 3, server: 1},
            [(aplus, long_ago)],
        ),
        # Ravi holds a retired MCSE: it still counts as held, it is never proposed.
        "ravi": _tech(
            "Ravi Rao",
            personas["ravi"],
            "senior",
            "125",
            COST_RATES[1],
            {server: 4},
            [(mcse, long_ago)],
        ),
        "nova": _tech("Nova Novak", None, "entry", "85", COST_RATES[2], {}, []),
    }


def _mine(body, team):
    ids = {team[k].pk for k in ("tara", "ravi", "nova")}
    return {t["id"]: t for t in body["technicians"] if t["id"] in ids}


def _proposal(tech_json, code):
    return next(p for p in tech_json["proposals"] if p["certification"]["code"] == code)


def test_owner_sees_every_technician_ranked_with_the_worked_numbers(client_for, team):
    body = client_for("olivia").get(API).json()
    mine = _mine(body, team)
    assert set(mine) == {team["tara"].pk, team["ravi"].pk, team["nova"].pk}
    nova = mine[team["nova"].pk]
    assert nova["no_certification"]
    first = nova["proposals"][0]
    assert first["certification"]["code"] == "CP-APLUS"
    assert first["steered"] and first["recommended"]
    assert first["cost"] == {
        "exam_fee": "500.00",
        "class_cost": "0.00",
        "study_hours": 60,
        "lost_hours": "45.0",
        "lost_billing": "3825.00",
        "total": "4325.00",
    }
    assert first["benefit"]["credibility"] == "1500.00"
    assert first["payback_months"] == "34.6"
    # Only Ravi can run Windows Server (depth 1), so MCSA would make Tara a second pair of
    # hands there - but nothing is sold yet, so it never pays back (yet).
    mcsa = _proposal(mine[team["tara"].pk], "CP-MCSA")
    assert [(u["service"], u["depth"]) for u in mcsa["benefit"]["unlocks"]] == [
        ("CP Server administration", 1)
    ]
    assert mcsa["payback_months"] is None
    assert Decimal(body["spend"]["planned"]) >= Decimal("4325.00")  # Nova's A+ at least
    assert "no_revenue" in {w["kind"] for w in body["warnings"]}
    assert body["notes"]


def test_retired_certifications_are_never_proposed(client_for, team):
    body = client_for("olivia").get(API).json()
    for tech in _mine(body, team).values():
        codes = {p["certification"]["code"] for p in tech["proposals"]}
        assert "CP-MCSE" not in codes
    page = client_for("olivia").get(URL).content.decode()
    assert 'data-code="CP-MCSE"' not in page
    assert 'data-code="CP-APLUS"' in page


@pytest.mark.parametrize("who", ["olivia", "sam", "dan", "tara"])
def test_cost_rates_never_shown(client_for, team, who):
    c = client_for(who)
    for url in (URL, API):
        text = c.get(url).content.decode()
        assert "cost_rate" not in text
        for rate in COST_RATES:
            assert rate not in text, (who, url, rate)


def test_page_shows_warnings_on_top_and_the_zero_inputs_note(client_for, team):
    page = client_for("olivia").get(URL).content.decode()
    assert page.index('id="warnings"') < page.index(f'id="tech-{team["nova"].pk}"')
    assert "no billable revenue on record yet" in page
    assert "$4,325.00" in page and "34.6 mo" in page
    assert "start here" in page and "next step" in page
    assert "active agreements" in page and "Subcontractors log no time entries" in page
    assert "billable hours first; add certifications slowly" in page


def test_filter_by_technician(client_for, team):
    c = client_for("olivia")
    body = c.get(f"{API}?technician={team['ravi'].pk}").json()
    assert [t["id"] for t in body["technicians"]] == [team["ravi"].pk]
    page = c.get(f"{URL}?technician={team['ravi'].pk}").content.decode()
    assert f'id="tech-{team["ravi"].pk}"' in page
    assert f'id="tech-{team["nova"].pk}"' not in page
    assert c.get(f"{URL}?technician=nonsense").status_code == 200


def test_technicians_see_only_their_own_rows(client_for, team):
    c = client_for("tara")
    body = c.get(API).json()
    assert [t["id"] for t in body["technicians"]] == [team["tara"].pk]
    assert body["spend"] is None
    assert {w["kind"] for w in body["warnings"]} <= {"bd_neglect"}
    page = c.get(URL).content.decode()
    assert f'id="tech-{team["tara"].pk}"' in page
    assert "Nova Novak" not in page and "Ravi Rao" not in page
    # asking for someone else's rows gives nothing, not their rows
    assert c.get(f"{API}?technician={team['nova'].pk}").json()["technicians"] == []
    other = c.get(f"{URL}?technician={team['nova'].pk}").content.decode()
    assert "Nova Novak" not in other


def test_a_technician_login_without_a_record_sees_an_empty_plan(client_for, team, personas):
    Technician.objects.filter(pk=team["ravi"].pk).update(user=None)
    page = client_for("ravi").get(URL)
    assert page.status_code == 200
    assert "not linked to a technician record" in page.content.decode()
    assert client_for("ravi").get(API).json()["technicians"] == []


def test_roles(client_for, team, api_token):
    from django.test import Client

    for who in ("olivia", "sam", "dan", "tara"):
        assert client_for(who).get(URL).status_code == 200, who
        assert client_for(who).get(API).status_code == 200, who
    for who in ("hana", "milo"):
        assert client_for(who).get(URL).status_code == 404, who
        assert client_for(who).get(API).status_code == 404, who
    assert client_for(None).get(URL).status_code == 302
    assert client_for(None).get(API).status_code == 401
    token = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('dan')}")
    assert token.get(API).status_code == 200


def _bd_kinds(c):
    return {w["kind"] for w in c.get(API).json()["warnings"]}


def test_bd_neglect_warning_appears_with_an_overdue_follow_up_and_goes_when_done(
    client_for, team, personas, maple
):
    Activity.objects.all().delete()
    Opportunity.objects.all().delete()
    sam = personas["sam"]
    # weighted: 2,400 × 50 % = 1,200 a month, above one sweet-spot agreement ($1,000)
    opp = pipeline.create_opportunity(
        sam, {"company": maple, "title": "Retainer", "expected_monthly_fee": Decimal(2400)}
    )
    pipeline.move_opportunity(sam, opp, Stage.PROPOSAL)
    c = client_for("olivia")
    assert "bd_neglect" not in _bd_kinds(c)
    activity = activity_services.log_activity(
        sam,
        {
            "kind": "follow_up",
            "subject": "Call Maple back",
            "company": maple,
            "due_date": timezone.localdate() - dt.timedelta(days=3),
        },
    )
    assert "bd_neglect" in _bd_kinds(c)
    page = c.get(URL).content.decode()
    assert "1 overdue follow-up" in page
    assert "Network and build billable hours first; add certifications slowly." in page
    # technicians see this one too
    assert "bd_neglect" in _bd_kinds(client_for("tara"))
    activity_services.complete_activity(sam, activity, "Spoke to Milo")
    assert "bd_neglect" not in _bd_kinds(c)
    assert "overdue follow-up" not in c.get(URL).content.decode()


def test_thin_pipeline_warns(client_for, team):
    Activity.objects.all().delete()
    Opportunity.objects.all().delete()
    body = client_for("olivia").get(API).json()
    bd = [w for w in body["warnings"] if w["kind"] == "bd_neglect"]
    assert bd and "thin pipeline ($0.00 a month weighted" in bd[0]["message"]


def test_command_json_equals_the_api(client_for, team):
    out = io.StringIO()
    call_command("cert_plan", "--json", stdout=out)
    assert json.loads(out.getvalue()) == client_for("olivia").get(API).json()
    out = io.StringIO()
    call_command("cert_plan", "--json", "--technician", str(team["nova"].pk), stdout=out)
    api = client_for("olivia").get(f"{API}?technician={team['nova'].pk}").json()
    assert json.loads(out.getvalue()) == api


def test_command_text_output(team):
    out = io.StringIO()
    call_command("cert_plan", stdout=out)
    text = out.getvalue()
    assert "Nova Novak (entry; holds no certification)" in text
    assert "CompTIA CP-APLUS: cost $4,325.00, benefit $1,500.00/yr, payback 34.6 months" in text


def test_recent_training_counts_as_spend(client_for, team):
    TechnicianCertification.objects.create(
        technician=team["tara"],
        certification=team["mcsa"],
        earned_on=timezone.localdate() - dt.timedelta(days=30),
    )
    body = client_for("olivia").get(API).json()
    # MCSA for Tara: 330 + 1,200 + 80 × 85 × 0.75 = $6,630.00
    assert Decimal(body["spend"]["recent"]) >= Decimal("6630.00")
    assert "in the last 12 months" in next(
        w["message"] for w in body["warnings"] if w["kind"] == "no_revenue"
    )


def test_archived_technicians_are_not_planned(client_for, team):
    Technician.objects.filter(pk=team["nova"].pk).update(archived_at=timezone.now())
    body = client_for("olivia").get(API).json()
    assert team["nova"].pk not in _mine(body, team)


def test_a_retired_certification_still_counts_as_held(client_for, team):
    inputs = cert_services.load_inputs()
    ravi = next(p for p in inputs.technicians if p.id == team["ravi"].pk)
    assert "CP-MCSE" in ravi.certifications
    assert ravi.cost_rate == 0  # blanked on load
    body = client_for("olivia").get(API).json()
    ravi_json = _mine(body, team)[team["ravi"].pk]
    assert ravi_json["holds"] == ["CP-MCSE"] and not ravi_json["no_certification"]
    # so no entry-level steering and no first-certification credibility for Ravi
    aplus = _proposal(ravi_json, "CP-APLUS")
    assert not aplus["steered"] and aplus["benefit"]["credibility"] == "0.00"


def test_scoping_fails_closed(team, personas):
    plan = cert_services.build_plan()
    assert cert_services.scoped(plan, personas["olivia"]) == plan
    for user in (personas["hana"], None):
        hidden = cert_services.scoped(plan, user)
        assert hidden.technicians == () and hidden.spend is None
    u = User.objects.create_user("sales-x", password="x", role=Role.SALES)
    assert cert_services.can_view(u)
    u.is_active = False
    assert not cert_services.can_view(u)
    assert cert_services.scoped(plan, u).technicians == ()


def test_sold_agreements_feed_the_planner(full_demo):
    """Services sold under the demo's active agreements carry their annual value into the
    planner, so a certification that staffs a thin sold service now pays back."""
    from sweetspot.agreements.revenue import sold_value_by_service

    sold = sold_value_by_service()
    assert sold and all(v > 0 for v in sold.values())
    plan = cert_services.build_plan()
    sold_benefits = [p for t in plan.technicians for p in t.proposals if p.benefit.work > 0]
    assert sold_benefits, "some proposal should unlock sold work"
    assert all(p.payback_months is not None for p in sold_benefits)


def test_pipeline_opportunities_feed_the_planner(full_demo):
    """Open opportunities carry their weighted annual value to the services they propose."""
    from sweetspot.catalog.models import Service
    from sweetspot.growth.models import Opportunity

    sql = Service.objects.get(name="SQL Server development")
    opp = Opportunity.objects.get(company__name="Northwind Logistics")
    assert list(opp.services.all()) == [sql] and opp.stage == "qualified"
    inputs = cert_services.load_inputs()
    # $3,000 a month x 25% (qualified) x 12 = $9,000.00 a year
    assert inputs.pipeline_value[sql.pk] == Decimal("9000.00")
    pipeline.move_opportunity(None, opp, "lost", "Went elsewhere")
    assert sql.pk not in cert_services.load_inputs().pipeline_value
