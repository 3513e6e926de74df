import csv
from dataclasses import dataclass
from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from .charts import render_chart
from .live import health_at_a_glance, health_table, waiting_table
from .models import Rollup
from .selectors import (
    rolled_up_data,
    rollup_and_health,
    rollup_computed_at,
    rollup_version,
    version_of,
    waiting_members,
)
from .tables import SECTIONS, at_a_glance, build_tables
from .tabular import Table, csv_value

# Long enough to outlast any pause of the rollup; a new rollup changes the key.
CACHE_SECONDS = 24 * 3600
# Part of the sections' cache key: a release that changes what RolledSections or
# Table hold bumps it, so that no process unpickles another release's shape.
SECTIONS_FORMAT = 2
SECTION_TEMPLATE = "insights/page.html#table-section"


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


@dataclass(frozen=True)
class RolledSections:
    """The page's figures from the summary tables, kept per rollup version:
    the tables (their charts and CSV too), the at-a-glance figures, and each
    table's section as rendered HTML."""

    glance: list[tuple[str, str]]
    tables: dict[str, Table]
    html: dict[str, SafeString]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    html: SafeString | None = None
    table: Table | None = None


def _rolled_sections(rollup: Rollup | None) -> RolledSections:
    """Read and drawn once per rollup, then from the cache: the key is the
    version of the rollup read in this request, whose rows never change."""
    key = f"insights:sections:{SECTIONS_FORMAT}:{rollup_version(rollup)}"
    rolled = cache.get(key)
    if rolled is None:
        data = rolled_up_data(rollup)
        tables = build_tables(data)
        rolled = RolledSections(
            glance=at_a_glance(data),
            tables=tables,
            html={
                name: render_to_string(SECTION_TEMPLATE, {"table": table})
                for name, table in tables.items()
            },
        )
        cache.set(key, rolled, timeout=CACHE_SECONDS)
    return rolled


def _table_or_404(name: str) -> Table:
    now = timezone.now()
    rollup, health = rollup_and_health(now)
    if name == "waiting":
        return waiting_table(waiting_members(), now.date())
    if name == "health":
        return health_table(health)
    table = _rolled_sections(rollup).tables.get(name)
    if table is None:
        raise Http404
    return table


@require_GET
@staff_required
def insights_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rollup, health = rollup_and_health(now)
    rolled = _rolled_sections(rollup)
    live = {
        "waiting": waiting_table(waiting_members(), now.date()),
        "health": health_table(health),
    }
    sections = []
    for name in SECTIONS:
        if name in live:
            sections.append(Section(name, live[name].title, table=live[name]))
        else:
            table = rolled.tables[name]
            sections.append(Section(name, table.title, html=rolled.html[name]))
    return render(
        request,
        "insights/page.html",
        {
            "rollup": rollup,
            "sections": sections,
            "tables": rolled.tables | live,
            "glance": [*rolled.glance, health_at_a_glance(health)],
        },
    )


@require_GET
@staff_required
def insights_chart(request: HttpRequest, name: str) -> HttpResponse:
    # A chart changes only when the rollup runs: drawing one takes longer than
    # the whole page, so it is kept per rollup.
    key = f"insights:chart:{name}:{version_of(rollup_computed_at())}"
    svg = cache.get(key)
    if svg is None:
        table = _table_or_404(name)
        if table.chart is None:
            raise Http404
        svg = render_chart(table)
        cache.set(key, svg, timeout=CACHE_SECONDS)
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
