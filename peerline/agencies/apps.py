from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "peerline.agencies"
    label = "agencies"
    verbose_name = "Agencies and personnel"
