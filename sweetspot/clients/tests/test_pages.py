"""Client book pages: list (search, filters, whitelisted sort, pagination), detail, forms."""

from __future__ import annotations

from sweetspot.clients.models import Company, Contact, Site
from sweetspot.core.models import AuditLog


def names(response) -> list[str]:
    return [c.name for c in response.context["page"]]


def test_list_search_filter_sort_paginate(client_for):
    c = client_for("dan")
    assert names(c.get("/clients/", {"q": "maple"})) == ["Maple Law"]
    assert names(c.get("/clients/", {"q": "hana@harbor"})) == ["Harbor Dental"]
    clients = names(c.get("/clients/", {"status": "client"}))
    assert "Harbor Dental" in clients and "Fern Bakery" not in clients
    upper = c.get("/clients/", {"segment": "upper", "sort": "-pcs"})
    assert names(upper)[0] == "Northwind Logistics"
    pcs = [co.pcs for co in upper.context["page"]]
    assert pcs == sorted(pcs, reverse=True)
    # a sort key outside the whitelist falls back to name, never reaches order_by
    hostile = c.get("/clients/", {"sort": "password"})
    assert hostile.status_code == 200 and hostile.context["sort"] == "name"
    first = c.get("/clients/")
    assert len(first.context["page"]) == 25 and first.context["page"].has_next()
    second = c.get("/clients/", {"page": 2})
    assert set(names(first)).isdisjoint(names(second))
    assert c.get("/clients/", {"page": "999"}).status_code == 200


