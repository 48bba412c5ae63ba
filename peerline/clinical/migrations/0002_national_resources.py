"""The national referral resources for agencies created before the clinical app (2011 §8.3.24).

New agencies get them from a post_save signal (`peerline.clinical.signals`).
"""

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    from peerline.clinical.defaults import NATIONAL_RESOURCES

    Agency = apps.get_model("agencies", "Agency")
    Resource = apps.get_model("clinical", "Resource")
    for agency in Agency.objects.all():
        have = set(Resource.objects.filter(agency=agency).values_list("name", flat=True))
        Resource.objects.bulk_create(
            [
                Resource(agency=agency, **{key: str(value) if key == "category" else value for key, value in fields.items()})
                for fields in NATIONAL_RESOURCES
                if fields["name"] not in have
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("clinical", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
