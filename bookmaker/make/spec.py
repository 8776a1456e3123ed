"""Book specs: one TOML file per book. Errors name the file, the key, what was
found and what is allowed.

A spec is read and checked completely before anything is built: every path,
glob, licence id, format and theme is resolved here, so a build never starts
on a spec that cannot succeed.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corrections import Corrections
from ..errors import LicenceError, SpecError, UsageError
from ..languages import is_language_tag
from ..licences import KNOWN_LICENCES, licence_by_id, licence_problems
from ..model import Licence, Metadata, Person
from ..addresses import address_of, check_url
from ..tomlfile import MAX_NESTING, load_toml

if TYPE_CHECKING:
    from ..writers.options import WriteOptions

__all__ = ["BookSpec", "ArticleEntry", "load_spec", "find_specs", "slugify", "FRONT_KINDS",
           "is_language_tag", "check_source_date_epoch", "FIRST_DATE", "LAST_DATE", "load_toml",
           "MAX_NESTING", "MAX_MATCHES", "glob_matches", "kept_encode", "kept_decode"]

_BOOK_KEYS = {"title", "subtitle", "authors", "editors", "translators", "language", "commercial",
              "identifier", "isbn", "publisher", "date", "series", "description", "subjects",
              "licence", "slug"}
_OPTION_KEYS = {"formats", "theme", "templates", "notes", "toc_depth"}
# Keys of [options] that are also a writer's own option, for the writers that
# have it (a writer's own table may set it again).
_SHARED_KEYS = ("notes",)
_ARTICLE_KEYS = {"path", "title", "short_title", "subtitle", "author", "authors", "date",
                 "licence", "licence_reason", "url", "drop", "headings", "paragraphs"}
_PART_KEYS = {"title", "articles"}
_TOP_KEYS = {"book", "options", "articles", "parts", "front", "urls"}
_NOTES = ("chapter", "book")
FRONT_KINDS = ("dedication", "epigraph", "preface")  # in the order they are printed
_DEFAULT_FORMATS = ("epub", "pdf")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
# The dates a book can hold: a ZIP's timestamps end with 2107, and an EPUB's
# dcterms:modified is written with four digits. A book's date (or
# SOURCE_DATE_EPOCH) is its files' timestamps; years before 1980 are held as
# 1980 by the ZIP, the PDF and the EPUB's metadata hold them as they are.
FIRST_DATE = _dt.date(1000, 1, 1)
LAST_DATE = _dt.date(2107, 12, 31)
_LAST_EPOCH = int(_dt.datetime(2107, 12, 31, 23, 59, 59, tzinfo=_dt.timezone.utc).timestamp())


def _close(word: str, choices: list[str]) -> list[str]:
    """The nearest of `choices` to a misspelt word (difflib is loaded only on an error)."""
    import difflib

    return difflib.get_close_matches(word, choices, n=1)


def slugify(text: str) -> str:
    """A file-name-safe slug: 'Let Us Reenforce!' -> 'let-us-reenforce'."""
    kept = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", kept.lower()).strip("-")
    return slug[:80].rstrip("-") or "book"


@dataclass(frozen=True)
class ArticleEntry:
    """One article of a spec, its file resolved, with the spec's overrides."""

    path: Path
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[Person, ...] | None = None
    date: str | None = None
    short_title: str | None = None  # the running heads' form of its title
    licence: Licence | None = None
    licence_reason: str | None = None
    part: int | None = None
    key: str = ""  # where in the spec it comes from, e.g. "articles[2]"
    url: str | None = None  # its public address: its own `url`, else from the spec's [urls]
    corrections: Corrections | None = None  # blocks dropped, made headings or paragraphs


