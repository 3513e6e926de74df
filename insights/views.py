import csv
from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .charts import render_chart
from .selectors import insights_data, rollup_version
from .tables import Table, at_a_glance, build_tables, csv_value

CHART_CACHE_SECONDS = 24 * 3600


def staff_required(view):
    """The admin's rule (verified address, authenticator app), since the page sits
    beside it: staff missing a step are sent through the admin's login to take it,
    and a member is not told that the page exists."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not admin.site.has_permission(request):
            if request.user.is_staff:
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login")
                )
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _table_or_404(name: str) -> Table:
    table = build_tables(insights_data()).get(name)
    if table is None:
        raise Http404
    return table


@require_GET
@staff_required
def insights_page(request: HttpRequest) -> HttpResponse:
    data = insights_data()
    return render(
        request,
        "insights/page.html",
        {"data": data, "tables": build_tables(data), "glance": at_a_glance(data)},
    )


@require_GET
@staff_required
def insights_chart(request: HttpRequest, name: str) -> HttpResponse:
    # A chart changes only when the rollup runs: drawing one takes longer than
    # the whole page, so it is kept per rollup.
    key = f"insights:chart:{name}:{rollup_version()}"
    svg = cache.get(key)
    if svg is None:
        table = _table_or_404(name)
        if table.chart is None:
            raise Http404
        svg = render_chart(table)
        cache.set(key, svg, timeout=CHART_CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@staff_required
def insights_csv(request: HttpRequest, name: str) -> HttpResponse:
    return table_csv(_table_or_404(name), name)


def table_csv(table: Table, name: str) -> HttpResponse:
    """A table's figures as a CSV download, the same for every insights page."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grapevyne-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
        )
    return response
