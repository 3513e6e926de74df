"""The curated vocabulary Grapevyne ships with, as plain data: specialties, interest
categories and tags (with their aliases), goal kinds and resources. Written to the
database by profiles.taxonomy.load_taxonomy."""

from typing import NamedTuple

from django.utils.text import slugify


class Spec(NamedTuple):
    name: str
    parent: str | None = None  # the parent's slug


class Category(NamedTuple):
    slug: str
    name: str
    description: str
    is_wellbeing: bool = False


class Tag(NamedTuple):
    name: str
    description: str
    sensitive: bool = False

    @property
    def slug(self) -> str:
        return slugify(self.name)


class Goal(NamedTuple):
    slug: str
    name: str
    description: str


class Link(NamedTuple):
    title: str
    url: str
    description: str
    phone: str = ""


UNDECIDED_SLUG = "undecided"

# The 24 ABMS member boards; "Psychiatry and Neurology" is one board but two fields a
# member identifies with, so it appears as two specialties.
BOARD_SPECIALTIES: list[Spec] = [
    Spec("Allergy and Immunology"),
    Spec("Anesthesiology"),
    Spec("Colon and Rectal Surgery"),
    Spec("Dermatology"),
    Spec("Emergency Medicine"),
    Spec("Family Medicine"),
    Spec("Internal Medicine"),
    Spec("Medical Genetics and Genomics"),
    Spec("Neurological Surgery"),
    Spec("Nuclear Medicine"),
    Spec("Obstetrics and Gynecology"),
    Spec("Ophthalmology"),
    Spec("Orthopaedic Surgery"),
    Spec("Otolaryngology \N{EN DASH} Head and Neck Surgery"),
    Spec("Pathology"),
    Spec("Pediatrics"),
    Spec("Physical Medicine and Rehabilitation"),
    Spec("Plastic Surgery"),
    Spec("Preventive Medicine"),
    Spec("Psychiatry"),
    Spec("Neurology"),
    Spec("Radiology"),
    Spec("Surgery"),
    Spec("Thoracic Surgery"),
    Spec("Urology"),
]

SUBSPECIALTIES: list[Spec] = [
    Spec("Cardiology", "internal-medicine"),
    Spec("Interventional Cardiology", "internal-medicine"),
    Spec("Cardiac Electrophysiology", "internal-medicine"),
    Spec("Gastroenterology", "internal-medicine"),
    Spec("Transplant Hepatology", "internal-medicine"),
    Spec("Nephrology", "internal-medicine"),
    Spec("Pulmonary and Critical Care Medicine", "internal-medicine"),
    Spec("Hematology and Oncology", "internal-medicine"),
    Spec("Infectious Disease", "internal-medicine"),
    Spec("Endocrinology, Diabetes and Metabolism", "internal-medicine"),
    Spec("Rheumatology", "internal-medicine"),
    Spec("Geriatric Medicine", "internal-medicine"),
    Spec("Hospital Medicine", "internal-medicine"),
    Spec("Hospice and Palliative Medicine", "internal-medicine"),
    Spec("Sleep Medicine", "internal-medicine"),
    Spec("Sports Medicine", "family-medicine"),
    Spec("Adolescent Medicine", "pediatrics"),
    Spec("Neonatal-Perinatal Medicine", "pediatrics"),
    Spec("Pediatric Cardiology", "pediatrics"),
    Spec("Pediatric Hematology-Oncology", "pediatrics"),
    Spec("Pediatric Critical Care Medicine", "pediatrics"),
    Spec("Pediatric Emergency Medicine", "pediatrics"),
    Spec("Pediatric Hospital Medicine", "pediatrics"),
    Spec("Developmental-Behavioral Pediatrics", "pediatrics"),
    Spec("Child and Adolescent Psychiatry", "psychiatry"),
    Spec("Addiction Psychiatry", "psychiatry"),
    Spec("Consultation-Liaison Psychiatry", "psychiatry"),
    Spec("Geriatric Psychiatry", "psychiatry"),
    Spec("Forensic Psychiatry", "psychiatry"),
    Spec("Vascular Neurology", "neurology"),
    Spec("Epilepsy", "neurology"),
    Spec("Neurocritical Care", "neurology"),
    Spec("Pain Medicine", "anesthesiology"),
    Spec("Anesthesiology Critical Care Medicine", "anesthesiology"),
    Spec("Pediatric Anesthesiology", "anesthesiology"),
    Spec("Medical Toxicology", "emergency-medicine"),
    Spec("Emergency Medical Services", "emergency-medicine"),
    Spec("Interventional Radiology", "radiology"),
    Spec("Neuroradiology", "radiology"),
    Spec("Radiation Oncology", "radiology"),
    Spec("Vascular Surgery", "surgery"),
    Spec("Trauma and Surgical Critical Care", "surgery"),
    Spec("Pediatric Surgery", "surgery"),
    Spec("Complex General Surgical Oncology", "surgery"),
    Spec("Hand Surgery", "orthopaedic-surgery"),
    Spec("Orthopaedic Sports Medicine", "orthopaedic-surgery"),
    Spec("Congenital Cardiac Surgery", "thoracic-surgery"),
    Spec("Maternal-Fetal Medicine", "obstetrics-and-gynecology"),
    Spec("Reproductive Endocrinology and Infertility", "obstetrics-and-gynecology"),
    Spec("Gynecologic Oncology", "obstetrics-and-gynecology"),
    Spec(
        "Urogynecology and Reconstructive Pelvic Surgery", "obstetrics-and-gynecology"
    ),
    Spec("Dermatopathology", "dermatology"),
    Spec("Micrographic Dermatologic Surgery", "dermatology"),
    Spec("Forensic Pathology", "pathology"),
    Spec("Hematopathology", "pathology"),
    Spec("Brain Injury Medicine", "physical-medicine-and-rehabilitation"),
    Spec("Spinal Cord Injury Medicine", "physical-medicine-and-rehabilitation"),
    Spec("Addiction Medicine", "preventive-medicine"),
    Spec("Clinical Informatics", "preventive-medicine"),
    Spec("Occupational Medicine", "preventive-medicine"),
    Spec("Aerospace Medicine", "preventive-medicine"),
    Spec("Neurotology", "otolaryngology-head-and-neck-surgery"),
    Spec("Pediatric Urology", "urology"),
]

