"""Fixtures shared by every test: an agency with a chain of command, and one persona per role."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from whitenoise.middleware import WhiteNoiseMiddleware

from peerline.accounts.models import Role
from peerline.testing import personas as p
from peerline.testing import second_factor


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once() -> Iterator[None]:
    """WhiteNoise lists every static file (a stat and the headers of each) when its middleware
    is built: once per process in a server, but once per test `Client` here, since each client
    builds its own middleware chain; that was most of the denial matrix's time. No test changes
    the static files, so the first list is kept for the process, keyed by the settings that
    decide it (a test that changed them would get a fresh list)."""
    listed: dict[tuple[object, ...], dict[str, object]] = {}
    list_them = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = (
            self.static_prefix,
            tuple(map(str, settings.STATICFILES_DIRS)),
            tuple(settings.STATICFILES_FINDERS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            before = dict(self.files)
            list_them(self)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(autouse=True)
def _a_fast_password_hasher(request, settings):
    """Argon2 spends about 0.2 s of CPU on every hash and every check, by design: some 40 s of
    the suite's CPU on SQLite (175 hashes and checks, 6% of the suite). Tests hash with MD5
    (Django's advice for test suites); Argon2 stays listed, so a hash made with it (a module's
    demo, the browser tests' password) still checks. A test of the hashing itself is marked
    `argon2` and keeps the configured hashers."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = [FAST_HASHER, *settings.PASSWORD_HASHERS]


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
