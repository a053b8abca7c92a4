"""The dashboard: firm facts for staff, revenue for the owner only."""

from __future__ import annotations


def test_owner_sees_mrr_others_do_not(full_demo, client_for):
    owner = client_for("olivia").get("/")
    assert owner.status_code == 200
    facts = owner.context["facts"]
    assert facts["mrr"] > 0 and facts["arr"] == facts["mrr"] * 12
    assert b"MRR" in owner.content
    for name in ["dan", "sam", "tara"]:
        page = client_for(name).get("/")
        assert page.status_code == 200 and "mrr" not in page.context["facts"]
        assert b"MRR" not in page.content
    assert client_for("tara").get("/").context["facts"]["overdue"] == 0
    sam = client_for("sam").get("/").context["facts"]
    assert sam["overdue"] == 2  # the demo's two overdue follow-ups are Sam's
