from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peerline.training"
    label = "training"
    verbose_name = "Training"
