"""The demo agency's training year (2011 §8.1–§8.3, §4.3).

`seed_training` runs inside `seed_demo`'s transaction right after `seed_team`, whose dated
status histories and leaves it reads. It gives the coordinator something real on every training
page:

- a session a month for the last four quarters and this one so far (2, 3 and 4 hours in each
  quarter), on topics of the catalogue, some taught by a licensed mental health professional,
  one open to partner agencies (§3.8.2), one more coming up; three topics of the catalogue are
  never covered, and the steering committee has added one topic of its own (§8.1);
- attendance such that most PSPs meet the requirement every quarter, two were behind in the last
  quarter only (reminders), one in the last two (flagged for a deselection review, §4.3), one
  behind long ago who caught up; the deselected member was behind before the decision; PSPs on
  leave attend nothing while on leave (the requirement is paused), and a PSP activated mid-quarter
  owes only their share.

Deterministic like the rest of the demo: one `random.Random(seed)`, rows in a fixed order, and
bulk inserts.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from peerline.agencies.models import Agency
from peerline.team.models import PeerSupporter, Status

from . import selectors, services
from .compliance import Quarter, TeamHistory
from .models import TrainingSession
from .services import SessionFields

INSTRUCTORS = [
    ("Dr. Renee Castillo, PsyD", True),
    ("Sgt. Maria Jensen, peer team lead", False),
    ("Samuel Okonkwo, LCSW", True),
    ("Chaplain David Hale", False),
    ("Officer Ben Carter, peer trainer", False),
]
LOCATIONS = ["Training room B", "Headquarters, 3rd floor classroom", "East district station"]
UNCOVERED = 3  # catalogue topics left for the coverage picture to show
OWN_TOPIC = "Peer support after a line-of-duty death in our agency"


@dataclass(frozen=True)
class SeededTraining:
    sessions: int
    attendances: int
    reminders: list[int]  # PeerSupporter ids behind in the last ended quarter only
    flagged: list[int]  # behind in the last two


def seed_training(*, agency: Agency, seed: int, today: date) -> SeededTraining:
    """Build the demo agency's sessions and attendance (see the module docstring)."""
    rng = random.Random(seed)
    tz = ZoneInfo(agency.time_zone)
    users = {u.username: u for u in get_user_model().objects.filter(memberships__agency=agency)}
    coordinator = users.get("coordinator")
    # Through the services, so the demo obeys the rules a coordinator does (issue 14).
    own = services.topic_add(agency=agency, title=OWN_TOPIC, by=users.get("steering"))
    topics = list(selectors.edition_topics(agency.guideline_edition))
    rng.shuffle(topics)
    covered = topics[UNCOVERED:] + [own]

    current = Quarter.of(today)
    quarters = [current.shift(-n) for n in range(4, -1, -1)]
    sessions, cursor = [], 0
    for fields in _sessions(rng, quarters, today):
        chosen = [covered[(cursor + i) % len(covered)] for i in range(2)]
        cursor += 2
        sessions.append(
            services.session_save(
                agency=agency, fields=replace(fields, topics=chosen), by=coordinator
            )
        )

    team = list(
        PeerSupporter.objects.filter(agency=agency)
        .exclude(status=Status.CANDIDATE)
        .select_related("employee")
        .order_by("employee__employee_number")
    )
    history = TeamHistory(agency, team, quarters[0].first, quarters[-1].last)
    ended = quarters[:-1]
    plans = _plans(rng, team, users.get("peer"), history, ended, today)
    # Who attended what, drawn PSP by PSP as before, then recorded session by session: one
    # roster each, on the evening of the session (2011 §8.2).
    rosters: dict[int, dict[int, Decimal | None]] = {s.pk: {} for s in sessions}
    for psp in team:
        for index, quarter in enumerate(quarters):
            in_quarter = [
                s
                for s in sessions
                if Quarter.of(s.date) == quarter
                and s.date <= today
                and history.active_on(psp, s.date)
            ]
            required = history.standing(psp, quarter, today).hours_required
            behind = plans[psp.pk][index] if quarter in ended else None
            for session, hours in _attend(rng, in_quarter, required, behind):
                # The rosters are recorded after the team's history is written, and a roster
                # takes only PSPs on the team now (`eligible_attendees`): a former member's
                # draws are made (the others' stay the same) but not recorded.
                if psp.status in selectors.ROSTER_STATUSES:
                    rosters[session.pk][psp.pk] = hours
    attendances = 0
    for session in sessions:
        if rosters[session.pk]:
            attendances += services.attendance_record(
                session=session,
                attendees=rosters[session.pk],
                by=coordinator,
                now=datetime.combine(session.date, time(17), tzinfo=tz),
            ).created
    on_team = {psp.pk for psp in team if psp.status in (Status.ACTIVE, Status.ON_LEAVE)}
    return SeededTraining(
        sessions=len(sessions),
        attendances=attendances,
        reminders=[pk for pk, plan in plans.items() if plan[-2:] == [False, True]],
        flagged=[pk for pk, plan in plans.items() if plan[-2:] == [True, True] and pk in on_team],
    )


