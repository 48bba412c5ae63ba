"""Checks on an agency's own settings, run wherever they are set (admin, `agency-create`, the
model's `full_clean`): a mistyped time zone would otherwise break every page of the agency."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError

# The jurisdictions whose peer support privilege Peerline records: the states, DC and the
# territories (privilege law is state law, 2011 §6.1).
STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    ]
)


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zones():
        raise ValidationError(
            "%(value)s is not a time zone name from the tz database; write it like "
            "America/Denver or America/New_York.",
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_state(value: str) -> None:
    if value not in STATES:
        raise ValidationError(
            "%(value)s is not a two-letter US state or territory code (e.g. CO, IL, PR).",
            code="invalid_state",
            params={"value": value},
        )
