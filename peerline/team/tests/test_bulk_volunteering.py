"""Many applications at once (`volunteer_many`, the demo's hundreds): each row by the rules of
`volunteer` (2011 §4.1), and one refusal refuses the whole batch."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from peerline.accounts.models import Membership, Role
from peerline.audit import services as audit
from peerline.audit.models import AuditEvent
from peerline.team import services
from peerline.team.models import Application, PeerSupporter, Status, StatusChange
from peerline.team.services import TeamError, Volunteering

from .helpers import has_role, login_for, psp_in, today

WHEN = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)  # 10:00 in the agency's Denver


def volunteering(employee, **changes):
    fields = {"statement": "I want to help.", "by": employee.user, "now": WHEN}
    return Volunteering(employee=employee, **(fields | changes))


def test_a_batch_volunteers_each_as_one_application_would_2011_4_1(chain):
    login_for(chain.officer)
    login_for(chain.telecommunicator)
    chain.officer.refresh_from_db()
    chain.telecommunicator.refresh_from_db()
    before = AuditEvent.objects.count()
    applications = services.volunteer_many(
        volunteerings=[
            volunteering(chain.officer, statement="  Nights are lonely.  "),
            volunteering(chain.telecommunicator),
        ]
    )
    assert [a.statement for a in applications] == ["Nights are lonely.", "I want to help."]
    assert [a.submitted_at for a in applications] == [WHEN, WHEN]
    for application, employee in zip(
        applications, [chain.officer, chain.telecommunicator], strict=True
    ):
        psp = PeerSupporter.objects.get(employee=employee)
        assert application.peer_supporter_id == psp.pk
        assert (psp.status, psp.status_since) == (Status.CANDIDATE, date(2026, 5, 4))
        (change,) = psp.history.all()
        assert (change.from_status, change.to_status, change.reason) == (
            "", "candidate", "Volunteered",
        )  # fmt: skip
        assert change.recorded_by == employee.user and not has_role(psp)
    # One audit event each, chained as two `record` calls would chain them.
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [e.action for e in events] == ["team.status_changed"] * 2
    assert audit.verify().ok


def test_a_member_of_the_team_volunteering_loses_nothing_but_a_candidate_holds_no_role(chain):
    """A log-in holding the peer_supporter role without a team row (the demo's "peer" before
    the team is seeded) volunteers: the role goes, as `volunteer` would take it."""
    user = login_for(chain.officer, Role.PEER_SUPPORTER)
    chain.officer.refresh_from_db()
    services.volunteer_many(volunteerings=[volunteering(chain.officer)])
    assert not Membership.objects.filter(user=user, role=Role.PEER_SUPPORTER).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no statement", "Volunteer 2: Write a few words on why you want to serve"),
        ("separated", "Volunteer 2: Only a current employee of the agency can volunteer"),
        ("in progress", "Volunteer 2: There is already an application in progress."),
        ("on the team", "Volunteer 2: Already on the peer support team."),
        ("alumni", "Volunteer 2: A former member (alumni) cannot apply again here"),
        ("twice in the batch", "Volunteer 2: There is already an application in progress."),
        ("in the future", "Volunteer 2: A change is recorded when it happens"),
    ],
)
def test_the_batch_refuses_what_one_application_refuses_and_writes_nothing(chain, case, message):
    good = volunteering(chain.officer)
    other = chain.telecommunicator
    if case == "no statement":
        bad = volunteering(other, statement="   ")
    elif case == "separated":
        other.separated_on = date(2024, 1, 1)
        other.save()
        bad = volunteering(other)
    elif case in ("in progress", "on the team", "alumni"):
        status = {"in progress": Status.CANDIDATE, "on the team": Status.ON_LEAVE}
        psp_in(status.get(case, Status.ALUMNI), other)
        bad = volunteering(other)
    elif case == "twice in the batch":
        bad = volunteering(chain.officer, statement="Again")
    else:
        bad = volunteering(other, now=datetime(2099, 1, 1, tzinfo=UTC))
    counts = [m.objects.count() for m in (PeerSupporter, Application, StatusChange, AuditEvent)]
    with pytest.raises(TeamError, match=re.escape(message)) as refused:
        services.volunteer_many(volunteerings=[good, bad])
    assert str(refused.value).endswith("Nothing was written.")
    assert [
        m.objects.count() for m in (PeerSupporter, Application, StatusChange, AuditEvent)
    ] == counts
    # The single path refuses the same row, with the same words.
    if case != "twice in the batch":
        with pytest.raises(TeamError, match=re.escape(message.removeprefix("Volunteer 2: "))):
            services.volunteer(
                employee=bad.employee, statement=bad.statement, by=bad.by, now=bad.now
            )


@pytest.mark.parametrize("former", [Status.INACTIVE, Status.DESELECTED])
def test_a_former_member_volunteers_again_in_a_batch_as_on_their_own_2011_4_1_4_3(chain, former):
    """Stepped down or not selected (inactive), or deselected (2011 §4.3): `volunteer` takes
    them back as candidates, and so does the batch, with the same row, history and event."""
    now = timezone.now()
    batch, single = chain.officer, chain.telecommunicator
    for employee in (batch, single):
        psp_in(former, employee)
        employee.refresh_from_db()
    before = AuditEvent.objects.count()
    (batched,) = services.volunteer_many(volunteerings=[volunteering(batch, now=now)])
    alone = services.volunteer(
        employee=single, statement="I want to help.", by=single.user, now=now
    )
    for application, employee in ((batched, batch), (alone, single)):
        psp = PeerSupporter.objects.get(employee=employee)  # the same row, changed
        assert application.peer_supporter_id == psp.pk
        assert (application.statement, application.submitted_at) == ("I want to help.", now)
        assert psp.applications.count() == 2  # the first one, and this
        assert (psp.status, psp.status_since) == (Status.CANDIDATE, today(employee.agency))
        last = psp.history.order_by("pk").last()
        assert (last.from_status, last.to_status, last.reason, last.recorded_by) == (
            former, Status.CANDIDATE, "Volunteered", employee.user,
        )  # fmt: skip
        assert not has_role(psp)
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [(e.action, e.detail) for e in events] == [
        ("team.status_changed", {"old": former, "new": "candidate"})
    ] * 2
    assert audit.verify().ok


def test_a_batch_with_a_first_and_a_returning_volunteer_writes_both(chain):
    psp_in(Status.DESELECTED, chain.officer)
    chain.officer.refresh_from_db()
    login_for(chain.telecommunicator)
    chain.telecommunicator.refresh_from_db()
    now = timezone.now()
    applications = services.volunteer_many(
        volunteerings=[
            volunteering(chain.telecommunicator, now=now),
            volunteering(chain.officer, statement="Back again.", now=now),
        ]
    )
    assert [a.peer_supporter.employee for a in applications] == [
        chain.telecommunicator,
        chain.officer,
    ]
    assert [a.statement for a in applications] == ["I want to help.", "Back again."]
    assert set(
        PeerSupporter.objects.filter(
            employee__in=[chain.officer, chain.telecommunicator]
        ).values_list("status", flat=True)
    ) == {Status.CANDIDATE}
    assert PeerSupporter.objects.filter(employee=chain.officer).count() == 1


def test_a_batch_refuses_a_return_dated_before_the_former_status_began(chain):
    """The single path's date rule holds for a returning volunteer too (nothing written)."""
    psp_in(Status.INACTIVE, chain.officer, days_ago=10)
    chain.officer.refresh_from_db()
    early = timezone.now() - timedelta(days=20)
    counts = [m.objects.count() for m in (Application, StatusChange, AuditEvent)]
    message = "The date cannot be before the current status began"
    with pytest.raises(TeamError, match=f"Volunteer 1: {message}"):
        services.volunteer_many(volunteerings=[volunteering(chain.officer, now=early)])
    assert [m.objects.count() for m in (Application, StatusChange, AuditEvent)] == counts
    assert PeerSupporter.objects.get(employee=chain.officer).status == Status.INACTIVE
    with pytest.raises(TeamError, match=message):
        services.volunteer(employee=chain.officer, statement="I want to help.", by=None, now=early)
