"""`peerline agency-create`: a new agency from nothing, validated like the admin's."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from peerline.agencies.models import Agency
from peerline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_creates_an_agency_with_the_admins_defaults(capsys):
    call_command(
        "agency-create", "DPD", "--name", "Denver Police Department", "--state", "co",
        "--time-zone", "America/Denver", "--edition", "2006",
    )  # fmt: skip
    agency = Agency.objects.get(code="DPD")
    assert (agency.state, agency.time_zone, agency.guideline_edition) == (
        "CO", "America/Denver", "2006",
    )  # fmt: skip
    # The model's defaults, as an agency added in the admin gets them.
    assert (agency.suppression_k, agency.incident_retention_days) == (11, 30)
    # What the apps seed on a new agency (confidentiality exceptions, agreement, …): the same
    # rows as for an agency saved through the admin's form.
    by_admin = Agency.objects.create(
        code="ADM", name="Admin-made", state="CO", time_zone="America/Denver",
        guideline_edition="2006",
    )  # fmt: skip
    assert seeded_rows(agency) == seeded_rows(by_admin)
    assert sum(seeded_rows(agency).values()) >= 2
    assert AuditEvent.objects.filter(action="agency.created", target="DPD").exists()
    assert "Created DPD" in capsys.readouterr().out


def seeded_rows(agency):
    counts = {}
    for rel in Agency._meta.related_objects:
        if rel.one_to_many and rel.field.name == "agency":
            counts[rel.related_model._meta.label] = rel.related_model._base_manager.filter(
                agency=agency
            ).count()
    counts.pop("audit.AuditEvent", None)
    return counts


@pytest.mark.parametrize(
    ("state", "zone", "message"),
    [
        ("CO", "America/Denvr", "America/Denvr is not a time zone name"),
        ("CO", "Mountain", "Mountain is not a time zone name"),
        ("XX", "America/Denver", "XX is not a two-letter US state"),
    ],
)
def test_an_unknown_zone_or_state_is_a_clear_error_and_nothing_is_created(state, zone, message):
    with pytest.raises(CommandError, match=message):
        call_command("agency-create", "BAD", "--name", "Bad", "--state", state, "--time-zone", zone)
    assert not Agency.objects.filter(code="BAD").exists()


def test_the_model_refuses_a_mistyped_time_zone_wherever_it_is_set(agency):
    agency.time_zone = "America/Chicgo"
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert set(error.value.message_dict) == {"time_zone"}


def test_the_admin_form_shows_the_time_zone_error_next_to_the_field(rf, agency):
    model_admin = site._registry[Agency]
    form_class = model_admin.get_form(rf.get("/"), obj=None)
    data = {
        "code": "NEW", "name": "New", "state": "IL", "time_zone": "Europe/Chicago",
        "guideline_edition": "2011", "suppression_k": 11, "training_hours_per_quarter": 4,
        "repeat_contact_threshold": 4, "employees_per_psp": 25, "min_service_months": 12,
        "page_timeout_minutes": 10, "incident_retention_days": 30, "activation_roles": "[]",
    }  # fmt: skip
    form = form_class(data=data)
    assert not form.is_valid()
    assert list(form.errors) == ["time_zone"]
