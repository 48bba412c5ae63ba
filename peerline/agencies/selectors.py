"""Reads of the agency model, shared by pages and the API."""

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


def headcounts(*, agency: Agency) -> dict[str, object]:
    """Headcount by division and by shift, sworn and civilian: the shape of the agency."""
    current = Employee.objects.current().filter(agency=agency)
    sworn = Count(
        "employees", filter=Q(employees__separated_on__isnull=True, employees__category="sworn")
    )
    civilian = Count(
        "employees", filter=Q(employees__separated_on__isnull=True, employees__category="civilian")
    )
    return {
        "total": current.count(),
        "divisions": agency.divisions.annotate(sworn=sworn, civilian=civilian).order_by("name"),
        "shifts": agency.shifts.annotate(sworn=sworn, civilian=civilian).order_by("code"),
    }
