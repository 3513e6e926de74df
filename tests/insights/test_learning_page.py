"""The "Learning from outcomes" page: calibration by score component on a small
hand-built history (each figure worked out below), the weight versions, and the
staff-only dry run, adoption and rollback."""

import csv
import io
import socket
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights.services import insights_rollup
from introductions.models import Feedback, Introduction
from matching.models import Round, RoundPair, WeightVersion
from matching.tasks import weights_dry_run as dry_run_task
from profiles.factories import ProfileFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("insights:learning")
FITTED = {
    "interest": 0.2,
    "goal": 1.0,
    "cross_specialty": 0.0,
    "cross_specialty_preferred": 0.23,
}


def _staff(*, may_change_weights=True):
    staff = ProfileFactory(display_name="Staff member").user
    staff.is_staff = True
    staff.save()
    if may_change_weights:
        staff.user_permissions.add(
            Permission.objects.get(codename="change_weightversion")
        )
    TOTP.activate(staff, generate_totp_secret())
    return staff


@pytest.fixture
def staff_client(client):
    client.force_login(_staff())
    return client


@pytest.fixture
def components_history():
    """Intros of one round with components (interest, goal quarters, cross,
    prefers, windows), rolled up:

    I1 0.0, 0, same,      windows yes,     offered, expired
    I2 0.1, 2, different, windows yes,     both accepted, met (one says yes)
    I3 0.1, 4, preferred, windows no,      both accepted, no answer about meeting
    I4 0.5, 8, same,      windows unknown, declined
    I5 0.7, 1, preferred, windows yes,     both accepted, said they did not meet
    I6 0.7, 0, same,      windows yes,     proposed, never offered: not counted
    I7 no components (a requested intro), both accepted: not counted
    """
    now = timezone.now() - timedelta(days=7)
    round_ = Round.objects.create(
        trigger=Round.Trigger.BEAT, status=Round.Status.DONE, created_at=now
    )

    def intro(state, components, *, offered=True, met=None, requested=False):
        ci, cg, cx, cp, cw = components or (None,) * 5
        # A round introduces a pair once: new members for every intro.
        low, high = sorted((ProfileFactory(), ProfileFactory()), key=lambda p: p.pk)
        made = Introduction.objects.create(
            member_a=low,
            member_b=high,
            state=state,
            offered_at=now if offered else None,
            connected_at=now if state == "connected" else None,
            component_interest=ci,
            component_goal_units=cg,
            component_cross_specialty=cx,
            component_prefers_other=cp,
            component_windows_overlap=cw,
        )
        if not requested:
            RoundPair.objects.create(
                round=round_,
                member_a=low,
                member_b=high,
                score=made.score,
                introduction=made,
            )
        if met is not None:
            Feedback.objects.create(intro=made, member=low, met=met)
        return made

    intro("expired", (0.0, 0, False, False, True))
    intro("connected", (0.1, 2, True, False, True), met="yes")
    intro("connected", (0.1, 4, True, True, False))
    intro("declined", (0.5, 8, False, False, None))
    intro("connected", (0.7, 1, True, True, True), met="no")
    intro("proposed", (0.7, 0, False, False, True), offered=False)
    intro("connected", None, met="yes", requested=True)
    insights_rollup()
    return round_


