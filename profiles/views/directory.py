"""Other members: the directory, a member's page, and a tag's address."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from .. import selectors
from ..forms import DirectorySearchForm
from ..htmx import announce, varies_on_htmx
from ..http import MemberRequest
from ..models import Interest
from ..selectors import DirectoryResults


class DirectoryPaginator(Paginator):
    """Counts matches only up to DIRECTORY_COUNT_CAP: counting a broad search
    exactly means reading every listed member on every page view."""

    def __init__(self, results: DirectoryResults, per_page: int) -> None:
        # Paginator reads only slices of its list once count is given; the stubs'
        # protocol also asks for len(), iteration and int indexes.
        super().__init__(results, per_page)  # type: ignore[arg-type]
        self.results = results

    @cached_property
    def count(self) -> int:
        return self.results.count_up_to(settings.DIRECTORY_COUNT_CAP)

    @property
    def is_capped(self) -> bool:
        return self.count > settings.DIRECTORY_COUNT_CAP


@varies_on_htmx
@require_GET
@login_required
def directory(request: MemberRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    profiles = selectors.directory_profiles(
        viewer=request.user,
        query=data.get("q", ""),
        interest_slugs=data.get("interest", []),
        specialty_slug=data.get("specialty", ""),
        goal_slug=data.get("goal", ""),
    )
    paginator = DirectoryPaginator(profiles, settings.DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query_string.urlencode(),
        "selected_interests": set(data.get("interest", [])),
        "count_cap": settings.DIRECTORY_COUNT_CAP,
    }
    if (
        request.htmx
        and request.htmx.target == "directory-results"
        and not request.htmx.history_restore_request
    ):
        response = render(request, "profiles/directory.html#results", context)
        return announce(response, _directory_count(paginator))
    context |= selectors.directory_filters()
    return render(request, "profiles/directory.html", context)


def _directory_count(paginator: DirectoryPaginator) -> str:
    if paginator.is_capped:
        return f"More than {settings.DIRECTORY_COUNT_CAP} members"
    return f"{paginator.count} member{pluralize(paginator.count)}"


@require_GET
@login_required
def member_detail(request: MemberRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_for_member(viewer=request.user, pk=pk)
    if profile is None:
        return render(request, "profiles/member_missing.html", status=404)
    is_self = profile.user_id == request.user.pk
    return render(
        request,
        "profiles/member_detail.html",
        {
            "member": profile,
            "is_self": is_self,
            "own_interests": selectors.member_interests(profile=profile)
            if is_self
            else None,
            "seeks": [g for g in profile.goal_list if g.direction == "seek"],
            "offers": [g for g in profile.goal_list if g.direction == "offer"],
            "viewer_blocked": not is_self
            and selectors.has_blocked(user=request.user, blocked=profile),
        },
    )


@require_GET
@login_required
def interest_detail(request: MemberRequest, slug: str) -> HttpResponse:
    """A tag's address: the directory filtered on it; merged tags redirect."""
    interest = get_object_or_404(Interest, slug=slug, sensitive=False)
    if interest.merged_into is not None:
        return redirect(interest.merged_into, permanent=True)
    if interest.status != Interest.Status.ACTIVE:
        return render(
            request, "profiles/member_missing.html", {"what": "interest"}, status=404
        )
    return redirect(f"{reverse('directory')}?interest={interest.slug}")
