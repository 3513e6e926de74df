"""`manage.py seed_demo --members N`: realistic demo members for development.

Member i is always generated from the same random stream (seed and index), so
re-running with the same N adds nobody and a larger N adds only the difference.
Demo members are recognised by their email domain.
"""

import datetime as dt
import random
from collections.abc import Sequence
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from faker import Faker

from profiles.models import (
    CallWindow,
    GoalKind,
    Interest,
    MemberGoal,
    MemberInterest,
    Profile,
    Specialty,
    User,
)
from profiles.services import profiles_refresh_search_vectors
from profiles.taxonomy import UNDECIDED_SLUG

DEMO_DOMAIN = "demo.grapevyne.org"
DEMO_PASSWORD = "grapevyne-demo"  # noqa: S105 - published on purpose for the demo
DEMO_LOGIN = "demo@grapevyne.org"

Role = Profile.Role
Stage = Profile.CareerStage


class City(NamedTuple):
    city: str
    region: str
    country: str
    time_zone: str
    locales: tuple[str, ...]
    weight: int


# US-heavy, as the early membership is, but spread over every inhabited offset band.
US_NAMES = ("en_US", "en_US", "en_US", "en_US", "en_IN", "es_MX", "en_NG")
CITIES: list[City] = [
    City("New York", "New York", "US", "America/New_York", US_NAMES, 8),
    City("Boston", "Massachusetts", "US", "America/New_York", US_NAMES, 6),
    City("Philadelphia", "Pennsylvania", "US", "America/New_York", US_NAMES, 4),
    City("Baltimore", "Maryland", "US", "America/New_York", US_NAMES, 3),
    City("Durham", "North Carolina", "US", "America/New_York", US_NAMES, 3),
    City("Atlanta", "Georgia", "US", "America/New_York", US_NAMES, 3),
    City("Miami", "Florida", "US", "America/New_York", US_NAMES, 3),
    City("Cleveland", "Ohio", "US", "America/New_York", US_NAMES, 2),
    City("Ann Arbor", "Michigan", "US", "America/Detroit", US_NAMES, 2),
    City("Chicago", "Illinois", "US", "America/Chicago", US_NAMES, 5),
    City("Houston", "Texas", "US", "America/Chicago", US_NAMES, 4),
    City("Nashville", "Tennessee", "US", "America/Chicago", US_NAMES, 2),
    City("Rochester", "Minnesota", "US", "America/Chicago", US_NAMES, 2),
    City("Denver", "Colorado", "US", "America/Denver", US_NAMES, 3),
    City("Salt Lake City", "Utah", "US", "America/Denver", US_NAMES, 2),
    City("Phoenix", "Arizona", "US", "America/Phoenix", US_NAMES, 2),
    City("Seattle", "Washington", "US", "America/Los_Angeles", US_NAMES, 4),
    City("San Francisco", "California", "US", "America/Los_Angeles", US_NAMES, 5),
    City("Los Angeles", "California", "US", "America/Los_Angeles", US_NAMES, 4),
    City("Anchorage", "Alaska", "US", "America/Anchorage", US_NAMES, 1),
    City("Honolulu", "Hawaii", "US", "Pacific/Honolulu", US_NAMES, 1),
    City("Toronto", "Ontario", "CA", "America/Toronto", ("en_CA",), 3),
    City("Vancouver", "British Columbia", "CA", "America/Vancouver", ("en_CA",), 1),
    City("Mexico City", "Mexico City", "MX", "America/Mexico_City", ("es_MX",), 1),
    City("São Paulo", "São Paulo", "BR", "America/Sao_Paulo", ("pt_BR",), 1),
    City("London", "England", "GB", "Europe/London", ("en_GB",), 3),
    City("Dublin", "Leinster", "IE", "Europe/Dublin", ("en_IE",), 1),
    City("Berlin", "Berlin", "DE", "Europe/Berlin", ("de_DE",), 1),
    City("Stockholm", "Stockholm", "SE", "Europe/Stockholm", ("sv_SE",), 1),
    City("Lagos", "Lagos", "NG", "Africa/Lagos", ("en_NG",), 1),
    City("Nairobi", "Nairobi", "KE", "Africa/Nairobi", ("en_KE",), 1),
    City("Cape Town", "Western Cape", "ZA", "Africa/Johannesburg", ("zu_ZA",), 1),
    City("Dubai", "Dubai", "AE", "Asia/Dubai", ("en_IN", "en_GB"), 1),
    City("Mumbai", "Maharashtra", "IN", "Asia/Kolkata", ("en_IN",), 2),
    City("Singapore", "Singapore", "SG", "Asia/Singapore", ("en_US", "en_IN"), 1),
    City("Manila", "Metro Manila", "PH", "Asia/Manila", ("en_PH",), 1),
    City("Tokyo", "Tokyo", "JP", "Asia/Tokyo", ("ja_JP",), 1),
    City("Sydney", "New South Wales", "AU", "Australia/Sydney", ("en_AU",), 2),
    City("Auckland", "Auckland", "NZ", "Pacific/Auckland", ("en_NZ",), 1),
]


