"""Every route x every persona -> expected status. A route missing from the table fails.

Personas (docs/DOMAIN.md §9): anonymous, Hana (client contact, Harbor Dental), Milo (client
contact, Maple Law), Tara (technician), Dan (dispatcher), Sam (sales), Olivia (owner), and an
API token (Dan's personal token sent as a bearer header, no session).

Objects under test belong to Maple Law, so Hana must get 404 (not 403) everywhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

PERSONAS = ["anon", "hana", "milo", "tara", "dan", "sam", "olivia", "token"]
_SERIAL = itertools.count(1)
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
    # Second factor (core.mfa): staff only; the personas have no device yet, so the
    # verification page sends them to enrolment; the forms below fail validation and
    # return to the profile.
    Row("mfa_setup", "get", lambda o: "/mfa/setup/", page(200, STAFF)),
    Row("mfa_verify", "get", lambda o: "/mfa/verify/", page(302, STAFF)),
    Row("mfa_recovery_codes", "post", lambda o: "/mfa/recovery-codes/", page(302, STAFF)),
    Row("mfa_disable", "post", lambda o: "/mfa/disable/", page(302, STAFF)),
    Row("mfa_policy", "post", lambda o: "/mfa/policy/", page(302, {"olivia"})),
    Row("job_status", "get", lambda o: f"/jobs/{o['olivia_job'].pk}/", page(200, {"olivia"})),
    # A client contact's view of their company is /my-company/ (web.portal, issue 14).
    Row(
        "company_list", "get", lambda o: "/clients/", page(200, STAFF) | {"hana": 302, "milo": 302}
    ),
    Row("company_create", "get", lambda o: "/clients/new/", page(200, EDITORS)),
    # The company picker's options (issue 18): staff only.
    Row("company_lookup", "get", lambda o: "/clients/lookup/?q=ma", page(200, STAFF)),
    Row("company_export", "get", lambda o: "/clients/export/?format=csv", page(200, STAFF)),
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
    Row(
        "company_detail",
        "get",
        lambda o: f"/clients/{o['maple'].pk}/",
        page(200, STAFF) | {"milo": 302},
    ),
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
        page(200, STAFF),
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
        # A new name each call: active company names are unique (issue 15 item 5).
        body=lambda o: {"name": f"Authz Test Co {next(_SERIAL)}", "pcs": 12},
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

# --- cert planner (#5) ---
# Owner, sales and dispatcher see every technician; a technician only their own rows (an
# empty plan when their login is not linked to a technician); client contacts get 404.
TABLE += [
    Row("cert_plan", "get", lambda o: "/growth/certifications/plan/", page(200, STAFF)),
    Row("get_cert_plan", "get", lambda o: "/api/v1/cert-plan", api(200, STAFF)),
]
# --- end cert planner ---


# --- team (#5) ---
# Staff (owner, dispatcher, technician, sales) view the team; only the owner writes; client
# contacts get 404 everywhere. Rows are made lazily, once per test, through the services.
TEAM_OWNER = {"olivia"}


def _team(o: dict[str, Any]) -> dict[str, Any]:
    if "team" not in o:
        import datetime as dt

        from sweetspot.team import services as team_services

        skill = team_services.create_skill(
            None, {"name": "Authz skill", "slug": "authz-skill", "group": "desktop"}
        )
        cert = team_services.create_certification(
            None,
            {
                "vendor": "Authz",
                "name": "Authz cert",
                "code": "AUTHZ-1",
                "level": "entry",
                "estimated_on": dt.date(2026, 11, 25),
            },
        )
        team_services.set_certification_evidence(None, cert, skill, 2)
        tech = team_services.create_technician(None, {"name": "Authz Tech", "cost_rate": 30})
        team_services.set_technician_skill(None, tech, skill, 2)
        held = team_services.add_technician_certification(
            None, tech, cert, {"earned_on": dt.date(2026, 1, 1)}
        )
        sub = team_services.create_subcontractor(None, {"company_name": "Authz Sub"})
        team_services.set_subcontractor_skill(None, sub, skill, 3)
        sub_held = team_services.add_subcontractor_certification(
            None, sub, cert, {"earned_on": dt.date(2026, 1, 1)}
        )
        o["team"] = {
            "skill": skill,
            "cert": cert,
            "tech": tech,
            "held": held,
            "sub": sub,
            "sub_held": sub_held,
        }
    return o["team"]  # type: ignore[no-any-return]


def _tech(o: dict[str, Any]) -> int:
    return _team(o)["tech"].pk  # type: ignore[no-any-return]


def _sub(o: dict[str, Any]) -> int:
    return _team(o)["sub"].pk  # type: ignore[no-any-return]


TABLE += [
    Row("technician_list", "get", lambda o: "/team/technicians/", page(200, STAFF)),
    Row("technician_create", "get", lambda o: "/team/technicians/new/", page(200, TEAM_OWNER)),
    Row("technician_detail", "get", lambda o: f"/team/technicians/{_tech(o)}/", page(200, STAFF)),
    Row(
        "technician_edit",
        "get",
        lambda o: f"/team/technicians/{_tech(o)}/edit/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "technician_archive",
        "post",
        lambda o: f"/team/technicians/{_tech(o)}/archive/",
        page(302, TEAM_OWNER),
    ),
    Row(
        "technician_restore",
        "post",
        lambda o: f"/team/technicians/{_tech(o)}/restore/",
        page(302, TEAM_OWNER),
    ),
    Row(
        "technician_skill_set",
        "get",
        lambda o: f"/team/technicians/{_tech(o)}/skills/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "technician_skill_remove",
        "post",
        lambda o: f"/team/technicians/{_tech(o)}/skills/{_team(o)['skill'].pk}/remove/",
        page(302, TEAM_OWNER),
    ),
    Row(
        "technician_cert_add",
        "get",
        lambda o: f"/team/technicians/{_tech(o)}/certifications/new/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "technician_cert_edit",
        "get",
        lambda o: f"/team/technicians/certifications/{_team(o)['held'].pk}/edit/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "technician_cert_remove",
        "post",
        lambda o: f"/team/technicians/certifications/{_team(o)['held'].pk}/remove/",
        page(302, TEAM_OWNER),
    ),
    Row("subcontractor_list", "get", lambda o: "/team/subcontractors/", page(200, STAFF)),
    Row(
        "subcontractor_create", "get", lambda o: "/team/subcontractors/new/", page(200, TEAM_OWNER)
    ),
    Row(
        "subcontractor_detail",
        "get",
        lambda o: f"/team/subcontractors/{_sub(o)}/",
        page(200, STAFF),
    ),
    Row(
        "subcontractor_edit",
        "get",
        lambda o: f"/team/subcontractors/{_sub(o)}/edit/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "subcontractor_archive",
        "post",
        lambda o: f"/team/subcontractors/{_sub(o)}/archive/",
        page(302, TEAM_OWNER),
    ),
    Row(
        "subcontractor_skill_set",
        "get",
        lambda o: f"/team/subcontractors/{_sub(o)}/skills/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "subcontractor_skill_remove",
        "post",
        lambda o: f"/team/subcontractors/{_sub(o)}/skills/{_team(o)['skill'].pk}/remove/",
        page(302, TEAM_OWNER),
    ),
    Row(
        "subcontractor_cert_add",
        "get",
        lambda o: f"/team/subcontractors/{_sub(o)}/certifications/new/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "subcontractor_cert_remove",
        "post",
        lambda o: f"/team/subcontractors/certifications/{_team(o)['sub_held'].pk}/remove/",
        page(302, TEAM_OWNER),
    ),
    Row("skill_list", "get", lambda o: "/team/skills/", page(200, STAFF)),
    Row("skill_create", "get", lambda o: "/team/skills/new/", page(200, TEAM_OWNER)),
    Row(
        "skill_edit",
        "get",
        lambda o: f"/team/skills/{_team(o)['skill'].pk}/edit/",
        page(200, TEAM_OWNER),
    ),
    Row("certification_list", "get", lambda o: "/team/certifications/", page(200, STAFF)),
    Row(
        "certification_create", "get", lambda o: "/team/certifications/new/", page(200, TEAM_OWNER)
    ),
    Row(
        "certification_detail",
        "get",
        lambda o: f"/team/certifications/{_team(o)['cert'].pk}/",
        page(200, STAFF),
    ),
    Row(
        "certification_edit",
        "get",
        lambda o: f"/team/certifications/{_team(o)['cert'].pk}/edit/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "certification_evidence_set",
        "get",
        lambda o: f"/team/certifications/{_team(o)['cert'].pk}/evidence/",
        page(200, TEAM_OWNER),
    ),
    Row(
        "certification_evidence_remove",
        "post",
        lambda o: (
            f"/team/certifications/{_team(o)['cert'].pk}/evidence/{_team(o)['skill'].pk}/remove/"
        ),
        page(302, TEAM_OWNER),
    ),
    Row("skills_matrix", "get", lambda o: "/team/matrix/", page(200, STAFF)),
    Row("skills_matrix_export", "get", lambda o: "/team/matrix/export/", page(200, STAFF)),
    # API
    Row("list_technicians", "get", lambda o: "/api/v1/technicians", api(200, STAFF)),
    Row(
        "create_technician",
        "post",
        lambda o: "/api/v1/technicians",
        api(201, TEAM_OWNER),
        body=lambda o: {"name": "Authz API Tech", "bill_rate": "90.00"},
        json=True,
    ),
    Row("get_technician", "get", lambda o: f"/api/v1/technicians/{_tech(o)}", api(200, STAFF)),
    Row(
        "update_technician",
        "patch",
        lambda o: f"/api/v1/technicians/{_tech(o)}",
        api(200, TEAM_OWNER),
        body=lambda o: {"notes": "Checked"},
        json=True,
    ),
    Row(
        "archive_technician",
        "delete",
        lambda o: f"/api/v1/technicians/{_tech(o)}",
        api(200, TEAM_OWNER),
    ),
    Row(
        "set_technician_skill",
        "put",
        lambda o: f"/api/v1/technicians/{_tech(o)}/skills/authz-skill",
        api(200, TEAM_OWNER),
        body=lambda o: {"proficiency": 3},
        json=True,
    ),
    Row(
        "remove_technician_skill",
        "delete",
        lambda o: f"/api/v1/technicians/{_tech(o)}/skills/authz-skill",
        api(204, TEAM_OWNER),
    ),
    Row("list_subcontractors", "get", lambda o: "/api/v1/subcontractors", api(200, STAFF)),
    Row(
        "create_subcontractor",
        "post",
        lambda o: "/api/v1/subcontractors",
        api(201, TEAM_OWNER),
        body=lambda o: {"company_name": "Authz API Sub"},
        json=True,
    ),
    Row("get_subcontractor", "get", lambda o: f"/api/v1/subcontractors/{_sub(o)}", api(200, STAFF)),
    Row(
        "update_subcontractor",
        "patch",
        lambda o: f"/api/v1/subcontractors/{_sub(o)}",
        api(200, TEAM_OWNER),
        body=lambda o: {"phone": "603-555-0100"},
        json=True,
    ),
    Row(
        "archive_subcontractor",
        "delete",
        lambda o: f"/api/v1/subcontractors/{_sub(o)}",
        api(200, TEAM_OWNER),
    ),
    Row("list_skills", "get", lambda o: "/api/v1/skills", api(200, STAFF)),
    Row("list_certifications", "get", lambda o: "/api/v1/certifications", api(200, STAFF)),
    Row(
        "get_certification",
        "get",
        lambda o: f"/api/v1/certifications/{_team(o)['cert'].pk}",
        api(200, STAFF),
    ),
]
# --- end team ---


# --- catalog (#5) ---
# Every staff role reads the catalog, competitors, gap analysis and plan; owner and dispatcher
# edit and accept remedies; client contacts get 404 everywhere. Rows are made lazily, once per
# test, through the catalog services; created names carry a counter (names are unique).
CATALOG_EDITORS = {"olivia", "dan"}
_catalog_seq = [0]


def _unique(prefix: str) -> str:
    _catalog_seq[0] += 1
    return f"{prefix} {_catalog_seq[0]}"


def _catalog(o: dict[str, Any]) -> dict[str, Any]:
    if "catalog" not in o:
        import datetime as dt

        from sweetspot.catalog import services as catalog_services
        from sweetspot.catalog.seed import ensure_skills
        from sweetspot.core.models import User

        skills = ensure_skills()
        # Nobody has Exchange development 5: an unstaffed gap with a "hire" remedy.
        service = catalog_services.create_service(
            None, {"name": "Authz service", "tier": "routine"}, {skills["exchange-dev"]: 5}
        )
        competitor = catalog_services.create_competitor(None, {"name": "Authz rival"})
        catalog_services.add_offering(None, competitor, name="Authz hosting")
        dan = User.objects.get(username="dan")
        item = catalog_services.accept_remedy(
            None,
            {
                "kind": "hire",
                "service": service,
                "gap": "Nobody can deliver it.",
                "description": "Hire for authz",
                "owner": dan,
                "due_date": dt.date(2099, 1, 1),
            },
        )
        o["catalog"] = {"service": service, "competitor": competitor, "item": item, "dan": dan}
    return o["catalog"]  # type: ignore[no-any-return]


def _svc(o: dict[str, Any]) -> int:
    return _catalog(o)["service"].pk  # type: ignore[no-any-return]


def _rival(o: dict[str, Any]) -> int:
    return _catalog(o)["competitor"].pk  # type: ignore[no-any-return]


def _plan_item(o: dict[str, Any]) -> int:
    return _catalog(o)["item"].pk  # type: ignore[no-any-return]


TABLE += [
    Row("service_list", "get", lambda o: "/catalog/services/", page(200, STAFF)),
    Row("service_create", "get", lambda o: "/catalog/services/new/", page(200, CATALOG_EDITORS)),
    Row(
        "requirement_row",
        "get",
        lambda o: "/catalog/services/requirement-row/",
        page(200, CATALOG_EDITORS),
    ),
    Row("service_detail", "get", lambda o: f"/catalog/services/{_svc(o)}/", page(200, STAFF)),
    Row(
        "service_edit",
        "get",
        lambda o: f"/catalog/services/{_svc(o)}/edit/",
        page(200, CATALOG_EDITORS),
    ),
    Row(
        "service_archive",
        "post",
        lambda o: f"/catalog/services/{_svc(o)}/archive/",
        page(302, CATALOG_EDITORS),
    ),
    Row(
        "service_restore",
        "post",
        lambda o: f"/catalog/services/{_svc(o)}/restore/",
        page(302, CATALOG_EDITORS),
    ),
    Row("competitor_list", "get", lambda o: "/catalog/competitors/", page(200, STAFF)),
    Row(
        "competitor_create",
        "get",
        lambda o: "/catalog/competitors/new/",
        page(200, CATALOG_EDITORS),
    ),
    Row(
        "competitor_detail",
        "get",
        lambda o: f"/catalog/competitors/{_rival(o)}/",
        page(200, STAFF),
    ),
    Row(
        "competitor_edit",
        "get",
        lambda o: f"/catalog/competitors/{_rival(o)}/edit/",
        page(200, CATALOG_EDITORS),
    ),
    Row(
        "competitor_archive",
        "post",
        lambda o: f"/catalog/competitors/{_rival(o)}/archive/",
        page(302, CATALOG_EDITORS),
    ),
    Row("gap_analysis", "get", lambda o: "/catalog/gaps/", page(200, STAFF)),
    Row(
        "remedy_accept",
        "get",
        lambda o: f"/catalog/gaps/accept/?gap=s:{_svc(o)}&remedy=hire:::",
        page(200, CATALOG_EDITORS),
    ),
    Row("plan_list", "get", lambda o: "/catalog/plan/", page(200, STAFF)),
    # No form data: nothing changes, the editor is sent back to the plan (302).
    Row(
        "plan_item_status",
        "post",
        lambda o: f"/catalog/plan/{_plan_item(o)}/status/",
        page(302, CATALOG_EDITORS),
    ),
    Row("list_services", "get", lambda o: "/api/v1/services", api(200, STAFF)),
    Row(
        "create_service",
        "post",
        lambda o: "/api/v1/services",
        api(201, CATALOG_EDITORS),
        body=lambda o: {"name": _unique("Authz API service")},
        json=True,
    ),
    Row("get_service", "get", lambda o: f"/api/v1/services/{_svc(o)}", api(200, STAFF)),
    Row(
        "update_service",
        "patch",
        lambda o: f"/api/v1/services/{_svc(o)}",
        api(200, CATALOG_EDITORS),
        body=lambda o: {"description": "Checked by the authorization table."},
        json=True,
    ),
    Row(
        "archive_service",
        "delete",
        lambda o: f"/api/v1/services/{_svc(o)}",
        api(200, CATALOG_EDITORS),
    ),
    Row(
        "get_service_depth",
        "get",
        lambda o: f"/api/v1/services/{_svc(o)}/depth",
        api(200, STAFF),
    ),
    Row("list_competitors", "get", lambda o: "/api/v1/competitors", api(200, STAFF)),
    Row(
        "create_competitor",
        "post",
        lambda o: "/api/v1/competitors",
        api(201, CATALOG_EDITORS),
        body=lambda o: {"name": _unique("Authz API rival")},
        json=True,
    ),
    Row(
        "get_competitor",
        "get",
        lambda o: f"/api/v1/competitors/{_rival(o)}",
        api(200, STAFF),
    ),
    Row(
        "update_competitor",
        "patch",
        lambda o: f"/api/v1/competitors/{_rival(o)}",
        api(200, CATALOG_EDITORS),
        body=lambda o: {"price_notes": "$90/h"},
        json=True,
    ),
    Row(
        "archive_competitor",
        "delete",
        lambda o: f"/api/v1/competitors/{_rival(o)}",
        api(200, CATALOG_EDITORS),
    ),
    Row("get_gap_analysis", "get", lambda o: "/api/v1/gap-analysis", api(200, STAFF)),
    Row("list_plan_items", "get", lambda o: "/api/v1/plan-items", api(200, STAFF)),
    Row(
        "create_plan_item",
        "post",
        lambda o: "/api/v1/plan-items",
        api(201, CATALOG_EDITORS),
        body=lambda o: {
            "kind": "hire",
            "gap": "Authz gap",
            "description": _unique("Authz hire"),
            "owner_id": _catalog(o)["dan"].pk,
            "due_date": "2099-01-01",
        },
        json=True,
    ),
    Row(
        "update_plan_item",
        "patch",
        lambda o: f"/api/v1/plan-items/{_plan_item(o)}",
        api(200, CATALOG_EDITORS),
        body=lambda o: {"status": "done"},
        json=True,
    ),
]
# --- end catalog ---


# --- agreements (#6) ---
# Plans: every staff role reads, the owner writes. Agreements are commercial documents: owner,
# dispatcher and sales read; owner and sales draft; the owner alone signs, cancels and expires.
# The promise check: owner, dispatcher, sales; revenue: the owner alone. The PDF: those three,
# plus a client contact for their own company's active agreements (Milo: Maple's, Hana: 404).
AGR_VIEWERS = {"olivia", "dan", "sam"}
AGR_DRAFTERS = {"olivia", "sam"}


def _agr(o: dict[str, Any]) -> dict[str, Any]:
    """A plan, a Maple Law draft and a Maple Law active agreement, made once per test."""
    if "agr" not in o:
        import datetime as dt
        from decimal import Decimal

        from sweetspot.agreements import services as agreement_services

        plan = agreement_services.create_plan(
            None, {"name": "Authz agreement plan", "monthly_fee": Decimal("1500.00")}, []
        )
        data = {"company": o["maple"], "plan": plan, "start_date": dt.date(2026, 1, 1)}
        draft = agreement_services.create_draft(None, data)
        active = agreement_services.activate(None, agreement_services.create_draft(None, data))
        o["agr"] = {"plan": plan, "draft": draft, "active": active}
    return o["agr"]  # type: ignore[no-any-return]


def _agr_plan(o: dict[str, Any]) -> int:
    return _agr(o)["plan"].pk  # type: ignore[no-any-return]


def _agr_draft(o: dict[str, Any]) -> int:
    return _agr(o)["draft"].pk  # type: ignore[no-any-return]


def _agr_term(o: dict[str, Any]) -> int:
    """A new active Maple Law agreement for a year, each later than the last (and than its
    renewal), so it can be renewed once."""
    from sweetspot.agreements import services as agreement_services

    o["agr_terms"] = o.get("agr_terms", 0) + 1
    year = 2030 + 2 * o["agr_terms"]
    data = {
        "company": o["maple"],
        "plan": _agr(o)["plan"],
        "start_date": dt.date(year, 1, 1),
        "end_date": dt.date(year, 12, 31),
    }
    draft = agreement_services.create_draft(None, data)
    return agreement_services.activate(None, draft).pk  # type: ignore[no-any-return]


def _agr_active(o: dict[str, Any]) -> int:
    return _agr(o)["active"].pk  # type: ignore[no-any-return]


TABLE += [
    Row("agreement_plan_list", "get", lambda o: "/agreements/plans/", page(200, STAFF)),
    Row(
        "agreement_plan_detail",
        "get",
        lambda o: f"/agreements/plans/{_agr_plan(o)}/",
        page(200, STAFF),
    ),
    Row("agreement_plan_create", "get", lambda o: "/agreements/plans/new/", page(200, {"olivia"})),
    Row(
        "agreement_plan_edit",
        "get",
        lambda o: f"/agreements/plans/{_agr_plan(o)}/edit/",
        page(200, {"olivia"}),
    ),
    Row("agreement_list", "get", lambda o: "/agreements/", page(200, AGR_VIEWERS)),
    Row("agreement_create", "get", lambda o: "/agreements/new/", page(200, AGR_DRAFTERS)),
    Row(
        "agreement_detail",
        "get",
        lambda o: f"/agreements/{_agr_draft(o)}/",
        page(200, AGR_VIEWERS),
    ),
    Row(
        "agreement_edit",
        "get",
        lambda o: f"/agreements/{_agr_draft(o)}/edit/",
        page(200, AGR_DRAFTERS),
    ),
    Row(
        "agreement_activate",
        "post",
        lambda o: f"/agreements/{_agr_draft(o)}/activate/",
        page(302, {"olivia"}),
    ),
    Row(
        "agreement_cancel",
        "post",
        lambda o: f"/agreements/{_agr_draft(o)}/cancel/",
        page(302, {"olivia"}),
    ),
    Row(
        "agreement_expire",
        "post",
        lambda o: f"/agreements/{_agr_active(o)}/expire/",
        page(302, {"olivia"}),
    ),
    Row(
        "agreement_pdf",
        "get",
        lambda o: f"/agreements/{_agr_active(o)}/pdf/",
        page(200, AGR_VIEWERS | {"milo"}),
    ),
    Row("my_agreements", "get", lambda o: "/agreements/mine/", page(200, {"hana", "milo"})),
    Row(
        "agreements_promise_check", "get", lambda o: "/agreements/promise/", page(200, AGR_VIEWERS)
    ),
    Row(
        "agreements_promise_summary",
        "get",
        lambda o: "/agreements/promise/summary/",
        page(200, AGR_VIEWERS),
    ),
    Row("agreements_revenue", "get", lambda o: "/agreements/revenue/", page(200, {"olivia"})),
    Row("list_plans", "get", lambda o: "/api/v1/plans", api(200, STAFF)),
    Row("get_plan", "get", lambda o: f"/api/v1/plans/{_agr_plan(o)}", api(200, STAFF)),
    Row(
        "create_plan",
        "post",
        lambda o: "/api/v1/plans",
        api(201, {"olivia"}),
        body=lambda o: {"name": "Authz API plan", "monthly_fee": "1200.00"},
        json=True,
    ),
    Row(
        "update_plan",
        "patch",
        lambda o: f"/api/v1/plans/{_agr_plan(o)}",
        api(200, {"olivia"}),
        body=lambda o: {"description": "Edited"},
        json=True,
    ),
    Row("list_agreements", "get", lambda o: "/api/v1/agreements", api(200, AGR_VIEWERS)),
    Row(
        "create_agreement",
        "post",
        lambda o: "/api/v1/agreements",
        api(201, AGR_DRAFTERS),
        body=lambda o: {
            "company_id": o["maple"].pk,
            "plan_id": _agr_plan(o),
            "start_date": "2026-02-01",
        },
        json=True,
    ),
    Row(
        "get_agreement",
        "get",
        lambda o: f"/api/v1/agreements/{_agr_draft(o)}",
        api(200, AGR_VIEWERS),
    ),
    Row(
        "activate_agreement",
        "post",
        lambda o: f"/api/v1/agreements/{_agr_draft(o)}/activate",
        api(200, {"olivia"}),
    ),
    Row(
        "cancel_agreement",
        "post",
        lambda o: f"/api/v1/agreements/{_agr_draft(o)}/cancel",
        api(200, {"olivia"}),
    ),
    Row(
        "expire_agreement",
        "post",
        lambda o: f"/api/v1/agreements/{_agr_active(o)}/expire",
        api(200, {"olivia"}),
    ),
    # A fresh active term with an end date per request (_agr_term), so each drafter renews one.
    Row(
        "renew_agreement",
        "post",
        lambda o: f"/api/v1/agreements/{_agr_term(o)}/renew",
        api(201, AGR_DRAFTERS),
        body=lambda o: {"terms": "same"},
        json=True,
    ),
    Row("get_revenue", "get", lambda o: "/api/v1/revenue", api(200, {"olivia"})),
    Row("get_promise_check", "get", lambda o: "/api/v1/promise-check", api(200, AGR_VIEWERS)),
]
# --- end agreements ---


# --- desk time and visits (#7) ---
# Timesheet: a technician their own, owner and dispatcher anyone's; the timer: whoever is
# linked to a technician (Tara here); billable hours: owner and dispatcher. Visits: owner and
# dispatcher see and manage all, a technician sees (and ticks) their own. The iCal feed needs
# no login: the secret key is the credential (200 for everyone); a revoked key is 404.
TIMESHEET = {"tara", "dan", "olivia"}
DESK_MANAGERS = {"dan", "olivia"}


def _desk(o: dict[str, Any]) -> dict[str, Any]:
    """Tara's technician, a Maple Law visit for her, a live and a revoked feed key."""
    if "desk_time" not in o:
        import datetime as dt

        from django.utils import timezone

        from sweetspot.core.models import User
        from sweetspot.desk import visit_services
        from sweetspot.team.models import Technician

        tara = User.objects.get(username="tara")
        tech = Technician.objects.filter(user=tara).first() or Technician.objects.create(
            name="Tara Tran", user=tara
        )
        start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
        visit = visit_services.schedule_visit(
            None,
            {
                "company": o["maple"],
                "site": o["maple_site"],
                "technician": tech,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=4),
                "purpose": "Authz visit",
            },
        )
        feed, key = visit_services.create_feed(None, tech)
        revoked, revoked_key = visit_services.create_feed(None, tech)
        visit_services.revoke_feed(None, revoked)
        o["desk_time"] = {
            "tech": tech,
            "visit": visit,
            "feed": feed,
            "key": key,
            "revoked_key": revoked_key,
        }
    return o["desk_time"]  # type: ignore[no-any-return]


