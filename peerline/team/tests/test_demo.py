"""The demo team: members in every status and volunteers at every stage (2011 §4, §6.8).

Seeded once for the module with the 600-employee agency `make demo` builds.
"""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency, Employee
from peerline.partners.models import PartnerAgreement
from peerline.team import demo
from peerline.team.models import (
    AgreementSignature,
    ConfidentialityAgreement,
    Deselection,
    DeselectionCriterion,
    InterviewScore,
    LeaveOfAbsence,
    PeerSupporter,
    Recommendation,
    Status,
)
from peerline.web import demo as agency_demo

TODAY = date(2026, 11, 23)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        agency_demo.seed_demo(employees=600, seed=1, today=TODAY)
    yield
    with django_db_blocker.unblock():
        agency_demo.delete_demo()


@pytest.fixture
def seeded(seeded_once):
    # Looked up each time: the determinism test seeds the demo again (same seed, same day).
    return Agency.objects.get(code=agency_demo.DEMO_CODE)


def team(agency):
    return PeerSupporter.objects.filter(agency=agency)


def test_the_demo_team_has_every_status_2011_4(db, seeded):
    statuses = Counter(team(seeded).values_list("status", flat=True))
    assert statuses[Status.ACTIVE] == round(600 / demo.EMPLOYEES_PER_ACTIVE_PSP)
    assert statuses[Status.ON_LEAVE] == 2
    assert statuses[Status.INACTIVE] == statuses[Status.DESELECTED] == 1
    assert statuses[Status.ALUMNI] == 2
    assert statuses[Status.CANDIDATE] == round(600 / demo.EMPLOYEES_PER_VOLUNTEER)
    # The demo "peer" log-in is an active member.
    assert team(seeded).get(employee__user__username="peer").status == Status.ACTIVE


def test_the_peer_supporter_role_is_held_exactly_by_active_members_and_those_on_leave(db, seeded):
    holders = set(
        Membership.objects.filter(agency=seeded, role=Role.PEER_SUPPORTER).values_list(
            "user_id", flat=True
        )
    )
    members = set(
        team(seeded)
        .filter(status__in=[Status.ACTIVE, Status.ON_LEAVE])
        .values_list("employee__user_id", flat=True)
    )
    assert holders == members


def test_every_status_has_a_dated_history_ending_in_it(db, seeded):
    for psp in team(seeded).prefetch_related("history"):
        changes = list(psp.history.all())
        assert changes[0].to_status == Status.CANDIDATE and changes[0].from_status == ""
        assert changes[-1].to_status == psp.status
        assert changes[-1].effective_on == psp.status_since <= TODAY
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.effective_on >= before.effective_on
            assert after.reason


def test_active_members_signed_the_agreement_and_two_not_the_current_version_2011_6_8(db, seeded):
    current = ConfidentialityAgreement.objects.filter(agency=seeded).latest()
    assert current.version == 2
    active = team(seeded).filter(status=Status.ACTIVE)
    for psp in active:
        signed = AgreementSignature.objects.filter(peer_supporter=psp)
        assert signed.exists()
        assert all(s.signed_by_id == psp.employee.user_id for s in signed)
        assert all(s.signed_at >= s.agreement.published_at for s in signed)
    unsigned = active.exclude(signatures__agreement=current)
    assert unsigned.count() == len(demo.UNSIGNED_V2)


def test_one_leave_is_due_back_within_the_week_2011_4_4(db, seeded):
    open_leaves = LeaveOfAbsence.objects.filter(
        peer_supporter__agency=seeded, returned_on__isnull=True
    )
    assert open_leaves.count() == 2
    assert all(leave.peer_supporter.status == Status.ON_LEAVE for leave in open_leaves)
    due = open_leaves.filter(expected_return__lte=TODAY + timedelta(days=7))
    assert due.count() == 1


def test_the_deselection_is_recorded_with_its_criterion_2011_4_3(db, seeded):
    deselected = team(seeded).get(status=Status.DESELECTED)
    decision = Deselection.objects.get(peer_supporter=deselected)
    assert decision.criterion == DeselectionCriterion.FAILURE_TO_ATTEND_TRAINING
    assert decision.decided_on == deselected.status_since


