from django.apps import AppConfig


class ManualConfig(AppConfig):
    name = "peerline.manual"
    label = "manual"
    verbose_name = "Procedures manual"
