"""Many activations at once (`activate_many`, the demo's hundreds): each row by the rules of
`activate` (2011 §4.1, §6.8), and one refusal refuses the whole batch."""

import re
from datetime import timedelta

import pytest

from peerline.audit import services as audit
from peerline.audit.models import AuditEvent
from peerline.team import services
from peerline.team.models import PeerSupporter, Status, StatusChange
from peerline.team.services import Activation, TeamError

from .helpers import has_role, psp_in, selected_candidate, sign, today


@pytest.fixture
def two(chain, coordinator, sergeant_login):
    """Two selected candidates, each with the agreement signed and the training recorded."""
    ready = []
    for employee in (chain.officer2, chain.telecommunicator):
        psp = selected_candidate(employee, coordinator, sergeant_login)
        sign(psp)
        services.record_initial_training(peer_supporter=psp, on=today(psp.agency), by=coordinator)
        ready.append(psp)
    return ready


def test_a_batch_is_activated_each_as_one_activation_would(two, coordinator):
    on = today(two[0].agency)
    changes = services.activate_many(
        activations=[Activation(peer_supporter=psp, by=coordinator, on=on) for psp in two]
    )
    assert [(c.from_status, c.to_status, c.effective_on) for c in changes] == [
        ("candidate", "active", on)
    ] * 2
    assert all(c.recorded_by == coordinator for c in changes)
    assert changes[0].reason.startswith("Onboarding complete: selected, agreement version 1")
    for psp in two:
        psp.refresh_from_db()
        assert (psp.status, psp.status_since) == (Status.ACTIVE, on) and has_role(psp)
    assert audit.verify().ok


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unsigned", "Activation 2: Not yet: Confidentiality agreement version 1 signed"),
        ("untrained", "Activation 2: Not yet: The agency's initial training."),
        ("not selected", "Activation 2: Not yet: Selected by the program (2011 §4.1, §4.2)"),
        ("already active", "Activation 2: Only a candidate can be activated; this one is active."),
        ("twice in the batch", "Activation 2: Only a candidate can be activated; this one is"),
        ("in the future", "Activation 2: A change is recorded when it happens"),
        ("before the application", "Activation 2: The date cannot be before the current status"),
    ],
)
def test_the_batch_refuses_what_one_activation_refuses_and_writes_nothing(
    two, chain, coordinator, case, message
):
    good, bad = two
    on = today(good.agency)
    if case == "unsigned":
        bad.signatures.all().delete()
    elif case == "untrained":
        PeerSupporter.objects.filter(pk=bad.pk).update(initial_training_on=None)
    elif case == "not selected":
        bad = psp_in(Status.CANDIDATE, chain.officer, selected=False)
    elif case == "already active":
        bad = psp_in(Status.ACTIVE, chain.officer)
    elif case == "twice in the batch":
        bad = good
    elif case == "in the future":
        on = on + timedelta(days=1)
    else:
        PeerSupporter.objects.filter(pk=bad.pk).update(status_since=on)
        on = on - timedelta(days=1)
    first = Activation(peer_supporter=good, by=coordinator, on=today(good.agency))
    second = Activation(peer_supporter=bad, by=coordinator, on=on)
    counts = (StatusChange.objects.count(), AuditEvent.objects.count())
    with pytest.raises(TeamError, match=re.escape(message)) as refused:
        services.activate_many(activations=[first, second])
    assert str(refused.value).endswith("Nothing was written.")
    assert (StatusChange.objects.count(), AuditEvent.objects.count()) == counts
    good.refresh_from_db()
    assert good.status == Status.CANDIDATE and not has_role(good)
    # The single path refuses the same row, with the same words.
    if case != "twice in the batch":
        bad.refresh_from_db()
        with pytest.raises(TeamError, match=re.escape(message.removeprefix("Activation 2: "))):
            services.activate(peer_supporter=bad, by=coordinator, on=on)
