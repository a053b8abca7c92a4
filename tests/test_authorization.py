"""Every route x every persona -> expected status. A route missing from the table fails.

Personas (CONVENTIONS.md): anonymous, Hana (client contact, Harbor Dental), Milo (client
contact, Maple Law), Tara (technician), Dan (dispatcher), Sam (sales), Olivia (owner), and an
API token (Dan's personal token sent as a bearer header, no session).

Objects under test belong to Maple Law, so Hana must get 404 (not 403) everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

PERSONAS = ["anon", "hana", "milo", "tara", "dan", "sam", "olivia", "token"]
EDITORS = {"dan", "sam", "olivia"}
STAFF = {"tara", "dan", "sam", "olivia"}


def page(ok: int, allowed: set[str], others: int = 404, anon: int = 302) -> dict[str, int]:
    """Statuses for a page: allowed personas get ok, other logged-in ones get `others`,
    anonymous (and a bare API token, which pages do not accept) are sent to log in."""
    out = {p: (ok if p in allowed else others) for p in PERSONAS}
    out["anon"] = anon
    out["token"] = anon
    return out


def api(ok: int, allowed: set[str], others: int = 404) -> dict[str, int]:
    """Statuses for an API endpoint: the token acts as Dan; anonymous gets 401."""
    out = {p: (ok if p in allowed else others) for p in PERSONAS}
    out["token"] = ok if "dan" in allowed else others
    out["anon"] = 401
    return out


@dataclass
class Row:
    name: str
    method: str
    url: Callable[[dict[str, Any]], str]
    expect: dict[str, int]
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    json: bool = False
    extra: dict[str, str] = field(default_factory=dict)


MAPLE_VIEWERS = STAFF | {"milo"}
ALL_LOGGED_IN = STAFF | {"hana", "milo"}

TABLE: list[Row] = [
    Row("home", "get", lambda o: "/", page(200, STAFF) | {"hana": 302, "milo": 302}),
    Row(
        "login",
        "get",
        lambda o: "/login/",
        {p: (200 if p in {"anon", "token"} else 302) for p in PERSONAS},
    ),
    Row("logout", "post", lambda o: "/logout/", {p: 302 for p in PERSONAS}),
    Row("password_change", "get", lambda o: "/password/", page(200, ALL_LOGGED_IN)),
    Row("profile", "get", lambda o: "/profile/", page(200, ALL_LOGGED_IN)),
    Row(
        "token_revoke",
        "post",
        lambda o: f"/profile/tokens/{o['olivia_token'].pk}/revoke/",
        page(302, {"olivia"}),
    ),
    Row("audit_log", "get", lambda o: "/audit/", page(200, {"olivia"})),
    Row("job_status", "get", lambda o: f"/jobs/{o['olivia_job'].pk}/", page(200, {"olivia"})),
    Row("company_list", "get", lambda o: "/clients/", page(200, ALL_LOGGED_IN)),
    Row("company_create", "get", lambda o: "/clients/new/", page(200, EDITORS)),
    Row("company_export", "get", lambda o: "/clients/export/?format=csv", page(200, ALL_LOGGED_IN)),
    Row("import_upload", "get", lambda o: "/clients/import/", page(200, EDITORS)),
    Row(
        "import_status",
        "get",
        lambda o: f"/clients/import/{o['olivia_job'].pk}/",
        page(200, {"olivia"}),
    ),
    Row(
        "import_apply",
        "post",
        lambda o: f"/clients/import/{o['olivia_job'].pk}/apply/",
        page(302, {"olivia"}),
    ),
    Row("company_detail", "get", lambda o: f"/clients/{o['maple'].pk}/", page(200, MAPLE_VIEWERS)),
    Row("company_edit", "get", lambda o: f"/clients/{o['maple'].pk}/edit/", page(200, EDITORS)),
    Row(
        "company_archive",
        "post",
        lambda o: f"/clients/{o['maple'].pk}/archive/",
        page(302, EDITORS),
    ),
    Row(
        "company_restore",
        "post",
        lambda o: f"/clients/{o['maple'].pk}/restore/",
        page(302, EDITORS),
    ),
    Row(
        "company_record_export",
        "get",
        lambda o: f"/clients/{o['maple'].pk}/export/",
        page(200, MAPLE_VIEWERS),
    ),
    Row(
        "environment_edit",
        "get",
        lambda o: f"/clients/{o['maple'].pk}/environment/",
        page(200, EDITORS),
    ),
    Row("site_create", "get", lambda o: f"/clients/{o['maple'].pk}/sites/new/", page(200, EDITORS)),
    Row(
        "contact_create",
        "get",
        lambda o: f"/clients/{o['maple'].pk}/contacts/new/",
        page(200, EDITORS),
    ),
    Row(
        "site_detail",
        "get",
        lambda o: f"/clients/sites/{o['maple_site'].pk}/",
        page(200, MAPLE_VIEWERS),
    ),
    Row(
        "site_edit",
        "get",
        lambda o: f"/clients/sites/{o['maple_site'].pk}/edit/",
        page(200, EDITORS),
    ),
    Row(
        "site_archive",
        "post",
        lambda o: f"/clients/sites/{o['maple_site'].pk}/archive/",
        page(302, EDITORS),
    ),
    Row(
        "contact_detail",
        "get",
        lambda o: f"/clients/contacts/{o['maple_contact'].pk}/",
        page(200, MAPLE_VIEWERS),
    ),
    Row(
        "contact_edit",
        "get",
        lambda o: f"/clients/contacts/{o['maple_contact'].pk}/edit/",
        page(200, EDITORS),
    ),
    Row(
        "contact_archive",
        "post",
        lambda o: f"/clients/contacts/{o['maple_contact'].pk}/archive/",
        page(302, EDITORS),
    ),
    # API: schema and docs are public (they describe, they hold no client data).
    Row("openapi-json", "get", lambda o: "/api/v1/openapi.json", {p: 200 for p in PERSONAS}),
    Row("openapi-view", "get", lambda o: "/api/v1/docs", {p: 200 for p in PERSONAS}),
    Row("api-root", "get", lambda o: "/api/v1/", {p: 404 for p in PERSONAS}),
    Row("list_companies", "get", lambda o: "/api/v1/companies", api(200, ALL_LOGGED_IN)),
    Row(
        "create_company",
        "post",
        lambda o: "/api/v1/companies",
        api(201, EDITORS),
        body=lambda o: {"name": "Authz Test Co", "pcs": 12},
        json=True,
    ),
    Row(
        "get_company",
        "get",
        lambda o: f"/api/v1/companies/{o['maple'].pk}",
        api(200, MAPLE_VIEWERS),
    ),
    Row(
        "update_company",
        "patch",
        lambda o: f"/api/v1/companies/{o['maple'].pk}",
        api(200, EDITORS),
        body=lambda o: {"industry": "Law"},
        json=True,
    ),
    Row(
        "archive_company",
        "delete",
        lambda o: f"/api/v1/companies/{o['maple'].pk}",
        api(200, EDITORS),
    ),
    Row(
        "list_company_sites",
        "get",
        lambda o: f"/api/v1/companies/{o['maple'].pk}/sites",
        api(200, MAPLE_VIEWERS),
    ),
    Row(
        "create_site",
        "post",
        lambda o: f"/api/v1/companies/{o['maple'].pk}/sites",
        api(201, EDITORS),
        body=lambda o: {"name": "Annex"},
        json=True,
    ),
    Row(
        "get_site", "get", lambda o: f"/api/v1/sites/{o['maple_site'].pk}", api(200, MAPLE_VIEWERS)
    ),
    Row(
        "update_site",
        "patch",
        lambda o: f"/api/v1/sites/{o['maple_site'].pk}",
        api(200, EDITORS),
        body=lambda o: {"pcs": 11},
        json=True,
    ),
    Row(
        "archive_site", "delete", lambda o: f"/api/v1/sites/{o['maple_site'].pk}", api(200, EDITORS)
    ),
    Row(
        "list_company_contacts",
        "get",
        lambda o: f"/api/v1/companies/{o['maple'].pk}/contacts",
        api(200, MAPLE_VIEWERS),
    ),
    Row(
        "create_contact",
        "post",
        lambda o: f"/api/v1/companies/{o['maple'].pk}/contacts",
        api(201, EDITORS),
        body=lambda o: {"name": "Pat Paralegal"},
        json=True,
    ),
    Row(
        "get_contact",
        "get",
        lambda o: f"/api/v1/contacts/{o['maple_contact'].pk}",
        api(200, MAPLE_VIEWERS),
    ),
    Row(
        "update_contact",
        "patch",
        lambda o: f"/api/v1/contacts/{o['maple_contact'].pk}",
        api(200, EDITORS),
        body=lambda o: {"phone": "603-555-0199"},
        json=True,
    ),
    Row(
        "archive_contact",
        "delete",
        lambda o: f"/api/v1/contacts/{o['maple_contact'].pk}",
        api(200, EDITORS),
    ),
]


# --- growth (#4) -------------------------------------------------------------------------
ASSESSORS = {"olivia", "sam"}
TABLE += [
    Row(
        "assess",
        "post",
        lambda o: "/api/v1/assessments",
        api(200, ASSESSORS),
        body=lambda o: {"pcs": 12},
        json=True,
    ),
    Row(
        "assess_company",
        "post",
        lambda o: f"/api/v1/companies/{o['maple'].pk}/assessments",
        api(201, ASSESSORS),
        body=lambda o: {"pcs": 35},
        json=True,
    ),
    Row("prospects", "get", lambda o: "/growth/prospects/", page(200, STAFF)),
    Row(
        "company_assessment",
        "get",
        lambda o: f"/growth/companies/{o['maple'].pk}/assess/",
        page(200, STAFF),
    ),
    Row("assess_preview", "post", lambda o: "/growth/assess/preview/", page(200, ASSESSORS)),
    Row(
        "assessment_detail",
        "get",
        lambda o: f"/growth/assessments/{o['assessment'].pk}/",
        page(200, STAFF),
    ),
    Row("settings", "get", lambda o: "/growth/settings/", page(200, {"olivia"})),
    Row(
        "list_company_assessments",
        "get",
        lambda o: f"/api/v1/companies/{o['maple'].pk}/assessments",
        api(200, STAFF),
    ),
]
# --- end growth ----------------------------------------------------------------------------

# --- BD log and pipeline (#4) -----------------------------------------------------------------
BD_EDITORS = {"olivia", "sam"}


def _bd_activity(o: dict[str, Any]) -> Any:
    """Sam's open follow-up at Maple Law, made once per test (dan and tara must get 404)."""
    if "bd_activity" not in o:
        from sweetspot.core.models import User
        from sweetspot.growth import activity_services

        sam = User.objects.get(username="sam")
        o["bd_activity"] = activity_services.log_activity(
            sam, {"kind": "follow_up", "subject": "Authz follow-up", "company": o["maple"]}
        )
    return o["bd_activity"]


