"""The directory's filters read and shown without a Django form (2011 §3.6, issue 18).

The find-a-peer page is the most requested page of a surge; a form per request (its fields
deep-copied, its choices built, its widgets rendered through templates) cost more than the
rest of the page's Python. `read_filters` applies the rules of the form it replaced (kept as
`tests/reference_form.py`; the tests pin that both accept and refuse the same answers): every
filter optional; an answer outside the lists an error, never a silent "any"; of a name sent
twice, the last answer counts. `controls` gives the template what it shows, from the same lists.

What was sent is never echoed (2011 §3.6: the criteria are nobody's business): a control
shows which of its own answers is chosen, and an error names no answer.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from peerline.agencies.models import Category, JobFamily
from peerline.team.models import ExperienceArea, Language

from .selectors import DirectoryFilter, FilterLists, Named

# The fixed lists, as (value, label); an empty value is "any" and is always accepted.
CATEGORIES = [("", "Either"), *Category.choices]
JOB_FAMILIES = [("", "Any"), *JobFamily.choices]
LANGUAGES = [("", "Any"), *Language.choices]
EXPERIENCE_AREAS = [("", "Any"), *ExperienceArea.choices]
FIELDS = ("category", "job_family", "division", "shift", "language", "experience_area", "agency")


@dataclass(frozen=True)
class Reading:
    """What the filters say: the filters (None when an answer is outside the lists), what was
    sent for each field ("" for nothing), and the fields whose answer was refused."""

    filters: DirectoryFilter | None
    sent: Mapping[str, str]
    refused: frozenset[str]

    @property
    def count(self) -> int:
        return self.filters.count if self.filters else 0


def _accepted(lists: FilterLists) -> dict[str, set[str]]:
    """Every answer each field accepts, as sent (text), besides the empty "any"."""
    return {
        "category": set(Category.values),
        "job_family": set(JobFamily.values),
        "division": {str(row.pk) for row in lists.divisions},
        "shift": {str(row.pk) for row in lists.shifts},
        "language": set(Language.values),
        "experience_area": set(ExperienceArea.values),
        "agency": {str(row.pk) for row in (lists.agency, *lists.partners)},
    }


def read_filters(data: Mapping[str, str] | None, lists: FilterLists) -> Reading:
    """The filters in `data` (a POST; None for a page not yet filtered: no filter).

    A `QueryDict` answers the last value of a name sent twice, as a form reads it.
    """
    if data is None:
        return Reading(DirectoryFilter(), {}, frozenset())
    sent = {name: data.get(name) or "" for name in FIELDS}
    accepted = _accepted(lists)
    refused = frozenset(
        name for name, value in sent.items() if value and value not in accepted[name]
    )
    if refused:
        return Reading(None, sent, refused)

    def number(name: str) -> int | None:
        return int(sent[name]) if sent[name] else None

    filters = DirectoryFilter(
        category=sent["category"],
        job_family=sent["job_family"],
        division_id=number("division"),
        shift_id=number("shift"),
        language=sent["language"],
        experience_area=sent["experience_area"],
        agency_id=number("agency"),
    )
    return Reading(filters, sent, refused)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    chosen: bool


@dataclass(frozen=True)
class Group:
    """Options under one agency's name (`label`), or outside any group (`label` empty)."""

    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Control:
    """One filter as the page shows it: a list of options, the one sent chosen."""

    name: str
    label: str
    groups: tuple[Group, ...]
    refused: bool

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(option for group in self.groups for option in group.options)


def _options(choices: list[tuple[str, str]], sent: str) -> tuple[Option, ...]:
    return tuple(Option(str(value), str(label), str(value) == sent) for value, label in choices)


def _grouped(rows: tuple[Named, ...], lists: FilterLists, sent: str) -> tuple[Group, ...]:
    """Divisions or shifts after "Any": without partners, one list; with partners, the
    agency's own under its name, then each partner's that has some under the partner's."""
    first = Group("", _options([("", "Any")], sent))
    if not lists.partners:
        return (first, Group("", _options([(str(row.pk), row.name) for row in rows], sent)))
    groups = [first]
    for owner in (lists.agency, *lists.partners):
        own = [(str(row.pk), row.name) for row in rows if row.agency_id == owner.pk]
        if own or owner is lists.agency:
            groups.append(Group(owner.name, _options(own, sent)))
    return tuple(groups)


@dataclass(frozen=True)
class Controls:
    """The page's filters: sworn or civilian (radio buttons), then the lists (selects); the
    agency's list only when there are partners."""

    category: Control
    selects: tuple[Control, ...]


def controls(reading: Reading, lists: FilterLists) -> Controls:
    """Each filter with the answer sent chosen ("any" when nothing was sent)."""
    sent, refused = reading.sent, reading.refused

    def flat(name: str, label: str, choices: list[tuple[str, str]]) -> Control:
        groups = (Group("", _options(choices, sent.get(name, ""))),)
        return Control(name, label, groups, name in refused)

    def grouped(name: str, label: str, rows: tuple[Named, ...]) -> Control:
        return Control(name, label, _grouped(rows, lists, sent.get(name, "")), name in refused)

    selects = [
        flat("job_family", "Job family", JOB_FAMILIES),
        grouped("division", "Division", lists.divisions),
        grouped("shift", "Shift", lists.shifts),
        flat("language", "Language", LANGUAGES),
        flat("experience_area", "Has lived through or knows well", EXPERIENCE_AREAS),
    ]
    if lists.partners:
        agencies = [(str(row.pk), row.name) for row in (lists.agency, *lists.partners)]
        selects.append(flat("agency", "Agency", [("", "Ours and partners"), *agencies]))
    return Controls(flat("category", "Sworn or civilian", CATEGORIES), tuple(selects))
