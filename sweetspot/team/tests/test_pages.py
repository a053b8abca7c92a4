"""Team pages: who sees what (costs!), inline htmx forms, field errors, matrix and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from sweetspot.core.models import AuditLog
from sweetspot.team.models import Certification, Skill, Subcontractor, Technician

HTMX = {"HX-Request": "true"}


def team_urls() -> list[str]:
    tara = Technician.objects.get(name="Tara Tran")
    quill = Subcontractor.objects.get(company_name="Quill Data")
    ccna = Certification.objects.get(code="CCNA")
    return [
        "/team/technicians/",
        f"/team/technicians/{tara.pk}/",
        "/team/subcontractors/",
        f"/team/subcontractors/{quill.pk}/",
        "/team/skills/",
        "/team/certifications/",
        f"/team/certifications/{ccna.pk}/",
        "/team/matrix/",
        "/team/matrix/export/",
    ]


def test_owner_sees_cost_rates(team, client_for, tara_tech, quill):
    c = client_for("olivia")
    listing = c.get("/team/technicians/").content.decode()
    assert "Cost rate" in listing and "$32.00" in listing and "$60.00" in listing
    assert "$32.00" in c.get(f"/team/technicians/{tara_tech.pk}/").content.decode()
    assert "$110.00" in c.get("/team/subcontractors/").content.decode()
    assert "$110.00" in c.get(f"/team/subcontractors/{quill.pk}/").content.decode()


@pytest.mark.parametrize("who", ["dan", "tara", "sam"])
def test_staff_never_see_cost_rates(team, client_for, who, tara_tech, ravi_tech, quill):
    c = client_for(who)
    for url in team_urls():
        response = c.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "32.00" not in html and "60.00" not in html, url
        assert "Cost rate" not in html and "cost_rate" not in html, url
    for url in ("/team/subcontractors/", f"/team/subcontractors/{quill.pk}/"):
        assert "110.00" not in c.get(url).content.decode()
    # bill rates are for all staff
    assert "$85.00" in c.get(f"/team/technicians/{tara_tech.pk}/").content.decode()


def test_client_contacts_get_404_everywhere(team, client_for, tara_tech):
    hana = client_for("hana")
    for url in team_urls() + [
        "/team/technicians/new/",
        f"/team/technicians/{tara_tech.pk}/edit/",
        f"/team/technicians/{tara_tech.pk}/skills/",
    ]:
        assert hana.get(url).status_code == 404, url
    assert hana.post(f"/team/technicians/{tara_tech.pk}/archive/").status_code == 404
    assert Technician.objects.get(pk=tara_tech.pk).archived_at is None


def test_writes_are_owner_only(team, client_for, tara_tech):
    for who in ("dan", "tara", "sam"):
        c = client_for(who)
        assert c.get("/team/technicians/new/").status_code == 404
        assert c.post(f"/team/technicians/{tara_tech.pk}/archive/").status_code == 404
        page = c.get(f"/team/technicians/{tara_tech.pk}/").content.decode()
        assert "Add skill" not in page and "/edit/" not in page


def test_create_technician_field_errors_then_success(team, client_for):
    c = client_for("olivia")
    bad = c.post(
        "/team/technicians/new/",
        {
            "name": "",
            "level": "wizard",
            "bill_rate": "abc",
            "cost_rate": "-5",
            "weekly_capacity_hours": "40",
        },
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) >= {"name", "level", "bill_rate", "cost_rate"}
    html = bad.content.decode()
    assert 'id="id_cost_rate-error"' in html and 'id="id_name-error"' in html
    ok = c.post(
        "/team/technicians/new/",
        {
            "name": "Nina North",
            "level": "entry",
            "bill_rate": "90.00",
            "cost_rate": "35.00",
            "weekly_capacity_hours": "32",
            "on_call": "on",
        },
    )
    nina = Technician.objects.get(name="Nina North")
    assert ok.status_code == 302 and ok["Location"] == f"/team/technicians/{nina.pk}/"
    assert nina.on_call and nina.weekly_capacity_hours == 32


def test_owner_edits_subcontractor_capacity(team, client_for, quill):
    c = client_for("olivia")
    page = c.get(f"/team/subcontractors/{quill.pk}/").content.decode()
    assert "Weekly capacity" in page and "20 hours" in page
    url = f"/team/subcontractors/{quill.pk}/edit/"
    form = c.get(url).context["form"]
    assert "weekly_capacity_hours" in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None}
    bad = c.post(url, {**data, "weekly_capacity_hours": "-5"})
    assert bad.status_code == 200 and "weekly_capacity_hours" in bad.context["form"].errors
    assert b'id="id_weekly_capacity_hours-error"' in bad.content
    ok = c.post(url, {**data, "weekly_capacity_hours": "16.00"})
    assert ok.status_code == 302, ok.context["form"].errors
    quill.refresh_from_db()
    assert quill.weekly_capacity_hours == 16
    log = AuditLog.objects.filter(object_type="team.Subcontractor").latest("pk")
    assert log.changes == {"weekly_capacity_hours": ["20.00", "16.00"]}
    listing = client_for("dan").get("/team/subcontractors/").content.decode()
    assert "Hours / week" in listing and ">16<" in listing
    assert client_for("dan").post(url, {**data, "weekly_capacity_hours": "30"}).status_code == 404


def test_edit_page_audits_before_and_after(team, client_for, tara_tech):
    c = client_for("olivia")
    form = c.get(f"/team/technicians/{tara_tech.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"bill_rate": "90.00", "user": tara_tech.user_id, "on_call": ""})
    response = c.post(f"/team/technicians/{tara_tech.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    log = AuditLog.objects.filter(object_type="team.Technician").latest("pk")
    assert log.changes == {"bill_rate": ["85.00", "90.00"]}


def test_inline_skill_form_with_htmx(team, client_for, tara_tech):
    c = client_for("olivia")
    url = f"/team/technicians/{tara_tech.pk}/skills/"
    form = c.get(url, headers=HTMX)
    assert b"<html" not in form.content and b'hx-post="' + url.encode() in form.content
    lan = Skill.objects.get(slug="lan")
    bad = c.post(url, {"skill": lan.pk, "proficiency": "7"}, headers=HTMX)
    assert bad.status_code == 200 and bad["HX-Retarget"] == "#skills-form"
    assert "proficiency" in bad.context["form"].errors
    assert b'id="id_proficiency-error"' in bad.content
    assert not tara_tech.skills.filter(skill=lan).exists()
    ok = c.post(
        url, {"skill": lan.pk, "proficiency": "2", "assessed_on": "2026-11-20"}, headers=HTMX
    )
    assert ok.status_code == 200 and "HX-Retarget" not in ok
    assert b"LAN" in ok.content and b"2026-11-20" in ok.content
    assert tara_tech.skills.get(skill=lan).proficiency == 2
    edit = c.get(url, {"skill": lan.pk}, headers=HTMX)
    assert edit.context["form"].initial["proficiency"] == 2
    removed = c.post(f"/team/technicians/{tara_tech.pk}/skills/{lan.pk}/remove/", headers=HTMX)
    assert removed.status_code == 200 and not tara_tech.skills.filter(skill=lan).exists()


def test_inline_certification_form(team, client_for, tara_tech):
    c = client_for("olivia")
    url = f"/team/technicians/{tara_tech.pk}/certifications/new/"
    net = Certification.objects.get(code="Network+")
    bad = c.post(
        url,
        {"certification": net.pk, "earned_on": "2026-01-10", "expires_on": "2025-01-01"},
        headers=HTMX,
    )
    assert "expires_on" in bad.context["form"].errors
    ok = c.post(url, {"certification": net.pk, "earned_on": "2026-01-10"}, headers=HTMX)
    assert ok.status_code == 200 and b"Network+" in ok.content
    held = tara_tech.certifications.get(certification=net)
    assert str(held.expires_on) == "2029-01-10"
    # A month from today, so "expires in" shows whatever day the suite runs (a fixed
    # 2026-12-01 had passed by 2026-12-02 and the page said "expired").
    soon = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    edit = c.post(
        f"/team/technicians/certifications/{held.pk}/edit/",
        {"earned_on": "2026-01-10", "expires_on": soon, "credential_id": "COMP-9"},
        headers=HTMX,
    )
    assert edit.status_code == 200 and b"expires in" in edit.content
    held.refresh_from_db()
    assert held.credential_id == "COMP-9" and held.certification == net
    # without htmx the same form is a page of its own and redirects on success
    page = c.get(url)
    assert b"<html" in page.content
    gone = c.post(f"/team/technicians/certifications/{held.pk}/remove/")
    assert gone.status_code == 302 and not tara_tech.certifications.filter(pk=held.pk).exists()


def test_archiving_removes_the_technician_from_the_list(team, client_for, ravi_tech):
    c = client_for("olivia")
    archived = c.post(f"/team/technicians/{ravi_tech.pk}/archive/", follow=True)
    assert archived.redirect_chain == [(f"/team/technicians/{ravi_tech.pk}/", 302)]
    assert "Ravi Rao" not in c.get("/team/technicians/").content.decode()
    assert "Ravi Rao" not in c.get("/team/matrix/").content.decode()
    only = c.get("/team/technicians/", {"archived": "only"}).content.decode()
    assert "Ravi Rao" in only
    detail = c.get(f"/team/technicians/{ravi_tech.pk}/").content.decode()
    assert "archived" in detail and "Restore" in detail


def test_expiring_certifications_are_flagged(team, client_for):
    c = client_for("dan")
    maya = Technician.objects.get(name="Maya Ortiz")
    listing = c.get("/team/technicians/")
    flagged = {r["name"] for r in listing.context["page"] if r["expires_soon"]}
    assert flagged == {"Maya Ortiz"}
    assert "expiring soon" in listing.content.decode()
    detail = c.get(f"/team/technicians/{maya.pk}/").content.decode()
    assert "Network+</strong> expires in 45 days" in detail


def test_certification_catalog_filters_and_estimates(team, client_for):
    c = client_for("sam")
    cisco = c.get("/team/certifications/", {"vendor": "Cisco"})
    assert {r.vendor for r in cisco.context["page"]} == {"Cisco"}
    retired = c.get("/team/certifications/", {"status": "retired"})
    assert "MCSE" in {r.code for r in retired.context["page"]}
    assert all(r.status == "retired" for r in retired.context["page"])
    expert = c.get("/team/certifications/", {"level": "expert"}).context["page"]
    assert {r.code for r in expert} == {"CCIE-EI", "CISSP"}
    html = c.get("/team/certifications/").content.decode()
    assert "estimate as of 2026-11-25" in html
    hostile = c.get("/team/certifications/", {"sort": "password", "level": "god"})
    assert hostile.status_code == 200
    mcse = Certification.objects.get(code="MCSE")
    detail = c.get(f"/team/certifications/{mcse.pk}/").content.decode()
    assert "Ravi Rao" in detail and "Windows Server" in detail and "retired" in detail


def test_skills_page_flags_single_points_of_failure(team, client_for):
    html = client_for("tara").get("/team/skills/").content.decode()
    assert "Networking LAN/WAN/VPN" in html and "single" in html


def test_matrix_page_and_csv(team, client_for):
    c = client_for("dan")
    page = c.get("/team/matrix/").content.decode()
    assert "Quill Data" in page and "outside" in page and "Export CSV" in page
    export = c.get("/team/matrix/export/")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    header = rows[0]
    assert header[:4] == ["name", "kind", "level", "certifications"]
    assert len(header) == 4 + Skill.objects.count()
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"Leo Park", "Maya Ortiz", "Ravi Rao", "Tara Tran", "Quill Data"}
    assert by_name["Ravi Rao"]["wan-vpn"] == "4" and by_name["Tara Tran"]["wan-vpn"] == ""
    assert by_name["Quill Data"]["kind"] == "subcontractor"
    assert by_name["Quill Data"]["sql-server"] == "5"
    assert by_name["Tara Tran"]["certifications"] == "A+; MCP (retired)"
    assert "32.00" not in export.content.decode()


def test_owner_edits_the_catalog(team, client_for):
    c = client_for("olivia")
    bad = c.post("/team/skills/new/", {"name": "Sage 50", "slug": "not a slug", "group": "x"})
    assert set(bad.context["form"].errors) == {"slug", "group"}
    ok = c.post("/team/skills/new/", {"name": "Sage 50", "slug": "sage-50", "group": "accounting"})
    assert ok.status_code == 302 and Skill.objects.filter(slug="sage-50").exists()
    cert = Certification.objects.get(code="CCNA")
    skill = Skill.objects.get(slug="sage-50")
    url = f"/team/certifications/{cert.pk}/evidence/"
    assert c.post(url, {"skill": skill.pk, "proficiency": "0"}, headers=HTMX)["HX-Retarget"]
    c.post(url, {"skill": skill.pk, "proficiency": "2"}, headers=HTMX)
    assert cert.evidence.get(skill=skill).proficiency == 2
    negative = c.get(f"/team/certifications/{cert.pk}/edit/").context["form"].initial
    negative = {k: v for k, v in negative.items() if v is not None} | {"exam_fee": "-1"}
    response = c.post(f"/team/certifications/{cert.pk}/edit/", negative)
    assert "exam_fee" in response.context["form"].errors
