"""Small bar charts drawn on the server: the geometry of an SVG, for a template to write out.

No JavaScript and no inline style (the Content-Security-Policy allows neither): a template writes
`<rect>` and `<text>` elements with the numbers computed here, and colours as presentation
attributes. Each chart is an image with a title and a description (`role="img"`, `<title>`,
`<desc>`); the page shows the same numbers in a table beside it, for screen readers and for
anyone who wants the exact figures.

Coordinates are in the chart's own units (its `viewBox`); the SVG scales to the width of its
column. Text is measured by an estimate (`TEXT_WIDTH` of the font size per character), enough to
choose a layout: labels left of the bars when they are short, above the bars when they are not.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 520  # about the width of its column on a desktop, so text keeps its size
FONT_SIZE = 15
SMALL_FONT_SIZE = 13
TEXT_WIDTH = 0.55  # an average character of a sans-serif font, as a share of its size
VALUE_ROOM = 56  # right of the longest bar, for its number


@dataclass(frozen=True)
class Item:
    """One thing to draw: its label, its count, and whether to draw it in the muted colour."""

    label: str
    value: int
    muted: bool = False
    tick: str = ""  # a column's short label under it ("Apr"); the label if empty
    group: str = ""  # a second line under the column, written where it changes ("2026")


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # the SVG text-anchor: start, middle or end
    size: int = FONT_SIZE


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    muted: bool
    texts: list[Text]  # the label and the number, placed


@dataclass(frozen=True)
class Chart:
    key: str  # unique in the page: the ids of the <title> and <desc> derive from it
    title: str
    desc: str
    width: int
    height: int
    bars: list[Bar]
    axis: tuple[float, float, float, float]  # the base line: x1, y1, x2, y2
    texts: list[Text] = field(default_factory=list)  # texts of no one bar (the years)

    @property
    def title_id(self) -> str:
        return f"{self.key}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.key}-desc"


def _round(value: float) -> float:
    return round(value, 1)


def _peak(items: Sequence[Item]) -> int:
    """The largest value, never 0 (all-zero charts draw no bars)."""
    return max((item.value for item in items), default=0) or 1


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * size * TEXT_WIDTH


def describe(items: Sequence[Item], *, unit: str) -> str:
    """The description a screen reader announces: the total, the largest and the smallest."""
    if not items:
        return f"No {unit}."
    total = sum(item.value for item in items)
    if total == 0:
        return f"No {unit} in any of the {len(items)} categories."
    largest = max(items, key=lambda item: item.value)
    smallest = min(items, key=lambda item: item.value)
    parts = [f"{total} {unit} in all", f"most: {largest.label}, {largest.value}"]
    if len(items) > 1:
        parts.append(f"fewest: {smallest.label}, {smallest.value}")
    return "; ".join(parts) + ". The table beside the chart gives every figure."


def bar_chart(items: Sequence[Item], *, key: str, title: str, unit: str = "contacts") -> Chart:
    """A horizontal bar chart, one bar per item in the order given."""
    longest = max((_text_width(item.label) for item in items), default=0.0)
    beside = longest <= WIDTH * 0.36  # labels left of the bars, else each label above its bar
    label_room = longest + 12 if beside else 0.0
    row = 28.0 if beside else 44.0
    bar_height = 18.0 if beside else 16.0
    top = 4.0
    scale = (WIDTH - label_room - VALUE_ROOM) / _peak(items)
    bars = []
    for i, item in enumerate(items):
        y = top + i * row + (row - bar_height - 8 if not beside else (row - bar_height) / 2)
        width = item.value * scale
        middle = y + bar_height / 2 + FONT_SIZE * 0.35
        if beside:
            label = Text(_round(label_room - 8), _round(middle), item.label, "end")
        else:
            label = Text(0, _round(y - 6), item.label)
        number = Text(_round(label_room + width + 6), _round(middle), str(item.value))
        bars.append(
            Bar(
                item.label,
                item.value,
                _round(label_room),
                _round(y),
                _round(width),
                bar_height,
                item.muted,
                [label, number],
            )
        )
    height = int(top + row * len(items) + 4)
    return Chart(
        key=key,
        title=title,
        desc=describe(items, unit=unit),
        width=WIDTH,
        height=height,
        bars=bars,
        axis=(_round(label_room), top, _round(label_room), height - 4.0),
    )


def column_chart(
    items: Sequence[Item], *, key: str, title: str, unit: str = "contacts", height: int = 240
) -> Chart:
    """A column chart, for months: each column's `tick` under it ("Apr"), and its `group` (the
    year) on a second line under the first column and wherever it changes."""
    top, bottom = 22.0, 44.0  # room for the numbers above, the month and year below
    slot = WIDTH / max(len(items), 1)
    column = min(slot * 0.62, 64.0)
    plot = height - top - bottom
    scale = plot / _peak(items)
    base = top + plot
    bars, groups = [], []
    for i, item in enumerate(items):
        middle = slot * i + slot / 2
        column_height = item.value * scale
        bars.append(
            Bar(
                item.label,
                item.value,
                _round(middle - column / 2),
                _round(base - column_height),
                _round(column),
                _round(column_height),
                item.muted,
                [
                    Text(
                        _round(middle), _round(base - column_height - 6), str(item.value), "middle"
                    ),
                    Text(_round(middle), _round(base + 18), item.tick or item.label, "middle"),
                ],
            )
        )
        if item.group and (i == 0 or item.group != items[i - 1].group):
            groups.append(
                Text(_round(middle), _round(base + 36), item.group, "middle", SMALL_FONT_SIZE)
            )
    return Chart(
        key=key,
        title=title,
        desc=describe(items, unit=unit),
        width=WIDTH,
        height=height,
        bars=bars,
        axis=(0.0, base, float(WIDTH), base),
        texts=groups,
    )
