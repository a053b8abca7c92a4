"""Prospect qualification: is this company worth a monthly agreement, and why?

Pure functions over frozen dataclasses (no ORM, no request). The firm's thresholds and
weights come in as ``QualificationSettings``; defaults follow docs/DOMAIN.md §1, §2 and §8.

The fit score is for the monthly-agreement model. Its reasons are integers that always add
up to the score: a ``base`` reason first, one reason per signal (0 for an unknown signal)
and, when the raw total left 0–100, a ``clamp`` reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sweetspot.core import segments

SEGMENTS = ("micro", "sweet_spot", "upper")
VERDICTS = ("ready", "nurture", "not_a_fit")
ENGAGEMENTS = ("managed_agreement", "hourly_break_fix", "specialist_project")
NETWORKS = ("none", "peer_to_peer", "client_server")
ENVIRONMENT = (
    "server",
    "firewall",
    "backup",
    "offsite_backup",
    "security",
    "antivirus",
    "ups",
    "lan_wan",
)
SUPPORT = (
    "nobody",
    "owner",
    "volunteer",
    "relative",
    "friend",
    "moonlighter",
    "provider",
    "in_house_it",
)
# Applications that make downtime hurt and keep an outside firm busy.
BUSINESS_CRITICAL_APPS = {
    "quickbooks": "QuickBooks",
    "lob_database": "a line-of-business database",
    "outlook_exchange": "Outlook/Exchange",
    "act": "ACT!",
}
SUPPORT_LABELS = {
    "nobody": "nobody looks after their systems",
    "owner": "the owner looks after the systems",
    "volunteer": "a volunteer looks after the systems",
    "relative": "a relative looks after the systems",
    "friend": "a friend looks after the systems",
    "moonlighter": "a moonlighter looks after the systems",
    "provider": "another provider looks after them",
    "in_house_it": "they have an in-house IT manager",
}


@dataclass(frozen=True)
class QualificationSettings:
    """The firm's tunable rules. Every number here is editable on the settings page."""

    micro_max_pcs: int = 9
    sweet_spot_max_pcs: int = 50
    base: int = 10
    # PC count: micro / sweet spot low end / sweet spot top end / upper
    weight_micro: int = -20
    weight_sweet_spot_min: int = 10
    weight_sweet_spot_max: int = 20
    weight_upper: int = 10
    weight_has_server: int = 10
    weight_no_server: int = -5
    weight_client_server: int = 10
    weight_peer_to_peer: int = -5
    weight_no_network: int = -10
    weight_per_need: int = 3
    max_needs: int = 12
    weight_per_has: int = 2
    max_has: int = 8
    weight_outgrown_help: int = 10  # volunteer, relative, friend, moonlighter
    weight_no_help: int = 5  # nobody, owner
    weight_other_provider: int = 5
    weight_in_house_it: int = -20
    downtime_tiers: tuple[tuple[int, int], ...] = ((100, 5), (500, 10), (1000, 15))
    revenue_tiers: tuple[tuple[int, int], ...] = ((1_000_000, 5), (5_000_000, 8))
    budget_tiers: tuple[tuple[int, int], ...] = ((0, -10), (300, 0), (500, 3), (1000, 10))
    weight_per_app: int = 2
    max_apps: int = 6
    ready_threshold: int = 65
    nurture_threshold: int = 40
    fee_sweet_spot: tuple[Decimal, Decimal] = (Decimal("1000"), Decimal("2000"))
    fee_upper: tuple[Decimal, Decimal] = (Decimal("2000"), Decimal("4000"))
    fee_micro: tuple[Decimal, Decimal] = (Decimal("300"), Decimal("600"))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if key.startswith("fee_"):
                data[key] = [str(v) for v in value]
            elif key.endswith("_tiers"):
                data[key] = [list(t) for t in value]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> QualificationSettings:
        if not data:
            return cls()
        known = {f for f in cls.__dataclass_fields__}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key.startswith("fee_"):
                kwargs[key] = (Decimal(str(value[0])), Decimal(str(value[1])))
            elif key.endswith("_tiers"):
                kwargs[key] = tuple((int(a), int(b)) for a, b in value)
            else:
                kwargs[key] = int(value)
        return cls(**kwargs)


@dataclass(frozen=True)
class Signals:
    pcs: int
    servers: int | None = None
    sites: int | None = None
    network: str | None = None
    has: frozenset[str] | None = None
    needs: frozenset[str] | None = None
    current_support: str | None = None
    downtime_cost_per_hour: Decimal | None = None
    annual_revenue: Decimal | None = None
    monthly_it_budget: Decimal | None = None
    applications: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Reason:
    signal: str
    weight: int
    detail: str