def _desk_entry(o: dict[str, Any]) -> int:
    """A fresh entry per request, so every allowed persona has one to delete."""
    from django.utils import timezone

    from sweetspot.desk import time_services

    entry = time_services.log_entry(
        None,
        {
            "technician": _desk(o)["tech"],
            "company": o["maple"],
            "work_date": timezone.localdate(),
            "minutes": 30,
        },
    )
    return entry.pk


def _visit(o: dict[str, Any]) -> int:
    return _desk(o)["visit"].pk  # type: ignore[no-any-return]


def _fresh_visit(o: dict[str, Any], past: bool = False) -> int:
    """A new scheduled Maple Law visit of Tara's per request, a day apart from the others
    (past: already started, so it can be marked done)."""
    from django.utils import timezone

    from sweetspot.desk import visit_services

    o["fresh_visits"] = o.get("fresh_visits", 0) + 1
    offset = dt.timedelta(days=40 + o["fresh_visits"])
    start = timezone.now().replace(microsecond=0) + (-offset if past else offset)
    o["fresh_visit"] = visit_services.schedule_visit(
        None,
        {
            "company": o["maple"],
            "technician": _desk(o)["tech"],
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=4),
            "purpose": "Authz fresh visit",
        },
    )
    return o["fresh_visit"].pk  # type: ignore[no-any-return]


