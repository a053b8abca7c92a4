"""Demo mail-out data: the on-call rota of Brightline IT. Idempotent.

Ravi and Leo take turns (the two technicians the team seed marks on call, so the promise
check reads the same cover from the rota); Leo has no login, so his pages go to his
e-mail-to-SMS address. The rotation counts from this week's Monday: Ravi is on call now.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sweetspot.team.models import Technician

from . import services, sla_alerts
from .models import RotaMember

ROTA = [("Ravi Rao", ""), ("Leo Park", "5550142@txt.brightline.example")]


def seed_mail(today: dt.date | None = None) -> dict[str, int]:
    if RotaMember.objects.exists():
        return {}
    today = today or timezone.localdate()
    techs = {t.name: t for t in Technician.objects.filter(name__in=[n for n, _ in ROTA])}
    added = 0
    for name, sms in ROTA:
        tech = techs.get(name)
        if tech is not None:
            services.add_rota_member(None, tech, sms)
            added += 1
    monday = today - dt.timedelta(days=today.weekday())
    services.update_mail_settings(None, {"rota_starts_on": monday})
    # The seeded open tickets are history: the stages they reached before today were dealt
    # with, so the first scan of `make run` does not mail a flood of old breaches.
    sla_alerts.scan(send=False)
    return {"rota_members": added}
