from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "peerline.incidents"
    label = "incidents"
    verbose_name = "Critical incidents"
