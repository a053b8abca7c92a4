"""The daily digest at the firm's digest hour (07:00 firm time by default).

One message per person with something to read, nothing for the others:

* renewals due (owners): active agreements ending within their notice period or the next
  60 days, whichever is longer;
* certifications expiring within 90 days (owners, and the technician who holds it);
* overdue follow-ups (their owner): business-development activities past due, not done;
* visits of the day (each technician): scheduled visits with the site's address and the
  checklist.

Client contacts never get a digest. ``send_digests(now)`` sends once per firm day (a
``DigestRun`` row), from the digest hour on: the Huey task checks every five minutes, so a
worker that was down at seven still sends it when it comes back the same day; ``manage.py
send_digest`` does the same for cron (``--force`` sends again).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.core.models import Firm, Role, User
from sweetspot.core.permissions import is_owner
from sweetspot.desk.models import Visit, VisitStatus
from sweetspot.growth.models import Activity
from sweetspot.team.models import TechnicianCertification

from . import outbound
from .models import DigestRun, MailSettings, Notification
from .notify import deliver

CERT_DAYS = 90
RENEWAL_DAYS = 60


def build(day: dt.date, firm: Firm) -> dict[int, dict[str, Any]]:
    """{user id: {"person", "visits", "certifications", "renewals", "followups"}}: a fixed
    number of queries whatever the size."""
    zone = ZoneInfo(firm.time_zone or "UTC")
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"visits": [], "certifications": [], "renewals": [], "followups": []}
    )
    users = {u.pk: u for u in User.objects.filter(is_active=True).exclude(role=Role.CLIENT)}
    owners = [u for u in users.values() if is_owner(u)]

    renewals = [
        a
        for a in Agreement.objects.filter(
            status=AgreementStatus.ACTIVE, end_date__isnull=False, end_date__gte=day
        ).select_related("company")
        if a.end_date is not None
        and a.end_date <= day + dt.timedelta(days=max(a.notice_days, RENEWAL_DAYS))
    ]
    renewals.sort(key=lambda a: (a.end_date, a.pk))
    certs = list(
        TechnicianCertification.objects.filter(
            expires_on__gte=day,
            expires_on__lte=day + dt.timedelta(days=CERT_DAYS),
            technician__archived_at__isnull=True,
        )
        .select_related("technician", "certification")
        .order_by("expires_on", "pk")
    )
    for owner in owners:
        out[owner.pk]["renewals"] = renewals
        out[owner.pk]["certifications"] = list(certs)
    for cert in certs:
        holder = cert.technician.user_id
        if holder in users and cert not in out[holder]["certifications"]:
            out[holder]["certifications"].append(cert)

    for activity in (
        Activity.objects.filter(due_date__lt=day, done_date__isnull=True)
        .select_related("company")
        .order_by("due_date", "pk")
    ):
        if activity.owner_id in users:
            out[activity.owner_id]["followups"].append(activity)

    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    for visit in (
        Visit.objects.filter(
            status=VisitStatus.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        .select_related("company", "site", "technician")
        .order_by("starts_at", "pk")
    ):
        user_id = visit.technician.user_id
        if user_id in users:
            visit.address = visit.site.address if visit.site else ""  # type: ignore[attr-defined]
            visit.starts_at = visit.starts_at.astimezone(zone)
            visit.ends_at = visit.ends_at.astimezone(zone)
            out[user_id]["visits"].append(visit)

    result = {}
    for user_id, sections in out.items():
        if any(sections.values()):
            result[user_id] = {**sections, "person": users[user_id]}
    return result


def send_digests(now: dt.datetime | None = None, force: bool = False) -> tuple[dt.date, int | None]:
    """(firm day, messages sent); None when it is before the digest hour or already sent."""
    firm = Firm.current()
    now = now or timezone.now()
    local = now.astimezone(ZoneInfo(firm.time_zone or "UTC"))
    day = local.date()
    if not force and local.hour < MailSettings.current().digest_hour:
        return day, None
    try:
        with transaction.atomic():
            run, created = DigestRun.objects.get_or_create(
                day=day, defaults={"sent_at": now, "messages": 0}
            )
    except IntegrityError:  # another worker claimed the day first
        return day, None
    if not created and not force:
        return day, None
    link = outbound.site_url(reverse("home"))
    sent = 0
    for data in build(day, firm).values():
        person = data["person"]
        sent += len(
            deliver(
                Notification.DIGEST,
                [person.email],
                f"Your day: {day:%a %d %b}",
                "digest",
                {**data, "day": day, "link": link},
                None,
                now=now,
            )
        )
    run.messages, run.sent_at = sent, now
    run.save()
    return day, sent
