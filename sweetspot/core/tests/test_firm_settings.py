"""The firm settings page (issue 14 item 2): owner only, audited, field errors, the logo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sweetspot.core.models import AuditLog, Firm

pytestmark = pytest.mark.django_db


def _post_data(firm: Firm, **changes: object) -> dict[str, object]:
    """The form as the page shows it, with some fields changed."""
    data: dict[str, object] = {
        "name": firm.name,
        "address": firm.address,
        "phone": firm.phone,
        "email": firm.email,
        "time_zone": firm.time_zone,
        "business_opens": firm.business_opens.strftime("%H:%M"),
        "business_closes": firm.business_closes.strftime("%H:%M"),
        "business_weekdays": firm.business_weekdays or [0, 1, 2, 3, 4],
        "holidays": "\n".join(firm.holidays or []),
        "target_utilization": str(int(firm.target_utilization * 100)),
        "hours_per_half_day": str(firm.hours_per_half_day),
        "min_on_call": firm.min_on_call,
        "response_threshold_minutes": firm.response_threshold_minutes,
        "dispatch_surplus_weight": str(firm.dispatch_surplus_weight),
        "dispatch_time_limit_seconds": firm.dispatch_time_limit_seconds,
        "require_certification_for_upper": "on" if firm.require_certification_for_upper else "",
        "cert_payback_horizon_months": firm.cert_payback_horizon_months,
        "first_cert_credibility_value": str(firm.first_cert_credibility_value),
        "training_spend_warning_share": str(int(firm.training_spend_warning_share * 100)),
        "rounding_increment_minutes": firm.rounding_increment_minutes,
        "rounding_minimum_minutes": firm.rounding_minimum_minutes,
        "payment_terms_days": firm.payment_terms_days,
        "tax_percent_fee": str(firm.tax_percent_fee),
        "tax_percent_labor": str(firm.tax_percent_labor),
        "tax_percent_item": str(firm.tax_percent_item),
        "invoice_number_pattern": firm.invoice_number_pattern,
        "credit_note_number_pattern": firm.credit_note_number_pattern,
        "mail_domain": firm.mail_domain,
        "ticket_token_pattern": firm.ticket_token_pattern,
        "allow_new_contacts_from_domains": "on" if firm.allow_new_contacts_from_domains else "",
        "max_attachment_bytes": firm.max_attachment_bytes,
        "allowed_attachment_extensions": ", ".join(firm.allowed_attachment_extensions or []),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 110, 100)).save(buf, "PNG")
    return SimpleUploadedFile("logo.png", buf.getvalue(), content_type="image/png")


def test_olivia_sets_up_the_firm_and_it_is_audited(demo, client_for):
    olivia = client_for("olivia")
    assert olivia.get("/firm/").status_code == 200
    firm = Firm.current()
    response = olivia.post(
        "/firm/",
        _post_data(
            firm,
            address="12 Harbor Road\nPortsmouth, NH",
            phone="603-555-0100",
            email="office@brightline.example",
            time_zone="America/Chicago",
            business_opens="07:30",
            business_weekdays=[0, 1, 2, 3, 4, 5],
            holidays="2026-12-25\n2027-01-01\n2026-12-25",
            target_utilization="80",
            min_on_call="3",
            response_threshold_minutes="120",
            hours_per_half_day="3.5",
            dispatch_surplus_weight="12.50",
            cert_payback_horizon_months="24",
            rounding_increment_minutes="6",
            allowed_attachment_extensions="PDF, .png,docx",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    firm.refresh_from_db()
    assert firm.address.startswith("12 Harbor Road")
    assert firm.time_zone == "America/Chicago"
    assert firm.business_opens == dt.time(7, 30)
    assert firm.business_weekdays == [0, 1, 2, 3, 4, 5]
    assert firm.holidays == ["2026-12-25", "2027-01-01"]
    assert firm.target_utilization == Decimal("0.80")
    assert (firm.min_on_call, firm.response_threshold_minutes) == (3, 120)
    assert firm.hours_per_half_day == Decimal("3.5")
    assert firm.dispatch_surplus_weight == Decimal("12.50")
    assert firm.cert_payback_horizon_months == 24
    assert firm.rounding_increment_minutes == 6
    assert firm.allowed_attachment_extensions == ["docx", "pdf", "png"]
    row = AuditLog.objects.filter(object_type="core.Firm").first()
    assert row is not None and row.changes["time_zone"] == ["America/New_York", "America/Chicago"]
    assert row.changes["target_utilization"] == ["0.75", "0.80"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"business_opens": "17:00", "business_closes": "08:00"}, "business_closes", "after"),
        ({"holidays": "2026-12-25\nChristmas"}, "holidays", "Not a date"),
        ({"business_weekdays": []}, "business_weekdays", "required"),
        ({"target_utilization": "120"}, "target_utilization", "less than or equal to 100"),
        (
            {"allowed_attachment_extensions": "pdf, ex e"},
            "allowed_attachment_extensions",
            "letters",
        ),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "valid choice"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"rounding_increment_minutes": "0"}, "rounding_increment_minutes", "greater than"),
        ({"name": "x" * 201}, "name", "to 200 characters"),
        ({"cert_payback_horizon_months": "0"}, "cert_payback_horizon_months", "greater than"),
    ],
)
def test_bad_settings_are_field_errors_and_nothing_is_saved(
    demo, client_for, changes, field, words
):
    firm = Firm.current()
    response = client_for("olivia").post("/firm/", _post_data(firm, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not AuditLog.objects.filter(object_type="core.Firm").exists()


def test_logo_is_stored_served_shown_and_on_the_pdfs(demo, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    olivia = client_for("olivia")
    firm = Firm.current()
    response = olivia.post("/firm/", {**_post_data(firm), "logo": _png()})
    assert response.status_code == 302, response.context["form"].errors
    firm.refresh_from_db()
    assert firm.logo.name.startswith("firm/")
    logo = client_for(None).get("/firm/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"/firm/logo/" in olivia.get("/clients/").content

    from sweetspot.core.pdf import resolve  # the PDF fetcher serves it from MEDIA_ROOT

    assert resolve(f"https://sweetspot.pdf.invalid{firm.logo.url}").is_file()

    olivia.post("/firm/", {**_post_data(firm), "remove_logo": "on"})
    firm.refresh_from_db()
    assert not firm.logo
    assert client_for(None).get("/firm/logo/").status_code == 404


def test_a_logo_that_is_not_an_image_is_refused(demo, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client_for("olivia").post("/firm/", {**_post_data(Firm.current()), "logo": fake})
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors


def test_only_the_owner_reaches_the_firm_settings(demo, client_for):
    for persona in ["dan", "tara", "sam", "hana"]:
        assert client_for(persona).get("/firm/").status_code == 404
