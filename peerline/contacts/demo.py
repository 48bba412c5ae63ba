"""A year of the demo agency's contact log: what a team of about twelve peer supporters records.

`seed_contacts` makes about twelve of the demo agency's employees active peer supporters (the
demo "peer" log-in is one of them) and logs a few hundred contacts for them over the last four
quarters, so that the coordinator's utilization page (2011 §3.9) and the releases to command
staff (2011 §3.1) have something real to count. The contacts and their follow-up reminders go
through `services.contact_log_many`: every one passes the checks a contact logged on the phone
passes (fixed-list answers only, 2011 §6.7), as of `today` rather than the clock, and they are
written in bulk.

Deterministic: every choice is drawn from one `random.Random(seed)` in a fixed order, from rows
read in a fixed order, so the same agency, seed and day give the same log.

The shape is what peer support teams report: general stress and post-critical-incident support
are the most common activities, with bursts of post-incident and on-scene contacts after each
critical incident; death notifications are rare. About one contact in six ends in a referral,
mostly to a mental health professional or the EAP; the limits of confidentiality are explained
almost always; a few contacts invoke an exception or flag a role conflict, and the last weeks'
contacts have follow-up reminders (the PSP's own, for a week, not tied to the contact), some
of them due this week.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency, Category, Employee, JobFamily
from peerline.governance.models import ConfidentialityException, ExceptionCategory

from . import services
from .models import (
    Activity,
    Duration,
    InitiatedBy,
    Mode,
    PriorContacts,
    RecipientGroup,
    Referral,
)

TEAM_SIZE = 12
EMPLOYEES_PER_PSP = 40  # a smaller agency has a smaller team, never fewer than MIN_TEAM
MIN_TEAM = 4
CONTACTS_PER_PSP = 36  # a year, on average; some peer supporters are much busier than others
INCIDENTS = 3  # critical incidents in the year, each followed by a burst of contacts

A, R = Activity, Referral
# Everyday contacts (2011 §2.3), by how common they are.
ACTIVITY_WEIGHTS = {
    A.GENERAL_STRESS: 26,
    A.POST_CRITICAL_INCIDENT: 16,
    A.RELATIONSHIP: 11,
    A.CAREER: 10,
    A.GRIEF: 6,
    A.HOSPITAL_VISITATION: 6,
    A.FAMILY_OF_INJURED: 5,
    A.SUBSTANCE_EAP: 5,
    A.FINANCIAL: 5,
    A.ON_SCENE: 3,
    A.OTHER: 5,
    A.DEATH_NOTIFICATION: 1,
}
# After a critical incident.
INCIDENT_ACTIVITY_WEIGHTS = {A.POST_CRITICAL_INCIDENT: 70, A.ON_SCENE: 25, A.GRIEF: 5}
# How likely a contact of each activity ends in a referral, and where to.
REFERRALS: dict[str, tuple[float, dict[str, int]]] = {
    A.SUBSTANCE_EAP: (0.6, {R.EAP: 55, R.SUBSTANCE: 45}),
    A.FINANCIAL: (0.35, {R.LOCAL_RESOURCE: 60, R.EAP: 40}),
    A.DEATH_NOTIFICATION: (0.3, {R.CHAPLAIN: 60, R.MENTAL_HEALTH: 40}),
    A.RELATIONSHIP: (0.25, {R.MENTAL_HEALTH: 45, R.EAP: 45, R.CHAPLAIN: 10}),
    A.GRIEF: (0.25, {R.CHAPLAIN: 50, R.MENTAL_HEALTH: 40, R.LOCAL_RESOURCE: 10}),
    A.FAMILY_OF_INJURED: (0.2, {R.LOCAL_RESOURCE: 40, R.CHAPLAIN: 30, R.EAP: 30}),
    A.POST_CRITICAL_INCIDENT: (0.18, {R.MENTAL_HEALTH: 80, R.EAP: 20}),
    A.GENERAL_STRESS: (0.12, {R.EAP: 50, R.MENTAL_HEALTH: 40, R.ANOTHER_PSP: 10}),
    A.ON_SCENE: (0.1, {R.MENTAL_HEALTH: 100}),
    A.HOSPITAL_VISITATION: (0.1, {R.CHAPLAIN: 60, R.LOCAL_RESOURCE: 40}),
    A.OTHER: (0.1, {R.LOCAL_RESOURCE: 50, R.EAP: 50}),
    A.CAREER: (0.08, {R.ANOTHER_PSP: 50, R.EAP: 50}),
}
RECIPIENT_WEIGHTS = {
    RecipientGroup.SWORN: 64,
    RecipientGroup.CIVILIAN: 20,
    RecipientGroup.FAMILY: 8,
    RecipientGroup.RETIREE: 4,
    RecipientGroup.OTHER_AGENCY: 4,
}
FAMILY_ACTIVITIES = {A.FAMILY_OF_INJURED, A.DEATH_NOTIFICATION}
IN_PERSON_ACTIVITIES = {A.ON_SCENE, A.HOSPITAL_VISITATION, A.DEATH_NOTIFICATION}
MODE_WEIGHTS = {Mode.IN_PERSON: 48, Mode.PHONE: 36, Mode.TEXT: 11, Mode.VIDEO: 5}
INITIATED_WEIGHTS = {
    InitiatedBy.SELF: 55,
    InitiatedBy.OUTREACH: 27,
    InitiatedBy.SUPERVISOR: 12,
    InitiatedBy.ACTIVATION: 6,
}
DURATION_WEIGHTS = {
    Duration.UNDER_15: 14,
    Duration.MIN_15_30: 30,
    Duration.MIN_30_60: 33,
    Duration.HOURS_1_2: 17,
    Duration.OVER_2H: 6,
}
PRIOR_WEIGHTS = {PriorContacts.FIRST: 56, PriorContacts.TWO_THREE: 32, PriorContacts.FOUR_PLUS: 12}
EXCEPTION_RATE = 0.012
EXCEPTION_WEIGHTS = {
    ExceptionCategory.THREAT_TO_SELF: 60,
    ExceptionCategory.THREAT_TO_OTHERS: 15,
    ExceptionCategory.CHILD_ABUSE: 10,
    ExceptionCategory.ELDER_ABUSE: 5,
    ExceptionCategory.SERIOUS_VIOLATION: 10,
}
ROLE_CONFLICT_RATE = 0.03
LIMITS_EXPLAINED_RATE = 0.93  # lower on scene, where the first minutes are not a conversation
FOLLOW_UP_WINDOW = 45  # days back: older reminders have been seen and cleared
FOLLOW_UP_RATE = 0.3
# Busier in the winter holidays and in the summer; quieter in spring and autumn.
MONTH_WEIGHTS = (1.15, 0.95, 0.9, 0.85, 0.95, 1.05, 1.15, 1.1, 0.95, 0.9, 1.0, 1.2)
# Duties that never join the team here: command staff and managers (2011 §7.2, role conflict).
NOT_ON_THE_TEAM = ("Chief", "Deputy", "Commander", "Major", "Captain", "Manager")


@dataclass(frozen=True)
class SeededContacts:
    peer_supporters: int
    contacts: int


T = TypeVar("T", bound=str)


def _pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def _months(today: date) -> list[date]:
    """The first days of the months of the last four quarters, this one included, up to today."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    year, month = first.year, first.month - 9
    if month < 1:
        year, month = year - 1, month + 12
    months = []
    while date(year, month, 1) <= today:
        months.append(date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def _day_in(rng: random.Random, month: date, today: date) -> date:
    """A day of `month`, never after today: only to place a follow-up, never stored."""
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return month + timedelta(days=rng.randrange((min(last, today) - month).days + 1))


def _team(agency: Agency, rng: random.Random) -> list[tuple[int, str]]:
    """The peer supporters: the agency's PSPs so far, then new ones from settled line staff and
    first-line supervisors across the divisions. (user id, category) each, in a fixed order."""
    users = get_user_model().objects
    existing = list(
        Membership.objects.filter(agency=agency, role=Role.PEER_SUPPORTER)
        .order_by("user__username")
        .values_list("user_id", "user__employee__category")
    )
    employees = Employee.objects.filter(agency=agency).count()
    size = max(MIN_TEAM, min(TEAM_SIZE, round(employees / EMPLOYEES_PER_PSP)))
    wanted = max(0, size - len(existing))
    eligible = [
        row
        for row in Employee.objects.filter(
            agency=agency,
            user__isnull=True,
            good_standing=True,
            separation_kind="",
            separated_on__isnull=True,
        )
        .exclude(job_family=JobFamily.COMMAND)
        .order_by("employee_number")
        .values_list(
            "pk",
            "employee_number",
            "division_id",
            "rank",
            "category",
            "email",
            "first_name",
            "last_name",
            named=True,
        )
        if not any(word in row.rank for word in NOT_ON_THE_TEAM)
    ]
    # One from each division first, so that the team reaches every part of the agency.
    by_division: dict[int, list[Any]] = {}
    for row in eligible:
        by_division.setdefault(row.division_id, []).append(row)
    chosen = [rng.choice(by_division[key]) for key in sorted(by_division)]
    rng.shuffle(chosen)
    chosen = chosen[:wanted]
    taken = set(chosen)
    rest = [row for row in eligible if row not in taken]
    chosen += rng.sample(rest, min(len(rest), wanted - len(chosen)))

    new_users = [
        users.model(
            username=f"psp-{row.employee_number}",
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            password=make_password(None),  # none: the demo logs in as "peer" (DEMO_USERS)
        )
        for row in chosen
    ]
    users.bulk_create(new_users)
    user_ids = dict(
        users.filter(username__in=[user.username for user in new_users]).values_list(
            "username", "pk"
        )
    )
    added = [(user_ids[f"psp-{row.employee_number}"], row) for row in chosen]
    Employee.objects.bulk_update(
        [Employee(pk=row.pk, user_id=user_id) for user_id, row in added], ["user"]
    )
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, agency=agency, role=Role.PEER_SUPPORTER)
            for user_id, _ in added
        ]
    )
    return [(user_id, category or Category.SWORN) for user_id, category in existing] + [
        (user_id, row.category) for user_id, row in added
    ]


