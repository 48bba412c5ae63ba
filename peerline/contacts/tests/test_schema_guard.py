"""The contact table can hold nothing identifying (2011 §6.7; 2006 Confidentiality 6).

This test fails the build when someone adds a free-text field or a link to a person.
"""

from django.db import models

from peerline.contacts.models import Contact

# The only relations a contact may have: its agency, the PSP who logged it, and the agency's
# list of confidentiality exceptions. No link to a recipient, ever.
ALLOWED_RELATIONS = {
    "agency": "agencies.agency",
    "peer_supporter": "accounts.user",
    "exception": "governance.confidentialityexception",
}
# Character fields without a fixed list of choices: only the derived reporting period.
DERIVED_TEXT = {"period"}


def test_contact_has_no_free_text_and_no_person_link_2011_6_7():
    for field in Contact._meta.get_fields():
        if field.is_relation:
            assert field.name in ALLOWED_RELATIONS, f"{field.name} links a contact to something new"
            assert field.related_model._meta.label_lower == ALLOWED_RELATIONS[field.name]
            continue
        assert not isinstance(field, models.TextField | models.JSONField | models.BinaryField), (
            field.name
        )
        assert not isinstance(field, models.DateTimeField | models.TimeField), (
            f"{field.name}: a time narrows who"
        )
        if isinstance(field, models.CharField):
            assert field.choices or field.name in DERIVED_TEXT, (
                f"{field.name} would accept free text"
            )
            assert field.max_length <= 24
        else:
            assert isinstance(
                field,
                models.BooleanField | models.DateField | models.AutoField | models.BigAutoField,
            ), field.name


def test_the_month_is_stored_as_a_month_never_a_day():
    field = Contact._meta.get_field("month")
    assert isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def test_nothing_links_back_to_a_contact_from_a_person():
    """No model may point at a contact (a reverse link could attach a name to it)."""
    pointing = [rel.related_model._meta.label for rel in Contact._meta.related_objects]
    assert pointing == []
