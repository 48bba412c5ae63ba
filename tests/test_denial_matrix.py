"""Who may open what: a denial matrix written by hand, checked against the live views.

Each row names a page (its URL name) or an API operation and the roles that may use it. The rows
were written from DESIGN.md's "Who uses it" table and the guideline clause in each comment, not
read from `policy.GRANTS`: a wrong grant there (an employee given the HR roster, command staff
given per-PSP figures) makes the live answer differ from the row, and the test fails. Every URL
name of the app must have a row (or be listed as needing no role), so a new page without one
fails too.

Letters: E employee, P peer supporter, C program coordinator, M clinical advisor (the licensed
MHP), X command staff, S steering committee, A system administrator.

Each row is tried with the test client as each role of the agency, as a user with no role, as
anonymous, and as another agency's coordinator (the wrong agency: they act in their own agency
only, so they pass exactly where C does, and never see this agency's names).
"""

import re

from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role
from peerline.api import api

ROLE = {
    "E": Role.EMPLOYEE,
    "P": Role.PEER_SUPPORTER,
    "C": Role.COORDINATOR,
    "M": Role.CLINICAL_ADVISOR,
    "X": Role.COMMAND_STAFF,
    "S": Role.STEERING_COMMITTEE,
    "A": Role.SYSTEM_ADMIN,
}
ALL = "EPCMXSA"

