"""Grapevyne settings, read from environment variables, one module per concern.

Every value has a default that works on a developer machine (PostgreSQL and Redis on
127.0.0.1); production sets DEBUG=0 and must then provide SECRET_KEY. A malformed
value stops the process with the variable's name (see environment.py).

One module per concern; a module that needs another's value (DEBUG, REDIS_URL, ...)
imports it from there, so the order below is only the reading order:

- base: debug, the site's name and address, apps, middleware, templates, static files
- databases: PostgreSQL, Redis and the cache
- auth: users, passwords, django-allauth and MFA
- security: HTTPS, cookies, content security policy
- email: the backend behind the outbox, the sender, bounces
- profiles, matching, introductions, insights: each app's own knobs
- celery: the broker, task time limits, and every app's beat schedule
- observability: logs, /healthz and Sentry
"""

from .auth import *
from .base import *
from .celery import *
from .databases import *
from .email import *
from .insights import *
from .introductions import *
from .matching import *
from .observability import *
from .profiles import *
from .security import *
