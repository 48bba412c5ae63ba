"""Writes on the agency itself."""

from django.db import transaction

from peerline.audit.services import record

from .models import Agency


def agency_create(
    *, code: str, name: str, state: str, time_zone: str, edition: str, by: object = None
) -> Agency:
    """A new tenant with the same defaults as one added in the admin: the model's defaults, and
    what each app's `post_save` signal seeds (limits of confidentiality, team and clinical
    settings). Every field is validated first (`ValidationError` names the bad ones)."""
    agency = Agency(
        code=code, name=name, state=state.upper(), time_zone=time_zone, guideline_edition=edition
    )
    agency.full_clean()
    with transaction.atomic():
        agency.save()
        record("agency.created", by=by, agency=agency, target=code)
    return agency
