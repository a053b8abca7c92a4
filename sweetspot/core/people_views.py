"""User administration (owner: ``permissions.can_administer_users``) and password reset by
e-mail for everyone (Django's views, styled like the login page)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .access import AuthedHttpRequest, permission_required
from .models import Role, User
from .people_forms import PasswordResetRequestForm, StaffInviteForm, UserEditForm
from .permissions import can_administer_users
from .writes import save_form

admin_required = permission_required(can_administer_users)


def base_url(request: HttpRequest) -> str:
    """Links in mail point back at the host the owner is using."""
    return request.build_absolute_uri("/").rstrip("/")


@admin_required
def people(request: AuthedHttpRequest) -> HttpResponse:
    """Every login: staff first, then client contacts, with role, last login and lock."""
    show = request.GET.get("show", "staff")
    qs = User.objects.select_related("company", "contact").order_by(
        "-is_active", "first_name", "last_name", "username"
    )
    if show == "clients":
        qs = qs.filter(role=Role.CLIENT)
    else:
        show = "staff"
        qs = qs.exclude(role=Role.CLIENT)
    # The mail intake's own authors (sweetspot.mail.intake): inactive, never log in.
    qs = qs.exclude(is_active=False, username="mail-intake").exclude(
        is_active=False, username__startswith="mail-in-"
    )
    page = Paginator(qs, settings.PAGE_SIZE * 2).get_page(request.GET.get("page"))
    locked = services.locked_usernames([u.username for u in page])
    rows = [(u, u.username in locked) for u in page]
    return render(
        request,
        "core/people.html",
        {"page": page, "rows": rows, "show": show, "params": f"show={show}"},
    )


@admin_required
@require_http_methods(["GET", "POST"])
def person_invite(request: AuthedHttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None, initial={"role": Role.TECHNICIAN})
    if request.method == "POST" and form.is_valid():
        user = save_form(
            form, lambda data: services.invite_staff(request.user, data, base_url(request))
        )
        if user is not None:
            messages.success(
                request,
                f"{user.label} is invited: the link to choose a password went to {user.email} "
                f"and works once, for {services.link_lifetime_days()} days.",
            )
            return redirect("person_detail", pk=user.pk)
    return render(request, "core/person_invite.html", {"form": form})


@admin_required
@require_http_methods(["GET", "POST"])
def person_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("company", "contact"), pk=pk)
    client_login = person.role == Role.CLIENT
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "may_run_billing": person.may_run_billing,
    }
    form = UserEditForm(request.POST or None, initial=initial, client_login=client_login)
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: services.update_user(request.user, person, data))
        if saved is not None:
            messages.success(request, f"{person.label} saved.")
            return redirect("person_detail", pk=person.pk)
    locked = person.username in services.locked_usernames([person.username])
    return render(
        request,
        "core/person_detail.html",
        {"person": person, "form": form, "locked": locked, "is_self": person.pk == request.user.pk},
    )


def _act(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    try:
        if action == "deactivate":
            services.set_active(request.user, person, False)
            messages.success(request, f"{person.label} can no longer log in.")
        elif action == "reactivate":
            services.set_active(request.user, person, True)
            messages.success(request, f"{person.label} can log in again.")
        elif action == "unlock":
            services.unlock(request.user, person)
            messages.success(request, f"{person.label} is unlocked.")
        else:
            services.send_password_reset(request.user, person, base_url(request))
            messages.success(request, f"A link to choose a new password went to {person.email}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("person_detail", pk=person.pk)


@admin_required
@require_POST
def person_deactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "deactivate")


@admin_required
@require_POST
def person_reactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reactivate")


@admin_required
@require_POST
def person_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "unlock")


@admin_required
@require_POST
def person_reset_password(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reset")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    form_class = PasswordResetRequestForm
    email_template_name = "core/mail/password_reset.txt"
    subject_template_name = "core/mail/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"
