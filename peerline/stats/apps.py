from datetime import datetime, timedelta

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "peerline.stats"
    label = "stats"
    verbose_name = "Utilisation statistics"

    def ready(self) -> None:
        from peerline.core.jobs import periodic

        periodic("stats.close_periods", every=timedelta(hours=6))(close_periods)


def close_periods(now: datetime) -> None:
    """The scheduled job: close every quarter past its grace period, in every agency (2011
    §3.1). Idempotent: a closed quarter is never closed again. `close-periods` does the same."""
    from . import releases

    releases.periods_close_due()
