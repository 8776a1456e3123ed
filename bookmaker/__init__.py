"""bookmaker: turn collections of articles into EPUB and print-ready PDF books.

The public API is what `__all__` names; everything else is private.

    import bookmaker
    article = bookmaker.read_article("content/sample/offensive.txt")
    book = bookmaker.assemble([article], bookmaker.Metadata(title="One Article"))
    bookmaker.write_book(book, "dist/one.epub", "epub")
    bookmaker.build(".")            # every book spec in content/, make-style
    bookmaker.make_book(["a.txt", "b.htm"], title="Two", formats=["epub"])  # no spec
"""

from __future__ import annotations

__version__ = "0.1.0"

from .assemble import assemble
from .build import Outcome, Reporter, Step, Target, build, clean, load_book, make_book, plan
from .errors import BookmakerError, LicenceError, SourceError, SpecError, WriterError
from .inspect import article_to_dict  # noqa: E402
from .licences import recognise_licence
from .model import (Article, Attribution, Book, Chapter, Licence, Metadata, Note, Part,
                    Person)
from .readers import read_article
from .spec import BookSpec, load_spec
from .writers import WriteOptions, Writer, get_writer, write_book, writers

__all__ = [
    "__version__",
    "read_article", "article_to_dict", "recognise_licence",
    "assemble", "load_spec", "load_book", "build", "plan", "clean", "make_book",
    "Target", "Outcome", "Step", "Reporter",
    "write_book", "get_writer", "writers", "Writer", "WriteOptions",
    "Article", "Attribution", "Book", "BookSpec", "Chapter", "Licence", "Metadata", "Note",
    "Part", "Person",
    "BookmakerError", "SpecError", "SourceError", "LicenceError", "WriterError",
]
