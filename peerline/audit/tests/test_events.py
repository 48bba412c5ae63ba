"""Each event is written once, in the transaction of its change (issue 11 §6, issue 14 item 6:
every service that takes `by` records who acted)."""

from datetime import timedelta

import pytest
from axes import signals as axes_signals
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from peerline.accounts.models import Membership, Role
from peerline.audit import receivers
from peerline.audit.actor import acting_as
from peerline.audit.models import AuditEvent
from peerline.audit.services import verify
from peerline.incidents import services as incidents
from peerline.incidents.models import IncidentType
from peerline.incidents.tests.helpers import T0, incident
from peerline.team import services as team
from peerline.team.models import Outcome, RecommenderRelation, Status
from peerline.team.tests.helpers import login_for, psp_in, selected_candidate, today
from peerline.testing import personas as p

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


class Refused(Exception):
    pass


def events(action, **lookup):
    return list(AuditEvent.objects.filter(action=action, **lookup))


def everything() -> str:
    return str(list(AuditEvent.objects.values()))


def one(action, **lookup):
    found = events(action, **lookup)
    assert len(found) == 1, f"{action}: {len(found)} events"
    return found[0]


@pytest.fixture
def admin(users):
    return users[Role.SYSTEM_ADMIN]


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


# -- signing in -----------------------------------------------------------------------------


def test_a_sign_in_is_recorded_with_who_and_their_agency(client, agency, coordinator):
    coordinator.set_password(PASSWORD)
    coordinator.save()
    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    event = one("auth.signed_in")
    assert (event.actor_id, event.actor_label) == (coordinator.pk, coordinator.username)
    assert (event.agency_id, event.target) == (agency.pk, f"user:{coordinator.pk}")


def test_a_failed_sign_in_names_the_account_never_the_password(client, agency, coordinator):
    coordinator.set_password(PASSWORD)
    coordinator.save()
    client.post(reverse("login"), {"username": coordinator.username, "password": "Guess-0451!"})
    event = one("auth.sign_in_failed")
    assert (event.actor_id, event.actor_label) == (None, "anonymous")
    assert (event.agency_id, event.target, event.detail) == (
        agency.pk,
        f"user:{coordinator.pk}",
        {},
    )
    assert "Guess-0451" not in everything()
    assert not events("auth.signed_in")


def test_a_failed_sign_in_on_no_account_keeps_nothing_of_what_was_typed(client, agency):
    # People type their password into the name field; it must not land in the trail.
    client.post(reverse("login"), {"username": "Hunter2-my-password", "password": "x"})
    event = one("auth.sign_in_failed")
    assert (event.agency_id, event.target, event.detail) == (None, "", {})
    assert "Hunter2" not in everything()


def test_a_lockout_names_the_account_locked(agency, coordinator):
    receivers.locked_out(sender=None, request=None, username=coordinator.username)
    event = one("auth.locked_out")
    assert (event.agency_id, event.target) == (agency.pk, f"user:{coordinator.pk}")


def test_a_lockout_from_django_axes_is_recorded(agency, coordinator):
    axes_signals.user_locked_out.send(
        sender="axes", request=None, username=coordinator.username, ip_address="192.0.2.1"
    )
    assert one("auth.locked_out").target == f"user:{coordinator.pk}"
    assert "192.0.2.1" not in everything()


# -- roles ----------------------------------------------------------------------------------


def test_role_grants_and_removals_name_who_acted(agency, admin):
    person = p.make_user("new-coordinator")
    with acting_as(admin):
        membership = Membership.objects.create(user=person, agency=agency, role=Role.COORDINATOR)
        membership.role = Role.STEERING_COMMITTEE
        membership.save()
        membership.delete()
    mine = {"target": f"user:{person.pk}"}
    granted, changed, removed = (
        one(a, **mine) for a in ("role.granted", "role.changed", "role.removed")
    )
    for event in (granted, changed, removed):
        assert (event.actor_id, event.agency_id, event.target) == (
            admin.pk,
            agency.pk,
            f"user:{person.pk}",
        )
    assert granted.detail == {"role": "coordinator"}
    assert changed.detail == {"old": "coordinator", "new": "steering_committee"}
    assert removed.detail == {"role": "steering_committee"}


