"""Tap-to-call and tap-to-text links from the numbers as written ("1-800-799-7233",
"START to 88788")."""

import re
from urllib.parse import quote

from django import template

register = template.Library()

TEXT_TO = re.compile(r"^\s*(?:(?P<word>[A-Za-z]+)\s+to\s+)?(?P<number>\+?[\d\s().-]+)\s*$")


def _digits(number: str) -> str:
    digits = re.sub(r"[^\d]", "", number)
    return f"+{digits}" if number.strip().startswith("+") else digits


@register.filter
def tel(number: str) -> str:
    """`tel:` link for a phone number; empty when there is no digit in it."""
    digits = _digits(number or "")
    return f"tel:{digits}" if digits.strip("+") else ""


@register.filter
def sms(text: str) -> str:
    """`sms:` link for a number to text, with its keyword as the message ("START to 88788")."""
    match = TEXT_TO.match(text or "")
    if match is None:
        return ""
    digits = _digits(match["number"])
    if not digits.strip("+"):
        return ""
    word = match["word"]
    return f"sms:{digits}?&body={quote(word)}" if word else f"sms:{digits}"
