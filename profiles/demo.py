"""Building demo members in memory, for `manage.py seed_demo`: member i is drawn
from its own random stream (seed and index), from the personas of
profiles.demo_data and the active taxonomy, loaded once."""

import datetime as dt
import random
from collections.abc import Sequence
from typing import NamedTuple

from django.utils import timezone
from faker import Faker

from profiles.demo_data import (
    CALL_STARTS,
    CITIES,
    DEMO_DOMAIN,
    GOAL_COUNTS,
    GOAL_TOPICS,
    NOT_FOR_STAGE,
    PERSONAS,
    ROLES,
    STAGES,
    STUDENT_FIELDS,
    STUDENT_OFFERS,
    STUDENT_PERSONAS,
    STUDENT_SEEKS,
    City,
    Persona,
    Role,
    Stage,
)
from profiles.models import (
    GoalKind,
    Interest,
    MemberGoal,
    Profile,
    Specialty,
    User,
)
from profiles.taxonomy_data import UNDECIDED_SLUG


class Catalogue(NamedTuple):
    """The active taxonomy, loaded once so generating a member costs no query."""

    specialties: dict[str, Specialty]
    by_id: dict[int, Specialty]
    children: dict[int, list[Specialty]]
    public_by_category: dict[str, list[Interest]]
    public: list[Interest]
    sensitive: list[Interest]
    goals: dict[str, GoalKind]


def catalogue() -> Catalogue:
    specialties = {s.slug: s for s in Specialty.objects.active()}
    children: dict[int, list[Specialty]] = {}
    for spec in specialties.values():
        if spec.parent_id:
            children.setdefault(spec.parent_id, []).append(spec)
    interests = list(Interest.objects.active().select_related("category"))
    by_category: dict[str, list[Interest]] = {}
    for interest in interests:
        if not interest.sensitive:
            by_category.setdefault(interest.category.slug, []).append(interest)
    return Catalogue(
        specialties=specialties,
        by_id={s.pk: s for s in specialties.values()},
        children=children,
        public_by_category=by_category,
        public=[i for i in interests if not i.sensitive],
        sensitive=[i for i in interests if i.sensitive],
        goals={g.slug: g for g in GoalKind.objects.active()},
    )


class Member(NamedTuple):
    user: User
    profile: Profile
    interests: list[Interest]
    goals: list[tuple[str, GoalKind, Interest | None]]
    windows: list[tuple[int, dt.time, dt.time]]


def demo_email(index: int) -> str:
    return f"demo{index:04d}@{DEMO_DOMAIN}"


def _faker(locale: str, cache: dict[str, Faker]) -> Faker:
    if locale not in cache:
        # Loading only the person provider makes a Faker 20 times cheaper to build.
        cache[locale] = Faker(locale, providers=["faker.providers.person"])
    return cache[locale]


def _name(rng: random.Random, city: City, fakers: dict[str, Faker]) -> tuple[str, str]:
    fake = _faker(rng.choice(city.locales), fakers)
    fake.seed_instance(rng.getrandbits(32))
    if fake.locales == ["ja_JP"]:
        return fake.first_romanized_name(), fake.last_romanized_name()
    return fake.first_name(), fake.last_name()


def _specialty(
    rng: random.Random, role: str, persona: Persona, cat: Catalogue
) -> Specialty | None:
    if role == Role.STUDENT:
        if rng.random() < 0.55:
            return cat.specialties.get(UNDECIDED_SLUG)
        fields = [cat.specialties[s] for s in STUDENT_FIELDS if s in cat.specialties]
        return rng.choice(fields) if fields else None
    candidates = [
        cat.specialties[s] for s in persona.specialties if s in cat.specialties
    ]
    if not candidates or rng.random() < 0.25:
        candidates = [s for s in cat.specialties.values() if s.slug != UNDECIDED_SLUG]
    spec = rng.choice(candidates)
    if role == Role.RESIDENT and spec.parent_id in cat.by_id:
        # Residents train in the board specialty; the subspecialty comes later.
        return cat.by_id[spec.parent_id]
    if role == Role.FELLOW and not spec.parent_id:
        return rng.choice(
            cat.children.get(spec.pk)
            or [s for s in cat.specialties.values() if s.parent_id]
        )
    return spec


