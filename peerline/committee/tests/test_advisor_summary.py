"""The clinical advisor's oversight summary (2011 §3.4, §5.1; 2006 Administration 4): counts for
the agency as a whole, never a person supported, never one PSP's figures; only the advisor and
the coordinator, each in their own agency."""

from datetime import UTC, date, datetime, time

import pytest

from peerline.accounts.models import Role
from peerline.agencies.clock import local_today
from peerline.clinical.models import Consultation
from peerline.contacts.models import Contact

URL = "/committee/oversight/summary/"


def last_quarter(agency):
    today = local_today(agency)
    year, number = today.year, (today.month - 1) // 3 + 1
    year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return f"{year}-Q{number}", date(year, 3 * number - 2, 1)


def contact(agency, psp, period, month, **fields):
    values = {
        "activity": "general_stress", "recipient_group": "sworn", "mode": "phone",
        "initiated_by": "self", "duration": "15-30", "limits_explained": True,
        "role_conflict": False, "prior_contacts": "first", **fields,
    }  # fmt: skip
    return Contact.objects.create(
        agency=agency, peer_supporter=psp, period=period, month=month, **values
    )


@pytest.fixture
def quarter(agency, users, other_agency):
    period, month = last_quarter(agency)
    psp = users[Role.PEER_SUPPORTER]
    contact(agency, psp, period, month)
    contact(agency, psp, period, month, activity="investigation_discipline", referral_eap=True)
    contact(agency, psp, period, month, activity="investigation_discipline", role_conflict=True,
            limits_explained=False, prior_contacts="4+")  # fmt: skip
    contact(agency, psp, "2001-Q1", date(2001, 1, 1))  # another quarter: not counted
    contact(other_agency, users["outsider"], period, month)  # another agency: not counted
    Consultation.objects.create(agency=agency, month=month, reason="suicide_risk",
                                urgency="immediate", outcome="referred")  # fmt: skip
    return period


@pytest.mark.parametrize("role", [Role.CLINICAL_ADVISOR, Role.COORDINATOR])
def test_the_advisor_sees_the_quarter_in_counts_2011_3_4(client_for, quarter, role):
    response = client_for(role).get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert f"in {quarter}, the last ended quarter" in page
    assert "3 contacts logged." in page
    assert (
        '<th scope="row">Support during investigation or discipline</th><td class="text-right">2</td>'
        in page
    )
    assert '<th scope="row">General stress</th><td class="text-right">1</td>' in page
    assert "Referrals made: Employee assistance program 1" in page
    assert "not explained at the outset: 1" in page
    assert "Role conflicts (a supervisor or subordinate supported): 1" in page
    assert "four or more times before: 1" in page
    assert "Consultations: Concern about suicide risk 1" in page
    assert "Outcomes: Referred to a clinician 1" in page
    assert "stretch with nobody on call" in page  # no clinician at all: 30 days uncovered


def test_the_summary_names_no_peer_supporter(client_for, users, quarter):
    page = client_for(Role.CLINICAL_ADVISOR).get(URL).content.decode()
    psp = users[Role.PEER_SUPPORTER]
    assert psp.username not in page


@pytest.mark.parametrize(
    "persona",
    [Role.EMPLOYEE, Role.PEER_SUPPORTER, Role.COMMAND_STAFF, Role.STEERING_COMMITTEE,
     Role.SYSTEM_ADMIN, "norole"],
)  # fmt: skip
def test_every_other_role_is_refused(client_for, quarter, persona):
    assert client_for(persona).get(URL).status_code == 403


def test_another_agencys_coordinator_sees_only_their_own(client_for, quarter):
    page = client_for("outsider").get(URL).content.decode()
    assert "1 contact logged." in page  # their own agency's one contact, not ours
    assert "investigation or discipline" not in page


def test_every_count_of_the_quarter_across_activities_2011_3_4_6_3_7_3(agency, users):
    """Counted in the database by activity type (issue 18): each figure is the whole quarter's,
    added up across the types, as counted by hand here."""
    from peerline.committee.selectors import Tally, advisor_summary
    from peerline.governance.models import ConfidentialityException

    period, month = last_quarter(agency)
    psp = users[Role.PEER_SUPPORTER]
    limit = ConfidentialityException.objects.create(
        agency=agency, category="threat_to_self", label="A limit for this test", procedure="Call."
    )
    contact(agency, psp, period, month, referral_eap=True, referral_chaplain=True,
            prior_contacts="4+")  # fmt: skip
    contact(agency, psp, period, month, exception=limit, limits_explained=False,
            referral_eap=True)  # fmt: skip
    contact(agency, psp, period, month, activity="grief", exception=limit, role_conflict=True,
            prior_contacts="4+", referral_mental_health=True)  # fmt: skip
    contact(agency, psp, period, month, activity="grief", limits_explained=False)
    contact(agency, psp, "2001-Q1", date(2001, 1, 1), exception=limit)  # another quarter
    for reason, outcome in [("substance", "advice"), ("substance", "referred"),
                            ("suicide_risk", "referred")]:  # fmt: skip
        Consultation.objects.create(agency=agency, month=month, reason=reason,
                                    urgency="routine", outcome=outcome)  # fmt: skip
    today = local_today(agency)
    found = advisor_summary(agency, today, datetime.combine(today, time(12), UTC))
    assert found.contacts == 4
    assert found.activities == [Tally("General stress", 2), Tally("Grief", 2)]
    assert found.referrals == [Tally("Licensed mental health professional", 1),
                               Tally("Employee assistance program", 2),
                               Tally("Chaplain", 1)]  # fmt: skip
    assert (found.limits_not_explained, found.exceptions_invoked) == (2, 2)
    assert (found.role_conflicts, found.repeat_contacts) == (1, 2)
    assert found.consultations == [Tally("Concern about suicide risk", 1),
                                   Tally("Substance use", 2)]  # fmt: skip
    assert found.outcomes == [Tally("Advice given", 1), Tally("Referred to a clinician", 2)]
