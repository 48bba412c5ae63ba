"""The demo agency's peer support team: members in every status, and volunteers in selection.

`seed_team` runs inside `seed_demo`'s transaction, after the log-ins exist and before the contact
log is seeded (whose PSPs are the team's active members and those on leave). It gives the
coordinator something real on every page of issue 4:

- about one active PSP for every 28 employees, spread across divisions, some of them first-line
  supervisors (marked, 2011 §7.4), two of them retiring within the forecast (2011 §3.8.3);
- two on leave (one due back within the week: the coordinator's reminder, §4.4), one who stepped
  down, one deselected for failing to attend training (§4.3), two alumni;
- version 2 of the confidentiality agreement published two months ago, which all but two active
  PSPs have signed (§6.8);
- volunteers at every stage of selection (§4.1, §4.2), with recommendations asked of the demo
  "steering" and "command" log-ins and interview seats for "peer" and "clinician".

Everything goes through the team's services, members included: each volunteered, was found
eligible, recommended by the agency's steering log-in on its own account, selected, trained,
signed and activated, in the services' batch forms (`volunteer_many`, `check_eligibility_many`,
`decide_many`, `activate_many` and the rest: the rules of the single forms, for hundreds at once).
The log-ins are found by role, so the partner agency's "coordinator-so" and "steering-so"
(web/demo.py) play those parts for its team; it has no PSP or clinician log-in for interview
panels, so its volunteers are decided without one (the panel is advised, not required:
`panel_warnings`).

Deterministic like the rest of the demo: one `random.Random(seed)`, rows read in a fixed order.
Members and volunteers get accounts `psp-<employee number>` without a usable password.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from peerline.accounts.models import Membership, Role, User
from peerline.agencies.models import Agency, Employee, JobFamily

from . import services
from .defaults import agreement_create_default
from .models import (
    CONSIDERATIONS,
    Application,
    ConfidentialityAgreement,
    DeselectionCriterion,
    ExperienceArea,
    InterviewScore,
    Language,
    LeaveReason,
    Outcome,
    PanelRole,
    PeerSupporter,
    RecommenderRelation,
    Recommends,
    Status,
)

EMPLOYEES_PER_ACTIVE_PSP = 28
MIN_ACTIVE, MAX_ACTIVE = 3, 250
EMPLOYEES_PER_VOLUNTEER = 50
MIN_VOLUNTEERS, MAX_VOLUNTEERS = 3, 200
UNSIGNED_V2 = (3, 8)  # members who have not yet signed version 2 of the agreement
# Ranks that never join the team here: command staff and managers (2011 §7.2, §7.4).
NOT_ON_THE_TEAM = ("Chief", "Deputy", "Commander", "Major", "Captain", "Manager", "Lieutenant")
# The stages a volunteer can be at, in order; volunteers are dealt to them round robin.
STAGES = ("volunteered", "eligible", "recommended", "interviewed", "selected", "signed")
STATEMENTS = (
    "After the shooting on the east side a peer sat with me for hours. I want to do that for "
    "someone else.",
    "I have worked nights in this unit for years and know how isolating it gets. I would like to "
    "be someone people on my shift can call.",
    "I went through a hard divorce and came out the other side with help. I am ready to give "
    "some of that back.",
    "I served two deployments before joining. Colleagues who are veterans sometimes find it "
    "easier to talk to another veteran.",
    "Dispatchers hear the worst calls and rarely hear how they end. I want our center to have "
    "someone who understands that.",
)


class _Candidate(NamedTuple):
    """An employee as the choice of the team reads them."""

    pk: int
    user_id: int | None
    rank: str
    hire_date: date | None
    separation_kind: str
    division_id: int


@dataclass(frozen=True)
class SeededTeam:
    active: int
    on_leave: int
    volunteers: int


def seed_team(
    *, agency: Agency, seed: int, today: date, username_prefix: str = "psp-"
) -> SeededTeam:
    """Build the demo team of `agency` (see the module docstring)."""
    rng = random.Random(seed)
    tz = ZoneInfo(agency.time_zone)
    logins = _logins(agency)
    coordinator = logins.coordinator
    v1 = agreement_create_default(agency=agency)
    v1.published_at = _at(today - timedelta(days=5 * 365), tz)
    v1.save(update_fields=["published_at"])
    # The roster as the choice needs it (tens of thousands of rows: no model instances); the
    # chosen are read whole below.
    employees = [
        _Candidate(*values)
        for values in Employee.objects.filter(
            agency=agency, good_standing=True, separated_on__isnull=True
        )
        .exclude(job_family=JobFamily.COMMAND)
        .order_by("employee_number")
        .values_list(*_Candidate._fields)
    ]
    peer = logins.peer
    peer_login = next((row for row in employees if peer and row.user_id == peer.pk), None)
    pool = [
        row
        for row in employees
        if row.user_id is None
        and not any(word in row.rank for word in NOT_ON_THE_TEAM)
        and row.hire_date is not None
        and (today - row.hire_date).days >= 2 * 365
    ]
    total = Employee.objects.filter(agency=agency).count()
    active_count = max(MIN_ACTIVE, min(MAX_ACTIVE, round(total / EMPLOYEES_PER_ACTIVE_PSP)))
    volunteer_count = max(
        MIN_VOLUNTEERS, min(MAX_VOLUNTEERS, round(total / EMPLOYEES_PER_VOLUNTEER))
    )

    # One member from each division first, so the team reaches every part of the agency.
    by_division: dict[int, list[_Candidate]] = {}
    for candidate in pool:
        if not candidate.separation_kind:
            by_division.setdefault(candidate.division_id, []).append(candidate)
    picked = [rng.choice(by_division[key]) for key in sorted(by_division)]
    # A first-line supervisor, marked on the team with the guidance of 2011 §7.4.
    with_reports = _with_reports(agency)
    supervisors = [row for row in pool if row.pk in with_reports and not row.separation_kind]
    picked += [
        row for row in rng.sample(supervisors, min(1, len(supervisors))) if row not in picked
    ]
    retiring = [row for row in pool if row.separation_kind == "retirement"]
    picked += rng.sample(retiring, min(2, len(retiring)))  # the forecast's drops (§3.8.3)
    taken = {row.pk for row in picked}
    rest = [row for row in pool if row.pk not in taken and not row.separation_kind]
    picked += rng.sample(rest, max(0, active_count - 1 + 6 - len(picked)))
    taken |= {row.pk for row in picked}
    rest = [row for row in rest if row.pk not in taken]
    picked_volunteers = rng.sample(rest, min(len(rest), volunteer_count))
    if peer_login is not None:
        picked.insert(0, peer_login)

    rows = Employee.objects.in_bulk([row.pk for row in picked + picked_volunteers])
    members = [rows[row.pk] for row in picked]
    volunteers = [rows[row.pk] for row in picked_volunteers]
    everyone = members + volunteers
    _give_accounts([row for row in everyone if row.user_id is None], username_prefix)
    # Each acts on their own log-in below: read once for all, as is their agency.
    accounts = get_user_model().objects.in_bulk([row.user_id for row in everyone])
    for row in everyone:
        row.agency, row.user = agency, accounts[row.user_id]

    # Members: the first are active, then two on leave, one inactive, one deselected, two alumni.
    fates = [Status.ACTIVE] * (len(members) - 6) + [
        Status.ON_LEAVE,
        Status.ON_LEAVE,
        Status.INACTIVE,
        Status.DESELECTED,
        Status.ALUMNI,
        Status.ALUMNI,
    ]
    first: list[services.Signing] = []  # version 1, before activation
    joining: list[tuple[PeerSupporter, date]] = []
    fates_due: list[tuple[int, str, date, str]] = []
    psps: list[PeerSupporter] = []
    drawn = []
    for n, (row, fate) in enumerate(zip(members, fates, strict=True)):
        joined = today - timedelta(days=rng.randrange(120, 6 * 365))
        applied = joined - timedelta(days=rng.randrange(45, 120))
        trained = joined - timedelta(days=rng.randrange(3, 20))
        card = _card(rng, row)
        statement = rng.choice(STATEMENTS)
        drawn.append((row, joined, applied, trained, card, statement))
        if fate != Status.ACTIVE:
            # Drawn here, in the members' order, so the draws are those of the loop.
            since = max(joined + timedelta(days=30), today - timedelta(days=rng.randrange(20, 300)))
            leave = rng.choice(list(LeaveReason)).value if fate == Status.ON_LEAVE else ""
            fates_due.append((n, fate, since, leave))
    # Every member went through selection (2011 §4.1, §4.2), by the services' rules.
    applications = _apply(
        [(row, statement, applied) for row, _, applied, _, _, statement in drawn], tz
    )
    _select(
        [
            (application, applied, joined - timedelta(days=21))
            for application, (_, joined, applied, _, _, _) in zip(applications, drawn, strict=True)
        ],
        logins,
        tz,
    )
    trainings = []
    for application, (row, joined, _, trained, card, _) in zip(applications, drawn, strict=True):
        psp = application.peer_supporter
        _card_set(psp, card)
        trainings.append(
            services.InitialTraining(peer_supporter=psp, on=trained, by=logins.coordinator)
        )
        psps.append(psp)
        joining.append((psp, joined))
        first.append(_signing(psp, v1, row, joined - timedelta(days=20), tz))
    services.record_initial_training_many(trainings=trainings)
    PeerSupporter.objects.bulk_update(psps, list(_CARD_FIELDS))
    services.sign_agreements(agreement=v1, signings=first)
    services.activate_many(
        activations=[
            services.Activation(peer_supporter=psp, by=logins.coordinator, on=joined)
            for psp, joined in joining
        ]
    )

    # Version 2, published two months ago: all but two active members have signed it (§6.8).
    v2 = services.publish_agreement(
        agency=agency,
        text=v1.text.replace(
            "I understand that",
            "I will not discuss supportive contacts on personal social media or messaging "
            "groups.\n\nI understand that",
        ),
        by=coordinator,
        now=_at(today - timedelta(days=60), tz),
    )
    again = v2.published_at.date()
    services.sign_agreements(
        agreement=v2,
        signings=[
            _signing(psp, v2, row, again + timedelta(days=n % 30 if fate == Status.ACTIVE else 0), tz)
            for n, (psp, row, fate) in enumerate(zip(psps, members, fates, strict=True))
            if fate == Status.ON_LEAVE or (fate == Status.ACTIVE and n not in UNSIGNED_V2)
        ],
    )  # fmt: skip
    for n, later_fate, since, leave in fates_due:
        _fate(psps[n], later_fate, n, since, leave, today, coordinator)

    later: list[services.Signing] = []  # volunteers selected and signed
    # Their applications first, in one batch; then each goes as far as its stage.
    drawn_v = []
    for n, row in enumerate(volunteers):
        stage = STAGES[n % len(STAGES)]
        applied = today - timedelta(days=rng.randrange(3, 25) + 10 * STAGES.index(stage))
        drawn_v.append((row, stage, applied, _card(rng, row)))
    applications = _apply(
        [(row, STATEMENTS[n % len(STATEMENTS)], applied)
         for n, (row, _, applied, _) in enumerate(drawn_v)], tz,
    )  # fmt: skip
    for application, (_, _, _, card) in zip(applications, drawn_v, strict=True):
        _card_set(application.peer_supporter, card)
    _volunteers(
        [(application, row, stage, applied)
         for application, (row, stage, applied, _) in zip(applications, drawn_v, strict=True)],
        rng, tz, logins, v2, later,
    )  # fmt: skip
    PeerSupporter.objects.bulk_update(
        [application.peer_supporter for application in applications], list(_CARD_FIELDS)
    )
    services.sign_agreements(agreement=v2, signings=later)

    return SeededTeam(
        active=sum(fate == Status.ACTIVE for fate in fates),
        on_leave=fates.count(Status.ON_LEAVE),
        volunteers=len(volunteers),
    )


def _with_reports(agency: Agency) -> set[int]:
    return set(
        Employee.objects.filter(agency=agency, supervisor__isnull=False).values_list(
            "supervisor_id", flat=True
        )
    )


def _at(day: date, tz: ZoneInfo, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz)


def _give_accounts(rows: list[Employee], prefix: str) -> None:
    users = get_user_model().objects
    users.bulk_create(
        [
            users.model(
                username=f"{prefix}{row.employee_number}",
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                password=make_password(None),
            )
            for row in rows
        ]
    )
    ids = dict(
        users.filter(username__in=[f"{prefix}{row.employee_number}" for row in rows]).values_list(
            "username", "pk"
        )
    )
    for row in rows:
        row.user_id = ids[f"{prefix}{row.employee_number}"]
    Employee.objects.bulk_update(rows, ["user"])


def _card(rng: random.Random, row: Employee) -> dict[str, object]:
    """What a PSP shows in the directory (2011 §3.6): self-disclosed, so often little."""
    languages = [Language.ENGLISH.value]
    if rng.random() < 0.3:
        languages.append(rng.choice([Language.SPANISH, Language.VIETNAMESE, Language.ASL,
                                     Language.TAGALOG, Language.KOREAN]).value)  # fmt: skip
    areas = rng.sample([area.value for area in ExperienceArea], rng.randint(0, 3))
    if row.job_family == JobFamily.TELECOMMUNICATIONS and ExperienceArea.DISPATCH not in areas:
        areas.append(ExperienceArea.DISPATCH.value)
    return {
        "languages": languages,
        "experience_areas": sorted(areas),
        "reach_phone": row.phone,
        "reach_email": row.email,
        "reach_note": rng.choice(
            ["", "Text first, I call back", "Evenings are best", "Any time, day or night"]
        ),  # fmt: skip
        "available": rng.random() >= 0.1,
    }


def _signing(
    psp: PeerSupporter, agreement: ConfidentialityAgreement, row: Employee, day: date, tz: ZoneInfo
) -> services.Signing:
    """The member's own signature, with their name as the roster has it (2011 §6.8)."""
    assert row.user is not None  # every member was given an account first
    return services.Signing(
        peer_supporter=psp,
        typed_name=row.full_name,
        by=row.user,
        now=_at(max(day, agreement.published_at.date()), tz, 15),
    )


def _fate(
    psp: PeerSupporter, fate: str, n: int, since: date, leave: str, today: date, by: User | None
) -> None:
    """The later history of a member who is not simply active, through the team's services."""
    if fate == Status.ON_LEAVE:
        # The first is due back within the week (the coordinator's reminder), the second later.
        services.leave_start(
            peer_supporter=psp,
            starts_on=today - timedelta(days=40 if n % 2 else 20),
            expected_return=today + timedelta(days=4 if n % 2 == 0 else 95),
            reason=leave,
            by=by,
        )
    elif fate == Status.INACTIVE:
        services.step_down(
            peer_supporter=psp,
            reason="Stepped down: new assignment leaves no time for the team",
            by=by,
            on=since,
        )
    elif fate == Status.DESELECTED:
        services.deselect(
            peer_supporter=psp,
            criterion=DeselectionCriterion.FAILURE_TO_ATTEND_TRAINING,
            reasons="No update training in three consecutive quarters despite two reminders "
            "(2011 §4.3, §8.2).",
            by=by,
            on=since,
        )
    else:
        services.retire_from_team(
            peer_supporter=psp,
            reason="Retired from the team after years of service",
            by=by,
            on=since,
        )


@dataclass(frozen=True)
class _Logins:
    """The agency's log-ins that act in selection, found by their role (2011 §4.1)."""

    coordinator: User | None
    recommenders: list[User]  # a superior first (steering), then a colleague (command)
    peer: User | None  # the demo "peer": a member, and a PSP seat on interview panels
    clinician: User | None  # the MHP seat on interview panels


