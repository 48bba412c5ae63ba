# The partner's removal keeps the host's requests (SET_NULL), each with the partner's name.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_partner_names(apps, schema_editor):
    """Each existing request names its partner as the partner is named now: one UPDATE."""
    request_model = apps.get_model("incidents", "MutualAidRequest")
    agency_model = apps.get_model("agencies", "Agency")
    request_model.objects.filter(partner__isnull=False).update(
        partner_name=Subquery(
            agency_model.objects.filter(pk=OuterRef("partner_id")).values("name")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_agency_activation_roles_and_more'),
        ('incidents', '0005_deployment_outlives_the_person_removed'),
    ]

    operations = [
        migrations.AddField(
            model_name='mutualaidrequest',
            name='partner_name',
            field=models.CharField(default='', max_length=200),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='mutualaidrequest',
            name='partner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='agencies.agency'),
        ),
        # Last: on PostgreSQL no ALTER TABLE follows the UPDATE in this transaction.
        migrations.RunPython(fill_partner_names, migrations.RunPython.noop),
    ]
