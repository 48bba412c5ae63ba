"""The outbox (2011 §3.3, §5.1): the intent to page is written once per (key, channel)."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import apprise
import pytest
from django.db import transaction

from peerline.notifications.models import ChannelKind, ContactChannel, Notification
from peerline.notifications.outbox import apprise_url, enqueue

from .conftest import make_psp

NOW = datetime(2026, 5, 4, 3, 2, tzinfo=UTC)
TEAMS = (
    "https://prod-00.westus.logic.azure.com:443/workflows/643e69f83c8944438d68119179a10a64"
    "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun"
    "&sv=1.0&sig=KODuebWbDGYFr0z0eu-6Rj8aUKz7108W3wrNJZxFE5A"
)


def page(agency, key="incident:1:psp:1:round:1", **kwargs):
    return enqueue(agency=agency, key=key, subject="Page", body="Accept: link", now=NOW, **kwargs)


@pytest.fixture
def psp(agency):
    return make_psp(agency, "5001", "psp-one", email="psp.one@example.org")


def test_2011_s3_3_enqueue_twice_with_the_same_key_writes_one_row(agency, psp):
    first = page(agency, user=psp)
    second = page(agency, user=psp)
    assert [n.pk for n in first] == [n.pk for n in second]
    assert Notification.objects.count() == 1
    assert first[0].key == "incident:1:psp:1:round:1:email"
    assert first[0].next_attempt_at == NOW and first[0].status == "pending"


def test_2011_s3_3_a_new_round_is_a_new_page(agency, psp):
    page(agency, user=psp)
    page(agency, key="incident:1:psp:1:round:2", user=psp)
    assert Notification.objects.count() == 2


def test_2011_s5_1_one_row_per_enabled_channel_and_no_account_email(agency, psp):
    sms = ContactChannel.objects.create(agency=agency, user=psp, kind="sms", target="5551234567")
    ntfy = ContactChannel.objects.create(
        agency=agency, user=psp, kind="ntfy", target="https://ntfy.example.org/psp-one"
    )
    ContactChannel.objects.create(
        agency=agency, user=psp, kind="email", target="off@example.org", enabled=False
    )
    rows = page(agency, user=psp)
    assert {(n.key.rsplit(":", 1)[-1], n.kind, n.target) for n in rows} == {
        (f"channel-{sms.pk}", "sms", "5551234567"),
        (f"channel-{ntfy.pk}", "ntfy", "https://ntfy.example.org/psp-one"),
    }
    assert not Notification.objects.filter(target__in=["psp.one@example.org", "off@example.org"])
    assert len(page(agency, user=psp)) == 2 and Notification.objects.count() == 2


def test_the_same_address_set_by_two_agencies_is_one_page(agency, other_agency, psp):
    for owner in (agency, other_agency):
        ContactChannel.objects.create(agency=owner, user=psp, kind="sms", target="5551234567")
    assert len(page(agency, user=psp)) == 1


def test_2011_s5_1_falls_back_to_the_account_email_then_to_the_given_one(agency, psp):
    assert [n.target for n in page(agency, user=psp)] == ["psp.one@example.org"]
    psp.email = ""
    psp.save()
    rows = page(agency, key="k2", user=psp, email="mhp@example.org")
    assert [(n.kind, n.target) for n in rows] == [(ChannelKind.EMAIL, "mhp@example.org")]
    rows = page(agency, key="k3", email="partner.coordinator@example.org")
    assert [n.target for n in rows] == ["partner.coordinator@example.org"]


def test_nobody_to_reach_writes_nothing(agency, psp):
    psp.email = ""
    psp.save()
    assert page(agency, user=psp) == []
    assert Notification.objects.count() == 0


def test_a_key_too_long_for_the_column_is_refused(agency, psp):
    with pytest.raises(ValueError):
        page(agency, key="x" * 171, user=psp)


@pytest.mark.django_db(transaction=True)
def test_2011_s3_3_the_intent_is_written_with_the_activation_or_not_at_all(agency, psp):
    """Written inside the caller's transaction: a rolled-back activation pages nobody, and a
    duplicate key does not break the caller's transaction (PostgreSQL would abort it)."""
    with pytest.raises(RuntimeError), transaction.atomic():
        page(agency, user=psp)
        raise RuntimeError("activation failed")
    assert Notification.objects.count() == 0
    with transaction.atomic():
        page(agency, user=psp)
        page(agency, user=psp)
        agency.refresh_from_db()  # the transaction is still usable
    assert Notification.objects.count() == 1


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_apprise_urls_for_each_kind(settings):
    settings.PEERLINE_SMTP_HOST, settings.PEERLINE_SMTP_PORT = "mail.example.org", 2525
    settings.PEERLINE_SMTP_FROM = "peerline@example.org"
    settings.PEERLINE_SMS_GATEWAY = "{number}@txt.example.net"
    email = apprise_url("email", "a+b@example.org")
    assert email.startswith("mailto://mail.example.org:2525?")
    assert _query(email) == {
        "from": "peerline@example.org",
        "to": "a+b@example.org",
        "mode": "insecure",
        "cto": "15",
    }
    assert _query(apprise_url("sms", "+1 (555) 123-4567"))["to"] == "15551234567@txt.example.net"
    assert (
        _query(apprise_url("sms", "5551234567@vtext.example"))["to"] == "5551234567@vtext.example"
    )
    assert apprise_url("sms", "json://gateway.example/sms") == "json://gateway.example/sms"
    assert apprise_url("ntfy", "https://ntfy.example.org/t") == "ntfys://ntfy.example.org/t"
    assert apprise_url("ntfy", "http://10.0.0.5:8080/t") == "ntfy://10.0.0.5:8080/t"
    assert apprise_url("ntfy", "ntfys://ntfy.sh/t") == "ntfys://ntfy.sh/t"
    assert apprise_url("teams", TEAMS) == TEAMS
    assert apprise_url("apprise", "json://hooks.example/x") == "json://hooks.example/x"
    for kind, target in [
        ("email", "a@b.org"),
        ("sms", "5551234567"),
        ("ntfy", "https://ntfy.example.org/t"),
        ("teams", TEAMS),
    ]:
        assert apprise.Apprise().add(apprise_url(kind, target)), kind
    with pytest.raises(ValueError):
        apprise_url("ntfy", "just-a-topic")


def test_smtp_with_credentials_and_starttls(settings):
    settings.PEERLINE_SMTP_MODE = "starttls"
    settings.PEERLINE_SMTP_USER, settings.PEERLINE_SMTP_PASSWORD = "pager@x.org", "p@ss/word"
    url = apprise_url("email", "a@b.org")
    assert url.startswith("mailtos://pager%40x.org:p%40ss%2Fword@")
    pager = apprise.Apprise()
    assert pager.add(url)
    server = next(iter(pager))
    assert server.password == "p@ss/word" and server.secure_mode == "starttls"  # type: ignore[attr-defined]
