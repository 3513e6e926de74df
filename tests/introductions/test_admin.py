from django.urls import reverse

from introductions import services
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
