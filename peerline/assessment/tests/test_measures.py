"""Each automatic measure of the self-assessment against a hand-built agency whose answer is
known (the expected figures are counted by hand here, not read from the code)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from peerline.accounts.models import Membership, Role
from peerline.assessment import measures
from peerline.assessment.models import Status
from peerline.clinical.models import OnCallShift
from peerline.committee import services as committee
from peerline.committee.models import Seat
from peerline.incidents.tests.helpers import clinician
from peerline.manual import services as manual
from peerline.team import services as team
from peerline.team.selectors import current_agreement
from peerline.testing import personas as p
from peerline.training.models import Attendance
from peerline.training.tests.helpers import attend, psp, session

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)  # Q3 2026 has ended in Chicago
LONG_AGO = date(2024, 1, 1)


@pytest.fixture
def bare(db):
    """An agency with no employees: every cell, shift and seat is ours to build."""
    return p.make_agency(code="BARE", name="Bare Township Police")


def test_training_share_of_psps_at_their_hours_last_quarter_2011_8_2(bare):
    session(bare, date(2024, 1, 2), "1")  # the agency's records start in 2024
    done, short, none = (psp(bare, n, active_since=LONG_AGO) for n in ("1", "2", "3"))
    refresher = session(bare, date(2026, 8, 4), "4")
    attend(refresher, done)
    attend(refresher, short, hours="1")
    found = measures.training(bare, NOW)
    assert found.status == Status.PARTLY
    assert "1 of 3 (33%)" in found.evidence and "2026-Q3" in found.evidence
    attend(refresher, none)
    Attendance.objects.filter(peer_supporter=short).update(hours_credited=4)
    assert measures.training(bare, NOW).status == Status.MET


def test_training_with_nobody_on_the_team_is_not_met(bare):
    assert measures.training(bare, NOW).status == Status.NOT_MET


def test_on_call_holes_in_the_next_30_days_2011_5_1(bare):
    assert measures.on_call(bare, NOW).status == Status.NOT_MET  # nobody, ever
    mhp = clinician(bare)
    OnCallShift.objects.create(agency=bare, clinician=mhp, starts_at=NOW - timedelta(hours=1),
                               ends_at=NOW + timedelta(days=10))  # fmt: skip
    found = measures.on_call(bare, NOW)
    assert found.status == Status.PARTLY
    assert "1 stretch, 480 hours" in found.evidence  # days 10 to 30 uncovered
    OnCallShift.objects.create(agency=bare, clinician=mhp, starts_at=NOW + timedelta(days=10),
                               ends_at=NOW + timedelta(days=31))  # fmt: skip
    assert measures.on_call(bare, NOW).status == Status.MET


def test_coverage_gaps_by_shift_division_and_category_2011_3_8_1(bare):
    bare.employees_per_psp = 2
    bare.save()
    # Day shift, patrol, sworn: three employees, so two PSPs are needed; one is a PSP.
    psp(bare, "10", active_since=LONG_AGO)
    p.make_employee(bare, "11")
    p.make_employee(bare, "12")
    found = measures.coverage(bare, NOW)
    assert found.status == Status.NOT_MET and "1 of 1 cells" in found.evidence
    psp(bare, "13", active_since=LONG_AGO)  # four now: two needed, two active
    assert measures.coverage(bare, NOW).status == Status.MET
    p.make_employee(bare, "20", category="civilian")  # a second cell with nobody
    found = measures.coverage(bare, NOW)
    assert found.status == Status.PARTLY and "1 of 2 cells" in found.evidence


def test_the_current_agreement_signed_by_every_member_2011_6_8(bare):
    users = get_user_model().objects
    signer = psp(bare, "30", active_since=LONG_AGO, user=users.create_user("psp30"))
    other = psp(bare, "31", active_since=LONG_AGO, user=users.create_user("psp31"))
    found = measures.agreement(bare, NOW)
    assert found.status == Status.NOT_MET and "2 members" in found.evidence
    current = current_agreement(bare)
    team.sign_agreement(peer_supporter=signer, agreement=current, typed_name="First30 Last30",
                        by=signer.employee.user, now=NOW)  # fmt: skip
    assert measures.agreement(bare, NOW).status == Status.PARTLY
    team.sign_agreement(peer_supporter=other, agreement=current, typed_name="First31 Last31",
                        by=other.employee.user, now=NOW)  # fmt: skip
    assert measures.agreement(bare, NOW).status == Status.MET


def test_the_manual_acknowledged_by_everyone_2011_3_5(bare):
    assert measures.manual_acknowledged(bare, NOW).status == Status.NOT_MET
    users = [get_user_model().objects.create_user(f"u{i}") for i in range(4)]
    for user in users:
        Membership.objects.create(user=user, agency=bare, role=Role.EMPLOYEE)
    version = manual.draft(agency=bare, by=users[0])
    manual.publish(version=version, by=users[0])
    for user in users[:3]:
        manual.acknowledge(version=version, user=user)
    found = measures.manual_acknowledged(bare, NOW)
    assert found.status == Status.PARTLY and "3 of 4 (75%)" in found.evidence
    manual.acknowledge(version=version, user=users[3])
    assert measures.manual_acknowledged(bare, NOW).status == Status.MET


def test_committee_composition_2011_3_2(bare):
    assert measures.committee_composition(bare, NOW).status == Status.NOT_MET
    since = date(2026, 1, 1)
    for seat in (Seat.SWORN, Seat.CIVILIAN, Seat.EMPLOYEE_ORGANIZATION, Seat.ADMINISTRATION):
        committee.member_add(agency=bare, by=None, name=f"Member {seat}", seat=seat, since=since)
    committee.member_add(agency=bare, by=None, name="Dr. Out", seat=Seat.LICENSED_MHP,
                         since=since, licence_state="WI")  # fmt: skip
    found = measures.committee_composition(bare, NOW)
    assert found.status == Status.PARTLY and "4 of 5" in found.evidence  # licensed elsewhere
    committee.member_add(agency=bare, by=None, name="Dr. In", seat=Seat.LICENSED_MHP,
                         since=since, licence_state="il")  # fmt: skip
    assert measures.committee_composition(bare, NOW).status == Status.MET


def test_coverage_counts_who_is_on_the_roster_and_active_today_2011_3_8_1(bare):
    """Counted by the cells' keys alone (issue 18): the same cells as the coverage matrix."""
    bare.employees_per_psp = 2
    bare.save()
    night = bare.shifts.get(code="NIGHT")
    # Day · patrol · sworn: four on the roster (one leaving after today, one already gone, one
    # leaving today: not counted), two needed; one active PSP and one on leave: 1 missing.
    psp(bare, "40", active_since=LONG_AGO)
    on_leave = psp(bare, "41", active_since=LONG_AGO)
    on_leave.status = "on_leave"
    on_leave.save(update_fields=["status"])
    p.make_employee(bare, "42", separation_date=date(2026, 12, 31))
    p.make_employee(bare, "43")
    p.make_employee(bare, "44", separated_on=date(2026, 1, 1))
    p.make_employee(bare, "45", separation_date=date(2026, 10, 15))
    # Night · patrol · sworn: one employee, an active PSP: met. Night · patrol · civilian: two
    # employees, nobody: 1 missing.
    psp(bare, "50", active_since=LONG_AGO, shift=night)
    p.make_employee(bare, "51", shift=night, category="civilian")
    p.make_employee(bare, "52", shift=night, category="civilian")
    found = measures.coverage(bare, NOW)
    assert found.status == Status.PARTLY
    assert found.evidence == "2 of 3 cells short of one peer supporter per 2 employees; 2 missing."
