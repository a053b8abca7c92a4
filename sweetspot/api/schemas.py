"""API schemas. Money is Decimal (serialised as strings); enums are validated strictly."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from sweetspot.core import limits

StatusT = Literal["prospect", "client", "former"]
SegmentT = Literal["micro", "sweet_spot", "upper", ""]
NetworkT = Literal["none", "peer_to_peer", "client_server"]
SupportT = Literal[
    "nobody", "owner", "volunteer", "relative", "friend", "moonlighter", "provider", "in_house_it"
]
Money = Decimal
# An id in a body or query: bounded so a huge number is a 422, never a database overflow.
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
# Notes and descriptions: at most limits.TEXT characters (a longer one is a 422 naming the
# field); one line of a list (a checklist item, a service name): at most limits.NAME.
Text = Annotated[str, Field(max_length=limits.TEXT)]
Line = Annotated[str, Field(min_length=1, max_length=limits.NAME)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CompanyIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    status: StatusT = "prospect"
    industry: str = Field("", max_length=100)
    pcs: int = Field(0, ge=0)
    servers: int = Field(0, ge=0)
    site_count: int = Field(1, ge=0)
    network: NetworkT = "none"
    current_support: SupportT = "nobody"
    annual_revenue: Money | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    downtime_cost_per_hour: Money | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    monthly_it_budget: Money | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    segment: SegmentT = ""
    segment_pinned: bool = False
    notes: Text = ""


class CompanyPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    status: StatusT | None = None
    industry: str | None = Field(None, max_length=100)
    pcs: int | None = Field(None, ge=0)
    servers: int | None = Field(None, ge=0)
    site_count: int | None = Field(None, ge=0)
    network: NetworkT | None = None
    current_support: SupportT | None = None
    annual_revenue: Money | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    downtime_cost_per_hour: Money | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    monthly_it_budget: Money | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    segment: SegmentT | None = None
    segment_pinned: bool | None = None
    notes: Text | None = None


class CompanyOut(Schema):
    id: int
    name: str
    status: str
    segment: str
    segment_pinned: bool
    industry: str
    pcs: int
    servers: int
    site_count: int
    network: str
    current_support: str
    annual_revenue: Money | None
    downtime_cost_per_hour: Money | None
    monthly_it_budget: Money | None
    notes: str
    archived_at: dt.datetime | None
    updated_at: dt.datetime


class SiteIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    street: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    pcs: int = Field(0, ge=0)


class SitePatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    street: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    pcs: int | None = Field(None, ge=0)


class SiteOut(Schema):
    id: int
    company_id: int
    name: str
    street: str
    city: str
    region: str
    postal_code: str
    pcs: int
    archived_at: dt.datetime | None


def _check_email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise ValueError("Enter a valid e-mail address.") from exc
    return value


class ContactIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    role: str = Field("", max_length=100)
    site_id: int | None = None
    is_primary: bool = False
    billing_contact: bool = False
    portal_access: bool = False

    _email = field_validator("email")(lambda cls, v: _check_email(v))


class ContactPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    role: str | None = Field(None, max_length=100)
    site_id: int | None = None
    is_primary: bool | None = None
    billing_contact: bool | None = None
    portal_access: bool | None = None

    _email = field_validator("email")(lambda cls, v: _check_email(v))


class ContactOut(Schema):
    id: int
    company_id: int
    site_id: int | None
    name: str
    email: str
    phone: str
    role: str
    is_primary: bool
    billing_contact: bool
    portal_access: bool
    archived_at: dt.datetime | None


class ErrorOut(Schema):
    detail: str