class Persona(NamedTuple):
    """A theme a member's interests, goals and bio cluster around."""

    categories: tuple[str, ...]
    specialties: tuple[str, ...]
    seeks: tuple[str, ...]
    offers: tuple[str, ...]
    blurbs: tuple[str, ...]


PERSONAS: dict[str, Persona] = {
    "informatics": Persona(
        ("ai-and-digital-health", "emr-and-workflow"),
        (
            "hospital-medicine",
            "clinical-informatics",
            "internal-medicine",
            "emergency-medicine",
            "family-medicine",
            "radiology",
            "pediatrics",
        ),
        ("research-collaborator", "startup-co-founder", "co-author"),
        ("mentorship", "career-advice", "investor-or-advisor"),
        (
            "I spend my non-clinical time making the EHR less painful for colleagues.",
            "I want clinical AI that is validated, fair and actually saves time.",
            "Curious where ambient scribes and language models help, and where they "
            "hurt.",
        ),
    ),
    "educator": Persona(
        ("medical-education", "careers"),
        (
            "internal-medicine",
            "pediatrics",
            "family-medicine",
            "emergency-medicine",
            "surgery",
            "obstetrics-and-gynecology",
            "psychiatry",
        ),
        ("teaching-and-curriculum", "co-author", "accountability-partner"),
        (
            "mentorship",
            "residency-application-advice",
            "teaching-and-curriculum",
            "career-advice",
        ),
        (
            "Teaching on the wards is the best part of my week.",
            "I care about feedback that actually helps learners grow.",
            "Medical education is where I want to make a difference.",
        ),
    ),
    "researcher": Persona(
        ("research", "clinical-interests"),
        (
            "hematology-and-oncology",
            "cardiology",
            "infectious-disease",
            "neurology",
            "pathology",
            "medical-genetics-and-genomics",
            "pulmonary-and-critical-care-medicine",
            "nephrology",
        ),
        ("research-collaborator", "co-author", "mentorship"),
        ("research-collaborator", "mentorship", "speaking-invitation"),
        (
            "I split my time between clinic and a research program.",
            "Always looking for good questions and people to answer them with.",
            "I like studies that change what we do on Monday morning.",
        ),
    ),
    "founder": Persona(
        ("entrepreneurship-and-devices", "ai-and-digital-health"),
        (
            "orthopaedic-surgery",
            "cardiology",
            "anesthesiology",
            "emergency-medicine",
            "dermatology",
            "interventional-radiology",
            "ophthalmology",
        ),
        ("startup-co-founder", "investor-or-advisor", "job-opportunities"),
        ("investor-or-advisor", "career-advice", "mentorship"),
        (
            "I have a notebook full of device ideas from the OR and clinic.",
            "Building a health tech company alongside clinical work.",
            "Interested in how good ideas from the bedside become real products.",
        ),
    ),
    "writer": Persona(
        ("medical-journalism-and-writing", "humanities-and-the-arts"),
        (
            "internal-medicine",
            "psychiatry",
            "emergency-medicine",
            "hospice-and-palliative-medicine",
            "family-medicine",
            "pediatrics",
        ),
        ("co-author", "writing-and-speaking", "speaking-invitation"),
        ("writing-and-speaking", "co-author", "mentorship"),
        (
            "I write essays about the moments medicine leaves out of the chart.",
            "Working on getting more physicians' voices into the public conversation.",
            "Stories are how I make sense of this work.",
        ),
    ),
    "advocate": Persona(
        ("health-policy-and-advocacy", "global-and-public-health"),
        (
            "family-medicine",
            "pediatrics",
            "emergency-medicine",
            "preventive-medicine",
            "internal-medicine",
            "obstetrics-and-gynecology",
            "psychiatry",
        ),
        ("advocacy-coalition", "co-author", "speaking-invitation"),
        ("advocacy-coalition", "mentorship"),
        (
            "I testify at the statehouse whenever patients need a physician's voice.",
            "Policy shapes my patients' health more than anything I prescribe.",
            "Trying to turn frustration with the system into change.",
        ),
    ),
    "global": Persona(
        ("global-and-public-health", "research"),
        (
            "infectious-disease",
            "pediatrics",
            "emergency-medicine",
            "family-medicine",
            "obstetrics-and-gynecology",
            "preventive-medicine",
        ),
        ("research-collaborator", "advocacy-coalition", "job-opportunities"),
        ("mentorship", "shadowing-and-observership"),
        (
            "I have worked with partner hospitals abroad for years.",
            "Interested in care that works in low-resource settings.",
            "Public health is the lens I bring to every patient.",
        ),
    ),
    "wellbeing": Persona(
        ("wellness-and-burnout", "life-in-medicine"),
        (),
        ("peer-support", "accountability-partner"),
        ("peer-support",),
        (
            "Looking for colleagues who want to talk honestly about this work.",
            "I care about a sustainable career, for me and for my colleagues.",
            "Peer support got me through a hard year; I want to pay it forward.",
        ),
    ),
    "family": Persona(
        ("life-in-medicine", "careers"),
        (),
        ("peer-support", "career-advice"),
        ("peer-support", "career-advice"),
        (
            "Juggling call schedules, school pickups and everything in between.",
            "Trying to build a career and a family at the same time.",
            "Happy to compare notes on life outside the hospital.",
        ),
    ),
    "leader": Persona(
        ("leadership-and-administration", "health-policy-and-advocacy"),
        (
            "internal-medicine",
            "hospital-medicine",
            "surgery",
            "anesthesiology",
            "emergency-medicine",
            "pediatrics",
        ),
        ("leadership-coaching", "job-opportunities"),
        ("leadership-coaching", "mentorship", "career-advice"),
        (
            "I moved into a leadership role and am still learning every day.",
            "Interested in how we build teams and systems that make care safer.",
            "Quality and safety work is my other job.",
        ),
    ),
    "career-changer": Persona(
        ("careers", "entrepreneurship-and-devices"),
        (),
        ("career-advice", "job-opportunities", "mentorship"),
        ("career-advice",),
        (
            "Exploring what a career in medicine can look like beyond the clinic.",
            "Thinking hard about the next chapter of my career.",
            "I believe there are many good ways to be a doctor.",
        ),
    ),
    "clinician": Persona(
        ("clinical-interests", "careers"),
        (),
        ("clinical-curbside", "peer-support"),
        ("clinical-curbside", "shadowing-and-observership"),
        (
            "Patient care is still what gets me out of bed.",
            "I love the puzzle of a hard diagnosis.",
            "Always keen to learn how other specialties handle the same problems.",
        ),
    ),
    "practice-owner": Persona(
        ("careers", "emr-and-workflow", "entrepreneurship-and-devices"),
        (
            "family-medicine",
            "dermatology",
            "internal-medicine",
            "pediatrics",
            "ophthalmology",
            "urology",
        ),
        ("practice-management", "peer-support"),
        ("practice-management", "career-advice"),
        (
            "I run a small independent practice and learn something new every week.",
            "Interested in keeping independent practice viable.",
        ),
    ),
}
STUDENT_PERSONAS = (
    "educator",
    "researcher",
    "global",
    "clinician",
    "advocate",
    "writer",
    "informatics",
    "wellbeing",
)
STUDENT_SEEKS = (
    "mentorship",
    "residency-application-advice",
    "career-advice",
    "shadowing-and-observership",
    "research-collaborator",
)
STUDENT_OFFERS = ("peer-support", "accountability-partner")

