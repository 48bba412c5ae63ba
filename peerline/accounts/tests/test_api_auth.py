import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from peerline.accounts import models as accounts_models
from peerline.accounts.models import ApiToken, Membership, Role
from peerline.core import rawsql
from peerline.testing.throttle import one_minute


def _token(username):
    out = StringIO()
    call_command("token", username, stdout=out)
    return out.getvalue().strip()


def test_peerline_token_prints_a_token_that_authenticates(users, client):
    key = _token("persona-coordinator")
    assert key.startswith(settings.API_TOKEN_PREFIX)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json() == {
        "username": "persona-coordinator",
        "agency": {"code": "TEST", "name": "Test City Police Department"},
        "roles": ["coordinator"],
    }


def test_only_a_hash_of_the_token_is_stored(users):
    key = _token("persona-coordinator")
    stored = ApiToken.objects.get()
    assert key not in stored.digest and len(stored.digest) == 64


def test_a_wrong_or_revoked_token_is_refused(users, client):
    key = _token("persona-coordinator")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer pl_wrong"}).status_code == 401
    ApiToken.objects.all().delete()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_a_deactivated_users_token_is_refused(users, client):
    key = _token("persona-coordinator")
    users[Role.COORDINATOR].is_active = False
    users[Role.COORDINATOR].save()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_an_expired_token_is_refused_and_one_with_no_role_is_forbidden(users, client):
    key = _token("persona-coordinator")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    nobody = _token("persona-none")  # a log-in with no role anywhere (the `users` fixture's)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {nobody}"}).status_code == 403
    )


def test_a_token_read_with_its_roles_picks_the_agency_the_header_names(users, client, other_agency):
    """The token's query brings the roles of every agency; the header still chooses one."""
    coordinator = users[Role.COORDINATOR]
    Membership.objects.create(user=coordinator, agency=other_agency, role=Role.STEERING_COMMITTEE)
    key = _token("persona-coordinator")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).json()
    assert (me["agency"]["code"], me["roles"]) == ("OTHER", ["steering_committee"])  # by code
    there = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {key}", "X-Peerline-Agency": "TEST"}
    ).json()
    assert (there["agency"]["code"], there["roles"]) == ("TEST", ["coordinator"])


def test_token_for_an_unknown_user_fails_loudly(db):
    with pytest.raises(CommandError, match="No active user"):
        _token("nobody")


def test_a_token_role_check_is_the_same_as_a_session_one(users, chain, client):
    key = _token("persona-command_staff")
    response = client.get("/api/v1/employees", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403


def test_the_roster_api_pages_the_current_agency_only(users, chain, client):
    key = _token("persona-coordinator")
    data = client.get("/api/v1/employees", headers={"Authorization": f"Bearer {key}"}).json()
    assert data["count"] == 8
    numbers = [item["employee_number"] for item in data["items"]]
    assert numbers == sorted(numbers)
    officer = next(item for item in data["items"] if item["employee_number"] == "2001")
    assert officer["supervisor_number"] == "1111" and officer["division"] == "PATROL"


def test_the_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Peerline API"
    assert "/api/v1/me" in schema["paths"]


def test_the_schema_documents_the_throttles_429_which_the_api_answers(
    users, client, settings, monkeypatch
):
    """An address past its wrong tokens gets 429 on every operation: the schema says so."""
    settings.PEERLINE_THROTTLE_PER_MINUTE = 2
    one_minute(monkeypatch)  # the count is per clock minute: one turning mid-test reset it
    for _ in range(2):
        client.get("/api/v1/me", headers={"Authorization": "Bearer pl_wrong"})
    key = _token("persona-coordinator")
    answered = client.get("/api/v1/agency", headers={"Authorization": f"Bearer {key}"})
    assert answered.status_code == 429
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_the_tokens_own_statement_reads_what_the_orm_would(
    users, other_agency, django_assert_num_queries
):
    """`for_key_with_roles` is written out in SQL (issue 18): the same rows as the ORM's
    query, aware datetimes, and the user and agencies in hand without another query."""
    coordinator = users[Role.COORDINATOR]
    Membership.objects.create(user=coordinator, agency=other_agency, role=Role.STEERING_COMMITTEE)
    key = _token("persona-coordinator")
    used = timezone.now() - timedelta(seconds=10)  # within the minute: no UPDATE
    ApiToken.objects.update(last_used_at=used)
    with django_assert_num_queries(1):
        token, roles = ApiToken.objects.for_key_with_roles(key)
        assert token.user.username == "persona-coordinator"
        assert [(r.agency.code, r.role, r.user.pk) for r in roles] == [
            ("OTHER", Role.STEERING_COMMITTEE, coordinator.pk),
            ("TEST", Role.COORDINATOR, coordinator.pk),
        ]
    stored = ApiToken.objects.select_related("user").get()
    assert (token.pk, token.last_used_at, token.expires_at) == (
        stored.pk, used, stored.expires_at,
    )  # fmt: skip
    assert token.user.date_joined == stored.user.date_joined
    assert timezone.is_aware(token.user.date_joined) and timezone.is_aware(roles[0].created_at)
    own = Membership.objects.select_related("agency").get(user=coordinator, role=Role.COORDINATOR)
    assert (roles[1].pk, roles[1].agency.time_zone) == (own.pk, own.agency.time_zone)


def test_a_lookup_while_another_thread_builds_the_column_cache_sees_every_column(
    users, monkeypatch
):
    """The first API requests after a start race to build `_columns()`'s cache (issue 18): a
    lookup that comes while another thread is half-way through the build must not read a
    partial list. The other thread is held inside its build, after the first table's columns."""
    key = _token("persona-coordinator")
    monkeypatch.setattr(accounts_models, "_COLUMNS", accounts_models._COLUMNS[:0])  # not built
    monkeypatch.setattr(accounts_models, "_ROLES_SQL", {})
    real = rawsql.Columns
    in_build, release = threading.Event(), threading.Event()

    class HeldAtTheUser(real):
        def __init__(self, model, alias):
            if alias == "u" and threading.current_thread() is builder:
                in_build.set()
                release.wait(timeout=10)
            super().__init__(model, alias)

    monkeypatch.setattr(rawsql, "Columns", HeldAtTheUser)
    built = []
    builder = threading.Thread(target=lambda: built.append(accounts_models._columns()))
    builder.start()
    try:
        assert in_build.wait(timeout=10)
        token, roles = ApiToken.objects.for_key_with_roles(key)
    finally:
        release.set()
        builder.join(timeout=10)
    assert token.user.username == "persona-coordinator"
    assert [(r.agency.code, r.role) for r in roles] == [("TEST", Role.COORDINATOR)]
    assert [c.alias for c in built[0]] == ["m", "u", "a", "t"]
    assert [c.alias for c in accounts_models._columns()] == ["m", "u", "a", "t"]
