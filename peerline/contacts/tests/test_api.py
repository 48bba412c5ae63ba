import pytest
from django.test import Client

from peerline.accounts.models import ApiToken, Membership, Role
from peerline.agencies import clock, periods
from peerline.contacts.models import Contact, FollowUpReminder
from peerline.stats.models import ClosedPeriod
from peerline.testing.personas import make_user


@pytest.fixture
def psp(client_for):
    return client_for(Role.PEER_SUPPORTER)


def payload(agency, **extra):
    month = clock.local_today(agency).replace(day=1)
    return {
        "month": f"{month:%Y-%m}",
        "activity": "post_critical_incident",
        "recipient_group": "sworn",
        "mode": "in_person",
        "initiated_by": "self",
        "duration": "30-60",
        "referrals": ["mental_health"],
        "limits_explained": True,
        "role_conflict": False,
        "prior_contacts": "first",
        **extra,
    }


def test_a_psp_logs_a_contact(psp, agency, users):
    response = psp.post("/api/v1/contacts", payload(agency), content_type="application/json")
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.peer_supporter == users[Role.PEER_SUPPORTER]
    assert contact.month.day == 1 and contact.referral_mental_health and not contact.referral_eap
    assert contact.period == periods.quarter_of(contact.month)


@pytest.mark.parametrize("field", ["name", "employee_number", "notes", "recipient", "day"])
def test_it_rejects_identifying_fields_2011_6_7(psp, agency, field):
    response = psp.post(
        "/api/v1/contacts", payload(agency, **{field: "Jane Doe"}), content_type="application/json"
    )
    assert response.status_code == 422
    message = response.json()["detail"]
    assert field in message and "2011 §6.7" in message
    assert "Jane Doe" not in message
    assert Contact.objects.count() == 0


def test_it_rejects_a_value_outside_the_fixed_lists(psp, agency):
    response = psp.post(
        "/api/v1/contacts",
        payload(agency, activity="Talked with J. Doe"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Contact.objects.count() == 0


def test_it_rejects_a_month_in_the_future_or_too_old(psp, agency):
    for month in ["2999-01", "2000-01", "not-a-month"]:
        response = psp.post(
            "/api/v1/contacts", payload(agency, month=month), content_type="application/json"
        )
        assert response.status_code == 422, month
    assert Contact.objects.count() == 0


def test_another_agencys_exception_is_refused(psp, agency, other_agency):
    foreign = other_agency.confidentiality_exceptions.first()
    response = psp.post(
        "/api/v1/contacts", payload(agency, exception=foreign.pk), content_type="application/json"
    )
    assert response.status_code == 422


def test_the_answer_carries_the_guidance_to_follow_2011_6_3_7_2_7_3(psp, agency):
    exception = agency.confidentiality_exceptions.get(category="threat_to_self")
    data = payload(agency, exception=exception.pk, role_conflict=True, prior_contacts="4+")
    answer = psp.post("/api/v1/contacts", data, content_type="application/json").json()
    assert answer["exception_procedure"] == exception.procedure
    assert answer["role_conflict_guidance"] is True
    assert answer["referral_prompt"] is True  # 4 or more meets the default threshold of 4


def test_a_late_entry_counts_in_the_open_period(psp, agency):
    """A closed quarter never changes: a contact logged late for it counts in today's."""
    today = clock.local_today(agency)
    last_month = (today.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
    ClosedPeriod.objects.create(
        agency=agency, period=periods.quarter_of(last_month), threshold=11, release_json=b"{}"
    )
    answer = psp.post(
        "/api/v1/contacts",
        payload(agency, month=f"{last_month:%Y-%m}"),
        content_type="application/json",
    ).json()
    if periods.quarter_of(last_month) != periods.quarter_of(today):
        assert answer["period"] == periods.quarter_of(today)
    assert Contact.objects.get().month == last_month


# -- agency isolation over the API (DESIGN principle 7: agencies are tenants) ------------------


@pytest.fixture
def bearer_post(users):
    """POST /api/v1/contacts with the bearer token of the agency's PSP (persona), as the phone
    app sends it."""
    key = ApiToken.issue(users[Role.PEER_SUPPORTER], name="phone")

    def post(body, **headers):
        return Client().post(
            "/api/v1/contacts",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", **headers},
        )

    return post


def nothing_written():
    return Contact.objects.count() == 0 and FollowUpReminder.objects.count() == 0


def test_a_psps_token_works_in_its_own_agency(bearer_post, agency, users):
    """The control of the refusals below: the same token and body are accepted as they are."""
    response = bearer_post(payload(agency, follow_up_days=7))
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert (contact.agency, contact.peer_supporter) == (agency, users[Role.PEER_SUPPORTER])


def test_a_psps_token_naming_an_agency_where_they_hold_no_role_is_refused(
    bearer_post, agency, other_agency
):
    response = bearer_post(payload(agency, follow_up_days=7), **{"X-Peerline-Agency": "OTHER"})
    assert response.status_code == 403
    assert nothing_written()


def test_a_psp_role_in_one_agency_logs_nothing_in_another_where_they_are_an_employee(
    bearer_post, agency, other_agency, users
):
    """Roles are per agency (2011 §3.8.2): being a PSP at TEST lends nothing at OTHER."""
    Membership.objects.create(
        user=users[Role.PEER_SUPPORTER], agency=other_agency, role=Role.EMPLOYEE
    )
    response = bearer_post(payload(other_agency), **{"X-Peerline-Agency": "OTHER"})
    assert response.status_code == 403
    assert nothing_written()


@pytest.mark.parametrize(
    "field",
    ["agency", "agency_id", "peer_supporter", "peer_supporter_id", "division", "division_id"],
)
def test_another_agencys_ids_in_a_psps_post_are_refused_and_write_nothing(
    bearer_post, agency, other_agency, field
):
    """Who logs and where come from the token and its agency, never from the body: an id of
    another agency's PSP, division or the agency itself is refused by name (2011 §6.7)."""
    theirs = {
        "agency": lambda: other_agency.pk,
        "peer_supporter": lambda: make_user("their-psp", other_agency, Role.PEER_SUPPORTER).pk,
        "division": lambda: other_agency.divisions.get(code="PATROL").pk,
    }[field.removesuffix("_id")]()
    response = bearer_post({**payload(agency, follow_up_days=7), field: theirs})
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert nothing_written()


def test_another_agencys_exception_in_a_psps_post_is_refused_and_writes_nothing(
    bearer_post, agency, other_agency
):
    foreign = other_agency.confidentiality_exceptions.first()
    response = bearer_post(payload(agency, exception=foreign.pk, follow_up_days=7))
    assert response.status_code == 422
    assert nothing_written()
