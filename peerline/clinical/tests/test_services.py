"""Licence warnings and adding shifts (2011 §5.1: a *licensed* MHP, 24 hours a day)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from peerline.clinical import selectors, services
from peerline.clinical.models import OnCallShift

from .helpers import local, make_clinician, make_shift

TODAY = date(2026, 6, 1)


# -- licence warnings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days,warned,expired",
    [(61, False, False), (60, True, False), (0, True, False), (-1, True, True)],
)
def test_a_licence_is_warned_60_days_before_and_expired_after_its_day_2011_5_1(
    agency, days, warned, expired
):
    clinician = make_clinician(agency, expires=TODAY + timedelta(days=days))
    alert = selectors.licence_alert(clinician, TODAY)
    assert (alert is not None) == warned
    if alert is not None:
        assert alert.expired == expired and alert.days_left == days
    found = selectors.licences_expiring(agency=agency, today=TODAY)
    assert [a.clinician for a in found] == ([clinician] if warned else [])


def test_licences_expiring_lists_soonest_first_and_skips_inactive_clinicians(agency, other_agency):
    later = make_clinician(agency, "Dr. Later", expires=TODAY + timedelta(days=50))
    lapsed = make_clinician(agency, "Dr. Lapsed", expires=TODAY - timedelta(days=3))
    make_clinician(agency, "Dr. Retired", expires=TODAY, active=False)
    make_clinician(other_agency, "Dr. Elsewhere", expires=TODAY)
    found = selectors.licences_expiring(agency=agency, today=TODAY)
    assert [(a.clinician, a.days_left, a.expired) for a in found] == [
        (lapsed, -3, True),
        (later, 50, False),
    ]
    assert (
        selectors.licences_expiring(agency=agency, today=TODAY, within_days=10)[-1].clinician
        == lapsed
    )


# -- adding shifts -------------------------------------------------------------------------------


def test_repeat_weekly_keeps_the_local_hours_across_the_dst_change_america_denver(agency):
    agency.time_zone = "America/Denver"
    agency.save(update_fields=["time_zone"])
    ada = make_clinician(agency)
    added = services.shift_add(
        agency=agency,
        clinician=ada,
        starts_at=local(agency, 2026, 3, 2, 8),
        ends_at=local(agency, 2026, 3, 2, 20),
        weeks=3,
    )
    assert [s.starts_at for s in added] == [
        local(agency, 2026, 3, 2, 8),
        local(agency, 2026, 3, 9, 8),  # after the change: still 08:00, 167 hours later
        local(agency, 2026, 3, 16, 8),
    ]
    assert added[1].starts_at - added[0].starts_at == timedelta(hours=167)
    assert OnCallShift.objects.filter(clinician=ada).count() == 3


def test_a_shift_over_the_clinicians_own_shift_is_refused(agency):
    ada = make_clinician(agency)
    make_shift(ada, local(agency, 2026, 6, 1, 8), local(agency, 2026, 6, 1, 20))
    with pytest.raises(ValidationError, match="already on call"):
        services.shift_add(
            agency=agency,
            clinician=ada,
            starts_at=local(agency, 2026, 6, 1, 19),
            ends_at=local(agency, 2026, 6, 2, 8),
        )
    # Touching is fine: 20:00 to 08:00 after 08:00 to 20:00.
    services.shift_add(
        agency=agency,
        clinician=ada,
        starts_at=local(agency, 2026, 6, 1, 20),
        ends_at=local(agency, 2026, 6, 2, 8),
    )
    assert OnCallShift.objects.filter(clinician=ada).count() == 2


def test_a_shift_past_the_licence_expiry_or_for_an_inactive_clinician_is_refused_2011_5_1(agency):
    lapsing = make_clinician(agency, expires=date(2026, 6, 14))
    with pytest.raises(ValidationError, match="licence expires"):
        services.shift_add(
            agency=agency,
            clinician=lapsing,
            starts_at=local(agency, 2026, 6, 1, 8),
            ends_at=local(agency, 2026, 6, 1, 20),
            weeks=3,
        )
    resting = make_clinician(agency, "Dr. Resting", active=False)
    with pytest.raises(ValidationError, match="not active"):
        services.shift_add(
            agency=agency,
            clinician=resting,
            starts_at=local(agency, 2026, 6, 1, 8),
            ends_at=local(agency, 2026, 6, 1, 20),
        )
    assert not OnCallShift.objects.exists()


def test_a_shift_must_end_after_it_starts_and_last_at_most_a_week(agency):
    ada = make_clinician(agency)
    with pytest.raises(ValidationError, match="end after"):
        services.shift_add(
            agency=agency,
            clinician=ada,
            starts_at=local(agency, 2026, 6, 1, 8),
            ends_at=local(agency, 2026, 6, 1, 8),
        )
    with pytest.raises(ValidationError, match="7 days"):
        services.shift_add(
            agency=agency,
            clinician=ada,
            starts_at=local(agency, 2026, 6, 1, 8),
            ends_at=local(agency, 2026, 6, 9, 8),
        )


def test_another_agencys_clinician_cannot_be_scheduled(agency, other_agency):
    elsewhere = make_clinician(other_agency)
    with pytest.raises(ValidationError):
        services.shift_add(
            agency=agency,
            clinician=elsewhere,
            starts_at=local(agency, 2026, 6, 1, 8),
            ends_at=local(agency, 2026, 6, 1, 20),
        )