def test_calibration_by_score_component(staff_client, components_history):
    response = staff_client.get(PAGE)
    assert response.status_code == 200
    # component, offered, both accepted, rate, met, met of both accepted.
    assert response.context["table"].display_rows == [
        ["Shared rare interest: none shared", "1", "0", "0.0 %", "0", "–"],
        ["Shared rare interest: under 0.2", "2", "2", "100.0 %", "1", "50.0 %"],
        ["Shared rare interest: 0.4 to 0.6", "1", "0", "0.0 %", "0", "–"],
        ["Shared rare interest: 0.6 and over", "1", "1", "100.0 %", "0", "0.0 %"],
        ["On-topic goal: none", "1", "0", "0.0 %", "0", "–"],
        ["On-topic goal: under one kind on topic", "2", "2", "100.0 %", "1", "50.0 %"],
        [
            "On-topic goal: 1 to under 2 kinds on topic",
            "1",
            "1",
            "100.0 %",
            "0",
            "0.0 %",
        ],
        ["On-topic goal: 2 kinds on topic or more", "1", "0", "0.0 %", "0", "–"],
        ["Cross-specialty: same specialty or unknown", "2", "0", "0.0 %", "0", "–"],
        ["Cross-specialty: different", "1", "1", "100.0 %", "1", "100.0 %"],
        ["Cross-specialty: different, preferred", "2", "2", "100.0 %", "0", "0.0 %"],
        [
            "Call-window overlap: call fits both windows",
            "3",
            "2",
            "66.7 %",
            "1",
            "50.0 %",
        ],
        ["Call-window overlap: no call fits both", "1", "1", "100.0 %", "0", "0.0 %"],
        ["Call-window overlap: not recorded", "1", "0", "0.0 %", "0", "–"],
    ]
    rows = list(
        csv.reader(
            io.StringIO(
                staff_client.get(
                    reverse("insights:learning_csv", args=["score-components"])
                ).content.decode()
            )
        )
    )
    assert rows[0][:4] == [
        "component",
        "offered",
        "both accepted",
        "both accepted, of offered",
    ]
    assert rows[12] == [
        "Call-window overlap: call fits both windows",
        "3",
        "2",
        "0.6667",
        "1",
        "0.5",
    ]
    chart = staff_client.get(
        reverse("insights:learning_chart", args=["score-components"])
    )
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<script" not in chart.content
    assert (
        staff_client.get(reverse("insights:learning_csv", args=["nope"])).status_code
        == 404
    )


def test_the_figures_change_with_the_next_rollup_and_not_before(
    staff_client, components_history
):
    chart_url = reverse("insights:learning_chart", args=["score-components"])
    first_chart = staff_client.get(chart_url).content
    low, high = sorted((ProfileFactory(), ProfileFactory()), key=lambda p: p.pk)
    made = Introduction.objects.create(
        member_a=low,
        member_b=high,
        state="connected",
        offered_at=timezone.now(),
        connected_at=timezone.now(),
        component_interest=0.9,
        component_goal_units=0,
        component_cross_specialty=False,
        component_prefers_other=False,
        component_windows_overlap=True,
    )
    RoundPair.objects.create(
        round=components_history,
        member_a=low,
        member_b=high,
        score=made.score,
        introduction=made,
    )
    before = staff_client.get(PAGE)
    assert [
        "Shared rare interest: 0.6 and over",
        "1",
        "1",
        "100.0 %",
        "0",
        "0.0 %",
    ] in (before.context["table"].display_rows)
    assert staff_client.get(chart_url).content == first_chart
    insights_rollup()
    after = staff_client.get(PAGE)
    assert [
        "Shared rare interest: 0.6 and over",
        "2",
        "2",
        "100.0 %",
        "0",
        "0.0 %",
    ] in (after.context["table"].display_rows)
    assert staff_client.get(chart_url).content != first_chart


def test_the_page_reads_the_rollup_not_the_intro_table(
    staff_client, components_history, django_assert_max_num_queries
):
    WeightVersion.objects.create(weights=FITTED, target="accepted")
    with (
        CaptureQueriesContext(connection) as queries,
        django_assert_max_num_queries(10),
    ):
        response = staff_client.get(PAGE)
    assert response.status_code == 200
    assert not [
        q["sql"] for q in queries if "introductions_introduction" in q["sql"]
    ], "the page must not read the intro table"


def test_the_insights_page_links_here(staff_client):
    response = staff_client.get(reverse("insights:page"))
    assert PAGE.encode() in response.content


