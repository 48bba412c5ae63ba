"""Whom a contact may be with: only the groups the agency's program serves (2011 §1.1, §2.3.7).
The phone form offers them and the API refuses the others, by one rule
(`services.recipient_groups`)."""

import re

import pytest

from peerline.accounts.models import Role
from peerline.contacts.models import Contact

from .test_api import payload
from .test_views import LOG, form_data, logged


def _offered(html: str) -> set[str]:
    return set(re.findall(r'name="recipient_group" value="([^"]+)"', html))


def _serve(agency, *, families: bool, retirees: bool) -> None:
    agency.serves_families, agency.serves_retirees = families, retirees
    agency.save(update_fields=["serves_families", "serves_retirees"])


@pytest.fixture
def psp(client_for):
    return client_for(Role.PEER_SUPPORTER)


@pytest.mark.parametrize(
    ("families", "retirees", "expected"),
    [
        (True, True, {"sworn", "civilian", "family", "retiree", "other_agency"}),
        (False, True, {"sworn", "civilian", "retiree", "other_agency"}),
        (True, False, {"sworn", "civilian", "family", "other_agency"}),
        (False, False, {"sworn", "civilian", "other_agency"}),
    ],
)
def test_the_form_offers_only_the_groups_the_agency_serves_2011_2_3_7(
    psp, agency, families, retirees, expected
):
    _serve(agency, families=families, retirees=retirees)
    assert _offered(psp.get(LOG).content.decode()) == expected


def test_the_form_refuses_a_group_the_agency_does_not_serve(psp, agency):
    _serve(agency, families=False, retirees=True)
    response = psp.post(LOG, form_data(agency, recipient_group="family"))
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Contact.objects.exists()
    assert psp.post(LOG, form_data(agency, recipient_group="retiree")).status_code == 302


@pytest.mark.parametrize(
    ("group", "words"), [("family", "employees' families"), ("retiree", "retirees")]
)
def test_the_api_refuses_a_group_the_agency_does_not_serve_with_why(psp, agency, group, words):
    _serve(agency, families=False, retirees=False)
    response = psp.post(
        "/api/v1/contacts", payload(agency, recipient_group=group), content_type="application/json"
    )
    assert response.status_code == 422
    message = response.json()["detail"]
    assert f"does not serve {words}" in message and "2011 §1.1, §2.3.7" in message
    assert not Contact.objects.exists()
    ok = psp.post(
        "/api/v1/contacts",
        payload(agency, recipient_group="sworn"),
        content_type="application/json",
    )
    assert ok.status_code == 201


def test_a_contact_logged_before_the_change_can_still_be_corrected(psp, agency, users):
    contact = logged(agency, users[Role.PEER_SUPPORTER], recipient_group="family")
    _serve(agency, families=False, retirees=False)
    edit = f"/contacts/{contact.pk}/edit/"
    assert _offered(psp.get(edit).content.decode()) == {
        "sworn",
        "civilian",
        "family",
        "other_agency",
    }
    response = psp.post(edit, form_data(agency, recipient_group="family", duration="1-2h"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.recipient_group, contact.duration) == ("family", "1-2h")
    # Changing it to the other group no longer served is refused.
    assert psp.post(edit, form_data(agency, recipient_group="retiree")).status_code == 200
    contact.refresh_from_db()
    assert contact.recipient_group == "family"
