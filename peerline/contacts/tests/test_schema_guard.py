"""A contact or a consultation row can hold nothing that dates or identifies it (2011 §6.7;
2006 Confidentiality 6; for consultations also 2011 §5.1).

`schema_breaches` lists every field of a model that is not one of the allowed kinds: the primary
key, a boolean, a `CharField` with a fixed list of choices or with a pattern enforced both by a
validator and by a database check constraint, the `month` (a `DateField`, never a day), and the
links the model is allowed (never to a person other than the PSP). Anything else (another date,
a time, a number, free text, a link to a recipient) fails the build.
"""

import re

import pytest
from django.core.validators import RegexValidator
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import Q
from django.test.utils import isolate_apps

from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.clinical.models import Consultation
from peerline.contacts import services
from peerline.contacts.models import PERIOD_PATTERN, Contact

# The only links allowed: the agency, the PSP who logged a contact (so they can correct it), the
# agency's list of confidentiality exceptions, and the clinician consulted (a professional, never
# the person it was about). No link to a recipient, ever.
CONTACT_LINKS = {
    "agency": "agencies.agency",
    "peer_supporter": "accounts.user",
    "exception": "governance.confidentialityexception",
}
CONSULTATION_LINKS = {
    "agency": "agencies.agency",
    "clinician": "clinical.mentalhealthprofessional",
}


def _label(model) -> str:
    return model.lower() if isinstance(model, str) else model._meta.label_lower


def _constrained_patterns(model) -> dict[str, set[str]]:
    """{field: regex patterns} of the model's check constraints of the form `field__regex`."""
    found: dict[str, set[str]] = {}
    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if isinstance(condition, Q):
            for child in condition.children:
                if isinstance(child, tuple) and child[0].endswith("__regex"):
                    found.setdefault(child[0].removesuffix("__regex"), set()).add(child[1])
    return found


def schema_breaches(model, links: dict[str, str]) -> list[str]:
    """Every field of `model` that could date or identify a row, with why."""
    breaches = []
    checked = _constrained_patterns(model)
    for field in model._meta.get_fields():
        name = field.name
        if field.auto_created and not field.concrete:
            breaches.append(f"{name}: another model links to this row")
        elif field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        elif field.is_relation:
            target = _label(field.related_model)
            if links.get(name) != target:
                breaches.append(f"{name}: a link to {target}")
        elif isinstance(field, models.DateTimeField | models.TimeField | models.DurationField):
            breaches.append(f"{name}: a time")
        elif isinstance(field, models.DateField):
            if name != "month":
                breaches.append(f"{name}: a date other than the month")
        elif type(field) is models.BooleanField:
            continue
        elif type(field) is models.CharField:
            patterns = {v.regex.pattern for v in field.validators if isinstance(v, RegexValidator)}
            if field.choices:
                continue
            if not patterns:
                breaches.append(f"{name}: free text (no choices, no pattern)")
            elif not patterns & checked.get(name, set()):
                breaches.append(f"{name}: its pattern is not a database check constraint")
        else:
            breaches.append(f"{name}: a {type(field).__name__} is not an allowed kind")
    return breaches


def test_a_contact_row_holds_only_allowed_kinds_2011_6_7():
    assert schema_breaches(Contact, CONTACT_LINKS) == []


def test_a_consultation_row_holds_only_allowed_kinds_2011_5_1_6_7():
    assert schema_breaches(Consultation, CONSULTATION_LINKS) == []
    # A clinician's page cannot list "their" consultations: the link has no way back.
    assert Consultation._meta.get_field("clinician").remote_field.related_name == "+"


@isolate_apps("peerline.contacts")
def test_the_guard_rejects_a_new_date_a_time_free_text_and_a_person_link_2011_6_7():
    class Tempting(models.Model):
        agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE)
        month = models.DateField()
        follow_up_due = models.DateField(null=True)
        logged_at = models.TimeField()
        notes = models.TextField()
        badge = models.CharField(max_length=8)
        shift = models.CharField(max_length=8, validators=[RegexValidator(r"^[A-C]\Z")])
        hours = models.PositiveSmallIntegerField()
        recipient = models.ForeignKey("agencies.Employee", on_delete=models.CASCADE)

        class Meta:
            app_label = "contacts"

        def __str__(self) -> str:
            return "tempting"

    breaches = schema_breaches(Tempting, {"agency": "agencies.agency"})
    assert [b.split(":")[0] for b in breaches] == [
        "follow_up_due",
        "logged_at",
        "notes",
        "badge",
        "shift",
        "hours",
        "recipient",
    ]


def test_the_period_is_a_quarter_in_the_database_too_2011_6_7(agency, users):
    """The check constraint works on SQLite and PostgreSQL, whatever writes the row."""
    assert re.fullmatch(PERIOD_PATTERN.removeprefix("^").removesuffix(r"\Z"), "2026-Q3")
    month = clock.local_today(agency).replace(day=1)
    contact = services.contact_log(
        agency=agency,
        peer_supporter=users[Role.PEER_SUPPORTER],
        data={
            "month": month,
            "activity": "grief",
            "recipient_group": "sworn",
            "mode": "phone",
            "initiated_by": "self",
            "duration": "lt15",
            "limits_explained": True,
            "role_conflict": False,
            "prior_contacts": "first",
        },
    )
    for bad in ["2026-Q3\n", "2026-Q5", "2026", "Jan 12", "２０２６-Q3", "2026-q3"]:
        # PostgreSQL refuses a value past max_length before the check: either way, refused.
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Contact.objects.filter(pk=contact.pk).update(period=bad)
    contact.refresh_from_db()
    assert contact.period == periods.quarter_of(month)


def test_the_month_is_stored_as_a_month_never_a_day():
    for model in (Contact, Consultation):
        field = model._meta.get_field("month")
        assert isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
