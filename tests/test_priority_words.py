"""One vocabulary for priorities (issue 14 item 16): "P1 Emergency" in full, the bare "P1"
where space is short — on the queue, the ticket page, the portal, the acknowledgement e-mail,
the SLA tables and the owner's home page. Nothing else ("P2 — high", "Urgent" alone, ...)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core import mail as django_mail

from sweetspot.agreements.models import Agreement
from sweetspot.core.wording import PRIORITY_LABELS, PRIORITY_WORDS
from sweetspot.desk import services
from sweetspot.desk.models import Priority

pytestmark = pytest.mark.django_db

ALLOWED = set(PRIORITY_LABELS.values()) | set(PRIORITY_LABELS)
# A code and the word after it ("P2 Urgent", "P2 — high", "P2: normal"); a bare code when the
# next thing is not a word ("P2" in a table cell, "(Harbor Dental, P2)").
MENTION = re.compile(r"\bP[1-4]\b(?:[ \t]*[·—–:-]?[ \t]*[A-Za-z]+)?")
OTHER_WORDS = re.compile(r"\b(critical|high|medium|emergency|urgent|normal|low)\b", re.I)


def _plain(html: str) -> str:
    """Text of a page with every tag a separator, so cells do not run together."""
    body = html.split("<main", 1)[-1]
    return unescape(re.sub(r"<[^>]+>", " | ", body))


def _mentions(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", m) for m in MENTION.findall(text)]


def _check(text: str, where: str, full: bool = True) -> None:
    found = _mentions(text)
    assert found, f"{where}: no priority shown"
    # A code followed by a level word must be exactly the label ("P1 first" is a sort order).
    wrong = sorted({m for m in found if OTHER_WORDS.search(m) and m not in ALLOWED})
    assert not wrong, f"{where}: {wrong}"
    if full:
        assert any(m in PRIORITY_LABELS.values() for m in found), f"{where}: no full label"


def test_the_choices_are_the_vocabulary():
    assert [label for _, label in Priority.choices] == [
        "P1 Emergency",
        "P2 Urgent",
        "P3 Normal",
        "P4 Low",
    ]
    assert dict(Priority.choices) == PRIORITY_LABELS


def test_pages_and_the_acknowledgement_use_only_the_chosen_labels(
    full_demo, client_for, harbor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contact = harbor.contacts.get(email="hana@harbordental.example")
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the acknowledgement goes out
        ticket = services.open_ticket(
            None,
            {"company": harbor, "contact": contact, "subject": "Server down", "priority": "P2"},
        )
    dan, hana, olivia = client_for("dan"), client_for("hana"), client_for("olivia")

    queue = _plain(dan.get("/desk/queue/").content.decode())
    _check(queue, "queue")
    # The filter offers every full label; the table's column shows the short code.
    assert all(label in queue for label in PRIORITY_LABELS.values())

    # The filters show what is selected, in the same words.
    chosen = dan.get("/desk/queue/?priority=P2&status=open").content.decode()
    assert '<option value="P2" selected>P2 Urgent</option>' in chosen
    assert '<option value="open" selected>Open</option>' in chosen

    page = _plain(dan.get(f"/desk/tickets/{ticket.pk}/").content.decode())
    _check(page, "ticket page")
    assert "P2 Urgent" in page

    portal = _plain(hana.get(f"/desk/portal/{ticket.pk}/").content.decode())
    _check(portal, "portal ticket")
    assert "P2 Urgent" in portal
    _check(_plain(hana.get("/desk/portal/").content.decode()), "portal list", full=False)

    ack = next(m for m in django_mail.outbox if m.to == ["hana@harbordental.example"])
    _check(ack.body, "acknowledgement e-mail")
    assert "Priority: P2 Urgent" in ack.body
    html = ack.alternatives[0][0] if ack.alternatives else ""
    if html:
        _check(_plain(html), "acknowledgement e-mail (HTML)")

    agreement = Agreement.objects.filter(status="active").order_by("pk").first()
    for url in (f"/agreements/{agreement.pk}/", f"/agreements/plans/{agreement.plan_id}/"):
        sla = _plain(olivia.get(url).content.decode())
        _check(sla, url)
        assert all(label in sla for label in PRIORITY_LABELS.values()), url

    home = _plain(olivia.get("/").content.decode())
    _check(home, "owner's home")


def test_no_priority_word_stands_alone_on_the_sla_table(full_demo, client_for):
    """The words come with their code: "Urgent" never without "P2" in front."""
    agreement = Agreement.objects.filter(status="active").order_by("pk").first()
    text = _plain(client_for("olivia").get(f"/agreements/{agreement.pk}/").content.decode())
    for code, word in PRIORITY_WORDS.items():
        alone = [m.start() for m in re.finditer(rf"\b{word}\b", text)]
        assert all(text[max(0, i - 3) : i] == f"{code} " for i in alone), word
    assert not {w.lower() for w in OTHER_WORDS.findall(text)} - {
        w.lower() for w in PRIORITY_WORDS.values()
    }
