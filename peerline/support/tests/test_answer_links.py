"""The one-tap answer link, as an incident page's (2011 §6.7, §3.6; DESIGN principle 8): made
as the page is sent, stored only as a digest, one page's alone, and dead once the request is
taken by another PSP, has expired or is erased."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client

from peerline.notifications.models import Notification
from peerline.notifications.outbox import rendered_body
from peerline.support import links, services
from peerline.support.models import AnswerToken, SupportRequest, SupportSettings

from .conftest import T0

PHONE = "+13125550199"


def _tokens(request: SupportRequest) -> dict[int, str]:
    """Page pk → the token in the message the worker sends to that page's PSP."""
    found = {}
    for row in Notification.objects.filter(topic=f"support:{request.pk}").order_by("pk"):
        body = rendered_body(row)
        match = re.search(r"/reach/answer/([^/\s]+)/", body)
        assert match, body
        page = int(re.search(r"page (\d+)", row.body).group(1))  # the placeholder names it
        found[page] = match.group(1)
    return found


@pytest.fixture
def sent(agency, team) -> SupportRequest:
    SupportSettings.objects.create(agency=agency, psps_per_round=3, shown_hours=2)
    return services.request_create(agency=agency, now=T0, callback_phone=PHONE)


def test_the_outbox_row_holds_no_link_and_only_a_digest_is_stored(sent):
    rows = list(Notification.objects.filter(topic=f"support:{sent.pk}"))
    assert len(rows) == 3
    assert all("/reach/answer/" not in row.body for row in rows)
    tokens = _tokens(sent)
    stored = set(AnswerToken.objects.values_list("digest", flat=True))
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens.values()}
    assert not stored & set(tokens.values())
    for token in tokens.values():
        assert len(token) == 43  # 256 random bits, not a signed row number
    assert {row.expires_at for row in AnswerToken.objects.all()} == {sent.expires_at}


def test_a_token_opens_its_own_page_only(sent):
    tokens = _tokens(sent)
    for page_pk, token in tokens.items():
        assert links.read_token(token, now=T0).pk == page_pk
    with pytest.raises(links.LinkInvalid):
        links.read_token("A" * 43, now=T0)


def test_once_taken_the_other_links_stop_working_and_the_accepted_one_lasts_the_window(sent):
    tokens = _tokens(sent)
    first, *others = tokens
    services.accept(page=sent.pages.get(pk=first), now=T0 + timedelta(minutes=5))
    assert list(AnswerToken.objects.values_list("page_id", flat=True)) == [first]
    assert AnswerToken.objects.get().expires_at == T0 + timedelta(minutes=5, hours=2)
    for page_pk in others:
        with pytest.raises(links.LinkInvalid):
            links.read_token(tokens[page_pk], now=T0 + timedelta(minutes=6))
    assert links.read_token(tokens[first], now=T0 + timedelta(hours=2)).pk == first
    # A page sent again after it was taken (a retry) carries no live link.
    placeholder = links.PLACEHOLDER.format(pk=others[0])
    late = Notification.objects.filter(topic=f"support:{sent.pk}", body__contains=placeholder)
    assert "/reach/answer/" not in rendered_body(late.get())


def test_an_expired_link_stops_working_before_the_request_is_erased(sent):
    (token, *_) = _tokens(sent).values()
    assert links.read_token(token, now=sent.expires_at - timedelta(seconds=1))
    with pytest.raises(links.LinkInvalid):
        links.read_token(token, now=sent.expires_at)
    assert SupportRequest.objects.filter(pk=sent.pk).exists()  # the row is still there
    assert links.purge_expired(sent.expires_at) == 3
    assert not AnswerToken.objects.exists()


def test_an_erased_request_takes_its_links_with_it(sent):
    tokens = _tokens(sent)
    services.withdraw(request_pk=sent.pk)
    assert not AnswerToken.objects.exists()
    for token in tokens.values():
        response = Client().get(f"/reach/answer/{token}/")
        assert response.status_code == 404
        assert "This request is closed" in response.content.decode()
