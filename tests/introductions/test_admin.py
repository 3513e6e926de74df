from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from introductions import services
from introductions.models import Feedback
from profiles.factories import UserFactory


def test_the_admin_lists_intros_by_state_and_shows_their_outbox(client, offered):
    services.intro_accept(intro=offered, member=offered.member_a)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    def listed(state):
        response = client.get(
            reverse("admin:introductions_introduction_changelist"),
            {"state__exact": state},
        )
        assert response.status_code == 200
        return offered.member_a.name in response.content.decode()

    detail = client.get(
        reverse("admin:introductions_introduction_change", args=[offered.pk])
    )

    assert listed("accepted_one")
    assert not listed("connected")
    assert detail.status_code == 200
    assert offered.member_a.user.email in detail.content.decode()
    assert "Would you like to meet" in detail.content.decode()


def test_the_feedback_list_does_not_query_per_row(
    client, make_intro, django_assert_max_num_queries
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:introductions_feedback_changelist")

    def add_feedback():
        intro = make_intro()
        Feedback.objects.create(intro=intro, member=intro.member_a, met="yes")

    add_feedback()
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    for _ in range(4):
        add_feedback()
    with django_assert_max_num_queries(len(one_row)):
        assert client.get(url).status_code == 200


def test_the_score_components_are_shown_but_not_editable(client, offered):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    form = (
        client.get(
            reverse("admin:introductions_introduction_change", args=[offered.pk])
        )
        .context["adminform"]
        .form
    )

    assert not {name for name in form.fields if name.startswith("component_")}