# fmt: off
PAGES: dict[str, str] = {
    # Every member: home, their own account, finding a peer they choose (2011 §3.6), the
    # manual (§3.5), referral resources (§2.3.5), their own part in the team (volunteering,
    # an agreement, a recommendation asked of them), what each state's law says (§2.2.3).
    ":home": ALL,
    ":switch-agency": ALL,
    "accounts:tokens": ALL,
    "accounts:token-revoke": ALL,
    "signin:enrol": ALL,
    "signin:verify": ALL,
    "signin:recovery-codes": ALL,
    "signin:recovery-codes-new": ALL,
    "signin:devices": ALL,
    "signin:device-remove": ALL,
    "directory:index": ALL,
    "directory:profile": ALL,
    "manual:index": ALL,
    "manual:pdf": ALL,
    "manual:acknowledge": ALL,
    "resources:index": ALL,
    ":offline": ALL,  # the phone app's card of crisis lines and limits, kept for offline use
    "governance:jurisdictions": ALL,
    "team:volunteer": ALL,
    "team:agreement": ALL,
    "team:recommendations": ALL,
    "team:recommendation": ALL,
    # Accounts and the HR roster: program logistics (§3.9) and the system administrator.
    "accounts:people": "CA",
    "accounts:invite": "CA",
    "accounts:invite-person": "CA",
    "accounts:unlock": "CA",
    ":roster": "CA",
    ":roster-search": "CA",
    ":employee-detail": "CA",
    # Program settings: the coordinator, the steering committee (§3.2), the administrator.
    ":agency": "CSA",
    # A PSP's own contact log, non-identifying (§6.7): nobody else, not even the coordinator.
    "contacts:log": "P",
    "contacts:saved": "P",
    "contacts:mine": "P",
    "contacts:edit": "P",
    "contacts:delete": "P",
    "contacts:follow-up-done": "P",
    # Utilisation per PSP: the coordinator only (§3.9). Releases: also management and the
    # committee, disclosure-controlled (§3.1).
    "stats:program": "C",
    "stats:program-csv": "C",
    "stats:periods": "C",
    "stats:released": "CXS",
    "stats:released-pdf": "CXS",
    "stats:released-csv": "CXS",
    # Selection, status, leave, deselection, agreements: the coordinator (§3.9, §4).
    "team:roster": "C",
    "team:member": "C",
    "team:application": "C",
    "team:applications": "C",  # selection in progress, a page of its own (issue 18)
    "team:agreements": "C",
    # Interview panels: PSPs, the licensed MHP and the coordinator (§4.1).
    "team:interviews": "PCM",
    "team:score": "PCM",
    # Coverage: the coordinator and the committee (§3.2, §3.8); the recruitment plan names
    # candidates, so the coordinator only.
    "coverage:matrix": "CS",
    "coverage:forecast": "CS",
    "coverage:recruitment": "C",
    # Agreements with partner agencies (§3.8.2).
    "partners:list": "C",
    "partners:accept": "C",
    "partners:decline": "C",
    "partners:end": "C",
    # Training: the coordinator runs it (§3.9, §8.2); the committee keeps the agency's own
    # topics (§8.1); a PSP sees their own hours.
    "training:sessions": "C",
    "training:session-new": "C",
    "training:session": "C",
    "training:attendance": "C",
    "training:compliance": "C",
    "training:partner-credit": "C",
    "training:report-csv": "C",
    "training:transcript": "C",
    "training:transcript-pdf": "C",
    "training:topics": "CS",
    "training:mine": "P",
    "training:my-transcript": "P",
    "training:my-transcript-pdf": "P",
    # Clinicians and the on-call schedule: the coordinator and the clinical advisor (§3.4,
    # §5.1); who is on call now and logging a consultation: also every PSP.
    "clinical:clinicians": "CM",
    "clinical:clinician-new": "CM",
    "clinical:clinician": "CM",
    "clinical:on-call": "CM",
    "clinical:shift-delete": "CM",
    "clinical:consultations": "CM",
    "clinical:now": "PCM",
    "clinical:consultation-log": "PCM",
    "resources:new": "C",
    "resources:edit": "C",
    "resources:delete": "C",
    # Incidents name who was involved: the coordinator (§3.9), never command staff (§3.1).
    "incidents:list": "C",
    "incidents:new": "C",
    "incidents:areas": "C",
    "incidents:detail": "C",
    "incidents:board": "C",
    "incidents:activate": "C",
    "incidents:team-size": "C",
    "incidents:follow-ups": "C",
    "incidents:close": "C",
    "incidents:mutual-aid": "C",
    "incidents:mutual-aid-answer": "C",
    # How each person is paged.
    "notifications:channels": "C",
    "notifications:person": "C",
    "notifications:add": "C",
    "notifications:test-email": "C",
    "notifications:edit": "C",
    "notifications:remove": "C",
    "notifications:test": "C",
    # The audit trail: oversight by the committee (§3.2) and the administrator.
    "audit:events": "SA",
    # Limits of confidentiality and procedures (§6.3): the coordinator and the committee.
    "governance:limits": "CS",
    "governance:limit-edit": "CS",
    "governance:limit-remove": "CS",
    "governance:limit-move": "CS",
    # The committee (§3.2) and the advisor's oversight scope (§3.4).
    "committee:index": "CS",
    "committee:settings": "CS",
    "committee:edition": "CS",
    "committee:oversight": "CM",
    "committee:advisor-summary": "CM",
    # The manual: the coordinator writes, the committee publishes (§3.5).
    "manual:section-new": "C",
    "manual:section": "C",
    "manual:draft": "C",
    "manual:publish": "S",
    # The self-assessment: read by the program's leads; attested by a committee member.
    "assessment:index": "CSM",
    "assessment:pdf": "CSM",
    "assessment:attest": "S",
    "assessment:snapshot": "S",
    # How people sign in (issue 11): program logistics and the administrator.
    "signin:policy": "CA",
    # The agency's access link for families, retirees and anyone without an account (§2.3.7):
    # the coordinator issues, rotates and revokes it.
    "support:manage": "C",
    "support:rotate": "C",
    "support:revoke": "C",
    "support:settings": "C",
}

# Pages that need no role: log-in, log-out, password reset and set, an invitation link, the
# health checks, a page link or calendar feed whose token is the key, single sign-on and the
# passkey ceremony, the phone app's manifest and service worker, and the kiosk of
# the agency's access link, whose code is the key (2011 §2.3.7, §3.6: no account, nothing that
# records who used it; peerline/support/tests check the codes). None shows program data.
NO_ROLE = {
    ":login", ":logout", ":health", ":ready",
    "accounts:password-change", "accounts:confirm", "accounts:password-reset",
    "accounts:password-reset-sent", "accounts:password-reset-confirm", "accounts:invitation",
    "accounts:password-set", "clinical:ical", "respond:page", "signin:refused",
    "signin:sso-start", "signin:sso-callback",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    ":manifest", ":service-worker",
    "support:kiosk", "support:peers", "support:request", "support:status", "support:limits",
    "support:resources", "support:answer", "support:stored",
}

