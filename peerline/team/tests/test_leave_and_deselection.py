"""Leave of absence and its reminder (2011 §4.4), deselection (§4.3), stepping down, alumni, and
the supervisors' guidance (§7.4)."""

from datetime import timedelta

import pytest

from peerline.agencies.models import Employee
from peerline.team import selectors, services
from peerline.team.models import Deselection, DeselectionCriterion, LeaveReason, Status
from peerline.team.services import TeamError
from peerline.testing import personas as p

from .helpers import has_role, psp_in, today


def test_a_leave_starts_and_ends_with_its_dates_2011_4_4(chain, coordinator):
    psp = psp_in(Status.ACTIVE, chain.officer)
    on = today(psp.agency)
    with pytest.raises(TeamError, match="before the leave starts"):
        services.leave_start(peer_supporter=psp, starts_on=on, expected_return=on - timedelta(1),
                             reason=LeaveReason.HEALTH, by=coordinator)  # fmt: skip
    leave = services.leave_start(
        peer_supporter=psp, starts_on=on - timedelta(2), expected_return=on + timedelta(30),
        reason=LeaveReason.HEALTH, by=coordinator,
    )  # fmt: skip
    psp.refresh_from_db()
    assert psp.status == Status.ON_LEAVE and psp.status_since == on - timedelta(2)
    assert has_role(psp)  # still a member of the team while on leave
    assert "expected back" in psp.history.last().reason
    assert leave.recorded_by == coordinator and leave.returned_on is None
    with pytest.raises(TeamError, match="before the leave started"):
        services.leave_end(peer_supporter=psp, returned_on=on - timedelta(3), by=coordinator)
    services.leave_end(peer_supporter=psp, returned_on=on, by=coordinator)
    leave.refresh_from_db()
    psp.refresh_from_db()
    assert leave.returned_on == on and psp.status == Status.ACTIVE
    assert psp.history.last().reason == "Back from leave"


def test_due_back_reminder_past_or_within_seven_days_2011_4_4(agency, chain, other_agency):
    on = today(agency)

    def on_leave(employee, back):
        psp = psp_in(Status.ON_LEAVE, employee)
        psp.leaves.update(expected_return=back)
        return psp

    overdue = on_leave(chain.officer, on - timedelta(1))
    in_a_week = on_leave(chain.officer2, on + timedelta(7))
    on_leave(chain.sergeant, on + timedelta(8))  # not yet
    returned = on_leave(chain.telecommunicator, on)
    returned.leaves.update(returned_on=on)
    elsewhere = p.make_chain(other_agency)
    on_leave(elsewhere.officer, on)
    found = selectors.leaves_due_back(agency, on)
    assert [leave.peer_supporter for leave in found] == [overdue, in_a_week]
    assert [leave.overdue for leave in found] == [True, False]
    assert len(selectors.leaves_due_back(agency, on, within_days=8)) == 3


@pytest.mark.parametrize("criterion", DeselectionCriterion.values)
def test_deselection_records_the_criterion_reasons_and_decider_2011_4_3(
    criterion, chain, coordinator
):
    psp = psp_in(Status.ON_LEAVE, chain.officer)
    on = today(psp.agency)
    with pytest.raises(TeamError, match="reasons"):
        services.deselect(
            peer_supporter=psp, criterion=criterion, reasons=" ", by=coordinator, on=on
        )
    with pytest.raises(TeamError, match="criterion"):
        services.deselect(
            peer_supporter=psp, criterion="rumour", reasons="x", by=coordinator, on=on
        )
    deselection = services.deselect(
        peer_supporter=psp, criterion=criterion, reasons="Decided by the steering committee.",
        by=coordinator, on=on,
    )  # fmt: skip
    assert Deselection.objects.get() == deselection
    assert (deselection.criterion, deselection.decided_by, deselection.decided_on) == (
        criterion, coordinator, on,
    )  # fmt: skip
    psp.refresh_from_db()
    assert psp.status == Status.DESELECTED and not has_role(psp)
    assert DeselectionCriterion(criterion).label in psp.history.last().reason
    assert psp.leaves.get().returned_on == on  # leaving the team ends the leave


def test_stepping_down_and_alumni_revoke_the_role(chain, coordinator):
    psp = psp_in(Status.ACTIVE, chain.officer)
    on = today(psp.agency)
    services.step_down(peer_supporter=psp, reason="New assignment.", by=coordinator, on=on)
    assert psp.status == Status.INACTIVE and not has_role(psp)
    services.retire_from_team(
        peer_supporter=psp, reason="Retired from the agency.", by=coordinator, on=on
    )
    assert psp.status == Status.ALUMNI
    assert [c.to_status for c in psp.history.all()][-2:] == [Status.INACTIVE, Status.ALUMNI]


def test_a_supervisor_is_marked_and_gets_the_guidance_2011_7_4(agency, chain):
    assert selectors.supervises_others(chain.sergeant)
    assert not selectors.supervises_others(chain.officer)
    Employee.objects.filter(pk__in=[chain.telecommunicator.pk]).update(separated_on=today(agency))
    assert not selectors.supervises_others(chain.comm_supervisor)  # only current reports count
    psp_in(Status.ACTIVE, chain.sergeant)
    psp_in(Status.ACTIVE, chain.officer)
    marked = {psp.employee_id: psp.supervises for psp in selectors.team_roster(agency)}
    assert marked == {chain.sergeant.pk: True, chain.officer.pk: False}
    text = " ".join(selectors.SUPERVISOR_GUIDANCE)
    assert "harassment" in text and "§7.4" in text and "§7.2" in text


def test_the_roster_counts_every_status(agency, chain):
    psp_in(Status.ACTIVE, chain.officer)
    psp_in(Status.ACTIVE, chain.officer2)
    psp_in(Status.ALUMNI, chain.sergeant)
    counts = {status: n for status, _, n in selectors.status_counts(agency)}
    assert counts == {"candidate": 0, "active": 2, "on_leave": 0, "inactive": 0,
                      "deselected": 0, "alumni": 1}  # fmt: skip
    assert selectors.team_roster(agency, Status.ALUMNI).get().employee == chain.sergeant
