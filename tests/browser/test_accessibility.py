"""axe-core finds no violation on the pages a visitor or a member opens."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ANONYMOUS_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_anonymous_pages_have_no_axe_violation(new_page, axe, color_scheme):
    page = new_page(color_scheme=color_scheme)
    for url in ANONYMOUS_PAGES:
        page.goto(url)
        axe.check(page)
