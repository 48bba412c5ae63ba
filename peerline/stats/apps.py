from datetime import datetime, timedelta

from django.apps import AppConfig


def close_periods_job(now: datetime) -> None:
    """Close the quarters past their grace period, in every agency's own date (the worker runs it
    hourly, so a quarter closes within an hour of its day in every time zone)."""
    from .releases import periods_close_due

    # One agency's failure is logged by name and the others are closed all the same.
    periods_close_due()


class StatsConfig(AppConfig):
    name = "peerline.stats"
    label = "stats"
    verbose_name = "Utilisation statistics"

    def ready(self) -> None:
        from peerline.core.jobs import periodic

        periodic("stats.close-periods", every=timedelta(hours=1))(close_periods_job)
