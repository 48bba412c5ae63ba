"""Find a peer behind the access link, a short page at a time like `/peers/` (issue 16.2, issue
18): the directory's own selector, the filters and the page number by POST only, never in a
URL; the agency's own PSPs, by name, never ranked (2011 §3.6)."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerline.agencies.models import Category, Employee, JobFamily
from peerline.directory.tests.helpers import make_psp, share_directory
from peerline.team.models import PeerSupporter
from peerline.testing import personas as p


def _team(agency, n: int, prefix: str = "K") -> list[PeerSupporter]:
    division = agency.divisions.get(code="PATROL")
    employees = Employee.objects.bulk_create(
        Employee(
            agency=agency,
            employee_number=f"{prefix}{i:04d}",
            first_name=f"Peer{i:04d}",
            last_name=f"{prefix}Member{i:04d}",
            category=Category.SWORN if i % 2 else Category.CIVILIAN,
            job_family=JobFamily.PATROL,
            division=division,
        )
        for i in range(n)
    )
    return [make_psp(employee) for employee in employees]


def _names(html: str) -> list[str]:
    return re.findall(r'<h2 class="usa-card__heading">([^<]+)</h2>', html)


def test_the_kiosk_lists_24_peers_a_page_and_the_page_number_travels_by_post(agency, access_code):
    _team(agency, 30)
    url = reverse("support:peers", args=[access_code])
    client = Client()
    first = client.get(url).content.decode()
    names = _names(first)
    # By last name: the first 24 of 30, the same for everyone (no ranking, 2011 §3.6).
    assert names == [f"Peer{i:04d} KMember{i:04d}" for i in range(24)]
    assert "30 peer supporters; showing 1 to 24" in first
    assert 'name="page" value="2"' in first and "Page 1 of 2" in first
    second = client.post(url, {"page": "2"})
    assert second.status_code == 200
    assert _names(second.content.decode()) == [f"Peer{i:04d} KMember{i:04d}" for i in range(24, 30)]
    # Every link and form on the page goes to the bare URL: no page number or filter in it.
    assert not re.search(r'(href|action)="[^"]*\?', second.content.decode())


def test_the_kiosk_filters_by_post_with_the_directorys_form(agency, access_code):
    _team(agency, 6)
    url = reverse("support:peers", args=[access_code])
    html = Client().post(url, {"category": Category.CIVILIAN}).content.decode()
    assert _names(html) == [f"Peer{i:04d} KMember{i:04d}" for i in (0, 2, 4)]
    assert "3 peer supporters match your filters" in html
    bad = Client().post(url, {"job_family": "astronaut"})
    assert bad.status_code == 200 and _names(bad.content.decode()) == []
    assert "astronaut" not in bad.content.decode()  # what was sent is never echoed


def test_a_partners_psps_are_not_behind_this_agencys_door(agency, other_agency, access_code):
    share_directory(other_agency, agency)
    make_psp(p.make_employee(other_agency, "9001", last_name="Partnerpsp"))
    _team(agency, 2)
    html = Client().get(reverse("support:peers", args=[access_code])).content.decode()
    assert len(_names(html)) == 2 and "Partnerpsp" not in html


def test_the_kiosk_peers_page_reads_the_same_queries_for_30_or_90_psps(agency, access_code):
    # Both sizes have a page 2: a page past the last costs one more query (the count, then the
    # last page) whatever the size, so the sizes compare the same path.
    url = reverse("support:peers", args=[access_code])

    def count(method: str) -> int:
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, {"page": "2"} if method == "post" else {})
        assert response.status_code == 200
        return len(queries)

    _team(agency, 30, prefix="A")
    small = count("get"), count("post")
    _team(agency, 60, prefix="B")
    assert (count("get"), count("post")) == small


def test_the_kiosk_reads_its_filters_from_the_agencys_own_lists(agency, other_agency, access_code):
    """The directory's reader with the agency's own lists: a partner's division, shift or
    agency is not one of the answers listed at this door (2011 §3.8.2), its own are."""
    share_directory(other_agency, agency)
    _team(agency, 4)
    url = reverse("support:peers", args=[access_code])
    client = Client()
    for refused in (
        {"division": other_agency.divisions.first().pk},
        {"shift": other_agency.shifts.first().pk},
        {"agency": other_agency.pk},
    ):
        html = client.post(url, refused).content.decode()
        assert "Nothing shown: a filter was not one of the answers listed." in html, refused
        assert _names(html) == [] and other_agency.name not in html
    ours = {"division": agency.divisions.get(code="PATROL").pk, "agency": agency.pk}
    html = client.post(url, ours).content.decode()
    assert len(_names(html)) == 4 and "4 peer supporters match your filters" in html
    with CaptureQueriesContext(connection) as queries:
        client.post(url, ours)
    assert not any("partners_partneragreement" in q["sql"] for q in queries.captured_queries)
