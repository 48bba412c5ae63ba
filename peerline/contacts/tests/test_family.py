"""Families and retirees in the program (issue 16 §3): a family's follow-ups after an
employee's injury or death as the PSP's own non-identifying reminders (2011 §2.3.1, §2.3.7)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from peerline.accounts.models import Role
from peerline.agencies import periods
from peerline.contacts import services
from peerline.contacts.models import FollowUpReminder


def _data(agency, **changes):
    data = {
        "month": f"{periods.local_today(agency):%Y-%m}",
        "activity": "family_of_injured",
        "recipient_group": "family",
        "mode": "in_person",
        "initiated_by": "outreach",
        "duration": "30-60",
        "referrals": [],
        "limits_explained": True,
        "exception": None,
        "role_conflict": False,
        "prior_contacts": "first",
        "follow_up_days": None,
    }
    data.update(changes)
    return data


def _monday(day):
    return day - timedelta(days=day.weekday())


def test_a_family_follow_up_plan_is_five_weeks_over_the_year_naming_nobody_2011_2_3_7(
    agency, users
):
    psp = users[Role.PEER_SUPPORTER]
    services.contact_log(
        agency=agency, peer_supporter=psp, data=_data(agency, family_follow_ups=True)
    )
    today = periods.local_today(agency)
    reminders = FollowUpReminder.objects.filter(peer_supporter=psp).order_by("due_week")
    assert [r.kind for r in reminders] == ["family"] * 5
    # a week, a month, three and six months, a year: Mondays of those weeks, written out here
    expected = [_monday(today + timedelta(days=d)) for d in (7, 30, 91, 182, 365)]
    assert [r.due_week for r in reminders] == expected
    # nothing ties a reminder to the contact or names anyone: its fields are these only
    fields = {f.name for f in FollowUpReminder._meta.get_fields()}
    assert fields == {"id", "agency", "peer_supporter", "due_week", "kind"}


def test_family_follow_ups_are_refused_for_a_contact_with_an_employee(agency, users):
    psp = users[Role.PEER_SUPPORTER]
    with pytest.raises(ValidationError) as refused:
        services.contact_log(
            agency=agency, peer_supporter=psp,
            data=_data(agency, recipient_group="sworn", family_follow_ups=True),
        )  # fmt: skip
    assert "family_follow_ups" in refused.value.message_dict
    assert not FollowUpReminder.objects.exists()


def test_the_psp_sees_a_family_follow_up_due_in_its_own_words(agency, users, client_for):
    psp = users[Role.PEER_SUPPORTER]
    FollowUpReminder.objects.create(
        agency=agency, peer_supporter=psp, kind="family",
        due_week=_monday(periods.local_today(agency)),
    )  # fmt: skip
    page = client_for(Role.PEER_SUPPORTER).get("/contacts/mine/").content.decode()
    assert "A family follow-up you set is due" in page


def test_the_form_offers_family_follow_ups_when_the_family_is_supported(client_for):
    page = client_for(Role.PEER_SUPPORTER).get("/contacts/log/").content.decode()
    assert 'data-reveal-for="recipient_group" data-reveal-values="family"' in page
    assert 'name="family_follow_ups"' in page
    assert 'id="family-card"' in page  # the card in a family's words, 2011 §6.2
