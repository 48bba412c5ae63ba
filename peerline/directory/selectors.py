"""The find-a-peer directory (2011 §3.6, §7.2, §3.8.2): which peer supporters an employee may
choose from, filtered by what the employee asks for, never ranked or assigned.

Listed: the active PSPs taking contacts now, still with the agency, of the directory's agency
and of partner agencies whose agreement in force today shares their directory. Never listed:
the viewer, and anyone above or below the viewer in their own agency's chain of command
(2011 §7.2: "PSPs should not develop peer support relationships between supervisors or
subordinates"). The chain test is the materialised path of `peerline.agencies.chain`, so the
whole list is one query whatever the size of the agency, and a page of it one (the count rides
on the page's rows).

Reads only: the directory records nothing about who looked or whom they chose.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, TextField, Window
from django.db.models.functions import Cast

from peerline.agencies import chain
from peerline.agencies.models import Agency, Category, Division, Employee, JobFamily, Shift
from peerline.partners.selectors import directory_givers_ids, directory_givers_list
from peerline.team.models import ExperienceArea, Language, PeerSupporter, Status

# Statuses whose PSP has a card to keep up; only ACTIVE (and available) ones are listed.
CARD_STATUSES = (Status.ACTIVE, Status.ON_LEAVE)
LANGUAGE_LABELS = dict(Language.choices)
EXPERIENCE_LABELS = dict(ExperienceArea.choices)


@dataclass(frozen=True)
class DirectoryFilter:
    """What the employee asks for; every criterion is optional and they combine (AND)."""

    category: str = ""  # Category value
    job_family: str = ""  # JobFamily value
    division_id: int | None = None
    shift_id: int | None = None
    language: str = ""  # Language code
    experience_area: str = ""  # ExperienceArea code
    agency_id: int | None = None  # the directory's own agency or a partner

    @property
    def count(self) -> int:
        return sum(1 for value in vars(self).values() if value not in ("", None))


def dial_of(phone: str) -> str:
    """The phone number for a tel: or sms: link: digits, and a leading + if there is one."""
    digits = re.sub(r"\D", "", phone)
    return f"+{digits}" if phone.strip().startswith("+") else digits


@dataclass(frozen=True)
class Card:
    """One peer supporter as the directory shows them. Frozen and made of strings and tuples,
    so a card is a value: equal cards show the same, and a card can key a cache of its HTML."""

    pk: int
    first_name: str
    last_name: str
    rank: str
    category: str
    job_family: str
    division: str
    shift: str
    agency: str
    partner: bool  # of a partner agency, not the directory's own
    languages: tuple[str, ...] = ()
    experience_areas: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    note: str = ""
    # Derived once here, not at each use in a template (issue 18: a page shows 24 cards).
    name: str = field(init=False, compare=False)
    dial: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"{self.first_name} {self.last_name}")
        object.__setattr__(self, "dial", dial_of(self.phone))


# What a card shows, read with `values()`: no model instances, one row per PSP. The names of the
# agency, division and shift are joined in (`_NAMED`), or, when the page has read its filter
# lists already, looked up there from the ids (`_IDS`): two tables joined, not five.
_ROW = {
    "pk": "pk",
    "agency_id": "agency_id",
    "first_name": "employee__first_name",
    "last_name": "employee__last_name",
    "rank": "employee__rank",
    "category": "employee__category",
    "job_family": "employee__job_family",
    "work_phone": "employee__phone",
    "work_email": "employee__email",
    "languages": "languages",
    "experience_areas": "experience_areas",
    "reach_phone": "reach_phone",
    "reach_email": "reach_email",
    "reach_note": "reach_note",
}
_NAMED = {
    "agency": "agency__name",
    "division": "employee__division__name",
    "shift": "employee__shift__name",
}
_IDS = {"agency": "agency_id", "division": "employee__division_id", "shift": "employee__shift_id"}


def _card(row: dict[str, Any], directory_agency_id: int | None) -> Card:
    """Until the PSP fills in a way to reach them, the card shows their work phone and e-mail."""
    filled = bool(row["reach_phone"] or row["reach_email"])
    return Card(
        pk=row["pk"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        rank=row["rank"],
        category=Category(row["category"]).label,
        job_family=JobFamily(row["job_family"]).label,
        division=row["division"],
        shift=row["shift"] or "",
        agency=row["agency"],
        partner=directory_agency_id is not None and row["agency_id"] != directory_agency_id,
        languages=tuple(
            LANGUAGE_LABELS[code] for code in row["languages"] if code in LANGUAGE_LABELS
        ),
        experience_areas=tuple(
            EXPERIENCE_LABELS[code] for code in row["experience_areas"] if code in EXPERIENCE_LABELS
        ),
        phone=row["reach_phone"] if filled else row["work_phone"],
        email=row["reach_email"] if filled else row["work_email"],
        note=row["reach_note"],
    )


def card_for(psp: PeerSupporter, *, directory_agency_id: int | None = None) -> Card:
    """One PSP's card, as the directory would show it (the preview of their own card)."""
    row: dict[str, Any] = {}
    for key, lookup in {**_ROW, **_NAMED}.items():
        value: Any = psp
        for part in lookup.split("__"):
            value = getattr(value, part) if value is not None else None
        row[key] = value
    return _card(row, directory_agency_id)


