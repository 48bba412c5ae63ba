"""Writes of the self-assessment: attestations by named committee members, and snapshots."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerline.agencies.models import Agency
from peerline.audit.services import record
from peerline.committee.models import SteeringCommitteeMember

from .clauses import CLAUSES
from .measures import MEASURES
from .models import Attestation, Snapshot, Status
from .selectors import assessment, counts


def attest(*, agency: Agency, by, clause: str, status: str,  # type: ignore[no-untyped-def]
           member: SteeringCommitteeMember, attested_on: date, evidence: str) -> Attestation:  # fmt: skip
    """A named committee member attests a clause software cannot measure."""
    edition = agency.guideline_edition
    if clause not in {c for c, _, _ in CLAUSES.get(edition, [])}:
        raise ValidationError({"clause": "Not a clause of the agency's edition."})
    if clause in MEASURES.get(edition, {}):
        raise ValidationError({"clause": "This clause is measured from live data."})
    if status not in Status.values:
        raise ValidationError({"status": "Choose a status."})
    if member.agency_id != agency.pk:
        raise ValidationError({"member": "Choose a member of this agency's committee."})
    if not evidence.strip():
        raise ValidationError({"evidence": "Say what shows it (program-level evidence)."})
    with transaction.atomic():
        row = Attestation.objects.create(
            agency=agency, edition=edition, clause=clause, status=status, member=member,
            attested_on=attested_on, evidence=evidence.strip(), recorded_by=by,
            recorded_at=timezone.now(),
        )  # fmt: skip
        record("assessment.attested", by=by, agency=agency, target=f"{edition} {clause}",
               detail={"status": status})  # fmt: skip
    return row


def snapshot(*, agency: Agency, now: datetime) -> Snapshot:
    rows = assessment(agency, now)
    return Snapshot.objects.create(
        agency=agency, taken_at=now, edition=agency.guideline_edition, counts=counts(rows),
        rows=[{"clause": r.clause, "status": r.status, "how": r.how} for r in rows],
    )  # fmt: skip


def snapshot_all(now: datetime) -> None:
    """The weekly job: one snapshot per agency (the history over time)."""
    for agency in Agency.objects.all():
        snapshot(agency=agency, now=now)