def _sessions(rng: random.Random, quarters: list[Quarter], today: date) -> list[SessionFields]:
    """A session a month, its topics left for the caller to deal."""
    found: list[SessionFields] = []
    open_to_partners = quarters[-2]  # the last ended quarter
    for quarter in quarters:
        lengths = [Decimal(2), Decimal(3), Decimal(4)]
        rng.shuffle(lengths)
        for month, hours in zip(
            range(3 * quarter.number - 2, 3 * quarter.number + 1), lengths, strict=True
        ):
            day = date(quarter.year, month, rng.randint(6, 22))
            while day.weekday() > 3:  # Monday to Thursday
                day += timedelta(days=1)
            upcoming = day > today
            if upcoming and (found and found[-1].date > today):
                continue  # one session scheduled ahead is enough
            instructor, is_mhp = INSTRUCTORS[len(found) % len(INSTRUCTORS)]
            partners = quarter == open_to_partners and month == 3 * quarter.number - 1
            found.append(
                SessionFields(
                    title="Regional critical incident refresher (partner agencies welcome)"
                    if partners
                    else f"{'Update training' if hours < 4 else 'Quarterly skills day'}, {day:%B}",
                    date=day,
                    start_time=time(18, 0) if hours == 2 else time(9, 0),
                    hours=hours,
                    topics=[],
                    instructor=instructor,
                    instructor_is_mhp=is_mhp,
                    location="Regional Training Center" if partners else rng.choice(LOCATIONS),
                    partners_may_attend=partners,
                    notes="",
                )
            )
    return found


def _plans(
    rng: random.Random,
    team: list[PeerSupporter],
    peer: object,
    history: TeamHistory,
    ended: list[Quarter],
    today: date,
) -> dict[int, list[bool]]:
    """For each PSP, whether they fall behind in each ended quarter (oldest first)."""
    plans = {psp.pk: [False] * len(ended) for psp in team}
    for psp in team:
        if psp.status == Status.DESELECTED:
            plans[psp.pk] = [True] * len(ended)  # why they were deselected (§4.3)
    # The reminders and the flag go to PSPs active through the last two quarters, so that both
    # had their full requirement; never to the demo's own "peer" log-in.
    steady = [
        psp
        for psp in team
        if psp.status == Status.ACTIVE
        and psp.employee.user_id != getattr(peer, "pk", None)
        and all(history.days(psp, q)[0] == q.days for q in ended[-2:])
    ]
    chosen = rng.sample(steady, min(4, len(steady)))
    behind = [[-2, -1], [-1], [-1], [1]]  # flagged, two reminders, one who caught up since
    for psp, quarters in zip(chosen, behind, strict=False):
        for index in quarters:
            plans[psp.pk][index] = True
    return plans


def _attend(
    rng: random.Random, sessions: list[TrainingSession], required: Decimal, behind: bool | None
) -> list[tuple[TrainingSession, Decimal]]:
    """Which of `sessions` a PSP attended, and the hours credited.

    behind True: short of `required`; False: at least `required`; None (the open quarter): each
    session with a fair chance."""
    order = list(sessions)
    rng.shuffle(order)
    if behind is None:
        return [(s, s.hours) for s in order if rng.random() < 0.7]
    picked: list[tuple[TrainingSession, Decimal]] = []
    total = Decimal(0)
    if behind:
        for session in sorted(order, key=lambda s: s.hours):
            if total + session.hours < required and rng.random() < 0.6:
                picked.append((session, session.hours))
                total += session.hours
        return picked
    for session in order:
        if total >= required and rng.random() < 0.85:
            break
        hours = session.hours - 1 if rng.random() < 0.06 else session.hours  # left early
        picked.append((session, hours))
        total += hours
    return picked
