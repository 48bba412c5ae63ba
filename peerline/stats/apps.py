from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "peerline.stats"
    label = "stats"
    verbose_name = "Utilisation statistics"