@dataclass(frozen=True)
class BookSpec:
    """A validated book spec. Paths are absolute."""

    path: Path
    slug: str
    metadata: Metadata
    articles: tuple[ArticleEntry, ...]
    parts: tuple[str, ...] = ()
    front: tuple[tuple[str, Path], ...] = ()   # (kind, Markdown file), in FRONT_KINDS order
    formats: tuple[str, ...] = _DEFAULT_FORMATS
    theme: str = "default"                      # a built-in theme's name or a theme folder
    templates: Path | None = None
    notes: str = "chapter"
    format_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # the tables as written
    # each writer's options, typed and checked by its `options_type`: what the
    # writer is given (for every format, and every writer with a table)
    writer_options: dict[str, WriteOptions] = field(default_factory=dict)
    urls: tuple[tuple[Path, str], ...] = ()    # [urls]: (folder, the address it mirrors)

    @property
    def root(self) -> Path:
        return self.path.parent

    def inputs(self) -> list[Path]:
        """Every file this book is made from, besides the theme and its templates."""
        return [self.path, *(a.path for a in self.articles), *(p for _, p in self.front)]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Reader:
    """Typed access to the TOML data, failing with the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> SpecError:
        return SpecError(message, path=self.path, key=key)

    def table(self, value: Any, key: str, example: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"found {_show(value)}; expected a table, e.g. {example}")
        return value

    def check_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                near = _close(key, sorted(allowed))
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise self.fail(f"{where}{key}", f"unknown key {key!r}{hint}; "
                                f"allowed: {', '.join(sorted(allowed))}")

    def text(self, table: dict[str, Any], key: str, where: str,
             required: bool = False) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(where + key, "missing; a non-empty string is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where + key, f"found {_show(value)}; expected a non-empty string")
        return value.strip()

    def people(self, table: dict[str, Any], key: str, where: str, role: str) -> tuple[Person, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where + key, f"found {_show(value)}; expected a name or a list of names")
        return tuple(Person(v.strip(), role) for v in value)

    def isbn(self, table: dict[str, Any], key: str, where: str) -> str | None:
        """An ISBN-10 or ISBN-13, its check digit checked, written as a hyphenated ISBN-13."""
        text = self.text(table, key, where)
        if text is None:
            return None
        # imported here: python-stdnum pulls in ssl and pydoc, ~20 ms every build paid
        from stdnum import isbn
        from stdnum.exceptions import ValidationError

        number = text.removeprefix("urn:isbn:").removeprefix("ISBN").strip(" :")
        try:
            isbn.validate(number)
        except ValidationError as problem:
            raise self.fail(where + key, f"found {text!r}: not an ISBN ({problem}); expected "
                            "an ISBN-13 such as '978-0-306-40615-7' or an ISBN-10") from None
        return str(isbn.format(number, convert=True))

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where + key, f"found {_show(value)}; expected a list of strings")
        return tuple(v.strip() for v in value)

    def date(self, table: dict[str, Any], key: str, where: str) -> str | None:
        value = table.get(key)
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):  # an unquoted TOML date
            self._bounded(value, value.isoformat(), where + key)
            return value.isoformat()
        text = self.text(table, key, where)
        if text is None:
            return None
        match = _DATE.fullmatch(text)
        try:
            if not match:
                raise ValueError
            year, month, day = (int(g) if g else 1 for g in match.groups())
            day_of = _dt.date(year, month, day)
        except ValueError:
            raise self.fail(where + key, f"found {text!r}; expected a date written YYYY, "
                            "YYYY-MM or YYYY-MM-DD") from None
        self._bounded(day_of, text, where + key)
        return text

    def _bounded(self, day: _dt.date, text: str, key: str) -> None:
        if not FIRST_DATE <= day <= LAST_DATE:
            raise self.fail(key, f"found {text!r}; a date from {FIRST_DATE} to {LAST_DATE} "
                            "is expected (an EPUB's ZIP timestamps end with 2107)")

    def licence(self, value: Any, key: str) -> Licence:
        found = licence_by_id(value) if isinstance(value, str) else None
        if found is None:
            near = _close(str(value), list(KNOWN_LICENCES))
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise LicenceError(f"unknown licence {_show(value)}{hint}; known licence ids: "
                               f"{', '.join(KNOWN_LICENCES)}", path=self.path, key=key)
        return found


def check_source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number of seconds, None when unset or empty;
    a UsageError (exit 2) naming it when it is not a whole number of seconds
    from 1970 to the end of 2107 (what an EPUB's ZIP can hold)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > _LAST_EPOCH:
        raise UsageError(f"found {_show(value)}; expected a whole number of seconds since "
                         f"1970-01-01 UTC, at most {_LAST_EPOCH} ({LAST_DATE} 23:59:59 UTC, "
                         "the last moment an EPUB's ZIP can hold)", key="SOURCE_DATE_EPOCH")
    return int(value)


def _writer_names(options: dict[str, Any]) -> list[str]:
    """The writers a spec's options may name: the built-in ones when they are
    all it names (no scan of the installed packages), else every writer."""
    from ..writers import builtin_writers, writers

    builtin = builtin_writers()
    named = {k for k in options if k not in _OPTION_KEYS}
    formats = options.get("formats", _DEFAULT_FORMATS)
    if not isinstance(formats, (list, tuple)) or not formats:
        return writers()  # an error follows, naming every writer
    named |= {f for f in formats if isinstance(f, str)}
    return builtin if named <= set(builtin) else writers()


def _known_suffixes() -> list[str]:
    from ..readers import known_suffixes
    return known_suffixes()


def _resolved(path: str, dirs: dict[str, str]) -> Path:
    """`Path(path).resolve()`, resolving each folder once: a book lists hundreds
    of files from a few folders, and resolving is a system call per component.
    By string: pathlib's operations cost more than the system calls here."""
    folder, name = os.path.split(path)
    if name in ("", ".", ".."):
        return Path(path).resolve()
    parent = dirs.get(folder)
    if parent is None:
        parent = dirs[folder] = str(Path(folder or ".").resolve())
    found = os.path.join(parent, name)
    return Path(found).resolve() if os.path.islink(found) else Path(found)