# Students pick this until they know; it has no parent and no board.
UNDECIDED = Spec("Undecided")

SPECIALTIES: list[Spec] = [*BOARD_SPECIALTIES, *SUBSPECIALTIES, UNDECIDED]


CATEGORIES: list[Category] = [
    Category(
        "clinical-interests",
        "Clinical interests",
        "Patient care you love or want to grow in, across specialty lines.",
    ),
    Category(
        "research",
        "Research",
        "Asking questions and answering them: from bench and trials to quality and "
        "outcomes work.",
    ),
    Category(
        "medical-education",
        "Medical education",
        "Teaching, learning and the road through school, the match and training.",
    ),
    Category(
        "leadership-and-administration",
        "Leadership and administration",
        "Running teams, departments and health systems, and making care safer.",
    ),
    Category(
        "health-policy-and-advocacy",
        "Health policy and advocacy",
        "Laws, payment and public voice: changing the system patients meet.",
    ),
    Category(
        "ai-and-digital-health",
        "AI and digital health",
        "Machine learning, data and software that reach patients and clinicians.",
    ),
    Category(
        "emr-and-workflow",
        "EMR and workflow",
        "The electronic record, documentation and the daily mechanics of practice.",
    ),
    Category(
        "entrepreneurship-and-devices",
        "Entrepreneurship and devices",
        "Building companies, products and devices, from first idea to FDA and sales.",
    ),
    Category(
        "medical-journalism-and-writing",
        "Medical journalism and writing",
        "Telling medicine's stories: reporting, essays, books, podcasts and social "
        "media.",
    ),
    Category(
        "wellness-and-burnout",
        "Wellness and burnout",
        "Looking after the people who look after patients. Choosing a tag here is "
        "private to you and shows you peer-support resources.",
        is_wellbeing=True,
    ),
    Category(
        "global-and-public-health",
        "Global and public health",
        "Health beyond one clinic: populations, communities and care across borders.",
    ),
    Category(
        "life-in-medicine",
        "Life in medicine",
        "Family, relationships and the life a career in medicine sits inside.",
    ),
    Category(
        "careers",
        "Careers",
        "The shape of a working life in medicine, clinical and beyond.",
    ),
    Category(
        "identity-and-belonging",
        "Identity and belonging",
        "Who we are in medicine and finding the people who share the path.",
    ),
    Category(
        "humanities-and-the-arts",
        "Humanities and the arts",
        "Narrative, history, ethics and creative work alongside medicine.",
    ),
]


