from datetime import datetime, timedelta

from django.apps import AppConfig


def escalation_tick(now: datetime) -> None:
    from .services import escalate_due

    escalate_due(now=now)


def erasure_tick(now: datetime) -> None:
    from .links import purge_expired
    from .services import erase_due

    erase_due(now=now)
    purge_expired(now)


class SupportConfig(AppConfig):
    name = "peerline.support"
    label = "support"
    verbose_name = "Requests for a peer"

    def ready(self) -> None:
        from peerline.core.jobs import periodic
        from peerline.notifications.outbox import register_renderer

        from .links import fill_links

        # One-tap links are made as the page is sent; the outbox row holds a placeholder.
        register_renderer(fill_links)

        # A request waits minutes, not hours, before it goes to the next PSPs (2011 §3.6); the
        # callback details are erased within a minute of their window ending (DESIGN principle 8).
        periodic("support.escalation", every=timedelta(seconds=30))(escalation_tick)
        periodic("support.erasure", every=timedelta(minutes=1))(erasure_tick)
