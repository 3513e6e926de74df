import zoneinfo
from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils.datastructures import MultiValueDict

from .models import (
    CallWindow,
    GoalKind,
    Interest,
    InterestCategory,
    MemberGoal,
    Profile,
    Specialty,
)
from .validators import normalise_text, validate_pause_end, validate_visible_text

# Which career stages make sense for which role; anything else is a typo.
STAGES_FOR_ROLE = {
    Profile.Role.STUDENT: {
        Profile.CareerStage.PRECLINICAL,
        Profile.CareerStage.CLINICAL,
    },
    Profile.Role.RESIDENT: {Profile.CareerStage.TRAINING},
    Profile.Role.FELLOW: {Profile.CareerStage.TRAINING},
    Profile.Role.ATTENDING: {
        Profile.CareerStage.EARLY,
        Profile.CareerStage.MID,
        Profile.CareerStage.LATE,
    },
    Profile.Role.RETIRED: {Profile.CareerStage.RETIRED, Profile.CareerStage.LATE},
}


@cache
def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith("Etc/")
    )
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones)]


class AboutForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Time zone", choices=timezone_choices)

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "role",
            "specialty",
            "career_stage",
            "institution",
            "city",
            "region",
            "country",
            "time_zone",
            "bio",
            "npi",
        ]
        labels = {"display_name": "Your name, as other members will see it"}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        specialty = cast(forms.ModelChoiceField, self.fields["specialty"])
        specialty.queryset = Specialty.objects.active()
        for name in ("display_name", "role", "specialty", "career_stage", "country"):
            self.fields[name].required = True
        country = cast(forms.ChoiceField, self.fields["country"])
        # The stubs type the getter as all the setter takes; it reads as pairs.
        options = cast(Iterable[tuple[str, str]], country.choices)
        country.choices = [("", "Choose your country"), *list(options)[1:]]
        self.fields["npi"].widget.attrs.update(inputmode="numeric", autocomplete="off")

    def _clean_visible(self, name: str, what: str) -> str:
        """Normalised; when given at all, something a reader can see the right
        way round. Stored values are left as they are until the member saves."""
        value = normalise_text(self.cleaned_data[name])
        if value:
            validate_visible_text(value, what=what)
        elif self.cleaned_data[name]:
            raise forms.ValidationError(
                f"{what} needs at least one visible letter.", code="no_visible_letter"
            )
        return value

    def clean_display_name(self) -> str:
        return self._clean_visible("display_name", "Your name")

    def clean_institution(self) -> str:
        return self._clean_visible("institution", "The institution")

    def clean_city(self) -> str:
        return self._clean_visible("city", "The city")

    def clean_region(self) -> str:
        return self._clean_visible("region", "The state or region")

    def clean_npi(self) -> str:
        return self.cleaned_data["npi"].replace(" ", "").replace("-", "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role, stage = cleaned.get("role"), cleaned.get("career_stage")
        if role and stage and stage not in STAGES_FOR_ROLE[role]:
            allowed = ", ".join(
                str(Profile.CareerStage(s).label).lower()
                for s in sorted(STAGES_FOR_ROLE[role])
            )
            self.add_error(
                "career_stage",
                f"For a {Profile.Role(role).label.lower()}, pick one of: {allowed}.",
            )
        return cleaned


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "intro_frequency",
            "paused_until",
            "max_open_intros",
            "prefer_other_specialties",
            "meeting_minutes",
        ]
        widgets = {
            "paused_until": forms.DateInput(attrs={"type": "date"}),
            "intro_frequency": forms.RadioSelect,
            "meeting_minutes": forms.RadioSelect,
        }
        labels = {
            "intro_frequency": "How often would you like an introduction?",
            "prefer_other_specialties": "Prefer people outside my specialty",
        }

    def clean_paused_until(self):
        value = self.cleaned_data.get("paused_until")
        # A pause that has ended comes back pre-filled: saving the other choices
        # must not ask the member to clear it first.
        if "paused_until" in self.changed_data:
            validate_pause_end(value)
        return value


class PrivacyForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["profile_visibility", "listed_in_directory", "show_city"]
        widgets = {"profile_visibility": forms.RadioSelect}


class PauseForm(forms.Form):
    until = forms.DateField(
        label="Pause until (leave empty to pause until you resume)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_pause_end],
    )


class CallWindowForm(forms.ModelForm):
    class Meta:
        model = CallWindow
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


CallWindowFormSet = inlineformset_factory(
    Profile,
    CallWindow,
    form=CallWindowForm,
    extra=1,
    max_num=14,
    validate_max=True,
    # Never build more forms than that, whatever TOTAL_FORMS a request claims.
    absolute_max=14,
    can_delete=True,
)


class InterestChoiceForm(forms.Form):
    interest = forms.ModelChoiceField(
        queryset=Interest.objects.active(),
        to_field_name="slug",
        error_messages={"invalid_choice": "That interest is not available."},
    )


class GoalForm(forms.Form):
    direction = forms.ChoiceField(
        choices=MemberGoal.Direction.choices, widget=forms.RadioSelect
    )
    kind = forms.ModelChoiceField(
        label="Goal", queryset=GoalKind.objects.active(), empty_label="Choose a goal"
    )
    interest = forms.ModelChoiceField(
        label="About (optional)",
        queryset=Interest.objects.none(),
        required=False,
        empty_label="Any of my interests",
    )

    def __init__(self, *args, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        interest = cast(forms.ModelChoiceField, self.fields["interest"])
        interest.queryset = Interest.objects.filter(
            member_links__profile=profile, status=Interest.Status.ACTIVE
        ).order_by("name")


class SuggestInterestForm(forms.Form):
    name = forms.CharField(label="Suggested tag", max_length=80, min_length=2)
    category = forms.ModelChoiceField(
        queryset=InterestCategory.objects.all(), empty_label="Choose a category"
    )
    description = forms.CharField(
        label="What is it about? (optional)", max_length=300, required=False
    )


class AnySlugField(forms.MultipleChoiceField):
    """Any slug may be asked for: unknown or sensitive ones simply match nobody."""

    def valid_value(self, value: str) -> bool:
        return True


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False)
    interest = AnySlugField(required=False, choices=())
    specialty = forms.CharField(required=False, max_length=120)
    goal = forms.CharField(required=False, max_length=80)

    def clean_interest(self) -> list[str]:
        # PostgreSQL text cannot hold NUL: such a slug can match nothing anyway.
        # The directory's form is bound to request.GET.
        data = cast("MultiValueDict[str, str]", self.data)
        slugs = [s for s in data.getlist("interest") if "\x00" not in s]
        return slugs[: settings.MAX_INTERESTS]
