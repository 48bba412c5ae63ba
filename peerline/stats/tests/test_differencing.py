"""The coordinator sees utilisation, not people (2011 §3.9, §7.2).

The issue's attack: download the coordinator's page or CSV before and after one contact and
read off that contact's referral, exception and role-conflict flag next to the PSP who logged it.
Here one contact is logged with every sensitive answer, or with none, from the same state: the
coordinator's page and CSV afterwards are the same either way, and differ from before only by
"one more contact by this PSP this month".
"""

import csv
import io
import re

import pytest

from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.contacts import services as contact_services
from peerline.contacts.models import Contact
from peerline.stats import program, releases
from peerline.testing import personas as p

from .test_releases import add_contacts, previous_quarter

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|csrf[^"]*"[^"]*"')


def answers(month: str, *, sensitive: bool, agency) -> dict:
    exception = agency.confidentiality_exceptions.first()
    return {
        "month": month,
        "activity": "death_notification" if sensitive else "general_stress",
        "recipient_group": "civilian" if sensitive else "sworn",
        "mode": "video" if sensitive else "phone",
        "initiated_by": "supervisor" if sensitive else "self",
        "duration": "gt2h" if sensitive else "15-30",
        "referrals": ["mental_health", "substance"] if sensitive else [],
        "limits_explained": not sensitive,
        "exception": exception.pk if sensitive else None,
        "role_conflict": sensitive,
        "prior_contacts": "4+" if sensitive else "first",
    }


def snapshot(client, period: str) -> tuple[bytes, list[list[str]]]:
    page = client.get("/stats/program/", {"period": period})
    assert page.status_code == 200
    body = TOKEN.sub(b"", page.content)
    table = list(
        csv.reader(
            io.StringIO(client.get("/stats/program.csv", {"period": period}).content.decode())
        )
    )
    return body, table


@pytest.fixture
def psp(agency, chain):
    return p.make_user("psp-3001", agency, Role.PEER_SUPPORTER, employee=chain.officer)


def test_one_contact_tells_the_coordinator_only_one_more_contact_by_this_psp_2011_7_2(
    agency, users, psp, client_for
):
    today = clock.local_today(agency)
    period, month = periods.quarter_of(today), f"{today:%Y-%m}"
    for answers_of in (True, False):  # a background of both kinds
        contact_services.contact_log(
            agency=agency,
            peer_supporter=users[Role.PEER_SUPPORTER],
            data=answers(month, sensitive=answers_of, agency=agency),
        )
    coordinator = client_for(Role.COORDINATOR)
    before_page, before_csv = snapshot(coordinator, period)

    after = {}
    for sensitive in (True, False):
        contact = contact_services.contact_log(
            agency=agency,
            peer_supporter=psp,
            data=answers(month, sensitive=sensitive, agency=agency),
        )
        after[sensitive] = snapshot(coordinator, period)
        contact_services.contact_delete(contact=contact, by=psp)
    assert snapshot(coordinator, period) == (before_page, before_csv)

    # Whatever the contact was, the coordinator sees the same.
    assert after[True] == after[False]
    # And it differs from before by one contact: in total, in this month, for this PSP.
    _, csv_after = after[True]
    old = {tuple(row[:3]): row[3] for row in before_csv[1:]}
    new = {tuple(row[:3]): row[3] for row in csv_after[1:]}
    assert set(old) == set(new)
    changed = {key: (old[key], new[key]) for key in new if old[key] != new[key]}
    row = next(
        r
        for r in program.program_summary(agency=agency, period=period).per_peer_supporter.rows
        if r.value == str(psp.pk)
    )
    assert set(changed) == {
        ("totals", "measure", "contacts"),
        ("contacts_per_month", "month", month),
        ("contacts_per_peer_supporter", "peer_supporter", row.label),
    }
    for was, now in changed.values():
        assert int(now) == int(was) + 1


def test_a_closed_period_shows_its_answers_agency_wide_as_released_2011_3_1(
    agency, users, client_for
):
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 70, seed=5)
    releases.period_close(agency=agency, period=period, acting_user=None)
    response = client_for(Role.COORDINATOR).get("/stats/program/", {"period": period})
    html = response.content.decode()
    assert "Role conflicts flagged (2011 §7.2)" in html
    assert "suppressed<sup" in html and "&lt;11" not in html
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(Role.COORDINATOR)
                .get("/stats/program.csv", {"period": period})
                .content.decode()
            )
        )
    )
    released = [row for row in rows if row[0].startswith("released:")]
    assert released and any(row[3] == "suppressed*" for row in released)
    # The released counts are the frozen release's, not a live count.
    assert Contact.objects.filter(agency=agency, period=period).count() == 70
