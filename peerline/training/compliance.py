"""Quarterly training compliance (2011 §8.2) and its link to deselection (2011 §4.3).

The rules, in one place:

* **Quarters** are the agency's calendar quarters: a session counts in the quarter of its date,
  and a session's date is the agency's local date (a session at 23:30 on March 31 in Denver is in
  Q1, although it is April 1 in UTC). `Quarter.today(agency, now)` is the current quarter there.
* **The requirement** of a quarter is the agency's `training_hours_per_quarter` (4 by default,
  §8.2), pro-rated by the days of the quarter the PSP was *active and not on leave*:
  ``hours × active days ÷ days in the quarter``, rounded to the nearest half hour (halves up).
  A leave of absence pauses it (2011 §4.4: leave is encouraged, never held against anyone); a PSP
  activated mid-quarter owes only the rest of the quarter. Half a quarter on leave: half the
  hours. A day counts as active when the PSP's dated status history says *active* on it and no
  leave of absence covers it; the open quarter is projected with today's status to its end.
* **Records start** in the quarter of the agency's first session in Peerline (or the first
  session its PSPs attended elsewhere); earlier quarters carry no requirement, so going live
  never puts anyone behind for the years before it. The current quarter always has one.
* **Compliant**: hours credited ≥ hours required.
* **Behind** in a quarter: the quarter has ended, it had a requirement, and the hours credited fall
  short. An open quarter is never "behind": the PSP still has time.
* **Consecutive quarters behind**, counted back from the quarter asked (or from the last ended
  quarter when the one asked is still open): quarters without a requirement (a full quarter on
  leave, or not yet on the team) are skipped — they neither count nor break the run — and the
  first quarter with a requirement that was met ends it. At most `LOOKBACK` quarters are read.
* **One quarter behind** is a reminder to the PSP; **two in a row** flags the PSP for a
  deselection review under §4.3 ("failure to attend training"). The coordinator decides on the
  PSP's team page; Peerline never deselects anyone by itself.
"""

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Protocol

from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from peerline.agencies import clock, periods
from peerline.agencies.models import Agency
from peerline.core import validation
from peerline.team.models import LeaveOfAbsence, PeerSupporter, Status, StatusChange

from .models import CONFIRMED, Attendance, TrainingSession

LOOKBACK = 12  # quarters read back when counting a run of quarters behind (three years)
ON_TEAM = frozenset({Status.ACTIVE, Status.ON_LEAVE})
ZERO = Decimal("0.0")
TENTH = Decimal("0.1")