def _bd_opportunity(o: dict[str, Any]) -> Any:
    if "bd_opportunity" not in o:
        from decimal import Decimal

        from sweetspot.core.models import User
        from sweetspot.growth import pipeline

        sam = User.objects.get(username="sam")
        o["bd_opportunity"] = pipeline.create_opportunity(
            sam,
            {"company": o["maple"], "title": "Authz deal", "expected_monthly_fee": Decimal(100)},
        )
    return o["bd_opportunity"]


TABLE += [
    Row("followups", "get", lambda o: "/growth/followups/", page(200, STAFF)),
    Row("activity_create", "get", lambda o: "/growth/activities/new/", page(200, BD_EDITORS)),
    Row(
        "contact_options",
        "get",
        lambda o: f"/growth/activities/contacts/?company={o['maple'].pk}",
        page(200, BD_EDITORS),
    ),
    Row(
        "activity_edit",
        "get",
        lambda o: f"/growth/activities/{_bd_activity(o).pk}/edit/",
        page(200, BD_EDITORS),
    ),
    Row(
        "activity_complete",
        "get",
        lambda o: f"/growth/activities/{_bd_activity(o).pk}/done/",
        page(200, BD_EDITORS),
    ),
    Row("pipeline", "get", lambda o: "/growth/pipeline/", page(200, STAFF)),
    Row("opportunity_create", "get", lambda o: "/growth/opportunities/new/", page(200, BD_EDITORS)),
    Row(
        "opportunity_edit",
        "get",
        lambda o: f"/growth/opportunities/{_bd_opportunity(o).pk}/edit/",
        page(200, BD_EDITORS),
    ),
    # No body: the board comes back with the field error (200), nothing moves.
    Row(
        "opportunity_move",
        "post",
        lambda o: f"/growth/opportunities/{_bd_opportunity(o).pk}/move/",
        page(200, BD_EDITORS),
    ),
]
# --- end BD log and pipeline ------------------------------------------------------------------


