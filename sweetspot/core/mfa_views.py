"""Second-factor pages: enrol (QR code), verify at login, recovery codes, remove, policy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import mfa, permissions
from .access import AuthedHttpRequest, permission_required
from .forms import CodeForm, MfaPolicyForm, ReauthForm


def _next_url(request: AuthedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@permission_required(permissions.can_use_mfa)
@require_http_methods(["GET", "POST"])
def setup(request: AuthedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code, keep the
    recovery codes. Re-enrolling replaces the old device once the new one is confirmed."""
    if mfa.has_device(request.user) and mfa.PENDING_KEY in request.session:
        return redirect("mfa_verify")  # prove the old device before replacing it
    device = mfa.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_enrolment(request.user, form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", "That code is not valid. Check the time on your phone.")
        else:
            mfa.mark_verified(request)
            return render(
                request,
                "core/mfa_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    return render(
        request,
        "core/mfa_setup.html",
        {
            "form": form,
            "qr": mfa.qr_svg(device),
            "secret": mfa.secret_for_display(device),
            "required": mfa.required_for(request.user),
            "next": _next_url(request),
        },
    )


@permission_required(permissions.can_use_mfa)
@require_http_methods(["GET", "POST"])
def verify(request: AuthedHttpRequest) -> HttpResponse:
    """The second step of a login: a code from the app or a recovery code."""
    if not mfa.has_device(request.user):
        return redirect("mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request.user, form.cleaned_data["code"]):
            mfa.mark_verified(request)
            return redirect(_next_url(request))
        form.add_error("code", "That code is not valid.")
    return render(request, "core/mfa_verify.html", {"form": form, "next": _next_url(request)})


@permission_required(permissions.can_use_mfa)
@require_POST
def recovery_codes(request: AuthedHttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), after a current code."""
    form = CodeForm(request.POST)
    if form.is_valid() and mfa.verify(request.user, form.cleaned_data["code"]):
        codes = mfa.regenerate_recovery_codes(request.user)
        return render(request, "core/mfa_codes.html", {"codes": codes, "next": "/profile/"})
    messages.error(request, "That code is not valid: recovery codes unchanged.")
    return redirect("profile")


@permission_required(permissions.can_use_mfa)
@require_POST
def disable(request: AuthedHttpRequest) -> HttpResponse:
    """Remove the second factor: needs the password and a current code."""
    form = ReauthForm(request.POST)
    if not (
        form.is_valid()
        and request.user.check_password(form.cleaned_data["password"])
        and mfa.verify(request.user, form.cleaned_data["code"])
    ):
        messages.error(request, "Password or code not valid: the second factor stays on.")
        return redirect("profile")
    mfa.disable(request.user)
    if mfa.required_for(request.user):
        request.session[mfa.PENDING_KEY] = "enrol"
        messages.info(request, "Your account needs a second factor: set up a new one.")
        return redirect("mfa_setup")
    messages.success(request, "Second factor removed.")
    return redirect("profile")


@permission_required(permissions.can_set_security_policy)
@require_POST
def policy(request: AuthedHttpRequest) -> HttpResponse:
    form = MfaPolicyForm(request.POST)
    if form.is_valid():
        mfa.set_staff_policy(request.user, form.cleaned_data["require_mfa_for_staff"])
        messages.success(request, "Security policy saved (applies from each person's next login).")
    return redirect("profile")
