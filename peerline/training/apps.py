import importlib
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

CATALOGUE_MIGRATION = ("training", "0002_topic_catalogue")


def restore_catalogue(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Put the editions' topics back after a database flush (as Django's test cases do between
    transactional tests), with the data of the migration that loaded them. Nothing to do when
    they are there, or before that migration has run."""
    models = kwargs.get("apps") or global_apps
    try:
        topic = models.get_model("training", "TrainingTopic")
    except LookupError:
        return
    if topic.objects.using(using).filter(agency__isnull=True).exists():
        return
    if CATALOGUE_MIGRATION not in MigrationRecorder(connections[using]).applied_migrations():
        return
    migration = importlib.import_module("peerline.training.migrations.0002_topic_catalogue")
    migration.load(models, None)


class TrainingConfig(AppConfig):
    name = "peerline.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        post_migrate.connect(restore_catalogue, sender=self, dispatch_uid="training-catalogue")
