from datetime import datetime, timedelta

from django.apps import AppConfig


def escalation_tick(now: datetime) -> None:
    from .services import escalate_due

    escalate_due(now)


def retention_tick(now: datetime) -> None:
    from .links import purge_expired
    from .services import erase_expired

    erase_expired(now)
    purge_expired(now)


class IncidentsConfig(AppConfig):
    name = "peerline.incidents"
    label = "incidents"
    verbose_name = "Critical incidents"

    def ready(self) -> None:
        from peerline.core.jobs import periodic
        from peerline.notifications.outbox import register_renderer

        from .links import fill_links

        # One-tap links are made as the page is sent; the outbox row holds placeholders.
        register_renderer(fill_links)

        # The worker runs escalation (2011 §3.3) often: a page times out in minutes. Erasure of
        # who was involved runs hourly (retention is counted in days).
        periodic("incidents.escalation", every=timedelta(seconds=30))(escalation_tick)
        periodic("incidents.retention", every=timedelta(hours=1))(retention_tick)
