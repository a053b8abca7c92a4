"""The one segment rule (docs/DOMAIN.md §1, §8): from the PC count alone. Pure."""

from __future__ import annotations

MICRO, SWEET_SPOT, UPPER = "micro", "sweet_spot", "upper"


def segment_for(pcs: int, micro_max_pcs: int, sweet_spot_max_pcs: int) -> str:
    """micro up to ``micro_max_pcs``, sweet spot up to ``sweet_spot_max_pcs``, upper above."""
    if pcs <= micro_max_pcs:
        return MICRO
    if pcs <= sweet_spot_max_pcs:
        return SWEET_SPOT
    return UPPER
