"""Introductions' deadlines and limits (introductions/). Their beat entries are in
celery.py."""

from .environment import env

# An offer is open this many days; one reminder goes to a member who has not
# answered on the reminder day; "Did you meet?" comes this long after connecting.
INTRO_OFFER_DAYS = env.int("INTRO_OFFER_DAYS", default=7)
INTRO_REMINDER_DAY = env.int("INTRO_REMINDER_DAY", default=3)
INTRO_FOLLOW_UP_DAYS = env.int("INTRO_FOLLOW_UP_DAYS", default=10)
INTRO_REQUESTS_PER_WEEK = env.int("INTRO_REQUESTS_PER_WEEK", default=3)
INTRO_DEFAULT_CALL_MINUTES = env.int("INTRO_DEFAULT_CALL_MINUTES", default=20)
# The most reminders, "Did you meet?" follow-ups and offers a member receives in any
# 7 days before Grapevyne holds back: a reminder over it is skipped, a follow-up
# waits, a requested intro is refused. Offers of matching rounds always go (and
# count); connected, account, auto-pause and moderation emails are never held.
EMAIL_WEEKLY_BUDGET = env.int("EMAIL_WEEKLY_BUDGET", default=3)
# How long the "Did you meet?" and pause links in emails keep working.
INTRO_FEEDBACK_LINK_DAYS = env.int("INTRO_FEEDBACK_LINK_DAYS", default=30)
INTRO_PAUSE_LINK_DAYS = env.int("INTRO_PAUSE_LINK_DAYS", default=365)
