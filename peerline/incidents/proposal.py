"""The proposed team for a critical incident: who to page, who not and why (2011 §2.3.3, §3.3,
§3.8.2, §5.1, §7.2; 2006 Administration 3).

`propose` reads the agency's team in a handful of queries and decides in memory, so it stays well
under a second at 50,000 employees (see bench/incident_proposal.py). It never writes.

Eligible: the agency's *active* PSPs whose employee is still on the roster. Excluded, each with
its reason: anyone involved as a principal or a witness (too close to give the support; where the
agency's own state's statute excludes witnesses from its privilege, the reason cites it, and only
that statute); anyone in an involved person's own unit or in a unit
named on the incident (too close, §3.8.2); anyone above or below an involved person in the chain
of command (§7.2); anyone on leave (§4.4).

`PeerSupporter.available` (the directory's "taking contacts now" switch) does not exclude: an
incident page asks each person, who may decline. Within a shift those taking contacts are asked
first.

Ranking, never random: those who share the involved people's sworn/civilian category and job
family first, then spread across shifts (round robin, the least represented shift first), then
those taking contacts, then the fewest deployments in the last 90 days, then employee number.

Every PSP's exclusion is decided (each reason is shown), but the ranked order is built lazily
(`Ranking`): a page that sends 4 of 623 eligible PSPs builds those 4 candidates (and the next
ones only when someone declines), not 623.
"""

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count

from peerline.agencies import clock
from peerline.agencies.models import Agency, Category, JobFamily
from peerline.governance import editions, jurisdictions
from peerline.partners.selectors import mutual_aid_partners
from peerline.team.models import PeerSupporter, Status

from .clinicians import ClinicianChoice, clinicians_for
from .models import (
    Circle,
    CriticalIncident,
    Deployment,
    DeploymentStatus,
    IncidentType,
    Involvement,
)

# PSPs to send by incident type; the coordinator changes it per incident.
TEAM_SIZES: dict[str, int] = {
    IncidentType.OFFICER_INVOLVED_SHOOTING: 4,
    IncidentType.OFFICER_INJURED: 3,
    IncidentType.LINE_OF_DUTY_DEATH: 6,
    IncidentType.EMPLOYEE_SUICIDE: 6,
    IncidentType.MASS_CASUALTY: 8,
    IncidentType.CHILD_DEATH: 4,
    IncidentType.OTHER: 2,
}
LOAD_WINDOW = timedelta(days=90)

# 2006 Administration 3 only (the agency's edition decides): 2011 §3.3 has no such rule. Plain
# words: 2006's "outer circles" are people who were NOT on the scene, so on-scene witnesses are
# never called that.
OIS_NOTE = (
    "Officer-involved shooting: the confidential individual intervention with the officers "
    "involved is for a licensed mental health professional (2006 Administration 3). Peer "
    "supporters support the others: witnesses on the scene, the units involved, colleagues who "
    "knew those involved, and families, and join group sessions with the clinician."
)
NO_CLINICIAN_NOTE = (
    "No licensed mental health professional is on call or active: add one on the clinical pages "
    "(2011 §5.1)."
)

# Reasons, in the order a person's reasons are listed.
INVOLVED = {
    Circle.PRINCIPAL: "involved as a principal",
    Circle.WITNESS: "a witness",
}


def privilege_reason(agency: Agency) -> str:
    """Why someone involved cannot support, citing only the agency's own state's statute."""
    entry = jurisdictions.for_state(agency.state)
    if entry.confirmed and any("witness" in p for p in entry.preconditions):
        return f": {entry.name} law ({entry.citation}) gives no privilege to a peer supporter who was a witness or a party"
    return ": too close to the incident to give the support"


ON_LEAVE = "on leave of absence (2011 §4.4)"
OFF_ROSTER = "no longer on the roster"
CHAIN_ABOVE = "supervises someone involved, in the chain of command (2011 §7.2)"
CHAIN_BELOW = "reports to someone involved, in the chain of command (2011 §7.2)"


