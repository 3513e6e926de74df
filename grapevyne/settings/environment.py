"""The environment reader of every settings module: django-environ, made strict."""

import environ
from django.core.exceptions import ImproperlyConfigured

# django-environ reads any other word as False; a typo must not turn DEBUG off
# (or a security setting) without a word.
_BOOLEANS = {"1", "true", "yes", "on", "0", "false", "no", "off", ""}
_KINDS = {int: "an integer", float: "a number"}


class Env(environ.Env):
    """django-environ's Env, strict where a guess would hide a misconfiguration.

    - A malformed boolean or number stops the process and names the variable.
    - A value starting with "$" is taken as it is: django-environ would read the
      rest as the name of another variable, and a generated SECRET_KEY or password
      may well start with "$".
    - List items are stripped and empty ones dropped ("a, b," is ["a", "b"]).
    """

    def get_value(
        self, var, cast=None, default=environ.Env.NOTSET, parse_default=False
    ):
        raw = self.ENVIRON.get(var)
        if raw is None:
            return super().get_value(var, cast, default, parse_default)
        if cast is bool and raw.strip().lower() not in _BOOLEANS:
            raise ImproperlyConfigured(
                f"{var} must be a boolean (1/0, true/false), not {raw!r}"
            )
        try:
            if raw.startswith("$"):
                return self.parse_value(raw, cast)
            return super().get_value(var, cast, default, parse_default)
        except ValueError:
            kind = _KINDS.get(cast, "valid")
            raise ImproperlyConfigured(f"{var} must be {kind}, not {raw!r}") from None

    def list(self, var, cast=None, default=environ.Env.NOTSET):
        items = super().list(var, cast, default)
        return [item.strip() for item in items if item.strip()]


env = Env()
