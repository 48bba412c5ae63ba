"""Writes of training: sessions, bulk attendance, the agency's own topics (2011 §8.1–§8.3).

Each function checks its rules and raises `TrainingError` with a message for the user; pages and
commands share them.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from peerline.accounts.models import User
from peerline.agencies.models import Agency
from peerline.audit.services import record
from peerline.team.models import PeerSupporter

from . import selectors
from .models import Attendance, Edition, TrainingSession, TrainingTopic

MIN_HOURS, MAX_HOURS = Decimal("0.5"), Decimal("24")


class TrainingError(ValueError):
    """A write refused; the message says why."""


@dataclass(frozen=True)
class SessionFields:
    title: str
    date: date
    start_time: time | None
    hours: Decimal
    topics: list[TrainingTopic]
    instructor: str
    instructor_is_mhp: bool
    location: str
    partners_may_attend: bool
    notes: str


def _check_hours(hours: Decimal, what: str, most: Decimal = MAX_HOURS) -> Decimal:
    if hours.as_tuple().exponent < -1:  # type: ignore[operator]
        raise TrainingError(f"{what}: use at most one decimal place, for example 1.5.")
    if not MIN_HOURS <= hours <= most:
        raise TrainingError(f"{what} must be between {MIN_HOURS} and {most} hours.")
    return hours


@transaction.atomic
def session_save(
    *,
    agency: Agency,
    fields: SessionFields,
    by: User | None,
    session: TrainingSession | None = None,
) -> TrainingSession:
    """Create or change a session the coordinator schedules (2011 §8.2). Its topics come from
    the agency's catalogue. Shortening a session lowers the hours credited above its new length."""
    _check_hours(fields.hours, "A session's length")
    allowed = set(selectors.session_topic_choices(agency).values_list("pk", flat=True))
    if any(topic.pk not in allowed for topic in fields.topics):
        raise TrainingError("A session covers topics of the agency's catalogue only.")
    if session is None:
        session = TrainingSession(agency=agency, created_by=by)
    elif session.agency_id != agency.pk:
        raise TrainingError("This session belongs to another agency.")
    for name in ("title", "date", "start_time", "hours", "instructor", "location", "notes"):
        setattr(session, name, getattr(fields, name))
    session.instructor_is_mhp = fields.instructor_is_mhp
    session.partners_may_attend = fields.partners_may_attend
    session.full_clean()
    session.save()
    session.topics.set(fields.topics)
    session.attendances.filter(hours_credited__gt=session.hours).update(
        hours_credited=session.hours
    )
    return session


@dataclass(frozen=True)
class AttendanceResult:
    created: int
    updated: int
    removed: int
    unchanged: int

    @property
    def attending(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    attendees: Mapping[int, Decimal | None],
    by: User | None,
    now: datetime | None = None,
    among: Collection[int] | None = None,
) -> AttendanceResult:
    """Record who attended `session`, all at once, from its roster: `attendees` maps each PSP who
    attended to their hours credited (None: the whole session; fewer for part of it). The roster
    is the whole truth: a PSP left out is no longer recorded. Posting the same roster twice
    changes nothing the second time.

    `among`, when given, is the part of the roster that was on the form (a page of it): the truth
    about those PSPs only, so saving one page never unticks anyone on another (issue 18).

    Only the session's eligible PSPs: the host's active PSPs and those on leave, and partner
    agencies' active PSPs when the session is open to them and an agreement shares training
    (2011 §3.8.2). Their hours count in their own agency's compliance (§8.2). `now` (default:
    this instant) is when the roster was recorded: the demo records each on its session's day."""
    TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
    roster = selectors.eligible_attendees(session)
    if among is not None:
        if set(attendees) - set(among):
            raise TrainingError("The roster was not understood; reload the page and try again.")
        roster = roster.filter(pk__in=list(among))
    eligible = set(roster.values_list("pk", flat=True))
    refused = sorted(set(attendees) - eligible)
    if refused:
        raise TrainingError(
            f"{len(refused)} of the people ticked may not attend this session: only the agency's "
            "peer supporters, and partner agencies' when the session is open to them and an "
            "agreement shares training (2011 §3.8.2). Nothing was recorded."
        )
    hours = {
        psp_id: _check_hours(
            session.hours if value is None else value, "Hours credited", session.hours
        )
        for psp_id, value in attendees.items()
    }
    # Rows of PSPs off the roster (a partner whose agreement ended) are not this POST's to change.
    existing = {
        row.peer_supporter_id: row
        for row in session.attendances.filter(peer_supporter_id__in=eligible)
    }
    own = set(
        PeerSupporter.objects.filter(pk__in=hours, agency_id=session.agency_id).values_list(
            "pk", flat=True
        )
    )
    now = now or timezone.now()
    # A partner's PSP's hours wait for their own coordinator's confirmation (2011 §3.8.2).
    new = [
        Attendance(
            session=session,
            peer_supporter_id=psp_id,
            hours_credited=value,
            recorded_by=by,
            recorded_at=now,
            confirmed_at=now if psp_id in own else None,
            confirmed_by=by if psp_id in own else None,
        )
        for psp_id, value in hours.items()
        if psp_id not in existing
    ]
    changed = []
    for psp_id, value in hours.items():
        row = existing.get(psp_id)
        if row is not None and row.hours_credited != value:
            row.hours_credited, row.recorded_by, row.recorded_at = value, by, now
            if psp_id not in own:
                row.confirmed_at, row.confirmed_by = None, None
            changed.append(row)
    gone = [row.pk for psp_id, row in existing.items() if psp_id not in hours]
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(
        changed, ["hours_credited", "recorded_by", "recorded_at", "confirmed_at", "confirmed_by"]
    )
    Attendance.objects.filter(pk__in=gone).delete()
    return AttendanceResult(
        created=len(new),
        updated=len(changed),
        removed=len(gone),
        unchanged=len(hours) - len(new) - len(changed),
    )