MAX_MATCHES = 100_000  # what one glob may match, files and folders


def glob_matches(spec: Path, pattern: str) -> list[str]:
    """What `pattern` in the spec `spec` matches (the files and folders an
    `articles` glob would take, before their suffixes are checked)."""
    return _glob(_Reader(spec), pattern, "path")


def _glob(r: _Reader, pattern: str, key: str) -> list[str]:
    """What a spec's glob matches, as `glob.glob(recursive=True)` would, but
    walked without following links to folders (a link to "." would loop for
    ever), and only inside the project (the folder above the spec's): an
    absolute pattern, one that leaves the project or matches more than
    MAX_MATCHES paths is a SpecError naming the key."""
    base = r.path.parent
    if os.path.isabs(pattern):
        raise r.fail(key, f"found {pattern!r}: a pattern is relative to the spec's folder "
                     f"({base}), never absolute")
    parts = [p for p in pattern.replace(os.sep, "/").split("/") if p not in ("", ".")]
    first = next(i for i, p in enumerate(parts) if any(ch in p for ch in "*?["))
    fixed, rest = parts[:first], parts[first:]
    start = os.path.normpath(os.path.join(base, *fixed))
    project = str(base.parent)
    if ".." in rest or os.path.commonpath([start, project]) != project:
        raise r.fail(key, f"found {pattern!r}: a pattern must stay inside the project "
                     f"({project})")
    if rest[-1] == "**":  # as glob.glob: every file below, at any depth
        rest.append("*")
    hidden = any(p.startswith(".") for p in rest)  # else, as glob.glob, no dot files
    found: list[str] = []
    for path in Path(start).glob("/".join(rest)):
        if not hidden and any(p.startswith(".") for p in path.relative_to(start).parts):
            continue
        found.append(str(path))
        if len(found) > MAX_MATCHES:
            raise r.fail(key, f"found {pattern!r}: it matches more than {MAX_MATCHES:,} "
                         "paths; name a narrower folder")
    return found