def _all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif p.name:
                names.add(p.name)
            else:  # pragma: no cover - an unnamed route cannot be listed
                names.add(str(p.pattern))

    walk(get_resolver().url_patterns)
    return names


def test_every_route_is_in_the_table() -> None:
    missing = _all_route_names() - {row.name for row in TABLE}
    assert not missing, f"routes missing from the authorization table: {sorted(missing)}"
    for row in TABLE:
        assert set(row.expect) == set(PERSONAS), row.name


@pytest.fixture
def objects(demo, personas, maple):
    from sweetspot.core.models import Job
    from sweetspot.core.tokens import create_token
    from sweetspot.growth.services import assess_company

    return {
        "maple": maple,
        "maple_site": maple.sites.first(),
        "maple_contact": maple.contacts.get(name="Milo Marsh"),
        "olivia_token": create_token(personas["olivia"], "to revoke")[0],
        "olivia_job": Job.objects.create(
            kind="company_import",
            created_by=personas["olivia"],
            status="done",
            result={"rows": [], "summary": {}},
        ),
        "dan_key": create_token(personas["dan"], "authz")[1],
        "assessment": assess_company(None, maple),
    }


def _client(persona: str, personas: dict[str, Any], objects: dict[str, Any]) -> Client:
    if persona == "token":
        return Client(HTTP_AUTHORIZATION=f"Bearer {objects['dan_key']}")
    c = Client()
    if persona != "anon":
        c.force_login(personas[persona])
    return c


