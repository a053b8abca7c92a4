"""Bulk-load synthetic companies for benchmarks: ``manage.py generate_scale --companies N``.

This is a bulk loader, not a service: it writes with ``bulk_create`` in batches inside one
transaction and skips the per-row services (and their per-row audit rows). One summary
AuditLog row keeps the load on the record. The same seed on the same database gives the
same rows; the ``#k`` in each name continues from the number of companies already there.

``--tickets N`` bulk-loads N synthetic service-desk tickets spread over the existing
companies, in chunks of ``TICKET_BATCH`` (one transaction per chunk, so a million tickets
never sit in memory at once). Their SLA due times are *approximate* benchmark data: the
firm-default targets (``desk.services.DEFAULT_TARGETS``) turned into wall-clock time by
simple arithmetic (one business minute ≈ three wall-clock minutes), not the business-hours
calendar the services use. Every ticket past "new" goes to one of the firm's active
technicians (the first ones get more, so "my tickets" has a busy technician to measure).
``GENERATOR_VERSION`` changes whenever the same seed would give different rows (benchmarks
reuse a database built by the same version).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from sweetspot.clients.models import (
    Application,
    Company,
    CompanyStatus,
    Contact,
    CurrentSupport,
    EnvironmentProfile,
    Network,
    Presence,
    Site,
)
from sweetspot.core import engine_cache
from sweetspot.core.dbstats import refresh_statistics
from sweetspot.core.models import AuditLog, Firm
from sweetspot.core.money import CENT
from sweetspot.desk.models import Ticket
from sweetspot.desk.services import DEFAULT_TARGETS
from sweetspot.team.models import Technician

GENERATOR_VERSION = 2  # 2: tickets past "new" get a technician
BATCH_SIZE = 1000
TICKET_BATCH = 5000
TICKET_SUBJECTS = [
    "Outlook keeps asking for the password",
    "Printer offline on the second floor",
    "New starter needs a laptop and accounts",
    "VPN drops every few minutes",
    "Shared drive is full",
    "Backup job failed overnight",
    "Wi-Fi slow in the meeting room",
    "SQL Server job failed",
    "Phishing e-mail reported",
    "Firewall firmware update",
]
TICKET_PRIORITIES = ["P1", "P2", "P3", "P3", "P3", "P4", "P4", "P4", "P4", "P4"]
TICKET_STATUSES = ["closed"] * 6 + ["resolved"] * 2 + ["new", "assigned"]
WALL_PER_BUSINESS_MINUTE = 3


def _words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = _words("""
    Blue Red Green Silver Golden Northern Southern Eastern Western Granite Cedar Maple Oak Pine
    Summit River Lake Harbor Bright Clear Evergreen Iron Copper Stone Sunny Misty Prairie Coastal
    Highland Valley
""")
NOUNS = _words("""
    Ridge Creek Bridge Point Field Brook Hill Grove Gate Peak Bay Meadow Crest Haven Springs Rock
    Wood Falls Landing Park
""")
# "industry | word used in the company name"
INDUSTRIES = [
    tuple(part.strip() for part in line.split("|"))
    for line in """
    Dental practice | Dental
    Law firm | Legal
    Accounting | Accounting
    Real estate | Realty
    Architecture | Architects
    Insurance agency | Insurance
    Healthcare | Medical
    Manufacturing | Manufacturing
    Title & escrow | Title
    Veterinary clinic | Veterinary
    Marketing agency | Marketing
    Engineering | Engineering
    Automotive | Auto
    Nonprofit | Foundation
    Logistics | Logistics
    Retail | Outfitters
    Property management | Property
    Financial services | Financial
    Staffing | Staffing
    Religious organisation | Church
    Construction | Construction
    Private school | Academy
    Bakery | Bakery
    Restaurant | Bistro
    Hotel | Inn
    """.strip().splitlines()
]
# "city | region | first three digits of the postal code | phone area code"
CITIES = [
    tuple(part.strip() for part in line.split("|"))
    for line in """
    Portsmouth | NH | 038 | 603
    Manchester | NH | 031 | 603
    Nashua | NH | 030 | 603
    Dover | NH | 038 | 603
    Concord | NH | 033 | 603
    Boston | MA | 021 | 617
    Worcester | MA | 016 | 508
    Lowell | MA | 018 | 978
    Portland | ME | 041 | 207
    Burlington | VT | 054 | 802
    Providence | RI | 029 | 401
    Hartford | CT | 061 | 860
    """.strip().splitlines()
]
STREETS = _words("Main Elm Oak Mill Depot Harbor Church School Maple High")
STREET_KINDS = _words("St Rd Ave Lane Pkwy Way")
SITE_LABELS = ["Main office", "Branch office", "Warehouse"]
FIRST_NAMES = _words("""
    Avery Blake Carmen Dana Eli Farah Grace Hugo Iris Jonah Kira Leo Maya Noah Olga Priya Quinn
    Rosa Seth Tess Uma Victor Wren Yusuf Zoe