TAGS: dict[str, list[Tag]] = {
    "clinical-interests": [
        Tag(
            "Point-of-care ultrasound",
            "Bedside ultrasound for diagnosis and procedures.",
        ),
        Tag(
            "Palliative care",
            "Serious-illness care, symptoms and goals-of-care conversations.",
        ),
        Tag("Geriatrics", "Caring for older adults, frailty and polypharmacy."),
        Tag("Rural medicine", "Practising where the nearest specialist is hours away."),
        Tag("Critical care", "The ICU, shock, ventilators and the sickest patients."),
        Tag("Women's health", "Conditions and care across a woman's life course."),
        Tag(
            "LGBTQ+ health",
            "Affirming care for lesbian, gay, bisexual, trans and queer patients.",
        ),
        Tag(
            "Addiction medicine",
            "Treating substance use disorders, including "
            "medications for opioid use disorder.",
        ),
        Tag(
            "Obesity medicine",
            "Evidence-based treatment of obesity, including new medications.",
        ),
        Tag(
            "Lifestyle medicine", "Nutrition, sleep, activity and habits as treatment."
        ),
        Tag(
            "Sports and exercise medicine",
            "Athletes, injuries and exercise as medicine.",
        ),
        Tag("Cardio-oncology", "Heart health in people treated for cancer."),
        Tag("Sleep medicine", "Insomnia, sleep apnea and the science of sleep."),
        Tag("Pain management", "Acute and chronic pain, with and without opioids."),
        Tag("Telemedicine practice", "Delivering good care by video and phone."),
        Tag("Perioperative medicine", "Getting patients safely through surgery."),
        Tag("Transplant medicine", "Organ transplant candidates and recipients."),
        Tag("Reproductive health", "Contraception, abortion care and family planning."),
        Tag("Child development", "Growth, development and behaviour in childhood."),
    ],
    "research": [
        Tag("Clinical trials", "Designing, running or enrolling in clinical trials."),
        Tag(
            "Health services research", "How care is organised, paid for and delivered."
        ),
        Tag(
            "Quality improvement",
            "PDSA cycles, run charts and making care measurably better.",
        ),
        Tag("Epidemiology", "Patterns and causes of disease in populations."),
        Tag("Basic science", "Bench research into mechanisms of disease."),
        Tag(
            "Translational research",
            "Carrying discoveries from the bench to the bedside.",
        ),
        Tag("Outcomes research", "What happens to patients, and why."),
        Tag("Biostatistics", "Study design, analysis and making sense of data."),
        Tag("Systematic reviews", "Systematic reviews and meta-analyses."),
        Tag("Grant writing", "NIH, foundation and career-development grants."),
        Tag(
            "Physician-scientist careers", "Protected time, K awards and MD-PhD paths."
        ),
        Tag("Implementation science", "Getting proven practices used in real clinics."),
        Tag("Medical education research", "Studying how doctors learn."),
    ],
    "medical-education": [
        Tag(
            "Teaching medical students",
            "Precepting, small groups and bedside teaching.",
        ),
        Tag(
            "Residency program leadership",
            "Program directors, APDs and running a training program.",
        ),
        Tag(
            "Curriculum design", "Building courses, rotations and learning objectives."
        ),
        Tag("Simulation", "Simulation labs, mock codes and procedural training."),
        Tag(
            "Assessment and feedback",
            "Giving feedback that helps and assessment that is fair.",
        ),
        Tag("Board exam preparation", "USMLE, COMLEX and specialty boards."),
        Tag(
            "Residency applications",
            "ERAS, personal statements, interviews and the match.",
        ),
        Tag("Choosing a specialty", "Working out which field fits you."),
        Tag(
            "Coaching in medical education",
            "Academic and professional coaching for learners.",
        ),
        Tag("Continuing medical education", "Lifelong learning after training."),
        Tag("Bedside teaching", "Teaching at the point of care on busy services."),
        Tag("Away rotations", "Sub-internships and visiting student electives."),
    ],
    "leadership-and-administration": [
        Tag("Physician leadership", "Stepping into formal leadership roles."),
        Tag("Department chair", "Leading an academic or clinical department."),
        Tag(
            "Chief medical officer", "Executive roles in hospitals and health systems."
        ),
        Tag(
            "Patient safety", "Error prevention, root-cause analysis and just culture."
        ),
        Tag("Value-based care", "Accountable care, bundles and paying for outcomes."),
        Tag("Team building", "Building and keeping effective clinical teams."),
        Tag("Negotiation", "Contracts, resources and difficult conversations."),
        Tag(
            "Healthcare finance", "Budgets, margins and how hospitals pay their bills."
        ),
        Tag(
            "MBA and management training",
            "Business degrees and management education for physicians.",
        ),
        Tag(
            "Diversity, equity and inclusion", "Building fair, inclusive institutions."
        ),
        Tag("Change management", "Leading people through new ways of working."),
        Tag(
            "Medical staff governance",
            "Credentialing, committees and medical staff bylaws.",
        ),
    ],
    "health-policy-and-advocacy": [
        Tag("Health policy", "How laws and regulation shape care."),
        Tag("Legislative advocacy", "Meeting lawmakers and testifying for patients."),
        Tag("Health equity", "Closing gaps in access and outcomes."),
        Tag(
            "Physician payment reform",
            "Medicare fee schedules, RVUs and payment models.",
        ),
        Tag(
            "Prior authorization reform",
            "Cutting red tape between patients and treatment.",
        ),
        Tag(
            "Scope of practice",
            "Roles of physicians and other clinicians in care teams.",
        ),
        Tag("Firearm injury prevention", "Gun violence as a public health problem."),
        Tag("Reproductive rights", "Policy on contraception, abortion and IVF."),
        Tag("Drug pricing", "What medicines cost and who pays."),
        Tag("Organized medicine", "Medical societies, the AMA and state associations."),
        Tag(
            "Unionizing physicians",
            "Collective bargaining for residents and employed physicians.",
        ),
        Tag(
            "Immigration and health",
            "Visas, immigrant patients and the physician workforce.",
        ),
    ],
    "ai-and-digital-health": [
        Tag(
            "Machine learning in medicine",
            "Predictive models, their validation and their limits.",
        ),
        Tag(
            "Large language models",
            "Generative AI for notes, messages and clinical questions.",
        ),
        Tag("Ambient AI scribes", "AI that listens to visits and drafts the note."),
        Tag(
            "Clinical decision support",
            "Alerts, order sets and recommendations in the workflow.",
        ),
        Tag("Digital therapeutics", "Software as a treatment."),
        Tag("Remote patient monitoring", "Wearables and home devices between visits."),
        Tag(
            "AI ethics and bias",
            "Fairness, transparency and accountability in clinical AI.",
        ),
        Tag("Health data science", "Turning clinical data into knowledge."),
        Tag(
            "Computer vision in imaging",
            "AI for radiology, pathology and dermatology images.",
        ),
        Tag(
            "Cybersecurity in healthcare",
            "Ransomware, privacy and keeping systems running.",
        ),
        Tag("Patient-facing apps", "Portals, chatbots and apps patients actually use."),
        Tag(
            "Interoperability and FHIR", "Getting health data to flow between systems."
        ),
    ],
    "emr-and-workflow": [
        Tag(
            "Epic optimization",
            "Personalisation, SmartPhrases and faster Epic workflows.",
        ),
        Tag(
            "Cerner and Oracle Health",
            "Working in and improving Oracle Health (Cerner).",
        ),
        Tag(
            "Clinical informatics",
            "The physician informaticist role and board certification.",
        ),
        Tag("Inbox management", "Taming patient messages, results and refills."),
        Tag("Documentation burden", "Shorter notes and less pajama time."),
        Tag(
            "Note templates",
            "Templates and dot phrases that save time without copy-paste bloat.",
        ),
        Tag("Order sets", "Evidence-based order sets and their upkeep."),
        Tag("Team-based care", "Sharing work with nurses, MAs and pharmacists."),
        Tag("Coding and billing", "E/M levels, CPT and getting paid for the work."),
        Tag("EHR usability", "Designing record systems clinicians can use."),
        Tag("Physician builder", "Building in the EHR as a physician builder."),
        Tag(
            "Scheduling and clinic flow",
            "Templates, no-shows and running clinic on time.",
        ),
    ],
    "entrepreneurship-and-devices": [
        Tag(
            "Health tech startups", "Founding or joining an early-stage health company."
        ),
        Tag("Medical devices", "Designing and bringing devices to patients."),
        Tag(
            "FDA regulatory pathways",
            "510(k), De Novo, PMA and software as a medical device.",
        ),
        Tag("Venture capital", "Raising money or investing in health companies."),
        Tag("Angel investing", "Writing early checks into health startups."),
        Tag("Physician advisor roles", "Advising companies as a clinical expert."),
        Tag(
            "Patents and intellectual property",
            "Protecting inventions made in practice.",
        ),
        Tag("Direct primary care", "Membership-based primary care practices."),
        Tag("Private practice ownership", "Starting and running your own practice."),
        Tag(
            "Pharmaceutical industry",
            "Medical affairs, drug development and industry roles.",
        ),
        Tag("Product management", "Clinicians as product managers in health tech."),
        Tag("Biodesign", "Needs-finding and invention methods for health technology."),
    ],
    "medical-journalism-and-writing": [
        Tag("Medical journalism", "Reporting on health and medicine for the public."),
        Tag(
            "Narrative medicine",
            "Close reading and reflective writing in clinical practice.",
        ),
        Tag("Op-ed writing", "Opinion pieces that reach policy makers and the public."),
        Tag("Scientific writing", "Manuscripts, abstracts and getting published."),
        Tag("Peer review", "Reviewing for journals, and doing it well."),
        Tag("Medical podcasting", "Making and growing a medical podcast."),
        Tag(
            "Social media for physicians",
            "Public presence, professionalism and fighting misinformation.",
        ),
        Tag("Book writing", "Writing and publishing a book."),
        Tag(
            "Health communication",
            "Explaining medicine clearly to patients and the public.",
        ),
        Tag("Medical editing", "Editorial boards and journal editing."),
        Tag("Science communication on video", "YouTube, TikTok and video explainers."),
        Tag(
            "Poetry and creative writing",
            "Poems, fiction and creative non-fiction by clinicians.",
        ),
    ],
    "wellness-and-burnout": [
        Tag("Physician wellbeing", "Sustaining a healthy life and practice."),
        Tag("Burnout prevention", "Spotting and preventing burnout early."),
        Tag(
            "Recovering from burnout",
            "Finding a way back after burning out.",
            sensitive=True,
        ),
        Tag("Peer support", "Colleagues supporting colleagues after hard days."),
        Tag(
            "Second victim support", "Support after an adverse event or medical error."
        ),
        Tag("Coping with litigation", "Getting through a malpractice suit."),
        Tag("Mindfulness and meditation", "Contemplative practice for clinicians."),
        Tag(
            "Mental health in medicine",
            "Depression, anxiety and seeking care as a physician.",
        ),
        Tag(
            "Physician suicide loss",
            "Grieving a colleague or loved one lost to suicide.",
            sensitive=True,
        ),
        Tag(
            "Substance use recovery",
            "Recovery from substance use, including physician health programs.",
            sensitive=True,
        ),
        Tag("Moral injury", "When the system keeps you from doing what is right."),
        Tag("Physician coaching", "Working with a coach on life and career."),
        Tag("Sleep and shift work", "Night shifts, call and getting enough sleep."),
        Tag(
            "Fitness and endurance sports",
            "Running, cycling and training alongside medicine.",
        ),
        Tag(
            "Grief and loss",
            "Living with bereavement while practising.",
            sensitive=True,
        ),
    ],
    "global-and-public-health": [
        Tag("Global health", "Care, training and partnerships across borders."),
        Tag(
            "Humanitarian medicine",
            "Disaster response, conflict zones and refugee care.",
        ),
        Tag("Public health practice", "Health departments and population programs."),
        Tag(
            "Infectious disease outbreaks",
            "Outbreak response and pandemic preparedness.",
        ),
        Tag("Vaccines and immunization", "Vaccine science, access and confidence."),
        Tag("Climate and health", "Climate change, heat and sustainable healthcare."),
        Tag(
            "Social determinants of health",
            "Housing, food, income and the roots of illness.",
        ),
        Tag(
            "Refugee and asylum health",
            "Care and forensic evaluations for asylum seekers.",
        ),
        Tag("Indigenous health", "Health and sovereignty of Indigenous communities."),
        Tag(
            "Community health centers",
            "Federally qualified and free clinics serving the underserved.",
        ),
        Tag(
            "Maternal and child health",
            "Safe pregnancy, birth and early childhood worldwide.",
        ),
        Tag("Tropical medicine", "Diseases of tropical and low-resource settings."),
    ],
    "life-in-medicine": [
        Tag(
            "Parenting in medicine",
            "Raising children around call, shifts and training.",
        ),
        Tag("Dual-physician families", "When both partners are physicians."),
        Tag(
            "Caregiving for family",
            "Caring for an ill or aging family member while practising.",
        ),
        Tag(
            "Pregnancy in training",
            "Pregnancy, leave and lactation during school and residency.",
        ),
        Tag("Infertility", "Fertility struggles and treatment.", sensitive=True),
        Tag(
            "Pregnancy loss",
            "Miscarriage, stillbirth and the grief that follows.",
            sensitive=True,
        ),
        Tag(
            "Adoption and fostering",
            "Building a family through adoption or foster care.",
        ),
        Tag(
            "Divorce", "Separation and divorce during a medical career.", sensitive=True
        ),
        Tag("Personal finance", "Debt, savings and financial independence."),
        Tag(
            "Student loan repayment",
            "PSLF, income-driven repayment and paying off loans.",
        ),
        Tag("Relocating for training", "Moving cities for school, the match or a job."),
        Tag(
            "Long-distance relationships", "Couples match, commuting and living apart."
        ),
        Tag("Single in medicine", "Dating and building a life solo in medicine."),
    ],
    "careers": [
        Tag(
            "Non-clinical careers",
            "Industry, consulting, policy and other paths beyond the clinic.",
        ),
        Tag("Part-time practice", "Making a reduced clinical schedule work."),
        Tag(
            "Joy in full-time clinical practice",
            "Loving patient care and building a long career in it.",
        ),
        Tag("Academic medicine", "Promotion, tenure and the academic track."),
        Tag("Locum tenens", "Temporary assignments and flexible work."),
        Tag("Career transitions", "Changing specialty, employer or direction."),
        Tag("Returning to practice", "Re-entry after time away from clinical work."),
        Tag("Contract negotiation", "Compensation, non-competes and reading an offer."),
        Tag("Retirement planning", "Winding down practice and what comes next."),
        Tag("Medical consulting", "Consulting for firms, payers and health systems."),
        Tag("Expert witness work", "Medicolegal review and testimony."),
        Tag(
            "Physician side gigs",
            "Extra income from reviews, tutoring and telehealth shifts.",
        ),
        Tag("Military medicine", "Serving as a physician in the armed forces."),
        Tag("Fellowship decisions", "Whether, where and when to do a fellowship."),
    ],
    "identity-and-belonging": [
        Tag(
            "Women in medicine",
            "Leadership, equity and community for women physicians.",
        ),
        Tag(
            "Underrepresented in medicine",
            "Community and advancement for physicians underrepresented in medicine.",
        ),
        Tag(
            "First-generation in medicine",
            "The first in your family to become a doctor.",
            sensitive=True,
        ),
        Tag(
            "IMG experience",
            "Training or practising as an international medical graduate.",
            sensitive=True,
        ),
        Tag(
            "LGBTQ+ in medicine",
            "Being LGBTQ+ as a student or physician.",
            sensitive=True,
        ),
        Tag(
            "Disability in medicine",
            "Practising or training with a disability.",
            sensitive=True,
        ),
        Tag(
            "Chronic illness",
            "Living with a chronic illness as a clinician.",
            sensitive=True,
        ),
        Tag(
            "Neurodivergence in medicine",
            "ADHD, autism, dyslexia and learning differences in medicine.",
            sensitive=True,
        ),
        Tag("Osteopathic medicine", "DO training, OMM and the osteopathic community."),
        Tag(
            "Non-traditional students",
            "Coming to medicine later or from another career.",
        ),
        Tag("Faith and medicine", "Religion, spirituality and clinical practice."),
        Tag("Veterans in medicine", "Physicians and students who have served."),
    ],
    "humanities-and-the-arts": [
        Tag("Medical ethics", "Clinical ethics consultation and hard cases."),
        Tag("History of medicine", "How medicine became what it is."),
        Tag("Music and medicine", "Physician musicians, orchestras and bands."),
        Tag("Visual arts", "Drawing, painting and photography."),
        Tag(
            "Medical humanities",
            "Literature, philosophy and the human side of illness.",
        ),
        Tag("Graphic medicine", "Comics and illustration about illness and care."),
        Tag("Theatre and improv", "Performance and improv for communication."),
        Tag(
            "Philosophy of medicine", "What counts as disease, evidence and good care."
        ),
    ],
}


