from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "peerline.governance"
    label = "governance"
    verbose_name = "Program governance"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the defaults for new agencies)