@dataclass(frozen=True)
class Assessment:
    segment: str
    fit_score: int
    verdict: str
    engagement: str
    monthly_fee: tuple[Decimal, Decimal] | None
    certification_posture: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "fit_score": self.fit_score,
            "verdict": self.verdict,
            "engagement": self.engagement,
            "monthly_fee": None
            if self.monthly_fee is None
            else {"low": f"{self.monthly_fee[0]:.2f}", "high": f"{self.monthly_fee[1]:.2f}"},
            "certification_posture": self.certification_posture,
            "reasons": [asdict(r) for r in self.reasons],
        }


def segment_for(pcs: int, s: QualificationSettings) -> str:
    """The segment comes from the PC count alone (docs/DOMAIN.md §8): core.segments."""
    return segments.segment_for(pcs, s.micro_max_pcs, s.sweet_spot_max_pcs)


def _tier(value: Decimal, tiers: tuple[tuple[int, int], ...]) -> int:
    weight = 0
    for threshold, w in sorted(tiers):
        if value >= threshold:
            weight = w
    return weight


def _money(value: Decimal) -> str:
    return f"${value:,.0f}"


def _pcs_reason(sig: Signals, segment: str, s: QualificationSettings) -> Reason:
    if segment == "micro":
        return Reason(
            "pcs",
            s.weight_micro,
            f"{sig.pcs} PCs is a micro business: occasional help, rarely an agreement.",
        )
    if segment == "upper":
        return Reason(
            "pcs",
            s.weight_upper,
            f"{sig.pcs} PCs is above the sweet spot: a larger, more demanding shop.",
        )
    low, high = s.micro_max_pcs + 1, s.sweet_spot_max_pcs
    span = max(1, high - low)
    weight = s.weight_sweet_spot_min + (
        (s.weight_sweet_spot_max - s.weight_sweet_spot_min) * (sig.pcs - low) // span
    )
    return Reason("pcs", weight, f"{sig.pcs} PCs is in the sweet spot ({low}–{high}).")


def _reasons(sig: Signals, segment: str, s: QualificationSettings) -> list[Reason]:
    out = [_pcs_reason(sig, segment, s)]

    if sig.servers is None:
        out.append(Reason("servers", 0, "Server count unknown."))
    elif sig.servers > 0:
        out.append(
            Reason(
                "servers",
                s.weight_has_server,
                f"{sig.servers} server(s): a real network to look after.",
            )
        )
    else:
        out.append(Reason("servers", s.weight_no_server, "No server."))

    if sig.network is None:
        out.append(Reason("network", 0, "Network type unknown."))
    elif sig.network == "client_server":
        out.append(Reason("network", s.weight_client_server, "Client/server network."))
    elif sig.network == "peer_to_peer":
        out.append(
            Reason(
                "network",
                s.weight_peer_to_peer,
                "Peer-to-peer network: little to manage centrally.",
            )
        )
    else:
        out.append(Reason("network", s.weight_no_network, "No network at all."))

    if sig.needs is None:
        out.append(Reason("needs", 0, "Infrastructure needs unknown."))
    elif sig.needs:
        w = min(s.max_needs, s.weight_per_need * len(sig.needs))
        items = ", ".join(sorted(n.replace("_", " ") for n in sig.needs))
        out.append(Reason("needs", w, f"Needs {items}: work we can sell and maintain."))
    else:
        out.append(Reason("needs", 0, "No stated infrastructure needs."))

    if sig.has is None:
        out.append(Reason("has", 0, "Existing infrastructure unknown."))
    elif sig.has:
        w = min(s.max_has, s.weight_per_has * len(sig.has))
        items = ", ".join(sorted(h.replace("_", " ") for h in sig.has))
        out.append(Reason("has", w, f"Already runs {items}: systems that need upkeep."))
    else:
        out.append(Reason("has", 0, "No infrastructure in place yet."))

    support = sig.current_support
    if support is None:
        out.append(Reason("current_support", 0, "Current support unknown."))
    elif support in {"volunteer", "relative", "friend", "moonlighter"}:
        out.append(
            Reason(
                "current_support",
                s.weight_outgrown_help,
                f"Today {SUPPORT_LABELS[support]}: they are outgrowing informal help.",
            )
        )
    elif support in {"nobody", "owner"}:
        out.append(Reason("current_support", s.weight_no_help, f"Today {SUPPORT_LABELS[support]}."))
    elif support == "provider":
        out.append(
            Reason(
                "current_support",
                s.weight_other_provider,
                "Another provider supports them: a switch is possible.",
            )
        )
    else:
        out.append(
            Reason(
                "current_support",
                s.weight_in_house_it,
                "An in-house IT manager covers the day-to-day: "
                "they buy niche skills, not a retainer.",
            )
        )

    if sig.downtime_cost_per_hour is None:
        out.append(Reason("downtime_cost_per_hour", 0, "Cost of downtime unknown."))
    else:
        out.append(
            Reason(
                "downtime_cost_per_hour",
                _tier(sig.downtime_cost_per_hour, s.downtime_tiers),
                f"An hour of downtime costs about {_money(sig.downtime_cost_per_hour)}.",
            )
        )

    if sig.annual_revenue is None:
        out.append(Reason("annual_revenue", 0, "Annual revenue unknown."))
    else:
        out.append(
            Reason(
                "annual_revenue",
                _tier(sig.annual_revenue, s.revenue_tiers),
                f"Annual revenue about {_money(sig.annual_revenue)}.",
            )
        )

    if sig.monthly_it_budget is None:
        out.append(Reason("monthly_it_budget", 0, "Monthly IT budget unknown."))
    else:
        out.append(
            Reason(
                "monthly_it_budget",
                _tier(sig.monthly_it_budget, s.budget_tiers),
                f"Monthly IT budget about {_money(sig.monthly_it_budget)}.",
            )
        )

    if sig.applications is None:
        out.append(Reason("applications", 0, "Applications unknown."))
    else:
        critical = sorted(
            {BUSINESS_CRITICAL_APPS[a] for a in sig.applications if a in BUSINESS_CRITICAL_APPS}
        )
        if critical:
            w = min(s.max_apps, s.weight_per_app * len(critical))
            out.append(
                Reason(
                    "applications", w, f"Runs {', '.join(critical)}: downtime stops the business."
                )
            )
        else:
            out.append(Reason("applications", 0, "No business-critical applications listed."))
    return out