def test_a_member_supervises_others_and_two_are_retiring_2011_7_4_and_3_8_3(db, seeded):
    members = team(seeded).filter(status=Status.ACTIVE)
    with_reports = Employee.objects.filter(supervisor__peer_supporter__in=members)
    assert with_reports.exists()
    assert members.filter(employee__separation_kind="retirement").count() == 2


def test_volunteers_are_at_every_stage_of_selection_2011_4_1(db, seeded):
    candidates = team(seeded).filter(status=Status.CANDIDATE)
    assert candidates.filter(applications__eligible__isnull=True).exists()
    assert candidates.filter(applications__recommendations__isnull=False).exists()
    assert candidates.filter(applications__interview__isnull=False).exists()
    assert candidates.filter(applications__decision__outcome="selected").exists()
    assert candidates.filter(signatures__isnull=False).exists()
    # Work waiting for demo log-ins: a recommendation to answer and a score sheet to fill.
    users = get_user_model().objects
    assert Recommendation.objects.filter(
        recommender=users.get(username="command"), answered_at__isnull=True
    ).exists()
    assert InterviewScore.objects.filter(
        panelist=users.get(username="peer"), submitted_at__isnull=True
    ).exists()


def test_the_same_seed_gives_the_same_team(db, seeded):
    def snapshot(agency):
        return sorted(
            team(agency).values_list("employee__employee_number", "status", "status_since")
        )

    first = snapshot(seeded)
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        again = agency_demo.seed_demo(employees=600, seed=1, today=TODAY).agency
    assert again.pk != seeded.pk
    assert snapshot(again) == first


def test_a_partner_agency_shares_its_team_both_ways_2011_3_8_2(db, seeded):
    partner = Agency.objects.get(code=agency_demo.PARTNER_CODE)
    assert team(partner).filter(status=Status.ACTIVE).exists()
    # One agreement, accepted by both coordinators, sharing every item both ways.
    (agreement,) = PartnerAgreement.objects.filter(agency__in=[seeded, partner])
    assert {agreement.agency_id, agreement.partner_id} == {seeded.pk, partner.pk}
    assert agreement.status == "accepted" and agreement.accepted_at is not None
    assert agreement.shares_directory and agreement.partner_shares_directory
    assert agreement.shares_training and agreement.partner_shares_training
    assert agreement.mutual_aid and agreement.partner_mutual_aid
    assert agreement.starts_on <= TODAY and agreement.ends_on is None
    # Its accounts cannot collide with the demo agency's.
    usernames = team(partner).values_list("employee__user__username", flat=True)
    assert all(name.startswith("psp-so-") for name in usernames)


def test_every_member_was_selected_through_the_rules_in_both_agencies_2011_4_1(db, seeded):
    """The demo goes through the services: each member and each selected volunteer has an
    eligibility check, a favourable answer from a log-in of their own agency, and a decision
    dated before they joined (none of them "now")."""
    partner = Agency.objects.get(code=agency_demo.PARTNER_CODE)
    for agency in (seeded, partner):
        holders = set(Membership.objects.filter(agency=agency).values_list("user_id", flat=True))
        selected = team(agency).filter(applications__decision__outcome="selected").distinct()
        members = team(agency).exclude(status=Status.CANDIDATE)
        assert members.count() == selected.exclude(status=Status.CANDIDATE).count() > 0
        for psp in selected.prefetch_related("applications__recommendations", "history"):
            (application,) = psp.applications.all()
            assert application.eligible is True
            answered = [r for r in application.recommendations.all() if r.answered_at is not None]
            assert any(r.recommends in ("strongly", "yes") for r in answered)
            assert all(r.recommender_id in holders for r in answered)
            decided = application.decision.decided_at.date()
            assert decided <= TODAY - timedelta(days=3)
            joined = [c.effective_on for c in psp.history.all() if c.to_status == Status.ACTIVE]
            assert all(decided < day for day in joined)
    # The partner's selection was made by its own coordinator, not by the demo agency's.
    coordinator = get_user_model().objects.get(username="coordinator-so")
    assert team(partner).filter(applications__decision__decided_by=coordinator).exists()
    assert Membership.objects.get(user=coordinator).agency == partner
