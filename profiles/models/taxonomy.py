"""The curated taxonomy: specialties, interest categories and interests, goal
kinds, and the resources shown per category."""

from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class CuratedQuerySet[M: models.Model](models.QuerySet[M]):
    def active(self) -> Self:
        return self.filter(is_active=True)


class Specialty(models.Model):
    """An admin-curated specialty: ABMS boards and their common subspecialties."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subspecialties",
        help_text="The board specialty a subspecialty belongs to.",
    )
    is_active = models.BooleanField(default=True)

    objects = CuratedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class InterestCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_wellbeing = models.BooleanField(
        default=False,
        help_text="Members who pick a tag here see the peer-support resources.",
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "interest categories"

    def __str__(self) -> str:
        return self.name


class InterestQuerySet(models.QuerySet["Interest"]):
    def active(self) -> Self:
        return self.filter(status=Interest.Status.ACTIVE)

    def public(self) -> Self:
        """Tags that may be shown to other members."""
        return self.active().filter(sensitive=False)


class Interest(models.Model):
    """A curated interest tag. Members pick 3 to 30 of them."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PENDING = "pending", "Pending suggestion"
        RETIRED = "retired", "Retired"

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=90, unique=True)
    description = models.CharField(max_length=300, blank=True)
    aliases = ArrayField(
        models.CharField(max_length=80),
        blank=True,
        default=list,
        help_text=(
            "Other words members search with: abbreviations and synonyms, "
            "separated by commas (e.g. ML, artificial intelligence)."
        ),
    )
    category = models.ForeignKey(
        InterestCategory, on_delete=models.PROTECT, related_name="interests"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    sensitive = models.BooleanField(
        default=False,
        help_text=(
            "Used for matching but never shown to anyone but the member; revealed "
            "to the other side of an introduction only once both accepted."
        ),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_interests",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(status="active"),
                name="interest_active_name_ci_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="interest_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("interest_detail", args=[self.slug])


class GoalKind(models.Model):
    """Something a member can seek or offer: mentorship, peer support, ..."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = CuratedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """An admin-curated link for a category: an organisation, community or helpline."""

    category = models.ForeignKey(
        InterestCategory, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(max_length=120)
    url = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "title"]

    def __str__(self) -> str:
        return self.title
