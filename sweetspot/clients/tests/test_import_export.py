"""Import (preview, apply) and export of the client book, through the pages."""

from __future__ import annotations

import csv
import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sweetspot.clients.importer import IMPORT_COLUMNS, read_file, run_import
from sweetspot.clients.models import Company, Contact, Site
from sweetspot.core.models import AuditLog, Job

UPLOAD = reverse("clients:import_upload")

GOOD_ROWS = [
    # company, status, industry, pcs, servers, network, current_support, annual_revenue,
    # downtime_cost_per_hour, monthly_it_budget, site_name, site_street, site_city,
    # site_region, site_postal_code, site_pcs, contact_name, contact_email, contact_phone,
    # contact_role, contact_primary
    [
        "Acme Dental",
        "Client",
        "Dental practice",
        "18",
        "1",
        "Client/server",
        "A moonlighter",
        "$1,200,000",
        "750",
        "900.50",
        "Acme — Main",
        "1 Main St",
        "Concord",
        "NH",
        "03301",
        "12",
        "Ada Acme",
        "ada@acme.example",
        "603-555-0001",
        "Office manager",
        "yes",
    ],
    [
        "acme dental",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Acme — Annex",
        "2 Side St",
        "Concord",
        "NH",
        "03301",
        "6",
        "Bo Acme",
        "bo@acme.example",
        "",
        "Bookkeeper",
        "no",
    ],
    [
        "Birch Books",
        "prospect",
        "Retail",
        "4",
        "0",
        "peer_to_peer",
        "owner",
        "",
        "",
        "",
        "Birch Books",
        "",
        "Keene",
        "NH",
        "",
        "4",
        "Bea Birch",
        "",
        "",
        "Owner",
        "",
    ],
    # An existing company: fill in a new site and a contact; pcs changes.
    [
        "Fern Bakery",
        "",
        "",
        "5",
        "",
        "",
        "",
        "",
        "",
        "",
        "Fern Bakery — Kiosk",
        "",
        "Dover",
        "NH",
        "",
        "1",
        "Fiona Fern",
        "fiona@fernbakery.example",
        "",
        "",
        "",
    ],
]


