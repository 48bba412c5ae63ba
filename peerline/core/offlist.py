"""One refusal of off-list fields, for every record kept as non-identifying statistics.

"A PSP must not keep written formal or private records of supportive contacts other than
non-identifying statistical records" (IACP Peer Support Guidelines 2011 §6.7). A contact and a
consultation hold only answers chosen from fixed lists and a month. Whatever else a caller sends
(a name, a note, a day) is refused by name and nothing is stored; it is never silently dropped.
The forms, the API schemas and the services of both use what is here:

* `refuse` raises `OffListField` for any name outside a record's fields (forms and services);
* `ClosedSchema` is the API's input schema base: pydantic forbids extra fields, and
  `api_refusal` turns that into the same 422 message (installed once in `peerline.api`);
* `AnsweredForm` is the forms' base: no answer chosen in advance, the focus on the first one
  missing;
* `parse_month` reads "YYYY-MM" strictly and keeps it to the months offered;
* `refusal_page` is the HTML answer of a form that received such a field (400).
"""

import re
from collections.abc import Iterable
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

CLAUSE = "IACP Peer Support Guidelines 2011 §6.7"
UNANSWERED = (
    "Answer this question: it is counted in the statistics, so no answer is chosen for you."
)
MONTH_RE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])", re.ASCII)


class OffListField(ValueError):
    """A caller sent fields a record does not have: refused, citing 2011 §6.7."""

    def __init__(self, names: Iterable[str], what: str = "record"):
        self.names = sorted(names)
        self.what = what
        super().__init__(
            f"Not accepted: {', '.join(self.names)}. A {what} is recorded only as "
            "non-identifying statistics chosen from fixed lists: no names, numbers, notes or "
            f"other free text, no day or time ({CLAUSE})."
        )


def refuse(sent: Iterable[str], allowed: Iterable[str], what: str = "record") -> None:
    """`OffListField` naming every field of `sent` that is not in `allowed`."""
    extra = set(sent) - set(allowed)
    if extra:
        raise OffListField(extra, what)


def parse_month(value: object, months: Iterable[date]) -> date:
    """A month as given ("YYYY-MM" exactly, or a date), kept to `months`; ValidationError."""
    if isinstance(value, str):
        match = MONTH_RE.fullmatch(value)
        if match is None:
            raise ValidationError({"month": "Give the month as YYYY-MM."})
        value = date(int(match["year"]), int(match["month"]), 1)
    if not isinstance(value, date):
        raise ValidationError({"month": "Choose a month."})
    month = value.replace(day=1)
    offered = list(months)
    if month not in offered:
        raise ValidationError(
            {"month": f"Choose this month or one of the {len(offered) - 1} before it."}
        )
    return month


def recent_months(today: date, back: int = 12) -> list[date]:
    """This month and the `back` before it, newest first."""
    months, year, month = [], today.year, today.month
    for _ in range(back + 1):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


class AnsweredForm(forms.Form):
    """A form of statistics answers: nothing is answered for the person, and an unanswered
    question says so next to it, with the focus moved there (the USWDS error pattern)."""

    @property
    def first_error(self) -> str | None:
        """The first question, in page order, with an error: its first answer gets the focus."""
        return next((name for name in self.fields if name in self.errors), None)


class ClosedSchema(Schema):
    """An API input schema that refuses any field it does not declare (2011 §6.7)."""

    model_config = ConfigDict(extra="forbid")


def extra_fields(error: NinjaValidationError) -> list[str]:
    """The names of the undeclared fields a request sent, from the schema's validation errors."""
    return sorted({str(e["loc"][-1]) for e in error.errors if e.get("type") == "extra_forbidden"})


def api_refusal(error: NinjaValidationError) -> str | None:
    """The 422 message for a request with off-list fields, or None for other invalid input."""
    extra = extra_fields(error)
    return str(OffListField(extra)) if extra else None


def sent_fields(request: HttpRequest) -> set[str]:
    """Every field name a form request carries, in its query string, body or files."""
    return {*request.GET, *request.POST, *request.FILES} - {"csrfmiddlewaretoken"}


def refusal_page(
    request: HttpRequest, allowed: Iterable[str], *, what: str, again_url: str
) -> HttpResponse | None:
    """The 400 page when a form request carries off-list fields; None when it does not."""
    try:
        refuse(sent_fields(request), allowed, what)
    except OffListField as refusal:
        return render(
            request,
            "refused.html",
            {"message": str(refusal), "what": what, "again_url": again_url},
            status=400,
        )
    return None
