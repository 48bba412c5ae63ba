"""The demo agency's written program: its steering committee and decisions, the advisor's agreed
scope and meetings, an agency-defined limit, a published manual that most have acknowledged,
attested clauses and a short history of the self-assessment. Written through the services."""

import random
from datetime import UTC, date, datetime, time, timedelta

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency
from peerline.assessment import services as assessment
from peerline.assessment.models import Status
from peerline.committee import services
from peerline.committee.models import MeetingKind, Seat
from peerline.governance import services as limits
from peerline.manual import services as manual

SEATS = [
    ("Sgt. Dana Ortiz", Seat.SWORN, ""),
    ("Lt. Marcus Webb", Seat.SWORN, ""),
    ("Priya Nair, records supervisor", Seat.CIVILIAN, ""),
    ("Tom Becker, Police Protective Association", Seat.EMPLOYEE_ORGANIZATION, ""),
    ("Deputy Chief Alana Hale", Seat.ADMINISTRATION, ""),
    ("Dr. Ana Ruiz, PsyD", Seat.LICENSED_MHP, "CO"),
]
SCOPE = (
    "The clinical advisor meets the team monthly for case consultation without names, is the "
    "second line of the 24/7 on-call schedule, sits on selection interview panels, teaches two "
    "refresher sessions a year and reviews this manual each year. The advisor does not supervise "
    "individual peer supporters' employment and reports nothing about anyone supported."
)
ATTESTED = [
    ("1.1", Status.MET, "Chief's general order 4.12 establishes the program inside the agency."),
    ("3.1", Status.MET, "General order 4.12 grants departmental confidentiality; management "
     "receives only the released quarterly tables."),
    ("3.9", Status.PARTLY, "The coordinator has 8 hours a week for the program; meetings recorded "
     "from this year."),
    ("6.1", Status.MET, "Confidentiality policy adopted with the manual, version 1."),
    ("7.4", Status.NOT_MET, "The evaluation of supervisors as peer supporters is on next "
     "quarter's agenda."),
    ("3.7", Status.NOT_APPLICABLE, "No management support requested."),
]  # fmt: skip


def _user(agency: Agency, role: str):  # type: ignore[no-untyped-def]
    found = Membership.objects.filter(agency=agency, role=role).select_related("user").first()
    return found.user if found else None


def seed_program(*, agency: Agency, seed: int, today: date) -> None:
    rng = random.Random(seed)
    committee_user = _user(agency, Role.STEERING_COMMITTEE)
    coordinator = _user(agency, Role.COORDINATOR)
    advisor = _user(agency, Role.CLINICAL_ADVISOR)
    members = [
        services.member_add(
            agency=agency,
            by=coordinator,
            name=name,
            seat=seat,
            licence_state=state,
            since=today - timedelta(days=400),
            user=committee_user if i == 0 else None,
        )  # fmt: skip
        for i, (name, seat, state) in enumerate(SEATS)
    ]
    for days_ago, subject, text in [
        (300, "Guidelines followed", "The program follows the IACP 2011 edition."),
        (120, "Limits of confidentiality", "Add workers' compensation claims as a limit, "
         "required by agency policy; keep the list otherwise as short as the law allows."),
        (30, "Training plan", "Two refreshers next quarter: suicide assessment and grief."),
    ]:  # fmt: skip
        services.decision_record(agency=agency, by=committee_user,
                                 decided_on=today - timedelta(days=days_ago), subject=subject,
                                 decision=text)  # fmt: skip
    limits.limit_add(
        agency=agency, by=coordinator, label="Workers' compensation claim",
        procedure="Tell the person the claim itself goes to Human Resources; say nothing of the "
        "conversation. Tell the program coordinator that an exception was invoked.",
    )  # fmt: skip
    scope = services.scope_write(agency=agency, by=coordinator, text=SCOPE)
    services.scope_accept(scope=scope, by=coordinator, roles=frozenset({Role.COORDINATOR}))
    services.scope_accept(scope=scope, by=advisor, roles=frozenset({Role.CLINICAL_ADVISOR}))
    for month in range(1, 7):
        services.meeting_record(agency=agency, by=coordinator, kind=MeetingKind.CLINICAL_OVERSIGHT,
                                held_on=today - timedelta(days=30 * month),
                                attendance=rng.randint(8, 16))  # fmt: skip
    for quarter in range(1, 3):
        services.meeting_record(agency=agency, by=coordinator, kind=MeetingKind.TEAM,
                                held_on=today - timedelta(days=91 * quarter),
                                attendance=rng.randint(20, 35))  # fmt: skip
    manual.section_save(
        agency=agency, by=coordinator, title="Reaching the program",
        body="Find a peer supporter at /peers/. After hours, the on-call clinician is listed at "
        "/clinical/now/. Dispatch pages the coordinator for critical incidents.",
    )  # fmt: skip
    version = manual.draft(agency=agency, by=coordinator)
    manual.publish(version=version, by=committee_user, note="Approved at the committee meeting.")
    everyone = sorted(set(Membership.objects.filter(agency=agency).values_list("user", flat=True)))
    manual.acknowledge_many(
        version=version,
        user_ids=[pk for pk in everyone if rng.random() < 0.7 and pk != coordinator.pk],
    )
    for clause, status, evidence in ATTESTED:
        assessment.attest(agency=agency, by=committee_user, clause=clause, status=status,
                          member=members[0], attested_on=today - timedelta(days=14),
                          evidence=evidence)  # fmt: skip
    for weeks_ago in (8, 4, 0):
        moment = datetime.combine(today - timedelta(weeks=weeks_ago), time(12), tzinfo=UTC)
        assessment.snapshot(agency=agency, now=moment)