POSTURE = {
    "micro": (
        "Keep it practical: mention entry-level credentials (CompTIA A+, MCP) only; "
        "senior certifications look like paying for someone overqualified."
    ),
    "sweet_spot": (
        "Say the team is certified and leave it there: the owner cannot tell levels apart "
        "and will not pay senior rates. Lead with reliability and response times."
    ),
    "upper": (
        "Lead with senior and expert certifications that fill the IT manager's gaps "
        "(e.g. MCSE, CCNP, SQL Server): the manager knows every level and it decides the deal."
    ),
}


def assess(sig: Signals, s: QualificationSettings | None = None) -> Assessment:
    s = s or QualificationSettings()
    segment = segment_for(sig.pcs, s)
    signal_reasons = _reasons(sig, segment, s)
    reasons = [Reason("base", s.base, "Starting score for any company.")] + signal_reasons
    raw = sum(r.weight for r in reasons)
    score = max(0, min(100, raw))
    if score != raw:
        reasons.append(Reason("clamp", score - raw, f"Raw total {raw} kept within 0–100."))

    in_house = sig.current_support == "in_house_it"
    if in_house:
        engagement = "specialist_project"
    elif segment == "micro":
        engagement = "hourly_break_fix"
    elif score >= s.nurture_threshold:
        engagement = "managed_agreement"
    else:
        engagement = "hourly_break_fix"

    if engagement == "specialist_project":
        # Ready when there is specialist work to sell: stated needs or complex applications.
        specialist_work = bool(sig.needs) or bool(
            sig.applications and {"lob_database", "outlook_exchange"} & set(sig.applications)
        )
        verdict = "ready" if specialist_work else "nurture"
    elif engagement == "managed_agreement":
        verdict = "ready" if score >= s.ready_threshold else "nurture"
    else:
        verdict = "nurture" if score >= s.nurture_threshold else "not_a_fit"

    fee = None
    if engagement == "managed_agreement":
        fee = {"sweet_spot": s.fee_sweet_spot, "upper": s.fee_upper}.get(segment, s.fee_micro)
    return Assessment(
        segment=segment,
        fit_score=score,
        verdict=verdict,
        engagement=engagement,
        monthly_fee=fee,
        certification_posture=POSTURE[segment],
        reasons=tuple(reasons),
    )
