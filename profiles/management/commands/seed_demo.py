"""`manage.py seed_demo --members N`: realistic demo members for development.

Member i is always generated from the same random stream (seed and index), so
re-running with the same N adds nobody and a larger N adds only the difference.
Demo members are recognised by their email domain.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from faker import Faker

from profiles.demo import Catalogue, Member, build_member, catalogue, demo_email
from profiles.demo_data import (
    DEMO_DOMAIN,
    DEMO_LOGIN,
    DEMO_LOGIN_INTERESTS,
    DEMO_PASSWORD,
    Role,
    Stage,
)
from profiles.models import (
    CallWindow,
    MemberGoal,
    MemberInterest,
    Profile,
    User,
)
from profiles.services import profiles_refresh_search_vectors


def _save(members: list[Member]) -> list[int]:
    """Write members with one bulk insert per table."""
    users = User.objects.bulk_create([m.user for m in members])
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    for member in members:
        member.profile.user = member.user
    profiles = Profile.objects.bulk_create([m.profile for m in members])
    MemberInterest.objects.bulk_create(
        MemberInterest(profile=m.profile, interest=i, created_at=m.profile.created_at)
        for m in members
        for i in m.interests
    )
    MemberGoal.objects.bulk_create(
        MemberGoal(
            profile=m.profile,
            direction=d,
            kind=k,
            interest=about,
            created_at=m.profile.created_at,
        )
        for m in members
        for d, k, about in m.goals
    )
    CallWindow.objects.bulk_create(
        CallWindow(profile=m.profile, weekday=w, start=s, end=e)
        for m in members
        for w, s, e in m.windows
    )
    return [p.pk for p in profiles]


def _demo_login(cat: Catalogue, password_hash: str) -> int | None:
    """The well-known account the README points to; left alone once it exists."""
    if User.objects.filter(email__iexact=DEMO_LOGIN).exists():
        return None
    by_slug = {i.slug: i for i in cat.public}
    interests = [by_slug[s] for s in DEMO_LOGIN_INTERESTS if s in by_slug]
    goals = [
        (MemberGoal.Direction.SEEK, "startup-co-founder", None),
        (MemberGoal.Direction.SEEK, "co-author", by_slug.get("medical-podcasting")),
        (MemberGoal.Direction.OFFER, "mentorship", by_slug.get("clinical-informatics")),
        (MemberGoal.Direction.OFFER, "teaching-and-curriculum", None),
    ]
    joined = timezone.now() - dt.timedelta(days=120)
    member = Member(
        user=User(
            email=DEMO_LOGIN,
            password=password_hash,
            first_name="Alex",
            last_name="Rivera",
            date_joined=joined,
        ),
        profile=Profile(
            display_name="Dr. Alex Rivera",
            role=Role.ATTENDING,
            specialty=cat.specialties.get("hospital-medicine"),
            career_stage=Stage.MID,
            institution="Boston General Hospital",
            city="Boston",
            region="Massachusetts",
            country="US",
            time_zone="America/New_York",
            bio=(
                "Hospitalist in Boston, in practice for over a decade. I lead our "
                "EHR optimisation work and teach residents point-of-care "
                "ultrasound. Happy to offer mentorship in clinical informatics."
            ),
            intro_frequency=Profile.Frequency.BIWEEKLY,
            max_open_intros=3,
            meeting_minutes=Profile.MeetingLength.TWENTY,
            onboarded_at=joined + dt.timedelta(minutes=12),
            created_at=joined,
        ),
        interests=interests,
        goals=[(d, cat.goals[k], i) for d, k, i in goals if k in cat.goals],
        windows=[(1, dt.time(12), dt.time(13)), (3, dt.time(17, 30), dt.time(18, 30))],
    )
    return _save([member])[0]


class Command(BaseCommand):
    help = (
        f"Create N realistic demo members (emails @{DEMO_DOMAIN}, password "
        f"'{DEMO_PASSWORD}') and the {DEMO_LOGIN} login. Idempotent: re-running "
        "with the same N adds nobody; a larger N adds the difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, members: int, seed: int, **options) -> None:
        if members < 0:
            raise CommandError("--members must be zero or more.")
        with transaction.atomic():
            wanted = {demo_email(i): i for i in range(1, members + 1)}
            existing = set(
                User.objects.filter(email__in=wanted).values_list("email", flat=True)
            )
            missing = [i for email, i in wanted.items() if email not in existing]
            needs_login = not User.objects.filter(email__iexact=DEMO_LOGIN).exists()
            profile_ids: list[int] = []
            if missing or needs_login:
                cat = catalogue()
                # Hashing is slow on purpose; one hash shared by every demo account
                # keeps 300 members to a couple of seconds.
                password_hash = make_password(DEMO_PASSWORD)
                fakers: dict[str, Faker] = {}
                new_members = [
                    build_member(i, seed, cat, fakers, password_hash) for i in missing
                ]
                if new_members:
                    profile_ids = _save(new_members)
                login_id = _demo_login(cat, password_hash)
                if login_id is not None:
                    profile_ids.append(login_id)
                profiles_refresh_search_vectors(profile_ids=profile_ids)
        total = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").count()
        self.stdout.write(f"Created {len(missing)} demo members ({total} in all).")
        self.stdout.write(f"Demo login: {DEMO_LOGIN} / {DEMO_PASSWORD}")
