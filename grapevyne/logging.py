"""One JSON object per log line, for log shippers (stdlib only)."""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else came from `extra=` and is kept.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))
) | {"message", "asctime", "taskName"}
# Django attaches the HttpRequest to its request logs: not serialisable, and it
# carries cookies and headers that must not reach the logs.
_DROPPED_EXTRAS = frozenset({"request"})


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            exc_type = record.exc_info[0]
            entry["exc_type"] = exc_type.__name__ if exc_type else None
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in _DROPPED_EXTRAS:
                entry.setdefault(key, value)
        # default=str: an odd extra value must never lose the whole log line.
        return json.dumps(entry, default=str, ensure_ascii=False)
