"""A posted choice of a row by a number no database can hold is an invalid choice, not a 500
(the form fuzzing posted 10**20 as a training topic; SQLite raised OverflowError)."""

import pytest
from django import forms

from peerline.agencies.models import Division
from peerline.core import validation

pytestmark = pytest.mark.django_db


class Form(forms.Form):
    one = validation.ModelChoiceField(queryset=Division.objects.all(), required=False)
    many = validation.ModelMultipleChoiceField(queryset=Division.objects.all(), required=False)


@pytest.mark.parametrize("number", [str(10**20), str(2**63), "-1", "0", "x"])
def test_a_number_no_row_can_have_is_an_invalid_choice(agency, number):
    form = Form({"one": number, "many": [number]})
    assert not form.is_valid()
    assert form.errors["one"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert form.errors["many"] == [f"“{number}” is not a valid value."]


def test_a_real_row_is_still_chosen(agency):
    patrol = agency.divisions.get(code="PATROL")
    form = Form({"one": str(patrol.pk), "many": [str(patrol.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == patrol and list(form.cleaned_data["many"]) == [patrol]
