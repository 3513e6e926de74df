"""What a member said after an introduction: did you meet?"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from profiles.models import Profile

from .introduction import Introduction


class Feedback(models.Model):
    """A member's answer to "Did you meet?", kept for the matching engine."""

    class Met(models.TextChoices):
        YES = "yes", "Yes, we met"
        NOT_YET = "not_yet", "Not yet"
        NO = "no", "No"

    intro = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="feedback"
    )
    member = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="intro_feedback"
    )
    met = models.CharField(max_length=8, choices=Met.choices)
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["intro", "member"], name="feedback_once_per_member"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["updated_at"], name="feedback_updated_idx")]

    def __str__(self) -> str:
        return f"Feedback on intro {self.intro_id} by {self.member_id}: {self.met}"
