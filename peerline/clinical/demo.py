"""The demo agency's clinical support: three clinicians, a month of on-call shifts with two holes,
local referral resources and a year of consultations (2011 §3.4, §5.1, §8.3.24).

`seed_clinical` runs inside `seed_demo`'s transaction after the log-ins exist: the demo log-in
"clinician" (the clinical advisor role, no employee record) is linked to the first clinician.
One licence expires within 60 days, so the coordinator sees the warning. Every row goes through
`services` as the coordinator's pages write it (`clinician_save`, `shift_add`, `resource_save`,
`consultation_log`), so the demo passes the same checks; there are few enough rows (about 80
shifts and 70 consultations) that one at a time costs a fraction of a second. Deterministic: one
`random.Random(seed)`; dates from `today`.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency

from . import services
from .models import (
    ClinicalRole,
    ConsultationOutcome,
    ConsultationReason,
    LicenceType,
    MentalHealthProfessional,
    Resource,
    ResourceCategory,
    Urgency,
)
from .selectors import zone

DAY_STARTS, NIGHT_STARTS = 8, 20  # two 12-hour shifts a day, local time
PAST_DAYS, FUTURE_DAYS = 7, 31
# The two holes the coordinator should find: (days from today, "day" or "night" shift).
HOLES = ((9, "night"), (19, "day"))
EXPIRING_IN_DAYS = 45  # within the 60-day warning, after the 30-day schedule
CONSULTATIONS_PER_MONTH = (3, 9)


@dataclass(frozen=True)
class _Clinician:
    name: str
    licence_type: str
    role: str
    phone: str
    licence_years: int | None  # None: the licence expiring within the warning window


CLINICIANS = [
    _Clinician("", LicenceType.PSYCHOLOGIST, ClinicalRole.CLINICAL_ADVISOR, "720-555-0141", 2),
    _Clinician("Dr. Miriam Okoro", LicenceType.LCSW, ClinicalRole.CONSULTANT, "720-555-0172", 1),
    _Clinician("Dr. Samuel Reyes", LicenceType.LPC, ClinicalRole.CONSULTANT, "303-555-0118", None),
]

LOCAL_RESOURCES = [
    {
        "category": ResourceCategory.EAP,
        "name": "City Employee Assistance Program",
        "description": "Free, confidential counselling sessions for employees and their "
        "household; six sessions a year per concern.",
        "hours": "Mon–Fri 7:00–19:00; after hours through the crisis line",
        "phone": "720-555-0100",
        "website": "https://eap.demo-city.example",
    },
    {
        "category": ResourceCategory.CHAPLAIN,
        "name": "Police chaplain corps",
        "description": "Volunteer chaplains of several faiths; ride-alongs, hospital visits "
        "and death notifications.",
        "hours": "24/7 through dispatch",
        "always_open": True,
        "phone": "720-555-0123",
    },
    {
        "category": ResourceCategory.AA_NA,
        "name": "First responders’ AA meeting",
        "description": "Closed Alcoholics Anonymous meeting for first responders.",
        "hours": "Thursdays 19:00",
        "address": "St. Luke’s parish hall, 1400 Grant St., room 2",
    },
    {
        "category": ResourceCategory.CHILD_CARE,
        "name": "Sunrise shift-work child care",
        "description": "Licensed child care open around shift changes; emergency places "
        "for employees called out.",
        "hours": "Daily 5:30–23:30",
        "phone": "720-555-0164",
    },
    {
        "category": ResourceCategory.LEGAL,
        "name": "Metro legal aid clinic",
        "description": "Free civil legal advice: family law, housing, debt.",
        "hours": "Tue and Thu 9:00–16:00",
        "phone": "303-555-0190",
        "website": "https://legalaid.demo-city.example",
    },
]


def seed_clinical(*, agency: Agency, seed: int, today: date) -> list[MentalHealthProfessional]:
    """Clinicians, shifts, local resources and consultations for `agency`; returns the
    clinicians, the demo "clinician" log-in's first."""
    rng = random.Random(seed)
    advisor = (
        Membership.objects.filter(
            agency=agency, role=Role.CLINICAL_ADVISOR, user__username="clinician"
        )
        .select_related("user")
        .first()
    )
    clinicians = []
    for index, plan in enumerate(CLINICIANS):
        user = advisor.user if advisor and index == 0 else None
        name = plan.name or (f"Dr. {user.get_full_name()}" if user else "Dr. Alex Morgan")
        expires = (
            today + timedelta(days=EXPIRING_IN_DAYS)
            if plan.licence_years is None
            else today.replace(month=12, day=31).replace(year=today.year + plan.licence_years)
        )
        clinician = MentalHealthProfessional(
            user=user,
            name=name,
            # Every clinician can be paged: the demo's addresses are at a reserved domain.
            email=(user.email if user else "") or _email(name),
            phone=plan.phone,
            licence_type=plan.licence_type,
            licence_number=f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}",
            licence_state=agency.state,
            licence_expires=expires,
            role=plan.role,
        )
        services.clinician_save(agency=agency, clinician=clinician)
        clinicians.append(clinician)
    _seed_shifts(agency, clinicians, today)
    for fields in LOCAL_RESOURCES:
        services.resource_save(agency=agency, resource=Resource(**fields))  # type: ignore[arg-type]
    _seed_consultations(agency, clinicians, today, rng)
    return clinicians


