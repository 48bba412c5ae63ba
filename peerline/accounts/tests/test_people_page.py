"""The people page at scale (issue 18): 50 accounts a page in name order, the filter kept from
page to page, and the counts of one aggregate equal to counting the accounts one by one."""

import re

from django.utils import timezone

from peerline.accounts.models import Disabled, Membership, Role, User
from peerline.agencies.models import Agency
from peerline.testing import personas as p

ROW = re.compile(r'<tr data-user="([^"]+)">')


def _accounts(agency: Agency) -> list[User]:
    """120 accounts; every third signed in, every fifth without an e-mail, one disabled as
    separated, one with two roles (it must still be one row)."""
    made = []
    for i in range(120):
        user = p.make_user(f"zz{i:03}", agency, Role.EMPLOYEE)
        user.last_name, user.first_name = f"Zz{119 - i:03}", "Test"  # names run against pks
        user.email = "" if i % 5 == 0 else f"zz{i}@agency.example"
        if i % 3 == 0:
            user.is_active, user.last_login = True, timezone.now()
        user.save()
        made.append(user)
    made[7].disabled_reason = Disabled.SEPARATED
    made[7].save()
    Membership.objects.create(user=made[8], agency=agency, role=Role.PEER_SUPPORTER)
    return made


def _walk(client, params: dict[str, str]) -> tuple[list[str], list[str]]:
    """Every page of the list, following the next links: the rows and the links followed."""
    rows, links, url = [], [], "/accounts/people/"
    while True:
        html = client.get(url, params).content.decode()
        rows += [name for name in ROW.findall(html) if name.startswith("zz")]  # not personas
        found = re.search(r'href="\?([^"]+)"[^>]*aria-label="Next page"', html)
        if not found:
            return rows, links
        links.append(found.group(1).replace("&amp;", "&"))
        url, params = "/accounts/people/?" + links[-1], {}


def test_waiting_accounts_are_paged_50_at_a_time_in_name_order_keeping_the_filter(
    agency, client_for
):
    made = _accounts(agency)
    client = client_for(Role.COORDINATOR)
    first = client.get("/accounts/people/", {"state": "waiting"}).content.decode()
    assert len(ROW.findall(first)) == 50
    rows, links = _walk(client, {"state": "waiting"})
    # Waiting: never signed in (or disabled for inactivity), and not separated.
    waiting = [u for u in made if u.last_login is None and u.disabled_reason != "separated"]
    expected = [u.username for u in sorted(waiting, key=lambda u: u.last_name)]
    assert rows == expected  # each once, by name, the two-role account included once
    assert len(links) == 1 and "state=waiting" in links[0] and "page=2" in links[0]


def test_everyone_spans_three_pages_and_the_counts_match_the_accounts(agency, client_for):
    made = _accounts(agency)
    client = client_for(Role.COORDINATOR)
    rows, links = _walk(client, {})
    assert rows == [u.username for u in sorted(made, key=lambda u: u.last_name)]
    assert len(links) == 2 and all("state" not in link for link in links)
    html = client.get("/accounts/people/").content.decode()
    mine = {m.user for m in Membership.objects.filter(agency=agency).select_related("user")}
    signed_in = sum(1 for u in mine if u.last_login is not None and u.is_active)
    waiting = sum(1 for u in mine if u.last_login is None and u.disabled_reason != "separated")
    invitable = sum(
        1 for u in mine if u.last_login is None and u.disabled_reason != "separated" and u.email
    )
    disabled = sum(1 for u in mine if not u.is_active and u.disabled_reason)
    assert f"{signed_in} signed in, {waiting} not yet, {disabled} disabled." in html
    assert f"Invite everyone not signed in yet ({invitable})" in html
