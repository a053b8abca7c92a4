"""Client book pages. Every read starts from the scoping helpers in sweetspot.clients.scoping."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.clients.scoping import (
    companies_visible_to,
    get_company_for,
    get_contact_for,
    get_site_for,
)
from sweetspot.core.access import (
    AuthedHttpRequest,
    any_role_required,
    client_editor_required,
    permission_required,
)
from sweetspot.core.models import User
from sweetspot.core.permissions import can_administer_users, is_client, is_staff
from sweetspot.core.writes import save_form

from . import queries, services
from .forms import CompanyForm, ContactForm, EnvironmentForm, SiteForm
from .io_views import (  # noqa: F401  (re-exported for urls.py)
    company_export,
    company_record_export,
    import_apply,
    import_status,
    import_upload,
)
from .models import CompanyStatus, EnvironmentProfile, Segment


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


LOOKUP_LIMIT = 20


@permission_required(is_staff)
def company_lookup(request: AuthedHttpRequest) -> HttpResponse:
    """The company picker's options (issue 18): at most LOOKUP_LIMIT companies whose name
    contains ``q``, names starting with it first; one query, whatever the book's size."""
    q = (request.GET.get("q") or "").strip()[:100]
    visible = companies_visible_to(request.user)
    if request.GET.get("active"):  # a form's picker: only companies new work can go to
        visible = visible.filter(archived_at__isnull=True)
    companies = queries.lookup_companies(visible, q, LOOKUP_LIMIT)
    context = {
        "companies": companies,
        "q": q,
        "listbox": (request.GET.get("listbox") or "company-options")[:60],
        "any": (request.GET.get("any") or "")[:60],
    }
    return render(request, "clients/_company_options.html", context)


@any_role_required
def company_list(request: AuthedHttpRequest) -> HttpResponse:
    if is_client(request.user):  # one company, and the firm's columns are not theirs
        return redirect("my_company")
    qs = queries.filter_companies(companies_visible_to(request.user), request.GET)
    qs, sort = queries.sort_companies(qs, request.GET.get("sort"))
    qs = queries.with_list_counts(qs)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    context = {
        "sort_params": sort_params.urlencode(),
        "page": page,
        "sort": sort,
        "params": params.urlencode(),
        "filters": request.GET,
        "statuses": CompanyStatus.choices,
        "segments": Segment.choices,
    }
    template = "clients/_company_rows.html" if _is_htmx(request) else "clients/company_list.html"
    return render(request, template, context)


@any_role_required
def company_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    if is_client(request.user):  # the client's view: the portal page (web.portal)
        return redirect("my_company")
    company = queries.company_detail(companies_visible_to(request.user)).get(pk=company.pk)
    try:
        environment = company.environment
    except EnvironmentProfile.DoesNotExist:
        environment = EnvironmentProfile(company=company)
    return render(
        request,
        "clients/company_detail.html",
        {
            "company": company,
            "environment": environment,
            "sites": list(company.sites.all()),
            "contacts": list(company.contacts.all()),
            "latest_assessment": company.assessments.first()
            if request.user.is_firm_staff
            else None,
        },
    )


@client_editor_required
@require_http_methods(["GET", "POST"])
def company_create(request: AuthedHttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = save_form(form, lambda data: services.create_company(request.user, data))
        if company is not None:
            messages.success(request, f"{company.name} created.")
            return redirect("clients:company_detail", pk=company.pk)
    return render(request, "clients/company_form.html", {"form": form, "company": None})


@client_editor_required
@require_http_methods(["GET", "POST"])
def company_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    # The form gets a copy: ModelForm validation writes into its instance, and the service
    # must see the record as it was to audit before -> after.
    form = CompanyForm(request.POST or None, instance=copy.copy(company))
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: services.update_company(request.user, company, data))
        if saved is not None:
            messages.success(request, f"{company.name} saved.")
            return redirect("clients:company_detail", pk=company.pk)
    return render(request, "clients/company_form.html", {"form": form, "company": company})


@client_editor_required
@require_POST
def company_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    services.archive_company(request.user, company)
    messages.success(request, f"{company.name} archived. Its history is kept.")
    return redirect("clients:company_detail", pk=company.pk)


