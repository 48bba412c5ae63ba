"""The directory's chain-of-command exclusion for every demo employee (2011 §7.2).

"PSPs should not develop peer support relationships between supervisors or subordinates."
The demo agency of 600 is seeded, about 30 of its employees are made active PSPs (supervisors at
several levels and telecommunicators among them), and then for EVERY current employee the
directory is checked against the chain of command worked out independently, by walking the
`supervisor` links in Python rather than reading the materialised paths the directory uses.
"""

import random
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerline.agencies.models import Employee, JobFamily
from peerline.directory.selectors import directory_for
from peerline.partners.models import PartnerAgreement
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p
from peerline.web.demo import seed_demo

from .helpers import make_psp, share_directory

TODAY = date(2026, 6, 15)
ACTIVE_PSPS = 30


def _ancestors(pk: int, supervisor_of: dict[int, int | None]) -> set[int]:
    found: set[int] = set()
    above = supervisor_of[pk]
    while above is not None:
        assert above not in found, "the demo has no supervisor cycle"
        found.add(above)
        above = supervisor_of.get(above)
    return found


def _depths(supervisor_of: dict[int, int | None]) -> dict[int, int]:
    return {pk: len(_ancestors(pk, supervisor_of)) for pk in supervisor_of}


def _make_team(agency, rng: random.Random) -> None:
    """Top the demo's own team up to ACTIVE_PSPS active PSPs, reusing any it already has, with
    supervisors at every level and telecommunicators; and some that must never be listed."""
    roster = list(Employee.objects.current().filter(agency=agency).order_by("pk"))
    supervisor_of = {e.pk: e.supervisor_id for e in roster}
    depth = _depths(supervisor_of)
    has_reports = {e.supervisor_id for e in roster if e.supervisor_id}
    taken = set(PeerSupporter.objects.filter(agency=agency).values_list("employee_id", flat=True))
    free = [e for e in roster if e.pk not in taken]

    picks: list[Employee] = []
    # Two supervisors at every level of the chain that has any (the chief is level 0).
    for level in sorted({depth[e.pk] for e in free if e.pk in has_reports}):
        at_level = [e for e in free if e.pk in has_reports and depth[e.pk] == level]
        picks += rng.sample(at_level, min(2, len(at_level)))
    telecom = [e for e in free if e.job_family == JobFamily.TELECOMMUNICATIONS and e not in picks]
    picks += rng.sample(telecom, 4)
    active = PeerSupporter.objects.filter(agency=agency, status=Status.ACTIVE).count()
    rest = [e for e in free if e not in picks]
    picks += rng.sample(rest, max(0, ACTIVE_PSPS - active - len(picks)))
    for employee in picks:
        make_psp(employee)

    # Never listed: on leave, not taking contacts, a candidate, and one who left the agency.
    rest = [e for e in free if e not in picks]
    never = rng.sample(rest, 5)
    make_psp(never[0], status=Status.ON_LEAVE)
    make_psp(never[1], available=False)
    make_psp(never[2], status=Status.CANDIDATE)
    make_psp(never[3], status=Status.INACTIVE)
    make_psp(never[4])
    Employee.objects.filter(pk=never[4].pk).update(separated_on=TODAY - timedelta(days=10))


def test_the_directorys_chain_of_command_exclusion_for_every_demo_employee_2011_7_2(db):
    agency = seed_demo(employees=600, seed=1, today=TODAY).agency
    _make_team(agency, random.Random(1))
    # A partner sharing its directory: its PSPs are listed for everyone, whatever our chain
    # (and so are those of any partner the demo itself has).
    partner = p.make_agency(code="PARTNER", name="Partner County Sheriff")
    partner_chain = p.make_chain(partner)
    make_psp(partner_chain.chief), make_psp(partner_chain.officer)
    make_psp(partner_chain.sergeant, available=False)
    share_directory(partner, agency)
    givers = [
        a.agency_id if a.partner_id == agency.pk else a.partner_id
        for a in PartnerAgreement.objects.filter(status="accepted")
        if (a.partner_id == agency.pk and a.shares_directory)
        or (a.agency_id == agency.pk and a.partner_shares_directory)
        if a.starts_on <= TODAY and (a.ends_on is None or a.ends_on >= TODAY)
    ]
    partner_psps = {
        psp.pk
        for psp in PeerSupporter.objects.filter(agency_id__in=givers).select_related("employee")
        if psp.status == Status.ACTIVE and psp.available and psp.employee.separated_on is None
    }
    assert len(partner_psps) >= 2

    roster = list(Employee.objects.filter(agency=agency).order_by("pk"))
    supervisor_of = {e.pk: e.supervisor_id for e in roster}
    ancestors = {e.pk: _ancestors(e.pk, supervisor_of) for e in roster}
    psps = list(PeerSupporter.objects.filter(agency=agency).select_related("employee"))
    listable = {
        psp.pk: psp.employee_id
        for psp in psps
        if psp.status == Status.ACTIVE and psp.available and psp.employee.separated_on is None
    }
    # The team is as the test means it to be: about 30 to choose from, supervisors among them.
    assert len(listable) >= ACTIVE_PSPS
    supervisors = {e for e in listable.values() if e in set(supervisor_of.values())}
    assert len({len(ancestors[e]) for e in supervisors}) >= 3, "supervisors at several levels"
    telecommunicators = Employee.objects.filter(
        pk__in=listable.values(), job_family=JobFamily.TELECOMMUNICATIONS
    )
    assert telecommunicators.count() >= 4

    viewers = [e for e in roster if e.separated_on is None]
    assert len(viewers) >= 590
    excluded_somewhere = 0
    with CaptureQueriesContext(connection) as queries:
        for viewer in viewers:
            cards = directory_for(viewer=viewer, agency=agency, today=TODAY)
            shown = {card.pk for card in cards}
            in_chain = {
                psp
                for psp, employee in listable.items()
                if viewer.pk in ancestors[employee] or employee in ancestors[viewer.pk]
            }
            own = {psp for psp, employee in listable.items() if employee == viewer.pk}
            assert not shown & in_chain, f"a supervisor or subordinate of {viewer.pk} is listed"
            assert not shown & own, "the viewer is not listed"
            expected = (set(listable) - in_chain - own) | partner_psps
            assert shown == expected, f"viewer {viewer.pk}: every other PSP is listed"
            excluded_somewhere += bool(in_chain)
    assert len(queries) <= len(viewers), "one query per viewer"
    # The check bites: most employees have some PSP in their chain (the chief has them all).
    assert excluded_somewhere > len(viewers) // 2