ROLES = [
    (Role.ATTENDING, 45),
    (Role.RESIDENT, 17),
    (Role.FELLOW, 8),
    (Role.STUDENT, 22),
    (Role.RETIRED, 8),
]
STAGES = {
    Role.STUDENT: (Stage.PRECLINICAL, Stage.CLINICAL),
    Role.RESIDENT: (Stage.TRAINING,),
    Role.FELLOW: (Stage.TRAINING,),
    Role.ATTENDING: (Stage.EARLY, Stage.MID, Stage.LATE),
    Role.RETIRED: (Stage.RETIRED,),
}
# How many goals each stage seeks and offers, as (low, high) inclusive.
GOAL_COUNTS = {
    Stage.PRECLINICAL: ((2, 3), (0, 1)),
    Stage.CLINICAL: ((2, 3), (0, 1)),
    Stage.TRAINING: ((1, 3), (0, 2)),
    Stage.EARLY: ((1, 3), (1, 2)),
    Stage.MID: ((1, 2), (1, 3)),
    Stage.LATE: ((1, 2), (2, 3)),
    Stage.RETIRED: ((1, 1), (2, 3)),
}
STUDENT_FIELDS = (
    "internal-medicine",
    "pediatrics",
    "family-medicine",
    "emergency-medicine",
    "surgery",
    "obstetrics-and-gynecology",
    "psychiatry",
    "neurology",
    "anesthesiology",
    "radiology",
    "orthopaedic-surgery",
    "dermatology",
)
# Tags that would read oddly on a student's, or a retired physician's, profile.
NOT_FOR_STAGE = {
    Stage.PRECLINICAL: {
        "retirement-planning",
        "physician-side-gigs",
        "expert-witness-work",
        "locum-tenens",
        "department-chair",
        "chief-medical-officer",
        "private-practice-ownership",
        "returning-to-practice",
        "part-time-practice",
        "medical-staff-governance",
        "residency-program-leadership",
        "medical-editing",
        "coping-with-litigation",
        "angel-investing",
        "venture-capital",
    },
    Stage.RETIRED: {
        "residency-applications",
        "away-rotations",
        "board-exam-preparation",
        "choosing-a-specialty",
        "pregnancy-in-training",
        "relocating-for-training",
        "fellowship-decisions",
        "student-loan-repayment",
    },
}
NOT_FOR_STAGE[Stage.CLINICAL] = NOT_FOR_STAGE[Stage.PRECLINICAL]
NOT_FOR_STAGE[Stage.MID] = NOT_FOR_STAGE[Stage.LATE] = NOT_FOR_STAGE[Stage.RETIRED]
NOT_FOR_STAGE[Stage.EARLY] = {
    "residency-applications",
    "away-rotations",
    "choosing-a-specialty",
}
# Which categories a goal may be "about": nobody seeks a startup co-founder in
# sleep and shift work.
GOAL_TOPICS = {
    "research-collaborator": (
        "research",
        "clinical-interests",
        "ai-and-digital-health",
        "global-and-public-health",
    ),
    "co-author": (
        "research",
        "medical-journalism-and-writing",
        "health-policy-and-advocacy",
        "ai-and-digital-health",
        "medical-education",
        "humanities-and-the-arts",
    ),
    "startup-co-founder": (
        "entrepreneurship-and-devices",
        "ai-and-digital-health",
        "emr-and-workflow",
    ),
    "investor-or-advisor": ("entrepreneurship-and-devices", "ai-and-digital-health"),
    "advocacy-coalition": ("health-policy-and-advocacy", "global-and-public-health"),
    "teaching-and-curriculum": ("medical-education", "clinical-interests"),
    "writing-and-speaking": ("medical-journalism-and-writing",),
    "speaking-invitation": (
        "medical-journalism-and-writing",
        "research",
        "ai-and-digital-health",
        "health-policy-and-advocacy",
    ),
    "peer-support": ("life-in-medicine", "wellness-and-burnout", "careers"),
    "accountability-partner": ("wellness-and-burnout", "careers", "research"),
    "residency-application-advice": ("medical-education", "clinical-interests"),
    "shadowing-and-observership": ("clinical-interests", "global-and-public-health"),
    "clinical-curbside": ("clinical-interests",),
    "leadership-coaching": ("leadership-and-administration",),
    "job-opportunities": ("careers", "entrepreneurship-and-devices"),
    "practice-management": ("emr-and-workflow", "entrepreneurship-and-devices"),
    "mentorship": (),  # any of the member's themed interests
    "career-advice": (),
}
CALL_STARTS = [
    dt.time(7),
    dt.time(7, 30),
    dt.time(12),
    dt.time(12, 30),
    dt.time(16),
    dt.time(17),
    dt.time(18),
    dt.time(19),
    dt.time(20),
]


class Catalogue(NamedTuple):
    """The active taxonomy, loaded once so generating a member costs no query."""

    specialties: dict[str, Specialty]
    by_id: dict[int, Specialty]
    children: dict[int, list[Specialty]]
    public_by_category: dict[str, list[Interest]]
    public: list[Interest]
    sensitive: list[Interest]
    goals: dict[str, GoalKind]


def _catalogue() -> Catalogue:
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


DEMO_LOGIN_INTERESTS = (
    "clinical-informatics",
    "ambient-ai-scribes",
    "large-language-models",
    "teaching-medical-students",
    "quality-improvement",
    "point-of-care-ultrasound",
    "medical-podcasting",
    "parenting-in-medicine",
    "physician-wellbeing",
)


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
                cat = _catalogue()
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
