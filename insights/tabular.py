"""A table of the insights pages, shown as a chart, as an HTML table and as CSV,
and how its values read in each."""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Column:
    label: str
    # text, int, pct (a ratio shown as a percentage), num (2 decimals), hours.
    kind: str = "int"


@dataclass(frozen=True)
class Chart:
    kind: str  # bar, hbar or line
    series: tuple[int, ...]  # columns plotted; column 0 labels the x axis
    percent: bool = False


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    chart: Chart | None = None

    @property
    def display_rows(self) -> list[list[str]]:
        return [
            [display(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    @property
    def csv_url(self) -> str:
        return reverse("insights:csv", args=[self.name])

    @property
    def chart_url(self) -> str:
        return reverse("insights:chart", args=[self.name])


def display(value, kind: str) -> str:
    """Rounded for people: counts with separators, ratios as percentages."""
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:,}"
    if kind == "pct":
        return f"{value * 100:.1f} %"
    if kind == "num":
        return f"{value:.2f}"
    if kind == "hours":
        return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} days"
    return str(value)


def csv_value(value, kind: str):
    if value is None:
        return ""
    if kind in ("pct", "num", "hours"):
        return round(value, 4)
    return value