@dataclass(frozen=True)
class Candidate:
    """A PSP proposed for the incident, of the agency or of a mutual-aid partner."""

    peer_supporter_id: int
    agency_code: str
    employee_number: str
    name: str
    category: str
    job_family: str
    division: str  # code
    division_name: str
    shift: str  # code, "" when the employee has no fixed shift
    shift_name: str
    why: str
    partner: bool = False

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def job_family_label(self) -> str:
        return JobFamily(self.job_family).label


@dataclass(frozen=True)
class Exclusion:
    employee_number: str
    name: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class PartnerOffer:
    """A partner agency that answers mutual-aid requests, and its ranked active PSPs."""

    agency: Agency
    candidates: Sequence[Candidate]


class Ranking(Sequence[Candidate]):
    """Every eligible PSP, best first; a candidate is built when it is first read, so taking the
    first few (the team, the next after a decline) costs a few, whatever the team's size."""

    def __init__(self, order: Iterator[Candidate], size: int) -> None:
        self._order = order
        self._built: list[Candidate] = []
        self._size = size

    def __len__(self) -> int:
        return self._size

    def _build_to(self, count: int) -> None:
        while len(self._built) < count:
            try:
                self._built.append(next(self._order))
            except StopIteration:
                return

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            self._build_to(self._size if step < 0 else stop)
            return self._built[index]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("ranking index out of range")
        self._build_to(index + 1)
        return self._built[index]

    def __iter__(self) -> Iterator[Candidate]:
        position = 0
        while True:
            self._build_to(position + 1)
            if position >= len(self._built):
                return
            yield self._built[position]
            position += 1

    def __repr__(self) -> str:
        return f"<Ranking of {self._size}, {len(self._built)} built>"


@dataclass
class Proposal:
    incident: CriticalIncident
    team_size: int
    ranked: Ranking  # every eligible PSP of the agency, best first, built as read
    excluded: list[Exclusion]
    clinicians: list[ClinicianChoice]
    partners: list[PartnerOffer] = field(default_factory=list)  # only when short
    notes: list[str] = field(default_factory=list)

    @property
    def own_team(self) -> list[Candidate]:
        return self.ranked[: self.team_size]

    @property
    def short_by(self) -> int:
        """How many PSPs the agency's own eligible team cannot provide."""
        return max(0, self.team_size - len(self.ranked))

    @property
    def partner_team(self) -> list[Candidate]:
        """Partner PSPs who would fill the shortfall, taken in turn from each partner."""
        picked: list[Candidate] = []
        queues = [list(offer.candidates) for offer in self.partners]
        while len(picked) < self.short_by and any(queues):
            for queue in queues:
                if queue and len(picked) < self.short_by:
                    picked.append(queue.pop(0))
        return picked

    @property
    def peer_supporters(self) -> list[Candidate]:
        return self.own_team + self.partner_team


@dataclass(frozen=True)
class _Involved:
    employee_id: int
    employee_number: str
    circle: str
    category: str
    job_family: str
    division_id: int
    chain_path: str


PSP_FIELDS = (
    "pk",
    "status",
    "available",
    "agency__code",
    "employee_id",
    "employee__employee_number",
    "employee__first_name",
    "employee__last_name",
    "employee__category",
    "employee__job_family",
    "employee__division_id",
    "employee__division__code",
    "employee__division__name",
    "employee__shift__code",
    "employee__shift__name",
    "employee__chain_path",
    "employee__separated_on",
)


def default_team_size(incident_type: str) -> int:
    return TEAM_SIZES.get(incident_type, TEAM_SIZES[IncidentType.OTHER])


def involved_of(incident: CriticalIncident) -> list[_Involved]:
    return [
        _Involved(*row)
        for row in Involvement.objects.filter(incident=incident).values_list(
            "employee_id",
            "employee__employee_number",
            "circle",
            "employee__category",
            "employee__job_family",
            "employee__division_id",
            "employee__chain_path",
        )
    ]


