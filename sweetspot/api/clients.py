"""Companies, sites and contacts: the same scoping as the pages."""

from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.clients import queries, services
from sweetspot.clients.scoping import (
    companies_visible_to,
    contacts_visible_to,
    get_company_for,
    get_contact_for,
    get_site_for,
    sites_visible_to,
)
from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest

from .auth import require
from .client_view import PortalCompanyOut, portal_company
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    ContactIn,
    ContactOut,
    ContactPatch,
    SiteIn,
    SiteOut,
    SitePatch,
)

router = Router(tags=["client book"])
PAGE_SIZE = 25


class CompanyFilters(Schema):
    q: str = ""
    status: str = ""
    segment: str = ""
    industry: str = ""
    archived: str = ""
    sort: str = "name"


# Staff rows must validate as CompanyOut first: in pydantic's default "smart" union an ORM
# row also fits the smaller client schema, which dropped the firm's fields and read each
# company's sites and contacts one query at a time.
StaffOrClientCompany = Annotated[CompanyOut | PortalCompanyOut, Field(union_mode="left_to_right")]


@router.get("/companies", response=list[StaffOrClientCompany])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_companies(request: AuthedHttpRequest, filters: Query[CompanyFilters]) -> Any:
    """Staff get the firm's record; a client contact gets their company's client view."""
    qs = queries.filter_companies(companies_visible_to(request.user), filters.dict())
    qs, _ = queries.sort_companies(qs, filters.sort)
    if permissions.is_client(request.user):
        return [portal_company(c) for c in qs.prefetch_related("sites", "contacts")]
    return qs


@router.post("/companies", response={201: CompanyOut})
def create_company(request: AuthedHttpRequest, payload: CompanyIn) -> Any:
    require(request, permissions.can_edit_clients)
    company = services.create_company(request.user, payload.dict())
    return Status(201, company)


@router.get("/companies/{company_id}", response=StaffOrClientCompany)
def get_company(request: AuthedHttpRequest, company_id: int) -> Any:
    """Staff get the firm's record; a client contact the client view (PortalCompanyOut)."""
    company = get_company_for(request.user, company_id)
    if permissions.is_client(request.user):
        company = (
            companies_visible_to(request.user)
            .prefetch_related("sites", "contacts")
            .get(pk=company.pk)
        )
        return portal_company(company)
    return CompanyOut.from_orm(company)


@router.patch("/companies/{company_id}", response=CompanyOut)
def update_company(request: AuthedHttpRequest, company_id: int, payload: CompanyPatch) -> Any:
    require(request, permissions.can_edit_clients)
    company = get_company_for(request.user, company_id)
    return services.update_company(
        request.user,
        company,
        payload.dict(exclude_unset=True),
    )


@router.delete("/companies/{company_id}", response=CompanyOut)
def archive_company(request: AuthedHttpRequest, company_id: int) -> Any:
    """Companies are archived, never deleted: their history stays."""
    require(request, permissions.can_edit_clients)
    company = get_company_for(request.user, company_id)
    return services.archive_company(request.user, company)


@router.get("/companies/{company_id}/sites", response=list[SiteOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_company_sites(request: AuthedHttpRequest, company_id: int) -> Any:
    company = get_company_for(request.user, company_id)
    return sites_visible_to(request.user).filter(company=company, archived_at__isnull=True)


@router.post("/companies/{company_id}/sites", response={201: SiteOut})
def create_site(request: AuthedHttpRequest, company_id: int, payload: SiteIn) -> Any:
    require(request, permissions.can_edit_clients)
    company = get_company_for(request.user, company_id)
    site = services.create_site(request.user, company, payload.dict())
    return Status(201, site)


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: AuthedHttpRequest, site_id: int) -> Any:
    return get_site_for(request.user, site_id)


@router.patch("/sites/{site_id}", response=SiteOut)
def update_site(request: AuthedHttpRequest, site_id: int, payload: SitePatch) -> Any:
    require(request, permissions.can_edit_clients)
    site = get_site_for(request.user, site_id)
    return services.update_site(
        request.user,
        site,
        payload.dict(exclude_unset=True),
    )


@router.delete("/sites/{site_id}", response=SiteOut)
def archive_site(request: AuthedHttpRequest, site_id: int) -> Any:
    require(request, permissions.can_edit_clients)
    return services.archive_site(request.user, get_site_for(request.user, site_id))


@router.get("/companies/{company_id}/contacts", response=list[ContactOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_company_contacts(request: AuthedHttpRequest, company_id: int) -> Any:
    company = get_company_for(request.user, company_id)
    return contacts_visible_to(request.user).filter(company=company, archived_at__isnull=True)


def _contact_data(request: AuthedHttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "site_id" in data:
        site_id = data.pop("site_id")
        data["site"] = get_site_for(request.user, site_id) if site_id is not None else None
    return data


@router.post("/companies/{company_id}/contacts", response={201: ContactOut})
def create_contact(request: AuthedHttpRequest, company_id: int, payload: ContactIn) -> Any:
    require(request, permissions.can_edit_clients)
    company = get_company_for(request.user, company_id)
    data = _contact_data(request, payload.dict())
    contact = services.create_contact(request.user, company, data)
    return Status(201, contact)


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request: AuthedHttpRequest, contact_id: int) -> Any:
    return get_contact_for(request.user, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request: AuthedHttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    require(request, permissions.can_edit_clients)
    contact = get_contact_for(request.user, contact_id)
    data = _contact_data(request, payload.dict(exclude_unset=True))
    return services.update_contact(request.user, contact, data)


@router.delete("/contacts/{contact_id}", response=ContactOut)
def archive_contact(request: AuthedHttpRequest, contact_id: int) -> Any:
    require(request, permissions.can_edit_clients)
    contact = get_contact_for(request.user, contact_id)
    return services.archive_contact(request.user, contact)