@client_editor_required
@require_POST
def company_restore(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    try:
        services.restore_company(request.user, company)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("clients:company_detail", pk=company.pk)
    messages.success(request, f"{company.name} restored.")
    return redirect("clients:company_detail", pk=company.pk)


def _section(request: AuthedHttpRequest, company_pk: int, name: str) -> HttpResponse:
    company = queries.company_detail(companies_visible_to(request.user)).get(pk=company_pk)
    try:
        environment = company.environment
    except EnvironmentProfile.DoesNotExist:
        environment = EnvironmentProfile(company=company)
    return render(
        request,
        f"clients/_{name}.html",
        {
            "company": company,
            "environment": environment,
            "sites": list(company.sites.all()),
            "contacts": list(company.contacts.all()),
        },
    )


def _inline_form(
    request: AuthedHttpRequest,
    form: Any,
    save: Any,
    company_pk: int,
    section: str,
    action: str,
    title: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and save_form(form, save) is not None:
        if _is_htmx(request):
            return _section(request, company_pk, section)
        return redirect("clients:company_detail", pk=company_pk)
    template = "clients/_inline_form.html" if _is_htmx(request) else "clients/inline_page.html"
    return render(
        request,
        template,
        {
            "form": form,
            "action": action,
            "title": title,
            "section": section,
            "company_pk": company_pk,
        },
    )


@client_editor_required
@require_http_methods(["GET", "POST"])
def environment_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    instance = EnvironmentProfile.objects.filter(company=company).first()
    form = EnvironmentForm(request.POST or None, instance=copy.copy(instance))
    return _inline_form(
        request,
        form,
        lambda data: services.update_environment(request.user, company, data),
        company.pk,
        "environment",
        request.path,
        f"Environment of {company.name}",
    )


@client_editor_required
@require_http_methods(["GET", "POST"])
def site_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    form = SiteForm(request.POST or None)
    return _inline_form(
        request,
        form,
        lambda data: services.create_site(request.user, company, data),
        company.pk,
        "sites",
        request.path,
        f"New site for {company.name}",
    )


@any_role_required
def site_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    return render(request, "clients/site_detail.html", {"site": site})


@client_editor_required
@require_http_methods(["GET", "POST"])
def site_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    form = SiteForm(request.POST or None, instance=copy.copy(site))
    return _inline_form(
        request,
        form,
        lambda data: services.update_site(request.user, site, data),
        site.company_id,
        "sites",
        request.path,
        f"Edit site {site.name}",
    )


@client_editor_required
@require_POST
def site_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    services.archive_site(request.user, site)
    if _is_htmx(request):
        return _section(request, site.company_id, "sites")
    return redirect("clients:company_detail", pk=site.company_id)


@client_editor_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    form = ContactForm(
        request.POST or None, company=company, allow_portal=can_administer_users(request.user)
    )
    return _inline_form(
        request,
        form,
        lambda data: services.create_contact(request.user, company, data, _base_url(request)),
        company.pk,
        "contacts",
        request.path,
        f"New contact at {company.name}",
    )


@any_role_required
def contact_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    login = None
    if can_administer_users(request.user):
        login = User.objects.filter(contact=contact).first()
    return render(request, "clients/contact_detail.html", {"contact": contact, "login": login})


def _base_url(request: AuthedHttpRequest) -> str:
    """Invitation links point back at the host the owner is using."""
    return request.build_absolute_uri("/").rstrip("/")


@permission_required(can_administer_users)
@require_POST
def contact_portal_invite(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Make (or reactivate) the contact's client login and e-mail the one-time link."""
    contact = get_contact_for(request.user, pk)
    try:
        login = services.invite_to_portal(request.user, contact, _base_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{contact.name} is invited to the portal: the link to choose a password went "
            f"to {login.email} (username {login.username}).",
        )
    return redirect("clients:contact_detail", pk=contact.pk)


@client_editor_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    form = ContactForm(
        request.POST or None,
        instance=copy.copy(contact),
        company=contact.company,
        allow_portal=can_administer_users(request.user),
    )
    return _inline_form(
        request,
        form,
        lambda data: services.update_contact(request.user, contact, data, _base_url(request)),
        contact.company_id,
        "contacts",
        request.path,
        f"Edit contact {contact.name}",
    )


@client_editor_required
@require_POST
def contact_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    services.archive_contact(request.user, contact)
    if _is_htmx(request):
        return _section(request, contact.company_id, "contacts")
    return redirect("clients:company_detail", pk=contact.company_id)
