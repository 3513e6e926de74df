"""The page's "Learning from outcomes" section: reads only.

Outcomes by each stored score component (introductions.components), bucketed,
and the weight versions (matching.models.WeightVersion) with their holdout
figures and dry runs. Read live, in one query each: the component columns are
narrow and only intros a round proposed carry them.
"""

from dataclasses import dataclass

from django.db import connection
from django.urls import reverse

from matching.fitting import FEATURE_LABELS, FEATURES
from matching.models import WeightVersion
from matching.services import matching_weights

from .figures import rate
from .tables import Chart, Column, Table

# (measure, bucket) -> label, in the order shown. Buckets are computed in SQL.
BUCKETS = {
    "interest": (
        "Shared rare interest",
        ["none shared", "under 0.2", "0.2 to 0.4", "0.4 to 0.6", "0.6 and over"],
    ),
    "goal": (
        "On-topic goal",
        [
            "none",
            "under one kind on topic",
            "1 to under 2 kinds on topic",
            "2 kinds on topic or more",
        ],
    ),
    "cross": (
        "Cross-specialty",
        ["same specialty or unknown", "different", "different, preferred"],
    ),
    "windows": (
        "Call-window overlap",
        ["call fits both windows", "no call fits both", "not recorded"],
    ),
}

_BY_COMPONENT = """
WITH f AS (
  SELECT i.connected_at IS NOT NULL AS connected,
    i.connected_at IS NOT NULL AND EXISTS (
      SELECT 1 FROM introductions_feedback fb
      WHERE fb.intro_id = i.id AND fb.met = 'yes') AS met,
    i.component_interest AS ci, i.component_goal_units AS cg,
    i.component_cross_specialty AS cx, i.component_prefers_other AS cp,
    i.component_windows_overlap AS cw
  FROM introductions_introduction i
  WHERE i.component_interest IS NOT NULL AND i.offered_at IS NOT NULL
)
SELECT m.measure, m.bucket, count(*), count(*) FILTER (WHERE f.connected),
       count(*) FILTER (WHERE f.met)
FROM f, LATERAL (VALUES
  ('interest', CASE WHEN f.ci <= 0 THEN 0 WHEN f.ci < 0.2 THEN 1
    WHEN f.ci < 0.4 THEN 2 WHEN f.ci < 0.6 THEN 3 ELSE 4 END),
  ('goal', CASE WHEN f.cg = 0 THEN 0 WHEN f.cg < 4 THEN 1
    WHEN f.cg < 8 THEN 2 ELSE 3 END),
  ('cross', CASE WHEN NOT f.cx THEN 0 WHEN NOT f.cp THEN 1 ELSE 2 END),
  ('windows', CASE WHEN f.cw IS NULL THEN 2 WHEN f.cw THEN 0 ELSE 1 END)
) m(measure, bucket)
GROUP BY m.measure, m.bucket
"""


class LearningTable(Table):
    @property
    def csv_url(self) -> str:
        return reverse("insights:learning_csv", args=[self.name])

    @property
    def chart_url(self) -> str:
        return reverse("insights:learning_chart", args=[self.name])


def component_calibration() -> LearningTable:
    """Offered intros by component bucket: both-accepted and met rates."""
    with connection.cursor() as cursor:
        cursor.execute(_BY_COMPONENT)
        counts = {(m, b): (o, c, t) for m, b, o, c, t in cursor.fetchall()}
    rows = []
    for measure, (label, buckets) in BUCKETS.items():
        for bucket, name in enumerate(buckets):
            offered, connected, met = counts.get((measure, bucket), (0, 0, 0))
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


def weight_versions(limit: int = 12) -> VersionsView:
    """The latest versions, active first, and their weights beside the ones in use."""
    versions = list(
        WeightVersion.objects.select_related("created_by", "activated_by").order_by(
            "-pk"
        )[:limit]
    )
    active = (
        next((v for v in versions if v.status == WeightVersion.Status.ACTIVE), None)
        or WeightVersion.objects.filter(status=WeightVersion.Status.ACTIVE).first()
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
    )
