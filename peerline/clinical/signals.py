from django.db.models.signals import post_save
from django.dispatch import receiver

from peerline.agencies.models import Agency

from .defaults import resources_create_defaults


@receiver(post_save, sender=Agency, dispatch_uid="agency-clinical-defaults")
def agency_defaults(sender, instance: Agency, created: bool, raw: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if created and not raw:
        resources_create_defaults(agency=instance)