def _logins(agency: Agency) -> _Logins:
    held: dict[str, list[User]] = {}
    for membership in (
        Membership.objects.filter(agency=agency, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    ):
        held.setdefault(membership.role, []).append(membership.user)

    def one(role: Role) -> User | None:
        return next(iter(held.get(role, [])), None)

    recommenders = [one(Role.STEERING_COMMITTEE), one(Role.COMMAND_STAFF)]
    return _Logins(
        coordinator=one(Role.COORDINATOR),
        recommenders=[user for user in recommenders if user is not None],
        peer=one(Role.PEER_SUPPORTER),
        clinician=one(Role.CLINICAL_ADVISOR),
    )


_CARD_FIELDS = (
    "languages",
    "experience_areas",
    "reach_phone",
    "reach_email",
    "reach_note",
    "available",
)


def _card_set(psp: PeerSupporter, card: dict[str, object]) -> None:
    """The directory card is the PSP's own to fill in (no rule to pass): kept on the row, and
    written for all in one update."""
    for name in _CARD_FIELDS:
        setattr(psp, name, card[name])


def _apply(rows: list[tuple[Employee, str, date]], tz: ZoneInfo) -> list[Application]:
    """Each employee volunteers on their own log-in (2011 §4.1), in one batch."""
    return services.volunteer_many(
        volunteerings=[
            services.Volunteering(employee=row, statement=statement, by=row.user,
                                  now=_at(applied, tz))
            for row, statement, applied in rows
        ]
    )  # fmt: skip


def _select(
    applications: list[tuple[Application, date, date]], logins: _Logins, tz: ZoneInfo
) -> None:
    """The members' selection, through the services' batch forms (the rules of each single
    one): eligible, recommended by a superior on their log-in, selected (2011 §4.1, §4.2). Each
    row is (application, applied, decided)."""
    coordinator = logins.coordinator
    services.check_eligibility_many(
        checks=[
            services.EligibilityCheck(application=application, eligible=True, note="",
                                      by=coordinator, now=_at(applied + timedelta(days=7), tz))
            for application, applied, _ in applications
        ]
    )  # fmt: skip
    if logins.recommenders:
        superior = logins.recommenders[0]
        asked = services.request_recommendations(
            requests=[
                services.RecommendationRequest(application=application, recommender=superior,
                                               relation=RecommenderRelation.SUPERIOR,
                                               by=coordinator)
                for application, _, _ in applications
            ]
        )  # fmt: skip
        services.answer_recommendations(
            answers=[
                services.RecommendationAnswer(
                    recommendation=recommendation, recommends=Recommends.STRONGLY,
                    comments="Calm under pressure; trusted by the shift.", by=superior,
                    now=_at(applied + timedelta(days=14), tz),
                )
                for recommendation, (_, applied, _) in zip(asked, applications, strict=True)
            ]
        )  # fmt: skip
    services.decide_many(
        decisions=[
            services.Deciding(
                application=application,
                outcome=Outcome.SELECTED,
                reasons="Strong recommendations and a consistent panel; ready after initial "
                "training.",
                by=coordinator,
                now=_at(decided, tz),
            )
            for application, _, decided in applications
        ]
    )


def _volunteers(
    volunteers: list[tuple[Application, Employee, str, date]],
    rng: random.Random,
    tz: ZoneInfo,
    logins: _Logins,
    v2: ConfidentialityAgreement,
    signatures: list[services.Signing],
) -> None:
    """Volunteers somewhere in selection (2011 §4.1, §4.2), each stage through the services.

    Each volunteer's steps are planned first, in their order, with the draws they take (so the
    same seed gives the same answers and scores); then each stage goes for all of them at once
    through the services' batch forms.
    """
    coordinator = logins.coordinator
    seats: list[tuple[User | None, str]] = [(logins.peer, PanelRole.PSP),
                                             (logins.clinician, PanelRole.MHP)]  # fmt: skip
    panel = [(user, role) for user, role in seats if user is not None]
    checks: list[services.EligibilityCheck] = []
    requests: list[services.RecommendationRequest] = []
    answers: dict[int, tuple[str, datetime]] = {}  # the request's place → the answer and when
    panels: list[tuple[Application, datetime]] = []
    sheets: list[tuple[Application, User, dict[str, int], datetime]] = []
    decisions: list[services.Deciding] = []
    for n, (application, row, stage, applied) in enumerate(volunteers):
        step = STAGES.index(stage)
        if step >= 1:
            checks.append(
                services.EligibilityCheck(application=application, eligible=True, note="",
                                          by=coordinator, now=_at(applied + timedelta(days=2), tz))
            )  # fmt: skip
        if step >= 2:
            for i, recommender in enumerate(logins.recommenders):
                requests.append(
                    services.RecommendationRequest(
                        application=application, recommender=recommender, by=coordinator,
                        relation=RecommenderRelation.SUPERIOR if i == 0
                        else RecommenderRelation.PEER,
                    )
                )  # fmt: skip
                if step >= 3 or i == 0:
                    recommends = rng.choice([Recommends.STRONGLY, Recommends.YES])
                    answers[len(requests) - 1] = (recommends, _at(applied + timedelta(days=6), tz))
        if step >= 3 and panel:
            panels.append((application, _at(applied + timedelta(days=12), tz, 14)))
            for member, role in panel:
                # The demo "peer" has a score sheet still to fill in for some interviews.
                if step >= 4 or role == PanelRole.MHP or n >= len(STAGES):
                    values = {name: rng.randint(3, 5) for name, _ in CONSIDERATIONS}
                    sheets.append((application, member, values,
                                   _at(applied + timedelta(days=12), tz, 16)))  # fmt: skip
        if step >= 4:
            decisions.append(
                services.Deciding(
                    application=application, outcome=Outcome.SELECTED, by=coordinator,
                    now=_at(applied + timedelta(days=16), tz),
                    reasons="Panel scores of 4 and above on every consideration; strong "
                    "references.",
                )
            )  # fmt: skip
        if step >= 5:
            signatures.append(
                _signing(application.peer_supporter, v2, row, applied + timedelta(days=18), tz)
            )
    services.check_eligibility_many(checks=checks)
    asked = services.request_recommendations(requests=requests)
    services.answer_recommendations(
        answers=[
            services.RecommendationAnswer(
                recommendation=asked[i], recommends=recommends, by=asked[i].recommender,
                comments="Calm under pressure; trusted by the shift.", now=now,
            )
            for i, (recommends, now) in answers.items()
        ]
    )  # fmt: skip
    interviews = services.set_panels(
        panels=[
            services.PanelSetting(application=application, members=panel, by=coordinator,
                                  location="Training room B", scheduled_for=scheduled_for)
            for application, scheduled_for in panels
        ]
    )  # fmt: skip
    sheet_of = {
        (score.interview.application_id, score.panelist_id): score
        for score in InterviewScore.objects.filter(
            interview__in=[interview for interview, _ in interviews]
        ).select_related("interview")
    }
    services.submit_scores(
        submissions=[
            services.ScoreSubmission(score=sheet_of[application.pk, member.pk], values=values,
                                     comments="", by=member, now=now)
            for application, member, values, now in sheets
        ]
    )  # fmt: skip
    services.decide_many(decisions=decisions)
