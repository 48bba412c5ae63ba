"""The status rules of the team, every pair of statuses (2011 §4.1–§4.4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peerline.team import services
from peerline.team.models import (
    Decision,
    DeselectionCriterion,
    LeaveReason,
    Outcome,
    PeerSupporter,
    Status,
)
from peerline.team.services import NEW, TRANSITIONS, TeamError

from .helpers import has_role, psp_in, sign, today

S = Status
PAIRS = [(old, new) for old in [NEW, *S.values] for new in S.values]
ALLOWED = [(old, new) for old, new in PAIRS if new in TRANSITIONS[old]]
FORBIDDEN = [(old, new) for old, new in PAIRS if new not in TRANSITIONS[old]]


def test_the_table_is_the_one_of_issue_4():
    assert set(ALLOWED) == {
        (NEW, S.CANDIDATE),
        (S.CANDIDATE, S.ACTIVE),
        (S.CANDIDATE, S.INACTIVE),
        (S.ACTIVE, S.ON_LEAVE),
        (S.ON_LEAVE, S.ACTIVE),
        (S.ACTIVE, S.INACTIVE),
        (S.ON_LEAVE, S.INACTIVE),
        *((old, S.DESELECTED) for old in (S.ACTIVE, S.ON_LEAVE, S.INACTIVE)),
        *((old, S.ALUMNI) for old in (S.ACTIVE, S.ON_LEAVE, S.INACTIVE)),
        (S.INACTIVE, S.CANDIDATE),
        (S.DESELECTED, S.CANDIDATE),
        (S.INACTIVE, S.ACTIVE),
    }
    assert (S.ALUMNI, S.ACTIVE) in FORBIDDEN and (S.DESELECTED, S.ACTIVE) in FORBIDDEN
    assert (S.CANDIDATE, S.ON_LEAVE) in FORBIDDEN


def _start(old, employee):
    if old == NEW:
        return PeerSupporter(
            agency=employee.agency, employee=employee, status_since=today(employee.agency)
        )
    # A candidate in selection; for activation the test completes onboarding itself.
    return psp_in(old, employee, selected=False, signed=old != S.CANDIDATE,
                  trained=old != S.CANDIDATE)  # fmt: skip


def _perform(old, new, psp, employee, coordinator):
    """Make `old` → `new` the one way it is made."""
    on = today(employee.agency)
    if new == S.CANDIDATE:
        services.volunteer(
            employee=employee, statement="Again.", by=employee.user, now=timezone.now()
        )
    elif (old, new) == (S.CANDIDATE, S.ACTIVE):
        application = psp.applications.get()
        application.eligible = True
        application.save()
        Decision.objects.create(application=application, outcome=Outcome.SELECTED, reasons="Good.",
                                decided_at=timezone.now())  # fmt: skip
        sign(psp)
        services.record_initial_training(peer_supporter=psp, on=on, by=coordinator)
        services.activate(peer_supporter=psp, by=coordinator, on=on)
    elif (old, new) == (S.CANDIDATE, S.INACTIVE):
        services.decide(application=psp.applications.get(), outcome=Outcome.NOT_SELECTED,
                        reasons="Not now.", by=coordinator)  # fmt: skip
    elif (old, new) == (S.ACTIVE, S.ON_LEAVE):
        services.leave_start(peer_supporter=psp, starts_on=on, expected_return=on + timedelta(30),
                             reason=LeaveReason.FAMILY, by=coordinator)  # fmt: skip
    elif (old, new) == (S.ON_LEAVE, S.ACTIVE):
        services.leave_end(peer_supporter=psp, returned_on=on, by=coordinator)
    elif (old, new) == (S.INACTIVE, S.ACTIVE):
        services.reinstate(peer_supporter=psp, reason="Back on the team.", by=coordinator, on=on)
    elif new == S.DESELECTED:
        services.deselect(peer_supporter=psp, criterion=DeselectionCriterion.OTHER,
                          reasons="Decided by the committee.", by=coordinator, on=on)  # fmt: skip
    elif new == S.INACTIVE:
        services.step_down(peer_supporter=psp, reason="New assignment.", by=coordinator, on=on)
    elif new == S.ALUMNI:
        services.retire_from_team(peer_supporter=psp, reason="Retired.", by=coordinator, on=on)
    else:  # pragma: no cover
        raise AssertionError((old, new))


@pytest.mark.parametrize("old,new", ALLOWED, ids=lambda v: v or "new")
def test_each_allowed_transition_is_recorded_with_date_and_reason_2011_4(
    old, new, chain, coordinator
):
    employee = chain.officer
    psp = _start(old, employee)
    _perform(old, new, psp, employee, coordinator)
    psp = PeerSupporter.objects.get(employee=employee)
    assert psp.status == new
    assert psp.status_since == today(employee.agency)
    last = psp.history.last()
    assert (last.from_status, last.to_status) == (old, new)
    assert last.reason and last.effective_on == today(employee.agency)
    # The peer_supporter role is held exactly while active or on leave.
    assert has_role(psp) == (new in (S.ACTIVE, S.ON_LEAVE))


def _attempts(new, psp, employee, coordinator):
    """Every function that could make a transition into `new`."""
    on = today(employee.agency)
    kw = {"peer_supporter": psp, "by": coordinator}
    return {
        S.CANDIDATE: [lambda: services.volunteer(employee=employee, statement="Me.", by=None,
                                                 now=timezone.now())],
        S.ACTIVE: [lambda: services.activate(**kw, on=on),
                   lambda: services.reinstate(**kw, reason="Back.", on=on),
                   lambda: services.leave_end(**kw, returned_on=on)],
        S.ON_LEAVE: [lambda: services.leave_start(**kw, starts_on=on, expected_return=on,
                                                  reason=LeaveReason.OTHER)],
        S.INACTIVE: [lambda: services.step_down(**kw, reason="Stop.", on=on)],
        S.DESELECTED: [lambda: services.deselect(**kw, criterion=DeselectionCriterion.OTHER,
                                                 reasons="Why.", on=on)],
        S.ALUMNI: [lambda: services.retire_from_team(**kw, reason="Bye.", on=on)],
    }[new]  # fmt: skip


@pytest.mark.parametrize("old,new", FORBIDDEN, ids=lambda v: v or "new")
def test_each_forbidden_transition_is_refused_and_changes_nothing_2011_4(
    old, new, chain, coordinator
):
    employee = chain.officer
    psp = _start(old, employee)
    before = list(psp.history.values_list("pk", flat=True)) if psp.pk else []
    with pytest.raises(TeamError):
        services.change_status(
            peer_supporter=psp, to=new, reason="Try.", by=coordinator, on=today(employee.agency)
        )
    if old != NEW:
        for attempt in _attempts(new, psp, employee, coordinator):
            with pytest.raises(TeamError):
                attempt()
        psp.refresh_from_db()
        assert psp.status == old
        assert list(psp.history.values_list("pk", flat=True)) == before
    else:
        assert not PeerSupporter.objects.filter(employee=employee).exists()


@pytest.mark.parametrize("old,new", [pair for pair in ALLOWED if pair in services.VIA])
def test_change_status_refuses_what_needs_more_than_a_reason(old, new, chain, coordinator):
    """Activation, leave, deselection… are made by their own function, never by a bare reason."""
    psp = _start(old, chain.officer)
    with pytest.raises(TeamError, match="needs more than a reason"):
        services.change_status(
            peer_supporter=psp, to=new, reason="Just because.", by=coordinator,
            on=today(chain.officer.agency),
        )  # fmt: skip


def test_a_change_needs_a_reason_and_a_date_that_is_not_in_the_future(chain, coordinator):
    psp = psp_in(S.ACTIVE, chain.officer)
    on = today(psp.agency)
    with pytest.raises(TeamError, match="reason"):
        services.step_down(peer_supporter=psp, reason="  ", by=coordinator, on=on)
    with pytest.raises(TeamError, match="future"):
        services.step_down(peer_supporter=psp, reason="Busy.", by=coordinator, on=on + timedelta(1))
    with pytest.raises(TeamError, match="before the current status began"):
        services.step_down(
            peer_supporter=psp, reason="Busy.", by=coordinator, on=psp.status_since - timedelta(1)
        )
    psp.refresh_from_db()
    assert psp.status == S.ACTIVE


def test_a_long_reason_is_kept_whole_up_to_the_column(chain, coordinator):
    psp = psp_in(S.ACTIVE, chain.officer)
    change = services.step_down(
        peer_supporter=psp, reason="word " * 200, by=coordinator, on=today(psp.agency)
    )
    assert len(change.reason) == 500 and change.reason.endswith("…")
