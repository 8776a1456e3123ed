"""The one Jinja2 environment: loaders (the book's own templates, then the theme's),
filters, and Jinja2's errors mapped to `TemplateError`.

A mistake in a template is the book's, not bookmaker's: an undefined name, a
syntax error or a template the theme lacks is reported as a `TemplateError`
naming the template file and line (exit 3), never as an internal error.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..dates import book_date
from ..errors import TemplateError
from ..model import Person
from ..people import credits_of
from ..theme import Theme

__all__ = ["make_environment", "names", "tie_end", "BookEnvironment", "BookTemplate"]


def names(people: Iterable[Person]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [p.name for p in people]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# How many renders this thread is inside: a template loaded by an include is
# mapped by the render around it, which knows the including template's line.
_depth = threading.local()


class BookTemplate(jinja2.Template):
    """A template whose errors come out as `TemplateError`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        _depth.n = getattr(_depth, "n", 0) + 1
        try:
            return super().render(*args, **kwargs)
        except jinja2.TemplateError as exc:
            raise _mapped(exc, self.environment, self.filename or self.name) from None
        finally:
            _depth.n -= 1


class BookEnvironment(Environment):
    """An environment whose templates are `BookTemplate`s, and whose failures to
    load a template are `TemplateError`s."""

    template_class = BookTemplate
    template_folders: list[str] = []  # where templates are looked for, to name in errors

    def get_template(self, name: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().get_template(name, *args, **kwargs)
        except jinja2.TemplateError as exc:
            if getattr(_depth, "n", 0):  # inside a render: it maps, with the line
                raise
            raise _mapped(exc, self, None) from None


def tie_end(title: str) -> Markup:
    """A title whose last two words are kept on one line (`.tie`, no wrap), so
    that a title broken over lines never leaves its last word alone ("…the
    United / States"); a short title, or a long last pair, is left as it is.
    (A span, not a no-break space: the text stays the title's, for outlines.)"""
    words = title.split(" ")
    if len(words) < 4 or len(words[-2]) + len(words[-1]) > 18:
        return escape(title)
    return Markup('{}<span class="tie">{}</span>').format(" ".join(words[:-2]) + " ",
                                                        " ".join(words[-2:]))


def make_environment(theme: Theme, extra: Sequence[Path] = ()) -> Environment:
    """The one Jinja2 environment: the book's own templates first, then the theme's,
    then the default theme's."""
    loaders = [FileSystemLoader(str(p)) for p in extra]
    # the theme's, then the default theme's: a theme may lack any template
    loaders.extend(FileSystemLoader(str(p)) for p in theme.template_folders)
    env = BookEnvironment(loader=ChoiceLoader(loaders), autoescape=True,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True)
    env.filters["names"] = names
    env.filters["credits"] = credits_of  # an attribution's credits, read into people
    env.filters["date"] = book_date  # {{ article.date|date(lang) }}: as the language writes it
    env.filters["tie_end"] = tie_end  # a title's last line never one short word
    env.template_folders = [str(p) for p in [*extra, *theme.template_folders]]
    return env


def _mapped(exc: jinja2.TemplateError, env: Environment, rendering: str | None) -> TemplateError:
    """Jinja2's error as ours, with the template file and line it happened in."""
    folders = getattr(env, "template_folders", [])
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = exc.filename or exc.name
        return TemplateError(f"template syntax error: {exc.message}", path=path, line=exc.lineno)
    path, line = _innermost_template(exc, rendering)
    if isinstance(exc, jinja2.TemplateNotFound):
        wanted = ", ".join(str(n) for n in getattr(exc, "templates", ())) or str(exc.name)
        where = " or ".join(str(f) for f in folders) or "the template folders"
        return TemplateError(f"template {wanted} not found in {where}",
                             path=path or (folders[-1] if folders else None), line=line)
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"undefined name in a template: {exc.message}", path=path, line=line)
    return TemplateError(f"template error: {exc.message or exc}", path=path, line=line)


def _innermost_template(exc: BaseException, rendering: str | None) -> tuple[str | None, int | None]:
    """The template file and line deepest in `exc`'s traceback. Jinja2 rewrites the
    frames of template code into frames that name the template file and line (and
    hold the exception as `__jinja_exception__`)."""
    found: tuple[str | None, int | None] = (rendering, None)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            found = (frame.f_code.co_filename, line)
    return found
