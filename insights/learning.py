"""The "Learning from outcomes" page: reads only.

Outcomes by each stored score component (introductions.components), bucketed
by the rollup (insights.services.COMPONENT_BUCKETS) into its per-round
breakdowns and summed over every round here, so the page never reads the
intro table; and the weight versions (matching.models.WeightVersion) with
their holdout figures and dry runs, read live.
"""

from dataclasses import dataclass

from django.db.models import Sum
from django.urls import reverse

from matching.fitting import FEATURE_LABELS, FEATURES
from matching.learning import dry_run_is_current
from matching.models import WeightVersion
from matching.selectors import weight_version_active
from matching.services import matching_weights

from .figures import rate
from .models import RoundBreakdown
from .tabular import Chart, Column, Table

# The rollup's component measures, each with its label and its buckets' labels
# in the order of their keys ("0", "1", ...), which is the order shown.
BUCKETS = {
    "component_interest": (
        "Shared rare interest",
        ["none shared", "under 0.2", "0.2 to 0.4", "0.4 to 0.6", "0.6 and over"],
    ),
    "component_goal": (
        "On-topic goal",
        [
            "none",
            "under one kind on topic",
            "1 to under 2 kinds on topic",
            "2 kinds on topic or more",
        ],
    ),
    "component_cross": (
        "Cross-specialty",
        ["same specialty or unknown", "different", "different, preferred"],
    ),
    "component_windows": (
        "Call-window overlap",
        ["call fits both windows", "no call fits both", "not recorded"],
    ),
}


class LearningTable(Table):
    @property
    def csv_url(self) -> str:
        return reverse("insights:learning_csv", args=[self.name])

    @property
    def chart_url(self) -> str:
        return reverse("insights:learning_chart", args=[self.name])


def component_calibration() -> LearningTable:
    """Offered intros by component bucket: both-accepted and met rates, as of
    the rollup (one query over its breakdowns: a few rows per round)."""
    counts = {
        (row["measure"], row["key"]): (row["offered"], row["connected"], row["met"])
        for row in RoundBreakdown.objects.filter(measure__in=BUCKETS)
        .values("measure", "key")
        .annotate(offered=Sum("offered"), connected=Sum("connected"), met=Sum("met"))
        .order_by()
    }
    rows = []
    for measure, (label, buckets) in BUCKETS.items():
        for bucket, name in enumerate(buckets):
            offered, connected, met = counts.get((measure, str(bucket)), (0, 0, 0))
            if offered:
                rows.append(
                    (
                        f"{label}: {name}",
                        offered,
                        connected,
                        rate(connected, offered),
                        met,
                        rate(met, connected),
                    )
                )
    return LearningTable(
        "score-components",
        "Calibration: outcomes by score component",
        "Offered intros grouped by each part of their score as the round computed "
        "it: if a part predicts what happens, its rates rise with it. The shared "
        "interest is the cosine of the two members' interests weighted by rarity "
        "(0 to 1); goals count a kind sought and offered on the same topic as 1.",
        [
            Column("component", "text"),
            Column("offered"),
            Column("both accepted"),
            Column("both accepted, of offered", "pct"),
            Column("met"),
            Column("met, of both accepted", "pct"),
        ],
        rows,
        Chart("hbar", (3, 5), percent=True),
    )


LEARNING_TABLES = {"score-components": component_calibration}


@dataclass(frozen=True)
class WeightRow:
    label: str
    current: float
    versions: list[float | None]


@dataclass(frozen=True)
class VersionsView:
    active: WeightVersion | None
    versions: list[WeightVersion]
    weights: list[WeightRow]
    # Versions whose dry run compared them with the weights in use now.
    current_dry_runs: frozenset[int]


def weight_versions(limit: int = 12) -> VersionsView:
    """The latest versions, active first, and their weights beside the ones in use."""
    versions = list(
        WeightVersion.objects.select_related(
            "created_by", "activated_by", "previous"
        ).order_by("-pk")[:limit]
    )
    active = (
        next((v for v in versions if v.status == WeightVersion.Status.ACTIVE), None)
        or weight_version_active()
    )
    in_use = matching_weights(active)
    return VersionsView(
        active=active,
        versions=versions,
        weights=[
            WeightRow(
                FEATURE_LABELS[name],
                getattr(in_use, name),
                [v.weights.get(name) for v in versions],
            )
            for name in FEATURES
        ],
        current_dry_runs=frozenset(
            v.pk for v in versions if dry_run_is_current(v, active)
        ),
    )