def test_dry_run_adopt_and_roll_back_from_the_page(staff_client):
    version = WeightVersion.objects.create(
        weights=FITTED,
        target="accepted",
        holdout={
            "train": 1600,
            "holdout": 400,
            "rounds_train": [1, 4],
            "rounds_holdout": [5],
            "fitted": {"auc": 0.7512, "calibration_error": 0.021},
            "current": {"auc": 0.6034, "calibration_error": 0.034},
        },
    )
    page = staff_client.get(PAGE).content.decode()
    assert "0.751 fitted, 0.603 weights then in use" in page
    assert "Adopt v" not in page  # no dry run yet
    assert "Roll back" not in page

    response = staff_client.post(reverse("insights:weights_dry_run", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.dry_run["status"] == "queued"
    assert "Dry run queued" in staff_client.get(PAGE).content.decode()
    # What the worker does with the queued task.
    dry_run_task.apply(args=[version.pk])
    version.refresh_from_db()
    assert Round.objects.filter(dry_run=True).count() == 2
    page = staff_client.get(PAGE).content.decode()
    assert "0 would change" in page
    assert f"Adopt v{version.pk}" in page

    page = staff_client.post(
        reverse("insights:weights_adopt", args=[version.pk]), follow=True
    ).content.decode()
    version.refresh_from_db()
    assert version.status == WeightVersion.Status.ACTIVE
    assert "adopted: the next round scores with these weights" in page
    assert "Roll back to the settings' weights" in page

    response = staff_client.post(reverse("insights:weights_rollback"), follow=True)
    assert "the next round scores with the settings" in response.content.decode()
    version.refresh_from_db()
    assert version.status == WeightVersion.Status.RETIRED
    # Adopting a retired version is refused with a message, not an error page.
    response = staff_client.post(
        reverse("insights:weights_adopt", args=[version.pk]), follow=True
    )
    assert "Not adopted" in response.content.decode()


def test_members_get_not_found_and_visitors_log_in(client):
    version = WeightVersion.objects.create(weights=FITTED, target="accepted")
    member = ProfileFactory().user
    urls = [
        reverse("insights:weights_dry_run", args=[version.pk]),
        reverse("insights:weights_adopt", args=[version.pk]),
        reverse("insights:weights_rollback"),
    ]
    for url in urls:
        response = client.post(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    client.force_login(member)
    assert client.get(PAGE).status_code == 404
    for url in urls:
        assert client.post(url).status_code == 404
    version.refresh_from_db()
    assert version.status == WeightVersion.Status.CANDIDATE
    assert version.dry_run == {}


def test_staff_without_the_weights_permission_see_the_page_but_change_nothing(
    client,
):
    version = WeightVersion.objects.create(
        weights=FITTED, target="accepted", dry_run={"pairs_candidate": 3, "new": 1}
    )
    client.force_login(_staff(may_change_weights=False))

    page = client.get(PAGE)
    assert page.status_code == 200
    assert "need the permission to change weight versions" in page.content.decode()
    assert "Adopt v" not in page.content.decode()
    for url in [
        reverse("insights:weights_dry_run", args=[version.pk]),
        reverse("insights:weights_adopt", args=[version.pk]),
        reverse("insights:weights_rollback"),
    ]:
        assert client.post(url).status_code == 403
    version.refresh_from_db()
    assert version.status == WeightVersion.Status.CANDIDATE
    assert version.dry_run == {"pairs_candidate": 3, "new": 1}


def test_staff_posts_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(_staff())
    assert client.post(reverse("insights:weights_rollback")).status_code == 403
    assert client.get(reverse("insights:weights_rollback")).status_code == 405


@pytest.fixture
def broker_refusing():
    """The project's Celery app pointed at a port nobody listens on; its own
    connection pools are put back untouched afterwards."""
    from grapevyne.celery import app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app._pool = app.amqp._producer_pool = None
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    yield
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_the_broker_refuses_reads_as_failed_not_queued(broker_refusing):
    client = Client()
    client.force_login(_staff())
    version = WeightVersion.objects.create(weights=FITTED, target="accepted")

    response = client.post(reverse("insights:weights_dry_run", args=[version.pk]))

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.dry_run["status"] == "failed"
    assert "run it again later" in client.get(PAGE).content.decode()
