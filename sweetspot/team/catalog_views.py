"""Skill taxonomy, certification catalog and the skills matrix (with its CSV export)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.core import spreadsheet
from sweetspot.core.access import AuthedHttpRequest, owner_required, staff_required
from sweetspot.core.writes import save_form

from . import queries, services
from .forms import CertificationForm, EvidenceForm, SkillForm
from .models import Certification, Level, Skill
from .views import inline_form, is_htmx, list_context

# --- skills ---------------------------------------------------------------------------------


@staff_required
def skill_list(request: AuthedHttpRequest) -> HttpResponse:
    skills = list(queries.skills_with_counts(request.user))
    return render(
        request,
        "team/skill_list.html",
        {"groups": queries.grouped(skills), "strong": queries.STRONG},
    )


@owner_required
@require_http_methods(["GET", "POST"])
def skill_create(request: AuthedHttpRequest) -> HttpResponse:
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        skill = save_form(form, lambda data: services.create_skill(request.user, data))
        if skill is not None:
            messages.success(request, f"Skill “{skill.name}” added.")
            return redirect("team:skill_list")
    return render(
        request,
        "team/person_form.html",
        {"form": form, "title": "New skill", "back": reverse("team:skill_list")},
    )


@owner_required
@require_http_methods(["GET", "POST"])
def skill_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    skill = queries.get_skill_for(request.user, pk)
    form = SkillForm(request.POST or None, instance=Skill.objects.get(pk=skill.pk))
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: services.update_skill(request.user, skill, data))
        if saved is not None:
            messages.success(request, f"Skill “{skill.name}” saved.")
            return redirect("team:skill_list")
    return render(
        request,
        "team/person_form.html",
        {"form": form, "title": f"Edit skill {skill.name}", "back": reverse("team:skill_list")},
    )


# --- certifications -------------------------------------------------------------------------


@staff_required
def certification_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = queries.certification_list(request.user, request.GET)
    context = list_context(request, qs) | {
        "vendors": queries.vendors(request.user),
        "levels": Level.choices,
        "statuses": Certification.Status.choices,
    }
    return render(request, "team/certification_list.html", context)


def _certification_context(request: AuthedHttpRequest, pk: int) -> dict[str, object]:
    cert = queries.get_certification_for(request.user, pk)
    return {
        "cert": cert,
        "evidence": list(cert.evidence.all()),
        "holders": queries.certification_holders(request.user, cert.pk),
        "can_edit": request.user.is_owner,
    }


@staff_required
def certification_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "team/certification_detail.html", _certification_context(request, pk))


@owner_required
@require_http_methods(["GET", "POST"])
def certification_create(request: AuthedHttpRequest) -> HttpResponse:
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cert = save_form(form, lambda data: services.create_certification(request.user, data))
        if cert is not None:
            messages.success(request, f"{cert} added to the catalog.")
            return redirect("team:certification_detail", pk=cert.pk)
    return render(
        request,
        "team/person_form.html",
        {"form": form, "title": "New certification", "back": reverse("team:certification_list")},
    )


@owner_required
@require_http_methods(["GET", "POST"])
def certification_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cert = queries.get_certification_for(request.user, pk)
    form = CertificationForm(request.POST or None, instance=Certification.objects.get(pk=cert.pk))
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form, lambda data: services.update_certification(request.user, cert, data)
        )
        if saved is not None:
            messages.success(request, f"{cert} saved.")
            return redirect("team:certification_detail", pk=cert.pk)
    return render(
        request,
        "team/person_form.html",
        {
            "form": form,
            "title": f"Edit {cert}",
            "back": reverse("team:certification_detail", args=[cert.pk]),
        },
    )


def _evidence_section(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "team/_evidence.html", _certification_context(request, pk))


@owner_required
@require_http_methods(["GET", "POST"])
def certification_evidence_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cert = queries.get_certification_for(request.user, pk)
    initial = {}
    wanted = request.GET.get("skill")
    for row in cert.evidence.all():
        if str(row.skill_id) == wanted:
            initial = {"skill": row.skill_id, "proficiency": row.proficiency}
    form = EvidenceForm(request.POST or None, initial=initial or None)
    return inline_form(
        request,
        form,
        lambda d: services.set_certification_evidence(
            request.user, cert, d["skill"], d["proficiency"]
        ),
        title=f"Skill evidenced by {cert.code}",
        section="evidence",
        back=reverse("team:certification_detail", args=[cert.pk]),
        render_section=lambda: _evidence_section(request, cert.pk),
    )


@owner_required
@require_POST
def certification_evidence_remove(
    request: AuthedHttpRequest, pk: int, skill_pk: int
) -> HttpResponse:
    cert = queries.get_certification_for(request.user, pk)
    skill = queries.get_skill_for(request.user, skill_pk)
    services.remove_certification_evidence(request.user, cert, skill)
    if is_htmx(request):
        return _evidence_section(request, cert.pk)
    return redirect("team:certification_detail", pk=cert.pk)


# --- skills matrix --------------------------------------------------------------------------


@staff_required
def skills_matrix(request: AuthedHttpRequest) -> HttpResponse:
    data = queries.matrix(request.user)
    return render(request, "team/matrix.html", data | {"strong": queries.STRONG})


@staff_required
def skills_matrix_export(request: AuthedHttpRequest) -> HttpResponse:
    """One row per person, one column per skill (proficiency, blank when none). No costs.
    CSV, or XLSX with ``?format=xlsx``; through the spreadsheet-safe writer."""
    data = queries.matrix(request.user)
    skills = data["skills"]
    rows = []
    for person in data["people"]:
        certs = "; ".join(
            c["code"] + (" (retired)" if c["status"] == "retired" else "") for c in person["certs"]
        )
        rows.append(
            [person["name"], person["kind"], person["level"], certs]
            + [person["skills"].get(s["id"]) for s in skills]
        )
    headers = ["name", "kind", "level", "certifications"] + [s["slug"] for s in skills]
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return spreadsheet.response(fmt, "skills-matrix", headers, rows)
