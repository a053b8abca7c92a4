"""Stored assessments, command/API parity, settings changes, pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from sweetspot.clients.models import Company
from sweetspot.core.models import AuditLog, Firm
from sweetspot.growth.models import Assessment

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = {
    "pcs": 22,
    "servers": 1,
    "network": "client_server",
    "current_support": "relative",
    "downtime_cost_per_hour": 900,
    "monthly_it_budget": "1500",
    "has": ["server"],
    "needs": ["offsite_backup"],
    "applications": ["quickbooks"],
}


def run_command(stdin_text: str, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    code = 0
    try:
        call_command("assess")
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_and_api_give_identical_output(demo, api_token, capsys, monkeypatch):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('sam')}")
    for payload in (SAMPLE, [SAMPLE, {"pcs": 4}]):
        code, out, err = run_command(json.dumps(payload), capsys, monkeypatch)
        assert code == 0 and not err
        response = api.post(
            "/api/v1/assessments", data=json.dumps(payload), content_type="application/json"
        )
        assert response.status_code == 200
        assert json.loads(out) == response.json()


def test_bad_input_exits_2_with_the_api_error_body(demo, api_token, capsys, monkeypatch):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('olivia')}")
    bad = [{"pcs": 3}, {"pcs": -1, "network": "mesh", "colour": "red"}]
    code, out, err = run_command(json.dumps(bad), capsys, monkeypatch)
    assert code == 2 and out == ""
    response = api.post(
        "/api/v1/assessments", data=json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 422
    assert json.loads(err) == response.json()
    assert {e["field"] for e in response.json()["detail"]} == {
        "[1].pcs",
        "[1].network",
        "[1].colour",
    }
    code, out, err = run_command("{not json", capsys, monkeypatch)
    assert code == 2 and out == "" and "Not valid JSON" in err


def test_command_as_a_real_process(tmp_path):
    env_vars = {
        "DEBUG": "1",
        "SWEETSPOT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    import os

    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, **env_vars}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180
    )
    ok = subprocess.run(
        [sys.executable, "manage.py", "assess"],
        cwd=ROOT,
        env=env,
        input=json.dumps({"pcs": 4}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["segment"] == "micro"
    bad = subprocess.run(
        [sys.executable, "manage.py", "assess"],
        cwd=ROOT,
        env=env,
        input='{"pcs": "many"}',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert json.loads(bad.stderr)["detail"][0]["field"] == "pcs"


def test_assessing_a_company_stores_inputs_settings_and_moves_segment(personas, maple):
    from sweetspot.growth.services import assess_company

    maple.segment = "upper"
    maple.save()
    row = assess_company(personas["sam"], maple)
    assert row.inputs["pcs"] == 35 and "offsite_backup" in row.inputs["needs"]
    assert row.settings_used["ready_threshold"] == 65
    maple.refresh_from_db()
    assert maple.segment == "sweet_spot"  # follows the latest assessment
    maple.segment, maple.segment_pinned = "upper", True
    maple.save()
    assess_company(personas["sam"], maple)
    maple.refresh_from_db()
    assert maple.segment == "upper"  # pinned by the owner


def test_settings_change_is_audited_and_old_assessments_keep_their_explanation(client_for, harbor):
    from sweetspot.growth.services import assess_company

    before = assess_company(None, harbor)
    c = client_for("olivia")
    form = c.get("/growth/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["weight_has_server"] = -30
    response = c.post("/growth/settings/", data)
    assert response.status_code == 302, response.context["form"].errors
    entry = AuditLog.objects.get(
        object_type="core.Firm", action="update", changes__has_key="qualification.weight_has_server"
    )
    assert entry.changes["qualification.weight_has_server"] == [10, -30]
    after = assess_company(None, harbor)
    assert after.fit_score == before.fit_score - 40
    assert after.verdict == "nurture"
    before.refresh_from_db()
    assert before.settings_used["weight_has_server"] == 10
    assert before.verdict == "ready"
    explained = c.get(f"/growth/assessments/{before.pk}/")
    assert explained.status_code == 200 and b"weight_has_server" in explained.content


def test_settings_form_rejects_bad_values(client_for):
    c = client_for("olivia")
    form = c.get("/growth/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(
        {
            "micro_max_pcs": 60,
            "downtime_tiers": "lots",
            "fee_upper_low": "5000",
            "fee_upper_high": "100",
        }
    )
    response = c.post("/growth/settings/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "sweet_spot_max_pcs",
        "downtime_tiers",
        "fee_upper_high",
    }
    assert Firm.current().micro_max_pcs == 9


def test_assessment_page_preview_and_save(client_for, demo):
    fern = Company.objects.get(name="Fern Bakery")
    sam = client_for("sam")
    page = sam.get(f"/growth/companies/{fern.pk}/assess/")
    assert page.status_code == 200
    assert page.context["result"]["segment"] == "micro"
    assert page.context["result"]["verdict"] == "not_a_fit"
    form = {
        "pcs": "25",
        "servers": "1",
        "network": "client_server",
        "current_support": "volunteer",
        "downtime_cost_per_hour": "700",
        "monthly_it_budget": "1500",
        "env_server": "has",
        "env_backup": "needs",
    }
    preview = sam.post("/growth/assess/preview/", form, headers={"HX-Request": "true"})
    assert preview.context["result"]["segment"] == "sweet_spot"
    assert b"<svg" in preview.content and b"<html" not in preview.content
    bad = sam.post("/growth/assess/preview/", {"pcs": "-3"})
    assert bad.status_code == 200 and b"Fix the highlighted inputs" in bad.content
    count = Assessment.objects.filter(company=fern).count()
    saved = sam.post(f"/growth/companies/{fern.pk}/assess/", form)
    assert saved.status_code == 302
    assert Assessment.objects.filter(company=fern).count() == count + 1
    assert Assessment.objects.filter(company=fern).first().inputs["needs"] == ["backup"]
    invalid = sam.post(f"/growth/companies/{fern.pk}/assess/", {**form, "pcs": "x"})
    assert invalid.status_code == 200 and "pcs" in invalid.context["form"].errors
    # technicians read but cannot assess
    tara = client_for("tara")
    assert tara.get(f"/growth/companies/{fern.pk}/assess/").status_code == 200
    assert tara.post(f"/growth/companies/{fern.pk}/assess/", form).status_code == 404
    assert tara.post("/growth/assess/preview/", form).status_code == 404


def test_prospects_sorted_by_fit(client_for, demo):
    page = client_for("dan").get("/growth/prospects/", {"sort": "-fit"})
    scores = [c.fit_score for c in page.context["page"] if c.fit_score is not None]
    assert scores == sorted(scores, reverse=True) and len(scores) > 5
    ready = client_for("dan").get("/growth/prospects/", {"verdict": "not_a_fit"})
    assert all(c.verdict == "not_a_fit" for c in ready.context["page"])
    assert "Fern Bakery" in [c.name for c in ready.context["page"]]
    assert client_for("hana").get("/growth/prospects/").status_code == 404


@pytest.mark.parametrize("username", ["hana", "milo"])
def test_client_contacts_never_see_assessments(client_for, harbor, username):
    from sweetspot.growth.services import assess_company

    row = assess_company(None, harbor)
    c = client_for(username)
    assert c.get(f"/growth/companies/{harbor.pk}/assess/").status_code == 404
    assert c.get(f"/growth/assessments/{row.pk}/").status_code == 404
    detail = c.get(f"/clients/{harbor.pk}/")
    assert b"Qualification" not in detail.content


def test_company_assessment_endpoint_stores_and_lists(api_token, harbor, maple):
    sam = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('sam')}")
    already = Assessment.objects.filter(company=harbor).count()
    stored = sam.post(
        f"/api/v1/companies/{harbor.pk}/assessments", data="", content_type="application/json"
    )
    assert stored.status_code == 201
    body = stored.json()
    assert body["result"]["segment"] == "sweet_spot" and body["inputs"]["pcs"] == 22
    what_if = sam.post(
        f"/api/v1/companies/{harbor.pk}/assessments",
        data=json.dumps({"pcs": 80}),
        content_type="application/json",
    )
    assert what_if.status_code == 201 and what_if.json()["segment"] == "upper"
    bad = sam.post(
        f"/api/v1/companies/{harbor.pk}/assessments",
        data=json.dumps({"pcs": 5, "extra": 1}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "extra"
    listing = sam.get(f"/api/v1/companies/{harbor.pk}/assessments").json()
    assert listing["count"] == already + 2 and listing["items"][0]["segment"] == "upper"
    hana = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('hana')}")
    assert hana.get(f"/api/v1/companies/{harbor.pk}/assessments").status_code == 404
    assert (
        hana.post("/api/v1/assessments", data="{}", content_type="application/json").status_code
        == 404
    )
