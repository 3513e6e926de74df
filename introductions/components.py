"""The parts a proposed intro's score was made of: the one record its readers share.

The matching engine (matching/components.py) computes it for each pair a round
chooses, from the same snapshot the score came from; it is stored as columns of
Introduction (so that calibration and weight fitting are plain SQL) and read back
as this record. Every part is an aggregate number about the pair, never which
interest or which member it came from: the weights learnt from outcomes can
therefore learn nothing about a sensitive interest's identity or about one
member's view of another.
"""

from dataclasses import dataclass
from typing import Any

# Introduction's columns, in the order of ScoreComponents' fields.
COLUMNS = (
    "component_interest",
    "component_goal_units",
    "component_cross_specialty",
    "component_prefers_other",
    "component_windows_overlap",
)


@dataclass(frozen=True)
class ScoreComponents:
    """interest: cosine of the two members' IDF-weighted interest vectors, in [0, 1]
    (a shared rare interest counts more than a shared popular one).
    goal_units: complementary goal kinds on topic, in quarters of a kind (4 = same
    topic, 2 = either about nothing in particular, 1 = topics of one category),
    the best few kinds summed.
    cross_specialty: both have a specialty and they differ.
    prefers_other: either asked to prefer other specialties (the larger bonus).
    windows_overlap: a call fits inside both members' weekly windows; None when
    the round had no windows.
    """

    interest: float
    goal_units: int
    cross_specialty: bool
    prefers_other: bool
    windows_overlap: bool | None = None

    @property
    def goal_kinds(self) -> float:
        """The goal part in whole kinds on the same topic, as the weight counts it."""
        return self.goal_units / 4

    def to_columns(self) -> dict[str, Any]:
        return dict(
            zip(
                COLUMNS,
                (
                    self.interest,
                    self.goal_units,
                    self.cross_specialty,
                    self.prefers_other,
                    self.windows_overlap,
                ),
                strict=True,
            )
        )

    @classmethod
    def from_columns(cls, values: dict[str, Any]) -> "ScoreComponents | None":
        """The record from an intro's columns; None for an intro proposed before
        components were stored, or not by a round (a requested intro)."""
        if values.get("component_interest") is None:
            return None
        return cls(
            interest=float(values["component_interest"]),
            goal_units=int(values["component_goal_units"] or 0),
            cross_specialty=bool(values["component_cross_specialty"]),
            prefers_other=bool(values["component_prefers_other"]),
            windows_overlap=values.get("component_windows_overlap"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "interest": self.interest,
            "goal_units": self.goal_units,
            "cross_specialty": self.cross_specialty,
            "prefers_other": self.prefers_other,
            "windows_overlap": self.windows_overlap,
        }

    @classmethod
    def from_json(cls, data: Any) -> "ScoreComponents | None":
        if not isinstance(data, dict):
            return None
        return cls.from_columns({f"component_{k}": v for k, v in data.items()})
