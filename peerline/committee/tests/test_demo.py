"""The demo agency's written program, and its self-assessment's automatic rows checked against
counts taken here from the tables themselves."""

from datetime import UTC, date, datetime

import pytest
from django.test import override_settings

from peerline.accounts.models import Membership
from peerline.agencies.models import Agency
from peerline.assessment.models import Snapshot
from peerline.assessment.selectors import assessment
from peerline.governance.selectors import limits_statement
from peerline.manual.models import Acknowledgement, ManualVersion
from peerline.team.models import AgreementSignature, ConfidentialityAgreement, PeerSupporter, Status
from peerline.web import demo as agency_demo

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        agency_demo.seed_demo(employees=200, seed=1, today=TODAY)
    yield
    with django_db_blocker.unblock():
        agency_demo.delete_demo()


@pytest.fixture
def agency(demo, db):
    return Agency.objects.get(code=agency_demo.DEMO_CODE)


def test_the_demo_shows_the_written_program(agency):
    assert "Workers' compensation claim" in limits_statement(agency=agency)
    assert "Serious violation of law" not in limits_statement(agency=agency)  # a 2011 agency
    assert ManualVersion.objects.get(agency=agency).approved_by is not None
    assert agency.committee_members.count() == 6
    assert agency.meetings.count() == 8
    assert Snapshot.objects.filter(agency=agency).count() == 3


def test_the_demo_self_assessment_automatic_rows_are_right(agency):
    rows = {row.clause: row for row in assessment(agency, NOW)}
    assert rows["3.2"].status == "met" and rows["3.4"].status == "met"
    # 3.5: acknowledgements over everyone with a log-in in use (an account invited but never
    # signed in cannot read the manual yet), counted here.
    version = ManualVersion.objects.get(agency=agency)
    asked = (
        Membership.objects.filter(agency=agency, user__is_active=True)
        .values("user")
        .distinct()
        .count()
    )
    done = Acknowledgement.objects.filter(version=version, user__is_active=True).count()
    assert 0 < done < asked
    assert rows["3.5"].status == "partly"
    assert f"{done} of {asked} (" in rows["3.5"].evidence
    # 6.8: members (active or on leave) without a signature on the newest agreement.
    current = ConfidentialityAgreement.objects.filter(agency=agency).order_by("-version").first()
    signed = set(AgreementSignature.objects.filter(agreement=current)
                 .values_list("peer_supporter", flat=True))  # fmt: skip
    members = PeerSupporter.objects.filter(
        agency=agency, status__in=[Status.ACTIVE, Status.ON_LEAVE]
    )
    unsigned_members = members.exclude(pk__in=signed).count()
    assert f"({members.count()} on the team)" in rows["6.8"].evidence
    assert rows["6.8"].status in {"met", "partly"}
    assert unsigned_members <= int(rows["6.8"].evidence.split()[0])  # candidates may add more
    attested = [
        row for row in rows.values() if row.how == "attested" and row.status != "unassessed"
    ]
    assert {row.clause for row in attested} == {"1.1", "3.1", "3.9", "6.1", "7.4", "3.7"}
