"""The "Learning from outcomes" page: calibration by component, weight versions,
and the staff's three actions on them (dry run, adopt, roll back), each a POST
with its CSRF token that redirects back (a reload never repeats it)."""

from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from matching import learning
from matching.models import WeightVersion

from .charts import render_chart
from .learning import LEARNING_TABLES, component_calibration, weight_versions
from .selectors import rollup_computed_at, version_of
from .tabular import Table
from .views import CACHE_SECONDS, staff_required, table_csv

PAGE = "insights:learning"
# Adopting weights changes how every later round scores: more than seeing the page.
CHANGE_WEIGHTS = "matching.change_weightversion"


def may_change_weights(view):
    """Staff who also hold the permission to change weight versions."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm(CHANGE_WEIGHTS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@staff_required
def learning_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "insights/learning.html",
        {
            "rolled_up_at": rollup_computed_at(),
            "table": component_calibration(),
            "view": weight_versions(),
            "may_change_weights": request.user.has_perm(CHANGE_WEIGHTS),
        },
    )


def _table_or_404(name: str) -> Table:
    build = LEARNING_TABLES.get(name)
    if build is None:
        raise Http404
    return build()


@require_GET
@staff_required
def learning_chart(request: HttpRequest, name: str) -> HttpResponse:
    # Its figures change only when the rollup runs, as the insights charts'.
    key = f"insights:learning-chart:{name}:{version_of(rollup_computed_at())}"
    svg = cache.get(key)
    if svg is None:
        svg = render_chart(_table_or_404(name))
        cache.set(key, svg, timeout=CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@staff_required
def learning_csv(request: HttpRequest, name: str) -> HttpResponse:
    return table_csv(_table_or_404(name), name)


def _back() -> HttpResponse:
    return redirect(reverse(PAGE) + "#weights")


@require_POST
@staff_required
@may_change_weights
def weights_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        version = learning.weights_dry_run_queue(version_pk=pk)
    except WeightVersion.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        f"Dry run of {version} queued: it runs the next round twice, so reload "
        "this page later for how many of the next round's intros would change.",
    )
    return _back()


@require_POST
@staff_required
@may_change_weights
def weights_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(WeightVersion, pk=pk)
    try:
        version = learning.weight_version_adopt(version=version, user=request.user)
    except learning.WeightVersionError as exc:
        messages.error(request, f"Not adopted: {exc}.")
    else:
        messages.success(
            request, f"{version} adopted: the next round scores with these weights."
        )
    return _back()


@require_POST
@staff_required
@may_change_weights
def weights_rollback(request: HttpRequest) -> HttpResponse:
    try:
        now_active = learning.weight_version_rollback(user=request.user)
    except learning.WeightVersionError as exc:
        messages.error(request, f"Nothing rolled back: {exc}.")
    else:
        messages.success(
            request,
            "Rolled back: the next round scores with "
            + (f"{now_active}." if now_active else "the settings' weights."),
        )
    return _back()
