"""Book specs: one TOML file per book. Errors name the file, the key, what was
found and what is allowed."""

from __future__ import annotations

import glob
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError
from .licences import KNOWN_LICENCES, licence_by_id
from .model import Licence, Metadata, Person

__all__ = ["BookSpec", "ArticleEntry", "load_spec", "find_specs", "slugify"]

_BOOK_KEYS = {"title", "subtitle", "authors", "editors", "translators", "language",
              "identifier", "publisher", "date", "series", "description", "subjects",
              "licence", "slug"}
_OPTION_KEYS = {"formats", "theme", "templates", "notes", "pdf", "epub", "html"}
_ARTICLE_KEYS = {"path", "title", "subtitle", "author", "authors", "date", "licence",
                 "licence_reason"}
_TOP_KEYS = {"book", "options", "articles", "parts", "front"}
_NOTES = ("chapter", "book")


def slugify(text: str) -> str:
    """A file-name-safe slug: 'Let Us Reenforce!' -> 'let-us-reenforce'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "book"


@dataclass(frozen=True)
class ArticleEntry:
    path: Path
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[Person, ...] | None = None
    date: str | None = None
    licence: Licence | None = None
    licence_reason: str | None = None
    part: int | None = None


@dataclass(frozen=True)
class BookSpec:
    path: Path
    slug: str
    metadata: Metadata
    articles: tuple[ArticleEntry, ...]
    parts: tuple[str, ...] = ()
    front: tuple[tuple[str, Path], ...] = ()   # (kind, markdown file)
    formats: tuple[str, ...] = ("epub", "pdf")
    theme: str = "default"
    templates: Path | None = None
    notes: str = "chapter"
    format_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    def inputs(self) -> list[Path]:
        """Every file this book is made from (besides the theme)."""
        return [self.path, *(a.path for a in self.articles), *(p for _, p in self.front)]


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> SpecError:
        return SpecError(message, path=self.path, key=key)

    def check_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(f"{where}{key}", f"unknown key; allowed: {', '.join(sorted(allowed))}")

    def text(self, table: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(where + key, "missing; a non-empty string is required")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(where + key, f"found {value!r}; expected a non-empty string")
        return value

    def people(self, table: dict[str, Any], key: str, where: str, role: str) -> tuple[Person, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where + key, f"found {value!r}; expected a name or a list of names")
        return tuple(Person(v.strip(), role) for v in value)

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where + key, f"found {value!r}; expected a list of strings")
        return tuple(value)

    def licence(self, value: Any, key: str) -> Licence:
        found = licence_by_id(value) if isinstance(value, str) else None
        if found is None:
            raise self.fail(key, f"found {value!r}; expected one of {', '.join(KNOWN_LICENCES)}")
        return found


def _entries(r: _Reader, items: Any, where: str, part: int | None) -> list[ArticleEntry]:
    if not isinstance(items, list) or not items:
        raise r.fail(where, f"found {items!r}; expected a non-empty list of articles")
    out: list[ArticleEntry] = []
    for i, item in enumerate(items):
        key = f"{where}[{i}]"
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict):
            raise r.fail(key, f"found {item!r}; expected a path or a table with 'path'")
        r.check_keys(item, _ARTICLE_KEYS, key + ".")
        pattern = r.text(item, "path", key + ".", required=True)
        assert pattern is not None
        base = r.path.parent
        if any(ch in pattern for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(base / pattern), recursive=True))
            if not matches:
                raise r.fail(key + ".path", f"the pattern {pattern!r} matches no file")
        else:
            matches = [base / pattern]
            if not matches[0].is_file():
                raise r.fail(key + ".path", f"no such file: {pattern}")
        authors = None
        if "author" in item or "authors" in item:
            authors = r.people(item, "authors" if "authors" in item else "author", key + ".", "aut")
        licence = r.licence(item["licence"], key + ".licence") if "licence" in item else None
        reason = r.text(item, "licence_reason", key + ".")
        if licence and not reason:
            raise r.fail(key + ".licence_reason",
                         "a licence override needs a written reason (it is printed in the imprint)")
        for path in matches:
            out.append(ArticleEntry(path=path.resolve(), title=r.text(item, "title", key + "."),
                                    subtitle=r.text(item, "subtitle", key + "."), authors=authors,
                                    date=r.text(item, "date", key + "."), licence=licence,
                                    licence_reason=reason, part=part))
    return out


def load_spec(path: str | Path) -> BookSpec:
    """Load and validate one book spec."""
    path = Path(path)
    r = _Reader(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError("no such book spec", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read: {exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise SpecError(f"not valid TOML: {exc}", path=path, line=line) from None
    r.check_keys(data, _TOP_KEYS, "")
    book = data.get("book")
    if not isinstance(book, dict):
        raise r.fail("book", "missing; a [book] table with at least 'title' is required")
    r.check_keys(book, _BOOK_KEYS, "book.")
    title = r.text(book, "title", "book.", required=True)
    assert title is not None
    language = r.text(book, "language", "book.") or "en"
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language):
        raise r.fail("book.language", f"found {language!r}; expected a BCP 47 tag such as 'en' or 'de-CH'")
    date = r.text(book, "date", "book.")
    if date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        raise r.fail("book.date", f"found {date!r}; expected YYYY, YYYY-MM or YYYY-MM-DD")
    metadata = Metadata(
        title=title, language=language, subtitle=r.text(book, "subtitle", "book."),
        authors=r.people(book, "authors", "book.", "aut"),
        editors=r.people(book, "editors", "book.", "edt"),
        translators=r.people(book, "translators", "book.", "trl"),
        identifier=r.text(book, "identifier", "book.") or "",
        publisher=r.text(book, "publisher", "book."), date=date,
        description=r.text(book, "description", "book."),
        subjects=r.strings(book, "subjects", "book."), series=r.text(book, "series", "book."),
        licence=r.licence(book["licence"], "book.licence") if "licence" in book else None,
    )

    articles: list[ArticleEntry] = []
    parts: list[str] = []
    if "articles" in data and "parts" in data:
        raise r.fail("parts", "use either [[articles]] or [[parts]] with their own articles, not both")
    if "parts" in data:
        if not isinstance(data["parts"], list) or not data["parts"]:
            raise r.fail("parts", "expected a list of [[parts]] tables")
        for i, part in enumerate(data["parts"]):
            if not isinstance(part, dict):
                raise r.fail(f"parts[{i}]", "expected a table with 'title' and 'articles'")
            r.check_keys(part, {"title", "articles"}, f"parts[{i}].")
            parts.append(r.text(part, "title", f"parts[{i}].", required=True) or "")
            articles += _entries(r, part.get("articles"), f"parts[{i}].articles", i)
    else:
        articles = _entries(r, data.get("articles"), "articles", None)

    front: list[tuple[str, Path]] = []
    front_table = data.get("front", {})
    if not isinstance(front_table, dict):
        raise r.fail("front", "expected a table such as [front] preface = \"preface.md\"")
    r.check_keys(front_table, {"dedication", "epigraph", "preface"}, "front.")
    for kind in ("dedication", "epigraph", "preface"):
        if kind in front_table:
            rel = r.text(front_table, kind, "front.", required=True) or ""
            fpath = (path.parent / rel).resolve()
            if not fpath.is_file():
                raise r.fail(f"front.{kind}", f"no such file: {rel}")
            front.append((kind, fpath))

    options = data.get("options", {})
    if not isinstance(options, dict):
        raise r.fail("options", "expected a table")
    r.check_keys(options, _OPTION_KEYS, "options.")
    formats = r.strings(options, "formats", "options.") or ("epub", "pdf")
    notes = r.text(options, "notes", "options.") or "chapter"
    if notes not in _NOTES:
        raise r.fail("options.notes", f"found {notes!r}; allowed: {', '.join(_NOTES)}")
    templates = r.text(options, "templates", "options.")
    format_options = {}
    for fmt in ("pdf", "epub", "html"):
        table = options.get(fmt, {})
        if not isinstance(table, dict):
            raise r.fail(f"options.{fmt}", "expected a table")
        format_options[fmt] = table
    slug = r.text(book, "slug", "book.") or slugify(title)
    if slug != slugify(slug):
        raise r.fail("book.slug", f"found {slug!r}; use lower-case letters, digits and hyphens")
    return BookSpec(path=path.resolve(), slug=slug, metadata=metadata, articles=tuple(articles),
                    parts=tuple(parts), front=tuple(front), formats=tuple(formats),
                    theme=r.text(options, "theme", "options.") or "default",
                    templates=(path.parent / templates).resolve() if templates else None,
                    notes=notes, format_options=format_options)


def find_specs(project: Path) -> list[Path]:
    """Every book spec of a project: content/*.toml."""
    return sorted((project / "content").glob("*.toml"))
