"""The clauses software can measure, from live data (each tested against a hand-built agency).

Each measure answers a status and the evidence in one sentence. Counts only: no measure names a
person, and none reads a supportive contact.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count

from peerline.agencies import clock
from peerline.agencies.models import Agency, Employee
from peerline.clinical.selectors import holes
from peerline.committee.selectors import composition, current_scope, training_completion
from peerline.coverage.matrix import current_q, required_for
from peerline.manual import selectors as manual
from peerline.team.models import PeerSupporter
from peerline.team.models import Status as TeamStatus
from peerline.team.selectors import current_agreement, unsigned_current_query

from .models import Status


@dataclass(frozen=True)
class Measured:
    status: str
    evidence: str


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else "0 of 0"


def training(agency: Agency, now: datetime) -> Measured:
    """2011 §8.2 / 2006 Training 2: the share of PSPs with a requirement last quarter who
    completed their (pro-rated) hours."""
    quarter, required, done = training_completion(agency, clock.local_today(agency, now))
    evidence = f"{_share(done, required)} peer supporters completed their hours in {quarter}."
    if not required:
        return Measured(
            Status.NOT_MET, f"No peer supporter had a training requirement in {quarter}."
        )
    if done == required:
        return Measured(Status.MET, evidence)
    return Measured(Status.PARTLY if done else Status.NOT_MET, evidence)


def on_call(agency: Agency, now: datetime) -> Measured:
    """2011 §5.1 / 2006 Consultation 1: a clinician on call around the clock, the next 30 days."""
    found = holes(agency=agency, start=now, days=30)
    hours = sum(((end - start) for start, end in found), timedelta()).total_seconds() / 3600
    if not found:
        return Measured(Status.MET, "A clinician is on call every hour of the next 30 days.")
    evidence = f"{len(found)} stretch{'es' if len(found) != 1 else ''}, {hours:.0f} hours in all, with no clinician on call in the next 30 days."
    return Measured(Status.NOT_MET if hours >= 30 * 24 - 1 else Status.PARTLY, evidence)


def _cells(agency: Agency, on: date) -> list[tuple[int, int]]:
    """(headcount, active PSPs) of each shift × division × category cell with anyone in it on
    `on`: the coverage matrix's cells (`coverage.matrix`), counted by the keys alone: no names,
    no job family, so two narrow grouped queries whatever the roster's size (issue 18)."""
    keys = ("shift_id", "division_id", "category")
    headcount = {
        tuple(row[k] for k in keys): row["n"]
        for row in Employee.objects.filter(current_q(on), agency=agency)
        .values(*keys)
        .annotate(n=Count("id"))
        .order_by()
    }
    active = {
        tuple(row[f"employee__{k}"] for k in keys): row["n"]
        for row in PeerSupporter.objects.filter(
            current_q(on, "employee__"), agency=agency, status=TeamStatus.ACTIVE
        )
        .values(*(f"employee__{k}" for k in keys))
        .annotate(n=Count("id"))
        .order_by()
    }
    return [(n, active.get(key, 0)) for key, n in headcount.items() if n]


def coverage(agency: Agency, now: datetime) -> Measured:
    """2011 §3.8.1 / 2006 Administration 8.1: every shift × division × sworn/civilian cell at the
    agency's target of one active PSP per so many employees."""
    cells = _cells(agency, clock.local_today(agency, now))
    target = agency.employees_per_psp
    gaps = [max(0, required_for(headcount, target) - active) for headcount, active in cells]
    short = [gap for gap in gaps if gap > 0]
    evidence = (f"{len(short)} of {len(cells)} cells short of one peer supporter per "
                f"{target} employees; {sum(short)} missing.")  # fmt: skip
    if not short:
        return Measured(Status.MET, evidence)
    return Measured(Status.PARTLY if len(short) < len(cells) else Status.NOT_MET, evidence)


def agreement(agency: Agency, now: datetime) -> Measured:
    """2011 §6.8: the current confidentiality agreement signed by every member."""
    current = current_agreement(agency)
    if current is None:
        return Measured(Status.NOT_MET, "No confidentiality agreement is published.")
    unsigned = unsigned_current_query(agency, current=current).order_by().count()
    team = PeerSupporter.objects.filter(
        agency=agency, status__in=[TeamStatus.ACTIVE, TeamStatus.ON_LEAVE]
    ).count()
    evidence = f"{unsigned} member{'s' if unsigned != 1 else ''} yet to sign the current agreement ({team} on the team)."
    if not unsigned:
        return Measured(Status.MET, evidence)
    return Measured(Status.PARTLY if unsigned < team else Status.NOT_MET, evidence)


def manual_acknowledged(agency: Agency, now: datetime) -> Measured:
    """2011 §3.5 / 2006 Administration 5: a published manual everyone has acknowledged."""
    version = manual.published(agency)
    if version is None:
        return Measured(Status.NOT_MET, "No procedures manual is published.")
    rate = manual.overall_rate(version)
    evidence = f"Version {version.number}: {_share(rate.acknowledged, rate.asked)} people with a log-in acknowledged it."
    if rate.asked and rate.acknowledged == rate.asked:
        return Measured(Status.MET, evidence)
    return Measured(Status.PARTLY, evidence)


def committee_composition(agency: Agency, now: datetime) -> Measured:
    """2011 §3.2 / 2006 Administration 2: the committee's seats."""
    found = composition(agency, clock.local_today(agency, now))
    missing = [r.text.lower() for r in found.requirements if not r.met]
    evidence = f"{found.met_count} of {len(found.requirements)} requirements met" + (
        f"; missing: {', '.join(missing)}." if missing else "."
    )
    if found.met:
        return Measured(Status.MET, evidence)
    return Measured(Status.PARTLY if found.met_count else Status.NOT_MET, evidence)


def oversight(agency: Agency, now: datetime) -> Measured:
    """2011 §3.4 / 2006 Administration 4: the advisor's role and scope agreed by both sides."""
    scope = current_scope(agency)
    if scope is None:
        return Measured(Status.NOT_MET, "No role and scope of the clinical advisor is written.")
    if scope.agreed:
        return Measured(
            Status.MET, f"Version {scope.version} of the role and scope is agreed by both sides."
        )
    return Measured(
        Status.PARTLY, f"Version {scope.version} is written but not yet accepted by both sides."
    )


Measure = Callable[[Agency, datetime], Measured]
MEASURES: dict[str, dict[str, Measure]] = {
    "2011": {"8.2": training, "5.1": on_call, "3.8.1": coverage, "6.8": agreement,
             "3.5": manual_acknowledged, "3.2": committee_composition, "3.4": oversight},
    "2006": {"Training 2": training, "Consultation 1": on_call, "Administration 8.1": coverage,
             "Administration 5": manual_acknowledged, "Administration 2": committee_composition,
             "Administration 4": oversight},
}  # fmt: skip
