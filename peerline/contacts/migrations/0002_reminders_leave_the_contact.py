"""Follow-up reminders leave the contact row: a contact no longer carries a day (2011 §6.7).

Each pending `Contact.follow_up_due` becomes the PSP's own reminder for the week it falls in,
with no link to the contact; then the field goes.
"""

from datetime import timedelta

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reminders_from_contacts(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    FollowUpReminder = apps.get_model("contacts", "FollowUpReminder")
    pending = Contact.objects.filter(follow_up_due__isnull=False).values_list(
        "agency_id", "peer_supporter_id", "follow_up_due"
    )
    FollowUpReminder.objects.bulk_create(
        FollowUpReminder(
            agency_id=agency_id,
            peer_supporter_id=psp_id,
            due_week=due - timedelta(days=due.weekday()),
        )
        for agency_id, psp_id, due in pending.iterator()
    )


def contacts_from_reminders(apps, schema_editor):
    """Going back cannot tie a reminder to its contact again (there is no link): they go."""
    apps.get_model("contacts", "FollowUpReminder").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_agency_activation_roles_and_more'),
        ('contacts', '0001_initial'),
        ('governance', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FollowUpReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_week', models.DateField(help_text='The Monday of the week the follow-up is due.')),
            ],
        ),
        migrations.AlterField(
            model_name='contact',
            name='period',
            field=models.CharField(max_length=7, validators=[django.core.validators.RegexValidator('^[0-9]{4}-Q[1-4]\\Z', 'A reporting period is YYYY-Qn.')]),
        ),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.CheckConstraint(condition=models.Q(('period__regex', '^[0-9]{4}-Q[1-4]\\Z')), name='contact_period_quarter'),
        ),
        migrations.AddField(
            model_name='followupreminder',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency'),
        ),
        migrations.AddField(
            model_name='followupreminder',
            name='peer_supporter',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='followupreminder',
            index=models.Index(fields=['peer_supporter', 'due_week'], name='reminder_psp_idx'),
        ),
        migrations.RunPython(reminders_from_contacts, contacts_from_reminders),
        migrations.RemoveField(
            model_name='contact',
            name='follow_up_due',
        ),
    ]
