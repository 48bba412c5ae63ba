from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "peerline.team"
    label = "team"
    verbose_name = "Peer support team"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the defaults for new agencies)