""")
LAST_NAMES = _words("""
    Abbott Baker Chen Diaz Ellis Foster Garcia Hayes Ito Jensen Kowalski Lopez Murphy Nguyen
    Okafor Patel Reyes Schmidt Turner Walsh
""")
OTHER_ROLES = ["Bookkeeper", "Operations manager", "Front desk", "Partner", "Office assistant"]

CS = CurrentSupport
MICRO_SUPPORT = [CS.NOBODY, CS.OWNER, CS.RELATIVE, CS.FRIEND, CS.VOLUNTEER, CS.MOONLIGHTER]
SMALL_SUPPORT = [CS.OWNER, CS.FRIEND, CS.MOONLIGHTER, CS.MOONLIGHTER, CS.PROVIDER, CS.PROVIDER]
LARGE_SUPPORT = [CS.IN_HOUSE_IT, CS.PROVIDER, CS.MOONLIGHTER]


def _money(value: int) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _pcs(rng: random.Random) -> int:
    """Mostly small offices: ~30 % 1–9 PCs, ~50 % 10–50, ~20 % 51–200."""
    band = rng.random()
    if band < 0.3:
        return rng.randint(1, 9)
    if band < 0.8:
        return rng.randint(10, 50)
    return rng.randint(51, 200)


def _servers(rng: random.Random, pcs: int) -> int:
    if pcs < 5:
        return 1 if rng.random() < 0.05 else 0
    if pcs < 20:
        return rng.choice([0, 1, 1])
    if pcs <= 50:
        return rng.randint(1, 2)
    return rng.randint(2, 2 + pcs // 40)


def _support(rng: random.Random, status: str, pcs: int) -> str:
    if status == CompanyStatus.CLIENT:
        return CurrentSupport.PROVIDER  # the firm itself is their provider
    if pcs < 10:
        return rng.choice(MICRO_SUPPORT)
    if pcs <= 50:
        return rng.choice(SMALL_SUPPORT)
    return rng.choice(LARGE_SUPPORT)


def _presence(rng: random.Random, p_has: float, p_needs: float) -> str:
    roll = rng.random()
    if roll < p_has:
        return Presence.HAS
    if roll < p_has + p_needs:
        return Presence.NEEDS
    return Presence.NEITHER


def _environment(rng: random.Random, company: Company) -> EnvironmentProfile:
    size = min(1.0, company.pcs / 60)  # 0 (tiny) .. 1 (60+ PCs)
    if company.servers:
        server = Presence.HAS
    else:
        server = Presence.NEEDS if company.pcs >= 10 else Presence.NEITHER
    wired = company.network == Network.CLIENT_SERVER
    lan_wan = Presence.HAS if wired else _presence(rng, 0.3, 0.2)
    apps = [Application.OFFICE_SUITE] if rng.random() < 0.95 else []
    for app, p in (
        (Application.QUICKBOOKS, 0.6 if company.pcs < 40 else 0.2),
        (Application.ACT, 0.15),
        (Application.OUTLOOK_EXCHANGE, 0.4 + 0.5 * size),
        (Application.LOB_DATABASE, 0.2 + 0.5 * size),
        (Application.PHONE_SYNC, 0.2),
    ):
        if rng.random() < p:
            apps.append(app)
    return EnvironmentProfile(
        company=company,
        server=server,
        firewall=_presence(rng, 0.3 + 0.6 * size, 0.3),
        backup=_presence(rng, 0.4 + 0.5 * size, 0.4),
        offsite_backup=_presence(rng, 0.1 + 0.5 * size, 0.5),
        security=_presence(rng, 0.2 + 0.5 * size, 0.4),
        antivirus=_presence(rng, 0.8, 0.15),
        ups=_presence(rng, 0.2 + 0.6 * size, 0.3),
        lan_wan=lan_wan,
        applications=[str(a) for a in apps],
    )


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """total PCs over parts sites, the first site the largest; every site gets at least 1."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return sorted(sizes, reverse=True)


