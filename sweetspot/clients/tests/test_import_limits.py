"""Issue 15 item 3: the import cannot take the app down. Limits with clear errors, a linear
header check, parsing in the worker from a stored file (not the job row), retention."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from sweetspot.clients import importer
from sweetspot.clients.importer import ImportFileError, check_file, read_file
from sweetspot.core.models import Job

pytestmark = pytest.mark.django_db

UPLOAD = "/clients/import/"


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_csv_with_100k_columns_is_refused_at_once():
    content = ("company," + ",".join(f"c{i}" for i in range(100_000)) + "\nAcme\n").encode()
    start = time.perf_counter()
    with pytest.raises(ImportFileError) as exc:
        check_file(content, "csv")
    assert time.perf_counter() - start < 5  # was 88 s of CPU (quadratic duplicate check)
    assert "100,001 columns" in exc.value.messages[0] and "at most 50" in exc.value.messages[0]


def test_a_small_xlsx_that_expands_to_many_rows_is_refused_by_the_row_limit(monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 100)
    content = _xlsx([["company"]] + [[f"Co {i}"] for i in range(150)])
    check_file(content, "xlsx")  # the header is fine: the upload is accepted
    with pytest.raises(ImportFileError) as exc:
        read_file(content, "xlsx")
    assert "more than 100 data rows" in exc.value.messages[0]


def test_a_long_cell_and_a_repeated_column_are_refused():
    long = ("company,industry\nAcme," + "x" * 1001 + "\n").encode()
    with pytest.raises(ImportFileError) as exc:
        read_file(long, "csv")
    assert "Row 2" in exc.value.messages[0] and "1,000 characters" in exc.value.messages[0]
    with pytest.raises(ImportFileError) as exc:
        check_file(b"company,pcs,PCS\nAcme,1,2\n", "csv")
    assert "Column repeated: pcs." in exc.value.messages


def test_the_upload_is_kept_as_a_file_and_parsed_in_the_worker(client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    content = b"company,pcs\nLimit Test Co,12\n"
    r = client_for("dan").post(UPLOAD, {"file": SimpleUploadedFile("c.csv", content)})
    assert r.status_code == 302
    job = Job.objects.get(kind=importer.JOB_KIND)
    assert "input" not in job.result  # no rows in the job row
    stored = tmp_path / "imports" / job.result["file"]
    assert stored.read_bytes() == content
    assert job.status == Job.Status.DONE and job.total == 1  # the worker read the file
    assert job.result["summary"]["companies_created"] == 1


def test_a_file_level_problem_found_by_the_worker_fails_the_job(
    client_for, settings, tmp_path, monkeypatch
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(importer, "MAX_ROWS", 1)
    content = b"company\nA\nB\n"
    client_for("dan").post(UPLOAD, {"file": SimpleUploadedFile("c.csv", content)})
    job = Job.objects.get(kind=importer.JOB_KIND)
    assert job.status == Job.Status.FAILED
    assert "more than 1 data rows" in job.message


def test_uploads_and_row_results_go_after_the_retention_period(client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client_for("dan").post(
        UPLOAD, {"file": SimpleUploadedFile("c.csv", b"company\nRetention Co\n")}
    )
    job = Job.objects.get(kind=importer.JOB_KIND)
    stored = tmp_path / "imports" / job.result["file"]
    assert stored.exists() and job.result["rows"]
    assert importer.purge(now=timezone.now()) == 0  # not old yet
    later = timezone.now() + dt.timedelta(days=importer.RETENTION_DAYS + 1)
    assert importer.purge(now=later) == 1
    job.refresh_from_db()
    assert not stored.exists()
    assert job.result["purged"] and "rows" not in job.result
    assert job.result["summary"]["companies_created"] == 1
