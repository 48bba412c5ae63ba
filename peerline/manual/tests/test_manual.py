"""The procedures manual (2011 §3.5): generated, versioned, approved, acknowledged, printed."""

from peerline.accounts.models import Role
from peerline.governance import services as limits
from peerline.manual.models import ManualVersion


def _publish(client_for):
    assert client_for(Role.COORDINATOR).post("/manual/draft/").status_code == 302
    draft = ManualVersion.objects.get(published_at__isnull=True)
    committee = client_for(Role.STEERING_COMMITTEE)
    assert (
        committee.post(
            f"/manual/versions/{draft.pk}/publish/", {"note": "Meeting of Nov 2"}
        ).status_code
        == 302
    )
    return draft


def test_the_manual_is_generated_from_live_settings_and_published_by_the_committee_2011_3_5(
    client_for, agency
):
    client_for(Role.COORDINATOR).post(
        "/manual/sections/new/", {"title": "Local procedures", "body": "Call dispatch first."}
    )
    version = _publish(client_for)
    page = client_for(Role.EMPLOYEE).get("/manual/").content.decode()
    assert "Version 1, approved by the steering committee" in page
    assert "Threat to self" in page and "Local procedures" in page
    assert "4 hours of update training" in page  # the default of 2011 §8.2
    assert "Confirm with your agency" in page  # the state's entry is shown
    version.refresh_from_db()
    assert version.approved_by.username == "persona-steering_committee"


def test_the_next_draft_shows_what_changed_against_the_published_one_2011_3_5(
    client_for, agency, users
):
    _publish(client_for)
    limit = agency.confidentiality_exceptions.get(category="elder_abuse")
    limits.limit_remove(limit=limit, by=users[Role.COORDINATOR])
    client_for(Role.COORDINATOR).post("/manual/draft/")
    page = client_for(Role.STEERING_COMMITTEE).get("/manual/").content.decode()
    assert (
        'class="peerline-diff__removed"><span class="usa-sr-only">removed: </span>− Elder abuse'
        in page
    )


def test_everyone_is_asked_to_acknowledge_and_the_coordinator_sees_the_rates(client_for, users):
    _publish(client_for)
    employee = client_for(Role.EMPLOYEE)
    assert (
        "Read and acknowledge the procedures manual, version 1"
        in employee.get("/").content.decode()
    )
    employee.post("/manual/acknowledge/")
    assert "Read and acknowledge" not in employee.get("/").content.decode()
    home = client_for(Role.COORDINATOR).get("/").content.decode()
    assert "Procedures manual v1: 1 of 7 people acknowledged (14%)" in home
    assert "Employee: 1 of 1 (100%)" in home


def test_the_manual_prints_as_a_pdf(client_for):
    _publish(client_for)
    response = client_for(Role.PEER_SUPPORTER).get("/manual/manual.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_section_or_note_with_a_control_character_or_too_long_is_refused_not_a_500(client_for):
    """Found by the form fuzzing on PostgreSQL, which refuses a NUL in text (a 500 there)."""
    from peerline.manual.models import ManualSection

    coordinator = client_for(Role.COORDINATOR)
    for title, body in [("Local\x00", "Text"), ("Local", "a\x00b"), ("x" * 201, "Text")]:
        page = coordinator.post("/manual/sections/new/", {"title": title, "body": body})
        assert page.status_code == 200
        assert "control characters" in page.content.decode() or "200 characters" in (
            page.content.decode()
        )
    assert not ManualSection.objects.exists()
    assert coordinator.post("/manual/draft/").status_code == 302
    draft = ManualVersion.objects.get()
    committee = client_for(Role.STEERING_COMMITTEE)
    committee.post(f"/manual/versions/{draft.pk}/publish/", {"note": "Nov\x002"})
    draft.refresh_from_db()
    assert draft.published_at is None
