"""`contact_log_many`, the bulk path the demo seed uses: it refuses what `contact_log` refuses
and stores what `contact_log` stores (2011 §6.7), then writes every row at once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from peerline.accounts.models import Role
from peerline.contacts import services
from peerline.contacts.models import Contact, FollowUpReminder
from peerline.core import offlist
from peerline.stats.models import ClosedPeriod

TODAY = date(2026, 3, 18)  # a Wednesday; the months offered are 2025-03 to 2026-03


def answers(**changes):
    data = {
        "month": "2026-02",
        "activity": "general_stress",
        "recipient_group": "sworn",
        "mode": "phone",
        "initiated_by": "self",
        "duration": "15-30",
        "referrals": ["eap"],
        "limits_explained": True,
        "exception": None,
        "role_conflict": False,
        "prior_contacts": "first",
        "follow_up_days": None,
    }
    data.update(changes)
    return data


@pytest.fixture
def psp(agency, users):
    return users[Role.PEER_SUPPORTER]


def log_one(agency, psp, data):
    return services.contact_log(agency=agency, peer_supporter=psp, data=data, today=TODAY)


def log_many(agency, psp, *rows):
    return services.contact_log_many(
        agency=agency, rows=[(psp, data) for data in rows], today=TODAY
    )


# Each refusal: the data, the exception raised, and the field it names.
REFUSED = {
    "an off-list field": (answers(notes="Sgt. Jones, divorce"), offlist.OffListField, "notes"),
    "a day, not a month": (answers(month="2026-03-02"), ValidationError, "month"),
    "a month older than 12 before": (answers(month="2025-02"), ValidationError, "month"),
    "a month to come": (answers(month="2026-04"), ValidationError, "month"),
    "an activity off the list": (answers(activity="gossip"), ValidationError, "activity"),
    "an unknown referral": (answers(referrals=["lawyer"]), ValidationError, "referrals"),
    "a follow-up today": (answers(follow_up_days=0), ValidationError, "follow_up_days"),
    "a follow-up too far": (answers(follow_up_days=181), ValidationError, "follow_up_days"),
    "a family's follow-ups for an officer": (
        answers(recipient_group="sworn", family_follow_ups=True),
        ValidationError,
        "family_follow_ups",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_the_bulk_path_refuses_what_the_single_path_refuses_and_stores_nothing(agency, psp, case):
    data, error, field = REFUSED[case]
    with pytest.raises(error) as alone:
        log_one(agency, psp, data)
    # The bad row last, after two good ones with reminders: none of them is stored either.
    good = answers(follow_up_days=7, recipient_group="family", family_follow_ups=True)
    with pytest.raises(error) as in_bulk:
        log_many(agency, psp, good, good, data)
    assert str(in_bulk.value) == str(alone.value)
    if error is offlist.OffListField:
        assert in_bulk.value.names == [field]
    else:
        assert list(in_bulk.value.message_dict) == [field]
    assert "Contact 3 of the batch" in in_bulk.value.__notes__[0]
    assert not Contact.objects.exists()
    assert not FollowUpReminder.objects.exists()


def test_another_agencys_limit_of_confidentiality_is_refused_in_bulk(agency, psp, other_agency):
    theirs = other_agency.confidentiality_exceptions.first()
    assert theirs is not None
    with pytest.raises(ValidationError) as refused:
        log_many(agency, psp, answers(), answers(exception=theirs))
    assert list(refused.value.message_dict) == ["exception"]
    assert not Contact.objects.exists()


def test_a_closed_quarters_contact_counts_in_todays_quarter_in_bulk_2011_3_1(agency, psp):
    ClosedPeriod.objects.create(agency=agency, period="2025-Q4", threshold=11, release_json=b"{}")
    saved = log_many(
        agency,
        psp,
        answers(month="2025-12"),  # its quarter is closed: it counts in TODAY's, 2026-Q1
        answers(month="2025-09"),  # 2025-Q3 is not closed: it counts in its own
        answers(month="2025-03"),
    )
    assert [contact.period for contact in saved] == ["2026-Q1", "2025-Q3", "2025-Q1"]
    stored = Contact.objects.order_by("pk").values_list("month", "period")
    assert list(stored) == [
        (date(2025, 12, 1), "2026-Q1"),
        (date(2025, 9, 1), "2025-Q3"),
        (date(2025, 3, 1), "2025-Q1"),
    ]
    # The single path puts it in the same quarter.
    assert log_one(agency, psp, answers(month="2025-12")).period == "2026-Q1"


def test_the_reminders_are_the_weeks_the_single_path_gives(agency, psp):
    family = answers(recipient_group="family", activity="family_of_injured")
    log_many(agency, psp, answers(follow_up_days=7), {**family, "family_follow_ups": True})
    weeks = FollowUpReminder.objects.order_by("due_week", "kind").values_list("due_week", "kind")
    # Mondays of TODAY + 7 days (a follow-up), and of + 7, 30, 91, 182 and 365 (a family's).
    assert list(weeks) == [
        (date(2026, 3, 23), "family"),
        (date(2026, 3, 23), "follow_up"),
        (date(2026, 4, 13), "family"),
        (date(2026, 6, 15), "family"),
        (date(2026, 9, 14), "family"),
        (date(2027, 3, 15), "family"),
    ]
    in_bulk = sorted(weeks)
    FollowUpReminder.objects.all().delete()
    log_one(agency, psp, answers(follow_up_days=7))
    log_one(agency, psp, {**family, "family_follow_ups": True})
    assert sorted(weeks.all()) == in_bulk


def test_a_row_stored_in_bulk_is_the_row_stored_alone(agency, psp):
    exception = agency.confidentiality_exceptions.get(category="threat_to_self")
    data = answers(
        month="2025-11",
        activity="post_critical_incident",
        referrals=["mental_health", "chaplain"],
        exception=exception,
        role_conflict=True,
        prior_contacts="4+",
    )
    fields = [f.name for f in Contact._meta.fields if f.name != "id"]
    log_many(agency, psp, data)
    log_one(agency, psp, data)
    stored = Contact.objects.order_by("pk").values(*fields)
    assert stored[0] == stored[1]
    assert (stored[0]["period"], stored[0]["exception"]) == ("2025-Q4", exception.pk)
    assert stored[0]["referral_mental_health"] and stored[0]["referral_chaplain"]
    assert not stored[0]["referral_eap"]


def test_the_bulk_path_writes_a_year_in_a_few_statements(
    agency, psp, django_assert_max_num_queries
):
    """The demo's year of several hundred contacts: no statement per row, only the lock, the
    closed quarters and the inserts in the batches the database takes (SQLite: about 50)."""
    rows = [answers(month=f"2025-{m:02d}", follow_up_days=m) for m in range(3, 13)] * 30
    with django_assert_max_num_queries(20):
        log_many(agency, psp, *rows)
    assert Contact.objects.count() == 300
    assert FollowUpReminder.objects.count() == 300