def _next_day(o: dict[str, Any]) -> int:
    o["visit_day"] = o.get("visit_day", 1) + 1
    return o["visit_day"]  # type: ignore[no-any-return]


TABLE += [
    Row("timesheet", "get", lambda o: (_desk(o), "/time/")[1], page(200, TIMESHEET)),
    Row(
        "entry_delete",
        "post",
        lambda o: f"/time/entries/{_desk_entry(o)}/delete/",
        page(302, TIMESHEET),
    ),
    Row("timer", "get", lambda o: (_desk(o), "/time/timer/")[1], page(200, {"tara"})),
    # Search from the header: every logged-in persona, scoped (issue 14 item 6).
    Row("results", "get", lambda o: "/search/?q=harbor", page(200, set(PERSONAS) - {"anon"})),
    # The header's running-timer badge: empty for staff without a technician (issue 14 item 5).
    Row("timer_indicator", "get", lambda o: "/time/timer/indicator/", page(200, STAFF)),
    Row("timer_start", "post", lambda o: (_desk(o), "/time/timer/start/")[1], page(302, {"tara"})),
    # Stopping with no running timer answers the widget with the error.
    Row("timer_stop", "post", lambda o: (_desk(o), "/time/timer/stop/")[1], page(200, {"tara"})),
    Row("feed_create", "post", lambda o: (_desk(o), "/time/feeds/new/")[1], page(302, TIMESHEET)),
    Row(
        "feed_revoke",
        "post",
        lambda o: f"/time/feeds/{_desk(o)['feed'].pk}/revoke/",
        page(302, TIMESHEET),
    ),
    Row("billable", "get", lambda o: "/time/billable/", page(200, DESK_MANAGERS)),
    Row("calendar", "get", lambda o: (_desk(o), "/visits/")[1], page(200, TIMESHEET)),
    Row("visit_create", "get", lambda o: "/visits/new/", page(200, DESK_MANAGERS)),
    Row(
        "generate",
        "post",
        lambda o: f"/visits/generate/?agreement={_agr_active(o)}&technician={_desk(o)['tech'].pk}",
        page(302, DESK_MANAGERS),
    ),
    Row("feed", "get", lambda o: f"/visits/feed/{_desk(o)['key']}.ics", {p: 200 for p in PERSONAS}),
    Row(
        "feed_revoked_key",
        "get",
        lambda o: f"/visits/feed/{_desk(o)['revoked_key']}.ics",
        {p: 404 for p in PERSONAS},
    ),
    Row("visit_detail", "get", lambda o: f"/visits/{_visit(o)}/", page(200, TIMESHEET)),
    Row("visit_edit", "get", lambda o: f"/visits/{_visit(o)}/edit/", page(200, DESK_MANAGERS)),
    Row(
        "visit_cancel",
        "post",
        lambda o: f"/visits/{_visit(o)}/cancel/",
        page(302, DESK_MANAGERS),
    ),
    Row(
        "visit_tick",
        "post",
        lambda o: f"/visits/{_visit(o)}/checklist/0/",
        page(302, TIMESHEET),
    ),
    Row(
        "visit_reschedule",
        "get",
        lambda o: f"/visits/{_visit(o)}/reschedule/",
        page(200, DESK_MANAGERS),
    ),
    # An empty body is refused with field errors (200); the visit's technician may mark it.
    Row("visit_done", "post", lambda o: f"/visits/{_visit(o)}/done/", page(200, TIMESHEET)),
    Row(
        "list_time_entries",
        "get",
        lambda o: (_desk(o), "/api/v1/time-entries")[1],
        api(200, TIMESHEET),
    ),
    Row(
        "create_time_entry",
        "post",
        lambda o: "/api/v1/time-entries",
        api(201, TIMESHEET),
        body=lambda o: {
            "technician_id": _desk(o)["tech"].pk,
            "company_id": o["maple"].pk,
            "work_date": "2026-03-02",
            "minutes": 30,
        },
        json=True,
    ),
    # A client contact lists their own company's visits (Hana: an empty list, Milo: Maple's).
    Row(
        "list_visits",
        "get",
        lambda o: (_desk(o), "/api/v1/visits")[1],
        api(200, TIMESHEET | {"hana", "milo"}),
    ),
    Row(
        "create_visit",
        "post",
        lambda o: "/api/v1/visits",
        api(201, DESK_MANAGERS),
        # A new day per request: a technician is never booked twice (issue 14 item 9).
        body=lambda o: {
            "company_id": o["maple"].pk,
            "technician_id": _desk(o)["tech"].pk,
            "starts_at": f"2026-03-{_next_day(o):02d}T14:00:00Z",
            "ends_at": f"2026-03-{o['visit_day']:02d}T18:00:00Z",
            "purpose": "Authz API visit",
        },
        json=True,
    ),
    # One visit (the Maple Law one: Milo reads it, Hana gets 404) and its actions, each on a
    # fresh visit of Tara's (_fresh_visit) so every allowed persona finds it scheduled.
    Row(
        "get_visit", "get", lambda o: f"/api/v1/visits/{_visit(o)}", api(200, TIMESHEET | {"milo"})
    ),
    Row(
        "mark_visit_done",
        "post",
        lambda o: f"/api/v1/visits/{_fresh_visit(o, past=True)}/done",
        api(200, TIMESHEET),
        body=lambda o: {"minutes": 60, "done_items": [0]},
        json=True,
    ),
    Row(
        "reschedule_visit",
        "post",
        lambda o: f"/api/v1/visits/{_fresh_visit(o)}/reschedule",
        api(200, DESK_MANAGERS),
        body=lambda o: {
            "starts_at": (o["fresh_visit"].starts_at + dt.timedelta(hours=6)).isoformat(),
            "ends_at": (o["fresh_visit"].starts_at + dt.timedelta(hours=8)).isoformat(),
        },
        json=True,
    ),
    Row(
        "cancel_visit",
        "post",
        lambda o: f"/api/v1/visits/{_fresh_visit(o)}/cancel",
        api(200, DESK_MANAGERS),
    ),
]
# --- end desk time and visits ---


