"""The referral resource directory (2011 §2.3.5, §8.3.24)."""

import importlib

from django.apps import apps
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.clinical.models import Resource
from peerline.testing import personas as p

INDEX = reverse("resources:index")


def test_a_new_agency_gets_the_national_defaults_2011_8_3_24(db):
    agency = p.make_agency(code="NEW", name="New Town Police")
    found = {r.name: r for r in Resource.objects.filter(agency=agency)}
    assert set(found) == {
        "988 Suicide & Crisis Lifeline",
        "Safe Call Now",
        "National Domestic Violence Hotline",
        "SAMHSA National Helpline",
        "Copline",
    }
    lifeline = found["988 Suicide & Crisis Lifeline"]
    assert (lifeline.phone, lifeline.text, lifeline.always_open) == ("988", "988", True)
    assert "988lifeline.org" in lifeline.website
    assert found["Safe Call Now"].phone == "206-459-3020" and found["Safe Call Now"].always_open
    hotline = found["National Domestic Violence Hotline"]
    assert (hotline.phone, hotline.text, hotline.category) == (
        "1-800-799-7233",
        "START to 88788",
        "domestic_violence",
    )
    assert found["SAMHSA National Helpline"].phone == "1-800-662-4357"
    assert found["Copline"].phone == "1-800-267-5463"


def test_the_data_migration_gives_existing_agencies_the_defaults_once(agency):
    migration = importlib.import_module("peerline.clinical.migrations.0002_national_resources")
    Resource.objects.filter(agency=agency, name="Copline").delete()
    migration.create(apps, None)
    migration.create(apps, None)
    assert Resource.objects.filter(agency=agency).count() == 5
    assert Resource.objects.filter(agency=agency, name="Copline").count() == 1


def test_everyone_reads_the_directory_with_tap_to_call_and_text_links(client_for):
    html = client_for(Role.EMPLOYEE).get(INDEX).content.decode()
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
    assert 'href="tel:18007997233"' in html
    assert 'href="sms:88788?&amp;body=START"' in html
    assert 'href="https://988lifeline.org"' in html
    assert "Add a resource" not in html  # only the coordinator keeps it


def test_the_filters_work_without_javascript_by_category_and_24_7(client_for, agency):
    Resource.objects.create(agency=agency, category="eap", name="City EAP", hours="Mon–Fri")
    Resource.objects.create(
        agency=agency, category="child_care", name="Night nursery", always_open=True
    )
    client = client_for(Role.PEER_SUPPORTER)
    eap = client.get(INDEX, {"category": "eap"}).content.decode()
    assert "City EAP" in eap and "988 Suicide" not in eap and "Night nursery" not in eap
    always = client.get(INDEX, {"open": "on"}).content.decode()
    assert "Night nursery" in always and "988 Suicide" in always
    assert "City EAP" not in always and "Copline" not in always
    both = client.get(INDEX, {"category": "eap", "open": "on"}).content.decode()
    assert "No resource matches" in both


def test_the_coordinator_adds_edits_and_deletes_a_resource(client_for, agency):
    client = client_for(Role.COORDINATOR)
    assert "Add a resource" in client.get(INDEX).content.decode()
    response = client.post(
        reverse("resources:new"),
        {
            "category": "chaplain",
            "name": "Chaplain corps",
            "hours": "24/7",
            "always_open": "on",
            "phone": "720-555-0123",
        },
    )
    assert response.status_code == 302
    chaplain = Resource.objects.get(agency=agency, name="Chaplain corps")
    assert chaplain.always_open
    client.post(
        reverse("resources:edit", args=[chaplain.pk]),
        {"category": "chaplain", "name": "Chaplains", "website": "chaplains.example.org"},
    )
    chaplain.refresh_from_db()
    assert chaplain.name == "Chaplains" and chaplain.website == "https://chaplains.example.org"
    client.post(reverse("resources:delete", args=[chaplain.pk]))
    assert not Resource.objects.filter(pk=chaplain.pk).exists()


def test_other_roles_cannot_change_the_directory_and_another_agencys_resource_is_404(
    client_for, agency, other_agency
):
    mine = Resource.objects.filter(agency=agency).first()
    theirs = Resource.objects.filter(agency=other_agency).first()
    for role in (Role.PEER_SUPPORTER, Role.EMPLOYEE, Role.CLINICAL_ADVISOR, Role.COMMAND_STAFF):
        client = client_for(role)
        assert client.get(reverse("resources:new")).status_code == 403
        assert client.get(reverse("resources:edit", args=[mine.pk])).status_code == 403
        assert client.post(reverse("resources:delete", args=[mine.pk])).status_code == 403
    coordinator = client_for(Role.COORDINATOR)
    assert coordinator.get(reverse("resources:edit", args=[theirs.pk])).status_code == 404
    assert coordinator.post(reverse("resources:delete", args=[theirs.pk])).status_code == 404
    assert Resource.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    assert client_for("norole").get(INDEX).status_code == 403
