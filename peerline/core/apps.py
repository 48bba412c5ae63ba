from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peerline.core"
    label = "core"
    verbose_name = "Core"