def _seed_shifts(agency: Agency, clinicians: list[MentalHealthProfessional], today: date) -> None:
    """Day and night shifts from a week ago to a month ahead, each clinician on for a week of
    days or nights in turn, with the two holes of `HOLES`."""
    tz = zone(agency)
    skipped = {(today + timedelta(days=offset), kind) for offset, kind in HOLES}
    for offset in range(-PAST_DAYS, FUTURE_DAYS):
        day = today + timedelta(days=offset)
        week = (day.toordinal() // 7) % len(clinicians)
        for kind, hour, who in (
            ("day", DAY_STARTS, week),
            ("night", NIGHT_STARTS, (week + 1) % len(clinicians)),
        ):
            if (day, kind) in skipped:
                continue
            starts = datetime.combine(day, time(hour), tzinfo=tz)
            ends = datetime.combine(
                day + timedelta(days=1) if kind == "night" else day,
                time(DAY_STARTS if kind == "night" else NIGHT_STARTS),
                tzinfo=tz,
            )
            services.shift_add(
                agency=agency, clinician=clinicians[who], starts_at=starts, ends_at=ends
            )


def _seed_consultations(
    agency: Agency, clinicians: list[MentalHealthProfessional], today: date, rng: random.Random
) -> None:
    """A year of consultations, most after critical incidents or beyond a PSP's training."""
    reasons = list(ConsultationReason)
    weights = [5, 3, 2, 4, 4, 2, 1, 1]
    year, month = today.year, today.month
    for _ in range(12):
        for _ in range(rng.randint(*CONSULTATIONS_PER_MONTH)):
            urgency = rng.choices(list(Urgency), [6, 3, 1])[0]
            # Drawn in the order they always were, so that the same seed gives the same year.
            data = {
                "clinician": rng.choice([*clinicians, None]),
                "month": date(year, month, 1),
                "reason": rng.choices(reasons, weights)[0],
                "urgency": urgency,
                "outcome": ConsultationOutcome.EMERGENCY
                if urgency == Urgency.IMMEDIATE and rng.random() < 0.3
                else rng.choice(
                    [
                        ConsultationOutcome.ADVICE,
                        ConsultationOutcome.ADVICE,
                        ConsultationOutcome.REFERRED,
                        ConsultationOutcome.FOLLOW_UP,
                    ]
                ),
            }
            services.consultation_log(agency=agency, data=data, today=today)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def _email(name: str) -> str:
    local = ".".join(part for part in name.replace("Dr.", "").lower().split() if part.isalpha())
    return f"{local}@clinic.example"