def _interests(
    rng: random.Random, stage: Stage, personas: Sequence[Persona], cat: Catalogue
) -> list[Interest]:
    unsuited = NOT_FOR_STAGE.get(stage, set())
    chosen: dict[int, Interest] = {}
    themed = [
        i
        for p in personas
        for c in p.categories
        for i in cat.public_by_category.get(c, [])
        if i.slug not in unsuited
    ]
    for interest in rng.sample(themed, min(len(themed), rng.randint(3, 8))):
        chosen[interest.pk] = interest
    for interest in rng.sample(cat.public, rng.randint(1, 4)):
        if interest.slug not in unsuited:
            chosen[interest.pk] = interest
    wants_private = PERSONAS["wellbeing"] in personas or PERSONAS["family"] in personas
    if cat.sensitive and rng.random() < (0.35 if wants_private else 0.08):
        sensitive = rng.choice(cat.sensitive)
        chosen[sensitive.pk] = sensitive
    suitable = [i for i in cat.public if i.slug not in unsuited]
    while len(chosen) < 4 and len(chosen) < len(suitable):
        extra = rng.choice(suitable)
        chosen[extra.pk] = extra
    picked = list(chosen.values())
    rng.shuffle(picked)
    return picked[:15]


def _goals(
    rng: random.Random,
    stage: Stage,
    personas: Sequence[Persona],
    interests: list[Interest],
    cat: Catalogue,
) -> list[tuple[str, GoalKind, Interest | None]]:
    (seek_lo, seek_hi), (offer_lo, offer_hi) = GOAL_COUNTS[stage]
    student = stage in (Stage.PRECLINICAL, Stage.CLINICAL)
    seek_pool = [s for p in personas for s in p.seeks]
    offer_pool = [s for p in personas for s in p.offers]
    if student:
        seek_pool = [*STUDENT_SEEKS, *seek_pool[:2]]
        offer_pool = list(STUDENT_OFFERS)
    themed = [
        i
        for i in interests
        if not i.sensitive and any(i.category.slug in p.categories for p in personas)
    ]
    goals: list[tuple[str, GoalKind, Interest | None]] = []
    for direction, pool, lo, hi in (
        (MemberGoal.Direction.SEEK, seek_pool, seek_lo, seek_hi),
        (MemberGoal.Direction.OFFER, offer_pool, offer_lo, offer_hi),
    ):
        taken = {kind.slug for _, kind, _ in goals}  # never seek what one offers
        kinds = list(
            dict.fromkeys(s for s in pool if s in cat.goals and s not in taken)
        )
        for slug in rng.sample(kinds, min(len(kinds), rng.randint(lo, hi))):
            topics = GOAL_TOPICS.get(slug, ())
            fitting = [i for i in themed if not topics or i.category.slug in topics]
            about = rng.choice(fitting) if fitting and rng.random() < 0.45 else None
            goals.append((direction, cat.goals[slug], about))
    return goals