GOAL_KINDS: list[Goal] = [
    Goal(
        "mentorship",
        "Mentorship",
        "An ongoing relationship with someone further along the path.",
    ),
    Goal(
        "peer-support",
        "Peer support",
        "A colleague who gets it, to talk through hard days.",
    ),
    Goal(
        "career-advice",
        "Career advice",
        "A one-off conversation about a decision or next step.",
    ),
    Goal(
        "research-collaborator",
        "Research collaborator",
        "Someone to design, run or analyse a study with.",
    ),
    Goal(
        "co-author", "Co-author", "Someone to write a paper, chapter or op-ed together."
    ),
    Goal(
        "startup-co-founder", "Startup co-founder", "A partner to build a company with."
    ),
    Goal(
        "investor-or-advisor",
        "Investor or advisor",
        "Funding or clinical and business advice for a venture.",
    ),
    Goal(
        "job-opportunities",
        "Job opportunities",
        "Hearing about open positions, or finding people to fill them.",
    ),
    Goal(
        "writing-and-speaking",
        "Writing and speaking",
        "Feedback and practice to write or present better.",
    ),
    Goal(
        "speaking-invitation",
        "Speaking invitation",
        "Speakers for grand rounds, conferences, podcasts or classes.",
    ),
    Goal(
        "advocacy-coalition",
        "Advocacy coalition",
        "Allies to push for a policy change together.",
    ),
    Goal(
        "teaching-and-curriculum",
        "Teaching and curriculum",
        "Help building a course or teaching skills, or learners to teach.",
    ),
    Goal(
        "clinical-curbside",
        "Clinical second opinion (peer curbside)",
        "An informal, de-identified case discussion with a colleague.",
    ),
    Goal(
        "leadership-coaching",
        "Leadership coaching",
        "Guidance on stepping into or growing in a leadership role.",
    ),
    Goal(
        "accountability-partner",
        "Accountability partner",
        "Regular check-ins to keep each other on track with a goal.",
    ),
    Goal(
        "residency-application-advice",
        "Residency application advice",
        "Help with specialty choice, ERAS, interviews and the match.",
    ),
    Goal(
        "shadowing-and-observership",
        "Shadowing and observership",
        "A chance to see someone's work up close, or to host a learner.",
    ),
    Goal(
        "practice-management",
        "Practice management",
        "Advice on running a practice: staffing, billing and operations.",
    ),
]


