"""The insights page (insights/). Its beat entry is in celery.py."""

from .environment import env

# How often the insights page's summary tables are brought up to date (minutes).
INSIGHTS_ROLLUP_MINUTES = env.int("INSIGHTS_ROLLUP_MINUTES", default=15)
# PostgreSQL work_mem of the rollup's transaction (a full one sorts and groups a
# million intros at the scale of bench/load.py); other queries keep the server's.
INSIGHTS_ROLLUP_WORK_MEM = env.str("INSIGHTS_ROLLUP_WORK_MEM", default="64MB")