class BadQuarter(ValueError):
    """Not a quarter; the message is for the user."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """YYYY-Qn between 1900 and 2100 (`core.validation.period_error`); BadQuarter if not."""
        error = validation.period_error(text, quarter_only=True)
        if error:
            raise BadQuarter(f"{error} Quarters are the agency's calendar quarters (2011 §8.2).")
        year, number = periods.parse(text.strip())
        assert number is not None
        return cls(year, number)

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return _quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def today(cls, agency: Agency, now: datetime | None = None) -> "Quarter":
        """The agency's current quarter, by its own clock."""
        return cls.of(clock.local_today(agency, now))

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @cached_property  # read for every PSP of a team: worked out once
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @cached_property  # read for every PSP of a team: worked out once
    def last(self) -> date:
        return periods.last_day(self.label)

    @cached_property  # read for every PSP of a team: worked out once
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def title(self) -> str:
        """ "July to September 2026"."""
        months = ("January", "April", "July", "October"), ("March", "June", "September", "December")
        return f"{months[0][self.number - 1]} to {months[1][self.number - 1]} {self.year}"

    def shift(self, by: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + by
        return _quarter(index // 4, index % 4 + 1)

    def has_ended(self, today: date) -> bool:
        return self.last < today

    def __str__(self) -> str:
        return self.label

    def __hash__(self) -> int:  # a key of every look-up of a team's hours: kept cheap
        return self.year * 4 + self.number


# One instance per quarter: its first and last days are worked out once per process, not once
# per PSP and quarter asked, and a look-up by quarter finds the very key (issue 18).
_quarter = functools.cache(Quarter)


def hours_required(full: Decimal, active_days: int, quarter_days: int) -> Decimal:
    """The pro-rated requirement: `full` × active ÷ days, to the nearest half hour (halves up)."""
    if active_days >= quarter_days:
        return Decimal(full).quantize(TENTH)
    halves = (Decimal(full) * active_days * 2 / quarter_days).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return (halves / 2).quantize(TENTH)


@dataclass(frozen=True)
class QuarterStanding:
    """One PSP in one quarter."""

    quarter: Quarter
    hours_required: Decimal
    hours_credited: Decimal
    active_days: int  # active and not on leave: the days the requirement runs
    paused_days: int  # on leave (2011 §4.4)
    ended: bool
    recorded: bool = True  # False before the agency's training records start: no requirement

    @property
    def on_team(self) -> bool:
        return self.active_days + self.paused_days > 0

    @property
    def has_requirement(self) -> bool:
        return self.hours_required > 0

    @property
    def compliant(self) -> bool:
        return self.hours_credited >= self.hours_required

    @property
    def behind(self) -> bool:
        return self.ended and self.has_requirement and not self.compliant

    @property
    def missing(self) -> Decimal:
        return max(ZERO, self.hours_required - self.hours_credited)

    @property
    def prorated(self) -> bool:
        return self.active_days + self.paused_days > 0 and self.active_days < self.quarter.days


def _reminder(run: int, status: str) -> bool:
    return run == 1 and status in ON_TEAM


def _flagged(run: int, status: str) -> bool:
    return run >= 2 and status in ON_TEAM


@dataclass(frozen=True)
class Standing:
    """A PSP's standing in the quarter asked, with the run of quarters behind up to it."""

    peer_supporter: PeerSupporter
    standing: QuarterStanding
    consecutive_behind: int

    @property
    def on_team_now(self) -> bool:
        return self.peer_supporter.status in ON_TEAM

    @property
    def reminder(self) -> bool:
        """Behind for one quarter, and still on the team: remind them (2011 §8.2)."""
        return _reminder(self.consecutive_behind, self.peer_supporter.status)

    @property
    def flagged(self) -> bool:
        """Behind for two quarters in a row or more, and still on the team: a deselection
        review (2011 §4.3). Someone already deselected or gone needs none."""
        return _flagged(self.consecutive_behind, self.peer_supporter.status)


@dataclass(frozen=True)
class Line:
    """A PSP's standing with only their id and status: what the team's figures, filters and
    paging need, so that a page loads the names of the rows it shows and no others."""

    psp_id: int
    status: str
    standing: QuarterStanding
    consecutive_behind: int

    @property
    def reminder(self) -> bool:
        """One quarter behind and still on the team (2011 §8.2)."""
        return _reminder(self.consecutive_behind, self.status)

    @property
    def flagged(self) -> bool:
        """Two quarters behind in a row or more and still on the team (2011 §4.3)."""
        return _flagged(self.consecutive_behind, self.status)


def standings(lines: Sequence[Line]) -> list[Standing]:
    """The PSPs of `lines` loaded with their employee, in one query, in the lines' order."""
    psps = PeerSupporter.objects.select_related("employee").in_bulk([line.psp_id for line in lines])
    return [Standing(psps[line.psp_id], line.standing, line.consecutive_behind) for line in lines]


@dataclass(frozen=True)
class TeamCompliance:
    """The team's standing in a quarter: `lines` hold every PSP's figures in name order; the
    PSPs themselves are loaded only when `rows` (or a list of `standings`) is asked for."""

    agency: Agency
    quarter: Quarter
    hours_full_quarter: Decimal
    ended: bool
    lines: list[Line]
    records_start: Quarter

    @property
    def size(self) -> int:
        return len(self.lines)

    @cached_property
    def compliant_count(self) -> int:
        return sum(line.standing.compliant for line in self.lines)

    @cached_property
    def reminder_count(self) -> int:
        return sum(line.reminder for line in self.lines)

    @cached_property
    def flagged_count(self) -> int:
        return sum(line.flagged for line in self.lines)

    @cached_property
    def rows(self) -> list[Standing]:
        return standings(self.lines)

    @property
    def compliant(self) -> list[Standing]:
        return standings([line for line in self.lines if line.standing.compliant])

    @property
    def reminders(self) -> list[Standing]:
        return standings([line for line in self.lines if line.reminder])

    @property
    def flagged(self) -> list[Standing]:
        return standings([line for line in self.lines if line.flagged])


# -- the team's history, loaded once -------------------------------------------------------------

Segment = tuple[date, date | None, str]  # [start, end) with a status; end None: still so
Span = tuple[date, date | None]


class Member(Protocol):
    """What the computation reads of a PSP: a PeerSupporter, or the three values of one."""

    @property
    def pk(self) -> int: ...

    @property
    def status(self) -> str: ...

    @property
    def status_since(self) -> date: ...


@dataclass(frozen=True)
class _Member:
    pk: int
    status: str
    status_since: date


def _overlap(a: Span, b: Span) -> int:
    start = max(a[0], b[0])
    ends = [end for end in (a[1], b[1]) if end is not None]
    if not ends:
        raise ValueError("one of the spans must end")
    return max(0, (min(ends) - start).days)


def _segments(psp: Member, changes: list[tuple[date, str]]) -> list[Segment]:
    """The PSP's status over time from the dated history; the current status closes it."""
    changes = list(changes)
    if not changes or changes[-1][1] != psp.status:
        since = max(psp.status_since, changes[-1][0]) if changes else psp.status_since
        changes.append((since, psp.status))
    found: list[Segment] = []
    for (start, status), nxt in itertools.zip_longest(changes, changes[1:]):
        end = nxt[0] if nxt else None
        if end is None or end > start:
            found.append((start, end, status))
    return found


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans, key=lambda span: span[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged[-1] = (
                last_start,
                None if end is None or last_end is None else max(end, last_end),
            )
        else:
            merged.append((start, end))
    return merged


def _days(segments: Sequence[Segment], leaves: Sequence[Span], quarter: Quarter) -> tuple[int, int]:
    """(active and not on leave, paused by leave) days of `quarter`."""
    after = quarter.last + timedelta(days=1)
    span: Span = (quarter.first, after)
    active = paused = 0
    for start, end, status in segments:
        if status not in ON_TEAM:
            continue
        days = _overlap((start, end), span)
        if not days:
            continue
        if status == Status.ON_LEAVE:
            on_leave = days
        else:
            within: Span = (max(start, quarter.first), _min_end(end, after))
            on_leave = sum(_overlap(leave, within) for leave in leaves)
        active += days - on_leave
        paused += on_leave
    return active, paused


Profile = tuple[tuple[Segment, ...], tuple[Span, ...]]


class TeamHistory:
    """Status histories, leaves and hours credited of some PSPs, and where the agency's
    training records start, read in five queries.

    The days each PSP owed in each quarter are worked out once per *profile*: their time on the
    team and their leaves, cut to the dates read. PSPs active throughout (most of a team) share
    one, so a team of thousands costs a few profiles and a dictionary look-up per PSP and
    quarter, not a walk through each one's history (issue 18)."""

    def __init__(
        self,
        agency: Agency,
        psps: Iterable[Member],
        first: date,
        last: date,
        *,
        whole_team: bool = False,
    ):
        self.agency = agency
        self.psps = list(psps)
        self.window: tuple[date, date] = (first, last + timedelta(days=1))
        # The whole team's rows are read by agency: a list of thousands of ids is not sent.
        scope = (
            Q(peer_supporter__agency=agency)
            if whole_team
            else Q(peer_supporter_id__in=[psp.pk for psp in self.psps])
        )
        changes: dict[int, list[tuple[date, str]]] = defaultdict(list)
        for psp_id, day, status in (
            StatusChange.objects.filter(scope)
            .order_by("effective_on", "recorded_at", "pk")
            .values_list("peer_supporter_id", "effective_on", "to_status")
        ):
            changes[psp_id].append((day, status))
        self.segments = {psp.pk: _segments(psp, changes[psp.pk]) for psp in self.psps}
        leaves: dict[int, list[Span]] = defaultdict(list)
        for psp_id, starts, returned in LeaveOfAbsence.objects.filter(scope).values_list(
            "peer_supporter_id", "starts_on", "returned_on"
        ):
            leaves[psp_id].append((starts, returned))
        self.leaves = {psp_id: _merge(spans) for psp_id, spans in leaves.items()}
        summed: dict[tuple[int, Quarter], Decimal] = defaultdict(lambda: ZERO)
        for psp_id, day, hours in (
            Attendance.objects.filter(CONFIRMED, scope, session__date__range=(first, last))
            .values_list("peer_supporter_id", "session__date")
            .annotate(hours=Sum("hours_credited"))
            .order_by()
        ):
            # Only hours of a day on the team count towards its quarters: a session the day
            # before a PSP became active was not update training of theirs (2011 §8.2; issue 17).
            if psp_id in self.segments and self.on_team(psp_id, day):
                summed[(psp_id, Quarter.of(day))] += hours
        self.credits = {key: hours.quantize(TENTH) for key, hours in summed.items()}
        # The agency's first session, and the first its PSPs attended elsewhere, in one query.
        # Sessions attended elsewhere matter only before the agency's own first: the scan of
        # its PSPs' attendance stops there, not at the start of its history (issue 18).
        own = Subquery(
            TrainingSession.objects.filter(agency=agency).order_by("date").values("date")[:1]
        )
        elsewhere = (
            Attendance.objects.filter(CONFIRMED, peer_supporter__agency=agency)
            .filter(session__date__lt=Coalesce(own, Value(date.max)))
            .order_by("session__date")
            .values("session__date")[:1]
        )
        firsts = Agency.objects.filter(pk=agency.pk).values_list(own, Subquery(elsewhere)).get()
        self.first_record = min((day for day in firsts if day is not None), default=None)
        self._profiles: dict[int, int] = {}  # PSP → profile number
        self._numbers: dict[Profile, int] = {}  # profile → its number
        self._profile_data: list[Profile] = []
        self._days: dict[tuple[int, Quarter], tuple[int, int]] = {}
        self._required: dict[tuple[int, Quarter], Decimal] = {}
        self._owed: dict[tuple[int, Quarter, Quarter], list[tuple[Quarter, Decimal]]] = {}
        self._by_psp: dict[int, dict[Quarter, Decimal]] | None = None

    def on_team(self, psp_id: int, day: date) -> bool:
        """Active or on leave on `day`, by the dated status history."""
        return any(
            status in ON_TEAM and start <= day and (end is None or day < end)
            for start, end, status in self.segments.get(psp_id, [])
        )

    def records_start(self, today: date) -> Quarter:
        """The first quarter with training records, and never later than the current one."""
        current = Quarter.of(today)
        return min(Quarter.of(self.first_record), current) if self.first_record else current

    def _profile(self, psp_id: int) -> int:
        """The number of the PSP's profile: their spans on the team and leaves, cut to the
        window read (the days of a quarter inside it are the same)."""
        found = self._profiles.get(psp_id)
        if found is None:
            low, high = self.window
            segments = tuple(
                (max(start, low), _min_end(end, high), status)
                for start, end, status in self.segments[psp_id]
                if status in ON_TEAM and start < high and (end is None or end > low)
            )
            leaves = tuple(
                (max(start, low), _min_end(end, high))
                for start, end in self.leaves.get(psp_id, [])
                if start < high and (end is None or end > low)
            )
            profile = (segments, leaves)
            found = self._numbers.setdefault(profile, len(self._profile_data))
            if found == len(self._profile_data):
                self._profile_data.append(profile)
            self._profiles[psp_id] = found
        return found

    def days(self, psp: Member, quarter: Quarter) -> tuple[int, int]:
        """(active and not on leave, paused by leave) days of `quarter`."""
        if not self._inside(quarter):
            return _days(self.segments[psp.pk], self.leaves.get(psp.pk, []), quarter)
        key = (self._profile(psp.pk), quarter)
        found = self._days.get(key)
        if found is None:
            segments, leaves = self._profile_data[key[0]]
            found = self._days[key] = _days(segments, leaves, quarter)
        return found

    def active_on(self, psp: Member, day: date) -> bool:
        """Active and not on leave on `day`: the requirement runs."""
        return any(
            status == Status.ACTIVE and start <= day and (end is None or day < end)
            for start, end, status in self.segments[psp.pk]
        ) and not any(
            start <= day and (end is None or day < end)
            for start, end in self.leaves.get(psp.pk, [])
        )

    def _inside(self, quarter: Quarter) -> bool:
        return self.window[0] <= quarter.first and quarter.last < self.window[1]

    def required(self, psp: Member, quarter: Quarter, recorded: bool) -> Decimal:
        """The hours `psp` owed in `quarter` (nothing before the records start)."""
        if not recorded:
            return ZERO
        full = self.agency.training_hours_per_quarter
        if not self._inside(quarter):
            return hours_required(full, self.days(psp, quarter)[0], quarter.days)
        key = (self._profile(psp.pk), quarter)
        found = self._required.get(key)
        if found is None:
            active, _ = self.days(psp, quarter)
            found = self._required[key] = hours_required(full, active, quarter.days)
        return found

    def standing(self, psp: Member, quarter: Quarter, today: date) -> QuarterStanding:
        active, paused = self.days(psp, quarter)
        recorded = quarter >= self.records_start(today)
        return QuarterStanding(
            quarter=quarter,
            hours_required=self.required(psp, quarter, recorded),
            hours_credited=self.credits.get((psp.pk, quarter), ZERO).quantize(TENTH),
            active_days=active,
            paused_days=paused,
            ended=quarter.has_ended(today),
            recorded=recorded,
        )

    def consecutive_behind(self, psp: Member, quarter: Quarter, today: date) -> int:
        """The run of quarters behind up to `quarter` (see the module docstring). Every quarter
        read has ended: the run starts at the last ended quarter at the latest."""
        return self.runs([psp], quarter, today)[0]

    def runs(self, psps: Sequence[Member], quarter: Quarter, today: date) -> list[int]:
        """`consecutive_behind` of each of `psps`, in their order, worked out together: what
        every call shares (where the run starts, where the records start, each PSP's credits)
        once, and someone credited nothing in the quarters read behind in each one that asked
        hours of them (issue 18: 1,200 PSPs on the coordinator's home page)."""
        start = min(quarter, Quarter.of(today).shift(-1))
        records_start = self.records_start(today)
        credited = self._credited()
        shared = self._inside(start.shift(-LOOKBACK + 1))  # see `_owing`
        by_profile: dict[int, list[tuple[Quarter, Decimal]]] = {}
        found = []
        for psp in psps:
            if shared:
                profile = self._profile(psp.pk)
                owing = by_profile.get(profile)
                if owing is None:
                    owing = by_profile[profile] = self._owing(psp, start, records_start)
            else:
                owing = self._owing(psp, start, records_start)
            mine = credited.get(psp.pk)
            if mine is None:
                found.append(len(owing))
                continue
            run = 0
            for asked, required in owing:
                if mine.get(asked, ZERO) >= required:
                    break  # a quarter met ends the run
                run += 1
            found.append(run)
        return found

    def _credited(self) -> dict[int, dict[Quarter, Decimal]]:
        """`credits` by PSP, then by quarter."""
        if self._by_psp is None:
            self._by_psp = defaultdict(dict)
            for (psp_id, quarter), hours in self.credits.items():
                self._by_psp[psp_id][quarter] = hours
        return self._by_psp

    def _owing(
        self, psp: Member, start: Quarter, records_start: Quarter
    ) -> list[tuple[Quarter, Decimal]]:
        """The quarters with a requirement from `start` back (at most `LOOKBACK` read, none
        before the records start), newest first, with the hours owed: the same for every PSP
        of a profile. A quarter without one neither counts nor breaks a run."""
        key = (self._profile(psp.pk), start, records_start)
        found = self._owed.get(key)
        if found is None:
            found = []
            for back in range(LOOKBACK):
                asked = start.shift(-back)
                if asked < records_start:
                    break
                required = self.required(psp, asked, True)
                if required:
                    found.append((asked, required))
            if self._inside(start.shift(-LOOKBACK + 1)):  # else not the same for the profile
                self._owed[key] = found
        return found


def _min_end(a: date | None, b: date) -> date:
    return b if a is None else min(a, b)


def _history(
    agency: Agency,
    psps: Iterable[Member],
    quarter: Quarter,
    today: date,
    *,
    whole_team: bool = False,
) -> TeamHistory:
    """What answering for `quarter` needs: `LOOKBACK` quarters back, to the end of the later of
    `quarter` and the current one."""
    first = min(quarter, Quarter.of(today).shift(-1)).shift(-LOOKBACK + 1).first
    last = max(quarter.last, Quarter.of(today).last)
    return TeamHistory(agency, psps, first, last, whole_team=whole_team)


# -- reads for pages, the API and the home page --------------------------------------------------


def _members(agency: Agency, *, on_team_now: bool = False) -> list[_Member]:
    """The agency's PSPs who are, or were once, active or on leave, in name order, as three
    values each: who was on the team when is read from their history, and a candidate who never
    served (thousands, in a large selection) is on no quarter's list, so is not read."""
    found = PeerSupporter.objects.filter(agency=agency)
    if on_team_now:
        found = found.filter(status__in=ON_TEAM)
    else:
        served = StatusChange.objects.filter(peer_supporter=OuterRef("pk"), to_status__in=ON_TEAM)
        found = found.filter(Q(status__in=ON_TEAM) | Exists(served))
    return [
        _Member(*row)
        for row in found.order_by("employee__last_name", "employee__first_name", "pk").values_list(
            "pk", "status", "status_since"
        )
    ]


def team_compliance(
    *, agency: Agency, quarter: Quarter, today: date | None = None
) -> TeamCompliance:
    """Every PSP of the agency who was active or on leave on some day of `quarter`, with the
    hours required and credited, and the run of quarters behind (2011 §8.2, §4.3).

    Six queries whatever the team's size; the PSPs' names are loaded only for the rows shown
    (`TeamCompliance.rows`, `standings`)."""
    today = today or clock.local_today(agency)
    members = _members(agency)
    history = _history(agency, members, quarter, today, whole_team=True)
    asked = {member.pk: history.standing(member, quarter, today) for member in members}
    on_team = [member for member in members if asked[member.pk].on_team]
    lines = [
        Line(member.pk, member.status, asked[member.pk], run)
        for member, run in zip(on_team, history.runs(on_team, quarter, today), strict=True)
    ]
    return TeamCompliance(
        agency=agency,
        quarter=quarter,
        hours_full_quarter=Decimal(agency.training_hours_per_quarter).quantize(TENTH),
        ended=quarter.has_ended(today),
        lines=lines,
        records_start=history.records_start(today),
    )


def _flagged_lines(agency: Agency, today: date, first: int | None = None) -> tuple[int, list[Line]]:
    """How many PSPs on the team are flagged for a review, and the lines of the first `first`
    of them by name (all when None): a standing is worked out only for a line returned."""
    quarter = Quarter.of(today).shift(-1)
    team = _members(agency, on_team_now=True)
    history = _history(agency, team, quarter, today, whole_team=True)
    runs = history.runs(team, quarter, today)
    flagged = [
        (member, run)
        for member, run in zip(team, runs, strict=True)
        if _flagged(run, member.status)
    ]
    shown = flagged if first is None else flagged[:first]
    lines = [
        Line(member.pk, member.status, history.standing(member, quarter, today), run)
        for member, run in shown
    ]
    return len(flagged), lines


def flagged_for_review(*, agency: Agency, today: date) -> list[Standing]:
    """PSPs on the team today who were behind two quarters in a row or more, up to the last
    ended quarter: each needs a deselection review by the coordinator (2011 §4.3). For the
    coordinator's home page; Peerline decides nothing."""
    return standings(_flagged_lines(agency, today)[1])


def flagged_for_review_summary(
    *, agency: Agency, today: date, first: int = 5
) -> tuple[int, list[Standing]]:
    """How many `flagged_for_review` would list, and the first `first` of them by name: for a
    page that shows a few and links to the compliance page for the rest (2011 §4.3). Loads
    `first` PSPs, however many are flagged."""
    count, lines = _flagged_lines(agency, today, first)
    return count, standings(lines)


def psp_quarters(
    *, peer_supporter: PeerSupporter, today: date, count: int = 4
) -> tuple[Standing, list[QuarterStanding]]:
    """A PSP's standing this quarter, and their last `count` quarters on the team, newest first
    (their own page and transcript)."""
    agency = peer_supporter.agency
    quarter = Quarter.of(today)
    history = _history(agency, [peer_supporter], quarter.shift(-count), today)
    current = Standing(
        peer_supporter,
        history.standing(peer_supporter, quarter, today),
        history.consecutive_behind(peer_supporter, quarter, today),
    )
    past = [history.standing(peer_supporter, quarter.shift(-n), today) for n in range(1, count + 1)]
    return current, [row for row in past if row.on_team and row.recorded]
