"""Reads of training: the catalogue, who may attend a session, topic coverage, transcripts."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum

from peerline.accounts.models import User
from peerline.agencies.models import Agency
from peerline.partners.selectors import training_guests
from peerline.team.models import PeerSupporter, Status

from .models import CONFIRMED, Attendance, Edition, TrainingSession, TrainingTopic

ROSTER_STATUSES = (Status.ACTIVE, Status.ON_LEAVE)


# -- the catalogue (2011 §8.1, §8.3; 2006 Training 3) --------------------------------------------


def edition_topics(edition: str) -> QuerySet[TrainingTopic]:
    return TrainingTopic.objects.filter(edition=edition, agency__isnull=True).order_by("position")


def agency_topics(agency: Agency, *, retired: bool = False) -> QuerySet[TrainingTopic]:
    """The agency's own topics (2011 §8.1); retired ones only when asked."""
    found = TrainingTopic.objects.filter(agency=agency, edition=Edition.AGENCY)
    return (found if retired else found.filter(retired_on__isnull=True)).order_by("position")


def catalogue(agency: Agency) -> list[TrainingTopic]:
    """The topics the agency trains on: its edition's list and its own current topics."""
    return [*edition_topics(agency.guideline_edition), *agency_topics(agency)]


def session_topic_choices(agency: Agency) -> QuerySet[TrainingTopic]:
    """What a session of the agency may cover: its catalogue (other editions map onto it)."""
    return TrainingTopic.objects.filter(
        Q(edition=agency.guideline_edition, agency__isnull=True)
        | Q(agency=agency, retired_on__isnull=True)
    ).order_by("edition", "position")


@dataclass(frozen=True)
class MappingRow:
    """One line of the side-by-side catalogue: a 2011 topic, a 2006 topic, or both."""

    new: TrainingTopic | None  # 2011
    old: TrainingTopic | None  # 2006

    @property
    def note(self) -> str:
        """The 2011 topic's note on the difference, else the 2006 topic's."""
        return (self.new and self.new.mapping_note) or (self.old and self.old.mapping_note) or ""


def edition_mapping() -> list[MappingRow]:
    """Both editions side by side in the 2011 order; a 2006 topic without an equivalent follows
    the 2011 topic listed just before it in 2006."""
    new = list(edition_topics(Edition.IACP_2011).prefetch_related("equivalents"))
    old = list(edition_topics(Edition.IACP_2006).prefetch_related("equivalents"))
    rows = [
        MappingRow(topic, next((t for t in topic.equivalents.all() if t.edition == "2006"), None))
        for topic in new
    ]
    placed = {row.old.pk for row in rows if row.old}
    for topic in old:
        if topic.pk in placed:
            continue
        before = max(
            (i for i, row in enumerate(rows) if row.old and row.old.position < topic.position),
            default=-1,
        )
        rows.insert(before + 1, MappingRow(None, topic))
    return rows


def equivalence(topics: Iterable[TrainingTopic]) -> dict[int, set[int]]:
    """For each topic id, the ids of the given topics it counts as: itself and its equivalents."""
    wanted = {topic.pk for topic in topics}
    found: dict[int, set[int]] = defaultdict(set)
    for pk in wanted:
        found[pk].add(pk)
    for from_id, to_id in TrainingTopic.equivalents.through.objects.filter(
        to_trainingtopic_id__in=wanted
    ).values_list("from_trainingtopic_id", "to_trainingtopic_id"):
        found[from_id].add(to_id)
    return found


# -- sessions and who may attend them (2011 §3.8.2, §8.2) ----------------------------------------


def sessions(agency: Agency) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(agency=agency)
        .annotate(attended=Count("attendances"))
        .prefetch_related("topics")
        .order_by("-date", "-start_time", "-pk")
    )


def partner_agencies_for(session: TrainingSession) -> QuerySet[Agency]:
    """Agencies whose PSPs may attend `session`: it is open to partners, and the host shares
    training with them by an agreement in force on the session's date (2011 §3.8.2)."""
    if not session.partners_may_attend:
        return Agency.objects.none()
    return training_guests(session.agency_id, session.date)


