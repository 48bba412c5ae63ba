"""Many signatures at once (`sign_agreements`, the demo's team of hundreds): each row by the
rules of `sign_agreement` (2011 §6.8), and one refusal refuses the whole batch."""

from datetime import UTC, datetime

import pytest

from peerline.team import selectors, services
from peerline.team.models import AgreementSignature, Status
from peerline.team.services import Signing, TeamError

from .helpers import psp_in

WHEN = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)


def signing(psp, **changes):
    fields = {"typed_name": psp.employee.full_name, "by": psp.employee.user, "now": WHEN}
    return Signing(peer_supporter=psp, **(fields | changes))


def test_a_batch_is_signed_each_by_its_own_psp_2011_6_8(agency, chain):
    first = psp_in(Status.ACTIVE, chain.officer, signed=False)
    second = psp_in(Status.ON_LEAVE, chain.telecommunicator, signed=False)
    name = chain.telecommunicator.full_name
    current = selectors.current_agreement(agency)
    services.sign_agreements(
        agreement=current,
        signings=[signing(first), signing(second, typed_name=f"  {name.upper()}  ")],
    )
    rows = AgreementSignature.objects.order_by("pk")
    assert [(r.peer_supporter_id, r.agreement.version, r.signed_at) for r in rows] == [
        (first.pk, 1, WHEN),
        (second.pk, 1, WHEN),
    ]
    assert rows[1].typed_name == name.upper() and rows[1].signed_by == second.employee.user


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("another user", "Signature 2: Only the peer supporter can sign their own agreement."),
        ("another name", "Signature 2: Type your full name as the roster has it"),
        ("not selected", "Signature 2: The agreement is signed once the program has selected you"),
        ("old version", "Signature 1: Only the current version of the agreement can be signed"),
        ("signed before", "Signature 2: You have already signed this version."),
        ("twice in the batch", "Signature 2: You have already signed this version."),
    ],
)
def test_the_batch_refuses_what_one_signature_refuses_and_signs_nothing(
    agency, chain, coordinator, case, message
):
    good = psp_in(Status.ACTIVE, chain.officer, signed=False)
    agreement = selectors.current_agreement(agency)
    if case == "another user":
        bad = signing(psp_in(Status.ACTIVE, chain.telecommunicator, signed=False), by=coordinator)
    elif case == "another name":
        bad = signing(
            psp_in(Status.ACTIVE, chain.telecommunicator, signed=False), typed_name="Someone Else"
        )
    elif case == "not selected":
        bad = signing(
            psp_in(Status.CANDIDATE, chain.telecommunicator, selected=False, signed=False)
        )
    elif case == "old version":
        services.publish_agreement(agency=agency, text="Version two.", by=coordinator)
        bad = signing(psp_in(Status.ACTIVE, chain.telecommunicator, signed=False))
    elif case == "signed before":
        bad = signing(psp_in(Status.ACTIVE, chain.telecommunicator, signed=True))
    else:
        bad = signing(good)
    before = AgreementSignature.objects.count()
    with pytest.raises(TeamError) as refused:
        services.sign_agreements(agreement=agreement, signings=[signing(good), bad])
    assert str(refused.value).startswith(message)
    assert str(refused.value).endswith("Nothing was signed.")
    assert AgreementSignature.objects.count() == before


def test_one_signature_refuses_the_same_rows(agency, chain, coordinator):
    """The single path, for the cases above: the same words, without the row number."""
    psp = psp_in(Status.ACTIVE, chain.officer, signed=False)
    agreement = selectors.current_agreement(agency)
    with pytest.raises(TeamError, match="^Only the peer supporter can sign"):
        services.sign_agreement(
            peer_supporter=psp, agreement=agreement, typed_name=psp.employee.full_name,
            by=coordinator, now=WHEN,
        )  # fmt: skip
    services.sign_agreement(
        peer_supporter=psp, agreement=agreement, typed_name=psp.employee.full_name,
        by=psp.employee.user, now=WHEN,
    )  # fmt: skip
    with pytest.raises(TeamError, match="^You have already signed this version.$"):
        services.sign_agreement(
            peer_supporter=psp, agreement=agreement, typed_name=psp.employee.full_name,
            by=psp.employee.user, now=WHEN,
        )  # fmt: skip


def test_a_version_is_published_at_the_time_given(agency, coordinator):
    published = services.publish_agreement(
        agency=agency, text="Version two.", by=coordinator, now=WHEN
    )
    assert (published.version, published.published_at) == (2, WHEN)


def test_who_may_sign_is_judged_in_the_batch_as_one_by_one_2011_6_8(agency, chain):
    """`can_sign` for the whole batch at once: a selected candidate and a former member who
    served sign; a former volunteer who never served is refused, alone and in a batch."""
    candidate = psp_in(Status.CANDIDATE, chain.officer, signed=False)
    served = psp_in(Status.INACTIVE, chain.officer2, signed=False)
    never = psp_in(Status.INACTIVE, chain.telecommunicator, served=False, signed=False)
    assert [services.can_sign(psp) for psp in (candidate, served, never)] == [True, True, False]
    agreement = selectors.current_agreement(agency)
    with pytest.raises(TeamError, match="^Signature 3: The agreement is signed once the program"):
        services.sign_agreements(
            agreement=agreement, signings=[signing(candidate), signing(served), signing(never)]
        )
    assert not AgreementSignature.objects.exists()
    services.sign_agreements(agreement=agreement, signings=[signing(candidate), signing(served)])
    assert set(AgreementSignature.objects.values_list("peer_supporter", flat=True)) == {
        candidate.pk,
        served.pk,
    }
