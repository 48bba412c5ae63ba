"""The audit trail never records anything about a person supported (2011 §6.7, §3.1): logging a
contact or a consultation writes no event, and an incident is `incident:<id>` with its type,
never who was involved."""

import re
from datetime import timedelta

import pytest

from peerline.accounts.models import Role
from peerline.agencies import clock
from peerline.audit.models import AuditEvent
from peerline.clinical import services as clinical
from peerline.contacts import services as contacts
from peerline.incidents import services as incidents
from peerline.incidents.models import IncidentType, Involvement
from peerline.incidents.tests.helpers import T0, incident
from peerline.team.models import Status
from peerline.team.tests.helpers import psp_in

pytestmark = pytest.mark.django_db


def test_nothing_about_a_person_supported_reaches_the_trail_2011_6_7(agency, chain, users):
    coordinator, psp_user = users[Role.COORDINATOR], users[Role.PEER_SUPPORTER]
    month = clock.local_today(agency).replace(day=1)
    before = AuditEvent.objects.count()
    contact = contacts.contact_log(
        agency=agency,
        peer_supporter=psp_user,
        data={
            "month": month,
            "activity": "grief",
            "recipient_group": "civilian",
            "mode": "phone",
            "initiated_by": "self",
            "duration": "lt15",
            "limits_explained": True,
            "role_conflict": False,
            "prior_contacts": "first",
        },
    )
    consultation = clinical.consultation_log(
        agency=agency,
        data={
            "month": f"{month:%Y-%m}",
            "reason": "critical_incident",
            "urgency": "same_day",
            "outcome": "advice",
        },
    )
    assert AuditEvent.objects.count() == before  # neither writes an event at all

    psp_in(Status.ACTIVE, chain.officer2)
    involved = [chain.officer, chain.telecommunicator]
    inc = incident(
        agency,
        type=IncidentType.OFFICER_INVOLVED_SHOOTING,
        principals=[chain.officer],
        witnesses=[chain.telecommunicator],
    )
    assert Involvement.objects.filter(incident=inc).count() == 2
    incidents.activate(incident=inc, by=coordinator, now=T0)
    incidents.close(incident=inc, by=coordinator, now=T0 + timedelta(hours=2))
    incidents.erase_expired(T0 + timedelta(days=agency.incident_retention_days + 1))

    trail = AuditEvent.objects.filter(seq__gt=before)
    assert set(trail.values_list("action", flat=True)) >= {"incident.activated", "incident.closed"}
    for event in trail.filter(action__startswith="incident."):
        assert (event.target, event.detail) == (
            f"incident:{inc.pk}",
            {"type": IncidentType.OFFICER_INVOLVED_SHOOTING},
        )
    # What the trail says in words; its hashes, times and the ids in its targets ("user:2001":
    # PostgreSQL's sequences run on across a test session) are numbers drawn by chance, in which an
    # employee number like "3001" turns up now and then without anything having leaked.
    rows = AuditEvent.objects.values("actor_label", "action", "target", "detail")
    text = str([{**row, "target": re.sub(r":[0-9]+$", ":<id>", row["target"])} for row in rows])
    text = text.lower()
    for employee in involved:
        for identifying in (employee.first_name, employee.last_name, employee.employee_number):
            assert identifying.lower() not in text
    for word in ("contact", "consultation", "involvement", "principal", "witness", "river"):
        assert word not in text
    targets = set(AuditEvent.objects.values_list("target", flat=True))
    assert f"contact:{contact.pk}" not in targets
    assert f"consultation:{consultation.pk}" not in targets
