"""Consultations logged without identities (2011 §5.1, §5.2, §6.7) and their counts."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.agencies import clock
from peerline.clinical import services
from peerline.clinical.models import Consultation
from peerline.core import offlist

from .helpers import make_clinician

LOG = reverse("clinical:consultation-log")
REPORT = reverse("clinical:consultations")


def this_month(agency):
    return clock.local_today(agency).replace(day=1)


def answers(agency, **extra):
    return {
        "month": f"{this_month(agency):%Y-%m}",
        "reason": "critical_incident",
        "urgency": "same_day",
        "outcome": "advice",
        "clinician": "",
        **extra,
    }


def test_a_psp_logs_a_consultation_in_a_few_taps_2011_5_1(client_for, agency):
    ada = make_clinician(agency)
    response = client_for(Role.PEER_SUPPORTER).post(LOG, answers(agency, clinician=str(ada.pk)))
    assert response.status_code == 302
    saved = Consultation.objects.get()
    assert (saved.month, saved.reason, saved.urgency, saved.outcome, saved.clinician) == (
        this_month(agency),
        "critical_incident",
        "same_day",
        "advice",
        ada,
    )


def test_the_form_has_no_free_text_field_2011_6_7(client_for):
    html = client_for(Role.PEER_SUPPORTER).get(LOG).content.decode()
    assert "<textarea" not in html and 'type="text"' not in html
    assert 'method="post"' in html and "usa-radio__input--tile" in html


@pytest.mark.parametrize("field", ["name", "employee_number", "notes", "day"])
def test_an_unknown_field_is_refused_citing_2011_6_7_and_nothing_is_stored(
    client_for, agency, field
):
    response = client_for(Role.PEER_SUPPORTER).post(LOG, answers(agency, **{field: "x"}))
    assert response.status_code == 400
    assert "§6.7" in response.content.decode() and field in response.content.decode()
    assert not Consultation.objects.exists()


def test_an_unknown_field_in_the_query_string_is_refused_too(client_for, agency):
    response = client_for(Role.PEER_SUPPORTER).get(LOG + "?name=Smith")
    assert response.status_code == 400 and "Smith" not in response.content.decode()


def test_a_day_month_or_another_agencys_clinician_is_refused(agency, other_agency):
    with pytest.raises(ValidationError):
        services.consultation_log(agency=agency, data={**answers(agency), "month": "1999-01"})
    elsewhere = make_clinician(other_agency)
    with pytest.raises(ValidationError):
        services.consultation_log(
            agency=agency, data={**answers(agency), "clinician": elsewhere.pk}
        )
    with pytest.raises(offlist.OffListField, match="§6.7"):
        services.consultation_log(agency=agency, data={**answers(agency), "who": "x"})
    assert not Consultation.objects.exists()


def test_the_api_logs_a_consultation_and_refuses_unknown_fields_2011_6_7(client_for, agency):
    client = client_for(Role.CLINICAL_ADVISOR)
    body = {k: v for k, v in answers(agency).items() if k != "clinician"}
    created = client.post(
        "/api/v1/consultations", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["reason"] == "critical_incident"
    refused = client.post(
        "/api/v1/consultations",
        json.dumps({**body, "officer": "Smith"}),
        content_type="application/json",
    )
    assert refused.status_code == 422 and "§6.7" in refused.json()["detail"]
    assert Consultation.objects.count() == 1


def test_the_counts_are_by_month_reason_and_urgency_with_no_per_person_figure(client_for, agency):
    ada = make_clinician(agency, "Dr. Ada Unique")
    month = this_month(agency)
    for reason, urgency in [("suicide_risk", "immediate")] * 3 + [("substance", "routine")]:
        services.consultation_log(
            agency=agency,
            data={
                "month": month,
                "reason": reason,
                "urgency": urgency,
                "outcome": "referred",
                "clinician": ada,
            },
        )
    html = client_for(Role.COORDINATOR).get(REPORT).content.decode()
    assert 'id="consultations-total">4<' in html
    assert "Concern about suicide risk" in html and "Substance use" in html
    assert "Dr. Ada Unique" not in html  # no figure per clinician


def test_the_log_and_report_deny_other_roles(client_for):
    for role in (Role.EMPLOYEE, Role.COMMAND_STAFF, Role.STEERING_COMMITTEE):
        assert client_for(role).get(LOG).status_code == 403
    for role in (Role.EMPLOYEE, Role.PEER_SUPPORTER, Role.COMMAND_STAFF):
        assert client_for(role).get(REPORT).status_code == 403


def test_a_given_day_sets_the_months_offered_as_the_agencys_today_does(agency):
    """The demo seeds as of a day of its own: the same rule, counted from that day."""
    day = datetime.date(2026, 3, 1)
    data = {**answers(agency), "month": "2025-03", "clinician": None}  # 12 months before
    saved = services.consultation_log(agency=agency, data=data, today=day)
    assert saved.month == datetime.date(2025, 3, 1)
    for month in ("2025-02", "2026-04"):  # one too old, one to come
        with pytest.raises(ValidationError) as refused:
            services.consultation_log(agency=agency, data={**data, "month": month}, today=day)
        assert list(refused.value.message_dict) == ["month"]
    with pytest.raises(offlist.OffListField):
        services.consultation_log(agency=agency, data={**data, "psp": "Sgt. Ruiz"}, today=day)
    with pytest.raises(ValidationError):
        services.consultation_log(agency=agency, data={**data, "urgency": "whenever"}, today=day)
    assert Consultation.objects.count() == 1
