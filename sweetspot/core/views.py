from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import mfa, permissions, tokens
from .access import AuthedHttpRequest, any_role_required, owner_required
from .forms import AuditFilterForm, MfaPolicyForm, TokenForm
from .models import AuditLog, Firm, Job


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, "Password changed.")
        return super().form_valid(form)


@any_role_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedHttpRequest) -> HttpResponse:
    enrolled = mfa.has_device(request.user)
    # A token outlives the session: creating one needs a fresh second factor (core.mfa).
    needs_code = enrolled and not mfa.verified_recently(request)
    form = TokenForm(request.POST or None, needs_code=needs_code)
    new_key = None
    if request.method == "POST" and form.is_valid():
        if needs_code and not mfa.verify(request.user, form.cleaned_data["code"]):
            form.add_error("code", "That code is not valid. Enter the current code from your app.")
        else:
            if needs_code:
                mfa.mark_verified(request)
            _, new_key = tokens.create_token(
                request.user,
                form.cleaned_data["name"],
                form.cleaned_data["days"],
            )
            form = TokenForm(needs_code=False)
    user_tokens = request.user.api_tokens.all()
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "tokens": user_tokens,
            "new_key": new_key,
            "now": timezone.now(),
            "mfa_enrolled": enrolled,
            "mfa_required": mfa.required_for(request.user),
            "recovery_left": mfa.recovery_codes_left(request.user) if enrolled else 0,
            "policy_form": MfaPolicyForm(
                initial={"require_mfa_for_staff": Firm.current().require_mfa_for_staff}
            )
            if permissions.can_set_security_policy(request.user)
            else None,
        },
    )


@any_role_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    tokens.revoke_token(request.user, token)
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("profile")


@owner_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    qs = AuditLog.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(object_repr__icontains=data["q"])
        if data["actor"]:
            qs = qs.filter(actor_label__icontains=data["actor"])
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["object_type"]:
            qs = qs.filter(object_type__icontains=data["object_type"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            qs = qs.filter(at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz))
        if data["until"]:
            qs = qs.filter(at__lte=dt.datetime.combine(data["until"], dt.time.max, tzinfo=tz))
    page = Paginator(qs, settings.PAGE_SIZE * 2).get_page(request.GET.get("page"))
    for entry in page:
        # Changes are {field: [before, after]}; security events carry plain details.
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.rows = [  # type: ignore[attr-defined]
            (k, v[0], v[1], True) if isinstance(v, list) and len(v) == 2 else (k, v, None, False)
            for k, v in changes.items()
        ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request, "core/audit_log.html", {"form": form, "page": page, "params": params.urlencode()}
    )


@any_role_required
def job_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk, created_by=request.user)
    return render(request, "core/_job_status.html", {"job": job})