# -- the agency's own topics (2011 §8.1) ---------------------------------------------------------


@transaction.atomic
def topic_add(*, agency: Agency, title: str, by: User | None) -> TrainingTopic:
    """A topic the steering committee adds to the agency's catalogue (2011 §8.1)."""
    title = " ".join(title.split())
    if not title:
        raise TrainingError("Give the topic a title.")
    if len(title) > 200:
        raise TrainingError("A topic's title is at most 200 characters.")
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    if selectors.agency_topics(agency).filter(title__iexact=title).exists():
        raise TrainingError("The agency already has a current topic with this title.")
    position = (
        TrainingTopic.objects.filter(agency=agency).aggregate(top=Max("position"))["top"] or 0
    ) + 1
    return TrainingTopic.objects.create(
        agency=agency,
        edition=Edition.AGENCY,
        number=f"A{position}",
        position=position,
        title=title,
        mapping_note="The agency's own topic (2011 §8.1).",
        created_by=by,
    )


def topic_retire(*, agency: Agency, topic: TrainingTopic, on: date) -> TrainingTopic:
    """Take one of the agency's own topics out of its catalogue. Sessions that covered it keep
    it; the editions' topics are the guidelines' and cannot be retired."""
    if topic.agency_id != agency.pk:
        raise TrainingError("Only the agency's own topics can be retired.")
    if topic.retired_on is None:
        topic.retired_on = on
        topic.save(update_fields=["retired_on"])
    return topic


def topics_by_ids(agency: Agency, ids: Iterable[int]) -> list[TrainingTopic]:
    return list(selectors.session_topic_choices(agency).filter(pk__in=list(ids)))


# -- credit from partner agencies' sessions (2011 §3.8.2, §8.2) -----------------------------------


def pending_partner_credit(agency: Agency) -> QuerySet[Attendance]:
    """Hours other agencies recorded for this agency's PSPs, waiting for its coordinator."""
    return (
        Attendance.objects.filter(peer_supporter__agency=agency, confirmed_at__isnull=True)
        .exclude(session__agency=agency)
        .select_related("session__agency", "peer_supporter__employee")
        .order_by("session__date", "pk")
    )


@transaction.atomic
def partner_credit_answer(
    *, agency: Agency, attendance_ids: list[int], confirm: bool, by: User | None
) -> int:
    """The PSPs' own coordinator confirms hours from partners' sessions (they count from then on)
    or refuses them (the rows go). Only this agency's own PSPs' pending rows; returns how many."""
    rows = pending_partner_credit(agency).filter(pk__in=attendance_ids)
    count = rows.count()
    if confirm:
        Attendance.objects.filter(pk__in=rows.values("pk")).update(
            confirmed_at=timezone.now(), confirmed_by=by
        )
    else:
        Attendance.objects.filter(pk__in=list(rows.values_list("pk", flat=True))).delete()
    record(
        "training.partner_credit_confirmed" if confirm else "training.partner_credit_refused",
        by=by,
        agency=agency,
        detail={"attendances": count},
    )
    return count
