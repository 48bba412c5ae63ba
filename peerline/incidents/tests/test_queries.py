"""The coordinator's incident pages during a surge (issue 18): the list and the live board cost
the same number of queries however many incidents, areas and people paged there are, and the
board asks for mutual-aid requests only when a partner was asked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.incidents import services
from peerline.incidents.models import IncidentArea
from peerline.partners.testing import accepted_agreement

from .helpers import clinician, incident, psp, staff


@pytest.fixture
def coord(client_for):
    return client_for(Role.COORDINATOR)


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_reads_every_incidents_area_with_it(coord, agency, chain):
    """One incident, then four more in four other areas: the same count, each area named."""
    incident(agency, principals=[chain.officer])
    url = reverse("incidents:list")
    one, _ = _queries(coord, url)
    for n in range(4):
        area = IncidentArea.objects.create(agency=agency, name=f"Sector {n}")
        later = incident(agency, principals=[chain.officer2])
        later.area = area
        later.save(update_fields=["area"])
    five, page = _queries(coord, url)
    assert five == one
    assert all(f"Sector {n}, East side, near the river" in page for n in range(4))


def test_the_board_costs_the_same_however_many_were_paged(coord, agency, chain):
    """A team of two paged, then a team of six on another incident: the same count."""
    clinician(agency, on_call_at=timezone.now())
    small_team = [psp(e) for e in staff(agency, 2)]
    small = incident(agency, principals=[chain.officer], team_size=len(small_team))
    services.activate(incident=small, by=None, now=timezone.now())
    few, _ = _queries(coord, reverse("incidents:board", args=[small.pk]))
    for employee in staff(agency, 4):
        psp(employee)
    large = incident(agency, principals=[chain.officer2], team_size=6)
    assert len(services.activate(incident=large, by=None, now=timezone.now())) > 3
    many, _ = _queries(coord, reverse("incidents:board", args=[large.pk]))
    assert many == few


def test_the_board_lists_the_partners_asked_for_aid_and_asks_for_none_when_none_was_2011_3_8_2(
    coord, agency, chain, other_agency
):
    """One eligible PSP for a team of three: the other agency is asked for two (their answer
    shows on the board). An incident our own team covers asks nobody: one query fewer."""
    psp(staff(agency, 1)[0])
    clinician(agency, on_call_at=timezone.now())
    covered = incident(agency, principals=[chain.officer], team_size=1)
    services.activate(incident=covered, by=None, now=timezone.now())
    alone, page = _queries(coord, reverse("incidents:board", args=[covered.pk]))
    assert 'id="mutual-aid-requests"' not in page
    accepted_agreement(other_agency, agency, starts_on=timezone.localdate() - timedelta(days=1))
    for employee in staff(other_agency, 3):
        psp(employee)
    short = incident(agency, principals=[chain.officer2], team_size=3)
    services.activate(incident=short, by=None, now=timezone.now())
    helped, page = _queries(coord, reverse("incidents:board", args=[short.pk]))
    assert 'id="mutual-aid-requests"' in page
    assert "Other County Sheriff: 2 asked · <strong>requested</strong>" in page
    assert helped == alone + 1
