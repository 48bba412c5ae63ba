"""Builders for the training tests: PSPs with a dated history, sessions and attendance."""

from datetime import date
from decimal import Decimal

from peerline.agencies.models import Agency
from peerline.team.models import LeaveOfAbsence, LeaveReason, PeerSupporter, Status, StatusChange
from peerline.testing import personas as p
from peerline.training.models import Attendance, TrainingSession, TrainingTopic


def psp(agency: Agency, number: str, *, active_since: date, user=None, **employee) -> PeerSupporter:
    """An active PSP since `active_since`, with the history the team's services would write."""
    row = p.make_employee(agency, number, **employee)
    if user is not None:
        row.user = user
        row.save(update_fields=["user"])
    found = PeerSupporter.objects.create(
        agency=agency, employee=row, status=Status.ACTIVE, status_since=active_since
    )
    StatusChange.objects.create(
        peer_supporter=found,
        from_status=Status.CANDIDATE,
        to_status=Status.ACTIVE,
        effective_on=active_since,
        reason="Onboarding complete",
    )
    return found


def change(peer_supporter: PeerSupporter, to: str, on: date) -> None:
    StatusChange.objects.create(
        peer_supporter=peer_supporter,
        from_status=peer_supporter.status,
        to_status=to,
        effective_on=on,
        reason="test",
    )
    peer_supporter.status, peer_supporter.status_since = to, on
    peer_supporter.save(update_fields=["status", "status_since"])


def leave(peer_supporter: PeerSupporter, starts: date, returned: date | None = None) -> None:
    """A leave of absence from `starts`, back on `returned` (the first day active again)."""
    change(peer_supporter, Status.ON_LEAVE, starts)
    LeaveOfAbsence.objects.create(
        peer_supporter=peer_supporter,
        starts_on=starts,
        expected_return=returned or starts,
        returned_on=returned,
        reason=LeaveReason.PERSONAL,
    )
    if returned:
        change(peer_supporter, Status.ACTIVE, returned)


def session(agency: Agency, day: date, hours: str = "4", *topics: str, **fields) -> TrainingSession:
    """A session on `day` covering the 2011 topics numbered `topics` ("8.3.16")."""
    found = TrainingSession.objects.create(
        agency=agency,
        title=fields.pop("title", "Update training"),
        date=day,
        hours=Decimal(hours),
        instructor=fields.pop("instructor", "Dr. Ada Lindqvist"),
        **fields,
    )
    found.topics.set(TrainingTopic.objects.filter(edition="2011", number__in=topics))
    return found


def attend(sess: TrainingSession, *psps: PeerSupporter, hours: str | None = None) -> None:
    from django.utils import timezone

    for one in psps:
        Attendance.objects.create(
            session=sess,
            peer_supporter=one,
            hours_credited=Decimal(hours) if hours else sess.hours,
            recorded_at=timezone.now(),
        )