def _entries(r: _Reader, items: Any, where: str, part: int | None,
             seen: dict[Path, str]) -> list[ArticleEntry]:
    if not isinstance(items, list) or not items:
        raise r.fail(where, f"found {_show(items)}; expected a non-empty list of articles "
                     "([[articles]] tables with a 'path', or paths)")
    out: list[ArticleEntry] = []
    suffixes: list[str] | None = None
    dirs: dict[str, str] = {}
    from ..readers import BUILTIN_SUFFIXES as builtin
    for i, item in enumerate(items):
        key = f"{where}[{i}]"
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict):
            raise r.fail(key, f"found {_show(item)}; expected a path or a table with 'path'")
        r.check_keys(item, _ARTICLE_KEYS, key + ".")
        pattern = r.text(item, "path", key + ".", required=True)
        assert pattern is not None
        base = r.path.parent
        if any(ch in pattern for ch in "*?["):
            found = sorted(_resolved(p, dirs) for p in _glob(r, pattern, key + ".path")
                           if os.path.isfile(p))
            if not found:
                raise r.fail(key + ".path", f"the pattern {pattern!r} matches no file "
                             f"(paths are relative to {base})")
            matches = [p for p in found if p not in seen]  # a glob skips files listed before
        else:
            path = _resolved(os.path.join(str(base), pattern), dirs)
            if not path.is_file():
                raise r.fail(key + ".path", f"no such file: {pattern} (paths are relative to {base})")
            if path in seen:
                raise r.fail(key + ".path", f"{pattern} is already in the book, at {seen[path]}")
            matches = [path]
        for path in matches:
            if path.suffix.lower() in builtin:
                continue  # the installed readers are asked only for other suffixes
            if suffixes is None:
                suffixes = _known_suffixes()
            if path.suffix.lower() not in suffixes:
                raise r.fail(key + ".path", f"no reader for {path.name}; "
                             f"the readers know files ending {', '.join(suffixes)}")
        authors = None
        if "author" in item and "authors" in item:
            raise r.fail(key + ".author", "give either 'author' or 'authors', not both")
        if "author" in item or "authors" in item:
            authors = r.people(item, "authors" if "authors" in item else "author", key + ".", "aut")
        licence = r.licence(item["licence"], key + ".licence") if "licence" in item else None
        reason = r.text(item, "licence_reason", key + ".")
        if licence and not reason:
            raise r.fail(key + ".licence_reason", "missing: a licence override needs a written "
                         "reason (it is printed in the credits)")
        if reason and not licence:
            raise r.fail(key + ".licence_reason", "found a reason but no 'licence' to override")
        title = r.text(item, "title", key + ".")
        subtitle = r.text(item, "subtitle", key + ".")
        short = r.text(item, "short_title", key + ".")
        date = r.date(item, "date", key + ".")
        url = None
        if "url" in item:
            url = check_url(item["url"], partial(r.fail, key + ".url"))
            if len(matches) > 1:
                raise r.fail(key + ".url", f"found an address for the pattern {pattern!r}, "
                             f"which matches {len(matches)} files; give a folder's address "
                             "in [urls] instead")
        corrections = _corrections(r, item, key)
        for path in matches:
            seen[path] = key
            out.append(ArticleEntry(path=path, title=title, subtitle=subtitle, authors=authors,
                                    date=date, short_title=short, licence=licence,
                                    licence_reason=reason,
                                    part=part, key=key, url=url,
                                    corrections=corrections))
    return out


def _check_overrides(r: _Reader, metadata: Metadata, articles: list[ArticleEntry]) -> None:
    """A licence override meets the book's rules as a stated licence does (its reason
    says why the editor sets it, and lifts none): refused here, naming its key."""
    for entry in articles:
        if entry.licence is None:
            continue
        found = licence_problems([(entry.key, entry.licence, None)],
                                 book_licence=metadata.licence, commercial=metadata.commercial)
        if found:
            raise LicenceError(f"the article {found[0][1]} (a licence set by an override "
                               "meets the rules a stated one does)", path=r.path,
                               key=entry.key + ".licence")


def _urls(r: _Reader, value: Any) -> tuple[tuple[Path, str], ...]:
    """[urls]: folders, relative to the spec's folder as articles' paths are,
    each with the public address it mirrors."""
    table = r.table(value, "urls", '[urls] "mia" = "https://www.marxists.org/archive/"')
    out: list[tuple[Path, str]] = []
    for folder, address in table.items():
        key = f"urls.{folder}" if re.fullmatch(r"[A-Za-z0-9_-]+", folder) else f"urls.{folder!r}"
        url = check_url(address, partial(r.fail, key))
        if os.path.isabs(folder) or not folder.strip():
            raise r.fail(key, f"found the folder {folder!r}; a folder is relative to the "
                         f"spec's folder ({r.path.parent})")
        path = (r.path.parent / folder).resolve()
        if not path.is_dir():
            raise r.fail(key, f"no such folder: {folder} (folders are relative to "
                         f"{r.path.parent})")
        out.append((path, url))
    return tuple(out)


def _corrections(r: _Reader, item: dict[str, Any], key: str) -> Corrections | None:
    """`drop = [3, "Editorial Notes"]`, `headings = [5]`, `paragraphs = [2]`: block
    numbers as `bookmaker inspect` lists them (from 0); `drop` takes exact texts too."""
    found: dict[str, tuple[Any, ...]] = {}
    for name in ("drop", "headings", "paragraphs"):
        if name not in item:
            continue
        value = item[name]
        texts = name == "drop"
        if not isinstance(value, list) or not all(
                (isinstance(v, int) and not isinstance(v, bool) and v >= 0)
                or (texts and isinstance(v, str) and v.strip()) for v in value):
            what = ("block numbers (from 0) or exact block texts" if texts
                    else "block numbers (from 0)")
            example = '[3, "Editorial Notes"]' if texts else "[5]"
            raise r.fail(f"{key}.{name}", f"found {_show(value)}; expected a list of {what}, "
                         f"e.g. {name} = {example}")
        found[name] = tuple(value)
    both = set(found.get("headings", ())) & set(found.get("paragraphs", ()))
    if both:
        raise r.fail(f"{key}.headings", f"block {min(both)} is in both 'headings' and 'paragraphs'")
    if not found:
        return None
    return Corrections(key=key, spec=str(r.path), **found)


