"""The library's errors. Every error names the file, and the line or key."""

from __future__ import annotations

__all__ = [
    "BookmakerError", "UsageError", "SpecError", "TemplateError", "SourceError", "LicenceError",
    "WriterError",
    "EXIT_OK", "EXIT_INTERNAL", "EXIT_USAGE", "EXIT_SPEC", "EXIT_SOURCE",
    "EXIT_LICENCE", "EXIT_OUTPUT",
]

EXIT_OK = 0
EXIT_INTERNAL = 1   # a bug in bookmaker or a dependency
EXIT_USAGE = 2      # the command line (or its environment) itself is wrong
EXIT_SPEC = 3       # a book spec, or its templates or theme, is missing or invalid
EXIT_SOURCE = 4     # an article is missing, unreadable or malformed
EXIT_LICENCE = 5    # licences are unknown or cannot be combined
EXIT_OUTPUT = 6     # an output could not be written, or no writer has that name


class BookmakerError(Exception):
    """Base of every error bookmaker raises on purpose."""

    category = "error"
    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, path: object = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where += f":{self.line}"
        if self.key:
            where += f" [{self.key}]" if where else f"[{self.key}]"
        return f"{where}: {self.message}" if where else self.message


class UsageError(BookmakerError):
    """The command itself is wrong: its line, or its environment (SOURCE_DATE_EPOCH)."""

    category = "usage"
    exit_code = EXIT_USAGE


class SpecError(BookmakerError):
    category = "spec"
    exit_code = EXIT_SPEC


class TemplateError(BookmakerError):
    """A book's own template, or its theme's, is wrong: an undefined name, a syntax
    error, a template the theme lacks. `path` and `line` name the template. The
    exit code is a spec's: templates and themes are what a spec chooses."""

    category = "template"
    exit_code = EXIT_SPEC


class SourceError(BookmakerError):
    category = "source"
    exit_code = EXIT_SOURCE


class LicenceError(BookmakerError):
    category = "licence"
    exit_code = EXIT_LICENCE


class WriterError(BookmakerError):
    category = "output"
    exit_code = EXIT_OUTPUT
