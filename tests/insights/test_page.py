"""The staff insights page: every figure on the hand-built history, access, cost."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.services import insights_rollup
from introductions.models import OutboxEmail
from matching.models import Round
from profiles.factories import ProfileFactory
from profiles.models import Profile

from .conftest import NOW

PAGE = reverse("insights:page")


@pytest.fixture
def staff_client(client, history):
    with time_machine.travel(NOW, tick=False):
        insights_rollup()
    staff = ProfileFactory(display_name="Staff member").user
    staff.is_staff = True
    staff.save()
    # The admin (whose index links here) wants staff with an authenticator app.
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def shown(response, name: str) -> list[list[str]]:
    return response.context["tables"][name].display_rows


def test_every_figure_on_the_page(staff_client, history):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(PAGE)
    assert response.status_code == 200
    r1, r2 = history.rounds["R1"].pk, history.rounds["R2"].pk
    # eligible, proposed, offered, both accepted, met, mean rating, declined,
    # expired, nobody answered, both accepted of offered, median time to answer.
    assert shown(response, "rounds") == [
        [
            f"#{r1} 02 Nov",
            "5",
            "3",
            "3",
            "1",
            "1",
            "4.50",
            "1",
            "1",
            "1",
            "33.3 %",
            "4.0 h",
        ],
        [
            f"#{r2} 09 Nov",
            "4",
            "2",
            "1",
            "0",
            "0",
            "–",
            "0",
            "1",
            "0",
            "0.0 %",
            "1.0 h",
        ],
    ]
    assert shown(response, "weeks") == [
        [
            "02 Nov 2026",
            "5",
            "3",
            "3",
            "1",
            "1",
            "4.50",
            "1",
            "1",
            "1",
            "33.3 %",
            "4.0 h",
        ],
        ["09 Nov 2026", "4", "3", "2", "0", "0", "–", "0", "1", "0", "0.0 %", "1.0 h"],
    ]
    # Signed up 6, verified 5, 3+ interests 5, a goal 4, offered 4, connected 2.
    assert shown(response, "onboarding") == [
        ["signed up", "6", "100.0 %", "–"],
        ["verified their email", "5", "83.3 %", "1"],
        ["chose 3 or more interests", "5", "83.3 %", "0"],
        ["set a goal", "4", "66.7 %", "1"],
        ["were offered a first intro", "4", "66.7 %", "0"],
        ["made a first connection", "2", "33.3 %", "2"],
    ]
    # The only connection (I1, A–B) crosses specialties, countries and stages but
    # not time zones; of the 5 proposed, 3, 2, 2 and 4 cross.
    assert shown(response, "mission") == [
        ["Across specialties", "1", "1", "100.0 %", "60.0 %"],
        ["Across countries", "1", "1", "100.0 %", "40.0 %"],
        ["Across time zones", "0", "1", "0.0 %", "40.0 %"],
        [
            "Across career stages (student or resident ↔ attending)",
            "1",
            "1",
            "100.0 %",
            "80.0 %",
        ],
    ]
    assert shown(response, "roles") == [
        ["attending + student", "2", "1", "100.0 %"],
        ["attending + attending", "1", "0", "0.0 %"],
        ["attending + resident", "2", "0", "0.0 %"],
    ]
    assert shown(response, "left_out") == [
        [f"#{r1} 02 Nov", "1", "0", "0"],
        [f"#{r2} 09 Nov", "0", "0", "1"],
    ]
    assert shown(response, "fairness") == [
        ["members (onboarded, or introduced)", "5"],
        ["intros, counted once per member in them", "12"],
        ["share of those going to the top 1 % (1 members)", "25.0 %"],
        ["Gini coefficient (0 = everyone equally, 1 = one member has all)", "0.17"],
    ]
    # Now is 20 Nov: E waits since 27 Oct (24 days), C since 3 Nov (17 days).
    assert shown(response, "waiting") == [
        ["Member E", "27 Oct 2026", "24"],
        ["Member C", "03 Nov 2026", "17"],
        ["Member A", "09 Nov 2026", "11"],
        ["Member B", "09 Nov 2026", "11"],
    ]
    # Deciles 1: I3, I5 (one offered); 2: I2, I4; 3: I1 (connected, met).
    assert shown(response, "calibration") == [
        ["1", "1", "0", "0.0 %", "0", "–"],
        ["2", "2", "0", "0.0 %", "0", "–"],
        ["3", "1", "1", "100.0 %", "1", "100.0 %"],
    ]
    assert shown(response, "components") == [
        ["Shared interest: yes", "2", "50.0 %", "100.0 %"],
        ["Shared interest: no", "2", "0.0 %", "–"],
        ["Complementary goal: yes", "1", "100.0 %", "100.0 %"],
        ["Complementary goal: no", "3", "0.0 %", "–"],
        ["Cross-specialty: yes", "2", "50.0 %", "100.0 %"],
        ["Cross-specialty: no", "2", "0.0 %", "–"],
    ]
    assert shown(response, "health") == [
        ["emails waiting to be sent", "2"],
        ["emails given up on (failed)", "1"],
        ["reports open", "1"],
        ["members suspended", "1"],
        ["members paused automatically, last 30 days", "1"],
    ]
    # The latest round is R2: one offer, not accepted, so no connection to meet.
    assert response.context["glance"] == [
        (f"both accepted, of offered, in round #{r2}", "0.0 %"),
        (f"met, of both accepted, in round #{r2}", "–"),
        ("connections across specialties", "100.0 %"),
        ("Gini of exposure", "0.17"),
        ("failed emails and open reports", "1 and 1"),
    ]
    html = response.content.decode()
    assert "Member E" in html
    assert "4.50" in html


def test_the_page_reads_summaries_in_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    with (
        CaptureQueriesContext(connection) as queries,
        django_assert_max_num_queries(10),
    ):
        response = staff_client.get(PAGE)
    assert response.status_code == 200
    assert not [
        q["sql"] for q in queries if "introductions_introduction" in q["sql"]
    ], "the page must not read the intro table"


def test_a_member_gets_not_found(client, history):
    client.force_login(history.m["A"].user)
    assert client.get(PAGE).status_code == 404
    assert client.get(reverse("insights:csv", args=["rounds"])).status_code == 404
    assert client.get(reverse("insights:chart", args=["rounds"])).status_code == 404


def test_staff_without_an_authenticator_app_set_it_up_first(client, history):
    # The page sits beside the admin and shows what it shows: the same bar.
    staff = ProfileFactory(display_name="New staff").user
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    for url in (PAGE, reverse("insights:csv", args=["rounds"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    TOTP.activate(staff, generate_totp_secret())
    assert client.get(PAGE).status_code == 200


def test_a_visitor_is_sent_to_log_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_page_refuses_a_post(staff_client):
    assert staff_client.post(PAGE).status_code == 405


def test_each_table_downloads_as_csv(staff_client, history):
    response = staff_client.get(reverse("insights:csv", args=["mission"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "measure"
    assert rows[1] == ["Across specialties", "1", "1", "1.0", "0.6"]


def test_an_unknown_table_is_not_found(staff_client):
    assert staff_client.get(reverse("insights:csv", args=["nope"])).status_code == 404
    # The health table has no chart.
    assert (
        staff_client.get(reverse("insights:chart", args=["health"])).status_code == 404
    )


def test_charts_are_svg_without_script(staff_client):
    response = staff_client.get(reverse("insights:chart", args=["calibration"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith(("<?xml", "<svg"))
    assert "<script" not in svg
    assert "Calibration: outcomes by score decile" in svg


def test_the_admin_index_links_to_the_page(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert PAGE in response.content.decode()


def test_a_chart_is_redrawn_after_the_next_rollup(staff_client, history):
    url = reverse("insights:chart", args=["left_out"])
    before = staff_client.get(url).content.decode()
    later = NOW + timedelta(days=1)
    r3 = Round.objects.create(
        trigger=Round.Trigger.BEAT,
        status=Round.Status.DONE,
        created_at=later,
        finished_at=later,
        members_considered=1,
    )
    with time_machine.travel(later, tick=False):
        insights_rollup()
    after = staff_client.get(url).content.decode()
    assert f"#{r3.pk} " not in before
    assert f"#{r3.pk} " in after


SUMMARY_TABLES = (
    "insights_roundfunnel",
    "insights_roundbreakdown",
    "insights_weekfunnel",
    "insights_signupcohort",
)


def _section(html: str, name: str) -> str:
    start = html.index(f'<section class="card" id="{name}"')
    return html[start : html.index("</section>", start)]


def test_the_figures_are_read_once_per_rollup_and_the_rest_live(staff_client, history):
    with time_machine.travel(NOW, tick=False):
        first = staff_client.get(PAGE).content.decode()
        with CaptureQueriesContext(connection) as queries:
            again = staff_client.get(PAGE)
    assert again.status_code == 200
    assert len(queries) <= 5
    assert not [q["sql"] for q in queries if any(t in q["sql"] for t in SUMMARY_TABLES)]
    html = again.content.decode()
    for name in ("rounds", "mission", "fairness", "waiting", "health"):
        assert _section(html, name) == _section(first, name)
    # The health counts and the waiting members' names are read every time.
    OutboxEmail.objects.create(
        recipient=history.m["B"],
        kind=OutboxEmail.Kind.WARNING,
        event_key="test-warning-late",
        to_email="b@example.org",
        subject="s",
        text_body="t",
        status="failed",
    )
    Profile.objects.filter(pk=history.m["E"].pk).update(display_name="Member Eve")
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(PAGE)
    assert ["emails given up on (failed)", "2"] in shown(response, "health")
    assert ("failed emails and open reports", "2 and 1") in response.context["glance"]
    html = response.content.decode()
    assert "Member Eve" in _section(html, "waiting")
    assert _section(html, "rounds") == _section(first, "rounds")


def test_the_page_shows_the_next_rollups_figures(staff_client, history):
    later = NOW + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        before = staff_client.get(PAGE).content.decode()
        r3 = Round.objects.create(
            trigger=Round.Trigger.BEAT,
            status=Round.Status.DONE,
            created_at=later,
            finished_at=later,
            members_considered=7,
        )
        # Not rolled up yet: the page still shows the last rollup's figures.
        assert f"#{r3.pk} " not in staff_client.get(PAGE).content.decode()
        insights_rollup()
        response = staff_client.get(PAGE)
    after = response.content.decode()
    assert f"#{r3.pk} " not in before
    assert f"#{r3.pk} " in _section(after, "rounds")
    assert f"#{r3.pk} " in _section(after, "left_out")
    assert shown(response, "rounds")[-1][:2] == [f"#{r3.pk} {later:%d %b}", "7"]
    assert f"Figures rolled up at {later:%-d %b %Y, %H:%M} UTC" in after
