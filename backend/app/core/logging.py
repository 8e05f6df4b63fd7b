"""Structured JSON logs on every process, with job context carried in contextvars."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
from typing import Any

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "log_context", default=None
)
_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}
# A URL or path followed by a query string: the query is cut from every log line, since it
# may carry a credential (a WebSocket ticket, a signed link, a client's misplaced token).
# uvicorn logs each WebSocket handshake, path and query, on its error logger at INFO.
_QUERY = re.compile(r"((?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|(?<![\w/.])/)[^\s?#\"']*)\?[^\s#\"']*")


def without_query(text: str) -> str:
    """`text` with the query string of every URL and path in it removed."""
    return _QUERY.sub(r"\1", text) if "?" in text else text


def bind(**fields: Any) -> contextvars.Token[dict[str, Any] | None]:
    """Add fields (job_id, user_id, task, queue) to every log line of this context."""
    current = _context.get() or {}
    return _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})


def unbind(token: contextvars.Token[dict[str, Any] | None]) -> None:
    _context.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event, context and extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": without_query(record.getMessage()),
            **(_context.get() or {}),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = without_query(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Route the root logger (and uvicorn's, celery's) through the JSON formatter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel("WARNING")
