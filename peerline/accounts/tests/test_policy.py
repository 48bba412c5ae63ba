"""Every page and API operation declares the permission it needs.

The endpoints are read from the URL conf and the API's routers, so a new endpoint is tested the
moment it exists; one that declares no permission fails `test_every_endpoint_declares_a_permission`.
Who is granted what is checked by the hand-written matrix in `tests/test_denial_matrix.py`,
never by reading the answer back from `policy.GRANTS`.
"""

import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role
from peerline.api import api
from peerline.testing.personas import make_agency

# Views that are deliberately open: the log-in page, log-out (any session may end itself) and
# the load balancer's liveness and readiness checks. Everything else must declare a permission.
OPEN_VIEWS = {"login", "logout", "health", "ready"}
PERSONAS = [*Role, "norole", "outsider"]


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback, entry.name, namespace


def page_endpoints():
    """(route, view, name) of every HTML page; the API and Django's admin are tested apart."""
    return [
        (route, view, name)
        for route, view, name, namespace in _walk(get_resolver().url_patterns)
        if namespace not in {"api", "admin"}
    ]


def api_operations():
    """(path, method, required permission) of every API operation."""
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api/v1/" + re.sub("/+", "/", f"{prefix}/{path}").strip("/")
                    permissions = {auth.permission for auth in operation.auth_param}
                    assert len(permissions) == 1, full
                    found.append((full, method, permissions.pop()))
    return found


def _url(route, chain):
    # Fill every path parameter with an object of the persona's agency.
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(chain.officer.pk), route)


def _request(client, url):
    response = client.get(url)
    if response.status_code == 405:  # a POST-only view
        response = client.post(url)
    return response


def test_every_endpoint_declares_a_permission():
    pages = [name for _, view, name in page_endpoints() if not hasattr(view, "required_permission")]
    assert [name for name in pages if name not in OPEN_VIEWS] == []
    assert all(isinstance(perm, policy.Permission) for _, _, perm in api_operations())


def test_every_permission_is_granted_to_some_role():
    assert set(policy.GRANTS) == set(policy.Permission)
    assert all(policy.GRANTS.values())


def test_the_api_operation_list_matches_the_schema():
    schema = api.get_openapi_schema()
    in_schema = {
        (path.rstrip("/"), method.upper())
        for path, ops in schema["paths"].items()
        for method in ops
    }
    assert {(path, method) for path, method, _ in api_operations()} == in_schema


def test_the_admin_is_for_staff_only(users, client):
    for persona in PERSONAS:
        user_client = Client()
        user_client.force_login(users[persona])
        response = user_client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_user_without_a_role_gets_403_and_no_data(users, chain):
    client = Client()
    client.force_login(users["norole"])
    response = client.get("/")
    assert response.status_code == 403
    assert chain.officer.last_name.encode() not in response.content


def test_the_session_agency_is_one_of_the_users_own(users, agency, other_agency):
    """A forged agency choice in the session falls back to the user's own agency."""
    client = Client()
    client.force_login(users[Role.COORDINATOR])
    session = client.session
    session[policy.AGENCY_SESSION_KEY] = other_agency.pk
    session.save()
    response = client.get("/api/v1/me")
    assert response.json()["agency"]["code"] == agency.code


def test_switching_agency_works_only_between_own_agencies(users, agency, other_agency):
    """2011 §3.8.2: a coordinator of two agencies of a regional team acts in one at a time."""
    user = users[Role.COORDINATOR]
    Membership.objects.create(user=user, agency=other_agency, role=Role.COORDINATOR)
    stranger = make_agency(code="THIRD", name="Third Town Police")
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me").json()["agency"]["code"] == "OTHER"  # the first, by code
    client.post("/accounts/agency/", {"agency": agency.pk})
    assert client.get("/api/v1/me").json()["agency"]["code"] == "TEST"
    client.post("/accounts/agency/", {"agency": stranger.pk})
    assert client.get("/api/v1/me").json()["agency"]["code"] == "TEST"