# --- desk tickets (#7) ---
# Queue and ticket pages: every staff role reads; owner, dispatcher and technician move a
# ticket along; owner and dispatcher assign; "my tickets" is the technician's. Client contacts
# use the portal for their own company's tickets (the ticket is Maple Law's: Milo 200,
# Hana 404). The API follows the same roles; a contact's company is fixed (Hana naming Maple
# Law when opening a ticket gets 422).
DESK_WORKERS = {"olivia", "dan", "tara"}
DESK_DISPATCHERS = {"olivia", "dan"}
CLIENTS = {"hana", "milo"}


def _desk_ticket(o: dict[str, Any]) -> int:
    """A Maple Law ticket and a technician to assign, made once per test."""
    if "desk_ticket" not in o:
        from sweetspot.desk import services as desk_services
        from sweetspot.team.models import Technician

        o["desk_tech"] = Technician.objects.create(name="Authz Tech")
        o["desk_ticket"] = desk_services.open_ticket(
            None, {"company": o["maple"], "subject": "Authz ticket"}
        )
    return o["desk_ticket"].pk  # type: ignore[no-any-return]


def _desk_tech(o: dict[str, Any]) -> str:
    _desk_ticket(o)
    return f"t{o['desk_tech'].pk}"


TABLE += [
    Row("queue", "get", lambda o: "/desk/queue/", page(200, STAFF)),
    Row("my_tickets", "get", lambda o: "/desk/mine/", page(200, {"tara"})),
    Row("ticket_create", "get", lambda o: "/desk/tickets/new/", page(200, STAFF)),
    Row("ticket_detail", "get", lambda o: f"/desk/tickets/{_desk_ticket(o)}/", page(200, STAFF)),
    Row(
        "ticket_edit",
        "get",
        lambda o: f"/desk/tickets/{_desk_ticket(o)}/edit/",
        page(200, DESK_WORKERS),
    ),
    Row(
        "ticket_assign",
        "post",
        lambda o: f"/desk/tickets/{_desk_ticket(o)}/assign/",
        page(302, DESK_DISPATCHERS),
    ),
    # No text posted: the page comes back with the field error (422), nothing is saved.
    Row(
        "ticket_comment",
        "post",
        lambda o: f"/desk/tickets/{_desk_ticket(o)}/comment/",
        page(422, STAFF),
    ),
    Row(
        "ticket_transition",
        "post",
        lambda o: f"/desk/tickets/{_desk_ticket(o)}/resolve/",
        page(302, DESK_WORKERS),
    ),
    Row("portal_list", "get", lambda o: "/desk/portal/", page(200, CLIENTS)),
    Row("portal_create", "get", lambda o: "/desk/portal/new/", page(200, CLIENTS)),
    Row("portal_detail", "get", lambda o: f"/desk/portal/{_desk_ticket(o)}/", page(200, {"milo"})),
    # No text posted: the page comes back with the field error (422), nothing is saved.
    Row(
        "portal_comment",
        "post",
        lambda o: f"/desk/portal/{_desk_ticket(o)}/comment/",
        page(422, {"milo"}),
    ),
    Row("list_tickets", "get", lambda o: "/api/v1/tickets", api(200, ALL_LOGGED_IN)),
    Row(
        "create_ticket",
        "post",
        lambda o: "/api/v1/tickets",
        api(201, STAFF | {"milo"}) | {"hana": 422},
        body=lambda o: {"company_id": o["maple"].pk, "subject": "API ticket", "priority": "P2"},
        json=True,
    ),
    Row(
        "get_ticket",
        "get",
        lambda o: f"/api/v1/tickets/{_desk_ticket(o)}",
        api(200, MAPLE_VIEWERS),
    ),
    Row(
        "update_ticket",
        "patch",
        lambda o: f"/api/v1/tickets/{_desk_ticket(o)}",
        api(200, DESK_WORKERS),
        body=lambda o: {"priority": "P1"},
        json=True,
    ),
    Row(
        "add_comment",
        "post",
        lambda o: f"/api/v1/tickets/{_desk_ticket(o)}/comments",
        api(201, MAPLE_VIEWERS),
        body=lambda o: {"body": "Any news?", "internal": False},
        json=True,
    ),
    Row(
        "ticket_suggestions",
        "get",
        lambda o: f"/api/v1/tickets/{_desk_ticket(o)}/suggestions",
        api(200, STAFF),
    ),
    Row(
        "assign_ticket",
        "post",
        lambda o: f"/api/v1/tickets/{_desk_ticket(o)}/assign",
        api(200, DESK_DISPATCHERS),
        body=lambda o: {"person": _desk_tech(o)},
        json=True,
    ),
]
# --- end desk tickets ---


