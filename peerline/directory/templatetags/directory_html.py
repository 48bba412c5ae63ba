"""The find-a-peer page's repeated parts, rendered once per distinct value (2011 §3.6, issue 18).

A page of the directory shows 24 cards and the filters; rendered through the template engine
they were most of the page's rendering, and in a surge the same cards and the same filters are
asked for again and again. A card (`selectors.Card`) and the filters
(`filters.Controls`) are frozen values holding everything their templates show, so their HTML
is a function of the value alone: kept in the process, keyed by the whole value, it can never
show anyone another card or other filters than the ones asked for, nor an old version (a
changed card, a renamed division, is another key). The templates are given the value and
nothing else: nothing of the request, the viewer or the agency beyond it. The memory is bounded
(the cards of the largest directories: a few MB) and lives as long as the process.
"""

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString

from ..filters import Controls
from ..selectors import Card

register = template.Library()
CARD = "directory/_card.html"
CONTROLS = "directory/_controls.html"


def _render(name: str, key: str, value: Any) -> SafeString:
    return SafeString(get_template(name).render({key: value}))


# Apart, so that many different searches do not push the cards out.
_cards = lru_cache(maxsize=2048)(_render)
_controls = lru_cache(maxsize=256)(_render)


@register.simple_tag
def peer_card(card: Card) -> SafeString:
    """`{% peer_card card %}`: the card's article, as `directory/_card.html` renders it."""
    if settings.DEBUG:  # a template being edited shows at once
        return _render(CARD, "card", card)
    return _cards(CARD, "card", card)


@register.simple_tag
def filter_controls(controls: Controls) -> SafeString:
    """`{% filter_controls controls %}`: the filters, as `directory/_controls.html` renders them."""
    if settings.DEBUG:
        return _render(CONTROLS, "controls", controls)
    return _controls(CONTROLS, "controls", controls)
