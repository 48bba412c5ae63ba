"""The demo agency's clinical support (issue 6): deterministic, fast, and showing every state."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from peerline.accounts.models import Role
from peerline.agencies import clock
from peerline.clinical import demo, selectors, services
from peerline.clinical.demo import seed_clinical
from peerline.clinical.models import Consultation, OnCallShift, Resource
from peerline.testing import personas as p

TODAY = date(2026, 3, 1)  # the 30 days cross the spring DST change in Denver


def _demo_agency():
    agency = p.make_agency(code="DEMO", name="Demo City Police Department")
    agency.time_zone = "America/Denver"
    agency.save(update_fields=["time_zone"])
    user = p.make_user("clinician", agency, Role.CLINICAL_ADVISOR)
    user.first_name, user.last_name = "Lena", "Marsh"
    user.save()
    return agency, user


def _snapshot(agency):
    return (
        list(
            agency.clinicians.order_by("pk").values_list(
                "name", "licence_number", "licence_expires", "role"
            )
        ),
        list(
            OnCallShift.objects.filter(agency=agency)
            .order_by("pk")
            .values_list("clinician__name", "starts_at", "ends_at")
        ),
        list(
            Consultation.objects.filter(agency=agency)
            .order_by("pk")
            .values_list("month", "reason", "urgency", "outcome")
        ),
    )


def test_the_demo_has_three_clinicians_one_expiring_and_the_clinician_log_in_linked(db):
    agency, user = _demo_agency()
    clinicians = seed_clinical(agency=agency, seed=7, today=TODAY)  # bench/seed_demo.py times it
    assert len(clinicians) == 3
    assert clinicians[0].user == user and clinicians[0].name == "Dr. Lena Marsh"
    expiring = selectors.licences_expiring(agency=agency, today=TODAY)
    assert len(expiring) == 1 and 0 < expiring[0].days_left <= 60
    # Each can be paged for an incident (2011 §5.1): an address of their own, all different.
    assert len({clinician.email for clinician in clinicians if clinician.email}) == 3


def test_the_demo_schedule_has_exactly_two_holes_in_the_next_30_days_2011_5_1(db):
    agency, _ = _demo_agency()
    seed_clinical(agency=agency, seed=7, today=TODAY)
    tz = clock.zone(agency)
    found = selectors.holes(agency=agency, start=selectors.local_midnight(TODAY, tz), days=30)
    assert len(found) == 2
    assert all(end - start == timedelta(hours=12) for start, end in found)
    # Someone is on call at the start of the day the demo is seeded.
    assert selectors.on_call_now(agency=agency, at=selectors.local_midnight(TODAY, tz))


def test_the_demo_has_local_resources_and_a_year_of_consultations(db):
    agency, _ = _demo_agency()
    seed_clinical(agency=agency, seed=7, today=TODAY)
    categories = set(Resource.objects.filter(agency=agency).values_list("category", flat=True))
    assert {
        "eap",
        "chaplain",
        "aa_na",
        "child_care",
        "legal",
        "crisis_line",
        "domestic_violence",
    } <= categories
    months = set(Consultation.objects.filter(agency=agency).values_list("month", flat=True))
    assert len(months) == 12 and max(months) == TODAY.replace(day=1)


def test_the_demo_is_deterministic(db):
    first, _ = _demo_agency()
    seed_clinical(agency=first, seed=7, today=TODAY)
    snapshot = _snapshot(first)
    first.delete()
    get_user_model().objects.filter(username="clinician").delete()
    second, _ = _demo_agency()
    seed_clinical(agency=second, seed=7, today=TODAY)
    assert _snapshot(second) == snapshot


def test_every_demo_row_goes_through_the_services_the_pages_use(db, monkeypatch):
    """The demo passes the coordinator's own checks: clinicians, shifts, resources, consultations."""
    agency, _ = _demo_agency()
    calls: Counter[str] = Counter()

    def counted(name, real):
        def call(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    for name in ("clinician_save", "shift_add", "resource_save", "consultation_log"):
        monkeypatch.setattr(services, name, counted(name, getattr(services, name)))
    seed_clinical(agency=agency, seed=7, today=TODAY)
    # 38 days of two shifts (a week back, 31 days ahead) less the two holes; five resources.
    assert calls == {
        "clinician_save": 3,
        "shift_add": 74,
        "resource_save": 5,
        "consultation_log": Consultation.objects.filter(agency=agency).count(),
    }
    assert OnCallShift.objects.filter(agency=agency).count() == 74
    assert 12 * 3 <= calls["consultation_log"] <= 12 * 9


def test_a_clinician_the_service_refuses_stops_the_demo(db, monkeypatch):
    """The rule is the service's: a licence number it would refuse is refused in the demo too."""
    agency, _ = _demo_agency()
    monkeypatch.setattr(
        "peerline.clinical.demo.CLINICIANS",
        [
            demo.CLINICIANS[0],
            demo._Clinician("", "witch doctor", "consultant", "720-555-0172", 1),
        ],
    )
    with pytest.raises(ValidationError) as refused:
        seed_clinical(agency=agency, seed=7, today=TODAY)
    assert "licence_type" in refused.value.message_dict
