from django.db.models.signals import post_save
from django.dispatch import receiver

from peerline.agencies.models import Agency

from .defaults import agreement_create_default


@receiver(post_save, sender=Agency, dispatch_uid="agency-team-defaults")
def agency_defaults(sender, instance: Agency, created: bool, raw: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if created and not raw:
        agreement_create_default(agency=instance)
