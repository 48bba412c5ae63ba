"""Reads of the procedures manual (2011 §3.5)."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.agencies.models import Agency

from .models import Acknowledgement, ManualVersion


def published(agency: Agency) -> ManualVersion | None:
    return (
        ManualVersion.objects.filter(agency=agency, published_at__isnull=False)
        .select_related("approved_by")
        .first()
    )


def draft_of(agency: Agency) -> ManualVersion | None:
    return ManualVersion.objects.filter(agency=agency, published_at__isnull=True).first()


def previous(version: ManualVersion) -> ManualVersion | None:
    return ManualVersion.objects.filter(
        agency=version.agency, published_at__isnull=False, number__lt=version.number
    ).first()


def diff(old: ManualVersion | None, new: ManualVersion) -> list[tuple[str, str]]:
    """Changed lines against the previous published version: ("added" | "removed", text)."""
    before = old.text.splitlines() if old else []
    out = []
    for line in difflib.unified_diff(before, new.text.splitlines(), lineterm="", n=0):
        if line.startswith(("+++", "---", "@@")):
            continue
        if line.startswith("+"):
            out.append(("added", line[1:]))
        elif line.startswith("-"):
            out.append(("removed", line[1:]))
    return out


def needs_acknowledging(agency: Agency, user) -> ManualVersion | None:  # type: ignore[no-untyped-def]
    version = published(agency)
    if version is None or Acknowledgement.objects.filter(version=version, user=user).exists():
        return None
    return version


@dataclass(frozen=True)
class Rate:
    role: str
    acknowledged: int
    asked: int

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.asked) if self.asked else 0


def _acknowledged(version: ManualVersion | int) -> Exists:
    return Exists(Acknowledgement.objects.filter(version=version, user=OuterRef("pk")))


def _by_role(agency_id: int, version: ManualVersion | int) -> QuerySet[Any]:
    """(role, asked, acknowledged) per role held in the manual's agency, counted by the database:
    holding a role is the policy's (`policy.holders`), each of its memberships in the agency a
    row (a user and a role are unique together there)."""
    return (
        policy.holders(agency_id)
        .filter(memberships__agency=agency_id)
        .values(group=F("memberships__role"))
        .annotate(asked=Count("pk"), done=Count("pk", filter=Q(_acknowledged(version))))
        .order_by()
    )


def _everyone(agency_id: int, version: ManualVersion | int) -> QuerySet[Any]:
    """(EVERYONE, asked, acknowledged): each holder of any role once."""
    return (
        policy.holders(agency_id)
        .values(group=Value(EVERYONE, output_field=CharField()))
        .annotate(asked=Count("pk"), done=Count("pk", filter=Q(_acknowledged(version))))
        .order_by()
    )


EVERYONE = ""  # the group of `_everyone` (no role is the empty string)


def _role_rates(rows: Iterable[dict[str, Any]]) -> list[Rate]:
    found = {row["group"]: row for row in rows if row["group"] in Role}
    return [
        Rate(Role(name).label, found[name]["done"], found[name]["asked"]) for name in sorted(found)
    ]


def acknowledgement_rates(version: ManualVersion) -> list[Rate]:
    """Per role: how many of the people holding it acknowledged (every role is asked). Counted
    in one query: the ids of 50,000 holders and acknowledgements were read and intersected here
    (issue 18)."""
    return _role_rates(_by_role(version.agency_id, version))


def overall_rate(version: ManualVersion) -> Rate:
    row = _everyone(version.agency_id, version).get()
    return Rate("everyone", row["done"], row["asked"])


def all_rates(agency_id: int, version: ManualVersion | int) -> tuple[Rate, list[Rate]]:
    """`overall_rate` and `acknowledgement_rates` in one query (the home page's reminder)."""
    by_role, everyone = _by_role(agency_id, version), _everyone(agency_id, version)
    rows = list(by_role.union(everyone, all=True))
    overall = next(row for row in rows if row["group"] == EVERYONE)
    return Rate("everyone", overall["done"], overall["asked"]), _role_rates(rows)


# -- the home page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """The published version as the home page reads it, with whether the user acknowledged it."""

    pk: int
    number: int
    acknowledged: bool


def published_columns(agency: Agency, user: str = "pk") -> dict[str, Any]:
    """`Published` as columns of a query whose rows are users (`user`: the path to the user's
    id): the home page reads them with the user, not in a query of their own (issue 18)."""
    latest = ManualVersion.objects.filter(agency=agency, published_at__isnull=False)
    latest = latest.order_by("-number")
    version = Subquery(latest.values("pk")[:1])
    mine = Acknowledgement.objects.filter(version=version, user=OuterRef(user))
    return {
        "manual_pk": version,
        "manual_number": Subquery(latest.values("number")[:1]),
        "manual_acknowledged": Exists(mine),
    }


def published_from(row: object) -> Published | None:
    """The `Published` of a row read with `published_columns`; None if none is published."""
    pk = getattr(row, "manual_pk", None)
    if pk is None:
        return None
    return Published(pk, row.manual_number, row.manual_acknowledged)  # type: ignore[attr-defined]


def home_reminders(
    agency: Agency, published: Published | None, *, rates: bool
) -> list[tuple[str, str, list[str]]]:
    """For the home page: "acknowledge the manual" for anyone who has not; the acknowledgement
    rates by role for the coordinator (`rates`, one query). (text, URL name, details)."""
    found: list[tuple[str, str, list[str]]] = []
    if published is None:
        return found
    number = published.number
    if not published.acknowledged:
        found.append((f"Read and acknowledge the procedures manual, version {number} "
                      "(2011 §3.5)", "manual:index", []))  # fmt: skip
    if rates:
        overall, by_role = all_rates(agency.pk, published.pk)
        if overall.acknowledged < overall.asked:
            found.append((
                f"Procedures manual v{number}: {overall.acknowledged} of {overall.asked} "
                f"people acknowledged ({overall.percent}%)", "manual:index",
                [f"{r.role}: {r.acknowledged} of {r.asked} ({r.percent}%)" for r in by_role],
            ))  # fmt: skip
    return found
