"""The insights page (insights/). Its beat entry is in celery.py."""

from .environment import env

# How often the insights page's summary tables are brought up to date (minutes).
INSIGHTS_ROLLUP_MINUTES = env.int("INSIGHTS_ROLLUP_MINUTES", default=15)
