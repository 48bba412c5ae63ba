"""Fixtures shared by every test: an agency with a chain of command, and one persona per role."""

import pytest
from django.core.cache import cache
from django.test import Client

from peerline.accounts.models import Role
from peerline.testing import personas as p
from peerline.testing import second_factor


@pytest.fixture(autouse=True)
def _force_login_shows_a_second_factor(request, monkeypatch):
    """The suite's `force_login` gives a session that already showed its second factor (issue
    11 §3), as the persona would after the verify page; `@pytest.mark.unverified` keeps Django's
    own, for the tests of that step."""
    if request.node.get_closest_marker("unverified") is None:
        monkeypatch.setattr(Client, "force_login", second_factor.verified_force_login)


@pytest.fixture(autouse=True)
def _an_empty_cache():
    """The throttles count in the cache for a minute: a test run just before on the same worker
    must not have used up this one's sends (a kiosk request answered 429 under load)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _backups_in_a_temporary_folder(settings, tmp_path_factory):
    # The worker's jobs run in tests: never let them age a developer's real backups.
    settings.PEERLINE_BACKUP_DIR = tmp_path_factory.mktemp("backups")


@pytest.fixture
def agency(db):
    return p.make_agency()


@pytest.fixture
def chain(agency):
    return p.make_chain(agency)


@pytest.fixture
def other_agency(db):
    return p.make_agency(code="OTHER", name="Other County Sheriff")


@pytest.fixture
def users(agency, chain, other_agency):
    """A user for every role in `agency`, one with no role at all, and an outsider: a
    coordinator of another agency (who must see nothing of this one)."""
    found = {role: p.make_user(f"persona-{role.value}", agency, role) for role in Role}
    found["norole"] = p.make_user("persona-none")
    found["outsider"] = p.make_user("persona-outsider", other_agency, Role.COORDINATOR)
    return found


@pytest.fixture
def client_for(users):
    """`client_for(Role.COORDINATOR)` → a test client logged in as that persona."""

    def make(key):
        client = Client()
        client.force_login(users[key])
        return client

    return make
