"""The fixed tables of a utilisation release, counted from the contact log (2011 §3.1).

Command staff and the steering committee receive these tables and nothing else: no ad-hoc
filters, no date ranges, no per-PSP figure. Every table is one dimension of a contact, so no
table is the margin of another and the only relation between them is that each partition table
sums to the period's number of contacts (`disclosure` models exactly that).

All the tables of a period come from one aggregate query (one conditional COUNT per cell), so
closing a quarter reads the contact log once, however many contacts it holds.

Population rule (issue: "no table splits by an attribute whose population in the agency is
below k"): a count of "3 contacts with civilians" in an agency of 8 civilians narrows the
recipients to a handful of people even when 3 itself is suppressed, and a published "12" says
that most civilians sought support. So the recipient-group table shows sworn and civilian
separately only when the agency's current employees of *each* category number at least k;
otherwise the two are merged into one "employee" row. This is the only dimension of a contact
whose population the agency knows (the HR roster). Family members, retirees and people of other
agencies have no roster here; their rows rely on the cell threshold. The other dimensions
(activity, mode, referral, ...) describe the contact, not a group of people, so they are never
merged.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q

from peerline.agencies import periods
from peerline.agencies.models import Agency, Category, Employee
from peerline.contacts.models import (
    Activity,
    Contact,
    Duration,
    InitiatedBy,
    Mode,
    PriorContacts,
    RecipientGroup,
    Referral,
)
from peerline.governance.models import ExceptionCategory

from .disclosure import Table

EMPLOYEE = "employee"  # sworn and civilian merged by the population rule
NONE = "none"  # no confidentiality exception invoked
YES, NO = "yes", "no"

Counts = dict[str, dict[str, int]]
"""True counts by table and category: {"mode": {"in_person": 14, ...}, ...}."""


@dataclass(frozen=True)
class Cell:
    value: str
    label: str
    condition: Q


@dataclass(frozen=True)
class Spec:
    """One fixed table: a single dimension of the contact, its categories in a fixed order."""

    name: str
    dimension: str
    title: str
    column: str  # the heading of the category column
    cells: Callable[[bool], list[Cell]]  # argument: split sworn/civilian (population rule)
    partition: bool = True
    note: str = ""


def _choices(field: str, choices: Iterable[tuple[str, str]]) -> Callable[[bool], list[Cell]]:
    def cells(split: bool) -> list[Cell]:
        return [Cell(value, str(label), Q(**{field: value})) for value, label in choices]

    return cells


def _recipient_groups(split: bool) -> list[Cell]:
    employees = {RecipientGroup.SWORN.value, RecipientGroup.CIVILIAN.value}
    cells = []
    if not split:
        merged = Q(recipient_group__in=sorted(employees))
        cells.append(Cell(EMPLOYEE, "Employee (sworn or civilian)", merged))
    for value, label in RecipientGroup.choices:
        if value not in employees or split:
            cells.append(Cell(value, str(label), Q(recipient_group=value)))
    return cells


def _yes_no(field: str) -> Callable[[bool], list[Cell]]:
    def cells(split: bool) -> list[Cell]:
        return [Cell(YES, "Yes", Q(**{field: True})), Cell(NO, "No", Q(**{field: False}))]

    return cells


def _referrals(split: bool) -> list[Cell]:
    return [
        Cell(value, str(label), Q(**{f"referral_{value}": True}))
        for value, label in Referral.choices
    ]


def _exceptions(split: bool) -> list[Cell]:
    return [
        Cell(NONE, "None invoked", Q(exception__isnull=True)),
        *(
            Cell(value, str(label), Q(exception__category=value))
            for value, label in ExceptionCategory.choices
        ),
    ]


SPECS: tuple[Spec, ...] = (
    Spec(
        "activity",
        "activity",
        "Contacts by activity",
        "Activity",
        _choices("activity", Activity.choices),
    ),
    Spec(
        "recipient_group",
        "recipient_group",
        "Contacts by recipient group",
        "Recipient group",
        _recipient_groups,
        note="Sworn and civilian are shown apart only when the agency has at least k "
        "employees of each.",
    ),
    Spec("mode", "mode", "Contacts by mode", "Mode", _choices("mode", Mode.choices)),
    Spec(
        "initiated_by",
        "initiated_by",
        "Contacts by who initiated them",
        "Initiated by",
        _choices("initiated_by", InitiatedBy.choices),
    ),
    Spec(
        "duration",
        "duration",
        "Contacts by duration",
        "Duration",
        _choices("duration", Duration.choices),
    ),
    Spec(
        "referrals",
        "referral",
        "Referrals made",
        "Referred to",
        _referrals,
        partition=False,
        note="One contact can lead to several referrals, so this table has no total.",
    ),
    Spec(
        "limits_explained",
        "limits_explained",
        "Limits of confidentiality explained at the outset (2011 §6.2)",
        "Limits explained",
        _yes_no("limits_explained"),
    ),
    Spec(
        "confidentiality_exception",
        "exception_category",
        "Confidentiality exceptions invoked (2011 §6.3)",
        "Exception",
        _exceptions,
    ),
    Spec(
        "role_conflict",
        "role_conflict",
        "Role conflicts flagged (2011 §7.2)",
        "Role conflict flagged",
        _yes_no("role_conflict"),
    ),
    Spec(
        "prior_contacts",
        "prior_contacts",
        "Prior contacts with the same person (2011 §7.3)",
        "Prior contacts",
        _choices("prior_contacts", PriorContacts.choices),
    ),
)
BY_NAME = {spec.name: spec for spec in SPECS}
_ALL_LABELS = {
    spec.name: {cell.value: cell.label for split in (True, False) for cell in spec.cells(split)}
    for spec in SPECS
}


def label(table: str, value: str) -> str:
    """The words for a category in a released table (its code if unknown)."""
    return _ALL_LABELS.get(table, {}).get(value, value)


def employee_population(agency: Agency) -> dict[str, int]:
    """Current employees of the agency by category (sworn, civilian), from the HR roster."""
    rows = (
        Employee.objects.current()
        .filter(agency=agency)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    found = dict(rows)
    return {category: found.get(category, 0) for category in Category.values}


def split_employees(agency: Agency, k: int) -> bool:
    """The population rule: sworn/civilian apart only if each has at least k employees."""
    return all(n >= k for n in employee_population(agency).values())


def is_split(counts: Mapping[str, Mapping[str, int]]) -> bool:
    return RecipientGroup.SWORN.value in counts["recipient_group"]


def count(*, agency: Agency, period: str, split: bool) -> Counts:
    """The true counts of every fixed table for `period` (a quarter or a year): one query."""
    aggregates: dict[str, Count] = {"total": Count("pk")}
    names: list[tuple[str, str]] = []
    for spec in SPECS:
        for cell in spec.cells(split):
            aggregates[f"c{len(names)}"] = Count("pk", filter=cell.condition)
            names.append((spec.name, cell.value))
    row = Contact.objects.filter(agency=agency, period__in=periods.quarters_of(period)).aggregate(
        **aggregates
    )
    counts: Counts = {spec.name: {} for spec in SPECS}
    for i, (table, value) in enumerate(names):
        counts[table][value] = int(row[f"c{i}"])
    return counts


def merge_employees(counts: Mapping[str, Mapping[str, int]]) -> Counts:
    """`counts` with sworn and civilian merged into "employee" (no change if already merged)."""
    out = {name: dict(cells) for name, cells in counts.items()}
    if is_split(counts):
        groups = out["recipient_group"]
        employees = groups.pop(RecipientGroup.SWORN.value) + groups.pop(
            RecipientGroup.CIVILIAN.value
        )
        merged = {EMPLOYEE: employees}
        out["recipient_group"] = {**merged, **groups}
    return out


def add(parts: Iterable[Mapping[str, Mapping[str, int]]], *, split: bool) -> Counts:
    """The counts of a year from the counts of its quarters (merged unless `split`)."""
    total: Counts = {spec.name: {cell.value: 0 for cell in spec.cells(split)} for spec in SPECS}
    for part in parts:
        if not split:
            part = merge_employees(part)
        for name, cells in part.items():
            for value, n in cells.items():
                total[name][value] += n
    return total


def to_tables(counts: Mapping[str, Mapping[str, int]]) -> list[Table]:
    """The `disclosure.Table`s of `counts`, in the fixed order of `SPECS`."""
    return [
        Table(
            name=spec.name,
            dimensions=(spec.dimension,),
            cells={(value,): int(n) for value, n in counts[spec.name].items()},
            partition=spec.partition,
        )
        for spec in SPECS
    ]
