"""The page's tables: each one is shown as a chart, as an HTML table and as CSV.

Built from what the selectors read (no query of their own), so the page, its
charts and its CSV downloads show the same figures.
"""

from collections import defaultdict

from .figures import rate
from .models import Funnel
from .selectors import RolledUpData
from .tabular import Chart, Column, Table, display

STAGE_LABELS = {
    "cross": "student or resident ↔ attending",
    "trainees": "both students or residents",
    "attendings": "both attending or retired",
}
MISSION = [
    ("specialty", "Across specialties"),
    ("country", "Across countries"),
    ("time_zone", "Across time zones"),
    ("stage", "Across career stages (student or resident ↔ attending)"),
]
COMPONENTS = [
    ("shared_interest", "Shared interest"),
    ("goal", "Complementary goal"),
    ("cross_specialty", "Cross-specialty"),
]


_FUNNEL_COLUMNS = [
    Column("eligible"),
    Column("proposed"),
    Column("offered"),
    Column("both accepted"),
    Column("met"),
    Column("mean rating (1–5)", "num"),
    Column("declined"),
    Column("expired"),
    Column("of which nobody answered"),
    Column("both accepted, of offered", "pct"),
    Column("median time to answer", "hours"),
]


def _funnel_row(label: str, f: Funnel) -> tuple:
    return (
        label,
        f.eligible,
        f.proposed,
        f.offered,
        f.connected,
        f.met,
        f.rating_sum / f.ratings if f.ratings else None,
        f.declined,
        f.expired,
        f.no_answer,
        rate(f.connected, f.offered),
        f.median_answer_hours,
    )


def _by_measure(data: RolledUpData) -> dict[str, dict]:
    result: dict[str, dict] = defaultdict(dict)
    for b in data.breakdowns:
        result[b.measure][b.key] = b
    return result


def at_a_glance(data: RolledUpData) -> list[tuple[str, str]]:
    """The few figures to read first, each also in a table further down (the
    live one is health_at_a_glance's)."""
    figures = []
    if data.rounds:
        last = data.rounds[-1]
        figures += [
            (
                f"both accepted, of offered, in round #{last.round_id}",
                display(rate(last.connected, last.offered), "pct"),
            ),
            (
                f"met, of both accepted, in round #{last.round_id}",
                display(rate(last.met, last.connected), "pct"),
            ),
        ]
    specialty = _by_measure(data).get("specialty", {})
    known = sum(b.connected for k, b in specialty.items() if k != "unknown")
    cross = specialty["cross"].connected if "cross" in specialty else 0
    figures.append(
        ("connections across specialties", display(rate(cross, known), "pct"))
    )
    if data.rollup is not None:
        figures.append(("Gini of exposure", display(data.rollup.gini, "num")))
    return figures


# The page's sections in order: "waiting" and "health" are read live, the
# others are built_tables'.
SECTIONS = [
    "rounds",
    "weeks",
    "onboarding",
    "mission",
    "roles",
    "left_out",
    "fairness",
    "waiting",
    "calibration",
    "components",
    "health",
]


def build_tables(data: RolledUpData) -> dict[str, Table]:
    """The tables of the summary tables' figures."""
    tables = [
        Table(
            "rounds",
            "Funnel per round",
            "The last rounds, oldest first: who could be introduced, what was "
            "proposed and offered, how many pairs both accepted and met.",
            [Column("round", "text"), *_FUNNEL_COLUMNS],
            [
                (f"#{f.round_id} {f.round.created_at:%d %b}", *_funnel_row("", f)[1:])
                for f in data.rounds
            ],
            Chart("bar", (2, 3, 4, 5)),
        ),
        Table(
            "weeks",
            "Funnel per week",
            "Introductions by the week they were proposed (Monday, UTC), "
            "member-requested ones included.",
            [Column("week", "text"), *_FUNNEL_COLUMNS],
            [_funnel_row(f"{w.week:%d %b %Y}", w) for w in data.weeks],
            Chart("bar", (2, 3, 4, 5)),
        ),
        _onboarding(data),
        _mission(data),
        _roles(data),
        _left_out(data),
        _fairness(data),
        _calibration(data),
        _components(data),
    ]
    return {t.name: t for t in tables}


def _onboarding(data: RolledUpData) -> Table:
    steps = [
        ("signed up", "signed_up"),
        ("verified their email", "verified"),
        ("chose 3 or more interests", "interests"),
        ("set a goal", "goals"),
        ("were offered a first intro", "offered"),
        ("made a first connection", "connected"),
    ]
    totals = [sum(getattr(c, attr) for c in data.cohorts) for _, attr in steps]
    rows = []
    for n, (label, _) in enumerate(steps):
        before = totals[n - 1] if n else totals[0]
        rows.append(
            (
                label,
                totals[n],
                rate(totals[n], totals[0]),
                before - totals[n] if n else None,
            )
        )
    return Table(
        "onboarding",
        "Onboarding funnel",
        "All members by how far they got; each step counts those who also "
        "passed every step before it. “Stopped here” is who did not go on from "
        "the step above.",
        [
            Column("step", "text"),
            Column("members"),
            Column("share of sign-ups", "pct"),
            Column("stopped here"),
        ],
        rows,
        Chart("hbar", (1,)),
    )


