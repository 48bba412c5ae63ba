"""The coordinator and the steering committee own the limits (2011 §6.1–§6.5)."""

from peerline.accounts.models import Role
from peerline.audit.models import AuditEvent
from peerline.governance.selectors import limits_statement


def test_the_committee_adds_words_orders_and_removes_limits_each_versioned_2011_6_3(
    client_for, agency
):
    client = client_for(Role.STEERING_COMMITTEE)
    response = client.post("/program/limits/", {"label": "Sexual harassment",
                                                "procedure": "Tell the coordinator at once."})  # fmt: skip
    assert response.status_code == 302
    added = agency.confidentiality_exceptions.get(label="Sexual harassment")
    client.post(f"/program/limits/{added.pk}/move/", {"direction": "up"})
    assert limits_statement(agency=agency)[-2:] == ["Sexual harassment", "Elder abuse"]
    client.post(f"/program/limits/{added.pk}/", {"label": "Sexual harassment at work",
                                                 "procedure": "Tell the coordinator at once."})  # fmt: skip
    client.post(f"/program/limits/{added.pk}/remove/")
    assert limits_statement(agency=agency) == [
        "Threat to self", "Threat to others", "Child abuse", "Elder abuse",
    ]  # fmt: skip
    page = client.get("/program/limits/").content.decode()
    for change in ("Added “Sexual harassment”", "moved up", "renamed “Sexual harassment at work”",
                   "Removed “Sexual harassment at work”"):  # fmt: skip
        assert change in page
    assert "persona-steering_committee" in page  # who
    assert agency.limits_versions.count() == 5  # the defaults and four changes
    assert AuditEvent.objects.filter(action="limits.changed", agency=agency).count() == 5


def test_a_limit_needs_a_procedure_and_a_new_name_2011_6_3(client_for, agency):
    client = client_for(Role.COORDINATOR)
    page = client.post("/program/limits/", {"label": "Threat to self", "procedure": ""})
    body = page.content.decode()
    assert page.status_code == 200 and "Nothing was saved" in body
    assert "Say what the peer supporter does" in body


def test_every_employee_reads_the_jurisdiction_table_with_the_counsel_note_2011_2_2_3(
    client_for,
):
    page = client_for(Role.EMPLOYEE).get("/program/jurisdictions/").content.decode()
    assert "Your agency: Illinois" in page and "Wyoming" in page and "34 U.S.C. § 50901" in page
    assert page.count("Confirm with your agency") >= 52