def test_deleting_an_agency_is_one_event_not_one_per_role(agency, admin):
    for n in range(3):
        Membership.objects.create(user=p.make_user(f"gone-{n}"), agency=agency, role=Role.EMPLOYEE)
    with acting_as(admin):
        agency.delete()
    assert not AuditEvent.objects.filter(action="role.removed").exists()
    deleted = one("agency.deleted")
    assert (deleted.actor_id, deleted.target, deleted.detail) == (
        admin.pk,
        f"agency:{deleted.agency_id}",
        {"code": "TEST"},
    )


def test_a_role_granted_in_the_admin_names_the_administrator(client, agency):
    root = p.make_user("root")
    root.is_staff = root.is_superuser = True
    root.save()
    person = p.make_user("new-psp")
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": person.pk, "agency": agency.pk, "role": Role.CLINICAL_ADVISOR},
    )
    assert response.status_code == 302
    event = one("role.granted", target=f"user:{person.pk}")
    assert (event.actor_id, event.actor_label, event.target) == (
        root.pk,
        "root",
        f"user:{person.pk}",
    )


def test_saving_a_membership_unchanged_writes_nothing(agency, coordinator):
    before = AuditEvent.objects.count()
    Membership.objects.get(user=coordinator).save()
    assert AuditEvent.objects.count() == before


# -- program settings and activation roles (2011 §3.2) ----------------------------------------


def test_settings_record_old_and_new_values_of_the_fields_changed(agency, admin):
    with acting_as(admin):
        agency.suppression_k = 15
        agency.training_hours_per_quarter = "6.5"
        agency.save()
    event = one("settings.changed")
    assert event.actor_id == admin.pk
    assert event.detail == {
        "suppression_k": {"old": 11, "new": 15},
        "training_hours_per_quarter": {"old": "4.0", "new": "6.5"},
    }
    assert not events("activation_roles.changed")


def test_activation_roles_have_their_own_event(agency, admin):
    with acting_as(admin):
        agency.activation_roles = ["command_staff"]
        agency.save()
        agency.save()  # nothing changed the second time
    assert one("activation_roles.changed").detail == {"old": [], "new": ["command_staff"]}
    assert not events("settings.changed")


def test_a_setting_changed_in_the_admin_is_recorded(client, agency):
    root = p.make_user("root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    form = (
        client.get(reverse("admin:agencies_agency_change", args=[agency.pk]))
        .context["adminform"]
        .form
    )
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"employees_per_psp": 30, "activation_roles": '["steering_committee"]'})
    data.update(
        {
            f"{prefix}-{key}": 0
            for prefix in ("divisions", "shifts")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        }
    )
    client.post(reverse("admin:agencies_agency_change", args=[agency.pk]), data)
    assert one("settings.changed").detail == {"employees_per_psp": {"old": 25, "new": 30}}
    assert one("activation_roles.changed").actor_id == root.pk


# -- incidents (issue 14 item 6) ------------------------------------------------------------


def test_incident_activation_and_closing_record_who_with_the_type_only(agency, chain, coordinator):
    inc = incident(agency, type=IncidentType.LINE_OF_DUTY_DEATH, principals=[chain.officer])
    incidents.activate(incident=inc, by=coordinator, now=T0)
    incidents.close(incident=inc, by=coordinator, now=T0 + timedelta(hours=4))
    for action in ("incident.activated", "incident.closed"):
        event = one(action)
        assert (event.actor_id, event.agency_id, event.target) == (
            coordinator.pk,
            agency.pk,
            f"incident:{inc.pk}",
        )
        assert event.detail == {"type": IncidentType.LINE_OF_DUTY_DEATH}


# -- selection and team status (2011 §4.1, §4.2) ---------------------------------------------


def test_selection_steps_record_who_acted(agency, chain, coordinator):
    recommender = login_for(chain.sergeant)
    psp = selected_candidate(chain.officer, coordinator, recommender)
    application = psp.applications.get()
    assert one("selection.recommendation_requested").detail == {"relation": "superior"}
    decided = one("selection.decided")
    assert (decided.actor_id, decided.target) == (coordinator.pk, f"application:{application.pk}")
    assert decided.detail == {"outcome": Outcome.SELECTED}
    clinician = p.make_user("panel-mhp", agency, Role.CLINICAL_ADVISOR)
    other = psp_in(Status.CANDIDATE, chain.officer2, selected=False)
    team.check_eligibility(
        application=other.applications.get(), eligible=True, note="", by=coordinator
    )
    team.set_panel(
        application=other.applications.get(),
        members=[(clinician, "mhp")],
        scheduled_for=None,
        location="",
        by=coordinator,
    )
    panel = one("selection.panel_set")
    assert (panel.actor_id, panel.detail) == (coordinator.pk, {"panelists": 1})


