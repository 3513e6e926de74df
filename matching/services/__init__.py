"""Matching rounds: every write the engine makes, phase by phase.

A round goes pending → scoring → pairing → writing → done (or failed):

1. `round_prepare` pauses absent members, freezes the eligible population into a
   snapshot and cuts it into blocks (phase *load*; `prepare.py`, the pausing in
   `auto_pause.py`).
2. `round_score_block`, once per block, possibly on several machines, writes each
   member's top-k candidates (phase *score*; the COPY counts as *write*;
   `blocks.py`).
3. `round_finish` reads every block's candidates, chooses the pairs with the core's
   greedy b-matching (phase *pair*; the pure choice is `choose.py`), and proposes
   them as introductions with their explanations (phase *write*; `finish.py`).

Each step is idempotent, so a crashed round is resumed by running the steps it has
not finished (`round_run_sync` in `run.py`, or the `resume_round` task), and a
re-run never proposes a pair twice: pairs introduced before are excluded and the
database refuses a second open introduction for a pair. `rounds.py` creates, fails
and reopens the round's record; `weights.py` says which weights it scores with.

Callers import this package (`from matching import services`); the names below
are its whole public interface.
"""

from .auto_pause import (
    AlreadyResumed,
    auto_pause_email_enqueue,
    auto_pause_resume,
    members_auto_pause,
)
from .blocks import round_candidates, round_score_block, round_shortlists
from .choose import chosen_pair_scores, left_out_reasons, members_with_candidate
from .finish import round_finish
from .prepare import population_load, round_prepare, round_snapshot
from .rounds import (
    RoundNotReady,
    round_blocks_pending,
    round_create,
    round_fail,
    round_reopen,
)
from .run import round_run_sync
from .weights import ACTIVE_VERSION, matching_weights

__all__ = [
    "ACTIVE_VERSION",
    "AlreadyResumed",
    "RoundNotReady",
    "auto_pause_email_enqueue",
    "auto_pause_resume",
    "chosen_pair_scores",
    "left_out_reasons",
    "matching_weights",
    "members_auto_pause",
    "members_with_candidate",
    "population_load",
    "round_blocks_pending",
    "round_candidates",
    "round_create",
    "round_fail",
    "round_finish",
    "round_prepare",
    "round_reopen",
    "round_run_sync",
    "round_score_block",
    "round_shortlists",
    "round_snapshot",
]
