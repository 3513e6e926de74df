"""A member's profile and what they list on it: interests, goals, call windows."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import Country, CountryField

from ..validators import validate_npi
from .taxonomy import GoalKind, Interest, Specialty


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known IANA time zone.")


class Profile(models.Model):
    """Everything a member tells Grapevyne about themself and how they like intros."""

    class Role(models.TextChoices):
        ATTENDING = "attending", "Attending physician"
        RESIDENT = "resident", "Resident"
        FELLOW = "fellow", "Fellow"
        STUDENT = "student", "Medical student"
        RETIRED = "retired", "Retired physician"

    class CareerStage(models.TextChoices):
        PRECLINICAL = "preclinical", "Pre-clinical years"
        CLINICAL = "clinical", "Clinical years"
        TRAINING = "training", "In training (residency or fellowship)"
        EARLY = "early", "Early career (under 10 years in practice)"
        MID = "mid", "Mid career (10 to 20 years)"
        LATE = "late", "Late career (over 20 years)"
        RETIRED = "retired", "Retired"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Every month"
        PAUSED = "paused", "Paused"

    class MeetingLength(models.IntegerChoices):
        FIFTEEN = 15, "15 minutes"
        TWENTY = 20, "20 minutes"
        THIRTY = 30, "30 minutes"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=12, choices=Role.choices, blank=True)
    specialty = models.ForeignKey(
        Specialty,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        help_text="Students: pick “Undecided” or the field you intend to enter.",
    )
    career_stage = models.CharField(
        max_length=12, choices=CareerStage.choices, blank=True
    )
    institution = models.CharField("institution or school", max_length=160, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state or region", max_length=100, blank=True)
    # Read as a Country (code and name): the stubs' plugin would type a CharField
    # subclass as str.
    country: "models.CharField[Country | str, Country]" = CountryField(blank=True)
    time_zone = models.CharField(
        "time zone", max_length=64, default="UTC", validators=[validate_timezone]
    )
    bio = models.TextField("short bio", max_length=1000, blank=True)
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="Optional. Your 10-digit National Provider Identifier.",
    )
    interests = models.ManyToManyField(
        Interest, through="MemberInterest", related_name="profiles", blank=True
    )

    intro_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.BIWEEKLY
    )
    paused_until = models.DateField(
        null=True, blank=True, help_text="No introductions until this date."
    )
    max_open_intros = models.PositiveSmallIntegerField(
        "open introductions at once",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    prefer_other_specialties = models.BooleanField(
        default=False,
        help_text=(
            "Everyone gets a small nudge across specialties; this makes it stronger."
        ),
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        "preferred meeting length",
        choices=MeetingLength.choices,
        default=MeetingLength.TWENTY,
    )

    class Visibility(models.TextChoices):
        MEMBERS = "members", "All verified members"
        CONNECTIONS = "connections", "Only members I am connected with"

    profile_visibility = models.CharField(
        "who can see my profile",
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    listed_in_directory = models.BooleanField(
        "show me in the member directory",
        default=True,
        help_text="Introductions still find you when you are not listed.",
    )
    show_city = models.BooleanField("show my city on my profile", default=True)
    last_intro_at = models.DateTimeField(null=True, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The directory's search documents: everything public about the member, and
    # apart from it their name and specialty, which a search lists first.
    search_vector = SearchVectorField(null=True, editable=False)
    name_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="profile_search_gin"),
            GinIndex(fields=["name_vector"], name="profile_name_search_gin"),
            # The directory's default order, read 20 rows at a time.
            models.Index(
                fields=["display_name", "id"],
                condition=models.Q(
                    listed_in_directory=True, onboarded_at__isnull=False
                ),
                name="profile_directory_order",
            ),
        ]

    # Set by profiles.selectors on the members it lists (its prefetches' to_attr
    # and the directory's cards), and only there.
    public_interests: list["Interest"]
    goal_list: list["MemberGoal"]
    card_tags: list[str]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("member_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return self.display_name or "New member"

    def is_paused(self, today: date | None = None) -> bool:
        """Paused either by frequency or until a future date."""
        today = today or timezone.localdate()
        if self.intro_frequency == self.Frequency.PAUSED:
            return True
        return self.paused_until is not None and self.paused_until > today


class MemberInterest(models.Model):
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="member_interests"
    )
    interest = models.ForeignKey(
        Interest, on_delete=models.CASCADE, related_name="member_links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "interest"], name="member_interest_unique"
            ),
        ]
        indexes = [models.Index(fields=["interest", "profile"])]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.interest_id}"


class MemberGoal(models.Model):
    """One thing a member seeks or offers, optionally about one of their interests."""

    class Direction(models.TextChoices):
        SEEK = "seek", "Seeks"
        OFFER = "offer", "Offers"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="goals")
    kind = models.ForeignKey(
        GoalKind, on_delete=models.PROTECT, related_name="member_goals"
    )
    direction = models.CharField(max_length=5, choices=Direction.choices)
    interest = models.ForeignKey(
        Interest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goals",
        help_text="Optional: the interest this goal is about.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["direction", "kind__position", "kind__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "direction", "kind", "interest"],
                nulls_distinct=False,
                name="member_goal_unique",
            ),
        ]

    def __str__(self) -> str:
        about = f" in {self.interest}" if self.interest_id else ""
        return f"{self.get_direction_display()} {self.kind}{about}"


class CallWindow(models.Model):
    """A weekly window, in the member's own time zone, when they can take a call."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="call_windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")),
                name="call_window_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValidationError({"end": "The window must end after it starts."})
