"""The on-call schedule as a picture: one strip per day, midnight to midnight, covered stretches
in blue, holes hatched red (2011 §5.1: 24 hours a day).

Drawn on the server as SVG geometry, like `peerline.stats.charts`: no JavaScript, no inline
style. A day is as long as it really is (23 or 25 hours when the clocks change), so the strip's
hour marks are exact on every other day. The page lists every hole as text too.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils.dateformat import format as date_format

from peerline.agencies.clock import zone
from peerline.agencies.models import Agency

from .selectors import coverage, local_midnight, merge

LABEL = 96.0  # the day's name, left of its strip
PLOT = 600.0
ROW = 24.0
BAR = 16.0
TOP = 24.0  # room for the hour marks
HOURS = (0, 6, 12, 18, 24)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    kind: str  # "covered", "hole" or "past"
    title: str


@dataclass(frozen=True)
class DayStrip:
    day: date
    label: str
    y: float
    text_y: float
    hours: int  # 23, 24 or 25
    segments: list[Segment]


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    rows: list[DayStrip]
    ticks: list[tuple[float, str, str]]  # x, "06:00", its text-anchor
    desc: str
    bar: float = BAR
    top: float = TOP


def _hm(moment: datetime, tz: object) -> str:
    return f"{moment.astimezone(tz):%H:%M}"  # type: ignore[arg-type]


def picture(*, agency: Agency, today: date, now: datetime, desc: str, days: int = 30) -> Picture:
    """`days` strips from `today`; the part of today already gone is greyed. `desc` is what a
    screen reader announces (the page lists the holes as text)."""
    tz = zone(agency)
    now = now.astimezone(UTC)
    start = local_midnight(today, tz)
    end = local_midnight(today + timedelta(days=days), tz)
    covers = coverage(agency=agency, start=start, end=end)
    covered = merge([(c.starts_at, c.ends_at) for c in covers])
    rows = []
    for index in range(days):
        day = today + timedelta(days=index)
        begins, ends = local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)
        length = (ends - begins).total_seconds()

        def x(moment: datetime, begins: datetime = begins, length: float = length) -> float:
            return round(LABEL + PLOT * (moment - begins).total_seconds() / length, 1)

        segments = []
        cursor = begins
        for s, e in covered:
            s, e = max(s, begins), min(e, ends)
            if s >= e:
                continue
            if s > cursor:
                segments.append(_hole(cursor, s, x, tz))
            cursor = max(cursor, e)
        if cursor < ends:
            segments.append(_hole(cursor, ends, x, tz))
        for cover in covers:
            s, e = max(cover.starts_at, begins), min(cover.ends_at, ends)
            if s < e:
                title = f"{cover.clinician.name}, {_hm(s, tz)}–{_hm(e, tz)}"
                segments.append(Segment(x(s), round(x(e) - x(s), 1), "covered", title))
        if begins < now:
            gone = min(now, ends)
            segments.append(Segment(LABEL, round(x(gone) - LABEL, 1), "past", "Already past"))
        y = TOP + index * ROW
        rows.append(
            DayStrip(
                day=day,
                label=date_format(day, "D j M"),
                y=y,
                text_y=y + BAR - 3,
                hours=round(length / 3600),
                segments=segments,
            )
        )
    ticks = [
        (round(LABEL + PLOT * hour / 24, 1), f"{hour:02d}:00", "end" if hour == 24 else "middle")
        for hour in HOURS
    ]
    return Picture(
        width=LABEL + PLOT + 4, height=TOP + days * ROW, rows=rows, ticks=ticks, desc=desc
    )


def _hole(begins: datetime, ends: datetime, x: object, tz: object) -> Segment:
    left, right = x(begins), x(ends)  # type: ignore[operator]
    return Segment(
        left, round(right - left, 1), "hole", f"No one on call, {_hm(begins, tz)}–{_hm(ends, tz)}"
    )
