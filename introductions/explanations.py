"""Why two members should meet: the one record every reader of it shares.

The matching engine (matching/explain.py) builds an Explanation for each pair it
chooses; it is stored as JSON in Introduction.explanation and RoundPair.explanation,
and turned into sentences for one reader by introductions/reasons.py, which checks
every claim against both members' data as it is at that moment.

Interests and goal kinds are named, not numbered: the names are what the engine
saw, and a claim is only repeated while both members still hold a tag or goal of
that name (a renamed or retired tag drops out rather than being misquoted). Rows
written before this record existed have the same keys, so they read unchanged.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GoalMatch:
    """One member seeks a kind of help the other offers.

    `topic` is an interest both goals are tied to, when the engine found one; None
    when at least one side did not tie its goal to a topic. It is a hint for the
    wording: the sentence is rebuilt from both members' current goals of this kind.
    """

    seeker_id: int | None  # None once that member deleted their account
    offerer_id: int | None
    kind: str
    topic: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "seeker": self.seeker_id,
            "offerer": self.offerer_id,
            "kind": self.kind,
            "interest": self.topic,
        }

    @classmethod
    def from_json(cls, data: Any) -> "GoalMatch | None":
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return None
        topic = data.get("interest")
        return cls(
            seeker_id=_int_or_none(data.get("seeker")),
            offerer_id=_int_or_none(data.get("offerer")),
            kind=data["kind"],
            topic=topic if isinstance(topic, str) and topic else None,
        )


@dataclass(frozen=True)
class Explanation:
    """Shared interests (rarest first), complementary goals, and whether the two
    work in different specialties.

    Shared sensitive interests are kept apart: they are named to the two members
    only once both accepted, and to nobody else ever.
    """

    shared_interests: tuple[str, ...] = ()
    shared_sensitive_interests: tuple[str, ...] = ()
    goals: tuple[GoalMatch, ...] = ()
    cross_specialty: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "shared_interests": list(self.shared_interests),
            "shared_sensitive_interests": list(self.shared_sensitive_interests),
            "goals": [goal.to_json() for goal in self.goals],
            "cross_specialty": self.cross_specialty,
        }

    @classmethod
    def from_json(cls, data: Any) -> "Explanation":
        """Read a stored explanation; anything malformed reads as no reason at all
        rather than as a reason we cannot vouch for."""
        if not isinstance(data, dict):
            return cls()
        goals = (GoalMatch.from_json(g) for g in _list(data.get("goals")))
        return cls(
            shared_interests=_names(data.get("shared_interests")),
            shared_sensitive_interests=_names(data.get("shared_sensitive_interests")),
            goals=tuple(g for g in goals if g is not None),
            cross_specialty=data.get("cross_specialty") is True,
        )

    def without_member(self, member_id: int) -> "Explanation":
        """What the other side keeps once this member deleted their account.

        The private tags they shared go, and so does their id in the goals.
        """
        return Explanation(
            shared_interests=self.shared_interests,
            goals=tuple(
                GoalMatch(
                    seeker_id=None if g.seeker_id == member_id else g.seeker_id,
                    offerer_id=None if g.offerer_id == member_id else g.offerer_id,
                    kind=g.kind,
                    topic=g.topic,
                )
                for g in self.goals
            ),
            cross_specialty=self.cross_specialty,
        )


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _names(value: Any) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str) and v)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