class Generator:
    """Builds unsaved rows from one random.Random; the command saves them in batches."""

    def __init__(self, seed: int, firm: Firm, start: int) -> None:
        self.rng = random.Random(seed)
        self.firm = firm
        self.k = start

    def company(self) -> tuple[Company, str]:
        rng = self.rng
        self.k += 1
        adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        industry, word = rng.choice(INDUSTRIES)
        status = rng.choices(
            [CompanyStatus.PROSPECT, CompanyStatus.CLIENT, CompanyStatus.FORMER], [55, 35, 10]
        )[0]
        pcs = _pcs(rng)
        servers = _servers(rng, pcs)
        if servers:
            network = Network.CLIENT_SERVER
        elif pcs == 1:
            network = rng.choice([Network.NONE, Network.PEER_TO_PEER])
        else:
            network = Network.PEER_TO_PEER
        max_sites = 1 if pcs < 4 else (2 if pcs < 25 else 3)
        site_count = rng.choices([1, 2, 3][:max_sites], [70, 22, 8][:max_sites])[0]
        # Some prospects have not told us their numbers yet.
        known = status != CompanyStatus.PROSPECT or rng.random() < 0.8
        revenue = _money(pcs * rng.randint(60, 250) * 1000) if known else None
        downtime = _money(pcs * rng.randint(20, 70)) if known else None
        budget = _money(max(100, pcs * rng.randint(30, 90))) if known else None
        archived = rng.random() < 0.02
        company = Company(
            name=f"{adjective} {noun} {word} #{self.k}",
            status=status,
            segment=self.firm.segment_for(pcs),
            industry=industry,
            pcs=pcs,
            servers=servers,
            site_count=site_count,
            network=network,
            current_support=_support(rng, status, pcs),
            archived_at=timezone.now() if archived else None,
            annual_revenue=revenue,
            downtime_cost_per_hour=downtime,
            monthly_it_budget=budget,
        )
        domain = f"{adjective}{noun}{self.k}.example".lower()
        return company, domain

    def sites(self, company: Company) -> list[Site]:
        rng = self.rng
        sizes = _split(rng, company.pcs, company.site_count)
        short = company.name.rsplit(" #", 1)[0]
        sites = []
        for i, pcs in enumerate(sizes):
            city, region, zip3, _ = rng.choice(CITIES)
            sites.append(
                Site(
                    company=company,
                    name=f"{short} — {SITE_LABELS[i]}",
                    street=f"{rng.randint(1, 999)} {rng.choice(STREETS)} "
                    f"{rng.choice(STREET_KINDS)}",
                    city=city,
                    region=region,
                    postal_code=f"{zip3}{rng.randint(0, 99):02d}",
                    pcs=pcs,
                )
            )
        return sites

    def contacts(self, company: Company, sites: list[Site], domain: str) -> list[Contact]:
        rng = self.rng
        area = next(c[3] for c in CITIES if c[0] == sites[0].city)
        count = rng.choices([1, 2, 3], [50, 35, 15])[0]
        rows = []
        for i in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if i == 0:
                role = (
                    "IT manager"
                    if company.current_support == CurrentSupport.IN_HOUSE_IT
                    else rng.choice(["Owner", "Office manager", "Managing partner"])
                )
            else:
                role = rng.choice(OTHER_ROLES)
            rows.append(
                Contact(
                    company=company,
                    site=rng.choice(sites),
                    name=f"{first} {last}",
                    email=f"{first}.{last}@{domain}".lower(),
                    phone=f"{area}-555-01{rng.randint(0, 99):02d}",
                    role=role,
                    is_primary=i == 0,
                )
            )
        return rows