def test_team_status_changes_and_training_record_who_acted(agency, chain, coordinator):
    psp = psp_in(Status.ACTIVE, chain.officer)
    team.change_status(
        peer_supporter=psp,
        to=Status.INACTIVE,
        reason="Steps down",
        by=coordinator,
        on=today(agency),
    )
    event = one("team.status_changed")
    assert (event.actor_id, event.target) == (coordinator.pk, f"peer_supporter:{psp.pk}")
    assert event.detail == {"old": "active", "new": "inactive"}  # the reason is not copied
    candidate = psp_in(Status.CANDIDATE, chain.officer2, trained=False)
    team.record_initial_training(peer_supporter=candidate, on=today(agency), by=coordinator)
    assert one("team.initial_training_recorded").actor_id == coordinator.pk


def test_a_recommendation_asked_of_someone_outside_the_agency_leaves_no_event(
    agency, chain, coordinator, users
):
    candidate = psp_in(Status.CANDIDATE, chain.officer, selected=False)
    team.check_eligibility(
        application=candidate.applications.get(), eligible=True, note="", by=coordinator
    )
    with pytest.raises(team.TeamError, match="user of this agency"):
        team.request_recommendation(
            application=candidate.applications.get(),
            recommender=users["outsider"],
            relation=RecommenderRelation.PEER,
            by=coordinator,
        )
    assert not events("selection.recommendation_requested")


# -- a failing change leaves no event (the same transaction) ---------------------------------


def test_a_failing_change_leaves_no_event(agency, chain, admin, coordinator):
    psp = psp_in(Status.ACTIVE, chain.officer)
    inc = incident(agency, principals=[chain.officer2])
    incidents.activate(incident=inc, by=coordinator, now=T0)
    before = AuditEvent.objects.count()
    changes = [
        lambda: Membership.objects.create(user=admin, agency=agency, role=Role.COORDINATOR),
        lambda: Membership.objects.filter(user=coordinator).delete(),
        lambda: (setattr(agency, "suppression_k", 20), agency.save()),
        lambda: incidents.close(incident=inc, by=coordinator, now=T0),
        lambda: team.change_status(
            peer_supporter=psp, to=Status.INACTIVE, reason="x", by=coordinator, on=today(agency)
        ),
    ]
    for change in changes:
        with acting_as(admin), pytest.raises(Refused), transaction.atomic():
            change()
            raise Refused  # anything later in the same transaction fails
    assert AuditEvent.objects.count() == before
    assert verify().ok


# -- exports --------------------------------------------------------------------------------


def test_exports_are_recorded_with_who_and_which(client_for, agency, chain, users):
    coordinator_client = client_for(Role.COORDINATOR)
    psp = psp_in(Status.ACTIVE, chain.officer)
    downloads = [
        (coordinator_client, reverse("stats:program-csv"), "stats.program_csv"),
        (coordinator_client, reverse("training:report-csv"), "training.team_csv"),
        (
            coordinator_client,
            reverse("training:transcript-pdf", args=[psp.pk]),
            "training.transcript_pdf",
        ),
    ]
    for client, url, _ in downloads:
        assert client.get(url).status_code == 200
    found = {e.target: e for e in events("export.downloaded")}
    assert set(found) == {name for _, _, name in downloads}
    assert all(e.actor_id == users[Role.COORDINATOR].pk for e in found.values())
    assert all(e.agency_id == agency.pk for e in found.values())
    assert found["training.transcript_pdf"].detail == {
        "export": "training.transcript_pdf",
        "pk": str(psp.pk),
    }


def test_a_refused_export_writes_nothing(client_for, users):
    assert client_for(Role.EMPLOYEE).get(reverse("stats:program-csv")).status_code == 403
    assert not events("export.downloaded")


def test_the_actor_is_the_system_outside_a_request(agency):
    person = p.make_user("by-a-command")
    Membership.objects.create(user=person, agency=agency, role=Role.EMPLOYEE)
    event = one("role.granted", target=f"user:{person.pk}")
    assert (event.actor_id, event.actor_label) == (None, "system")
    assert AnonymousUser().pk is None
