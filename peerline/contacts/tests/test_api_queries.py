"""What logging a contact over the API costs in SQL statements (issue 18: "contact logging is at
0.53–0.70 of its floor"). A count, not a time: the time is measured in `bench/`.

The floor is two statements (the token and the INSERT). The rules add what they need and no
more: the roles with their agencies (read with the token, in its query; the agency never looked
up again), the agency's
row lock that also says whether the month's quarter is closed (2011 §3.1: a closed report never
changes), and, under the test's outer transaction, the savepoint pair of the service's
`transaction.atomic`. The links (agency, PSP, exception) are not checked again by `full_clean`:
the service read each of them scoped to the agency, and the database checks them on INSERT.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerline.accounts.models import ApiToken, Role
from peerline.agencies import periods
from peerline.contacts.models import Contact
from peerline.governance.models import ConfidentialityException, ExceptionCategory
from peerline.stats.models import ClosedPeriod

from .test_api import payload

TOKEN_AND_ROLES = 1  # the live token with its user, their roles in every agency and the agencies
LOCK = 1  # the agency's row lock, with "is the month's quarter closed?"
SAVEPOINT = 2  # SAVEPOINT and RELEASE of the service's transaction (BEGIN/COMMIT outside tests)
INSERT = 1
BUDGET = TOKEN_AND_ROLES + LOCK + SAVEPOINT + INSERT  # 5; it was 10 + the savepoints


@pytest.fixture
def bearer(users):
    key = ApiToken.issue(users[Role.PEER_SUPPORTER], name="phone")
    # The token's "last used" is written at most once a minute: make this request not the first.
    ApiToken.objects.update(last_used_at=timezone.now())
    return {"Authorization": f"Bearer {key}"}


def _post(bearer, body):
    return Client().post("/api/v1/contacts", body, content_type="application/json", headers=bearer)


def test_a_contact_is_logged_in_five_statements_2011_6_7(bearer, agency, django_assert_num_queries):
    with django_assert_num_queries(BUDGET):
        response = _post(bearer, payload(agency))
    assert response.status_code == 201, response.content
    assert Contact.objects.get().period == periods.quarter_of(periods.local_today(agency))


def test_an_exception_chosen_costs_one_lookup_scoped_to_the_agency_2011_6_3(
    bearer, agency, other_agency, django_assert_num_queries
):
    own, theirs = (
        ConfidentialityException.objects.create(
            agency=a, category=ExceptionCategory.AGENCY_DEFINED, label="Test-only limit"
        )
        for a in (agency, other_agency)
    )
    with django_assert_num_queries(BUDGET + 1):
        response = _post(bearer, payload(agency, exception=own.pk))
    assert response.status_code == 201, response.content
    refused = _post(bearer, payload(agency, exception=theirs.pk))
    assert refused.status_code == 422
    assert Contact.objects.count() == 1


def test_the_lock_still_moves_a_closed_quarters_contact_to_the_open_one_2011_3_1(
    bearer, agency, django_assert_num_queries
):
    """The closed-period check rides on the lock's statement; the rule is unchanged."""
    today = periods.local_today(agency)
    last_quarter = (today.replace(day=1) - timedelta(days=93)).replace(day=1)
    ClosedPeriod.objects.create(
        agency=agency, period=periods.quarter_of(last_quarter), threshold=11, release_json=b"{}"
    )
    with django_assert_num_queries(BUDGET):
        response = _post(bearer, payload(agency, month=f"{last_quarter:%Y-%m}"))
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.month == last_quarter
    assert contact.period == periods.quarter_of(today)
