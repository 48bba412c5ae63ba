"""The jurisdiction table (2011 §2.2.3; 2006 Philosophy: knowing state and federal law).

Read from `jurisdictions.toml`, not a model: the table is reference law that changes by a reviewed
commit (with its `checked` date), not by anyone in the app, and nothing points at it with a foreign
key, so a data migration per legal update would add nothing but churn. The agency holds its
two-letter `state`; this module answers what that state's law says, or that it is not confirmed.
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("jurisdictions.toml")
COUNSEL = "Confirm with your agency's counsel: this is a summary, not legal advice."
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    privileged: str  # "yes", "no" or "unknown"
    citation: str
    status: str  # "confirmed" or "not confirmed"
    checked: date
    exceptions: tuple[str, ...]
    preconditions: tuple[str, ...]
    note: str

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED

    @property
    def summary(self) -> str:
        """One sentence for the read-aloud card (2011 §6.4: the level of privilege)."""
        if not self.confirmed or self.privileged == "unknown":
            return (
                f"Whether {self.name} law makes what you tell a peer supporter privileged (protected "
                "from being compelled in court) is not confirmed."
            )
        if self.privileged == "yes":
            return (
                f"{self.name} law ({self.citation}) makes what you tell a peer supporter privileged, "
                "with the exceptions it lists."
            )
        return (
            f"{self.name} law gives no privilege to what you tell a peer supporter: it could be "
            "required in court."
        )


def _entry(code: str, data: dict) -> Jurisdiction:  # type: ignore[type-arg]
    return Jurisdiction(
        code=code,
        name=data["name"],
        privileged=data["privileged"],
        citation=data["citation"],
        status=data["status"],
        checked=data["checked"],
        exceptions=tuple(data["exceptions"]),
        preconditions=tuple(data["preconditions"]),
        note=data.get("note", ""),
    )


@cache
def _table() -> tuple[dict[str, Jurisdiction], Jurisdiction]:
    with PATH.open("rb") as file:
        data = tomllib.load(file)
    states = {code: _entry(code, entry) for code, entry in data["states"].items()}
    return states, _entry("US", data["federal"])


def states() -> dict[str, Jurisdiction]:
    return _table()[0]


def federal() -> Jurisdiction:
    return _table()[1]


def for_state(code: str) -> Jurisdiction:
    """The agency's state's entry; an unknown code answers "not confirmed", never another state."""
    found = states().get(code.upper())
    if found is not None:
        return found
    return Jurisdiction(
        code=code.upper(),
        name=code.upper() or "this jurisdiction",
        privileged="unknown",
        citation="",
        status="not confirmed",
        checked=date.min,
        exceptions=(),
        preconditions=(),
        note="No entry for this jurisdiction.",
    )