RESOURCES: dict[str, list[Link]] = {
    "wellness-and-burnout": [
        Link(
            "Physician Support Line",
            "https://www.physiciansupportline.com",
            "Free, confidential peer support for physicians and medical students, "
            "staffed by volunteer psychiatrists. No appointment needed.",
            phone="1-888-409-0141",
        ),
        Link(
            "988 Suicide & Crisis Lifeline",
            "https://988lifeline.org",
            "If you are in crisis or thinking about suicide, call or text 988 "
            "(in the US) any time. In an emergency, call 911.",
            phone="988",
        ),
        Link(
            "Dr. Lorna Breen Heroes' Foundation",
            "https://drlornabreen.org",
            "Works to reduce burnout and protect the mental health of health care "
            "professionals.",
        ),
        Link(
            "Federation of State Physician Health Programs",
            "https://www.fsphp.org",
            "Finds the confidential physician health program in your state, for "
            "health or substance use concerns.",
        ),
    ],
    "ai-and-digital-health": [
        Link(
            "AMIA",
            "https://amia.org",
            "American Medical Informatics Association: the professional home for "
            "informatics clinicians and researchers.",
        ),
    ],
    "emr-and-workflow": [
        Link(
            "AMIA",
            "https://amia.org",
            "Clinical informatics education, working groups and the annual symposium.",
        ),
        Link(
            "HIMSS",
            "https://www.himss.org",
            "Healthcare Information and Management Systems Society: health IT "
            "community and events.",
        ),
    ],
    "medical-journalism-and-writing": [
        Link(
            "Association of Health Care Journalists",
            "https://healthjournalism.org",
            "Training, fellowships and community for people who report on health.",
        ),
    ],
    "health-policy-and-advocacy": [
        Link(
            "American Medical Association",
            "https://www.ama-assn.org",
            "Advocacy on payment, prior authorization and scope of practice, and "
            "ways to get involved.",
        ),
        Link(
            "Doctors for America",
            "https://doctorsforamerica.org",
            "Physicians and students mobilising for access to affordable, "
            "high-quality care.",
        ),
    ],
    "medical-education": [
        Link(
            "AAMC",
            "https://www.aamc.org",
            "Association of American Medical Colleges: data and resources for "
            "students, residents and educators.",
        ),
        Link(
            "ACGME",
            "https://www.acgme.org",
            "Accreditation Council for Graduate Medical Education: residency and "
            "fellowship requirements.",
        ),
    ],
    "research": [
        Link(
            "NIH RePORTER",
            "https://reporter.nih.gov",
            "Search NIH-funded projects to find collaborators and funded "
            "investigators.",
        ),
        Link(
            "ClinicalTrials.gov",
            "https://clinicaltrials.gov",
            "The registry of clinical studies run around the world.",
        ),
    ],
    "leadership-and-administration": [
        Link(
            "American Association for Physician Leadership",
            "https://www.physicianleaders.org",
            "Leadership education and community for physicians in management.",
        ),
    ],
    "global-and-public-health": [
        Link(
            "Consortium of Universities for Global Health",
            "https://www.cugh.org",
            "Academic global health community, conference and trainee resources.",
        ),
        Link(
            "World Health Organization",
            "https://www.who.int",
            "Global health data, guidelines and emergencies.",
        ),
    ],
    "identity-and-belonging": [
        Link(
            "American Medical Women's Association",
            "https://www.amwa-doc.org",
            "Advancing women in medicine and women's health since 1915.",
        ),
        Link(
            "National Medical Association",
            "https://www.nmanet.org",
            "The largest organisation representing African American physicians.",
        ),
        Link(
            "GLMA: Health Professionals Advancing LGBTQ+ Equality",
            "https://www.glma.org",
            "Community and advocacy for LGBTQ+ health professionals.",
        ),
    ],
}