def _mission(data: RolledUpData) -> Table:
    measures = _by_measure(data)
    rows = []
    for measure, label in MISSION:
        keys = measures.get(measure, {})
        cross = keys.get("cross")
        known = sum(b.connected for k, b in keys.items() if k != "unknown")
        known_proposed = sum(b.proposed for k, b in keys.items() if k != "unknown")
        rows.append(
            (
                label,
                cross.connected if cross else 0,
                known,
                rate(cross.connected if cross else 0, known),
                rate(cross.proposed if cross else 0, known_proposed),
            )
        )
    return Table(
        "mission",
        "The mission: connections across silos",
        "Connections (both accepted) in the last rounds whose two members differ, "
        "among those where both are known; beside it, the same share among all "
        "proposed intros. Time zones differ when their UTC offsets differ in "
        "mid-January.",
        [
            Column("measure", "text"),
            Column("connections across"),
            Column("connections (both known)"),
            Column("share of connections", "pct"),
            Column("share of proposed", "pct"),
        ],
        rows,
        Chart("hbar", (3, 4), percent=True),
    )


def _roles(data: RolledUpData) -> Table:
    keys = _by_measure(data).get("roles", {})
    total = sum(b.connected for b in keys.values())
    rows = [
        (key, b.proposed, b.connected, rate(b.connected, total))
        for key, b in sorted(keys.items(), key=lambda kv: -kv[1].connected)
    ]
    return Table(
        "roles",
        "Role mix of connections",
        "Which roles meet which, in the last rounds.",
        [
            Column("roles", "text"),
            Column("proposed"),
            Column("connections"),
            Column("share of connections", "pct"),
        ],
        rows,
        Chart("hbar", (2,)),
    )


def _left_out(data: RolledUpData) -> Table:
    return Table(
        "left_out",
        "Members left out per round",
        "Eligible members a round could not pair, by reason; they come first in "
        "the next round.",
        [
            Column("round", "text"),
            Column("odd one out"),
            Column("no good match"),
            Column("capacity"),
        ],
        [
            (
                f"#{f.round_id} {f.round.created_at:%d %b}",
                f.left_odd_one_out,
                f.left_no_candidate,
                f.left_capacity,
            )
            for f in data.rounds
        ],
        Chart("bar", (1, 2, 3)),
    )


def _fairness(data: RolledUpData) -> Table:
    r = data.rollup
    rows = []
    if r is not None:
        rows = [
            ("members (onboarded, or introduced)", r.members, "int"),
            ("intros, counted once per member in them", r.member_intros, "int"),
            (
                f"share of those going to the top 1 % ({r.top_members:,} members)",
                r.top_share,
                "pct",
            ),
            (
                "Gini coefficient (0 = everyone equally, 1 = one member has all)",
                r.gini,
                "num",
            ),
        ]
    return Table(
        "fairness",
        "Fairness of exposure",
        "How evenly intros are spread over members, all time.",
        [Column("figure", "text"), Column("value", "text")],
        [(label, display(value, kind)) for label, value, kind in rows],
    )


def _calibration(data: RolledUpData) -> Table:
    deciles = _by_measure(data).get("decile", {})
    rows = []
    for decile in range(1, 11):
        b = deciles.get(str(decile))
        if b is None:
            continue
        rows.append(
            (
                f"{decile}",
                b.offered,
                b.connected,
                rate(b.connected, b.offered),
                b.met,
                rate(b.met, b.connected),
            )
        )
    return Table(
        "calibration",
        "Calibration: outcomes by score decile",
        "Each round's intros split into ten groups by score (1 = lowest tenth); "
        "if the score predicts what happens, the rates rise with the decile.",
        [
            Column("score decile", "text"),
            Column("offered"),
            Column("both accepted"),
            Column("both accepted, of offered", "pct"),
            Column("met"),
            Column("met, of both accepted", "pct"),
        ],
        rows,
        Chart("line", (3, 5), percent=True),
    )


def _components(data: RolledUpData) -> Table:
    measures = _by_measure(data)
    rows = []
    for measure, label in COMPONENTS:
        for key in ("yes", "no"):
            b = measures.get(measure, {}).get(key)
            if b is None:
                continue
            rows.append(
                (
                    f"{label}: {key}",
                    b.offered,
                    rate(b.connected, b.offered),
                    rate(b.met, b.connected),
                )
            )
    return Table(
        "components",
        "Calibration: outcomes by score component",
        "Intros with and without each part of the explanation they were proposed with.",
        [
            Column("component", "text"),
            Column("offered"),
            Column("both accepted, of offered", "pct"),
            Column("met, of both accepted", "pct"),
        ],
        rows,
        Chart("hbar", (2, 3), percent=True),
    )