# --- desk batch (#7) ---
# Batch dispatch (preview the optimal plan for the unassigned queue, accept it): owner and
# dispatcher only, page and API; everyone else 404.
def _batch_run(o: dict[str, Any]) -> int:
    """A background batch-dispatch run (#18), still solving: any dispatcher may follow it."""
    from sweetspot.core.models import Job, User

    if "batch_run" not in o:
        o["batch_run"] = Job.objects.create(
            kind="batch_dispatch",
            created_by=User.objects.get(username="dan"),
            total=4,
            result={"queue": "x", "size": 500},
        )
    return int(o["batch_run"].pk)


TABLE += [
    Row("batch_preview", "get", lambda o: "/desk/batch/", page(200, DESK_DISPATCHERS)),
    Row("batch_accept", "post", lambda o: "/desk/batch/accept/", page(302, DESK_DISPATCHERS)),
    Row(
        "batch_run",
        "get",
        lambda o: f"/desk/batch/runs/{_batch_run(o)}/",
        page(200, DESK_DISPATCHERS),
    ),
    Row(
        "dispatch_batch_preview",
        "post",
        lambda o: "/api/v1/dispatch/batch/preview",
        api(200, DESK_DISPATCHERS),
    ),
    Row(
        "dispatch_batch_accept",
        "post",
        lambda o: "/api/v1/dispatch/batch/accept",
        api(200, DESK_DISPATCHERS),
    ),
    Row(
        "dispatch_batch_run",
        "get",
        lambda o: f"/api/v1/dispatch/batch/runs/{_batch_run(o)}",
        api(200, DESK_DISPATCHERS),
    ),
]
# --- end desk batch ---


