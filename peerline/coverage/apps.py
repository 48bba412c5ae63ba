from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "peerline.coverage"
    label = "coverage"
    verbose_name = "Coverage and planning"
