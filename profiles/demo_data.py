"""The demo members' data, for `manage.py seed_demo`: the demo accounts' domain and
password, the cities members live in, the personas they are drawn from, what each
kind of member seeks and offers, the topics of their goals and their call times."""

import datetime as dt
from typing import NamedTuple

from profiles.models import Profile

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