class Command(BaseCommand):
    help = (
        "Bulk-load N synthetic companies (with environment, 1–3 sites, 1–3 contacts) for "
        "benchmarks. Bypasses the services; writes one summary audit row."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--companies", type=int, default=0, help="How many to add.")
        parser.add_argument(
            "--tickets", type=int, default=0, help="How many tickets to add (existing companies)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        n: int = options["companies"] or 0
        tickets: int = options["tickets"] or 0
        if n < 0 or tickets < 0 or (n < 1 and tickets < 1):
            raise CommandError("--companies or --tickets must be at least 1.")
        if n:
            self._companies(n, options["seed"])
        if tickets:
            started = time.perf_counter()
            made = generate_tickets(tickets, options["seed"])
            elapsed = time.perf_counter() - started
            self.stdout.write(f"Created {made} tickets in {elapsed:.2f} s.")
        # A bulk load changes what the planner should choose: fresh statistics (issue 18).
        refresh_statistics(full=True)
        # It bypasses the save signals too, so cached engine results are forgotten here.
        engine_cache.bump_all()

    def _companies(self, n: int, seed: int) -> None:
        started = time.perf_counter()
        counts = generate(n, seed)
        elapsed = time.perf_counter() - started
        rows = sum(counts.values())
        self.stdout.write(
            f"Created {counts['companies']} companies, {counts['environments']} environments, "
            f"{counts['sites']} sites, {counts['contacts']} contacts ({rows} rows) "
            f"in {elapsed:.2f} s."
        )


@transaction.atomic
def generate(n: int, seed: int) -> dict[str, int]:
    """Add n companies with their environment, sites and contacts; return row counts."""
    firm = Firm.current()
    gen = Generator(seed, firm, start=Company.objects.count())
    counts = {"companies": 0, "environments": 0, "sites": 0, "contacts": 0}
    first_pk = last_pk = None
    for offset in range(0, n, BATCH_SIZE):
        built = [gen.company() for _ in range(min(BATCH_SIZE, n - offset))]
        companies = Company.objects.bulk_create([c for c, _ in built], batch_size=BATCH_SIZE)
        if companies[0].pk is None:  # pragma: no cover - every supported backend returns pks
            raise CommandError("This database does not return primary keys from bulk_create.")
        first_pk = first_pk or companies[0].pk
        last_pk = companies[-1].pk
        envs = [_environment(gen.rng, c) for c in companies]
        EnvironmentProfile.objects.bulk_create(envs, batch_size=BATCH_SIZE)
        per_company = [gen.sites(c) for c in companies]
        sites = Site.objects.bulk_create(
            [s for group in per_company for s in group], batch_size=BATCH_SIZE
        )
        contacts = [
            contact
            for (company, domain), group in zip(built, per_company, strict=True)
            for contact in gen.contacts(company, group, domain)
        ]
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
        counts["companies"] += len(companies)
        counts["environments"] += len(envs)
        counts["sites"] += len(sites)
        counts["contacts"] += len(contacts)
    AuditLog.objects.create(
        actor=None,
        actor_label="system",
        action=AuditLog.Action.CREATE,
        object_type=Company._meta.label,
        object_id=f"{first_pk}-{last_pk}",
        object_repr=f"generate_scale: {n} companies",
        changes={"seed": seed, **counts},
    )
    return counts


def _ticket_chunk(
    rng: random.Random,
    company_ids: list[int],
    count: int,
    now: dt.datetime,
    technician_ids: list[int] | None = None,
) -> list[Any]:
    techs = technician_ids or []
    # Weights 3, 3, 2, 2, 1, 1, …: the first technicians carry most of the work.
    weights = [3 if i < 2 else 2 if i < 4 else 1 for i in range(len(techs))]
    out = []
    for _ in range(count):
        created = now - dt.timedelta(minutes=rng.randrange(180 * 24 * 60))
        priority = rng.choice(TICKET_PRIORITIES)
        status = rng.choice(TICKET_STATUSES)
        response, resolution = DEFAULT_TARGETS[priority]
        done = created + dt.timedelta(minutes=rng.randrange(30, 3 * resolution))
        technician = rng.choices(techs, weights)[0] if techs and status != "new" else None
        out.append(
            Ticket(
                company_id=rng.choice(company_ids),
                subject=rng.choice(TICKET_SUBJECTS),
                priority=priority,
                status=status,
                estimate_hours=Decimal(rng.choice((1, 1, 2, 2, 3, 4))) / 2,
                technician_id=technician,
                created_at=created,
                response_target_minutes=response,
                resolution_target_minutes=resolution,
                # Approximate (see the module docstring): wall clock, no business calendar.
                response_due_at=created + dt.timedelta(minutes=response * WALL_PER_BUSINESS_MINUTE),
                response_at_risk_at=created
                + dt.timedelta(minutes=response * WALL_PER_BUSINESS_MINUTE * 3 // 4),
                resolution_due_at=created
                + dt.timedelta(minutes=resolution * WALL_PER_BUSINESS_MINUTE),
                resolution_at_risk_at=created
                + dt.timedelta(minutes=resolution * WALL_PER_BUSINESS_MINUTE * 3 // 4),
                responded_at=None if status == "new" else created + dt.timedelta(minutes=20),
                resolved_at=done if status in ("resolved", "closed") else None,
                closed_at=done if status == "closed" else None,
            )
        )
    return out


def _adapter(field: Any) -> Callable[[Any], Any]:
    """The function that turns a value of ``field`` into what the database driver takes."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if kind == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if kind == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    return lambda v: v


def _insert_tickets(rows: list[Ticket], now: dt.datetime) -> tuple[int, int]:
    """INSERT the unsaved tickets with one executemany; returns the first and last new pk.

    bulk_create spent four fifths of a million-ticket load compiling SQL value by value
    (issue 18); here each column's adapter is chosen once and the rows go as plain tuples.
    Every column is written, so the result is what bulk_create would have stored."""
    ops = connection.ops
    fields = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
    adapters = [_adapter(f) for f in fields]
    for row in rows:
        row.updated_at = now  # auto_now, which bulk_create would have set
    table = ops.quote_name(Ticket._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    params = [
        [adapt(getattr(row, f.attname)) for f, adapt in zip(fields, adapters, strict=True)]
        for row in rows
    ]
    before = Ticket.objects.aggregate(top=Max("pk"))["top"] or 0
    with connection.cursor() as cursor:
        # Identifiers from the model, quoted; every value goes as a parameter.
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)  # noqa: S608
    after = Ticket.objects.aggregate(top=Max("pk"))["top"] or 0
    return before + 1, after


def generate_tickets(n: int, seed: int) -> int:
    """Add n tickets over the existing companies, TICKET_BATCH at a time; one audit row."""

    company_ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    if not company_ids:
        raise CommandError("--tickets needs existing companies (add some with --companies).")
    technician_ids = list(
        Technician.objects.filter(archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(seed)
    now = timezone.now()
    first_pk = last_pk = None
    made = 0
    for offset in range(0, n, TICKET_BATCH):
        chunk = _ticket_chunk(rng, company_ids, min(TICKET_BATCH, n - offset), now, technician_ids)
        with transaction.atomic():
            low, high = _insert_tickets(chunk, now)
        first_pk = first_pk or low
        last_pk = high
        made += len(chunk)
    AuditLog.objects.create(
        actor=None,
        actor_label="system",
        action=AuditLog.Action.CREATE,
        object_type=Ticket._meta.label,
        object_id=f"{first_pk}-{last_pk}",
        object_repr=f"generate_scale: {n} tickets",
        changes={"seed": seed, "tickets": made},
    )
    return made
