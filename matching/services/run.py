"""A whole round in this process, without a Celery worker."""

from ..models import Round
from .blocks import round_score_block
from .finish import round_finish
from .prepare import round_prepare
from .rounds import round_blocks_pending, round_fail, round_reopen


def round_run_sync(*, round_id: int) -> Round:
    """Run (or resume) a whole round in this process, without a Celery worker."""
    try:
        round_reopen(round_id=round_id)
        round_prepare(round_id=round_id)
        for block in round_blocks_pending(round_id=round_id):
            round_score_block(round_id=round_id, block=block)
        return round_finish(round_id=round_id)
    except Exception as exc:
        round_fail(round_id=round_id, error=repr(exc))
        raise