# time entry edit (#7)
# Editing or deleting one time entry, page and API: the timesheet's roles (Tara's own entry
# here, so Tara, Dan, Olivia and Dan's token); everyone else 404 (the API's anonymous 401).
# A fresh entry per request (_desk_entry), so each persona has one to change or delete.
TABLE += [
    Row(
        "entry_edit",
        "get",
        lambda o: f"/time/entries/{_desk_entry(o)}/edit/",
        page(200, TIMESHEET),
    ),
    Row(
        "update_time_entry",
        "patch",
        lambda o: f"/api/v1/time-entries/{_desk_entry(o)}",
        api(200, TIMESHEET),
        body=lambda o: {"note": "Authz edit", "minutes": 45},
        json=True,
    ),
    Row(
        "delete_time_entry",
        "delete",
        lambda o: f"/api/v1/time-entries/{_desk_entry(o)}",
        api(204, TIMESHEET),
    ),
]
# --- end time entry edit ---


# --- billing (#12) ---
# Billing staff (can_run_billing: Olivia; Dan only when the owner ticks "may run billing",
# which the demo persona does not have, so Dan and his token get 404) run billing and manage
# invoices and items. A client contact reads their own company's issued invoices, their PDFs
# and credit notes: the invoices here are Maple Law's (Milo 200, Hana 404); drafts are never
# shown to a client.
BILLERS = {"olivia"}
INVOICE_READERS = {"olivia", "milo"}


def _billing(o: dict[str, Any]) -> dict[str, Any]:
    """Maple Law: an issued invoice (two item lines, one credited by a credit note) and a
    draft with one item line, made once per test."""
    if "billing" not in o:
        import datetime as dt

        from sweetspot.billing import services as billing_services
        from sweetspot.billing.models import Invoice

        month = dt.date.today().replace(day=1)
        last = month - dt.timedelta(days=1)

        def item(name: str) -> None:
            billing_services.create_item(
                None,
                {"company": o["maple"], "date": last, "description": name, "unit_price": 10},
            )

        item("Authz cable")
        item("Authz mouse")
        billing_services.prepare_run(month)
        issued = billing_services.issue(None, Invoice.objects.get(company=o["maple"]))
        note = billing_services.credit(None, issued, [issued.lines.first().pk])
        item("Authz keyboard")
        billing_services.prepare_run(month)
        draft = Invoice.objects.get(company=o["maple"], status="draft")
        o["billing"] = {
            "issued": issued,
            "note": note,
            "draft": draft,
            "line": draft.lines.first(),
            "month": f"{month:%Y-%m}",
        }
    return o["billing"]  # type: ignore[no-any-return]


def _inv(o: dict[str, Any], key: str = "issued") -> int:
    return _billing(o)[key].pk  # type: ignore[no-any-return]