def seed_contacts(*, agency: Agency, seed: int, today: date) -> SeededContacts:
    """Give `agency` a team of peer supporters and a year of their contacts (2011 §3.9, §6.7).

    For the demo agency, inside `seed_demo`'s transaction; it adds to what is there.
    """
    rng = random.Random(seed)
    team = _team(agency, rng)
    users = get_user_model().objects.in_bulk([user_id for user_id, _ in team])
    exceptions = {
        exception.category: exception
        for exception in ConfidentialityException.objects.filter(agency=agency).order_by(
            "position", "pk"
        )
    }
    months = _months(today)
    # The current month counts for the part of it that has passed.
    month_weights = [MONTH_WEIGHTS[month.month - 1] for month in months]
    month_weights[-1] *= today.day / 30
    # Some peer supporters are much busier than others.
    busyness = [rng.lognormvariate(0, 0.6) for _ in team]
    scale = CONTACTS_PER_PSP * len(team) * sum(month_weights) / 12 / sum(busyness)

    plan: list[tuple[int, date, bool]] = []  # (team member, month, after an incident)
    for member, weight in enumerate(busyness):
        for _ in range(round(weight * scale)):
            plan.append((member, rng.choices(months, month_weights)[0], False))
    # A bigger team sends more PSPs to an incident, and they see more people.
    scale_up = max(1.0, len(team) / TEAM_SIZE)
    for _ in range(INCIDENTS):
        month = rng.choice(months)
        responders = rng.sample(
            range(len(team)), min(len(team), round(rng.randint(3, 6) * scale_up))
        )
        for _ in range(round(rng.randint(8, 18) * scale_up)):
            plan.append((rng.choice(responders), month, True))

    rows = [
        (
            users[team[member][0]],
            _contact(rng, team[member][1], month, incident, exceptions, today),
        )
        for member, month, incident in plan
    ]
    contacts = services.contact_log_many(agency=agency, rows=rows, today=today)
    return SeededContacts(peer_supporters=len(team), contacts=len(contacts))


