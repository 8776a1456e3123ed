"""bookmaker: turn collections of articles into EPUB and print-ready PDF books.

The public API is what `__all__` names; everything else is private.

    import bookmaker
    article = bookmaker.read_article("content/sample/offensive.txt")
    book = bookmaker.assemble([article], bookmaker.Metadata(title="One Article"))
    bookmaker.write_book(book, "dist/one.epub", "epub")
    bookmaker.build(".")            # every book spec in content/, make-style
    bookmaker.make_book(["a.txt", "b.htm"], title="Two", formats=["epub"])  # no spec
    bookmaker.watch(".")            # build, then again after every change (Ctrl-C stops)

Names are imported on first use, so that `import bookmaker` (and the command
line) only loads what the work at hand needs.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module

# Not `from typing import ...`: typing costs 15 ms, and the `bookmaker` command
# imports only this and its client when a build server runs its commands.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from .version import __version__

# public name -> the module that defines it
_WHERE = {
    "assemble": "assembly",
    **dict.fromkeys(["Outcome", "Reporter", "Step", "Target"], "make.targets"),
    "build": "make.run",
    "clean": "make.clean",
    "load_book": "make.load",
    "make_book": "make.one_off",
    "plan": "make.plan",
    **dict.fromkeys(["BookmakerError", "LicenceError", "SourceError", "SpecError",
                     "WriterError"], "errors"),
    "article_to_dict": "inspect",
    "recognise_licence": "licences",
    **dict.fromkeys(["Article", "Attribution", "Book", "Chapter", "Licence", "Metadata", "Note",
                     "Part", "Person"], "model"),
    "read_article": "readers",
    **dict.fromkeys(["BookSpec", "load_spec"], "make.spec"),
    **dict.fromkeys(["WriteOptions", "Writer", "get_writer", "write_book", "writers"], "writers"),
    "watch": "make.watch",
}

__all__ = [
    "__version__",
    "read_article", "article_to_dict", "recognise_licence",
    "assemble", "load_spec", "load_book", "build", "plan", "clean", "make_book", "watch",
    "Target", "Outcome", "Step", "Reporter",
    "write_book", "get_writer", "writers", "Writer", "WriteOptions",
    "Article", "Attribution", "Book", "BookSpec", "Chapter", "Licence", "Metadata", "Note",
    "Part", "Person",
    "BookmakerError", "SpecError", "SourceError", "LicenceError", "WriterError",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'bookmaker' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """`bookmaker.writers` is a function (the writers' names) and also the writers'
    subpackage: importing `bookmaker.writers.*` must not replace the function
    (the subpackage stays in sys.modules). Every other public name has a module
    of another name, so needs no such care."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "writers" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # for type checkers and editors: the names, eagerly
    from .assembly import assemble
    from .make.load import load_book
    from .make.plan import plan
    from .make.clean import clean
    from .make.one_off import make_book
    from .make.run import build
    from .make.targets import Outcome, Reporter, Step, Target
    from .errors import BookmakerError, LicenceError, SourceError, SpecError, WriterError
    from .inspect import article_to_dict
    from .licences import recognise_licence
    from .model import (Article, Attribution, Book, Chapter, Licence, Metadata, Note, Part,
                        Person)
    from .readers import read_article
    from .make.spec import BookSpec, load_spec
    from .make.watch import watch
    from .writers import WriteOptions, Writer, get_writer, write_book, writers