def listed(
    *,
    viewer: Employee | None,
    agency: Agency,
    today: date,
    partner_ids: Sequence[int] | None = None,
) -> QuerySet[PeerSupporter]:
    """The PSPs `viewer` may choose from in `agency`'s directory, as one query (2011 §3.6, §7.2).

    A viewer without an employee record (a contract clinician, say) has no chain of command
    and sees everyone. A viewer whose chain path is missing raises ValueError: the directory
    fails closed rather than list a supervisor. `partner_ids`: the agencies sharing their
    directory with `agency` on `today`, when the caller has read them already (the page reads
    them for its filters); else they are a subquery.
    """
    givers = directory_givers_ids(agency, today) if partner_ids is None else partner_ids
    qs = PeerSupporter.objects.filter(
        Q(agency=agency) | Q(agency_id__in=givers),
        status=Status.ACTIVE,
        available=True,
        employee__separated_on__isnull=True,
    )
    if viewer is not None:
        # The chain of command exists within one agency: the viewer's own (2011 §7.2).
        conflict = Q(employee__agency_id=viewer.agency_id) & chain.chain_q(viewer, "employee__")
        qs = qs.exclude(employee_id=viewer.pk).exclude(conflict)
    return qs.select_related("agency", "employee__division", "employee__shift").order_by(
        "employee__last_name", "employee__first_name", "pk"
    )


def _narrowed(qs: QuerySet[PeerSupporter], filters: DirectoryFilter) -> QuerySet[PeerSupporter]:
    """`qs` with every criterion the employee asked for, all in SQL (they combine: AND).

    Languages and experience areas are JSON lists of codes; a code is matched with its quotes
    in the list's text (`"es"` within `["en", "es"]`), the same on SQLite and PostgreSQL, so
    the count and the page are the database's work, not Python's over the whole team.
    """
    narrowing = {
        "employee__category": filters.category,
        "employee__job_family": filters.job_family,
        "employee__division_id": filters.division_id,
        "employee__shift_id": filters.shift_id,
        "agency_id": filters.agency_id,
    }
    qs = qs.filter(**{key: value for key, value in narrowing.items() if value not in ("", None)})
    lists = {"languages": filters.language, "experience_areas": filters.experience_area}
    for name, code in lists.items():
        if code:
            qs = qs.annotate(**{f"{name}_text": Cast(name, TextField())}).filter(
                **{f"{name}_text__contains": f'"{code}"'}
            )
    return qs


def _cards(qs: QuerySet[PeerSupporter], directory_agency_id: int) -> list[Card]:
    lookups = {**_ROW, **_NAMED}
    return [
        _card(dict(zip(lookups, values, strict=True)), directory_agency_id)
        for values in qs.values_list(*lookups.values())
    ]


def directory_for(
    *,
    viewer: Employee | None,
    agency: Agency,
    today: date,
    filters: DirectoryFilter | None = None,
) -> list[Card]:
    """Every card `viewer` may choose from, narrowed by `filters`, ordered by name: one query.

    The whole list, for checks and exports; the page shows `directory_page` (a short page).
    The recipient chooses (2011 §3.6): the filters narrow the list, nothing ranks it.
    """
    qs = _narrowed(listed(viewer=viewer, agency=agency, today=today), filters or DirectoryFilter())
    return _cards(qs, agency.pk)


@dataclass(frozen=True)
class Named:
    """One answer of a filter's list: an agency, a division or a shift."""

    pk: int
    name: str
    agency_id: int


@dataclass(frozen=True)
class FilterLists:
    """What the directory's filters choose from on one day: the agency, the partners sharing
    their directory with it (by name, 2011 §3.8.2), and the divisions (by name) and shifts (by
    code) of each of them. The page reads them once and uses them for the filters, the page's
    query (the partners' ids) and the cards (the names)."""

    agency: Named
    partners: tuple[Named, ...]
    divisions: tuple[Named, ...]
    shifts: tuple[Named, ...]

    @property
    def partner_ids(self) -> list[int]:
        return [partner.pk for partner in self.partners]


def filter_lists(agency: Agency, *, today: date, partners: bool = True) -> FilterLists:
    """The filters' lists in two queries: the partners' ids, then the agencies with their
    divisions and shifts. `partners=False`: the agency's own alone, in one (the kiosk: a
    partner shares its PSPs with the agency's employees, not with its door)."""
    ids = [agency.pk]
    if partners:
        ids += directory_givers_list(agency, today)
    # One statement: each agency joined to its divisions and to its shifts, a row for each
    # pair (a few hundred at most), in the order shown: agencies and divisions by name, shifts
    # by code. Each division and shift is kept from its first row.
    rows = (
        Agency.objects.filter(pk__in=ids)
        .order_by("name", "pk", "divisions__name", "divisions__pk", "shifts__code", "shifts__pk")
        .values_list("pk", "name", "divisions__pk", "divisions__name", "shifts__pk", "shifts__name")
    )
    agencies: dict[int, Named] = {}
    divisions: dict[int, Named] = {}
    shifts: dict[int, Named] = {}
    for owner, name, division, division_name, shift, shift_name in rows:
        agencies.setdefault(owner, Named(owner, name, owner))
        if division is not None:
            divisions.setdefault(division, Named(division, division_name, owner))
        if shift is not None:
            shifts.setdefault(shift, Named(shift, shift_name, owner))
    return FilterLists(
        agency=Named(agency.pk, agency.name, agency.pk),
        partners=tuple(row for pk, row in agencies.items() if pk != agency.pk),
        divisions=tuple(divisions.values()),
        shifts=tuple(shifts.values()),
    )