def test_htmx_list_returns_only_the_rows(client_for):
    response = client_for("dan").get("/clients/", {"q": "Fern"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content and b"Fern Bakery" in response.content


def test_archived_companies_leave_the_default_list(client_for, maple):
    c = client_for("sam")
    assert c.post(f"/clients/{maple.pk}/archive/").status_code == 302
    assert "Maple Law" not in names(c.get("/clients/", {"q": "Maple"}))
    assert names(c.get("/clients/", {"q": "Maple", "archived": "only"})) == ["Maple Law"]
    assert Company.objects.filter(pk=maple.pk, archived_at__isnull=False).exists()
    c.post(f"/clients/{maple.pk}/restore/")
    assert "Maple Law" in names(c.get("/clients/", {"q": "Maple"}))


def test_create_company_field_errors_and_success(client_for):
    c = client_for("olivia")
    bad = c.post(
        "/clients/new/",
        {
            "name": "",
            "status": "client",
            "pcs": "-4",
            "servers": "0",
            "site_count": "1",
            "network": "none",
            "current_support": "nobody",
            "monthly_it_budget": "abc",
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert set(errors) >= {"name", "pcs", "monthly_it_budget"}
    assert not Company.objects.filter(name="").exists()
    ok = c.post(
        "/clients/new/",
        {
            "name": "Bay Optics",
            "status": "prospect",
            "pcs": "18",
            "servers": "1",
            "site_count": "1",
            "network": "client_server",
            "current_support": "volunteer",
            "monthly_it_budget": "1250.00",
        },
    )
    company = Company.objects.get(name="Bay Optics")
    assert ok.status_code == 302 and ok.url == f"/clients/{company.pk}/"
    assert company.segment == "sweet_spot"
    assert company.environment is not None


def test_pinned_segment_survives_pc_changes(client_for, harbor):
    from sweetspot.clients import services

    services.update_company(None, harbor, {"segment": "upper", "segment_pinned": True, "pcs": 5})
    harbor.refresh_from_db()
    assert harbor.segment == "upper"


def test_htmx_inline_site_and_contact(client_for, harbor):
    c = client_for("dan")
    hx = {"HX-Request": "true"}
    form = c.get(f"/clients/{harbor.pk}/sites/new/", headers=hx)
    assert b'hx-post="/clients/' in form.content and b"<html" not in form.content
    err = c.post(f"/clients/{harbor.pk}/sites/new/", {"name": "", "pcs": "x"}, headers=hx)
    assert b"This field is required" in err.content and b"Enter a whole number" in err.content
    ok = c.post(
        f"/clients/{harbor.pk}/sites/new/", {"name": "Harbor Annex", "pcs": "3"}, headers=hx
    )
    assert ok.status_code == 200 and b"Harbor Annex" in ok.content
    site = Site.objects.get(name="Harbor Annex")
    contact = c.post(
        f"/clients/{harbor.pk}/contacts/new/",
        {
            "name": "Dr. Reed",
            "email": "reed@harbordental.example",
            "site": site.pk,
            "is_primary": "on",
        },
        headers=hx,
    )
    assert b"Dr. Reed" in contact.content
    # the new primary demotes the old one, and both changes are audited
    assert list(
        Contact.objects.filter(company=harbor, is_primary=True).values_list("name", flat=True)
    ) == ["Dr. Reed"]
    assert AuditLog.objects.filter(
        object_type="clients.Contact", action="update", object_repr="Hana Hughes"
    ).exists()


def test_contact_site_must_belong_to_the_company(client_for, harbor, maple):
    maple_site = maple.sites.first()
    response = client_for("dan").post(
        f"/clients/{harbor.pk}/contacts/new/", {"name": "Wrong Site", "site": maple_site.pk}
    )
    assert response.status_code == 200
    assert "site" in response.context["form"].errors
    assert not Contact.objects.filter(name="Wrong Site").exists()


def test_environment_edit(client_for, harbor):
    c = client_for("sam")
    response = c.post(
        f"/clients/{harbor.pk}/environment/",
        {
            "server": "has",
            "firewall": "needs",
            "backup": "has",
            "offsite_backup": "needs",
            "security": "neither",
            "antivirus": "has",
            "ups": "needs",
            "lan_wan": "has",
            "applications": ["quickbooks", "act"],
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    harbor.environment.refresh_from_db()
    assert harbor.environment.needs == ["firewall", "offsite_backup", "ups"]
    assert harbor.environment.applications == ["quickbooks", "act"]
    bad = c.post(f"/clients/{harbor.pk}/environment/", {"server": "maybe"})
    assert "server" in bad.context["form"].errors


def test_client_contact_sees_only_their_company(client_for, harbor):
    """The client book is the firm's record: a client contact is sent to the portal's
    company page (web.portal, issue 14 item 3) and gets no export of the firm's columns."""
    c = client_for("hana")
    assert c.get("/clients/").url == "/my-company/"
    assert c.get(f"/clients/{harbor.pk}/").url == "/my-company/"
    page = c.get("/my-company/")
    assert page.status_code == 200 and b"Hana Hughes" in page.content
    assert b"/edit/" not in page.content and b"Maple Law" not in page.content
    assert c.get("/clients/export/?format=csv").status_code == 404


def test_edits_through_the_pages_are_audited_before_to_after(client_for, harbor):
    from sweetspot.core.models import AuditLog

    c = client_for("dan")
    form = c.get(f"/clients/{harbor.pk}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["pcs"] = 24
    data["industry"] = "Dentistry"
    data["segment_pinned"] = ""
    assert c.post(f"/clients/{harbor.pk}/edit/", data).status_code == 302
    entry = AuditLog.objects.filter(
        object_type="clients.Company", object_id=str(harbor.pk), action="update"
    ).latest("pk")
    assert entry.changes["pcs"] == [22, 24]
    assert entry.changes["industry"] == ["Dental practice", "Dentistry"]
    site = harbor.sites.first()
    c.post(f"/clients/sites/{site.pk}/edit/", {"name": "Harbor HQ", "pcs": "22"})
    site_entry = AuditLog.objects.filter(object_type="clients.Site", action="update").latest("pk")
    assert site_entry.changes["name"][1] == "Harbor HQ"
    contact = harbor.contacts.get(name="Hana Hughes")
    c.post(
        f"/clients/contacts/{contact.pk}/edit/",
        {
            "name": "Hana Hughes",
            "email": "hana@harbordental.example",
            "phone": "603-555-0999",
            "is_primary": "on",
        },
    )
    contact_entry = AuditLog.objects.filter(object_type="clients.Contact", action="update").latest(
        "pk"
    )
    assert contact_entry.changes["phone"] == ["603-555-0110", "603-555-0999"]
