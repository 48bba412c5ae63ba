from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "peerline.partners"
    label = "partners"
    verbose_name = "Partner agencies"