def _named(rows: list[dict[str, Any]], lists: FilterLists) -> None:
    """Put the names from `lists` in place of the ids in `rows`. A division or shift not in the
    lists (an employee filed under another agency's: the roster does not forbid it) is read by
    its id, so a card always shows its name."""
    agencies = {named.pk: named.name for named in (lists.agency, *lists.partners)}
    divisions = {named.pk: named.name for named in lists.divisions}
    shifts = {named.pk: named.name for named in lists.shifts}
    if missing := {row["division"] for row in rows} - divisions.keys():
        divisions |= dict(Division.objects.filter(pk__in=missing).values_list("pk", "name"))
    if missing := {row["shift"] for row in rows if row["shift"] is not None} - shifts.keys():
        shifts |= dict(Shift.objects.filter(pk__in=missing).values_list("pk", "name"))
    for row in rows:
        row["agency"] = agencies[row["agency"]]
        row["division"] = divisions[row["division"]]
        row["shift"] = shifts.get(row["shift"], "")


PAGE_SIZE = 24  # cards per page: one, two or three columns fill evenly


@dataclass(frozen=True)
class DirectoryPage:
    """One short page of the directory: its cards, and where it sits among all that match."""

    cards: list[Card]
    number: int  # from 1
    count: int  # every card that matches, on all pages
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def first(self) -> int:
        """The position of the page's first card among all that match, from 1."""
        return (self.number - 1) * self.size + 1 if self.cards else 0

    @property
    def last(self) -> int:
        return self.first + len(self.cards) - 1 if self.cards else 0


def directory_page(
    *,
    viewer: Employee | None,
    agency: Agency,
    today: date,
    filters: DirectoryFilter | None = None,
    number: object = 1,
    size: int = PAGE_SIZE,
    lists: FilterLists | None = None,
) -> DirectoryPage:
    """Page `number` of the cards `viewer` may choose from, narrowed by `filters`: one query
    (the page, each row carrying the count of all that match) whatever the size of the team,
    never the whole team at once.

    The order is by name, the same for everyone and every search: the pages split the list,
    they do not rank it (2011 §3.6). A page number that is not a number gives the first page;
    one outside the pages, the nearest page (then a second query, once the count is known).

    `lists`: the page's filter lists for `agency` and `today`, when read already: the partners
    are then known ids, and the names are looked up there rather than joined (issue 18: the
    surge's most requested query plans two tables, not five).
    """
    if lists is not None and lists.agency.pk != agency.pk:
        raise ValueError("the filter lists are another agency's")
    partner_ids = lists.partner_ids if lists is not None else None
    qs = _narrowed(
        listed(viewer=viewer, agency=agency, today=today, partner_ids=partner_ids),
        filters or DirectoryFilter(),
    )
    lookups = {**_ROW, **(_NAMED if lists is None else _IDS)}
    try:
        asked = max(int(str(number)), 1)
    except ValueError:
        asked = 1
    # The count as a window over the same rows: the join behind the directory (every listed
    # PSP with their employee, to order by name) is made once per page, not twice (issue 18:
    # the surge's most requested page).
    rows = qs.annotate(matching=Window(Count("pk"))).values_list(*lookups.values(), "matching")
    found = list(rows[(asked - 1) * size : asked * size])
    # No row: nothing matches, or the page asked is past the last one (then the last is shown).
    count = found[0][-1] if found else (qs.count() if asked > 1 else 0)
    shown = min(asked, max(1, -(-count // size)))
    if shown != asked:
        found = list(rows[(shown - 1) * size : shown * size])
    shown_rows = [dict(zip(lookups, values[:-1], strict=True)) for values in found]
    if lists is not None:
        _named(shown_rows, lists)
    cards = [_card(row, agency.pk) for row in shown_rows]
    return DirectoryPage(cards=cards, number=shown, count=count, size=size)


def own_card(*, user_id: int, agency: Agency) -> PeerSupporter | None:
    """The PSP record of the user's own employee in `agency`, if it has a card to edit."""
    return (
        PeerSupporter.objects.filter(
            agency=agency, employee__user_id=user_id, status__in=CARD_STATUSES
        )
        .select_related("agency", "employee__division", "employee__shift")
        .first()
    )


def viewer_of(*, user_id: int) -> Employee | None:
    """The employee record behind a user, if any (contract clinicians have none), with what
    the directory reads of it: who they are and where they sit in the chain of command."""
    return Employee.objects.filter(user_id=user_id).only("pk", "agency_id", "chain_path").first()
