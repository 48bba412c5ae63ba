"""Reads of the agency model, shared by pages and the API."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import Agency, Employee


def roster(
    *, agency: Agency, division_id: int | None = None, search: str = ""
) -> QuerySet[Employee]:
    """The current employees of `agency`, optionally of one division or matching a name/number."""
    qs = (
        Employee.objects.current()
        .filter(agency=agency)
        .select_related("division", "shift", "supervisor")
        # The primary key breaks ties between namesakes, so pages never repeat or skip one;
        # the order is `employee_current_name_idx`'s.
        .order_by("last_name", "first_name", "pk")
    )
    if division_id:
        qs = qs.filter(division_id=division_id)
    # No name holds a NUL, and PostgreSQL refuses one in a query (SQLite does not).
    for term in search.replace("\x00", "").split()[:4]:
        qs = qs.filter(
            Q(last_name__istartswith=term)
            | Q(first_name__istartswith=term)
            | Q(employee_number=term)
        )
    return qs


@dataclass
class Headcount:
    """Current employees of one division or one shift, sworn and civilian."""

    name: str
    sworn: int = 0
    civilian: int = 0


def headcounts(*, agency: Agency) -> dict[str, object]:
    """Headcount by division and by shift, sworn and civilian: the shape of the agency.

    One grouped count of the current employees by their own division and shift ids (tens of
    rows whatever the agency's size), summed here: counting through a join from each division
    and each shift read every employee twice (issue 18).
    """
    divisions = {d.pk: Headcount(d.name) for d in agency.divisions.order_by("name")}
    shifts = {s.pk: Headcount(s.name) for s in agency.shifts.order_by("code")}
    total = 0
    rows = (
        Employee.objects.current()
        .filter(agency=agency)
        .values_list("division_id", "shift_id", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    for division_id, shift_id, category, n in rows:
        total += n
        for place in (divisions.get(division_id), shifts.get(shift_id)):
            if place is not None and category in ("sworn", "civilian"):
                setattr(place, category, getattr(place, category) + n)
    return {"total": total, "divisions": list(divisions.values()), "shifts": list(shifts.values())}
