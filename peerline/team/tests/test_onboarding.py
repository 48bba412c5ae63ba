"""From selected to active: the confidentiality agreement and the initial training (2011 §4.1,
§6.8), and the peer_supporter role that comes with activation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peerline.team import selectors, services
from peerline.team.models import AgreementSignature, ConfidentialityAgreement, Status
from peerline.team.services import TeamError

from .helpers import has_role, psp_in, selected_candidate, sign, today


@pytest.fixture
def candidate(chain, coordinator, sergeant_login):
    return selected_candidate(chain.officer2, coordinator, sergeant_login)


def activate(psp, coordinator):
    return services.activate(peer_supporter=psp, by=coordinator, on=today(psp.agency))


def train(psp, coordinator):
    services.record_initial_training(peer_supporter=psp, on=today(psp.agency), by=coordinator)


def test_an_unsigned_agreement_cannot_become_active_2011_6_8(candidate, coordinator):
    train(candidate, coordinator)
    with pytest.raises(TeamError, match=r"agreement version 1 signed \(2011 §6.8\)"):
        activate(candidate, coordinator)
    candidate.refresh_from_db()
    assert candidate.status == Status.CANDIDATE and not has_role(candidate)
    assert candidate.history.count() == 1


def test_missing_initial_training_blocks_activation_2011_4_1(candidate, coordinator):
    sign(candidate)
    with pytest.raises(TeamError, match="initial training"):
        activate(candidate, coordinator)
    assert services.onboarding(candidate).missing == ["The agency's initial training"]


def test_activation_with_onboarding_complete_grants_the_role(candidate, coordinator):
    sign(candidate)
    train(candidate, coordinator)
    checklist = services.onboarding(candidate)
    assert checklist.complete and all(item.done for item in checklist.items)
    change = activate(candidate, coordinator)
    assert change.to_status == Status.ACTIVE and "agreement version 1 signed" in change.reason
    assert change.recorded_by == coordinator
    assert has_role(candidate)


def test_a_candidate_not_yet_selected_cannot_sign_or_be_activated(chain, coordinator):
    psp = psp_in(Status.CANDIDATE, chain.officer, selected=False, signed=False)
    with pytest.raises(TeamError, match="once the program has selected you"):
        sign(psp)
    with pytest.raises(TeamError, match="Selected by the program"):
        activate(psp, coordinator)


def test_an_old_version_signed_is_not_the_current_one_2011_6_8(candidate, coordinator):
    old = selectors.current_agreement(candidate.agency)
    sign(candidate)
    train(candidate, coordinator)
    new = services.publish_agreement(agency=candidate.agency, text="Version two.", by=coordinator)
    assert new.version == 2 and selectors.current_agreement(candidate.agency) == new
    assert not services.onboarding(candidate).agreement_signed
    with pytest.raises(TeamError, match="version 2"):
        activate(candidate, coordinator)
    with pytest.raises(TeamError, match="current version"):
        services.sign_agreement(
            peer_supporter=candidate, agreement=old, typed_name=candidate.employee.full_name,
            by=candidate.employee.user, now=timezone.now(),
        )  # fmt: skip
    sign(candidate)
    activate(candidate, coordinator)
    assert list(candidate.signatures.values_list("agreement__version", flat=True)) == [2, 1]


def test_a_signature_records_who_when_and_which_version_2011_6_8(candidate):
    when = timezone.now()
    signature = services.sign_agreement(
        peer_supporter=candidate, agreement=selectors.current_agreement(candidate.agency),
        typed_name="  kevin   NGUYEN ".replace("kevin", candidate.employee.first_name.lower())
        .replace("NGUYEN", candidate.employee.last_name.upper()),
        by=candidate.employee.user, now=when,
    )  # fmt: skip
    assert signature.signed_by == candidate.employee.user and signature.signed_at == when
    assert signature.agreement.version == 1
    assert signature.typed_name.casefold() == candidate.employee.full_name.casefold()
    with pytest.raises(TeamError, match="already signed"):
        sign(candidate)


def test_only_the_psp_signs_their_own_agreement_with_their_own_name(candidate, coordinator, chain):
    agreement = selectors.current_agreement(candidate.agency)
    with pytest.raises(TeamError, match="Only the peer supporter"):
        services.sign_agreement(peer_supporter=candidate, agreement=agreement,
                                typed_name=candidate.employee.full_name, by=coordinator,
                                now=timezone.now())  # fmt: skip
    with pytest.raises(TeamError, match="full name"):
        services.sign_agreement(peer_supporter=candidate, agreement=agreement,
                                typed_name="Someone Else", by=candidate.employee.user,
                                now=timezone.now())  # fmt: skip
    assert not AgreementSignature.objects.exists()


def test_publishing_a_new_version_lists_who_must_sign_again(agency, chain, coordinator):
    signed = psp_in(Status.ACTIVE, chain.officer)
    on_leave = psp_in(Status.ON_LEAVE, chain.telecommunicator)
    psp_in(Status.ALUMNI, chain.comm_supervisor)
    assert selectors.unsigned_current(agency) == []
    with pytest.raises(TeamError, match="text of the current version"):
        services.publish_agreement(
            agency=agency, text=selectors.current_agreement(agency).text, by=coordinator
        )
    with pytest.raises(TeamError, match="needs its text"):
        services.publish_agreement(agency=agency, text="  ", by=coordinator)
    services.publish_agreement(agency=agency, text="New words.\r\nLine two.", by=coordinator)
    current = selectors.current_agreement(agency)
    assert current.text == "New words.\nLine two." and current.published_by == coordinator
    assert {psp.pk for psp in selectors.unsigned_current(agency)} == {signed.pk, on_leave.pk}
    sign(signed)
    assert [psp.pk for psp in selectors.unsigned_current(agency)] == [on_leave.pk]
    assert ConfidentialityAgreement.objects.filter(agency=agency).count() == 2


def test_reinstatement_needs_the_current_agreement_signed_2011_6_8(chain, coordinator):
    psp = psp_in(Status.INACTIVE, chain.officer)
    services.publish_agreement(agency=psp.agency, text="Version two.", by=coordinator)
    on = today(psp.agency)
    with pytest.raises(TeamError, match="version 2"):
        services.reinstate(peer_supporter=psp, reason="Back.", by=coordinator, on=on)
    assert not has_role(psp)
    sign(psp)  # a former member may sign to come back
    services.reinstate(peer_supporter=psp, reason="Back.", by=coordinator, on=on)
    assert has_role(psp)


def test_a_volunteer_who_never_served_is_not_reinstated_but_applies_again(chain, coordinator):
    psp = psp_in(Status.INACTIVE, chain.officer, served=False)
    with pytest.raises(TeamError, match="never served"):
        services.reinstate(peer_supporter=psp, reason="Back.", by=coordinator, on=today(psp.agency))


def test_the_training_date_is_not_in_the_future(candidate, coordinator):
    with pytest.raises(TeamError, match="future"):
        services.record_initial_training(
            peer_supporter=candidate, on=today(candidate.agency) + timedelta(1), by=coordinator
        )
    candidate.refresh_from_db()
    assert candidate.initial_training_on is None


def test_a_psp_without_a_log_in_still_changes_status(chain, coordinator):
    """The role follows the status where there is a log-in; none is invented."""
    psp = psp_in(Status.ACTIVE, chain.officer)
    user = psp.employee.user
    chain.officer.user = None
    chain.officer.save()
    psp.refresh_from_db()
    services.step_down(peer_supporter=psp, reason="Busy.", by=coordinator, on=today(psp.agency))
    assert psp.status == Status.INACTIVE
    assert user.memberships.filter(role="peer_supporter").exists()  # untouched: not linked now
