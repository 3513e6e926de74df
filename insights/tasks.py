"""Celery task of insights: roll the summary tables up, on a beat schedule."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def rollup() -> None:
    """Idempotent: a duplicate or retried run recomputes the same rows."""
    result = services.insights_rollup()
    logger.info(
        "Insights rollup (%s): %d rounds, %d weeks, %s members recomputed; "
        "seconds per step: %s",
        "full" if result.full else "incremental",
        result.rounds,
        result.weeks,
        "all" if result.members < 0 else result.members,
        result.seconds,
    )
