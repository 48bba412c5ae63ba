"""The topic catalogue of both editions and the mapping between them.

2011 §8.3.1–§8.3.24 (24 topics) and 2006 Training 3.1–3.21 (21 topics), worded as the texts word
them. The first eighteen topics and the last two of 2006 have an equivalent in 2011; some are
worded differently (2006 "AIDS" = 2011 "HIV and AIDS", "Burnout" = "Burn-out", "Crisis
management" = "Crisis management intervention", "When to seek mental health consultation" = "When
to seek *licensed* mental health consultation"). 2006 "Trauma intervention" has no equivalent;
2011 §8.3.19 (work-related critical incident stress management), §8.3.22 (relationship issues),
§8.3.23 (military support) and §8.3.24 (local resources) are new in 2011. Every topic without an
equivalent says so in `mapping_note`: mapped or explicitly unmapped, nothing left to chance.

The data is written out here, not imported from the app, so the migration never changes.
"""

from django.db import migrations

TOPICS_2011 = [
    "Confidentiality",
    "Role conflict",
    "Limits and liability",
    "Ethical issues",
    "Communication facilitation and listening skills",
    "Nonverbal communication",
    "Problem assessment",
    "Problem-solving skills",
    "Cross-cultural issues",
    "Psychological diagnoses",
    "Medical conditions often confused with psychiatric disorders",
    "Stress management",
    "Burn-out",
    "Grief management",
    "Domestic violence",
    "HIV and AIDS",
    "Suicide assessment",
    "Crisis management intervention",
    "Work-related critical incident stress management",
    "Alcohol and substance abuse",
    "When to seek licensed mental health consultation and referral information",
    "Relationship issues and concerns",
    "Military support",
    "Local Resources (e.g., social services, AA meetings, child care, and so on)",
]

TOPICS_2006 = [
    "Confidentiality",
    "Role conflict",
    "Limits and liability",
    "Ethical issues",
    "Communication facilitation and listening skills",
    "Nonverbal communication",
    "Problem assessment",
    "Problem-solving skills",
    "Cross-cultural issues",
    "Psychological diagnoses",
    "Medical conditions often confused with psychiatric disorders",
    "Stress management",
    "Burnout",
    "Grief management",
    "Domestic violence",
    "AIDS",
    "Suicide assessment",
    "Crisis management",
    "Trauma intervention",
    "Alcohol and substance abuse",
    "When to seek mental health consultation and referral information",
]

# (2006 position, 2011 position): the same topic in both editions.
MAPPING = [(n, n) for n in range(1, 19)] + [(20, 20), (21, 21)]

NOTES_2011 = {
    13: "2006 writes “Burnout”.",
    16: "2006 Training 3.16 “AIDS”.",
    18: "2006 Training 3.18 “Crisis management”.",
    19: "New in 2011; no 2006 equivalent (2006 lists trauma intervention, a different topic).",
    21: "2006 Training 3.21 does not say “licensed”.",
    22: "New in 2011; no 2006 equivalent.",
    23: "New in 2011; no 2006 equivalent.",
    24: "New in 2011; no 2006 equivalent.",
}
NOTES_2006 = {
    13: "2011 writes “Burn-out”.",
    16: "2011 §8.3.16 “HIV and AIDS”.",
    18: "2011 §8.3.18 “Crisis management intervention”.",
    19: "Only in 2006; the 2011 list has no trauma intervention topic.",
    21: "2011 §8.3.21 adds “licensed”.",
}


def load(apps, schema_editor):
    Topic = apps.get_model("training", "TrainingTopic")
    new = {
        n: Topic.objects.create(
            edition="2011",
            number=f"8.3.{n}",
            position=n,
            title=title,
            mapping_note=NOTES_2011.get(n, ""),
        )
        for n, title in enumerate(TOPICS_2011, start=1)
    }
    old = {
        n: Topic.objects.create(
            edition="2006",
            number=str(n),
            position=n,
            title=title,
            mapping_note=NOTES_2006.get(n, ""),
        )
        for n, title in enumerate(TOPICS_2006, start=1)
    }
    # Both directions of the symmetrical relation, written as rows: a historical model's
    # `add()` does not mirror them.
    Through = Topic.equivalents.through
    Through.objects.bulk_create(
        [
            Through(from_trainingtopic_id=a.pk, to_trainingtopic_id=b.pk)
            for n_2006, n_2011 in MAPPING
            for a, b in ((old[n_2006], new[n_2011]), (new[n_2011], old[n_2006]))
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("training", "TrainingTopic").objects.filter(agency__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
