"""Links on the home page's role cards (issue 17)."""

import pytest

from peerline.accounts.models import Role


@pytest.mark.parametrize("role", [Role.COMMAND_STAFF, Role.STEERING_COMMITTEE])
def test_steering_and_command_staff_find_the_volunteer_page_on_their_card_issue_17(
    client_for, role
):
    assert 'href="/team/volunteer/"' in client_for(role).get("/").content.decode()
