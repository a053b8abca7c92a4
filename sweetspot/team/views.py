"""Team pages: technicians and subcontractors. Skills, certifications and the matrix live in
catalog_views.py.

Reads start from sweetspot.team.queries, which return dict rows with ``cost_rate`` only for
the owner; writes are owner-only and go through services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.core.access import AuthedHttpRequest, owner_required, staff_required
from sweetspot.core.permissions import can_see_costs
from sweetspot.core.writes import save_form

from . import queries, services
from .forms import (
    HeldCertificationForm,
    SubcontractorForm,
    SubcontractorSkillForm,
    TechnicianForm,
    TechnicianSkillForm,
)
from .models import (
    Level,
    Skill,
    Subcontractor,
    SubcontractorCertification,
    Technician,
    TechnicianCertification,
)

TECH_URLS = {
    "detail": "team:technician_detail",
    "skill_set": "team:technician_skill_set",
    "skill_remove": "team:technician_skill_remove",
    "cert_add": "team:technician_cert_add",
    "cert_edit": "team:technician_cert_edit",
    "cert_remove": "team:technician_cert_remove",
}
SUB_URLS = {
    "detail": "team:subcontractor_detail",
    "skill_set": "team:subcontractor_skill_set",
    "skill_remove": "team:subcontractor_skill_remove",
    "cert_add": "team:subcontractor_cert_add",
    "cert_edit": "",
    "cert_remove": "team:subcontractor_cert_remove",
}


def is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def list_context(request: AuthedHttpRequest, qs: Any) -> dict[str, Any]:
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page": page,
        "params": params.urlencode(),
        "filters": request.GET,
        "show_costs": can_see_costs(request.user),
    }


def inline_form(
    request: AuthedHttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    section: str,
    back: str,
    render_section: Callable[[], HttpResponse],
) -> HttpResponse:
    """An htmx inline form: success swaps the whole section, errors stay in the form slot."""
    if request.method == "POST" and form.is_valid() and save_form(form, save) is not None:
        if is_htmx(request):
            return render_section()
        return redirect(back)
    context = {"form": form, "action": request.path, "title": title, "section": section}
    if is_htmx(request):
        response = render(request, "team/_inline_form.html", context | {"back": back})
        if request.method == "POST":
            response["HX-Retarget"] = f"#{section}-form"
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "team/inline_page.html", context | {"back": back})


# --- technicians ----------------------------------------------------------------------------


@staff_required
def technician_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = queries.technician_rows(request.user, request.GET)
    context = list_context(request, qs) | {"levels": Level.choices}
    return render(request, "team/technician_list.html", context)


def _technician_context(request: AuthedHttpRequest, pk: int) -> dict[str, Any]:
    tech = queries.technician_row(request.user, pk)
    return {
        "person": tech,
        "kind": "technician",
        "skills": queries.technician_skills(tech["id"]),
        "certs": queries.technician_certifications(tech["id"]),
        "show_costs": can_see_costs(request.user),
        "can_edit": request.user.is_owner,
        "urls": TECH_URLS,
        "show_assessed": True,
    }


@staff_required
def technician_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    # Plan items (catalog) and the promise check (agreements) are template tags of those
    # apps: team sits below both and does not import them.
    context = _technician_context(request, pk)
    context["expiring"] = [c for c in context["certs"] if c["expires_soon"]]
    return render(request, "team/technician_detail.html", context)


def _tech_section(request: AuthedHttpRequest, pk: int, section: str) -> Callable[[], HttpResponse]:
    """The re-rendered section after a change; it tells the page to re-run the promise check."""

    def render_section() -> HttpResponse:
        response = render(request, f"team/_{section}.html", _technician_context(request, pk))
        response["HX-Trigger"] = "team-changed"
        return response

    return render_section


def _form_instance(model: Any, pk: int) -> Any:
    """A separate copy for a ModelForm: is_valid() writes the form's data into its instance,
    and the service must see the row as it was to audit before → after."""
    return model.objects.get(pk=pk)


@owner_required
@require_http_methods(["GET", "POST"])
def technician_create(request: AuthedHttpRequest) -> HttpResponse:
    form = TechnicianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tech = save_form(form, lambda data: services.create_technician(request.user, data))
        if tech is not None:
            messages.success(request, f"{tech.name} added to the team.")
            return redirect("team:technician_detail", pk=tech.pk)
    return render(
        request,
        "team/person_form.html",
        {"form": form, "title": "New technician", "back": reverse("team:technician_list")},
    )


@owner_required
@require_http_methods(["GET", "POST"])
def technician_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    tech = queries.get_technician_for(request.user, pk)
    form = TechnicianForm(request.POST or None, instance=_form_instance(Technician, tech.pk))
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: services.update_technician(request.user, tech, data))
        if saved is not None:
            messages.success(request, f"{tech.name} saved.")
            return redirect("team:technician_detail", pk=tech.pk)
    return render(
        request,
        "team/person_form.html",
        {
            "form": form,
            "title": f"Edit {tech.name}",
            "back": reverse("team:technician_detail", args=[tech.pk]),
        },
    )


@owner_required
@require_POST
def technician_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    tech = queries.get_technician_for(request.user, pk)
    services.archive_technician(request.user, tech)
    messages.success(request, f"{tech.name} archived: no longer counted for staffing.")
    return redirect("team:technician_detail", pk=tech.pk)


@owner_required
@require_POST
def technician_restore(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    tech = queries.get_technician_for(request.user, pk)
    services.restore_technician(request.user, tech)
    messages.success(request, f"{tech.name} restored.")
    return redirect("team:technician_detail", pk=tech.pk)


def _skill_initial(request: AuthedHttpRequest, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """?skill=<id> pre-fills the form to edit that skill."""
    wanted = request.GET.get("skill")
    for row in rows:
        if str(row["skill_id"]) == wanted:
            return {k: row.get(k) for k in ("proficiency", "assessed_on")} | {"skill": wanted}
    return {}


@owner_required
@require_http_methods(["GET", "POST"])
def technician_skill_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    tech = queries.get_technician_for(request.user, pk)
    initial = _skill_initial(request, queries.technician_skills(tech.pk))
    form = TechnicianSkillForm(request.POST or None, initial=initial or None)
    return inline_form(
        request,
        form,
        lambda d: services.set_technician_skill(
            request.user, tech, d["skill"], d["proficiency"], d.get("assessed_on")
        ),
        title=f"Skill for {tech.name}",
        section="skills",
        back=reverse("team:technician_detail", args=[tech.pk]),
        render_section=_tech_section(request, tech.pk, "skills"),
    )


@owner_required
@require_POST
def technician_skill_remove(request: AuthedHttpRequest, pk: int, skill_pk: int) -> HttpResponse:
    tech = queries.get_technician_for(request.user, pk)
    skill = Skill.objects.filter(pk=skill_pk).first()
    if skill is None:
        raise Http404("Not found")
    services.remove_technician_skill(request.user, tech, skill)
    if is_htmx(request):
        return _tech_section(request, tech.pk, "skills")()
    return redirect("team:technician_detail", pk=tech.pk)


@owner_required
@require_http_methods(["GET", "POST"])
def technician_cert_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    tech = queries.get_technician_for(request.user, pk)
    form = HeldCertificationForm(request.POST or None)
    return inline_form(
        request,
        form,
        lambda d: services.add_technician_certification(request.user, tech, d["certification"], d),
        title=f"Certification for {tech.name}",
        section="certifications",
        back=reverse("team:technician_detail", args=[tech.pk]),
        render_section=_tech_section(request, tech.pk, "certifications"),
    )


def _held_tech_cert(pk: int) -> TechnicianCertification:
    row = (
        TechnicianCertification.objects.select_related("certification", "technician")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404("Not found")
    return row


@owner_required
@require_http_methods(["GET", "POST"])
def technician_cert_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    row = _held_tech_cert(pk)
    initial = {
        "certification": row.certification_id,
        "earned_on": row.earned_on,
        "expires_on": row.expires_on,
        "credential_id": row.credential_id,
    }
    form = HeldCertificationForm(request.POST or None, initial=initial)
    form.fields["certification"].disabled = True
    return inline_form(
        request,
        form,
        lambda d: services.update_technician_certification(
            request.user,
            row,
            {
                "earned_on": d["earned_on"],
                "expires_on": d.get("expires_on"),
                "credential_id": d.get("credential_id") or "",
            },
        ),
        title=f"{row.certification.code} held by {row.technician.name}",
        section="certifications",
        back=reverse("team:technician_detail", args=[row.technician_id]),
        render_section=_tech_section(request, row.technician_id, "certifications"),
    )


@owner_required
@require_POST
def technician_cert_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    row = _held_tech_cert(pk)
    tech_pk = row.technician_id
    services.remove_technician_certification(request.user, row)
    if is_htmx(request):
        return _tech_section(request, tech_pk, "certifications")()
    return redirect("team:technician_detail", pk=tech_pk)


# --- subcontractors -------------------------------------------------------------------------


@staff_required
def subcontractor_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = queries.subcontractor_rows(request.user, request.GET)
    return render(request, "team/subcontractor_list.html", list_context(request, qs))


def _subcontractor_context(request: AuthedHttpRequest, pk: int) -> dict[str, Any]:
    sub = queries.subcontractor_row(request.user, pk)
    return {
        "person": sub,
        "kind": "subcontractor",
        "skills": queries.subcontractor_skills(sub["id"]),
        "certs": queries.subcontractor_certifications(sub["id"]),
        "show_costs": can_see_costs(request.user),
        "can_edit": request.user.is_owner,
        "urls": SUB_URLS,
        "show_assessed": False,
    }


@staff_required
def subcontractor_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "team/subcontractor_detail.html", _subcontractor_context(request, pk))


def _sub_section(request: AuthedHttpRequest, pk: int, section: str) -> Callable[[], HttpResponse]:
    return lambda: render(request, f"team/_{section}.html", _subcontractor_context(request, pk))


@owner_required
@require_http_methods(["GET", "POST"])
def subcontractor_create(request: AuthedHttpRequest) -> HttpResponse:
    form = SubcontractorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sub = save_form(form, lambda data: services.create_subcontractor(request.user, data))
        if sub is not None:
            messages.success(request, f"{sub.company_name} added as a subcontractor.")
            return redirect("team:subcontractor_detail", pk=sub.pk)
    return render(
        request,
        "team/person_form.html",
        {
            "form": form,
            "title": "New subcontractor",
            "back": reverse("team:subcontractor_list"),
        },
    )


@owner_required
@require_http_methods(["GET", "POST"])
def subcontractor_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    sub = queries.get_subcontractor_for(request.user, pk)
    form = SubcontractorForm(request.POST or None, instance=_form_instance(Subcontractor, sub.pk))
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: services.update_subcontractor(request.user, sub, data))
        if saved is not None:
            messages.success(request, f"{sub.company_name} saved.")
            return redirect("team:subcontractor_detail", pk=sub.pk)
    return render(
        request,
        "team/person_form.html",
        {
            "form": form,
            "title": f"Edit {sub.company_name}",
            "back": reverse("team:subcontractor_detail", args=[sub.pk]),
        },
    )


@owner_required
@require_POST
def subcontractor_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    sub = queries.get_subcontractor_for(request.user, pk)
    services.archive_subcontractor(request.user, sub)
    messages.success(request, f"{sub.company_name} archived.")
    return redirect("team:subcontractor_detail", pk=sub.pk)


@owner_required
@require_http_methods(["GET", "POST"])
def subcontractor_skill_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    sub = queries.get_subcontractor_for(request.user, pk)
    initial = _skill_initial(request, queries.subcontractor_skills(sub.pk))
    initial.pop("assessed_on", None)
    form = SubcontractorSkillForm(request.POST or None, initial=initial or None)
    return inline_form(
        request,
        form,
        lambda d: services.set_subcontractor_skill(request.user, sub, d["skill"], d["proficiency"]),
        title=f"Skill for {sub.company_name}",
        section="skills",
        back=reverse("team:subcontractor_detail", args=[sub.pk]),
        render_section=_sub_section(request, sub.pk, "skills"),
    )


@owner_required
@require_POST
def subcontractor_skill_remove(request: AuthedHttpRequest, pk: int, skill_pk: int) -> HttpResponse:
    sub = queries.get_subcontractor_for(request.user, pk)
    skill = Skill.objects.filter(pk=skill_pk).first()
    if skill is None:
        raise Http404("Not found")
    services.remove_subcontractor_skill(request.user, sub, skill)
    if is_htmx(request):
        return _sub_section(request, sub.pk, "skills")()
    return redirect("team:subcontractor_detail", pk=sub.pk)


@owner_required
@require_http_methods(["GET", "POST"])
def subcontractor_cert_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    sub = queries.get_subcontractor_for(request.user, pk)
    form = HeldCertificationForm(request.POST or None, with_credential=False)
    return inline_form(
        request,
        form,
        lambda d: services.add_subcontractor_certification(
            request.user, sub, d["certification"], d
        ),
        title=f"Certification for {sub.company_name}",
        section="certifications",
        back=reverse("team:subcontractor_detail", args=[sub.pk]),
        render_section=_sub_section(request, sub.pk, "certifications"),
    )


@owner_required
@require_POST
def subcontractor_cert_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    row = (
        SubcontractorCertification.objects.select_related("certification", "subcontractor")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404("Not found")
    sub_pk = row.subcontractor_id
    services.remove_subcontractor_certification(request.user, row)
    if is_htmx(request):
        return _sub_section(request, sub_pk, "certifications")()
    return redirect("team:subcontractor_detail", pk=sub_pk)
