"""Catalog pages: roles, forms with field errors, the gap page, accepting remedies, the plan."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sweetspot.catalog.models import Competitor, PlanItem, Service, ServiceRequirement
from sweetspot.catalog.queries import plan_items_for_technician
from sweetspot.core.models import AuditLog
from sweetspot.team.models import Skill

HTMX = {"HX-Request": "true"}


def _row(response, name):
    return next(r for r in response.context["rows"] if r["service"].name == name)


def test_roles_read_and_edit(client_for, cobol):
    for who in ["olivia", "dan", "tara", "sam"]:
        c = client_for(who)
        for url in [
            "/catalog/services/",
            "/catalog/competitors/",
            "/catalog/gaps/",
            "/catalog/plan/",
            f"/catalog/services/{cobol['maintenance'].pk}/",
        ]:
            assert c.get(url).status_code == 200, (who, url)
    for who in ["tara", "sam", "hana", "milo"]:
        c = client_for(who)
        assert c.get("/catalog/services/new/").status_code == 404
        assert c.post(f"/catalog/services/{cobol['maintenance'].pk}/archive/").status_code == 404
    for url in ["/catalog/services/", "/catalog/gaps/", "/catalog/plan/", "/catalog/competitors/"]:
        assert client_for("hana").get(url).status_code == 404
    assert client_for(None).get("/catalog/gaps/").status_code == 302
    # the edit controls are not shown to read-only roles
    assert b"New service" in client_for("dan").get("/catalog/services/").content
    assert b"New service" not in client_for("sam").get("/catalog/services/").content


def test_service_list_shows_depths_and_flags(client_for, cobol):
    response = client_for("tara").get("/catalog/services/")
    dev = _row(response, "CICS development")["depth"]
    assert (len(dev.in_house), len(dev.outside), dev.total) == (1, 1, 2)
    support = _row(response, "CICS support")["depth"]
    assert (len(support.in_house), len(support.outside), support.total) == (1, 0, 1)
    html = response.content.decode()
    assert "single point of failure" in html and "CICS (test) <b>4+</b>" in html


def test_archived_only_technician_shows_depth_zero_at_once(client_for, cobol):
    from sweetspot.team import services as team_services

    c = client_for("dan")
    assert _row(c.get("/catalog/services/"), "CICS support")["depth"].total == 1
    team_services.archive_technician(None, cobol["bo"])
    response = c.get("/catalog/services/")
    assert _row(response, "CICS support")["depth"].total == 0
    assert "unstaffed" in response.content.decode()
    gaps = c.get("/catalog/gaps/").context["staffing"]
    gap = next(g for g in gaps if g["gap"].service_name == "CICS support")
    assert gap["gap"].kind == "unstaffed" and gap["gap"].depth == 0
    detail = c.get(f"/catalog/services/{cobol['cics_support'].pk}/")
    assert detail.context["depth"].total == 0


def test_create_service_field_errors_and_requirement_rows(client_for, cobol):
    c = client_for("dan")
    cobol_skill = Skill.objects.get(slug="test-cobol")
    bad = c.post(
        "/catalog/services/new/",
        {
            "name": "",
            "tier": "galactic",
            "typical_duration_hours": "-1",
            "req_skill": [str(cobol_skill.pk), str(cobol_skill.pk), "999999"],
            "req_min": ["3", "9", "2"],
        },
    )
    assert bad.status_code == 200
    form = bad.context["form"]
    assert set(form.errors) == {"name", "tier", "typical_duration_hours"}
    html = bad.content.decode()
    assert 'id="id_name-error"' in html
    errors = [r.errors for r in bad.context["rows"]]
    assert errors[1] == [
        "Minimum proficiency is a whole number from 1 to 5.",
        "This skill is listed twice.",
    ]
    assert errors[2] == ["Choose a skill from the list."]
    assert not Service.objects.filter(name="").exists()

    ok = c.post(
        "/catalog/services/new/",
        {
            "name": "COBOL audits",
            "tier": "specialist",
            "subcontractable": "on",
            "typical_duration_hours": "8",
            "req_skill": [str(cobol_skill.pk), ""],
            "req_min": ["4", "2"],
        },
    )
    service = Service.objects.get(name="COBOL audits")
    assert ok.status_code == 302 and ok["Location"] == f"/catalog/services/{service.pk}/"
    assert [(r.skill.slug, r.min_proficiency) for r in service.requirements.all()] == [
        ("test-cobol", 4)
    ]
    assert AuditLog.objects.filter(
        object_type="catalog.Service", action="create", object_id=str(service.pk)
    ).exists()
    assert AuditLog.objects.filter(object_type="catalog.ServiceRequirement", action="create")


def test_edit_service_changes_and_removes_requirements_with_audit(client_for, cobol):
    c = client_for("olivia")
    dev = cobol["cics_dev"]
    cics = Skill.objects.get(slug="test-cics")
    assert c.get(f"/catalog/services/{dev.pk}/edit/").status_code == 200
    response = c.post(
        f"/catalog/services/{dev.pk}/edit/",
        {
            "name": "CICS development",
            "tier": "specialist",
            "subcontractable": "on",
            "typical_duration_hours": "16",
            "req_skill": [str(cics.pk)],
            "req_min": ["5"],
        },
    )
    assert response.status_code == 302
    assert [
        (r.skill.slug, r.min_proficiency) for r in ServiceRequirement.objects.filter(service=dev)
    ] == [("test-cics", 5)]
    actions = set(
        AuditLog.objects.filter(object_type="catalog.ServiceRequirement").values_list(
            "action", flat=True
        )
    )
    assert {"delete", "update"} <= actions
    service_log = AuditLog.objects.filter(
        object_type="catalog.Service", action="update", object_id=str(dev.pk)
    ).first()
    assert service_log.changes == {"typical_duration_hours": ["1.00", "16"]}


def test_requirement_row_partial(client_for, cobol):
    response = client_for("dan").get("/catalog/services/requirement-row/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'name="req_skill"' in html and "COBOL (test)" in html


def test_archive_and_restore_service(client_for, cobol):
    c = client_for("dan")
    pk = cobol["maintenance"].pk
    assert c.post(f"/catalog/services/{pk}/archive/").status_code == 302
    assert Service.objects.get(pk=pk).archived_at is not None
    listing = c.get("/catalog/services/")
    assert "COBOL maintenance" not in {r["service"].name for r in listing.context["rows"]}
    archived = c.get("/catalog/services/", {"archived": "only"})
    assert [r["service"].name for r in archived.context["rows"]] == ["COBOL maintenance"]
    assert c.post(f"/catalog/services/{pk}/restore/").status_code == 302
    assert Service.objects.get(pk=pk).archived_at is None


def test_competitor_create_edit_offerings(client_for, cobol):
    c = client_for("dan")
    bad = c.post("/catalog/competitors/new/", {"name": "", "segment_focus": "huge"})
    assert set(bad.context["form"].errors) == {"name", "segment_focus"}
    ok = c.post(
        "/catalog/competitors/new/",
        {
            "name": "Big Iron Co",
            "segment_focus": "upper",
            "services": [cobol["maintenance"].pk],
            "other_services": "Mainframe hosting\n\nmainframe HOSTING\nTape vaulting",
        },
    )
    rival = Competitor.objects.get(name="Big Iron Co")
    assert ok.status_code == 302
    assert sorted(str(o) for o in rival.offerings.all()) == [
        "COBOL maintenance",
        "Mainframe hosting",
        "Tape vaulting",
    ]
    c.post(
        f"/catalog/competitors/{rival.pk}/edit/",
        {
            "name": "Big Iron Co",
            "segment_focus": "upper",
            "services": [cobol["cics_dev"].pk],
            "other_services": "Tape vaulting",
        },
    )
    assert sorted(str(o) for o in rival.offerings.all()) == ["CICS development", "Tape vaulting"]
    assert AuditLog.objects.filter(object_type="catalog.CompetitorOffering", action="delete")
    detail = c.get(f"/catalog/competitors/{rival.pk}/")
    assert [str(o) for o in detail.context["theirs_only"]] == ["Tape vaulting"]
    gaps = c.get("/catalog/gaps/")
    assert "Tape vaulting" in [g["gap"].service_name for g in gaps.context["theirs"]]
    assert c.post(f"/catalog/competitors/{rival.pk}/archive/").status_code == 302
    gaps = c.get("/catalog/gaps/")
    assert "Tape vaulting" not in [g["gap"].service_name for g in gaps.context["theirs"]]


def _support_gap(response):
    return next(g for g in response.context["staffing"] if g["gap"].service_name == "CICS support")


def test_gap_page_remedies_and_cost_rates_for_the_owner_only(client_for, cobol):
    olivia = client_for("olivia").get("/catalog/gaps/")
    gap = _support_gap(olivia)
    kinds = [r["remedy"].kind for r in gap["remedies"]]
    assert kinds == ["train", "subcontract", "hire"]
    train, sub, _ = gap["remedies"]
    assert train["remedy"].description == "Train Cy Test for Certified COBOL-PRO (COBOL-PRO)"
    assert train["technician"].name == "Cy Test" and train["cert"].code == "COBOL-PRO"
    assert sub["remedy"].description.startswith("Subcontract to Mainframe Ltd at $165.00/h")
    assert "We pay Mainframe Ltd $110.00/h: $55.00/h margin" in olivia.content.decode()
    assert sub["cost_rate"] == 110 and sub["margin"] == 55
    for who in ["dan", "tara", "sam"]:
        response = client_for(who).get("/catalog/gaps/")
        _, sub, _ = _support_gap(response)["remedies"]
        assert sub["cost_rate"] is None and sub["margin"] is None
        html = response.content.decode()
        assert "We pay" not in html and "/h margin" not in html and "$165.00/h" in html
        assert "110.00" not in html
    # read-only roles see no Accept buttons
    assert "Accept</a>" not in client_for("tara").get("/catalog/gaps/").content.decode()
    assert "Accept</a>" in olivia.content.decode()


def _accept_params(cobol):
    return {
        "gap": f"s:{cobol['cics_support'].pk}",
        "remedy": f"train:{cobol['cy'].pk}:COBOL-PRO:",
        "dom": "remedy-1-1",
    }


def test_accept_remedy_creates_a_plan_item_with_audit(client_for, personas, cobol):
    c = client_for("olivia")
    params = _accept_params(cobol)
    form = c.get("/catalog/gaps/accept/", params, headers=HTMX)
    assert form.status_code == 200 and "<html" not in form.content.decode()
    assert 'name="owner"' in form.content.decode()
    cancel = c.get("/catalog/gaps/accept/", params | {"cancel": "1"}, headers=HTMX)
    assert "Accept" in cancel.content.decode()

    due = timezone.localdate() + dt.timedelta(days=60)
    done = c.post(
        "/catalog/gaps/accept/",
        params | {"owner": personas["dan"].pk, "due_date": due.isoformat()},
        headers=HTMX,
    )
    assert done.status_code == 200
    assert "In plan: Dan Dillard" in done.content.decode()
    item = PlanItem.objects.get()
    assert item.kind == "train" and item.status == "open"
    assert item.technician == cobol["cy"] and item.certification.code == "COBOL-PRO"
    assert item.service == cobol["cics_support"] and item.subcontractor is None
    assert item.owner == personas["dan"] and item.due_date == due
    assert item.description == "Train Cy Test for Certified COBOL-PRO (COBOL-PRO)"
    assert item.gap.startswith("Only Bo Test can deliver it.")
    log = AuditLog.objects.get(object_type="catalog.PlanItem", object_id=str(item.pk))
    assert log.action == "create" and log.actor == personas["olivia"]
    assert log.changes["technician_id"] == [None, cobol["cy"].pk]

    # the gap page now shows it in the plan; the technician's page helper finds it
    page = c.get("/catalog/gaps/")
    (train, *_) = _support_gap(page)["remedies"]
    assert train["plan_item"] == item
    assert plan_items_for_technician(cobol["cy"].pk) == [item]
    # accepting it again is refused
    again = c.post(
        "/catalog/gaps/accept/",
        params | {"owner": personas["dan"].pk, "due_date": due.isoformat()},
        headers=HTMX,
    )
    assert "already in the plan" in again.content.decode()
    assert PlanItem.objects.count() == 1


def test_accept_remedy_field_errors_and_stale_remedies(client_for, personas, cobol):
    c = client_for("dan")
    params = _accept_params(cobol)
    past = c.post(
        "/catalog/gaps/accept/",
        params | {"owner": personas["hana"].pk, "due_date": "2001-01-01"},
        headers=HTMX,
    )
    form = past.context["form"]
    assert "owner" in form.errors  # a client contact cannot own a plan item
    assert form.errors["due_date"] == ["The due date cannot be in the past."]
    stale = c.post(
        "/catalog/gaps/accept/",
        params | {"remedy": "train:1:NOPE:", "owner": personas["dan"].pk, "due_date": "2099-01-01"},
        headers=HTMX,
    )
    assert "has changed since the page was loaded" in stale.content.decode()
    assert not PlanItem.objects.exists()
    # without htmx: a full page, then a redirect with a message
    page = c.get("/catalog/gaps/accept/", params)
    assert "<html" in page.content.decode()
    ok = c.post(
        "/catalog/gaps/accept/", params | {"owner": personas["dan"].pk, "due_date": "2099-01-01"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/catalog/gaps/"
    # read-only roles and client contacts: 404
    for who in ["tara", "sam", "hana"]:
        assert client_for(who).post("/catalog/gaps/accept/", params).status_code == 404


def test_accept_competitor_only_remedy(client_for, personas, cobol):
    rival = Competitor.objects.create(name="Rival")
    rival.offerings.create(name="Mainframe hosting")
    c = client_for("dan")
    response = c.post(
        "/catalog/gaps/accept/",
        {
            "gap": "n:Mainframe hosting",
            "remedy": "add_service:::",
            "dom": "remedy-9-1",
            "owner": personas["dan"].pk,
            "due_date": "2099-01-01",
        },
        headers=HTMX,
    )
    assert "In plan" in response.content.decode()
    item = PlanItem.objects.get()
    assert item.kind == "add_service" and item.service is None
    assert item.gap == "Mainframe hosting: Offered by Rival; not in our catalog."


def test_plan_list_and_status_changes(client_for, personas, cobol):
    from sweetspot.catalog import services

    items = [
        services.accept_remedy(
            personas["dan"],
            {
                "kind": "hire",
                "gap": f"gap {i}",
                "description": f"Hire {i}",
                "owner": personas["dan"],
                "due_date": dt.date(2099, 1, 10 - i),
            },
        )
        for i in range(3)
    ]
    services.update_plan_item_status(None, items[2], "done")
    c = client_for("dan")
    listing = c.get("/catalog/plan/")
    assert [i.description for i in listing.context["page"]] == ["Hire 1", "Hire 0", "Hire 2"]
    assert [i.description for i in c.get("/catalog/plan/", {"status": "done"}).context["page"]] == [
        "Hire 2"
    ]
    assert c.get("/catalog/plan/", {"status": "nonsense"}).status_code == 200
    row = c.post(f"/catalog/plan/{items[0].pk}/status/", {"status": "dropped"}, headers=HTMX)
    assert row.status_code == 200 and "Dropped" in row.content.decode()
    assert PlanItem.objects.get(pk=items[0].pk).status == "dropped"
    assert AuditLog.objects.filter(
        object_type="catalog.PlanItem", action="update", object_id=str(items[0].pk)
    ).exists()
    bad = c.post(f"/catalog/plan/{items[1].pk}/status/", {"status": "won"}, headers=HTMX)
    assert "Select a valid choice" in bad.content.decode()
    assert PlanItem.objects.get(pk=items[1].pk).status == "open"
    assert (
        client_for("sam")
        .post(f"/catalog/plan/{items[1].pk}/status/", {"status": "done"})
        .status_code
        == 404
    )


def test_technician_plan_items_include(client_for, personas, cobol):
    from django.template.loader import render_to_string

    from sweetspot.catalog import services

    item = services.accept_remedy(
        personas["olivia"],
        {
            "kind": "train",
            "gap": "g",
            "description": "Train Cy Test for COBOL-PRO",
            "technician": cobol["cy"],
            "certification": cobol["pro"],
            "service": cobol["cics_support"],
            "owner": personas["olivia"],
            "due_date": dt.date(2099, 3, 1),
        },
    )
    html = render_to_string(
        "catalog/_technician_plan_items.html",
        {"plan_items": plan_items_for_technician(cobol["cy"].pk)},
    )
    assert "Train Cy Test for COBOL-PRO" in html and "CICS support" in html
    assert "1 Mar 2099" in html
    assert plan_items_for_technician(cobol["ada"].pk) == []
    assert item.pk


def test_gap_page_without_a_team(client_for, db):
    from sweetspot.team.models import Subcontractor, Technician

    # whatever the demo seeds, archive it: the page explains why nothing is staffed
    Technician.objects.update(archived_at=timezone.now())
    Subcontractor.objects.update(archived_at=timezone.now())
    response = client_for("olivia").get("/catalog/gaps/")
    assert response.status_code == 200
    assert "No technicians or subcontractors are on file yet" in response.content.decode()