def _contact(
    rng: random.Random,
    category: str,
    month: date,
    incident: bool,
    exceptions: dict[str, ConfidentialityException],
    today: date,
) -> dict[str, Any]:
    """One contact as the form sends it to `contact_log`: fixed-list answers and a month."""
    activity = _pick(rng, INCIDENT_ACTIVITY_WEIGHTS if incident else ACTIVITY_WEIGHTS)
    if activity in FAMILY_ACTIVITIES and rng.random() < 0.6:
        recipient = RecipientGroup.FAMILY
    elif category == Category.CIVILIAN and rng.random() < 0.5:
        recipient = RecipientGroup.CIVILIAN  # telecommunicators and clerks support their own
    else:
        recipient = _pick(rng, RECIPIENT_WEIGHTS)
    if incident:
        initiated = InitiatedBy.ACTIVATION if rng.random() < 0.7 else InitiatedBy.OUTREACH
    else:
        initiated = _pick(rng, INITIATED_WEIGHTS)
    mode = (
        Mode.IN_PERSON
        if activity in IN_PERSON_ACTIVITIES or initiated == InitiatedBy.ACTIVATION
        else _pick(rng, MODE_WEIGHTS)
    )
    duration = _pick(rng, DURATION_WEIGHTS)
    if activity == A.ON_SCENE and duration in {Duration.UNDER_15, Duration.MIN_15_30}:
        duration = Duration.HOURS_1_2
    prior = _pick(rng, PRIOR_WEIGHTS)

    referrals: set[str] = set()
    chance, kinds = REFERRALS[activity]
    if prior == PriorContacts.FOUR_PLUS:
        chance += 0.2  # many contacts with one person prompt a referral (2011 §7.3)
    if rng.random() < chance:
        referrals.add(_pick(rng, kinds))
        if rng.random() < 0.15:
            referrals.add(_pick(rng, kinds | {R.MENTAL_HEALTH: 30}))

    exception = None
    if rng.random() < EXCEPTION_RATE:
        kind = _pick(rng, EXCEPTION_WEIGHTS)
        exception = exceptions.get(kind) or next(iter(exceptions.values()), None)
        if exception is not None:
            referrals.add(R.MENTAL_HEALTH)  # the procedure calls the on-call clinician
    limits = rng.random() < (0.75 if activity == A.ON_SCENE else LIMITS_EXPLAINED_RATE)
    role_conflict = rng.random() < ROLE_CONFLICT_RATE

    # Drawn here, in the order it always was, so that the same seed gives the same log.
    follow_up = None
    if (today - month).days <= FOLLOW_UP_WINDOW and rng.random() < FOLLOW_UP_RATE:
        follow_up = _day_in(rng, month, today) + timedelta(days=rng.randint(2, 21))

    return {
        "month": month,
        "activity": activity,
        "recipient_group": recipient,
        "mode": mode,
        "initiated_by": initiated,
        "duration": duration,
        "referrals": sorted(referrals),
        "limits_explained": limits or exception is not None,
        "exception": exception,
        "role_conflict": role_conflict,
        "prior_contacts": prior,
        "follow_up_days": _follow_up_days(follow_up, today),
    }


def _follow_up_days(due: date | None, today: date) -> int | None:
    """The PSP's own follow-up for a recent contact, as the form asks it: in how many days (a
    week is kept, not the day). None when its week has passed: the scheduled job would have
    deleted it. A day earlier this week counts from tomorrow, the soonest the form offers."""
    if due is None or due - timedelta(days=due.weekday()) < today - timedelta(days=today.weekday()):
        return None
    return max(1, (due - today).days)
