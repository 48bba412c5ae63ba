"""The outbox knows nothing of incidents (issue 14.2): the foreign keys to a deployment and a
mutual-aid request become a generic `topic` string ("deployment:<pk>", "mutual-aid:<pk>"), filled
from the keys before they are dropped."""

from django.db import migrations, models


def fill_topics(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.exclude(deployment=None).only("pk", "deployment_id"):
        Notification.objects.filter(pk=row.pk).update(topic=f"deployment:{row.deployment_id}")
    for row in Notification.objects.exclude(mutual_aid=None).only("pk", "mutual_aid_id"):
        Notification.objects.filter(pk=row.pk).update(topic=f"mutual-aid:{row.mutual_aid_id}")


def fill_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.exclude(topic="").only("pk", "topic"):
        kind, _, pk = row.topic.partition(":")
        if kind == "deployment":
            Notification.objects.filter(pk=row.pk).update(deployment_id=int(pk))
        elif kind == "mutual-aid":
            Notification.objects.filter(pk=row.pk).update(mutual_aid_id=int(pk))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="topic",
            field=models.CharField(blank=True, db_index=True, max_length=100),
        ),
        migrations.RunPython(fill_topics, fill_keys),
        migrations.RemoveField(model_name="notification", name="deployment"),
        migrations.RemoveField(model_name="notification", name="mutual_aid"),
    ]
