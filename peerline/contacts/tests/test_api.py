import pytest

from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.contacts.models import Contact
from peerline.stats.models import ClosedPeriod


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
