"""Small summary tables behind the insights page, filled by the rollup task.

The page reads only these (and a few indexed counts for health), never the intro
table: each row is recomputed whole from the source tables by insights.services,
so an incremental run and a full recomputation write the same rows.
"""

from django.db import models
from django.utils import timezone

from matching.models import Round
from profiles.models import Profile


class Funnel(models.Model):
    """How a set of introductions fared; shared by rounds and weeks."""

    eligible = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    offered = models.PositiveIntegerField(default=0)
    connected = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(
        default=0, help_text="Connected intros where at least one member said they met."
    )
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    no_answer = models.PositiveIntegerField(
        default=0, help_text="Expired intros that neither member answered."
    )
    withdrawn = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    median_answer_hours = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True


class RoundFunnel(Funnel):
    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    left_odd_one_out = models.PositiveIntegerField(default=0)
    left_no_candidate = models.PositiveIntegerField(default=0)
    left_capacity = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Funnel of round {self.round_id}"


class WeekFunnel(Funnel):
    """Intros by the UTC week (Monday) they were proposed, requested ones included."""

    week = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return f"Funnel of the week of {self.week}"


class RoundBreakdown(models.Model):
    """A round's intros counted by one property of the pair (a measure's key).

    Measures: the mission's (specialty, country, time_zone, stage, roles), the
    score's decile within the round, and the explanation's components (shared
    interest, complementary goal, cross-specialty), each "yes" or "no".
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    proposed = models.PositiveIntegerField(default=0)
    offered = models.PositiveIntegerField(default=0)
    connected = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "measure", "key"], name="breakdown_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Round {self.round_id} {self.measure}={self.key}"


class MemberExposure(models.Model):
    """How many intros a member has been part of, for the fairness figures."""

    profile = models.OneToOneField(
        Profile, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    intros = models.PositiveIntegerField(default=0)
    offered = models.PositiveIntegerField(default=0)
    connected = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.intros} intros"


class SignupCohort(models.Model):
    """Members who signed up in a UTC week (Monday), by how far they got."""

    week = models.DateField(primary_key=True)
    signed_up = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    interests = models.PositiveIntegerField(default=0)
    goals = models.PositiveIntegerField(default=0)
    offered = models.PositiveIntegerField(default=0)
    connected = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Sign-ups of the week of {self.week}"


class WaitingMember(models.Model):
    """One of the members who have waited longest for an intro."""

    rank = models.PositiveSmallIntegerField(primary_key=True)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    waiting_since = models.DateTimeField()

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"#{self.rank}: {self.profile_id} since {self.waiting_since:%Y-%m-%d}"


class Rollup(models.Model):
    """The one row saying how far the rollup got, and the whole-population figures."""

    watermark = models.DateTimeField(
        null=True, blank=True, help_text="Changes from here on are not rolled up yet."
    )
    computed_at = models.DateTimeField(default=timezone.now)
    members = models.PositiveIntegerField(
        default=0, help_text="Onboarded members, the fairness population."
    )
    member_intros = models.PositiveIntegerField(
        default=0, help_text="Intros counted once per member in them."
    )
    gini = models.FloatField(default=0.0)
    top_members = models.PositiveIntegerField(default=0)
    top_share = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"Rollup at {self.computed_at:%Y-%m-%d %H:%M}"
