"""A line chart drawn on the server, for the coverage forecast (2011 §3.8.3).

The approach of `peerline.stats.charts`: the geometry of an SVG is computed here and a template
writes it out with presentation attributes (no inline style, no script: the CSP allows neither).
The page gives the same numbers as a table. The two lines differ by dash pattern and marker as
well as by colour, and each is named in a legend and at its end, so colour is never the only cue.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from peerline.stats.charts import SMALL_FONT_SIZE, WIDTH, Text

HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 40.0, 118.0, 36.0, 44.0  # room for the axis, line names, legend, months


@dataclass(frozen=True)
class Line:
    label: str
    values: list[int]
    colour: str
    dash: str  # stroke-dasharray, "" for a solid line
    marker: str  # "circle" or "square"


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    shape: str  # "circle" or "square"
    colour: str

    @property
    def left(self) -> float:
        return round(self.x - 3, 1)

    @property
    def top(self) -> float:
        return round(self.y - 3, 1)


@dataclass(frozen=True)
class DrawnLine:
    label: str
    points: str  # the polyline's points attribute
    colour: str
    dash: str
    markers: list[Marker]
    end: Text  # the line's name at its right end
    legend_x: float  # where its sample goes in the legend

    @property
    def legend_end(self) -> float:
        return self.legend_x + 28

    @property
    def legend_text(self) -> float:
        return self.legend_x + 34


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    desc: str
    width: int
    height: int
    lines: list[DrawnLine]
    grid: list[tuple[float, Text]]  # y of each horizontal grid line, with its value
    ticks: list[Text]  # the months under the axis
    axis: tuple[float, float, float, float]

    @property
    def title_id(self) -> str:
        return f"{self.key}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.key}-desc"


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 5:
            return step
    return 10_000


def line_chart(
    dates: Sequence[date], lines: Sequence[Line], *, key: str, title: str, desc: str
) -> LineChart:
    """Lines over dates, with a horizontal grid and every third month labelled under the axis."""
    peak = max((max(line.values, default=0) for line in lines), default=0) or 1
    step = _nice_step(peak)
    top_value = step * (peak // step + 1)  # headroom: the highest line never runs on the top edge
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    slot = plot_w / max(len(dates) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * slot, 1)

    def y(value: int) -> float:
        return round(base - value / top_value * plot_h, 1)

    grid = [
        (y(value), Text(LEFT - 6, y(value) + 4, str(value), "end", SMALL_FONT_SIZE))
        for value in range(0, top_value + 1, step)
    ]
    ticks = []
    for i, day in enumerate(dates):
        if i == 0 or (i % 3 == 0):
            ticks.append(Text(x(i), base + 18, f"{day:%b}", "middle", SMALL_FONT_SIZE))
            if i == 0 or day.month <= 3:
                ticks.append(Text(x(i), base + 34, f"{day:%Y}", "middle", SMALL_FONT_SIZE))
    drawn = []
    ends: list[float] = []
    for n, line in enumerate(lines):
        end_y = y(line.values[-1]) + 4 if line.values else base
        while any(abs(end_y - other) < 14 for other in ends):  # keep the names apart
            end_y += 14
        ends.append(end_y)
        drawn.append(
            DrawnLine(
                label=line.label,
                points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(line.values)),
                colour=line.colour,
                dash=line.dash,
                markers=[
                    Marker(x(i), y(v), line.marker, line.colour) for i, v in enumerate(line.values)
                ],
                end=Text(x(len(line.values) - 1) + 8, end_y, line.label, "start", SMALL_FONT_SIZE),
                legend_x=LEFT + n * 200,
            )
        )
    return LineChart(
        key=key,
        title=title,
        desc=desc,
        width=WIDTH,
        height=HEIGHT,
        lines=drawn,
        grid=grid,
        ticks=ticks,
        axis=(LEFT, base, LEFT + plot_w, base),
    )
