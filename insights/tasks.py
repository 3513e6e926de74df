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
        "Insights rollup: %d rounds, %d weeks, %d members recomputed",
        result.rounds,
        result.weeks,
        result.members,
    )
