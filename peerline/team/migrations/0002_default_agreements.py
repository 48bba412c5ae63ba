"""Version 1 of the confidentiality agreement for agencies created before the team app."""

from django.db import migrations
from django.utils import timezone


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    from peerline.team.defaults import AGREEMENT_TEXT

    Agency = apps.get_model("agencies", "Agency")
    Agreement = apps.get_model("team", "ConfidentialityAgreement")
    for agency in Agency.objects.exclude(confidentiality_agreements__isnull=False):
        Agreement.objects.create(
            agency=agency, version=1, text=AGREEMENT_TEXT, published_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("team", "0001_initial"), ("agencies", "0002_agency_employees_per_psp_agency_min_service_months")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