TABLE += [
    Row("billing_run", "get", lambda o: "/billing/run/", page(200, BILLERS)),
    Row("billing_run_prepare", "post", lambda o: "/billing/run/prepare/", page(302, BILLERS)),
    Row("invoice_list", "get", lambda o: "/billing/invoices/", page(200, BILLERS | CLIENTS)),
    Row(
        "invoice_detail",
        "get",
        lambda o: f"/billing/invoices/{_inv(o)}/",
        page(200, INVOICE_READERS),
    ),
    Row(
        "invoice_pdf",
        "get",
        lambda o: f"/billing/invoices/{_inv(o)}/pdf/",
        page(200, INVOICE_READERS),
    ),
    Row(
        "invoice_add_line",
        "post",
        lambda o: f"/billing/invoices/{_inv(o, 'draft')}/lines/",
        page(302, BILLERS),
    ),
    Row(
        "invoice_discount",
        "post",
        lambda o: f"/billing/invoices/{_inv(o, 'draft')}/discount/",
        page(302, BILLERS),
    ),
    Row(
        "invoice_remove_line",
        "post",
        lambda o: f"/billing/invoices/{_inv(o, 'draft')}/lines/{_billing(o)['line'].pk}/remove/",
        page(302, BILLERS),
    ),
    Row(
        "invoice_notes",
        "post",
        lambda o: f"/billing/invoices/{_inv(o, 'draft')}/notes/",
        page(302, BILLERS),
    ),
    Row(
        "invoice_regenerate",
        "post",
        lambda o: f"/billing/invoices/{_inv(o, 'draft')}/regenerate/",
        page(302, BILLERS),
    ),
    Row(
        "invoice_issue",
        "post",
        lambda o: f"/billing/invoices/{_inv(o, 'draft')}/issue/",
        page(302, BILLERS),
    ),
    Row(
        "invoice_credit",
        "post",
        lambda o: f"/billing/invoices/{_inv(o)}/credit/",
        page(302, BILLERS),
    ),
    Row(
        "credit_note_detail",
        "get",
        lambda o: f"/billing/credit-notes/{_inv(o, 'note')}/",
        page(200, INVOICE_READERS),
    ),
    Row("billing_items", "get", lambda o: "/billing/items/", page(200, BILLERS)),
    Row(
        "billing_item_delete",
        "post",
        lambda o: f"/billing/items/{_billing(o)['line'].work.first().item_id}/delete/",
        page(302, BILLERS),
    ),
    Row(
        "preview_billing_run",
        "get",
        lambda o: f"/api/v1/billing/run?month={_billing(o)['month']}",
        api(200, BILLERS),
    ),
    Row(
        "prepare_billing_run",
        "post",
        lambda o: "/api/v1/billing/run",
        api(200, BILLERS),
        body=lambda o: {"month": _billing(o)["month"]},
        json=True,
    ),
    Row("list_invoices", "get", lambda o: "/api/v1/invoices", api(200, BILLERS | CLIENTS)),
    Row("get_invoice", "get", lambda o: f"/api/v1/invoices/{_inv(o)}", api(200, INVOICE_READERS)),
    Row(
        "issue_invoice",
        "post",
        lambda o: f"/api/v1/invoices/{_inv(o, 'draft')}/issue",
        api(200, BILLERS),
    ),
    Row(
        "credit_invoice",
        "post",
        lambda o: f"/api/v1/invoices/{_inv(o)}/credit",
        api(201, BILLERS),
        body=lambda o: {"reason": "Authz"},
        json=True,
    ),
]
# --- end billing ---


# --- billing II (#16) ---
# Sending, payments, client credit, receivables, exports and settings are billing staff's;
# profitability (costs and margins) the owner's alone, so Dan's token gets 404 there too; a
# client contact reads their own company's statement and the payments of its invoices
# (Maple Law's: Milo 200, Hana 404). The issued invoice owes 10.00, so a payment of 1.00
# succeeds; there is no client credit, so applying it is refused (422) once past the gate.
def _export(o: dict[str, Any]) -> int:
    if "export" not in o:
        import datetime as dt

        from sweetspot.billing import ar_services

        issued = _billing(o)["issued"]
        o["export"] = ar_services.create_export(
            None, "iif", issued.date, issued.date + dt.timedelta(days=40)
        )
    return o["export"].pk  # type: ignore[no-any-return]


TABLE += [
    Row("invoice_send", "post", lambda o: f"/billing/invoices/{_inv(o)}/send/", page(302, BILLERS)),
    Row(
        "invoice_payment",
        "post",
        lambda o: f"/billing/invoices/{_inv(o)}/payments/",
        page(302, BILLERS),
        body=lambda o: {"date": "2026-12-01", "amount": "1.00", "method": "check"},
    ),
    Row(
        "invoice_apply_credit",
        "post",
        lambda o: f"/billing/invoices/{_inv(o)}/apply-credit/",
        page(302, BILLERS),
    ),
    Row("receivables", "get", lambda o: "/billing/receivables/", page(200, BILLERS)),
    Row(
        "statement_pdf",
        "get",
        lambda o: f"/billing/statements/{o['maple'].pk}/pdf/",
        page(200, INVOICE_READERS),
    ),
    Row("export_list", "get", lambda o: "/billing/exports/", page(200, BILLERS)),
    Row(
        "export_download",
        "get",
        lambda o: f"/billing/exports/{_export(o)}/download/",
        page(200, BILLERS),
    ),
    Row("billing_settings", "get", lambda o: "/billing/settings/", page(200, BILLERS)),
    Row("profitability", "get", lambda o: "/billing/profitability/", page(200, {"olivia"})),
    Row(
        "send_invoice",
        "post",
        lambda o: f"/api/v1/invoices/{_inv(o)}/send",
        api(201, BILLERS),
        body=lambda o: {},
        json=True,
    ),
    Row(
        "list_payments",
        "get",
        lambda o: f"/api/v1/invoices/{_inv(o)}/payments",
        api(200, INVOICE_READERS),
    ),
    Row(
        "record_payment",
        "post",
        lambda o: f"/api/v1/invoices/{_inv(o)}/payments",
        api(201, BILLERS),
        body=lambda o: {"amount": "1.00", "method": "ach"},
        json=True,
    ),
    Row(
        "apply_credit",
        "post",
        lambda o: f"/api/v1/invoices/{_inv(o)}/apply-credit",
        api(422, BILLERS),
        body=lambda o: {},
        json=True,
    ),
    Row("receivables_api", "get", lambda o: "/api/v1/receivables", api(200, BILLERS)),
    Row("list_exports", "get", lambda o: "/api/v1/exports", api(200, BILLERS)),
    Row(
        "create_export",
        "post",
        lambda o: "/api/v1/exports",
        api(201, BILLERS),
        body=lambda o: {
            "format": "xero",
            "date_from": f"{_billing(o)['issued'].date:%Y-%m-%d}",
            "date_to": f"{_billing(o)['issued'].date:%Y-%m-%d}",
            "include_exported": True,
        },
        json=True,
    ),
    Row(
        "export_file",
        "get",
        lambda o: f"/api/v1/exports/{_export(o)}/file",
        api(200, BILLERS),
    ),
    Row(
        "profitability_report",
        "get",
        lambda o: "/api/v1/profitability?period=2026-Q4",
        api(200, {"olivia"}),
    ),
]
# --- end billing II ---


# --- mail in (#13) ---
# The quarantine (held and failed mail, the message page and its actions) is the owner's and
# the dispatcher's. An attachment is served to whoever may see its ticket (a Maple Law ticket:
# staff and Milo; Hana 404); a held message's attachment (no ticket yet) to the quarantine's
# people only.
MAIL_TRIAGE = {"olivia", "dan"}


