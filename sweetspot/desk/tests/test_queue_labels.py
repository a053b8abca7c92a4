"""The queue's filters show what is selected and speak in words (issue 14 item 16)."""

from __future__ import annotations

import re

import pytest

from sweetspot.team.models import Subcontractor, Technician

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"\s*selected', select.group(0))


def test_the_chosen_assignee_and_sort_stay_selected(full_demo, client_for):
    tara = Technician.objects.get(user__username="tara")
    html = client_for("dan").get(f"/desk/queue/?assignee=t{tara.pk}&sort=priority").content.decode()
    assert _selected(html, "assignee") == [f"t{tara.pk}"]
    assert _selected(html, "sort") == ["priority"]
    sub = Subcontractor.objects.order_by("pk").first()
    assert sub is not None
    html = client_for("dan").get(f"/desk/queue/?assignee=s{sub.pk}").content.decode()
    assert _selected(html, "assignee") == [f"s{sub.pk}"]


def test_sort_options_are_words_not_field_names(full_demo, client_for):
    html = client_for("dan").get("/desk/queue/").content.decode()
    select = re.search(r'<select name="sort".*?</select>', html, re.S).group(0)
    labels = re.findall(r">([^<]+)</option>", select)
    assert "Newest first" in labels
    assert not [label for label in labels if "_" in label or label.startswith("-")]