def _windows(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    weekdays = rng.sample([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5], rng.randint(1, 3))
    windows = {}
    for weekday in weekdays:
        start = rng.choice(CALL_STARTS)
        minutes = rng.choice([30, 45, 60, 90])
        end = (
            dt.datetime.combine(dt.date(2000, 1, 1), start)
            + dt.timedelta(minutes=minutes)
        ).time()
        windows[(weekday, start)] = end
    return [(weekday, start, end) for (weekday, start), end in windows.items()]


def _institution(rng: random.Random, role: str, city: City, spec: Specialty | None):
    if role == Role.STUDENT:
        schools = [
            f"{city.city} University School of Medicine",
            f"University of {city.city} Medical School",
        ]
        if city.country == "US":  # osteopathic schools are an American path
            schools.append(f"{city.city} College of Osteopathic Medicine")
        return rng.choice(schools)
    if role == Role.RETIRED and rng.random() < 0.5:
        return ""
    options = [
        f"{city.city} General Hospital",
        f"University of {city.city} Medical Center",
        f"{city.city} Community Health Center",
        "Private practice",
    ]
    if spec is not None and "pediatric" in spec.slug:
        options.append(f"{city.city} Children's Hospital")
    return rng.choice(options)


def _midsentence(name: str) -> str:
    """Lower-case a tag name's first letter unless it starts an acronym (EHR, FDA)."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


_YEARS = {
    Stage.PRECLINICAL: ("First-year", "Second-year"),
    Stage.CLINICAL: ("Third-year", "Fourth-year"),
}


def _bio(
    rng: random.Random,
    role: str,
    stage: Stage,
    spec: Specialty | None,
    city: City,
    persona: Persona,
    goals: list[tuple[str, GoalKind, Interest | None]],
) -> str:
    field = spec.name if spec else "medicine"
    if role == Role.STUDENT:
        intro = f"{rng.choice(_YEARS[stage])} medical student in {city.city}"
        if spec is None or spec.slug == UNDECIDED_SLUG:
            intro += ", still deciding on a specialty."
        else:
            intro += f", hoping to go into {field}."
    elif role == Role.RESIDENT:
        intro = f"PGY-{rng.randint(1, 4)} {field} resident in {city.city}."
    elif role == Role.FELLOW:
        intro = f"{field} fellow in {city.city}."
    elif role == Role.RETIRED:
        intro = f"Retired {field} physician in {city.city}."
    else:
        practising = {
            Stage.EARLY: "a few years out of training",
            Stage.MID: "in practice for over a decade",
            Stage.LATE: "in practice for more than twenty years",
        }[stage]
        intro = f"{field} physician in {city.city}, {practising}."
    sentences = [intro]
    if rng.random() < 0.85:
        sentences.append(rng.choice(persona.blurbs))
    offers = [g for g in goals if g[0] == MemberGoal.Direction.OFFER]
    if offers and rng.random() < 0.6:
        _, kind, about = rng.choice(offers)
        what = _midsentence(kind.name)
        if about is not None:
            what += f" in {_midsentence(about.name)}"
        sentences.append(f"Happy to offer {what}.")
    return " ".join(sentences)


def build_member(index: int, seed: int, cat: Catalogue, fakers, password_hash: str):
    """Generate member `index` from its own random stream, without touching the DB."""
    rng = random.Random(f"{seed}:{index}")  # noqa: S311 - demo data, not secrets
    city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
    role = rng.choices([r for r, _ in ROLES], weights=[w for _, w in ROLES])[0]
    stage = rng.choice(STAGES[role])
    if role == Role.STUDENT:
        keys = rng.sample(STUDENT_PERSONAS, rng.randint(1, 2))
    else:
        keys = rng.sample(sorted(PERSONAS), rng.randint(1, 2))
    personas = [PERSONAS[k] for k in keys]
    spec = _specialty(rng, role, personas[0], cat)
    first, last = _name(rng, city, fakers)
    interests = _interests(rng, stage, personas, cat)
    goals = _goals(rng, stage, personas, interests, cat)

    joined = timezone.now() - dt.timedelta(
        days=rng.randint(1, 400), minutes=rng.randint(0, 1439)
    )
    user = User(
        email=demo_email(index),
        password=password_hash,
        first_name=first,
        last_name=last,
        date_joined=joined,
    )
    frequency = rng.choices(list(Profile.Frequency), weights=[20, 45, 30, 5])[0]
    profile = Profile(
        display_name=f"{first} {last}"
        if role == Role.STUDENT
        else f"Dr. {first} {last}",
        role=role,
        specialty=spec,
        career_stage=stage,
        institution=_institution(rng, role, city, spec),
        city=city.city,
        region=city.region,
        country=city.country,
        time_zone=city.time_zone,
        bio=_bio(rng, role, stage, spec, city, personas[0], goals),
        intro_frequency=frequency,
        paused_until=(
            timezone.localdate() + dt.timedelta(days=rng.randint(7, 60))
            if frequency == Profile.Frequency.PAUSED
            else None
        ),
        max_open_intros=rng.choices([1, 2, 3, 4], weights=[25, 45, 20, 10])[0],
        prefer_other_specialties=rng.random() < 0.3,
        meeting_minutes=rng.choice(list(Profile.MeetingLength)),
        onboarded_at=joined + dt.timedelta(minutes=rng.randint(3, 40)),
        created_at=joined,
    )
    return Member(user, profile, interests, goals, _windows(rng))