API: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/me"): ALL,
    ("GET", "/api/v1/agency"): "CSA",
    ("GET", "/api/v1/employees"): "CA",
    ("POST", "/api/v1/contacts"): "P",
    ("GET", "/api/v1/stats/utilization"): "CXS",
    ("GET", "/api/v1/coverage"): "CS",
    ("GET", "/api/v1/training/compliance"): "C",
    ("GET", "/api/v1/on-call"): "PCM",
    ("POST", "/api/v1/consultations"): "PCM",
    ("POST", "/api/v1/incidents"): "C",
    ("GET", "/api/v1/incidents/{incident_id}/proposal"): "C",
    ("POST", "/api/v1/incidents/{incident_id}/activate"): "C",
}
# fmt: on


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, namespace


def routes() -> dict[str, str]:
    """{"namespace:name": route} of every page of the URL conf (the API and admin apart)."""
    return {
        f"{namespace}:{name}": route
        for route, name, namespace in _walk(get_resolver().url_patterns)
        if namespace not in {"api", "admin"}
    }


def api_operations() -> list[tuple[str, str]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api/v1/" + re.sub("/+", "/", f"{prefix}/{path}").strip("/")
                    found.append((method, full))
    return found


def _url(route: str, pk: int) -> str:
    """A URL for the route, every path parameter filled (a number with `pk`)."""

    def fill(match: re.Match[str]) -> str:
        converter, name = match["converter"], match["name"]
        if converter == "int" or name.endswith("_id"):
            return str(pk)
        if name == "period":
            return "2026-Q1"
        return "x"

    pattern = r"[<{](?:(?P<converter>\w+):)?(?P<name>\w+)[>}]"
    return ("" if route.startswith("/") else "/") + re.sub(pattern, fill, route)


def _body(response) -> bytes:
    """The whole answer, streamed (a CSV report) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _open(client: Client, url: str, method: str | None = None):
    if method is not None:
        return client.generic(method, url)
    response = client.get(url)
    if response.status_code == 405:  # a POST-only view
        response = client.post(url)
    return response


PERSONAS = [*ROLE, "norole", "outsider"]


def _client(users, persona: str) -> Client:
    client = Client()
    client.force_login(users[ROLE.get(persona, persona)])
    return client


def mismatches(users, chain, url: str, allowed: str, method: str | None = None) -> list[str]:
    """Every persona whose live answer differs from the row: passed where the row denies, or
    refused (403) where the row allows."""
    found = []
    for persona in PERSONAS:
        response = _open(_client(users, persona), url, method)
        if persona == "norole":
            should = False
        elif persona == "outsider":  # another agency's coordinator, acting in their own
            should = "C" in allowed
            assert chain.officer.last_name.encode() not in _body(response), url
        else:
            should = persona in allowed
        passed = response.status_code != 403
        assert response.status_code < 500, (persona, url, response.status_code)
        if passed != should:
            found.append(f"{persona}: {response.status_code}")
    return found


def test_every_page_has_a_row_and_every_row_a_page():
    """A new page without a row in the matrix fails here (and so does a row left behind)."""
    names = set(routes())
    assert sorted(names - set(PAGES) - NO_ROLE) == []
    assert sorted((set(PAGES) | NO_ROLE) - names) == []
    assert set(PAGES).isdisjoint(NO_ROLE)


def test_every_api_operation_has_a_row():
    assert sorted(api_operations()) == sorted(API)


def test_every_row_names_known_roles_and_command_staff_see_only_releases_2011_3_1():
    """The rows themselves, against DESIGN.md: management gets anonymous statistics only."""
    assert all(
        set(allowed) <= set(ROLE) and allowed for allowed in [*PAGES.values(), *API.values()]
    )
    everyone = {name for name, allowed in PAGES.items() if allowed == ALL}
    command = {name for name, allowed in PAGES.items() if "X" in allowed} - everyone
    assert command == {"stats:released", "stats:released-pdf", "stats:released-csv"}
    assert {op for op, allowed in API.items() if "X" in allowed and allowed != ALL} == {
        ("GET", "/api/v1/stats/utilization")
    }
    contact_pages = {name for name in PAGES if name.startswith("contacts:")}
    assert {PAGES[name] for name in contact_pages} == {"P"}  # nobody reads another's (§6.7)


# One test walks every row (the personas are made once): a failure lists every row that differs.


def test_each_page_answers_each_role_as_its_row_says(users, chain, client):
    found = {}
    for name, route in sorted(routes().items()):
        if name in NO_ROLE:
            continue
        url = _url(route, chain.officer.pk)
        anonymous = _open(client, url)
        if not (anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]):
            found[name] = [f"anonymous: {anonymous.status_code}"]
        wrong = mismatches(users, chain, url, PAGES[name])
        if wrong:
            found.setdefault(name, []).extend(wrong)
    assert found == {}


def test_a_page_needing_no_role_answers_every_role_alike(users, chain):
    """No role opens or closes these: every signed-in persona, with a role or none, in this
    agency or another, gets the same answer, never a role refusal. (The single sign-on
    refusal page answers 403 to everyone: it is the message that sign-in was refused.)"""
    found = {}
    for name in sorted(NO_ROLE):
        url = _url(routes()[name], chain.officer.pk)
        answers = {}
        for persona in PERSONAS:
            cache.clear()  # the kiosk counts failed codes per address; each persona starts afresh
            answers[persona] = _open(_client(users, persona), url).status_code
        if len(set(answers.values())) != 1 or (403 in answers.values()) != (
            name == "signin:refused"
        ):
            found[name] = answers
    assert found == {}


def test_each_api_operation_answers_each_role_as_its_row_says(users, chain, client):
    found = {}
    for operation, allowed in sorted(API.items()):
        method, path = operation
        url = _url(path, chain.officer.pk)
        anonymous = client.generic(method, url).status_code
        wrong = ([f"anonymous: {anonymous}"] if anonymous != 401 else []) + mismatches(
            users, chain, url, allowed, method
        )
        if wrong:
            found[f"{method} {path}"] = wrong
    assert found == {}


def test_a_wrong_grant_fails_the_matrix(users, chain, monkeypatch):
    """The point of writing the rows by hand: give employees the HR roster (the grant that once
    survived the generated tests) and the roster's row no longer holds."""
    wrong = policy.GRANTS[policy.Permission.ROSTER_VIEW] | {Role.EMPLOYEE}
    monkeypatch.setitem(policy.GRANTS, policy.Permission.ROSTER_VIEW, wrong)
    url = _url(routes()[":roster"], chain.officer.pk)
    assert mismatches(users, chain, url, PAGES[":roster"]) == ["E: 200"]


def test_another_agencys_objects_are_404_for_every_role_there(agency, other_agency, chain):
    """The wrong agency with every role there: this agency's rows answer as missing (404), the
    same as a number that exists nowhere, and show nothing of them (DESIGN principle 7)."""
    from peerline.incidents.tests.helpers import incident
    from peerline.testing import personas

    inc = incident(agency, principals=[chain.officer], team_size=1)
    # Every role but command staff, whom the incident pages refuse whatever else they hold.
    held = [role for role in Role if role != Role.COMMAND_STAFF]
    everyone = personas.make_user("all-roles-elsewhere", other_agency, *held)
    client = Client()
    client.force_login(everyone)
    for url in [
        f"/roster/{chain.officer.pk}/",
        f"/incidents/{inc.pk}/",
        f"/incidents/{inc.pk}/board/",
        f"/api/v1/incidents/{inc.pk}/proposal",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert chain.officer.last_name.encode() not in response.content
    assert client.post(f"/api/v1/incidents/{inc.pk}/activate").status_code == 404
    inc.refresh_from_db()
    assert inc.activated_at is None
    assert not Membership.objects.filter(user=everyone, agency=agency).exists()