def _mail(o: dict[str, Any]) -> dict[str, Any]:
    """A held message, a failed one and two stored attachments, made once per test."""
    if "mail" not in o:
        from sweetspot.mail.intake import attachment_path  # the mail app sits above desk
        from sweetspot.mail.models import InboundMessage, MailAttachment  # likewise

        held = InboundMessage.objects.create(
            message_id="authz-held@example.com",
            source="pipe",
            received_at="2026-12-01T09:00:00Z",
            sender="stranger@example.com",
            subject="Authz held",
            status="quarantined",
            action="quarantine",
            reason="unknown_sender",
            body="Hello",
            decision={"title": "Authz held", "attachments": [], "notes": []},
        )
        failed = InboundMessage.objects.create(
            message_id="authz-failed@example.com",
            source="pipe",
            received_at="2026-12-01T09:00:00Z",
            sender="stranger@example.com",
            subject="Authz failed",
            status="failed",
            error="RuntimeError: authz",
            raw=b"From: stranger@example.com\nSubject: Authz failed\n\nHello\n",
        )
        path = attachment_path("authz-attachment")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 authz")
        on_ticket = MailAttachment.objects.create(
            message=held,
            ticket_id=_desk_ticket(o),
            filename="report.pdf",
            content_type="application/pdf",
            size=14,
            accepted=True,
            stored_name="authz-attachment",
        )
        in_quarantine = MailAttachment.objects.create(
            message=held,
            filename="held.pdf",
            content_type="application/pdf",
            size=14,
            accepted=True,
            stored_name="authz-attachment",
        )
        o["mail"] = {
            "held": held.pk,
            "failed": failed.pk,
            "on_ticket": on_ticket.pk,
            "in_quarantine": in_quarantine.pk,
        }
    return o["mail"]  # type: ignore[no-any-return]


TABLE += [
    Row("quarantine", "get", lambda o: "/mail/quarantine/", page(200, MAIL_TRIAGE)),
    Row(
        "message_detail",
        "get",
        lambda o: f"/mail/messages/{_mail(o)['held']}/",
        page(200, MAIL_TRIAGE),
    ),
    Row(
        "message_file",
        "post",
        lambda o: f"/mail/messages/{_mail(o)['held']}/ticket/",
        page(302, MAIL_TRIAGE),
    ),
    Row(
        "message_discard",
        "post",
        lambda o: f"/mail/messages/{_mail(o)['held']}/discard/",
        page(302, MAIL_TRIAGE),
    ),
    Row(
        "message_retry",
        "post",
        lambda o: f"/mail/messages/{_mail(o)['failed']}/retry/",
        page(302, MAIL_TRIAGE),
    ),
    Row(
        "attachment",
        "get",
        lambda o: f"/mail/attachments/{_mail(o)['on_ticket']}/",
        page(200, MAPLE_VIEWERS),
    ),
    Row(
        "attachment",
        "get",
        lambda o: f"/mail/attachments/{_mail(o)['in_quarantine']}/",
        page(200, MAIL_TRIAGE),
    ),
]
# --- end mail in ---


# --- mail out (#17) ---
# Everyone chooses their own notifications; the rota is the owner's and the dispatcher's; the
# page acknowledgement is reached from the mail with its token as the credential (no login at
# 2 a.m.), so every persona and anonymous get the page; a wrong token is a 404.
ROTA = {"olivia", "dan"}


def _rota(o: dict[str, Any]) -> dict[str, Any]:
    if "rota" not in o:
        import datetime as dt

        from sweetspot.mail import services as mail_services  # the mail app sits above desk
        from sweetspot.mail.models import Page  # likewise
        from sweetspot.team.models import Technician

        tech = Technician.objects.create(name="Authz On Call")
        member = mail_services.add_rota_member(None, tech)
        swap = mail_services.add_swap(None, tech, dt.date(2026, 12, 12), 1)
        page = Page.objects.create(
            ticket_id=_desk_ticket(o),
            opened_at="2026-12-12T07:00:00Z",
            paged_at="2026-12-12T07:00:00Z",
            token="authz-page-token",
        )
        o["rota"] = {"member": member.pk, "swap": swap.pk, "page": page.token}
    return o["rota"]  # type: ignore[no-any-return]


TABLE += [
    Row("preferences", "get", lambda o: "/mail/preferences/", page(200, ALL_LOGGED_IN)),
    Row("rota", "get", lambda o: "/mail/rota/", page(200, ROTA)),
    Row(
        "rota_member",
        "post",
        lambda o: f"/mail/rota/members/{_rota(o)['member']}/",
        page(302, ROTA),
    ),
    Row(
        "swap_cancel",
        "post",
        lambda o: f"/mail/rota/swaps/{_rota(o)['swap']}/cancel/",
        page(302, ROTA),
    ),
    Row(
        "page_ack",
        "get",
        lambda o: f"/mail/pages/{_rota(o)['page']}/",
        {p: 200 for p in PERSONAS},
    ),
]
# --- end mail out ---


# --- people and password reset (issue 14) ---
def _user_pk(username: str) -> int:
    from sweetspot.core.models import User

    return int(User.objects.get(username=username).pk)


EVERYONE = {p: 200 for p in PERSONAS}
TABLE += [
    Row("password_reset", "get", lambda o: "/password/reset/", EVERYONE),
    Row("password_reset_done", "get", lambda o: "/password/reset/sent/", EVERYONE),
    Row("password_reset_confirm", "get", lambda o: "/password/reset/MQ/bad-token/", EVERYONE),
    Row("password_reset_complete", "get", lambda o: "/password/reset/done/", EVERYONE),
    Row("people", "get", lambda o: "/people/", page(200, {"olivia"})),
    Row("person_invite", "get", lambda o: "/people/new/", page(200, {"olivia"})),
    Row("person_detail", "get", lambda o: f"/people/{_user_pk('tara')}/", page(200, {"olivia"})),
    Row(
        "person_deactivate",
        "post",
        lambda o: f"/people/{_user_pk('sam')}/deactivate/",
        page(302, {"olivia"}),
    ),
    Row(
        "person_reactivate",
        "post",
        lambda o: f"/people/{_user_pk('tara')}/reactivate/",
        page(302, {"olivia"}),
    ),
    Row(
        "person_unlock",
        "post",
        lambda o: f"/people/{_user_pk('tara')}/unlock/",
        page(302, {"olivia"}),
    ),
    Row(
        "person_reset_password",
        "post",
        lambda o: f"/people/{_user_pk('tara')}/reset-password/",
        page(302, {"olivia"}),
    ),
    Row(
        "contact_portal_invite",
        "post",
        lambda o: f"/clients/contacts/{o['maple_contact'].pk}/portal-invite/",
        page(302, {"olivia"}),
    ),
    Row("firm_settings", "get", lambda o: "/firm/", page(200, {"olivia"})),
    Row("my_company", "get", lambda o: "/my-company/", page(200, {"hana", "milo"})),
    Row(
        "agreement_renew",
        "post",
        lambda o: f"/agreements/{_agr_active(o)}/renew/",
        page(302, {"olivia", "sam"}),
    ),
    # Public (the login page may show it); the demo firm has no logo.
    Row("firm_logo", "get", lambda o: "/firm/logo/", {p: 404 for p in PERSONAS}),
]
# --- end people ---


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
