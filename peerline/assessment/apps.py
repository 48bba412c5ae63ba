from datetime import timedelta

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "peerline.assessment"
    label = "assessment"
    verbose_name = "Self-assessment"

    def ready(self) -> None:
        from peerline.core.jobs import periodic

        from .services import snapshot_all

        # The history over time: one snapshot of every agency's assessment a week.
        periodic("assessment.snapshot", every=timedelta(days=7))(snapshot_all)
