"""Catalog panels other apps' pages include (team sits below catalog and never imports it)."""

from __future__ import annotations

from django import template

from sweetspot.catalog.models import PlanItem
from sweetspot.catalog.queries import plan_items_for_technician

register = template.Library()


@register.simple_tag
def technician_plan_items(technician_id: int) -> list[PlanItem]:
    """``{% technician_plan_items person.id as plan_items %}`` (one query)."""
    return plan_items_for_technician(technician_id)
