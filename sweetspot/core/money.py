"""Money and hours as Decimal: the one place for the cent, rounding and how amounts print.

Pure (no Django): engines import it. Every amount is rounded half-up to the cent, the way a
bookkeeper rounds, never with Python's default banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")

__all__ = ["CENT", "ROUND_HALF_UP", "ZERO", "cents", "dollars", "money_str"]


def cents(value: Decimal | int | str) -> Decimal:
    """Rounded half-up to the cent: cents(Decimal("2.345")) == Decimal("2.35")."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | int | str) -> str:
    """Two decimals, no symbol: "1234.50" (JSON and scenario outputs)."""
    return f"{cents(value):.2f}"


def dollars(value: Decimal | int | str) -> str:
    """Whole dollars for prose and reasons: "$1,235"."""
    return f"${Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
