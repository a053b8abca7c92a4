"""The only doors to client data. Every view and endpoint starts here.

* Firm staff (owner, dispatcher, technician, sales) see the whole client book.
* A client contact sees only their own company, its sites and its contacts.
* Anything else (anonymous, inactive, unknown role) sees nothing.
* ``get_*_for`` raise Http404 when the object exists but is not the user's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sweetspot.core.models import STAFF_ROLES, Role

from .models import Company, Contact, Site


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role  # type: ignore[no-any-return]


def companies_visible_to(user: Any, include_archived: bool = True) -> QuerySet[Company]:
    role = _role(user)
    qs = Company.objects.all()
    if role in STAFF_ROLES:
        pass
    elif role == Role.CLIENT and user.company_id:
        qs = qs.filter(pk=user.company_id)
    else:
        return qs.none()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def sites_visible_to(user: Any) -> QuerySet[Site]:
    role = _role(user)
    qs = Site.objects.all()
    if role in STAFF_ROLES:
        return qs
    if role == Role.CLIENT and user.company_id:
        return qs.filter(company_id=user.company_id)
    return qs.none()


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    role = _role(user)
    qs = Contact.objects.all()
    if role in STAFF_ROLES:
        return qs
    if role == Role.CLIENT and user.company_id:
        return qs.filter(company_id=user.company_id)
    return qs.none()


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def get_company_for(user: Any, pk: Any) -> Company:
    return _get(companies_visible_to(user), pk)  # type: ignore[no-any-return]


def get_site_for(user: Any, pk: Any) -> Site:
    return _get(sites_visible_to(user).select_related("company"), pk)  # type: ignore[no-any-return]


def get_contact_for(user: Any, pk: Any) -> Contact:
    return _get(  # type: ignore[no-any-return]
        contacts_visible_to(user).select_related("company", "site"), pk
    )
