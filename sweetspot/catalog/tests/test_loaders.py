"""Loaders: the database as the engine sees it, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sweetspot.catalog import loaders, services
from sweetspot.catalog.engine import depth
from sweetspot.team.models import SubcontractorCertification, TechnicianCertification

from .conftest import make_cert


def _by_name(people):
    return {p.name: p for p in people}


def test_people_services_certs_and_competitors(cobol, django_assert_num_queries):
    bo, mainframe = cobol["bo"], cobol["mainframe"]
    TechnicianCertification.objects.create(
        technician=bo, certification=cobol["retired"], earned_on=dt.date(2010, 1, 1)
    )
    TechnicianCertification.objects.create(
        technician=bo,
        certification=cobol["master"],
        earned_on=dt.date(2020, 1, 1),
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    SubcontractorCertification.objects.create(
        subcontractor=mainframe, certification=cobol["pro"], earned_on=dt.date(2020, 1, 1)
    )
    with django_assert_num_queries(6):
        people = _by_name(loaders.people())
    assert people["Bo Test"].kind == "technician" and people["Bo Test"].level == "senior"
    assert people["Bo Test"].skills == {"test-cobol": 4, "test-cics": 4}
    assert people["Bo Test"].bill_rate == Decimal(150)
    # retired certifications are still held; expired ones are not
    assert people["Bo Test"].certifications == frozenset({"COBOL-RET"})
    assert people["Mainframe Ltd"].kind == "subcontractor"
    assert people["Mainframe Ltd"].cost_rate == Decimal(110)
    assert people["Mainframe Ltd"].certifications == frozenset({"COBOL-PRO"})

    with django_assert_num_queries(2):
        specs = {s.name: s for s in loaders.services()}
    assert specs["CICS development"].requires == {"test-cobol": 4, "test-cics": 4}
    assert (
        specs["CICS development"].tier == "specialist" and specs["CICS development"].subcontractable
    )

    with django_assert_num_queries(2):
        certs = {c.code: c for c in loaders.certs()}
    assert certs["COBOL-RET"].current is False and certs["COBOL-PRO"].current is True
    assert certs["COBOL-PRO"].cost == Decimal(1000)  # exam 200 + class 800
    assert certs["COBOL-PRO"].evidences == {"test-cics": 4}


def test_archived_rows_are_left_out(cobol):
    services.archive_service(None, cobol["maintenance"])
    assert "COBOL maintenance" not in {s.name for s in loaders.services()}
    from sweetspot.team.models import Technician

    Technician.objects.filter(pk=cobol["ada"].pk).update(archived_at=timezone.now())
    assert "Ada Test" not in {p.name for p in loaders.people()}


def test_competitor_offerings_map_to_our_services(cobol, django_assert_num_queries):
    rival = services.create_competitor(None, {"name": "Rival"})
    services.add_offering(None, rival, service=cobol["maintenance"])
    services.add_offering(None, rival, name="cics SUPPORT")  # same name as ours, any case
    services.add_offering(None, rival, name="Mainframe hosting")
    services.add_offering(None, rival, service=cobol["cics_dev"])
    services.archive_service(None, cobol["cics_dev"])  # archived: now a service we lack
    with django_assert_num_queries(3):
        (spec,) = [c for c in loaders.competitors() if c.name == "Rival"]
    assert spec.service_ids == {cobol["maintenance"].pk, cobol["cics_support"].pk}
    assert spec.unmatched == ("CICS development", "Mainframe hosting")


def test_empty_team_tables_give_empty_lists(db):
    assert loaders.people() == []
    assert loaders.services() == []
    assert loaders.certs() == []
    assert loaders.competitors() == []


def test_retired_certification_never_proposed_through_the_loaders(cobol):
    from sweetspot.catalog import report

    cheap_retired = make_cert(
        "CICS-OLD", {"test-cics": 5}, status="retired", exam_fee=0, class_cost=0
    )
    rep = report.build()
    gap = next(g for g in rep.analysis.staffing if g.service_name == "CICS support")
    codes = {r.certification_code for r in gap.remedies if r.kind == "train"}
    assert codes == {"COBOL-PRO"}
    assert cheap_retired.code not in codes


def test_depth_through_the_loaders(cobol):
    people = loaders.people()
    specs = {s.name: s for s in loaders.services()}
    d = depth(specs["CICS development"], people)
    assert [p.name for p in d.in_house] == ["Bo Test"]
    assert [p.name for p in d.outside] == ["Mainframe Ltd"]
    assert d.total == 2
    # not subcontractable: Mainframe Ltd qualifies but does not count
    d = depth(specs["CICS support"], people)
    assert (len(d.in_house), len(d.outside), d.total) == (1, 0, 1)
