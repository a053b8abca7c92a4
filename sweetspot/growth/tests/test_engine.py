"""The qualification engine: segments, score invariants, verdicts, reasons."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.growth import contract, engine
from sweetspot.growth.engine import QualificationSettings, Signals, assess

DEFAULT = QualificationSettings()


@pytest.mark.parametrize(
    "pcs,segment",
    [
        (0, "micro"),
        (9, "micro"),
        (10, "sweet_spot"),
        (50, "sweet_spot"),
        (51, "upper"),
        (500, "upper"),
    ],
)
def test_segment_boundaries(pcs, segment):
    assert assess(Signals(pcs=pcs)).segment == segment


def test_segment_bounds_come_from_settings():
    s = replace(DEFAULT, micro_max_pcs=4, sweet_spot_max_pcs=30)
    assert assess(Signals(pcs=5), s).segment == "sweet_spot"
    assert assess(Signals(pcs=31), s).segment == "upper"


HARBOR = Signals(
    pcs=22,
    servers=1,
    sites=1,
    network="client_server",
    has=frozenset({"server", "firewall", "backup", "antivirus", "ups", "lan_wan"}),
    needs=frozenset({"offsite_backup", "security"}),
    current_support="provider",
    downtime_cost_per_hour=Decimal("900"),
    annual_revenue=Decimal("3200000"),
    monthly_it_budget=Decimal("1500"),
    applications=("office_suite", "quickbooks", "outlook_exchange", "lob_database"),
)
FERN = Signals(
    pcs=4,
    servers=0,
    sites=1,
    network="peer_to_peer",
    has=frozenset({"antivirus"}),
    needs=frozenset({"backup"}),
    current_support="relative",
    downtime_cost_per_hour=Decimal("80"),
    annual_revenue=Decimal("600000"),
    monthly_it_budget=Decimal("150"),
    applications=("office_suite", "quickbooks"),
)
NORTHWIND = Signals(
    pcs=140,
    servers=6,
    network="client_server",
    needs=frozenset({"security"}),
    current_support="in_house_it",
    applications=("lob_database",),
)


def test_sweet_spot_dental_practice_is_ready_for_an_agreement():
    result = assess(HARBOR)
    assert (result.segment, result.verdict, result.engagement) == (
        "sweet_spot",
        "ready",
        "managed_agreement",
    )
    assert result.monthly_fee == (Decimal("1000"), Decimal("2000"))
    assert "cannot tell levels apart" in result.certification_posture


def test_micro_bakery_is_not_a_fit():
    result = assess(FERN)
    assert (result.segment, result.verdict, result.engagement) == (
        "micro",
        "not_a_fit",
        "hourly_break_fix",
    )
    assert result.monthly_fee is None
    assert [r.signal for r in result.reasons][-1] == "clamp"


def test_upper_with_it_manager_is_ready_for_a_specialist_project():
    result = assess(NORTHWIND)
    assert result.segment == "upper"  # the IT manager does not change the segment
    assert (result.engagement, result.verdict) == ("specialist_project", "ready")
    assert result.monthly_fee is None
    without_manager = assess(replace(NORTHWIND, current_support="provider"))
    assert without_manager.fit_score > result.fit_score
    assert "IT manager" in next(r.detail for r in result.reasons if r.signal == "current_support")


def test_missing_signals_are_unknown_with_zero_weight():
    result = assess(Signals(pcs=20))
    unknown = [r for r in result.reasons if r.signal not in {"base", "pcs"}]
    assert unknown and all(r.weight == 0 and "unknown" in r.detail.lower() for r in unknown)
    assert result.reasons[0].signal == "base"


def test_changing_a_weight_changes_the_result():
    heavier = replace(DEFAULT, weight_has_server=25)
    assert assess(HARBOR, heavier).fit_score >= assess(HARBOR).fit_score
    lower_bar = replace(DEFAULT, ready_threshold=95)
    assert assess(HARBOR, lower_bar).verdict == "nurture"


def test_settings_round_trip_json():
    s = replace(DEFAULT, weight_micro=-7, fee_upper=(Decimal("2500"), Decimal("5000")))
    assert QualificationSettings.from_json(s.to_json()) == s


# --- properties -----------------------------------------------------------------------

money = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False),
)
env = st.one_of(st.none(), st.frozensets(st.sampled_from(engine.ENVIRONMENT)))
signals = st.builds(
    Signals,
    pcs=st.integers(0, 1000),
    servers=st.one_of(st.none(), st.integers(0, 50)),
    sites=st.one_of(st.none(), st.integers(0, 20)),
    network=st.one_of(st.none(), st.sampled_from(engine.NETWORKS)),
    has=env,
    needs=env,
    current_support=st.one_of(st.none(), st.sampled_from(engine.SUPPORT)),
    downtime_cost_per_hour=money,
    annual_revenue=money,
    monthly_it_budget=money,
    applications=st.one_of(
        st.none(),
        st.lists(
            st.sampled_from(
                ["office_suite", "quickbooks", "act", "outlook_exchange", "lob_database", "other"]
            )
        ).map(tuple),
    ),
)


@given(signals)
def test_score_is_0_to_100_and_reasons_sum_to_it(sig):
    result = assess(sig)
    assert 0 <= result.fit_score <= 100
    assert sum(r.weight for r in result.reasons) == result.fit_score
    assert all(isinstance(r.weight, int) for r in result.reasons)
    assert result.reasons[0].signal == "base"
    assert result.segment in engine.SEGMENTS and result.verdict in engine.VERDICTS
    assert (result.monthly_fee is not None) == (result.engagement == "managed_agreement")


@given(signals, st.decimals(min_value=0, max_value=10**6, places=2))
def test_more_downtime_cost_never_lowers_the_score(sig, extra):
    base = sig.downtime_cost_per_hour or Decimal(0)
    more = replace(sig, downtime_cost_per_hour=base + extra)
    assert assess(more).fit_score >= assess(replace(sig, downtime_cost_per_hour=base)).fit_score


@given(signals, st.integers(10, 50), st.integers(10, 50))
def test_more_pcs_within_the_sweet_spot_never_lowers_the_score(sig, a, b):
    low, high = sorted((a, b))
    assert assess(replace(sig, pcs=high)).fit_score >= assess(replace(sig, pcs=low)).fit_score


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
shaped = st.fixed_dictionaries(
    {"pcs": st.integers(0, 10**6)},
    optional={
        "servers": st.integers(0, 100) | st.none(),
        "sites": st.integers(0, 100),
        "network": st.sampled_from(engine.NETWORKS),
        "has": st.lists(st.sampled_from(engine.ENVIRONMENT)),
        "needs": st.lists(st.sampled_from(engine.ENVIRONMENT)),
        "current_support": st.sampled_from(engine.SUPPORT),
        "downtime_cost_per_hour": st.integers(0, 10**7) | st.floats(0, 1e7),
        "annual_revenue": st.integers(0, 10**9),
        "monthly_it_budget": st.floats(0, 1e5) | st.none(),
        "applications": st.lists(st.text(max_size=12)),
    },
)


@settings(max_examples=150)
@given(shaped)
def test_any_object_of_the_right_shape_never_raises(payload):
    out = contract.run(contract.parse(payload), DEFAULT)
    assert 0 <= out["fit_score"] <= 100


@settings(max_examples=150)
@given(json_values)
def test_any_json_value_is_either_assessed_or_a_contract_error(value):
    try:
        contract.run(contract.parse(value), DEFAULT)
    except contract.ContractError as exc:
        assert exc.errors and all("field" in e and "msg" in e for e in exc.errors)


def test_contract_errors_name_each_field_and_array_index():
    with pytest.raises(contract.ContractError) as exc:
        contract.parse({"pcs": -1, "network": "token_ring", "colour": "red", "servers": "2"})
    assert {e["field"] for e in exc.value.errors} == {"pcs", "network", "colour", "servers"}
    with pytest.raises(contract.ContractError) as exc:
        contract.parse([{"pcs": 3}, {"pcs": 5, "has": ["moat"]}, "x"])
    assert {e["field"] for e in exc.value.errors} == {"[1].has[0]", "[2]"}
    with pytest.raises(contract.ContractError) as exc:
        contract.parse({})
    assert [e["field"] for e in exc.value.errors] == ["pcs"]
