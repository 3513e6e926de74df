"""About, privacy, terms and contact for everyone; the style guide for staff only;
the site's name and contact address from settings, in every page footer."""

import pytest
from django.urls import reverse

from profiles.factories import UserFactory

pytestmark = pytest.mark.django_db

TRUST_PAGES = ["about", "privacy", "terms", "contact"]


@pytest.mark.parametrize("name", TRUST_PAGES)
def test_a_visitor_reads_each_trust_page_linked_from_the_footer(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    content = response.content.decode()
    footer = content[content.index('<footer class="site-footer">') :]
    for other in TRUST_PAGES:
        assert f'href="{reverse(other)}"' in footer


@pytest.mark.parametrize("name", TRUST_PAGES)
def test_the_trust_pages_refuse_post(client, name):
    assert client.post(reverse(name)).status_code == 405


def test_the_contact_address_and_the_operator_come_from_settings(client, settings):
    settings.CONTACT_EMAIL = "safety@example.org"
    settings.SITE_OPERATOR = "the Example Medical Society"

    contact = client.get(reverse("contact")).content.decode()
    about = client.get(reverse("about")).content.decode()

    assert 'href="mailto:safety@example.org"' in contact
    assert "Report abuse" in contact
    assert "run by the Example Medical Society" in about


def test_the_privacy_page_mentions_error_reports_only_when_they_are_on(
    client, settings
):
    settings.SENTRY_DSN = ""
    assert "error tracker" not in client.get(reverse("privacy")).content.decode()
    settings.SENTRY_DSN = "https://key@errors.example.org/1"
    assert "error tracker" in client.get(reverse("privacy")).content.decode()


def test_the_style_guide_asks_a_visitor_to_log_in(client):
    response = client.get(reverse("styleguide"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_style_guide_is_refused_to_a_member_who_is_not_staff(client):
    client.force_login(UserFactory())

    assert client.get(reverse("styleguide")).status_code == 403


def test_staff_see_every_component_in_the_style_guide(client):
    client.force_login(UserFactory(is_staff=True))

    content = client.get(reverse("styleguide")).content.decode()

    for component in [
        'class="swatches"',
        'class="secondary"',
        'class="quiet"',
        'class="destructive"',
        'class="avatar c',
        'class="intro-hero"',
        'class="card empty-state"',
        "<progress",
        'class="tag sensitive"',
    ]:
        assert component in content


def test_the_style_guide_refuses_post(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.post(reverse("styleguide")).status_code == 405
