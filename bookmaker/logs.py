"""How log records are shown: as the build's own warnings, in every process.

WeasyPrint (and bookmaker's writers) report through `logging`. The command
line shows those records as it shows every other warning, `warning: …`,
with long data: URLs cut short, and the workers of a build show theirs the
same way (their initializer calls `log_to_stderr` with `worker_log_level()`).
"""

from __future__ import annotations

import logging
import re
import sys

__all__ = ["shorten", "LogFormatter", "log_to_stderr", "worker_log_level"]

# A data: URL's payload past its first characters (an image is often 100 kB of base64)
_BLOB = re.compile(r"(data:[\w.+/-]*(?:;[\w.+=-]+)*,)([\w+/=%-]{12})[\w+/=%-]{40,}")


def shorten(text: str) -> str:
    """`text` with each long data: URL cut to its start and its length:
    `data:image/png;base64,iVBORw0KGgo…(12,345 characters)`."""
    def cut(match: re.Match[str]) -> str:
        payload = len(match.group(0)) - len(match.group(1))
        return f"{match.group(1)}{match.group(2)}…({payload:,} characters)"
    return _BLOB.sub(cut, text)


class LogFormatter(logging.Formatter):
    """Log records (bookmaker's, WeasyPrint's, …) in the form of the build's
    own warnings, `warning: …`: an error a library logs does not stop the
    build, so it is a warning too. A library's records name it."""

    def format(self, record: logging.LogRecord) -> str:
        top = record.name.split(".", 1)[0]
        source = "" if top in ("bookmaker", "root") else f"{top}: "
        level = "warning" if record.levelno >= logging.WARNING else record.levelname.lower()
        text = f"{level}: {source}{shorten(record.getMessage())}"
        if record.exc_info and (_LEVEL[0] or logging.WARNING) < logging.WARNING:  # with -v
            text += "\n" + self.formatException(record.exc_info)
        return text


_LEVEL: list[int | None] = [None]  # the level this process's log display shows, if it has one


def log_to_stderr(level: int) -> None:
    """Show log records from `level` on, on stderr, as `LogFormatter` writes them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogFormatter())
    handler.setLevel(level)  # a library may lower its own logger's level
    logging.basicConfig(level=level, handlers=[handler], force=True)
    _LEVEL[0] = level


def worker_log_level() -> int | None:
    """For a worker process (`log_to_stderr` in its initializer): the level of
    this process's display, None when it has none (a library's caller)."""
    return _LEVEL[0]
