"""One validation for each kind of value a person or a client sends: dates, periods, page numbers
and text. Forms and the API call the same functions, so both refuse the same inputs with the same
message (a 4xx, never a 500). Plain functions: each returns an error message, or None when the value
is fine; the `check_*` forms raise `ValueError` with that message.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

# Dates: nothing the program records happened before 1900, and no plan reaches past 2100 (which
# also keeps every date arithmetic, a quarter after or a month after, far from year 9999).
DATE_MIN = date(1900, 1, 1)
PLAN_DATE_MAX = date(2100, 12, 31)
PERIOD_YEAR_MIN, PERIOD_YEAR_MAX = 1900, 2100
PAGE_MAX = 100_000

# Control characters other than tab, line feed and carriage return, NUL included.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")


def date_error(value: date, *, latest: date, earliest: date = DATE_MIN) -> str | None:
    """A date between `earliest` and `latest` (inclusive); `latest` is today for what happened
    (an incident, a contact) and `PLAN_DATE_MAX` for what is planned."""
    day = value.date() if isinstance(value, datetime) else value
    if day < earliest:
        return f"Give a date on or after {earliest:%B %-d, %Y}."
    if day > latest:
        if latest < PLAN_DATE_MAX:
            return f"Give a date on or before {latest:%B %-d, %Y}: it cannot be in the future."
        return f"Give a date on or before {latest:%B %-d, %Y}."
    return None


def check_date(value: date, *, latest: date, earliest: date = DATE_MIN) -> date:
    error = date_error(value, latest=latest, earliest=earliest)
    if error:
        raise ValueError(error)
    return value


def period_error(text: str, *, quarter_only: bool = False) -> str | None:
    """A quarter `YYYY-Qn` (or, unless `quarter_only`, a year `YYYY`) between 1900 and 2100."""
    match = _PERIOD.match(text.strip())
    shape = "YYYY-Qn, for example 2026-Q3" + ("" if quarter_only else ", or a year, YYYY")
    if not match or (quarter_only and not match["quarter"]):
        return f"“{text[:20]}” is not a period: write {shape}."
    if not PERIOD_YEAR_MIN <= int(match["year"]) <= PERIOD_YEAR_MAX:
        return f"Give a period between {PERIOD_YEAR_MIN} and {PERIOD_YEAR_MAX}, written {shape}."
    return None


def page_number(text: str | None) -> int:
    """The page of a paginated list asked in the query string: 1 when absent or not a number,
    never more than `PAGE_MAX` (Django's paginator then shows the last page)."""
    if not text or not text.isascii() or not text.isdigit():
        return 1
    if len(text) > len(str(PAGE_MAX)):
        return PAGE_MAX
    return max(1, min(int(text), PAGE_MAX))


def text_error(value: str, *, max_length: int | None = None) -> str | None:
    """Text as people type it: no NUL or other control characters, and not too long."""
    if _CONTROL.search(value):
        return "Remove the control characters (such as NUL) from this text."
    if max_length is not None and len(value) > max_length:
        return f"Keep this text to {max_length} characters or fewer (it has {len(value)})."
    return None


def check_text(value: str, *, max_length: int | None = None) -> str:
    error = text_error(value, max_length=max_length)
    if error:
        raise ValueError(error)
    return value


def contains_name(text: str, names: "list[tuple[str, str]]") -> bool:
    """Whether `text` contains any "first last" name of `names`, case-insensitive, as whole words
    (2011 §6.7: no record that identifies anyone)."""
    # Both sides as their words joined by single spaces: a whole-word match is then a substring
    # match between spaces (no pattern compiled per name: a roster holds 50,000 of them).
    words = re.compile(r"\w+")
    folded = f" {' '.join(words.findall(text.casefold()))} "
    for first, last in names:
        full = " ".join(words.findall(f"{first} {last}".casefold()))
        if full and f" {full} " in folded:
            return True
    return False


ID_MAX = 2**63 - 1  # the largest primary key every database stores


def id_or_none(text: str | None) -> int | None:
    """A row id from a query string or a form: None unless it is a whole number a database can
    hold (a 20-digit "id" would otherwise overflow SQLite's integers: a 500)."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= ID_MAX else None


class ModelChoiceField(forms.ModelChoiceField):
    """Django's, refusing a number no database row can have as an invalid choice: Django catches
    ValueError and TypeError, but SQLite raises OverflowError for it (a 500)."""

    def to_python(self, value: Any) -> Any:
        typed = isinstance(value, str | int) and value not in self.empty_values
        if self.to_field_name is None and typed and id_or_none(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, with the same refusal for each value chosen (see `ModelChoiceField`)."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value:
                if isinstance(pk, str | int) and id_or_none(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)  # type: ignore[misc]


_NUL_MARKS = (b"\x00", b"%00", b"\\u0000")


def refuse_nul_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Refuse (400) any request whose address or body carries a NUL character, raw, percent- or
    JSON-escaped: no text anywhere holds one, and PostgreSQL would answer a 500. Multipart bodies
    (uploads) are left to the forms, whose text fields refuse NUL already."""

    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        body = b""
        if not (request.content_type or "").startswith("multipart/"):
            body = request.body
        if any(
            mark in part.lower()
            for part in (query, body, request.path.encode())
            for mark in _NUL_MARKS
        ):
            message = "Remove the NUL characters: no text may contain one."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware
