from django.conf import settings
from django.db import models
from django.utils import timezone

from profiles.models import Profile


class WeightVersion(models.Model):
    """A set of the score's weights, fitted from outcomes (matching_fit_weights).

    A fitted set starts as a candidate; an admin adopts it from the insights page
    after a dry run, which makes it active (the one rounds use) and retires the
    one before, remembered as ``previous`` so that one click rolls back to it.
    With no active version the rounds use the settings' weights.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CANDIDATE
    )
    weights = models.JSONField(
        help_text="interest, goal, cross_specialty, cross_specialty_preferred."
    )
    target = models.CharField(
        max_length=10, help_text="The outcome fitted: both accepted, or met."
    )
    holdout = models.JSONField(
        default=dict,
        blank=True,
        help_text="The fit's figures: rounds, samples, coefficients, holdout AUC "
        "and calibration beside the weights it was compared with.",
    )
    dry_run = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the next round's pairs would change under these weights.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version active before this one was adopted; "
        "empty: the settings' weights.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="weight_version_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"Weights v{self.pk} ({self.get_status_display().lower()})"


class Round(models.Model):
    """One matching round: who was considered, what was scored, which pairs came out.

    The figures are kept on the row so that the admin can compare rounds and so that a
    slow phase shows up without reading logs.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SCORING = "scoring", "Scoring"
        PAIRING = "pairing", "Pairing"
        WRITING = "writing", "Writing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        BEAT = "beat", "Schedule (Celery beat)"
        COMMAND = "command", "Management command"
        ADMIN = "admin", "Admin action"

    FINISHED_STATES = (Status.DONE, Status.FAILED)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    dry_run = models.BooleanField(
        default=False,
        help_text="Scores and pairs, but proposes no intro and changes no member.",
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its remaining steps were last handed to the workers.",
    )
    error = models.TextField(blank=True)

    block_size = models.PositiveIntegerField(default=0)
    blocks = models.PositiveIntegerField(default=0)
    k = models.PositiveSmallIntegerField(default=0)
    parameters = models.JSONField(
        default=dict, blank=True, help_text="Weights and limits this round used."
    )
    weights_version = models.ForeignKey(
        WeightVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text="The weight version this round scored with; empty: the settings'.",
    )

    members_considered = models.PositiveIntegerField(default=0)
    members_paused = models.PositiveIntegerField(
        default=0, help_text="Members paused automatically before this round."
    )
    candidate_pairs = models.PositiveBigIntegerField(default=0)
    pairs_chosen = models.PositiveIntegerField(default=0)
    members_with_candidate = models.PositiveIntegerField(
        default=0, help_text="Members with room and at least one qualifying candidate."
    )
    members_served = models.PositiveIntegerField(
        default=0, help_text="Members the chosen pairs introduce."
    )
    pairs_outside_windows = models.PositiveIntegerField(
        default=0,
        help_text="Chosen pairs who cannot meet inside both call windows "
        "(used only when neither had a partner who could).",
    )
    score_total = models.FloatField(default=0.0)
    intros_created = models.PositiveIntegerField(default=0)
    seconds_load = models.FloatField(default=0.0)
    seconds_score = models.FloatField(default=0.0)
    seconds_pair = models.FloatField(default=0.0)
    seconds_write = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        kind = "dry run" if self.dry_run else "round"
        return f"Matching {kind} #{self.pk} ({self.status})"

    @property
    def seconds_total(self) -> float:
        return (
            self.seconds_load
            + self.seconds_score
            + self.seconds_pair
            + self.seconds_write
        )


class RoundSnapshot(models.Model):
    """The population arrays of a round, frozen when it starts.

    Every block task scores this same snapshot, wherever it runs, so that a block
    retried an hour later cannot see members who changed in between. It lives in the
    database rather than on disk so that workers on other machines can read it.
    """

    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Snapshot of round {self.round_id}"


class RoundBlock(models.Model):
    """One block of members (rows start..stop-1 of the snapshot) scored by one task."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="block_set")
    block = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    stop = models.PositiveIntegerField()
    candidates = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0, help_text="Scoring core only.")
    seconds_write = models.FloatField(default=0.0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "block"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "block"], name="round_block_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Round {self.round_id} block {self.block} [{self.start}, {self.stop})"


class Candidate(models.Model):
    """A member's rank-th best candidate in a round.

    Written in bulk by COPY, so no column has a database foreign key: a check per
    row at commit cost more than the write itself (20 million rows at 1M members).
    The rows are round scratch data; Django still deletes them with their round.
    """

    pk = models.CompositePrimaryKey("round", "member_id", "rank")
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    member_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    block = models.PositiveIntegerField()
    candidate_id = models.BigIntegerField()
    score = models.FloatField()

    def __str__(self) -> str:
        return f"{self.member_id} → {self.candidate_id} ({self.score:.3f})"


class RoundPair(models.Model):
    """A pair a round chose, with why; and the intro it proposed, unless a dry run."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pairs")
    member_a = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    member_b = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    explanation = models.JSONField(default=dict, blank=True)
    introduction = models.ForeignKey(
        "introductions.Introduction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["round", "-score", "member_a", "member_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member_a", "member_b"], name="round_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_a_id} & {self.member_b_id} ({self.score:.3f})"


class LeftOut(models.Model):
    """An eligible member a round could not pair, and why.

    Left out with a candidate (selectors.WAITING_REASONS), they are served first
    the next round (matching.pairing, pass 0).
    """

    class Reason(models.TextChoices):
        ODD_ONE_OUT = "odd_one_out", "Odd one out"
        # Held back: nobody with a real reason to meet them (the floor), which
        # is better than a filler introduction.
        NO_CANDIDATE = "no_candidate", "No good match this round"
        CAPACITY = "capacity", "Every candidate was already taken this round"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="left_out")
    member = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)

    class Meta:
        ordering = ["round", "member"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="left_out_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_reason_display()}"


class AutoPause(models.Model):
    """A member paused by the engine because they ignored their last offers.

    Only offers made after the latest of these count towards the next pause, so that
    a member who resumes is not paused again at once for the same old offers.
    """

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="auto_pauses"
    )
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the member used the email's one-click resume link: it works once.
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.profile_id} paused at {self.created_at:%Y-%m-%d}"
