from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "peerline.clinical"
    label = "clinical"
    verbose_name = "Clinical support"
