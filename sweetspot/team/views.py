"""Team pages: technicians and subcontractors. Skills, certifications and the matrix live in
catalog_views.py.

Reads start from sweetspot.team.queries, which return dict rows with ``cost_rate`` only for
the owner; writes are owner-only and go through services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


# --- technicians and subcontractors: one set of views, told apart by their Kind ------------


@dataclass(frozen=True)
class Kind:
    """What differs between the two kinds of people on the pages; everything else is shared.
    urls.py passes the kind to each view."""

    name: str
    model: type[Technician] | type[Subcontractor]
    form: type[TechnicianForm] | type[SubcontractorForm]
    skill_form: type[TechnicianSkillForm] | type[SubcontractorSkillForm]
    urls: dict[str, str]
    list_template: str
    detail_template: str
    rows: Callable[[Any, Any], Any]
    row: Callable[[Any, int], dict[str, Any]]
    get_for: Callable[[Any, int], Any]
    skills: Callable[[int], list[dict[str, Any]]]
    certs: Callable[[int], list[dict[str, Any]]]
    create: Callable[[Any, dict[str, Any]], Any]
    update: Callable[[Any, Any, dict[str, Any]], Any]
    archive: Callable[[Any, Any], Any]
    restore: Callable[[Any, Any], Any]
    held_model: type[TechnicianCertification] | type[SubcontractorCertification]
    added: str  # "added to the team." / "added as a subcontractor."
    # Technicians keep the date a skill was assessed and a credential id, and a change to
    # them re-runs the promise check on the page (HX-Trigger).
    technician: bool

    def label(self, person: Any) -> str:
        return str(person.name if self.technician else person.company_name)

    def held_row(self, pk: int) -> Any:
        row = (
            self.held_model.objects.select_related("certification", self.name).filter(pk=pk).first()
        )
        if row is None:
            raise Http404("Not found")
        return row


TECHNICIAN = Kind(
    name="technician",
    model=Technician,
    form=TechnicianForm,
    skill_form=TechnicianSkillForm,
    urls=TECH_URLS,
    list_template="team/technician_list.html",
    detail_template="team/technician_detail.html",
    rows=queries.technician_rows,
    row=queries.technician_row,
    get_for=queries.get_technician_for,
    skills=queries.technician_skills,
    certs=queries.technician_certifications,
    create=services.create_technician,
    update=services.update_technician,
    archive=services.archive_technician,
    restore=services.restore_technician,
    held_model=TechnicianCertification,
    added="added to the team.",
    technician=True,
)
SUBCONTRACTOR = Kind(
    name="subcontractor",
    model=Subcontractor,
    form=SubcontractorForm,
    skill_form=SubcontractorSkillForm,
    urls=SUB_URLS,
    list_template="team/subcontractor_list.html",
    detail_template="team/subcontractor_detail.html",
    rows=queries.subcontractor_rows,
    row=queries.subcontractor_row,
    get_for=queries.get_subcontractor_for,
    skills=queries.subcontractor_skills,
    certs=queries.subcontractor_certifications,
    create=services.create_subcontractor,
    update=services.update_subcontractor,
    archive=services.archive_subcontractor,
    restore=services.restore_subcontractor,
    held_model=SubcontractorCertification,
    added="added as a subcontractor.",
    technician=False,
)


@staff_required
def person_list(request: AuthedHttpRequest, kind: Kind) -> HttpResponse:
    context = list_context(request, kind.rows(request.user, request.GET))
    if kind.technician:
        context["levels"] = Level.choices
    return render(request, kind.list_template, context)


def _person_context(request: AuthedHttpRequest, kind: Kind, pk: int) -> dict[str, Any]:
    person = kind.row(request.user, pk)
    return {
        "person": person,
        "kind": kind.name,
        "skills": kind.skills(person["id"]),
        "certs": kind.certs(person["id"]),
        "show_costs": can_see_costs(request.user),
        "can_edit": request.user.is_owner,
        "urls": kind.urls,
        "show_assessed": kind.technician,
    }


@staff_required
def person_detail(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    # A technician's plan items (catalog) and the promise check (agreements) are template
    # tags of those apps: team sits below both and does not import them.
    context = _person_context(request, kind, pk)
    context["expiring"] = [c for c in context["certs"] if c.get("expires_soon")]
    return render(request, kind.detail_template, context)


def _section(
    request: AuthedHttpRequest, kind: Kind, pk: int, section: str
) -> Callable[[], HttpResponse]:
    """The re-rendered section after a change; on a technician's page it tells the page to
    re-run the promise check."""

    def render_section() -> HttpResponse:
        response = render(request, f"team/_{section}.html", _person_context(request, kind, pk))
        if kind.technician:
            response["HX-Trigger"] = "team-changed"
        return response

    return render_section


def _form_instance(model: Any, pk: int) -> Any:
    """A separate copy for a ModelForm: is_valid() writes the form's data into its instance,
    and the service must see the row as it was to audit before → after."""
    return model.objects.get(pk=pk)


@owner_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthedHttpRequest, kind: Kind) -> HttpResponse:
    form = kind.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = save_form(form, lambda data: kind.create(request.user, data))
        if person is not None:
            messages.success(request, f"{kind.label(person)} {kind.added}")
            return redirect(kind.urls["detail"], pk=person.pk)
    return render(
        request,
        "team/person_form.html",
        {
            "form": form,
            "title": f"New {kind.name}",
            "back": reverse(f"team:{kind.name}_list"),
        },
    )


@owner_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    person = kind.get_for(request.user, pk)
    form = kind.form(request.POST or None, instance=_form_instance(kind.model, person.pk))
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: kind.update(request.user, person, data))
        if saved is not None:
            messages.success(request, f"{kind.label(person)} saved.")
            return redirect(kind.urls["detail"], pk=person.pk)
    return render(
        request,
        "team/person_form.html",
        {
            "form": form,
            "title": f"Edit {kind.label(person)}",
            "back": reverse(kind.urls["detail"], args=[person.pk]),
        },
    )


@owner_required
@require_POST
def person_archive(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    person = kind.get_for(request.user, pk)
    kind.archive(request.user, person)
    note = ": no longer counted for staffing." if kind.technician else "."
    messages.success(request, f"{kind.label(person)} archived{note}")
    return redirect(kind.urls["detail"], pk=person.pk)


@owner_required
@require_POST
def person_restore(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    person = kind.get_for(request.user, pk)
    kind.restore(request.user, person)
    messages.success(request, f"{kind.label(person)} restored.")
    return redirect(kind.urls["detail"], pk=person.pk)


def _skill_initial(request: AuthedHttpRequest, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """?skill=<id> pre-fills the form to edit that skill."""
    wanted = request.GET.get("skill")
    for row in rows:
        if str(row["skill_id"]) == wanted:
            return {k: row.get(k) for k in ("proficiency", "assessed_on")} | {"skill": wanted}
    return {}


@owner_required
@require_http_methods(["GET", "POST"])
def skill_set(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    person = kind.get_for(request.user, pk)
    initial = _skill_initial(request, kind.skills(person.pk))
    if not kind.technician:
        initial.pop("assessed_on", None)
    form = kind.skill_form(request.POST or None, initial=initial or None)
    return inline_form(
        request,
        form,
        lambda d: services.set_skill(
            request.user, person, d["skill"], d["proficiency"], d.get("assessed_on")
        ),
        title=f"Skill for {kind.label(person)}",
        section="skills",
        back=reverse(kind.urls["detail"], args=[person.pk]),
        render_section=_section(request, kind, person.pk, "skills"),
    )


@owner_required
@require_POST
def skill_remove(request: AuthedHttpRequest, kind: Kind, pk: int, skill_pk: int) -> HttpResponse:
    person = kind.get_for(request.user, pk)
    skill = Skill.objects.filter(pk=skill_pk).first()
    if skill is None:
        raise Http404("Not found")
    services.remove_skill(request.user, person, skill)
    if is_htmx(request):
        return _section(request, kind, person.pk, "skills")()
    return redirect(kind.urls["detail"], pk=person.pk)


@owner_required
@require_http_methods(["GET", "POST"])
def cert_add(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    person = kind.get_for(request.user, pk)
    form = HeldCertificationForm(request.POST or None, with_credential=kind.technician)
    return inline_form(
        request,
        form,
        lambda d: services.add_certification(request.user, person, d["certification"], d),
        title=f"Certification for {kind.label(person)}",
        section="certifications",
        back=reverse(kind.urls["detail"], args=[person.pk]),
        render_section=_section(request, kind, person.pk, "certifications"),
    )


@owner_required
@require_http_methods(["GET", "POST"])
def cert_edit(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    row = kind.held_row(pk)
    holder = getattr(row, kind.name)
    initial = {
        "certification": row.certification_id,
        "earned_on": row.earned_on,
        "expires_on": row.expires_on,
        "credential_id": getattr(row, "credential_id", ""),
    }
    form = HeldCertificationForm(
        request.POST or None, initial=initial, with_credential=kind.technician
    )
    form.fields["certification"].disabled = True
    return inline_form(
        request,
        form,
        lambda d: services.update_held_certification(
            request.user,
            row,
            {
                "earned_on": d["earned_on"],
                "expires_on": d.get("expires_on"),
                "credential_id": d.get("credential_id") or "",
            },
        ),
        title=f"{row.certification.code} held by {kind.label(holder)}",
        section="certifications",
        back=reverse(kind.urls["detail"], args=[holder.pk]),
        render_section=_section(request, kind, holder.pk, "certifications"),
    )


@owner_required
@require_POST
def cert_remove(request: AuthedHttpRequest, kind: Kind, pk: int) -> HttpResponse:
    row = kind.held_row(pk)
    holder_pk = getattr(row, f"{kind.name}_id")
    services.remove_held_certification(request.user, row)
    if is_htmx(request):
        return _section(request, kind, holder_pk, "certifications")()
    return redirect(kind.urls["detail"], pk=holder_pk)
