"""The self-assessment as it stands now: every clause of the agency's edition (see `clauses`)."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from peerline.agencies.models import Agency

from .clauses import CLAUSES
from .measures import MEASURES
from .models import Attestation, Status

UNASSESSED = "unassessed"
LABELS = {**dict(Status.choices), UNASSESSED: "Not yet assessed"}


@dataclass(frozen=True)
class Row:
    clause: str
    asks: str
    status: str
    how: str  # "measured" or "attested"
    evidence: str
    fix_url: str
    attestation: Attestation | None = None

    @property
    def label(self) -> str:
        return LABELS[self.status]


def assessment(agency: Agency, now: datetime) -> list[Row]:
    edition = agency.guideline_edition
    measures = MEASURES.get(edition, {})
    latest: dict[str, Attestation] = {}
    for row in Attestation.objects.filter(agency=agency, edition=edition).select_related("member"):
        latest.setdefault(row.clause, row)  # newest first
    rows = []
    for clause, asks, fix in CLAUSES.get(edition, []):
        url = reverse(fix) if fix else ""
        if clause in measures:
            found = measures[clause](agency, now)
            rows.append(Row(clause, asks, found.status, "measured", found.evidence, url))
        elif clause in latest:
            a = latest[clause]
            rows.append(Row(clause, asks, a.status, "attested",
                            f"{a.member.name}, {a.attested_on:%b %-d, %Y}: {a.evidence}", url, a))  # fmt: skip
        else:
            rows.append(Row(clause, asks, UNASSESSED, "attested", "", url))
    return rows


def counts(rows: list[Row]) -> dict[str, int]:
    found = Counter(row.status for row in rows)
    return {status: found.get(status, 0) for status in LABELS}
