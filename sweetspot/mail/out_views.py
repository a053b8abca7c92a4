"""Mail-out pages: my notifications (everyone), the on-call rota (owner, dispatcher), the
one-click page acknowledgement (the token in the mail is the credential)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import User
from sweetspot.core.permissions import can_choose_notifications, can_manage_rota, is_staff
from sweetspot.core.writes import save_form

from . import paging, queries, rota, services
from .models import (
    CLIENT_NOTIFICATIONS,
    STAFF_NOTIFICATIONS,
    MailSettings,
    Notification,
    RotaMember,
    RotaSwap,
)
from .out_forms import MailSettingsForm, MemberForm, SmsForm, SwapForm


def address_of(user: User) -> str:
    """Where a person's mail goes: a client's linked contact address, else the login's."""
    contact = user.contact if user.is_client_contact else None
    return contact.email if contact is not None and contact.email else user.email


@permission_required(can_choose_notifications)
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    choices = CLIENT_NOTIFICATIONS if user.is_client_contact else STAFF_NOTIFICATIONS
    if request.method == "POST":
        enabled = {k for k in request.POST.getlist("enabled") if k in set(choices)}
        services.set_notifications(user, user, enabled)
        messages.success(request, "Your notification choices are saved.")
        return redirect("mail:preferences")
    off = set(user.notification_opt_outs.values_list("kind", flat=True))
    labels = dict(Notification.choices)
    rows = [{"kind": k, "label": labels[k], "on": k not in off} for k in choices]
    return render(
        request,
        "mail/preferences.html",
        {"rows": rows, "pages": is_staff(user), "email": address_of(user)},
    )


def _rota_context(request: AuthedHttpRequest) -> dict[str, object]:
    today = rota.firm_today()
    loaded = rota.Rota()
    return {
        "members": loaded.members,
        "now": loaded.cover(today),
        "next": loaded.next_person(today),
        "weeks": loaded.weeks(today, 8),
        "swaps": [s for s in loaded.swaps if s.starts_on >= today - dt.timedelta(days=7)],
        "settings_form": MailSettingsForm(instance=loaded.settings),
        "member_form": MemberForm(),
        "swap_form": SwapForm(initial={"starts_on": today}),
        "today": today,
    }


@permission_required(can_manage_rota)
@require_http_methods(["GET", "POST"])
def rota_page(request: AuthedHttpRequest) -> HttpResponse:
    context = _rota_context(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "settings":
            form = MailSettingsForm(request.POST, instance=MailSettings.current())
            if form.is_valid() and save_form(
                form, lambda d: services.update_mail_settings(request.user, d)
            ):
                messages.success(request, "Settings saved.")
                return redirect("mail:rota")
            context["settings_form"] = form
        elif action == "add":
            member_form = MemberForm(request.POST)
            if member_form.is_valid() and save_form(
                member_form,
                lambda d: services.add_rota_member(
                    request.user, d["technician"], d["sms_address"] or ""
                ),
            ):
                messages.success(request, "Added to the rota.")
                return redirect("mail:rota")
            context["member_form"] = member_form
        elif action == "swap":
            swap_form = SwapForm(request.POST)
            if swap_form.is_valid() and save_form(
                swap_form,
                lambda d: services.add_swap(
                    request.user, d["technician"], d["starts_on"], d["days"], d["note"]
                ),
            ):
                messages.success(request, "Swap saved.")
                return redirect("mail:rota")
            context["swap_form"] = swap_form
        else:
            raise Http404("Not found")
        return render(request, "mail/rota.html", context, status=422)
    return render(request, "mail/rota.html", context)


def _member(pk: int) -> RotaMember:
    member = RotaMember.objects.select_related("technician").filter(pk=pk).first()
    if member is None:
        raise Http404("Not found")
    return member


@permission_required(can_manage_rota)
@require_POST
def rota_member(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Move up/down, change the SMS address, or take off the rota."""
    member = _member(pk)
    action = request.POST.get("action", "")
    if action in ("up", "down"):
        services.move_rota_member(request.user, member, -1 if action == "up" else 1)
    elif action == "remove":
        services.remove_rota_member(request.user, member)
        messages.success(request, f"{member.technician.name} is off the rota.")
    elif action == "sms":
        form = SmsForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for e in form.errors.get("sms_address", [])))
        else:
            services.update_rota_member(request.user, member, form.cleaned_data)
    return redirect("mail:rota")  # anything else: nothing to do


@permission_required(can_manage_rota)
@require_POST
def swap_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    swap = RotaSwap.objects.filter(pk=pk).first()
    if swap is None:
        raise Http404("Not found")
    services.cancel_swap(request.user, swap)
    messages.success(request, "Swap cancelled.")
    return redirect("mail:rota")


@require_http_methods(["GET", "POST"])
def page_ack(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a page. GET shows the ticket and one button; POST acknowledges. A GET
    never acknowledges: mail scanners open links, and a P1 must not look handled because a
    scanner followed the link. The token is the credential (no login at 2 a.m.)."""
    page = queries.page_by_token(token)
    if request.method == "POST":
        paging.acknowledge(request.user, page)  # type: ignore[arg-type]
        if getattr(request.user, "is_authenticated", False) and is_staff(request.user):
            messages.success(request, "Acknowledged: the escalation stops.")
            return redirect("desk:ticket_detail", page.ticket_id)
    return render(request, "mail/page_ack.html", {"page": page, "ticket": page.ticket})
