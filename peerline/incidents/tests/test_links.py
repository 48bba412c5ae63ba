"""The one-tap link in a page (2011 §3.3): no log-in, a GET never answers, it works once,
expires after the page timeout plus a margin, and a tampered link is a bare 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerline.incidents import links, services
from peerline.incidents.models import DeploymentStatus, IncidentType, PageToken

from .helpers import T0, clinician, incident, psp, staff


@pytest.fixture
def paged(agency, chain):
    """One PSP paged just now for an incident with officer as principal."""
    for e in staff(agency, 3):
        psp(e)
    inc = incident(agency, principals=[chain.officer], team_size=1)
    now = timezone.now()
    (deployment,) = services.activate(incident=inc, by=None, now=now)
    return deployment, links.make_token(deployment, now=now)


def url(token, answer=""):
    return reverse("respond:page", args=[token]) + (f"?answer={answer}" if answer else "")


def test_the_link_needs_no_log_in_and_a_get_changes_nothing(paged, client):
    deployment, token = paged
    for _ in range(2):  # a mail scanner prefetching twice
        response = client.get(url(token, "accept"))
        assert response.status_code == 200
    body = response.content.decode()
    assert 'name="answer" value="accept"' in body and 'name="answer" value="decline"' in body
    assert "Other" in body and "East side" in body
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.PAGED
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_link_works_once(paged):
    deployment, token = paged
    client = Client(enforce_csrf_checks=True)
    form = client.get(url(token))
    csrf = form.cookies["csrftoken"].value
    answered = client.post(url(token), {"answer": "accept", "csrfmiddlewaretoken": csrf})
    assert answered.status_code == 302
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACCEPTED and deployment.answered_at
    shown = client.get(answered["Location"])
    assert "You accepted" in shown.content.decode()
    again = client.post(url(token), {"answer": "decline", "csrfmiddlewaretoken": csrf})
    assert again.status_code == 409
    assert "Already answered" in again.content.decode()
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACCEPTED


def test_declining_from_the_link_pages_the_next(paged, client):
    deployment, token = paged
    client.post(url(token), {"answer": "decline"})
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.DECLINED
    assert deployment.incident.deployments.filter(status=DeploymentStatus.PAGED).count() == 1


def test_the_link_expires_after_the_timeout_and_margin(agency, chain, client):
    psp(staff(agency, 1)[0])
    inc = incident(agency, principals=[chain.officer], team_size=1)
    agency.page_timeout_minutes = 10
    agency.save()
    made = timezone.now() - timedelta(minutes=16)  # 10 minutes + the 5-minute margin, passed
    (deployment,) = services.activate(incident=inc, by=None, now=made)
    token = links.make_token(deployment, now=made)
    response = client.get(url(token))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.post(url(token), {"answer": "accept"}).status_code == 410
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.PAGED  # the escalation tick passes it on


def test_the_clock_of_a_link_is_the_callers(paged):
    deployment, _ = paged
    token = links.make_token(deployment, now=T0)
    limit = T0 + timedelta(minutes=deployment.incident.agency.page_timeout_minutes) + links.MARGIN
    assert links.read_token(token, now=limit) == deployment
    with pytest.raises(links.LinkExpired):
        links.read_token(token, now=limit + timedelta(seconds=1))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:-1],  # truncated
        lambda t: t + "A",  # lengthened
        lambda t: "garbage",
        lambda t: "A" * 300,
    ],
)
def test_a_tampered_link_is_a_bare_404(paged, client, tamper):
    deployment, token = paged
    for response in (
        client.get(url(tamper(token))),
        client.post(url(tamper(token)), {"answer": "accept"}),
    ):
        assert response.status_code == 404
        assert b"East side" not in response.content and b"Other" not in response.content
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.PAGED


def test_the_token_table_holds_its_sha256_digest_never_the_token_2011_6_7(paged):
    """DESIGN principle 8: a one-tap token is stored only as a hash."""
    import hashlib

    deployment, token = paged
    (row,) = PageToken.objects.filter(deployment=deployment)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.digest and len(token) >= 40  # 256 random bits, url-safe


def test_the_digest_itself_is_not_a_link(paged, client):
    deployment, _ = paged
    stored = PageToken.objects.get(deployment=deployment).digest
    assert client.get(url(stored)).status_code == 404


def test_the_outbox_row_holds_placeholders_the_sent_message_a_live_link_2011_6_7(paged, client):
    """The worker makes the link as it sends: the row keeps no token in clear (principle 8)."""
    from peerline.notifications.outbox import rendered_body

    deployment, _ = paged
    note = deployment.notifications.get()
    assert "/page/" not in note.body
    assert f"Accept: {links.ACCEPT}" in note.body and f"Decline: {links.DECLINE}" in note.body
    sent = rendered_body(note)
    accept = next(line for line in sent.splitlines() if line.startswith("Accept: "))
    link = accept.removeprefix("Accept: ").removeprefix("http://testserver")
    token = link.split("/")[2]
    assert token not in deployment.notifications.get().body
    assert client.get(link).status_code == 200


def test_expired_digests_are_purged(paged):
    deployment, _ = paged
    assert PageToken.objects.count() == 1
    now = timezone.now()
    assert links.purge_expired(now) == 0, "a live link stays"
    later = now + links.lifetime(deployment) + timedelta(seconds=1)
    assert links.purge_expired(later) == 1
    assert not PageToken.objects.exists()


def test_an_answer_that_is_neither_is_refused(paged, client):
    deployment, token = paged
    assert client.post(url(token), {"answer": "maybe"}).status_code == 400
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.PAGED


def test_a_withdrawn_page_says_so(paged, client):
    deployment, token = paged
    services.close(incident=deployment.incident, by=None, now=timezone.now())
    body = client.get(url(token)).content.decode()
    assert "withdrawn" in body and "The incident is closed" in body


def test_the_clinician_answers_from_the_same_kind_of_link(agency, chain, client):
    agency.guideline_edition = "2006"  # the OIS rule is 2006 Administration 3
    agency.save()
    mhp = clinician(agency, on_call_at=timezone.now())
    inc = incident(agency, type=IncidentType.OFFICER_INVOLVED_SHOOTING, principals=[chain.officer])
    now = timezone.now()
    (deployment,) = services.activate(incident=inc, by=None, now=now)
    assert deployment.clinician == mhp
    body = client.get(url(links.make_token(deployment, now=now))).content.decode()
    assert "Individual intervention (licensed MHP)" in body
    client.post(url(links.make_token(deployment, now=now)), {"answer": "accept"})
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACCEPTED


def test_the_links_in_the_page_open_it(paged, client):
    from peerline.notifications.outbox import rendered_body

    deployment, _ = paged
    body = rendered_body(deployment.notifications.get())
    accept = next(line for line in body.splitlines() if line.startswith("Accept: "))
    link = accept.removeprefix("Accept: ").removeprefix("http://testserver")
    assert link.endswith("?answer=accept")
    response = client.get(link)
    assert response.status_code == 200 and b'id="accept"' in response.content


def test_a_csrf_failure_logs_no_token_2011_6_7(paged, caplog):
    """A POST without the CSRF cookie is refused and logged by `django.security.csrf`; the log
    line names the path with the token redacted by the console handler's filter."""
    import logging as std_logging

    from django.test import Client

    from peerline.incidents.logfilter import RedactTokens

    _, token = paged
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(std_logging.WARNING, logger="django.security.csrf"):
        response = client.post(url(token), {"answer": "accept"})
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.security.csrf"]
    assert records, "Django logs the refusal with the path"
    assert all(token not in r.getMessage() for r in records)
    assert "/page/…/" in records[0].getMessage()
    assert token not in caplog.text
    # The filter itself, on a record as Django writes it.
    record = std_logging.LogRecord(
        "django.security.csrf", 30, __file__, 1, "Forbidden (%s): %s", ("x", url(token)), None
    )
    RedactTokens().filter(record)
    assert token not in record.getMessage()
