"""The consultation table can hold nothing identifying (2011 §5.1, §6.7), like contacts.

This test fails the build when someone adds a free-text field or a link to a person.
"""

from django.db import models

from peerline.clinical.models import Consultation

# The only relations a consultation may have: its agency and the clinician consulted (a
# professional, never the person it was about). No link to a recipient or to the PSP who asked.
ALLOWED_RELATIONS = {
    "agency": "agencies.agency",
    "clinician": "clinical.mentalhealthprofessional",
}


def test_consultation_has_no_free_text_and_no_person_link_2011_6_7():
    for field in Consultation._meta.get_fields():
        if field.is_relation:
            assert field.name in ALLOWED_RELATIONS, (
                f"{field.name} links a consultation to something new"
            )
            assert field.related_model._meta.label_lower == ALLOWED_RELATIONS[field.name]
            continue
        assert not isinstance(field, models.TextField | models.JSONField | models.BinaryField), (
            field.name
        )
        assert not isinstance(field, models.DateTimeField | models.TimeField), (
            f"{field.name}: a time narrows who"
        )
        if isinstance(field, models.CharField):
            assert field.choices, f"{field.name} would accept free text"
            assert field.max_length <= 24
        else:
            assert isinstance(field, models.DateField | models.AutoField | models.BigAutoField), (
                field.name
            )


def test_the_month_is_stored_as_a_month_never_a_day():
    field = Consultation._meta.get_field("month")
    assert isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def test_nothing_links_back_to_a_consultation():
    """No model may point at a consultation (a reverse link could attach a name to it)."""
    pointing = [rel.related_model._meta.label for rel in Consultation._meta.related_objects]
    assert pointing == []


def test_the_clinician_link_has_no_reverse_accessor():
    """A clinician's page cannot list "their" consultations: the link has no way back."""
    assert Consultation._meta.get_field("clinician").remote_field.related_name == "+"
