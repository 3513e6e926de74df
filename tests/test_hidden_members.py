"""Nothing about a member the actor may not see leaks through an address with an id.

Walks every URL pattern in the URLconf that takes an integer id (found from the
resolver, so a new one is covered the day it is added) and tries it with the ids
of a connections-only member, a suspended member, an intro between them and one
not yet offered, by GET and POST, with and without htmx, as a signed-in stranger
and as an anonymous visitor. None of their details may appear in the page, the
flash messages or the headers; the answer is a 404, 403, 405 or a redirect to
the login page.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from profiles.factories import (
    GoalKindFactory,
    ProfileFactory,
    SpecialtyFactory,
    UserFactory,
)
from profiles.models import Block, MemberGoal, Profile

pytestmark = pytest.mark.django_db


def _id_patterns(
    resolver: URLResolver, prefix: str = ""
) -> list[tuple[str, list[str], list[str]]]:
    """(URL name, [int kwargs], [all kwargs]) of every pattern taking an integer,
    admin aside: staff pages are for staff, who see everyone."""
    found: list[tuple[str, list[str], list[str]]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += _id_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = entry.pattern.converters
            ints = [k for k, c in converters.items() if c.regex == "[0-9]+"]
            if ints:
                found.append((prefix + entry.name, ints, list(converters)))
    return found


ID_PATTERNS = _id_patterns(get_resolver())


def test_the_walk_finds_the_member_and_intro_addresses():
    names = {name for name, _, _ in ID_PATTERNS}
    assert {
        "member_detail",
        "member_block",
        "member_unblock",
        "member_report",
        "member_report_done",
        "intro_request",
        "intro_accept",
        "intro_decline",
    } <= names


@pytest.fixture
def secrets():
    """Two members a stranger may not see, each with details easy to spot."""
    hidden = ProfileFactory(
        display_name="Zelda Hiddenfield",
        city="Quillstadt",
        institution="Saint Obscura Hospital",
        bio="Vexillologist among nephrologists.",
        specialty=SpecialtyFactory(name="Xenonephrology", slug="xenonephrology"),
        profile_visibility=Profile.Visibility.CONNECTIONS,
    )
    suspended = ProfileFactory(
        display_name="Yannick Suspendu",
        city="Brumewick",
        institution="Clinique Fermee",
        bio="Collector of obsolete stethoscopes.",
        specialty=SpecialtyFactory(name="Ultracardiology", slug="ultracardiology"),
        user=UserFactory(is_active=False),
    )
    stranger = ProfileFactory()
    between = IntroductionFactory(
        member_a=hidden, member_b=suspended, state=Introduction.State.CONNECTED
    )
    # Chosen by a round but not offered yet: it names nobody to anyone.
    proposed = IntroductionFactory(member_a=hidden, member_b=stranger)
    goals = [
        MemberGoal.objects.create(profile=p, kind=GoalKindFactory(), direction="seek")
        for p in (hidden, suspended)
    ]
    words = [
        value
        for p in (hidden, suspended)
        for value in (p.display_name, p.city, p.institution, p.bio, p.specialty.name)
    ] + [p.display_name.split()[0] for p in (hidden, suspended)]
    ids = {hidden.pk, suspended.pk, between.pk, proposed.pk} | {g.pk for g in goals}
    # Ids of different tables may coincide: an intro's id equal to the stranger's own
    # profile id would address the stranger's own page, rightly shown to them.
    ids.discard(stranger.pk)
    return {"stranger": stranger, "ids": sorted(ids), "words": words}


FORM = {"reason": "spam", "details": "x", "note": "Hello", "met": "yes"}


def _leaks(response, words) -> list[str]:
    seen = response.content.decode(errors="replace")
    seen += " ".join(str(m) for m in get_messages(response.wsgi_request))
    seen += " ".join(f"{k}: {v}" for k, v in response.items())
    return [w for w in words if w.lower() in seen.lower()]


@pytest.mark.parametrize("signed_in", [True, False], ids=["stranger", "anonymous"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "ints", "params"), ID_PATTERNS, ids=[n for n, _, _ in ID_PATTERNS]
)
def test_no_address_tells_anything_about_a_hidden_member(
    client, secrets, name, ints, params, method, htmx, signed_in
):
    if signed_in:
        client.force_login(secrets["stranger"].user)
    headers = {"HX-Request": "true"} if htmx else {}
    login = reverse("account_login")
    for value in secrets["ids"]:
        kwargs = {p: value if p in ints else "x" for p in params}
        url = reverse(name, kwargs=kwargs)
        if method == "get":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, FORM, headers=headers)

        assert not _leaks(response, secrets["words"]), (url, response.status_code)
        if response.status_code in (301, 302, 303):
            assert response["Location"].startswith(login), url
        else:
            assert response.status_code in (403, 404, 405), (url, value)


def test_a_member_can_still_lift_their_own_block_on_someone_now_hidden(client, secrets):
    stranger = secrets["stranger"]
    hidden = Profile.objects.get(display_name="Zelda Hiddenfield")
    Block.objects.create(blocker=stranger, blocked=hidden)
    client.force_login(stranger.user)

    response = client.post(
        reverse("member_unblock", args=[hidden.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert b"You unblocked Zelda Hiddenfield" in response.content
    assert not Block.objects.exists()
