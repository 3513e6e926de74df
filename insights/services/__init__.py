"""The rollup: recompute the summary tables of the insights page.

Every summary row belongs to one key (a round, a week, a member) and is always
recomputed whole from the source tables for that key. An incremental run finds
the keys touched since the last run (intros and follow-up answers changed,
rounds started or finished) and recomputes only those; a full run recomputes
every key. So the two write the same rows, and a repeated run changes nothing.
The whole-population figures (sign-up cohorts, fairness, who waits longest) are
recomputed on each run from the member tables, never from the intro table.

At scale (a million intros) every step is set-based SQL over temporary tables.
The touched intros and members are found along the updated_at indexes. The
intros of the rounds and weeks to recompute are read once (along the round
pairs' and created_at indexes; a full run reads the intro table in one pass)
into insights_facts, one row per intro with its outcome and the keys it is
counted by; the round and week funnels are grouped from it, and every breakdown
in a single pass over grouping sets. Members are recounted in one pass over the
intro table when many changed, along its member indexes when few did.
bench/load.py --only insights times each step at 100,000 members.
"""

from .facts import COMPONENT_BUCKETS
from .rollup import RollupResult, insights_rollup

__all__ = ["COMPONENT_BUCKETS", "RollupResult", "insights_rollup"]
