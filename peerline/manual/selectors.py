"""Reads of the procedures manual (2011 §3.5)."""

import difflib
from dataclasses import dataclass

from peerline.accounts import policy
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


def acknowledgement_rates(version: ManualVersion) -> list[Rate]:
    """Per role: how many of the people holding it acknowledged (every role is asked)."""
    done = set(Acknowledgement.objects.filter(version=version).values_list("user_id", flat=True))
    holders = policy.holder_ids_by_role(version.agency)
    return [
        Rate(role.label, len(users & done), len(users))
        for role, users in sorted(holders.items(), key=lambda pair: pair[0].value)
    ]


def overall_rate(version: ManualVersion) -> Rate:
    done = set(Acknowledgement.objects.filter(version=version).values_list("user_id", flat=True))
    users = policy.holder_ids(version.agency)
    return Rate("everyone", len(users & done), len(users))


def home_reminders(agency: Agency, user, *, rates: bool) -> list[tuple[str, str, list[str]]]:  # type: ignore[no-untyped-def]
    """For the home page: "acknowledge the manual" for anyone who has not; the acknowledgement
    rates by role for the coordinator (`rates`). (text, URL name, details)."""
    found: list[tuple[str, str, list[str]]] = []
    version = published(agency)
    if version is None:
        return found
    if needs_acknowledging(agency, user) is not None:
        found.append((f"Read and acknowledge the procedures manual, version {version.number} "
                      "(2011 §3.5)", "manual:index", []))  # fmt: skip
    if rates:
        overall = overall_rate(version)
        if overall.acknowledged < overall.asked:
            found.append((
                f"Procedures manual v{version.number}: {overall.acknowledged} of {overall.asked} "
                f"people acknowledged ({overall.percent}%)", "manual:index",
                [f"{r.role}: {r.acknowledged} of {r.asked} ({r.percent}%)"
                 for r in acknowledgement_rates(version)],
            ))  # fmt: skip
    return found
