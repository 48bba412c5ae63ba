"""Who was involved is erased `incident_retention_days` after an incident closes; the counts
stay (confidentiality, 2011 §6.7: nothing kept longer than needed)."""

from datetime import timedelta

from peerline.incidents import services
from peerline.incidents.models import Involvement

from .helpers import T0, incident, psp, staff


def test_erase_keeps_the_counts_after_the_retention_window(agency, chain):
    agency.incident_retention_days = 30
    agency.save()
    psp(staff(agency, 1)[0])
    inc = incident(agency, principals=[chain.officer], witnesses=[chain.officer2, chain.sergeant])
    services.activate(incident=inc, by=None, now=T0)
    services.close(incident=inc, by=None, now=T0 + timedelta(days=2))
    assert services.erase_expired(T0 + timedelta(days=31, hours=23)) == 0
    assert Involvement.objects.filter(incident=inc).count() == 3
    assert services.erase_expired(T0 + timedelta(days=32)) == 1
    inc.refresh_from_db()
    assert not Involvement.objects.filter(incident=inc).exists()
    assert inc.erased_at is not None and inc.erased_at.day == 1  # coarsened to the month
    assert (inc.principals_count, inc.witnesses_count) == (1, 2)
    # Who responded becomes counts by role.
    assert not inc.deployments.exists()
    assert [(t.role, t.paged, t.accepted) for t in inc.tallies.all()] == [("peer_support", 1, 0)]
    assert services.erase_expired(T0 + timedelta(days=40)) == 0  # once


def test_open_incidents_are_never_erased(agency, chain):
    inc = incident(agency, principals=[chain.officer])
    assert services.erase_expired(T0 + timedelta(days=400)) == 0
    assert Involvement.objects.filter(incident=inc).count() == 1


def test_the_worker_runs_escalation_and_erasure():
    from peerline.core.jobs import JOBS
    from peerline.incidents.apps import escalation_tick, retention_tick

    assert JOBS["incidents.escalation"].run is escalation_tick
    assert JOBS["incidents.retention"].run is retention_tick