def _theme(r: _Reader, value: str | None) -> str:
    """A built-in theme's name, or the absolute path of a theme folder."""
    from ..theme import styles_root

    if value is None:
        return "default"
    local = (r.path.parent / value).resolve()
    if (local / "theme.toml").is_file():
        return str(local)
    root = styles_root()
    if "/" not in value and (root / value / "theme.toml").is_file():
        return value
    built_in = sorted(p.parent.name for p in root.glob("*/theme.toml"))
    raise r.fail("options.theme", f"found {value!r}: no such theme; use a built-in theme "
                 f"({', '.join(built_in)}) or a folder holding a theme.toml, relative to the spec")


def _writer_options(r: _Reader, options: dict[str, Any], known: list[str],
                    formats: tuple[str, ...], common: WriteOptions
                    ) -> tuple[dict[str, dict[str, Any]], dict[str, WriteOptions]]:
    """The tables of `[options.NAME]` as written, and each writer's options
    typed: checked once, by the writer's own options type."""
    from ..writers import options_type
    from ..writers.options import PluginOptions, own_keys

    tables: dict[str, dict[str, Any]] = {}
    typed: dict[str, WriteOptions] = {}
    for name in known:
        if name not in options and name not in formats:
            continue
        where = f"options.{name}"
        table = r.table(options.get(name, {}), where, f"[{where}]")
        kind = options_type(name)
        if not issubclass(kind, PluginOptions):  # a plug-in's own table: unchecked
            own = own_keys(kind)
            for key in _SHARED_KEYS:
                if key in table and key not in own:
                    users = [n for n in known if n != name and key in own_keys(options_type(n))]
                    raise r.fail(f"{where}.{key}", f"the {name} writer has no {key!r} option: "
                                 f"{key} only apply to {', '.join(users) or 'no writer'}"
                                 f" (set it in [options] or [options.{users[0] if users else name}])")
            r.check_keys(table, own, where + ".")
            given = {k: options[k] for k in _SHARED_KEYS if k in options and k in own}
        else:
            given = {}
        try:
            typed[name] = kind.from_table({**given, **table}, writer=name, common=common)
        except SpecError as exc:
            key = exc.key or where
            found = table.get(key.rsplit(".", 1)[-1]) if key != where else None
            raise r.fail(key, f"found {_show(found)}: {exc.message}" if found is not None
                         else exc.message) from None
        if name in options:
            tables[name] = dict(table)
    return tables, typed


def _parse(path: Path, cache: Path | None = None, fresh: bool = False) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise SpecError("no such book spec", path=path) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if cache is not None:
        return _parse_kept(path, raw, text, cache, fresh)
    return _toml(path, text)


