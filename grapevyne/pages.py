"""The site's own pages: about, privacy, terms, contact, and the staff style guide.

Plain templates: what they say about the app is kept true by the templates and the
tests that read them, not by code here.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from introductions.models import Introduction
from introductions.selectors import IntroCard, next_matching_round
from profiles.models import Profile, Specialty


def _page(template: str):
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        return render(
            request,
            f"pages/{template}.html",
            {
                "operator": settings.SITE_OPERATOR,
                "error_reporting": bool(settings.SENTRY_DSN),
                "offer_days": settings.INTRO_OFFER_DAYS,
                "next_round": next_matching_round(),
            },
        )

    view.__name__ = template
    return view


about = _page("about")
privacy = _page("privacy")
terms = _page("terms")
contact = _page("contact")


@require_GET
@login_required
def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component of the stylesheet on one page, for staff who change it.

    The sample members and introduction are never saved.
    """
    if not request.user.is_staff:
        raise PermissionDenied
    names = ["Ada Okafor", "Dr. Lin Wei", "Sam Rivera", "Priya Natarajan"]
    names += ["Jonas Berg", "Mara Costa", "Eli", "Noor Haddad"]
    samples = [
        Profile(pk=i, display_name=name, role=Profile.Role.ATTENDING)
        for i, name in enumerate(names)
    ]
    other = samples[0]
    other.specialty = Specialty(name="Cardiology")
    other.city, other.country, other.show_city = "Lyon", "FR", True
    intro = Introduction(pk=0, expires_at=timezone.now() + timedelta(days=7))
    return render(
        request,
        "pages/styleguide.html",
        {
            "samples": samples,
            "card": IntroCard(
                intro,
                other,
                "offered",
                can_answer=True,
                reasons=[
                    "You both care about AI in medicine and medical journalism.",
                    "You are looking for mentorship; Ada Okafor offers it.",
                ],
            ),
            "decline_reasons": Introduction.DeclineReason.choices,
            "member": Profile(
                pk=99, display_name="Sam Rivera", time_zone="Europe/Paris"
            ),
            "member_zone": "Europe/Paris",
        },
    )