def propose(*, incident: CriticalIncident, now: datetime) -> Proposal:
    """The team to page for `incident` at `now` (see the module docstring)."""
    agency = incident.agency
    involved = involved_of(incident)
    by_employee = {person.employee_id: person for person in involved}
    close_units = {person.division_id for person in involved}
    close_units |= set(incident.units.values_list("pk", flat=True))
    unit_names = dict(agency.divisions.filter(pk__in=close_units).values_list("pk", "name"))

    rows = list(
        PeerSupporter.objects.filter(agency=agency, status__in=[Status.ACTIVE, Status.ON_LEAVE])
        .order_by("employee__employee_number")
        .values(*PSP_FIELDS)
    )
    eligible, excluded = [], []
    privilege = privilege_reason(agency)
    for row in rows:
        reasons = _reasons(row, by_employee, involved, close_units, unit_names, privilege)
        if reasons:
            excluded.append(Exclusion(row["employee__employee_number"], _name(row), tuple(reasons)))
        else:
            eligible.append(row)

    ranked = rank(eligible, involved, load=_recent_load(agency, now), why_extra=_ois_why(incident))
    proposal = Proposal(
        incident=incident,
        team_size=incident.team_size,
        ranked=ranked,
        excluded=excluded,
        clinicians=clinicians_for(incident=incident, now=now),
    )
    if shooting_rule_applies(incident):
        proposal.notes.append(OIS_NOTE)
    if not proposal.clinicians:
        proposal.notes.append(NO_CLINICIAN_NOTE)
    if proposal.short_by:
        today = clock.local_today(agency, now)
        proposal.partners = [
            PartnerOffer(partner, partner_candidates(partner=partner, involved=involved, now=now))
            for partner in mutual_aid_partners(agency, today)
        ]
    return proposal


def partner_candidates(*, partner: Agency, involved: list[_Involved], now: datetime) -> Ranking:
    """A partner agency's active PSPs, ranked the same way. The chain of command and the unit
    rules do not cross agencies: nobody involved works for the partner."""
    rows = list(
        PeerSupporter.objects.filter(
            agency=partner, status=Status.ACTIVE, employee__separated_on__isnull=True
        )
        .order_by("employee__employee_number")
        .values(*PSP_FIELDS)
    )
    why = f"{partner.name}, by mutual aid once their coordinator accepts (2011 §3.8.2)"
    return rank(rows, involved, load=_recent_load(partner, now), why_extra=why, partner=True)


def _name(row: dict) -> str:
    return f"{row['employee__first_name']} {row['employee__last_name']}"


def _reasons(
    row: dict,
    by_employee: dict[int, _Involved],
    involved: list[_Involved],
    close_units: set[int],
    unit_names: dict[int, str],
    privilege: str,
) -> list[str]:
    reasons = []
    me = by_employee.get(row["employee_id"])
    if me is not None:
        reasons.append(INVOLVED[Circle(me.circle)] + privilege)
    if row["employee__separated_on"] is not None:
        reasons.append(OFF_ROSTER)
    if row["status"] == Status.ON_LEAVE:
        reasons.append(ON_LEAVE)
    if me is None and row["employee__division_id"] in close_units:
        name = unit_names.get(row["employee__division_id"], row["employee__division__name"])
        reasons.append(f"works in {name}, a unit involved: too close (2011 §3.8.2)")
    path = row["employee__chain_path"]
    if path:
        # A prefix test on the materialised paths, as `chain.in_chain_of_command` does.
        others = [p for p in involved if p.employee_id != row["employee_id"] and p.chain_path]
        if any(p.chain_path.startswith(path) for p in others):
            reasons.append(CHAIN_ABOVE)
        if any(path.startswith(p.chain_path) for p in others):
            reasons.append(CHAIN_BELOW)
    return reasons