@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r.method}-{r.name}")
def test_route_status_per_persona(row: Row, personas, objects) -> None:
    got: dict[str, int] = {}
    for persona in PERSONAS:
        c = _client(persona, personas, objects)
        url = row.url(objects)
        kwargs: dict[str, Any] = {}
        if row.body is not None:
            kwargs = {"data": json.dumps(row.body(objects)), "content_type": "application/json"}
        response = getattr(c, row.method)(url, **kwargs)
        got[persona] = response.status_code
        if response.status_code >= 500:
            pytest.fail(f"{persona} {row.method} {url} -> {response.status_code}")
    assert got == row.expect


def test_hana_gets_404_for_maple_law_everywhere(personas, objects, client_for) -> None:
    hana = client_for("hana")
    for url in [
        f"/clients/{objects['maple'].pk}/",
        f"/clients/sites/{objects['maple_site'].pk}/",
        f"/clients/contacts/{objects['maple_contact'].pk}/",
        f"/clients/{objects['maple'].pk}/export/?format=csv",
        f"/api/v1/companies/{objects['maple'].pk}",
        f"/api/v1/sites/{objects['maple_site'].pk}",
        f"/api/v1/contacts/{objects['maple_contact'].pk}",
    ]:
        assert hana.get(url).status_code == 404, url
    listing = hana.get("/api/v1/companies").json()
    assert [c["name"] for c in listing["items"]] == ["Harbor Dental"]
