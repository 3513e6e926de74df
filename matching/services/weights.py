"""The weights a round scores with."""

import enum
from typing import Final

from django.conf import settings

from .. import selectors
from ..models import WeightVersion
from ..scoring import Weights


class _Active(enum.Enum):
    VERSION = "active"


# "The active version, whichever it is" (None means the settings' weights).
ACTIVE_VERSION: Final = _Active.VERSION


def matching_weights(
    version: WeightVersion | _Active | None = ACTIVE_VERSION,
) -> Weights:
    """The weights a round scores with: the settings', with the four fitted
    weights of a version (the active one unless told) in place of theirs."""
    if version is ACTIVE_VERSION:
        version = selectors.weight_version_active()
    fitted = version.weights if version is not None else {}
    return Weights(
        interest=fitted.get("interest", settings.MATCHING_WEIGHT_INTEREST),
        goal=fitted.get("goal", settings.MATCHING_WEIGHT_GOAL),
        goal_max_kinds=settings.MATCHING_GOAL_MAX_KINDS,
        cross_specialty=fitted.get(
            "cross_specialty", settings.MATCHING_WEIGHT_CROSS_SPECIALTY
        ),
        cross_specialty_preferred=fitted.get(
            "cross_specialty_preferred",
            settings.MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED,
        ),
        min_score=settings.MATCHING_MIN_SCORE,
        common_tag_share=settings.MATCHING_COMMON_TAG_SHARE,
        common_tag_min_members=settings.MATCHING_COMMON_TAG_MIN_MEMBERS,
    )
