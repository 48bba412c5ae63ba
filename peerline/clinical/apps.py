from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "peerline.clinical"
    label = "clinical"
    verbose_name = "Clinical support"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the national resources for new agencies)