def eligible_attendees(session: TrainingSession) -> QuerySet[PeerSupporter]:
    """The session's roster: the host's active PSPs and those on leave, partner agencies' active
    PSPs when the session is open to them, and anyone already recorded as attending, a partner's
    PSP only while the agreement sharing training stands (nothing crosses after its end)."""
    guests = partner_agencies_for(session)
    own = Q(agency_id=session.agency_id, status__in=ROSTER_STATUSES)
    partners = Q(agency__in=guests, status=Status.ACTIVE)
    # EXISTS, not a join: no duplicate rows, so no DISTINCT over the whole roster (issue 18).
    attended = Attendance.objects.filter(session=session, peer_supporter=OuterRef("pk"))
    recorded = Exists(attended) & (Q(agency_id=session.agency_id) | Q(agency__in=guests))
    return (
        PeerSupporter.objects.filter(own | partners | recorded)
        .select_related("employee", "agency")
        .order_by("employee__last_name", "employee__first_name", "pk")
    )


# -- a PSP's own training ------------------------------------------------------------------------


def own_peer_supporter(user: User, agency: Agency) -> PeerSupporter | None:
    """The user's own place on the agency's team, if they have one."""
    return (
        PeerSupporter.objects.filter(agency=agency, employee__user=user)
        .select_related("employee", "agency")
        .first()
    )


def attendances_of(
    peer_supporter: PeerSupporter, until: date | None = None
) -> QuerySet[Attendance]:
    """Everything the PSP attended, wherever it was held, oldest first."""
    found = Attendance.objects.filter(CONFIRMED, peer_supporter=peer_supporter)
    if until is not None:
        found = found.filter(session__date__lte=until)
    return (
        found.select_related("session__agency")
        .prefetch_related("session__topics")
        .order_by("session__date", "session__start_time", "pk")
    )


def total_hours(peer_supporter: PeerSupporter) -> float:
    return float(
        Attendance.objects.filter(CONFIRMED, peer_supporter=peer_supporter).aggregate(
            total=Sum("hours_credited")
        )["total"]
        or 0
    )


# -- topic coverage against the catalogue (2011 §8.1, §8.3) --------------------------------------


@dataclass(frozen=True)
class TopicCoverage:
    topic: TrainingTopic
    covered_by: int  # PSPs of the team who have attended a session on it
    team_size: int
    last_session: date | None

    @property
    def share(self) -> int:
        return round(100 * self.covered_by / self.team_size) if self.team_size else 0


def _covered(
    psp_ids: list[int], until: date, topics: list[TrainingTopic]
) -> tuple[dict[int, set[int]], dict[int, date]]:
    """For each PSP, the catalogue topics they have covered by `until`; each topic's last date."""
    counts_as = equivalence(topics)
    rows = Attendance.objects.filter(
        CONFIRMED, peer_supporter_id__in=psp_ids, session__date__lte=until
    ).values_list("peer_supporter_id", "session__date", "session__topics")
    by_psp: dict[int, set[int]] = defaultdict(set)
    last: dict[int, date] = {}
    for psp_id, day, topic_id in rows:
        for topic in counts_as.get(topic_id, ()):
            by_psp[psp_id].add(topic)
            last[topic] = max(day, last.get(topic, day))
    return by_psp, last


def topic_coverage(*, agency: Agency, team: Sequence[int], until: date) -> list[TopicCoverage]:
    """For each topic of the agency's catalogue, how many of the PSPs `team` (their ids) have
    covered it by `until` (a session on the topic or on its equivalent in the other edition).

    One query whatever the team's size: the database counts, for each topic, the distinct
    PSPs who attended a session on a topic that counts as it (issue 18)."""
    topics = catalogue(agency)
    counted_by: dict[int, set[int]] = defaultdict(set)  # catalogue topic → topics counting as it
    for source, targets in equivalence(topics).items():
        for target in targets:
            counted_by[target].add(source)
    found: dict[str, Any] = {}
    if team and topics:
        found = Attendance.objects.filter(
            CONFIRMED, peer_supporter_id__in=list(team), session__date__lte=until
        ).aggregate(
            **{
                f"{kind}{topic.pk}": function(
                    field,
                    filter=Q(session__topics__in=sorted(counted_by[topic.pk])),
                    **options,
                )
                for topic in topics
                for kind, function, field, options in (
                    ("n", Count, "peer_supporter_id", {"distinct": True}),
                    ("d", Max, "session__date", {}),
                )
            }
        )
    return [
        TopicCoverage(topic, found.get(f"n{topic.pk}") or 0, len(team), found.get(f"d{topic.pk}"))
        for topic in topics
    ]


def never_covered(*, peer_supporter: PeerSupporter, until: date) -> list[TrainingTopic]:
    """The topics of the PSP's agency's catalogue they have never attended a session on."""
    topics = catalogue(peer_supporter.agency)
    by_psp, _ = _covered([peer_supporter.pk], until, topics)
    return [topic for topic in topics if topic.pk not in by_psp[peer_supporter.pk]]
