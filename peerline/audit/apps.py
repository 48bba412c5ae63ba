from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peerline.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import jobs, receivers  # noqa: F401  (jobs registers the worker's hourly check)

        receivers.connect()