# What members type for a tag besides its name: abbreviations and synonyms. Seeded
# once into a tag with no aliases; after that the admins curate them.
_AI = ("AI", "artificial intelligence")
_EHR = ("EHR", "EMR", "electronic health record", "electronic medical record")
TAG_ALIASES: dict[str, tuple[str, ...]] = {
    "Point-of-care ultrasound": ("POCUS", "ultrasound"),
    "Palliative care": ("hospice", "end of life"),
    "Geriatrics": ("older adults", "aging", "elder care"),
    "Critical care": ("ICU", "intensive care"),
    "Women's health": ("OB/GYN", "obstetrics", "gynecology"),
    "LGBTQ+ health": ("LGBT", "queer health", "transgender health"),
    "Addiction medicine": ("substance use disorder", "SUD", "opioids"),
    "Obesity medicine": ("weight management", "GLP-1"),
    "Sports and exercise medicine": ("sports medicine",),
    "Telemedicine practice": ("telehealth", "virtual care"),
    "Transplant medicine": ("organ transplant",),
    "Child development": ("pediatrics", "developmental pediatrics"),
    "Clinical trials": ("RCT", "randomized controlled trials"),
    "Health services research": ("HSR",),
    "Quality improvement": ("QI", "PDSA"),
    "Biostatistics": ("statistics", "stats"),
    "Systematic reviews": ("meta-analysis",),
    "Grant writing": ("NIH grants", "R01", "funding"),
    "Physician-scientist careers": ("MD-PhD", "MSTP"),
    "Board exam preparation": ("USMLE", "COMLEX", "Step 1", "boards"),
    "Residency applications": ("ERAS", "the Match", "NRMP"),
    "Continuing medical education": ("CME",),
    "Chief medical officer": ("CMO",),
    "MBA and management training": ("MBA",),
    "Diversity, equity and inclusion": ("DEI",),
    "Physician payment reform": ("Medicare payment", "reimbursement"),
    "Prior authorization reform": ("prior auth", "PA reform"),
    "Firearm injury prevention": ("gun violence",),
    "Machine learning in medicine": ("ML", "deep learning", *_AI),
    "Large language models": ("LLM", "ChatGPT", "generative AI", *_AI),
    "Ambient AI scribes": ("AI scribe", "ambient documentation", *_AI),
    "Clinical decision support": ("CDS",),
    "AI ethics and bias": ("algorithmic bias", *_AI),
    "Health data science": ("data science", "big data"),
    "Computer vision in imaging": ("radiology AI", "deep learning", *_AI),
    "Cybersecurity in healthcare": ("security", "ransomware"),
    "Patient-facing apps": ("mHealth", "mobile health"),
    "Interoperability and FHIR": ("HL7", "health information exchange", "HIE"),
    "Epic optimization": ("Epic", *_EHR),
    "Cerner and Oracle Health": ("Cerner", "Oracle", *_EHR),
    "Clinical informatics": ("informatics", *_EHR),
    "Inbox management": ("in-basket", "in basket", *_EHR),
    "Documentation burden": ("charting", "pajama time", *_EHR),
    "Note templates": ("smartphrases", "dot phrases", *_EHR),
    "Order sets": ("CPOE", *_EHR),
    "Coding and billing": ("ICD-10", "CPT", "RVU"),
    "EHR usability": (*_EHR,),
    "Physician builder": ("Epic physician builder", *_EHR),
    "Health tech startups": ("startup", "digital health startup"),
    "FDA regulatory pathways": ("FDA", "510(k)"),
    "Venture capital": ("VC",),
    "Patents and intellectual property": ("IP", "patents"),
    "Direct primary care": ("DPC", "concierge medicine"),
    "Pharmaceutical industry": ("pharma", "biotech"),
    "Medical journalism": ("health journalism", "science journalism"),
    "Op-ed writing": ("opinion writing",),
    "Medical podcasting": ("podcast",),
    "Social media for physicians": ("social media", "Twitter", "TikTok"),
    "Health communication": ("health literacy",),
    "Science communication on video": ("YouTube", "scicomm"),
    "Physician wellbeing": ("wellness", "well-being"),
    "Recovering from burnout": ("burnout",),
    "Second victim support": ("adverse events", "medical error"),
    "Coping with litigation": ("malpractice", "lawsuit"),
    "Mindfulness and meditation": ("meditation",),
    "Mental health in medicine": ("depression", "anxiety"),
    "Physician suicide loss": ("suicide",),
    "Substance use recovery": ("sobriety",),
    "Sleep and shift work": ("night shifts", "circadian"),
    "Infectious disease outbreaks": ("pandemics", "COVID-19"),
    "Vaccines and immunization": ("vaccination",),
    "Climate and health": ("climate change", "planetary health"),
    "Social determinants of health": ("SDOH",),
    "Community health centers": ("FQHC",),
    "Maternal and child health": ("MCH",),
    "Parenting in medicine": ("parents", "parenthood", "childcare"),
    "Dual-physician families": ("dual-doctor couples",),
    "Infertility": ("IVF", "fertility"),
    "Student loan repayment": ("PSLF", "student debt"),
    "Non-clinical careers": ("alternative careers", "alt-careers"),
    "Locum tenens": ("locums",),
    "Physician side gigs": ("side hustle",),
    "Military medicine": ("armed forces", "army medicine"),
    "IMG experience": ("IMG", "international medical graduate"),
    "Underrepresented in medicine": ("URiM",),
    "LGBTQ+ in medicine": ("LGBT", "queer physicians"),
    "Neurodivergence in medicine": ("ADHD", "autism"),
    "Osteopathic medicine": ("DO", "osteopathy"),
    "Veterans in medicine": ("veterans",),
    "Medical ethics": ("bioethics",),
}
