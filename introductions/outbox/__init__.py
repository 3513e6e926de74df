"""The one outbox: every email Grapevyne sends, from every app, goes through here.

`outbox_enqueue` (`enqueue.py`) writes the email as a row in the caller's
transaction, once per event (the row's `event_key`), and a Celery task sends it
after commit with `outbox_send` (`sending.py`), the only code that hands messages
to a mail backend (a test walks the source to keep it so). What the provider
reports later (delivered, bounced, complained, rejected) arrives through anymail's
tracking webhook and `delivery_record` (`delivery.py`); a hard bounce or a
complaint suppresses the address (`suppression.py`).

Matching's auto-pause email and moderation warnings call `outbox_enqueue`;
introductions' own emails go through `outbox_enqueue_intro_email`; allauth's through
`outbox_enqueue_account_email`, registered with `profiles.outbox` at start-up
(profiles may not import introductions).
"""

from .delivery import (
    SOFT_BOUNCE_BACKOFF,
    delivery_record,
)
from .enqueue import (
    BUDGET_WINDOW,
    BUDGETED_KINDS,
    SEND_TASK,
    email_budget_spent,
    emails_budgeted_recently,
    intro_event_key,
    outbox_dispatch,
    outbox_enqueue,
    outbox_enqueue_account_email,
    outbox_enqueue_intro_email,
)
from .sending import (
    OUTBOX_MAX_ATTEMPTS,
    RETRIES_OVER_AFTER,
    SEND_ERRORS,
    STUCK_AFTER,
    OutboxSendError,
    outbox_ids_pending,
    outbox_ids_stuck,
    outbox_send,
)
from .suppression import (
    address_is_suppressed,
    may_reach_suppressed,
    register_undeliverable_handler,
    suppress,
)

__all__ = [
    "BUDGETED_KINDS",
    "BUDGET_WINDOW",
    "OUTBOX_MAX_ATTEMPTS",
    "RETRIES_OVER_AFTER",
    "SEND_ERRORS",
    "SEND_TASK",
    "SOFT_BOUNCE_BACKOFF",
    "STUCK_AFTER",
    "OutboxSendError",
    "address_is_suppressed",
    "delivery_record",
    "email_budget_spent",
    "emails_budgeted_recently",
    "intro_event_key",
    "may_reach_suppressed",
    "outbox_dispatch",
    "outbox_enqueue",
    "outbox_enqueue_account_email",
    "outbox_enqueue_intro_email",
    "outbox_ids_pending",
    "outbox_ids_stuck",
    "outbox_send",
    "register_undeliverable_handler",
    "suppress",
]
