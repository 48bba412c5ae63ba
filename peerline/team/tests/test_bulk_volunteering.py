"""Many applications at once (`volunteer_many`, the demo's hundreds): each row by the rules of
`volunteer` (2011 §4.1), and one refusal refuses the whole batch."""

import re
from datetime import UTC, date, datetime

import pytest

from peerline.accounts.models import Membership, Role
from peerline.audit import services as audit
from peerline.audit.models import AuditEvent
from peerline.team import services
from peerline.team.models import Application, PeerSupporter, Status, StatusChange
from peerline.team.services import TeamError, Volunteering

from .helpers import has_role, login_for, psp_in

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


def test_a_former_member_applies_again_on_their_own_not_in_a_batch(chain):
    psp_in(Status.DESELECTED, chain.officer)
    with pytest.raises(TeamError, match="Volunteer 1: A former member or volunteer applies"):
        services.volunteer_many(volunteerings=[volunteering(chain.officer)])
