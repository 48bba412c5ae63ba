from datetime import datetime, timedelta

from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "peerline.contacts"
    label = "contacts"
    verbose_name = "Contact log"

    def ready(self) -> None:
        from peerline.core.jobs import periodic

        periodic("contacts.reminders_expire", every=timedelta(hours=6))(reminders_expire)


def reminders_expire(now: datetime) -> None:
    """The scheduled job: each agency's follow-up reminders whose week has passed go."""
    from peerline.agencies.models import Agency

    from . import services

    for agency in Agency.objects.order_by("pk"):
        services.reminders_expire(agency=agency)
