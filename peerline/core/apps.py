from datetime import datetime, timedelta

from django.apps import AppConfig


def prune_backups(now: datetime) -> None:
    from .backup import prune

    prune(now=now)


def forget_old_workers(now: datetime) -> None:
    """Heartbeats of workers gone for a day: their rows only clutter the list."""
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


class CoreConfig(AppConfig):
    name = "peerline.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .jobs import periodic

        periodic("core.prune-backups", every=timedelta(hours=6))(prune_backups)
        periodic("core.forget-old-workers", every=timedelta(hours=6))(forget_old_workers)
