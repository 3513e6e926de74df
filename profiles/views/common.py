"""What every page of a member's own needs."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .. import services
from ..http import MemberRequest
from ..models import Profile


def own_profile(request: MemberRequest) -> Profile:
    return services.profile_get_or_create(user=request.user)


def safe_next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a local path: redirect() would take a bare word for a URL name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


ONBOARDING_STEPS = [
    ("onboarding_about", "About you"),
    ("onboarding_interests", "Interests"),
    ("onboarding_goals", "Goals"),
]


def onboarding_steps(current: str) -> list[dict]:
    """The onboarding steps for the progress bar, `current` marked (goals' errors
    are shown on the onboarding page they came from)."""
    return [
        {"url": reverse(name), "label": label, "current": name == current}
        for name, label in ONBOARDING_STEPS
    ]
