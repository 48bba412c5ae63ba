"""Small-cell suppression for the statistics command staff may see (2011 §3.1).

IACP Peer Support Guidelines (Chicago 2011) §3.1: management receives only *anonymous
statistical information* about use of the peer support program. A count of 3 "critical incident
debriefings, dispatch" names people in a small agency, so every non-zero count below the agency's
threshold `k` is withheld. The default `k = 11` is the CMS cell-size suppression policy (no cell
of 1 to 10 is released); an agency may choose another value but never below 5 (`MIN_K`).

Withholding the small cells is not enough: a suppressed cell can be recovered from the table
total, from a margin table, or from another release of a linked period (a year report versus its
four quarter reports). Nor is "cannot be pinned to one integer": a hidden count known to be at
most 2 says far more than "below 11". So this package runs an *audit-and-repair* loop: it models
everything an attacker knows as linear relations (`model`), computes with linear programming
(scipy's HiGHS) the tightest interval each suppressed value can lie in (`audit`), and while some
suppressed value is not *protected* it suppresses one more published cell (`repair`,
complementary suppression).

Protected (the interval rule): the value's interval ``[lo, hi]`` reaches up to at least k - 1,
holds two integers or more, and, for a count below k, reaches down to 1. So the release tells
nothing about a suppressed count that the word "suppressed" does not.

This package is pure Python + numpy/scipy (no Django) so it can be tested on its own.

What the attacker is assumed to know (`audit` models all of it):

* every published cell and the published grand total, exactly; every unknown value is >= 0;
* every partition table (its cells partition the period's contacts) sums to the grand total;
* if the dimensions of partition table A are a subset of those of partition table B, A's cells are
  the margins of B (sums of B's cells over B's other dimensions); more generally two partition
  tables sharing dimensions have equal margins over the shared ones;
* a cell of a non-partition table (a multi-valued attribute, e.g. referrals made) is between 0 and
  the grand total, and, when the table also has single-valued dimensions shared with a partition
  table, at most the matching margin of that table;
* linked releases (`LinkedRelease`): each of our cells and our grand total equals the sum of the
  same cell over the already published releases of the sub-periods (whose categories may be
  finer than ours, see `LinkedRelease.merge`).

"Pinned" (the rule's last resort) is decided on the LP interval ``[lo, hi]``: a value is pinned when the interval holds
fewer than two integers, ``floor(hi) - ceil(lo) < 1`` (with a 1e-6 tolerance). That implies the
brief's ``hi - lo < 1`` test and also catches intervals such as [3.5, 4.5] that a rounding
attacker reduces to one value.
"""

from .audit import audit, interval_violations, pinned_values, required_interval
from .model import (
    DEFAULT_K,
    GRAND_TOTAL,
    MIN_K,
    Cell,
    DisclosureError,
    LinkedRelease,
    Release,
    Table,
    TableRelease,
    release_from_json,
    release_to_json,
)
from .repair import protect

__all__ = [
    "DEFAULT_K",
    "GRAND_TOTAL",
    "MIN_K",
    "Cell",
    "DisclosureError",
    "LinkedRelease",
    "Release",
    "Table",
    "TableRelease",
    "audit",
    "interval_violations",
    "pinned_values",
    "protect",
    "release_from_json",
    "release_to_json",
    "required_interval",
]
