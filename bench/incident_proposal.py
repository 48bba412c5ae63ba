"""Time the proposed team for a critical incident (and its activation) at 50,000 employees.

    .venv/bin/python bench/incident_proposal.py [--employees 50000] [--active 1200] [--runs 11]
                                                [--principals 2] [--witnesses 6]

The database is the one `bench/seed_demo.py` uses (SQLite in `var/bench/`, or a throw-away
database on the `DATABASE_URL` server). The demo agency is seeded, `--active` random employees
become active PSPs besides the demo's own team, and an officer-involved shooting is opened with
random sworn patrol principals and witnesses and one more unit, with a clinician on call. Then
`propose` runs `--runs` times (median, fastest, slowest, queries), and `activate` once, rolled
back (deployments, one outbox row per person, follow-ups, in one transaction).
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_demo import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--active", type=int, default=1_200)
    parser.add_argument("--principals", type=int, default=2)
    parser.add_argument("--witnesses", type=int, default=6)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    server = setup_django()

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from peerline.agencies.clock import local_today
    from peerline.agencies.models import Category, Employee, JobFamily
    from peerline.clinical.models import LicenceType, MentalHealthProfessional, OnCallShift
    from peerline.coverage.tests.builders import random_team
    from peerline.incidents import services
    from peerline.incidents.models import IncidentType
    from peerline.incidents.proposal import propose
    from peerline.web import demo

    where = connection.settings_dict["NAME"]
    try:
        started = time.perf_counter()
        agency = demo.seed_demo(employees=options.employees, seed=options.seed).agency
        today = local_today(agency)
        random_team(agency, today=today, active=options.active, candidates=0, seed=options.seed)
        now = timezone.now()
        mhp = MentalHealthProfessional.objects.create(
            agency=agency, name="Dr. Bench", email="bench@clinic.example",
            licence_type=LicenceType.PSYCHOLOGIST, licence_number="1", licence_state="CO",
            licence_expires=date(2040, 1, 1), role="clinical_advisor",
        )  # fmt: skip
        OnCallShift.objects.create(
            agency=agency, clinician=mhp, starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=11),
        )  # fmt: skip
        rng = random.Random(options.seed)
        patrol = list(
            Employee.objects.current()
            .filter(agency=agency, category=Category.SWORN, job_family=JobFamily.PATROL)
            .order_by("pk")
        )
        people = rng.sample(patrol, options.principals + options.witnesses)
        incident = services.incident_open(
            agency=agency,
            by=None,
            type=IncidentType.OFFICER_INVOLVED_SHOOTING,
            occurred_at=now - timedelta(minutes=10),
            place="Bench",
            area=agency.incident_areas.filter(active=True).first(),
            principals=people[: options.principals],
            witnesses=people[options.principals :],
            units=[agency.divisions.get(code="COMM")],
        )
        print(f"{connection.vendor} ({where})")
        print(
            f"seeded {options.employees:,} employees and {options.active:,} more active PSPs in "
            f"{time.perf_counter() - started:.1f} s; {options.principals} principals, "
            f"{options.witnesses} witnesses"
        )

        seconds, proposal = [], None
        for _ in range(options.runs):
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                proposal = propose(incident=incident, now=now)
                seconds.append(time.perf_counter() - begun)
        assert proposal is not None
        ms = sorted(s * 1000 for s in seconds)
        print(
            f"  {'propose':<10} median {statistics.median(ms):7.1f} ms  fastest {ms[0]:7.1f} ms  "
            f"slowest {ms[-1]:7.1f} ms  {len(queries.captured_queries)} queries"
        )
        print(
            f"  {len(proposal.ranked) + len(proposal.excluded):,} on the team (active or on "
            f"leave): {len(proposal.ranked):,} eligible, {len(proposal.excluded):,} excluded; "
            f"{len(proposal.clinicians)} clinician(s)"
        )
        reverse("home")  # load the URL conf first, as a running server has (the page links)
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                deployments = services.activate(incident=incident, by=None, now=now)
                took = (time.perf_counter() - begun) * 1000
            transaction.set_rollback(True)
        print(
            f"  {'activate':<10} {took:7.1f} ms  {len(queries.captured_queries)} queries, "
            f"{len(deployments)} deployments (rolled back)"
        )
    finally:
        if server:
            connection.creation.destroy_test_db(where, verbosity=0)


if __name__ == "__main__":
    main()
