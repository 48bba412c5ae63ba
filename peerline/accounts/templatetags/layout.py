"""The layout's fixed links (style sheets, scripts, the home and log-out addresses), worked out
once per process instead of on every page (issue 18: each signed-in page renders them all).

`{% static_once 'path' %}` is `{% static 'path' %}` and `{% url_once 'name' %}` is `{% url 'name'
%}` for a URL without arguments, remembered by what decides them (the URL conf and the script
prefix, which a relative `STATIC_URL` is joined to) and forgotten when a setting changes.
"""

from functools import cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def static_once(path: str) -> str:
    return _static(path, get_script_prefix())


@register.simple_tag
def url_once(name: str) -> str:
    return _url(name, str(get_urlconf()), get_script_prefix())


@cache  # the layout's own literal paths and names: a handful
def _static(path: str, prefix: str) -> str:
    return static(path)


@cache
def _url(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name)


@receiver(setting_changed, dispatch_uid="peerline.accounts.templatetags.layout")
def _forget(**kwargs: Any) -> None:
    _static.cache_clear()
    _url.cache_clear()