def _recent_load(agency: Agency, now: datetime) -> Counter[int]:
    """Deployments each PSP accepted in the last 90 days: the busiest are asked last."""
    return Counter(
        dict(
            Deployment.objects.filter(
                peer_supporter__agency=agency,
                status=DeploymentStatus.ACCEPTED,
                paged_at__gte=now - LOAD_WINDOW,
            )
            .values_list("peer_supporter_id")
            .annotate(n=Count("pk"))
            .values_list("peer_supporter_id", "n")
        )
    )


def shooting_rule_applies(incident: CriticalIncident) -> bool:
    """2006 Administration 3, for agencies that follow the 2006 edition only."""
    return (
        incident.type == IncidentType.OFFICER_INVOLVED_SHOOTING
        and editions.rules(incident.agency).shooting_rule
    )


def _ois_why(incident: CriticalIncident) -> str:
    if shooting_rule_applies(incident):
        return "supports the others: the officers involved see the licensed MHP first"
    return ""


def rank(
    rows: Iterable[dict],
    involved: list[_Involved],
    *,
    load: Counter[int],
    why_extra: str = "",
    partner: bool = False,
) -> Ranking:
    """Order PSP rows (see the module docstring) and say why each is suggested, lazily."""
    rows = list(rows)
    return Ranking(_order(rows, involved, load, why_extra, partner), len(rows))


def _order(
    rows: list[dict],
    involved: list[_Involved],
    load: Counter[int],
    why_extra: str,
    partner: bool,
) -> Iterator[Candidate]:
    categories = {person.category for person in involved}
    families = {person.job_family for person in involved}
    levels: dict[tuple[bool, bool], dict[str, list[dict]]] = {}
    for row in rows:
        level = (row["employee__category"] in categories, row["employee__job_family"] in families)
        shift = row["employee__shift__code"] or ""
        levels.setdefault(level, {}).setdefault(shift, []).append(row)
    picked: Counter[str] = Counter()
    for level in [(True, True), (True, False), (False, True), (False, False)]:
        buckets = levels.get(level, {})
        for bucket in buckets.values():
            bucket.sort(
                key=lambda r: (
                    not r["available"],
                    load[r["pk"]],
                    r["employee__employee_number"],
                )
            )
            bucket.reverse()  # pop() from the end takes the best first
        # Round robin over the shifts, the least represented so far first.
        heap = [(picked[shift], shift) for shift in buckets]
        heapq.heapify(heap)
        while heap:
            _, shift = heapq.heappop(heap)
            row = buckets[shift].pop()
            new_shift = picked[shift] == 0
            picked[shift] += 1
            if buckets[shift]:
                heapq.heappush(heap, (picked[shift], shift))
            yield _candidate(row, level, new_shift, load, why_extra, partner)


def _candidate(
    row: dict,
    level: tuple[bool, bool],
    new_shift: bool,
    load: Counter[int],
    why_extra: str,
    partner: bool,
) -> Candidate:
    category, family = row["employee__category"], row["employee__job_family"]
    why = []
    if level[0]:
        why.append(f"{Category(category).label.lower()} like those involved")
    if level[1]:
        why.append(f"{JobFamily(family).label.lower()} like those involved")
    shift_name = row["employee__shift__name"] or ""
    if new_shift:
        label = shift_name.lower()
        label = label if label.endswith("shift") else f"{label} shift"
        why.append(f"covers the {label}" if shift_name else "no fixed shift")
    if not row["available"]:
        why.append("not taking directory contacts now (asked anyway)")
    if load[row["pk"]]:
        why.append(f"{load[row['pk']]} deployment(s) in the last 90 days")
    if why_extra:
        why.append(why_extra)
    return Candidate(
        peer_supporter_id=row["pk"],
        agency_code=row["agency__code"],
        employee_number=row["employee__employee_number"],
        name=_name(row),
        category=category,
        job_family=family,
        division=row["employee__division__code"],
        division_name=row["employee__division__name"],
        shift=row["employee__shift__code"] or "",
        shift_name=shift_name,
        why="; ".join(why) or "eligible",
        partner=partner,
    )
