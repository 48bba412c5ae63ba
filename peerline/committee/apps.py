from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "peerline.committee"
    label = "committee"
    verbose_name = "Steering committee and clinical oversight"
