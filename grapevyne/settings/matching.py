"""The matching engine's knobs (matching/). Its beat entries are in celery.py."""

from .environment import env

# Weights of matching.scoring.Weights; the README works an example through them.
MATCHING_WEIGHT_INTEREST = env.float("MATCHING_WEIGHT_INTEREST", default=1.0)
# Per goal kind complemented on the same topic (half when either side names no
# topic, a quarter for topics of the same category, nothing for other topics).
MATCHING_WEIGHT_GOAL = env.float("MATCHING_WEIGHT_GOAL", default=0.30)
MATCHING_GOAL_MAX_KINDS = env.int("MATCHING_GOAL_MAX_KINDS", default=3)
MATCHING_WEIGHT_CROSS_SPECIALTY = env.float(
    "MATCHING_WEIGHT_CROSS_SPECIALTY", default=0.03
)
MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED = env.float(
    "MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED", default=0.10
)
MATCHING_MIN_SCORE = env.float("MATCHING_MIN_SCORE", default=0.05)
# The floor: a pair needs a goal complemented on topic (or about nothing in
# particular) or a shared tag held by fewer than max(MIN_MEMBERS, SHARE * members)
# of the round's members.
MATCHING_COMMON_TAG_SHARE = env.float("MATCHING_COMMON_TAG_SHARE", default=0.05)
MATCHING_COMMON_TAG_MIN_MEMBERS = env.int("MATCHING_COMMON_TAG_MIN_MEMBERS", default=10)
# matching_fit_weights: decided intros the training rounds need at least, and how
# many of the latest rounds are held out to judge the fit on.
MATCHING_FIT_MIN_SAMPLES = env.int("MATCHING_FIT_MIN_SAMPLES", default=500)
MATCHING_FIT_HOLDOUT_ROUNDS = env.int("MATCHING_FIT_HOLDOUT_ROUNDS", default=1)
# Candidates kept per member, members per block task, and pairing limits.
MATCHING_K = env.int("MATCHING_K", default=20)
# Shortlists that do not crowd: a member stays in at most this many times the mean
# number of shortlists per member (the mean list length), those where they rank
# highest; every list's best entry and the lists of members left out last round are
# kept whole. The kernel is asked for a quarter more candidates so that trimmed lists
# refill. 0 turns the cap off.
MATCHING_SHORTLIST_CAP = env.float("MATCHING_SHORTLIST_CAP", default=2.0)
MATCHING_BLOCK_SIZE = env.int("MATCHING_BLOCK_SIZE", default=25_000)
MATCHING_INTROS_PER_ROUND = env.int("MATCHING_INTROS_PER_ROUND", default=1)
MATCHING_EXPOSURE_CAP = env.int("MATCHING_EXPOSURE_CAP", default=2)
# Augmenting paths after the greedy may lower the round's total score by at most
# this share to serve members it left out (0: never lower it).
MATCHING_AUGMENT_MAX_LOSS = env.float("MATCHING_AUGMENT_MAX_LOSS", default=0.0)
# A pair introduced before is never proposed again within this many days; unset
# or empty (the default) means never again. Declines and blocks exclude a pair
# for good.
MATCHING_REINTRO_DAYS: int | None = env.int("MATCHING_REINTRO_DAYS", default=None)
# Offers a member let expire in a row before they are paused automatically.
MATCHING_AUTO_PAUSE_AFTER = env.int("MATCHING_AUTO_PAUSE_AFTER", default=3)
# A member is due when their last intro is this much less than their frequency old,
# so that a weekly round a few minutes early still serves weekly members.
MATCHING_DUE_GRACE_HOURS = env.int("MATCHING_DUE_GRACE_HOURS", default=12)
# Time limits of the long round steps (load, then pair and write), in seconds;
# score_block runs under CELERY_TASK_TIME_LIMIT like every other task.
MATCHING_ROUND_TIME_LIMIT = env.int("MATCHING_ROUND_TIME_LIMIT", default=1800)
MATCHING_ROUND_SOFT_TIME_LIMIT = env.int(
    "MATCHING_ROUND_SOFT_TIME_LIMIT", default=MATCHING_ROUND_TIME_LIMIT - 60
)
# The watchdog (every MATCHING_WATCHDOG_SECONDS) dispatches again the missing steps
# of a round that made no progress for MATCHING_STALL_SECONDS while scoring (plus
# MATCHING_ROUND_TIME_LIMIT while pending, pairing or writing). Keep it above
# CELERY_TASK_TIME_LIMIT: a block still running would be scored twice (harmless,
# blocks are idempotent, but wasted).
MATCHING_STALL_SECONDS = env.int("MATCHING_STALL_SECONDS", default=600)
MATCHING_WATCHDOG_SECONDS = env.int("MATCHING_WATCHDOG_SECONDS", default=60)
# When the round runs: five crontab fields, minute hour day-of-month month
# day-of-week (default Tuesdays 14:00 UTC, once a week).
MATCHING_ROUND_CRONTAB = env.str("MATCHING_ROUND_CRONTAB", default="0 14 * * tue")