def _csv(rows: list[list[str]], headers: list[str] = IMPORT_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    data = tablib.Dataset(headers=IMPORT_COLUMNS)
    for row in rows:
        data.append(row)
    return data.export("xlsx")


def _upload(client, content: bytes, name: str = "companies.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def _state() -> tuple[int, int, int, int, list]:
    return (
        Company.objects.count(),
        Site.objects.count(),
        Contact.objects.count(),
        AuditLog.objects.count(),
        list(Company.objects.order_by("pk").values_list("name", "pcs", "status", "industry")),
    )


def _preview(client, content: bytes, name: str = "companies.csv") -> Job:
    response = _upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("clients:import_status", args=[job.pk])
    return job


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("username", ["olivia", "dan", "sam"])
def test_editors_can_open_the_upload_page(client_for, username):
    response = client_for(username).get(UPLOAD)
    assert response.status_code == 200
    assert b'type="file"' in response.content


@pytest.mark.parametrize("username", ["tara", "hana", "milo"])
def test_others_get_404_on_import_pages(client_for, personas, username):
    job = Job.objects.create(kind="company_import", created_by=personas["olivia"])
    c = client_for(username)
    assert c.get(UPLOAD).status_code == 404
    assert _upload(c, _csv(GOOD_ROWS)).status_code == 404
    assert c.get(reverse("clients:import_status", args=[job.pk])).status_code == 404
    assert c.post(reverse("clients:import_apply", args=[job.pk])).status_code == 404
    assert Job.objects.count() == 1


def test_anonymous_is_sent_to_login(client_for):
    response = client_for(None).get(UPLOAD)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_import_status_is_only_for_the_owner_of_the_job_and_kind(client_for, personas):
    theirs = Job.objects.create(kind="company_import", created_by=personas["dan"])
    other_kind = Job.objects.create(kind="something_else", created_by=personas["olivia"])
    c = client_for("olivia")
    for job in (theirs, other_kind):
        assert c.get(reverse("clients:import_status", args=[job.pk])).status_code == 404
        assert c.post(reverse("clients:import_apply", args=[job.pk])).status_code == 404


def test_get_on_apply_is_405(client_for):
    c = client_for("olivia")
    job = _preview(c, _csv(GOOD_ROWS))
    assert c.get(reverse("clients:import_apply", args=[job.pk])).status_code == 405


# --------------------------------------------------------------------------- good files


def test_good_csv_previews_then_imports_everything(client_for, personas):
    c = client_for("sam")
    before = _state()
    job = _preview(c, _csv(GOOD_ROWS))

    # The preview (dry run) changes nothing.
    assert _state() == before
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.created_by == personas["sam"]
    assert job.total == job.progress == 4
    assert job.result["applied"] is False
    assert job.result["summary"] == {
        "rows": 4,
        "companies_created": 2,
        "companies_updated": 1,
        "sites_added": 4,
        "contacts_added": 3,
        "unchanged": 0,
        "errors": 0,
    }
    outcomes = [(r["row"], r["outcome"]) for r in job.result["rows"]]
    assert outcomes == [
        (2, "create company"),
        (3, "add site"),
        (4, "create company"),
        (5, "update company"),
    ]
    page = c.get(reverse("clients:import_status", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 companies to create" in html
    assert "1 to update" in html
    assert reverse("clients:import_apply", args=[job.pk]) in html
    assert 'hx-get="/jobs/' not in html  # finished: nothing polls any more

    response = c.post(reverse("clients:import_apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["applied"] is True
    assert job.finished_at is not None

    acme = Company.objects.get(name="Acme Dental")
    assert acme.status == "client"
    assert acme.network == "client_server"
    assert acme.current_support == "moonlighter"
    assert str(acme.annual_revenue) == "1200000.00"
    assert str(acme.monthly_it_budget) == "900.50"
    assert acme.segment == "sweet_spot"
    assert acme.site_count == 2
    assert sorted(acme.sites.values_list("name", flat=True)) == ["Acme — Annex", "Acme — Main"]
    assert list(acme.contacts.filter(is_primary=True).values_list("name", flat=True)) == [
        "Ada Acme"
    ]
    assert acme.contacts.count() == 2
    birch = Company.objects.get(name="Birch Books")
    assert birch.sites.count() == 1 and birch.contacts.count() == 1
    fern = Company.objects.get(name="Fern Bakery")
    assert fern.pcs == 5
    assert fern.status == "prospect"  # blank company fields leave the company alone
    assert fern.sites.count() == 2
    assert fern.contacts.count() == 1  # Fiona exists already (same e-mail)

    assert Company.objects.count() == before[0] + 2
    assert Site.objects.count() == before[1] + 4
    assert Contact.objects.count() == before[2] + 3

    sam = personas["sam"]
    audits = AuditLog.objects.filter(actor=sam)
    for obj in [acme, birch, *acme.sites.all(), *acme.contacts.all(), *birch.contacts.all()]:
        assert audits.filter(
            action="create", object_type=obj._meta.label, object_id=str(obj.pk)
        ).exists(), obj
    assert audits.filter(
        action="update", object_type="clients.Company", object_id=str(fern.pk)
    ).exists()

    page = c.get(reverse("clients:import_status", args=[job.pk])).content.decode()
    assert "Imported" in page
    assert reverse("clients:import_apply", args=[job.pk]) not in page


def test_good_xlsx_imports(client_for):
    c = client_for("dan")
    before = _state()
    job = _preview(c, _xlsx(GOOD_ROWS), "companies.xlsx")
    assert _state() == before
    job.refresh_from_db()
    assert job.result["summary"]["errors"] == 0, job.result["rows"]
    c.post(reverse("clients:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.result["applied"] is True
    assert Company.objects.count() == before[0] + 2
    assert Site.objects.count() == before[1] + 4
    assert Contact.objects.count() == before[2] + 3
    assert Company.objects.get(name="Acme Dental").pcs == 18


def test_xlsx_with_numeric_cells_imports(client_for):
    data = tablib.Dataset(
        headers=["company", "pcs", "annual_revenue", "contact_primary", "contact_name"]
    )
    data.append(["Numeric Co", 7, 1234.5, True, "Nia Num"])
    c = client_for("olivia")
    job = _preview(c, data.export("xlsx"), "n.xlsx")
    job.refresh_from_db()
    assert job.result["summary"]["errors"] == 0, job.result["rows"]
    c.post(reverse("clients:import_apply", args=[job.pk]))
    company = Company.objects.get(name="Numeric Co")
    assert company.pcs == 7
    assert str(company.annual_revenue) == "1234.50"
    assert company.contacts.get().is_primary


def test_applying_twice_imports_once(client_for):
    c = client_for("olivia")
    job = _preview(c, _csv(GOOD_ROWS))
    apply_url = reverse("clients:import_apply", args=[job.pk])
    c.post(apply_url)
    after_first = _state()
    response = c.post(apply_url, follow=True)
    assert response.status_code == 200
    assert "already been imported" in response.content.decode()
    assert _state() == after_first
    assert Company.objects.filter(name__iexact="Acme Dental").count() == 1


def test_apply_task_refuses_an_applied_job(client_for):
    from sweetspot.clients.tasks import apply_import

    c = client_for("olivia")
    job = _preview(c, _csv(GOOD_ROWS))
    c.post(reverse("clients:import_apply", args=[job.pk]))
    after_first = _state()
    # Even if the task is queued again behind the view's back, it does not import twice.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    apply_import(job.pk)
    assert _state() == after_first
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert "Already imported" in job.message


def test_same_file_imported_again_is_unchanged(client_for):
    c = client_for("olivia")
    job = _preview(c, _csv(GOOD_ROWS))
    c.post(reverse("clients:import_apply", args=[job.pk]))
    after_first = _state()
    again = _preview(c, _csv(GOOD_ROWS))
    again.refresh_from_db()
    assert again.result["summary"]["unchanged"] == 4
    c.post(reverse("clients:import_apply", args=[again.pk]))
    assert _state()[:3] == after_first[:3]


# --------------------------------------------------------------------------- bad rows


def test_one_bad_row_changes_nothing_and_names_the_row(client_for):
    rows = [list(r) for r in GOOD_ROWS]
    rows[2][IMPORT_COLUMNS.index("pcs")] = "-3"  # spreadsheet row 4
    rows[2][IMPORT_COLUMNS.index("contact_email")] = "not-an-email"
    c = client_for("olivia")
    before = _state()
    job = _preview(c, _csv(rows))
    assert _state() == before
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["summary"]["errors"] == 1
    bad = next(r for r in job.result["rows"] if r["row"] == 4)
    assert bad["outcome"] == "error"
    assert {e["field"] for e in bad["errors"]} == {"pcs", "contact_email"}

    html = c.get(reverse("clients:import_status", args=[job.pk])).content.decode()
    assert "Row 4, pcs:" in html
    assert "Row 4, contact_email:" in html
    assert "Nothing will be imported until the file is fixed" in html
    assert reverse("clients:import_apply", args=[job.pk]) not in html  # no Apply button

    response = c.post(reverse("clients:import_apply", args=[job.pk]))
    assert response.status_code == 302
    assert _state() == before
    job.refresh_from_db()
    assert job.result["applied"] is False


def test_row_checks_cover_every_rule(db):
    headers = [
        "company",
        "status",
        "pcs",
        "servers",
        "site_pcs",
        "network",
        "current_support",
        "annual_revenue",
        "monthly_it_budget",
        "downtime_cost_per_hour",
        "contact_name",
        "contact_email",
        "contact_primary",
        "site_city",
    ]
    content = _csv(
        [
            ["", "client", "1", "0", "", "", "", "", "", "", "", "", "", ""],
            [
                "X",
                "lead",
                "2.5",
                "abc",
                "-1",
                "token ring",
                "aliens",
                "-5",
                "1.234",
                "1e",
                "",
                "",
                "maybe",
                "Dover",
            ],
            [
                "Y",
                "Former client",
                "1,200",
                "0",
                "",
                "no network",
                "In-house IT manager",
                "$1,000.00",
                "12.5",
                "0",
                "Yuri",
                "yuri@y.example",
                "1",
                "",
            ],
        ],
        headers,
    )
    outcome = run_import(read_file(content, "csv"), None, apply=False)
    by_row = {r["row"]: {e["field"] for e in r["errors"]} for r in outcome.rows}
    assert by_row[2] == {"company"}
    assert by_row[3] == {
        "status",
        "pcs",
        "servers",
        "site_pcs",
        "network",
        "current_support",
        "annual_revenue",
        "monthly_it_budget",
        "downtime_cost_per_hour",
        "contact_primary",
        "site_name",
    }
    assert by_row[4] == set()
    assert outcome.applied is False
    assert not Company.objects.filter(name="Y").exists()


def test_model_validation_errors_are_reported_per_row(db):
    long_name = "N" * 201  # Company.name has max_length 200: only full_clean knows that.
    content = _csv([[long_name, "", "1"], ["Fine Co", "", "1"]], ["company", "status", "pcs"])
    outcome = run_import(read_file(content, "csv"), None, apply=True)
    assert outcome.applied is False
    assert outcome.rows[0]["errors"] == [
        {
            "field": "company",
            "message": "Keep this to 200 characters or fewer (you typed 201).",
        }
    ]
    assert outcome.rows[1]["outcome"] == "create company"
    assert not Company.objects.filter(name="Fine Co").exists()  # all or nothing


def test_rows_of_one_company_must_agree(db):
    content = _csv([["Zed", "5"], ["ZED", "6"]], ["company", "pcs"])
    outcome = run_import(read_file(content, "csv"), None, apply=False)
    assert outcome.rows[1]["errors"][0]["field"] == "pcs"
    assert "Row 2" in outcome.rows[1]["errors"][0]["message"]


# --------------------------------------------------------------------------- file errors


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("companies.txt", b"company\nAcme\n", "Upload a .csv or .xlsx file."),
        ("companies.csv", b"company,colour\nAcme,red\n", "Unknown column: colour."),
        ("companies.csv", b"status,pcs\nclient,3\n", "needs a “company” column"),
        ("companies.csv", b"company,pcs\n", "no data rows"),
        ("companies.xlsx", b"this is not a zip", "could not be read as XLSX"),
    ],
)
def test_file_level_errors_are_form_errors(client_for, name, content, message):
    response = _upload(client_for("olivia"), content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_headers_are_forgiving_and_blank_rows_keep_numbering(db):
    content = b"\xef\xbb\xbfCompany,Site Name\r\n,\r\nAcme,Main\r\n"
    rows = read_file(content, "csv")
    assert rows == [
        {
            "row": 3,
            "values": {**{c: "" for c in IMPORT_COLUMNS}, "company": "Acme", "site_name": "Main"},
        }
    ]


# --------------------------------------------------------------------------- jobs


def test_status_page_polls_until_the_job_is_done(client_for, personas):
    job = Job.objects.create(
        kind="company_import",
        created_by=personas["olivia"],
        total=3,
        result={"filename": "x.csv", "input": []},
    )
    url = reverse("clients:import_status", args=[job.pk])
    c = client_for("olivia")
    html = c.get(url).content.decode()
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="/jobs/{job.pk}/"' in html
    fragment = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert f'hx-get="{url}"' in fragment


def test_unexpected_error_marks_the_job_failed(client_for, personas, monkeypatch):
    from sweetspot.clients import importer

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "run_import", boom)
    c = client_for("olivia")
    job = _preview(c, _csv(GOOD_ROWS))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "disk on fire" in job.message
    assert job.finished_at is not None
    html = c.get(reverse("clients:import_status", args=[job.pk])).content.decode()
    assert "Nothing was imported" in html
    assert reverse("clients:import_apply", args=[job.pk]) not in html


# --------------------------------------------------------------------------- export


def _exported_names(response, fmt: str) -> list[str]:
    assert response.status_code == 200
    data = tablib.Dataset().load(
        response.content.decode() if fmt == "csv" else response.content, format=fmt
    )
    return list(data["name"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_filtered_list_contains_exactly_the_matches(client_for, fmt):
    response = client_for("olivia").get(
        reverse("clients:company_export"), {"status": "client", "format": fmt}
    )
    expected = set(
        Company.objects.filter(status="client", archived_at__isnull=True).values_list(
            "name", flat=True
        )
    )
    names = _exported_names(response, fmt)
    assert expected and len(names) == len(expected)
    assert set(names) == expected
    assert response["Content-Disposition"] == f'attachment; filename="companies.{fmt}"'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_client_contact_gets_no_export_of_the_firms_record(client_for, fmt):
    """The export columns are the firm's internal record (revenue, downtime cost, budget...):
    a client contact reads the portal's company page instead (issue 14 item 3)."""
    response = client_for("hana").get(reverse("clients:company_export"), {"format": fmt})
    assert response.status_code == 404


def test_client_contact_cannot_export_a_company_record(client_for, maple, harbor):
    c = client_for("hana")
    assert c.get(reverse("clients:company_record_export", args=[maple.pk])).status_code == 404
    assert c.get(reverse("clients:company_record_export", args=[harbor.pk])).status_code == 404


def test_record_export_round_trips_through_the_import(client_for, maple):
    c = client_for("olivia")
    exported = c.get(reverse("clients:company_record_export", args=[maple.pk]), {"format": "csv"})
    assert exported.status_code == 200
    before = _state()
    job = _preview(c, exported.content)
    job.refresh_from_db()
    assert job.result["summary"]["errors"] == 0, job.result["rows"]
    assert {r["outcome"] for r in job.result["rows"]} == {"unchanged"}
    c.post(reverse("clients:import_apply", args=[job.pk]))
    assert _state()[:3] == before[:3]
