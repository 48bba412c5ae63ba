"""Writes of the procedures manual (2011 §3.5): sections, drafts, publication, acknowledgement."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peerline.agencies.clock import local_today
from peerline.agencies.models import Agency
from peerline.audit.services import record
from peerline.core import validation

from . import generate
from .models import Acknowledgement, ManualSection, ManualVersion

TITLE_MAX = ManualSection._meta.get_field("title").max_length


def section_save(*, agency: Agency, by, title: str, body: str,  # type: ignore[no-untyped-def]
                 section: ManualSection | None = None) -> ManualSection:  # fmt: skip
    """A section the coordinator writes; it enters the next draft."""
    if not title.strip() or not body.strip():
        raise ValidationError("A section needs a title and a text.")
    for text, most in ((title, TITLE_MAX), (body, None)):
        error = validation.text_error(text, max_length=most)
        if error:
            raise ValidationError(error)
    with transaction.atomic():
        if section is None:
            last = ManualSection.objects.filter(agency=agency).aggregate(n=Max("position"))["n"]
            section = ManualSection(agency=agency, position=(last or 0) + 1)
        section.title, section.body = title.strip(), body.strip()
        section.save()
        record("manual.section_saved", by=by, agency=agency, target=section.title)
    return section


def draft(*, agency: Agency, by) -> ManualVersion:  # type: ignore[no-untyped-def]
    """Freeze the manual as it reads now (live settings and records, and written sections)."""
    with transaction.atomic():
        ManualVersion.objects.filter(agency=agency, published_at__isnull=True).delete()
        last = ManualVersion.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0
        version = ManualVersion.objects.create(
            agency=agency, number=last + 1, drafted_at=timezone.now(), drafted_by=by,
            sections=generate.sections(agency, local_today(agency)),
        )  # fmt: skip
        record("manual.drafted", by=by, agency=agency, target=f"v{version.number}")
    return version


def publish(*, version: ManualVersion, by, note: str = "") -> None:  # type: ignore[no-untyped-def]
    """The steering committee approves the draft (2011 §3.2, §3.5); everyone who can log in is
    then asked to acknowledge it on their home page."""
    if version.published_at is not None:
        raise ValidationError("This version is already published.")
    error = validation.text_error(note)
    if error:
        raise ValidationError(error)
    with transaction.atomic():
        version.published_at, version.approved_by = timezone.now(), by
        version.approval_note = note.strip()[:300]
        version.save(update_fields=["published_at", "approved_by", "approval_note"])
        record("manual.published", by=by, agency=version.agency, target=f"v{version.number}")


def acknowledge(*, version: ManualVersion, user) -> None:  # type: ignore[no-untyped-def]
    acknowledge_many(version=version, user_ids=[user.pk])


def acknowledge_many(*, version: ManualVersion, user_ids: Iterable[int]) -> None:
    """Each user has read `version`; one already recorded keeps its first time. The demo
    acknowledges for thousands at once through this."""
    if version.published_at is None:
        raise ValidationError("Only a published version can be acknowledged.")
    now = timezone.now()
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(version=version, user_id=pk, at=now) for pk in user_ids],
        batch_size=1000,
        ignore_conflicts=True,
    )
