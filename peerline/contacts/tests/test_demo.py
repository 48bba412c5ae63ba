"""The demo's contact log: a team of about twelve PSPs and a realistic year of contacts (2011 §3.9).

Seeded once for the module with the 600-employee agency `make demo` builds, as `seed_demo` does.
"""

import hashlib
import statistics
from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from peerline.accounts.models import Membership, Role
from peerline.agencies import periods
from peerline.agencies.models import Agency, Employee, JobFamily
from peerline.contacts import demo
from peerline.contacts.models import Activity, Contact, FollowUpReminder, Referral
from peerline.team.models import PeerSupporter, Status
from peerline.web import demo as agency_demo

TODAY = date(2026, 3, 16)
QUARTERS = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELDS = [
    "peer_supporter__username",
    "month",
    "period",
    "activity",
    "recipient_group",
    "mode",
    "initiated_by",
    "duration",
    *[f"referral_{referral.value}" for referral in Referral],
    "limits_explained",
    "exception__label",
    "role_conflict",
    "prior_contacts",
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        result = agency_demo.seed_demo(employees=600, seed=1, today=TODAY)
    yield result.agency
    with django_db_blocker.unblock():
        agency_demo.delete_demo()


def contacts(agency):
    return Contact.objects.filter(agency=agency)


def fingerprint(agency) -> str:
    """The log with usernames and labels in place of keys (which differ from run to run)."""
    rows = contacts(agency).order_by("pk").values_list(*FIELDS)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def team(agency):
    """The contact log's PSPs: the demo team's active members and those on leave."""
    return Membership.objects.filter(agency=agency, role=Role.PEER_SUPPORTER)


def test_the_demo_contacts_are_logged_by_the_team_2011_3_9(db, seeded):
    members = PeerSupporter.objects.filter(
        agency=seeded, status__in=[Status.ACTIVE, Status.ON_LEAVE]
    )
    usernames = set(team(seeded).values_list("user__username", flat=True))
    assert usernames == set(members.values_list("employee__user__username", flat=True))
    assert len(usernames) >= demo.TEAM_SIZE
    assert "peer" in usernames  # the demo log-in is one of them
    employees = Employee.objects.filter(user__username__in=usernames).select_related("division")
    assert employees.count() == len(usernames)
    for employee in employees:
        if employee.user.username != "peer":
            assert employee.user.username == f"psp-{employee.employee_number}"
            assert not employee.user.has_usable_password()
            assert employee.user.get_full_name() == employee.full_name
        assert employee.good_standing and employee.separation_kind in {"", "retirement"}
        assert employee.job_family != JobFamily.COMMAND
    assert len({employee.division.code for employee in employees}) >= 6  # across the agency


def test_it_logs_a_realistic_year_of_contacts_2011_3_9(db, seeded):
    rows = list(contacts(seeded).values(*FIELDS))
    size = team(seeded).count()
    assert 25 * size <= len(rows) <= 45 * size
    # The last four quarters, this one included, each contact in its own month's quarter.
    assert {row["period"] for row in rows} == set(QUARTERS)
    assert all(row["period"] == periods.quarter_of(row["month"]) for row in rows)
    assert all(row["month"].day == 1 and row["month"] <= TODAY for row in rows)
    assert min(row["month"] for row in rows) == date(2025, 4, 1)
    # General stress and post-critical-incident support are the most common; death
    # notifications are rare.
    activities = Counter(row["activity"] for row in rows)
    assert {name for name, _ in activities.most_common(2)} == {
        Activity.GENERAL_STRESS,
        Activity.POST_CRITICAL_INCIDENT,
    }
    assert activities[Activity.DEATH_NOTIFICATION] <= 0.02 * len(rows)
    assert len(activities) >= 10
    # Every PSP logs, some much more than others.
    per_psp = Counter(row["peer_supporter__username"] for row in rows)
    assert len(per_psp) == size
    assert max(per_psp.values()) >= 2.5 * min(per_psp.values())
    # Every month has contacts; each critical incident brings a burst of post-incident and
    # on-scene support (2011 §2.3.3, §2.3.8).
    assert len({row["month"] for row in rows}) == 12
    incident = {Activity.POST_CRITICAL_INCIDENT, Activity.ON_SCENE}
    after = Counter(row["month"] for row in rows if row["activity"] in incident)
    busiest = sorted(after.values())[-3:]
    assert min(busiest) >= 2 * statistics.median(after.values())


def test_referrals_exceptions_role_conflicts_and_follow_ups_2011_3_9(db, seeded):
    rows = list(contacts(seeded).values(*FIELDS))
    n = len(rows)
    referred = [row for row in rows if any(row[f"referral_{r.value}"] for r in Referral)]
    assert 0.1 * n <= len(referred) <= 0.3 * n
    kinds = Counter(r for row in rows for r in Referral if row[f"referral_{r.value}"])
    assert kinds.most_common(1)[0][0] in {Referral.MENTAL_HEALTH, Referral.EAP}
    assert len(kinds) == len(Referral)
    explained = sum(row["limits_explained"] for row in rows) / n
    assert 0.85 <= explained <= 0.98  # 2011 §6.2
    exceptions = [row for row in rows if row["exception__label"]]
    assert 1 <= len(exceptions) <= 0.03 * n  # 2011 §6.3
    assert all(row["limits_explained"] for row in exceptions)
    conflicts = sum(row["role_conflict"] for row in rows)
    assert 3 <= conflicts <= 0.06 * n  # 2011 §7.2
    # Follow-up reminders are the PSPs' own, by week, and none whose week has passed.
    weeks = list(FollowUpReminder.objects.filter(agency=seeded).values_list("due_week", flat=True))
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert weeks and all(week >= monday and week.weekday() == 0 for week in weeks)
    assert any(week == monday for week in weeks) and any(week > monday for week in weeks)


def test_every_contact_is_a_valid_non_identifying_record_2011_6_7(db, seeded):
    for contact in contacts(seeded):
        contact.full_clean()


def test_the_same_seed_and_day_give_the_same_log(db):
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        first = fingerprint(agency_demo.seed_demo(employees=200, seed=5, today=TODAY).agency)
        again = fingerprint(agency_demo.seed_demo(employees=200, seed=5, today=TODAY).agency)
        other = fingerprint(agency_demo.seed_demo(employees=200, seed=6, today=TODAY).agency)
    assert first == again
    assert other != first
    # A re-run replaced the log, it did not add to it (and deleting the old one worked).
    assert (
        Contact.objects.count() == contacts(Agency.objects.get(code=agency_demo.DEMO_CODE)).count()
    )


def test_a_small_agency_has_a_smaller_team(db):
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        agency = agency_demo.seed_demo(employees=50, seed=2, today=TODAY).agency
    size = team(agency).count()
    assert demo.MIN_TEAM <= size < demo.TEAM_SIZE
    assert 20 * size <= contacts(agency).count() <= 50 * size


def test_seeding_the_contacts_again_adds_no_peer_supporter(db, seeded):
    """(`bench/seed_demo.py` times it.)"""
    accounts = get_user_model().objects.filter(username__startswith="psp-")
    before = accounts.count()
    result = demo.seed_contacts(agency=seeded, seed=9, today=TODAY)
    assert result.peer_supporters == team(seeded).count()  # the team exists: nobody new joins
    assert accounts.count() == before
    assert result.contacts >= 300


def test_the_coordinator_page_shows_the_demo_2011_3_9(db, seeded, django_assert_max_num_queries):
    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    with django_assert_max_num_queries(20):
        response = client.get("/stats/program/", {"period": "2025"})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.contacts == contacts(seeded).filter(period__startswith="2025").count()
    assert len(summary.per_peer_supporter.rows) == team(seeded).count()
    assert client.get("/stats/program/").context["period"] == "2026-Q1"


def test_the_demos_releases_pass_the_interval_rule_2011_3_1(db, seeded):
    """Every quarter the demo closes is protected: no suppressed count can be narrowed."""
    from peerline.stats import overview
    from peerline.stats.models import ClosedPeriod

    closed = list(ClosedPeriod.objects.filter(agency=seeded).order_by("period"))
    assert [c.period for c in closed] == ["2025-Q2", "2025-Q3", "2025-Q4"]
    for release in closed:
        assert overview.rule_breaches(release) == [], release.period
    assert overview.releases_breaching_rule(seeded) == []
