from datetime import datetime

from django.apps import AppConfig


def escalation_tick(now: datetime) -> None:
    from .services import escalate_due

    escalate_due(now)


def retention_tick(now: datetime) -> None:
    from .services import erase_expired

    erase_expired(now)


class IncidentsConfig(AppConfig):
    name = "peerline.incidents"
    label = "incidents"
    verbose_name = "Critical incidents"

    def ready(self) -> None:
        # The worker runs escalation (2011 §3.3) and retention erasure on each loop.
        try:
            from peerline.notifications.worker import register_tick
        except ImportError:  # the notifications app is not there: nothing runs the ticks
            return
        register_tick(escalation_tick)
        register_tick(retention_tick)
