"""The national referral resources every new agency starts with (2011 §2.3.5, §8.3.24).

The coordinator adds local ones (EAP, chaplains, meetings, child care, legal aid) and may edit or
delete these. Numbers as published by each service.
"""

from peerline.agencies.models import Agency

from .models import Resource, ResourceCategory

NATIONAL_RESOURCES: list[dict[str, object]] = [
    {
        "category": ResourceCategory.CRISIS_LINE,
        "name": "988 Suicide & Crisis Lifeline",
        "description": "Free, confidential support for anyone in suicidal crisis or emotional "
        "distress, and for those worried about someone.",
        "hours": "24/7",
        "always_open": True,
        "phone": "988",
        "text": "988",
        "website": "https://988lifeline.org",
    },
    {
        "category": ResourceCategory.CRISIS_LINE,
        "name": "Safe Call Now",
        "description": "Confidential crisis line for public safety employees and their "
        "families, staffed by former first responders and clinicians.",
        "hours": "24/7",
        "always_open": True,
        "phone": "206-459-3020",
        "website": "https://www.safecallnowusa.org",
    },
    {
        "category": ResourceCategory.DOMESTIC_VIOLENCE,
        "name": "National Domestic Violence Hotline",
        "description": "Confidential support, safety planning and local referrals.",
        "hours": "24/7",
        "always_open": True,
        "phone": "1-800-799-7233",
        "text": "START to 88788",
        "website": "https://www.thehotline.org",
    },
    {
        "category": ResourceCategory.CRISIS_LINE,
        "name": "SAMHSA National Helpline",
        "description": "Free, confidential treatment referral and information for mental "
        "health and substance use, in English and Spanish.",
        "hours": "24/7",
        "always_open": True,
        "phone": "1-800-662-4357",
        "website": "https://www.samhsa.gov/find-help/helplines/national-helpline",
    },
    {
        "category": ResourceCategory.CRISIS_LINE,
        "name": "Copline",
        "description": "Confidential helpline for law enforcement officers and their "
        "families, answered by retired officers.",
        "hours": "See copline.org",
        "always_open": False,
        "phone": "1-800-267-5463",
        "website": "https://copline.org",
    },
]


# Whom each serves beyond employees, as each service says (2011 §2.3.7 families, §1.1
# retirees): (families, retirees). Apart from NATIONAL_RESOURCES, which migration 0002 reads
# with the fields of its time.
SERVES: dict[str, tuple[bool, bool]] = {
    "988 Suicide & Crisis Lifeline": (True, True),  # anyone
    "Safe Call Now": (True, False),  # public safety employees and their families
    "National Domestic Violence Hotline": (True, True),  # anyone
    "SAMHSA National Helpline": (True, True),  # anyone
    "Copline": (True, True),  # active and retired officers and their families
}


def resources_create_defaults(*, agency: Agency) -> list[Resource]:
    """The national resources, for a new agency; those it already has by name are kept."""
    have = set(Resource.objects.filter(agency=agency).values_list("name", flat=True))
    return Resource.objects.bulk_create(
        [
            Resource(
                agency=agency,
                for_families=SERVES.get(str(fields["name"]), (False, False))[0],
                for_retirees=SERVES.get(str(fields["name"]), (False, False))[1],
                **fields,  # type: ignore[arg-type]
            )
            for fields in NATIONAL_RESOURCES
            if fields["name"] not in have
        ]
    )