def _toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return load_toml(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_POSITION.search(message)
        line = int(where.group(1)) if where else None
        message = _TOML_POSITION.sub("", message).strip()
        if where:
            message += f" at column {where.group(2)}"
        raise SpecError(f"not valid TOML: {message}", path=path, line=line) from None


def _kept_key(raw: bytes) -> str:
    import hashlib
    import sys

    from ..cache.blobs import key_of

    return key_of("toml", _KEPT_VERSION, sys.version, hashlib.sha256(raw).hexdigest())


# The parsed TOML as JSON: tables are objects, and every other value that is
# not a JSON scalar is a list [tag, ...]: ["a", items...] an array, ["t", kind,
# ISO text] a date or time. Data only: loading it makes nothing but these.
_KEPT_VERSION = "json 1"


def kept_encode(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dict):
        return {k: kept_encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return ["a", *[kept_encode(v) for v in value]]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return ["t", type(value).__name__, value.isoformat()]
    return value


def kept_decode(value: Any) -> Any:
    import datetime as dt

    kind = type(value)
    if kind is dict:
        return {k: kept_decode(v) for k, v in value.items()}
    if kind is list:
        if value[:1] == ["a"]:
            return [kept_decode(v) for v in value[1:]]
        times: dict[str, type[dt.datetime] | type[dt.date] | type[dt.time]] = {
            "datetime": dt.datetime, "date": dt.date, "time": dt.time}
        if len(value) == 3 and value[0] == "t" and value[1] in times and type(value[2]) is str:
            return times[value[1]].fromisoformat(value[2])
        raise ValueError("not a kept TOML value")
    if kind in (str, int, float, bool):
        return value
    raise ValueError("not a kept TOML value")


def kept_entry(path: Path, cache: Path) -> Path | None:
    """Where a build keeps the parsed TOML of the spec at `path` in `cache`
    (what `_load_spec` is given), as it is now; None if it cannot be read."""
    from ..cache.blobs import BlobCache

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return BlobCache(cache).path("toml", _kept_key(raw))


def _parse_kept(path: Path, raw: bytes, text: str, cache: Path, fresh: bool = False) -> dict[str, Any]:
    """The TOML of a spec, kept in a build cache by its bytes: parsing a long
    spec costs more than loading the tables parsed before. `fresh`: parsed
    again (and kept), whatever the cache holds."""
    import json

    from ..cache.blobs import BlobCache

    blobs = BlobCache(cache, fresh=fresh)
    key = _kept_key(raw)
    payload = blobs.get("toml", key)
    if payload is not None:
        try:
            data = kept_decode(json.loads(payload))
            if isinstance(data, dict):
                return data
        except (ValueError, RecursionError):  # whole, but not a table: parsed again
            pass
    data = _toml(path, text)
    try:
        blobs.put("toml", key, json.dumps(kept_encode(data), ensure_ascii=False,
                                          separators=(",", ":")).encode("utf-8", "surrogatepass"))
    except ValueError:  # (a float JSON cannot keep exactly, say) not kept
        pass
    return data


def _flag(r: "_Reader", table: dict[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise r.fail(where + key, f"found {value!r}; expected true or false")
    return value


def load_spec(path: str | Path) -> BookSpec:
    """Load and validate one book spec; raise SpecError (or LicenceError) naming the key."""
    return _load_spec(path)


def _load_spec(path: str | Path, cache: Path | None = None, fresh: bool = False) -> BookSpec:
    """`load_spec`, with the parsed TOML kept in `cache` (a build's cache folder);
    `fresh`: parsed again, not taken from the cache."""
    path = Path(path).resolve()
    r = _Reader(path)
    data = _parse(path, cache, fresh)
    r.check_keys(data, _TOP_KEYS, "")
    if "book" not in data:
        raise r.fail("book", "missing; a [book] table with at least 'title' is required")
    book = r.table(data["book"], "book", '[book] title = "…"')
    r.check_keys(book, _BOOK_KEYS, "book.")
    title = r.text(book, "title", "book.", required=True)
    assert title is not None
    language = r.text(book, "language", "book.") or "en"
    if not is_language_tag(language):
        raise r.fail("book.language", f"found {language!r}; expected a BCP 47 language tag "
                     "such as 'en', 'fr' or 'de-CH'")
    metadata = Metadata(
        title=title, language=language, subtitle=r.text(book, "subtitle", "book."),
        authors=r.people(book, "authors", "book.", "aut"),
        editors=r.people(book, "editors", "book.", "edt"),
        translators=r.people(book, "translators", "book.", "trl"),
        identifier=r.text(book, "identifier", "book.") or "",
        isbn=r.isbn(book, "isbn", "book."),
        publisher=r.text(book, "publisher", "book."), date=r.date(book, "date", "book."),
        description=r.text(book, "description", "book."),
        subjects=r.strings(book, "subjects", "book."), series=r.text(book, "series", "book."),
        licence=r.licence(book["licence"], "book.licence") if "licence" in book else None,
        commercial=_flag(r, book, "commercial", "book."),
    )
    slug = r.text(book, "slug", "book.") or slugify(title)
    if slug != slugify(slug):
        raise r.fail("book.slug", f"found {slug!r}; use lower-case letters, digits and hyphens, "
                     f"e.g. {slugify(slug)!r}")

    articles: list[ArticleEntry] = []
    parts: list[str] = []
    seen: dict[Path, str] = {}
    if "articles" in data and "parts" in data:
        raise r.fail("parts", "found both [[articles]] and [[parts]]; use one: either "
                     "[[articles]], or [[parts]] each with its own 'articles'")
    if "parts" in data:
        if not isinstance(data["parts"], list) or not data["parts"]:
            raise r.fail("parts", f"found {_show(data['parts'])}; expected [[parts]] tables, "
                         "each with a 'title' and 'articles'")
        for i, part in enumerate(data["parts"]):
            part = r.table(part, f"parts[{i}]", "[[parts]] title = \"…\" articles = [\"…\"]")
            r.check_keys(part, _PART_KEYS, f"parts[{i}].")
            parts.append(r.text(part, "title", f"parts[{i}].", required=True) or "")
            if "articles" not in part:
                raise r.fail(f"parts[{i}].articles", "missing; a part needs its articles")
            articles += _entries(r, part["articles"], f"parts[{i}].articles", i, seen)
    elif "articles" not in data:
        raise r.fail("articles", "missing; list the book's articles as [[articles]] tables "
                     "with a 'path' (or use [[parts]])")
    else:
        articles = _entries(r, data["articles"], "articles", None, seen)
    _check_overrides(r, metadata, articles)

    front: list[tuple[str, Path]] = []
    front_table = r.table(data.get("front", {}), "front", '[front] preface = "preface.md"')
    r.check_keys(front_table, set(FRONT_KINDS), "front.")
    for kind in FRONT_KINDS:
        if kind in front_table:
            rel = r.text(front_table, kind, "front.", required=True) or ""
            fpath = (path.parent / rel).resolve()
            if not fpath.is_file():
                raise r.fail(f"front.{kind}", f"no such file: {rel} (paths are relative to "
                             f"{path.parent})")
            if fpath.suffix.lower() not in (".md", ".markdown"):
                raise r.fail(f"front.{kind}", f"found {rel!r}; front matter is a Markdown "
                             "file (.md)")
            front.append((kind, fpath))

    options = r.table(data.get("options", {}), "options", '[options] formats = ["epub"]')
    known = _writer_names(options)
    r.check_keys(options, _OPTION_KEYS | set(known), "options.")
    if "formats" in options and not options["formats"]:
        raise r.fail("options.formats", f"found an empty list; allowed: {', '.join(known)}")
    formats = r.strings(options, "formats", "options.") or _DEFAULT_FORMATS
    for fmt in formats:
        if fmt not in known:
            raise r.fail("options.formats", f"found {fmt!r}: no writer has that name; "
                         f"known writers: {', '.join(known)}")
    if len(set(formats)) != len(formats):
        raise r.fail("options.formats", f"found {list(formats)!r}: a format is named twice")
    notes = options.get("notes", "chapter")
    if notes not in _NOTES:
        raise r.fail("options.notes", f"found {_show(notes)}; allowed: {', '.join(_NOTES)}")
    urls = _urls(r, data.get("urls", {}))
    if urls:
        articles = [replace(a, url=a.url or address_of(a.path, urls)) for a in articles]
    templates = r.text(options, "templates", "options.")
    templates_path = (path.parent / templates).resolve() if templates else None
    if templates_path is not None and not templates_path.is_dir():
        raise r.fail("options.templates", f"found {templates!r}: no such folder (paths are "
                     f"relative to {path.parent})")
    from ..writers.options import WriteOptions

    from ..render.context import TOC_DEPTHS

    toc_depth = options.get("toc_depth")
    if toc_depth is not None and (type(toc_depth) is not int or toc_depth not in TOC_DEPTHS):
        raise r.fail("options.toc_depth", f"found {_show(toc_depth)}; allowed: 1 (parts and "
                     "chapters) or 2 (and their sections)")
    theme = _theme(r, r.text(options, "theme", "options."))
    common = WriteOptions(theme=theme, templates=templates_path, base_dir=path.parent,
                          toc_depth=toc_depth)
    tables, typed = _writer_options(r, options, known, tuple(formats), common)
    return BookSpec(path=path, slug=slug, metadata=metadata, articles=tuple(articles),
                    parts=tuple(parts), front=tuple(front), formats=tuple(formats),
                    theme=theme, templates=templates_path, notes=notes,
                    format_options=tables, writer_options=typed, urls=urls)


def find_specs(project: str | Path) -> list[Path]:
    """Every book spec of a project: content/*.toml, in name order."""
    return sorted(Path(project, "content").glob("*.toml"))
