"""Make-style builds: a target is rebuilt only when something it depends on changed.

Each target (one book in one format) records the hash of every dependency in
`.bookmaker-cache/state.json` beside the project's content. Outputs are written
atomically, and dist/SHA256SUMS lists what the build made.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .assemble import assemble
from .errors import BookmakerError, SpecError
from .model import Article, Book, Person
from .readers import read_article
from .spec import ArticleEntry, BookSpec, find_specs, load_spec
from .theme import load_theme
from .writers import WriteOptions, atomic_path, get_writer

__all__ = ["Target", "Outcome", "plan", "build", "clean", "load_book", "write_options",
           "CACHE_DIR", "STATE_FILE"]

CACHE_DIR = ".bookmaker-cache"
STATE_FILE = "state.json"


@dataclass(frozen=True)
class Target:
    spec_path: Path
    slug: str
    format: str
    output: Path


@dataclass
class Outcome:
    target: Target
    status: str                 # "built", "up to date", "would build", "failed"
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    error: BookmakerError | None = None


def _apply(article: Article, entry: ArticleEntry) -> Article:
    changes: dict[str, object] = {}
    if entry.title:
        changes["title"] = entry.title
    if entry.subtitle:
        changes["subtitle"] = entry.subtitle
    if entry.authors is not None:
        changes["authors"] = entry.authors
    if entry.date:
        changes["date"] = entry.date
    if entry.licence:
        changes["attribution"] = replace(article.attribution, licence=entry.licence)
    return replace(article, **changes) if changes else article


def load_book(spec: BookSpec) -> Book:
    """Read a spec's articles and assemble its book."""
    articles = [_apply(read_article(e.path), e) for e in spec.articles]
    parts: list[tuple[str, int]] = []
    for index, title in enumerate(spec.parts):
        first = next(i for i, e in enumerate(spec.articles) if e.part == index)
        parts.append((title, first))
    book = assemble(articles, spec.metadata, parts=parts)
    reader_warnings = [f"{a.attribution.origin or a.title}: {w}" for a in articles for w in a.warnings
                       if "book's author applies" not in w or not spec.metadata.authors]
    return replace(book, warnings=tuple(reader_warnings) + book.warnings)


def write_options(spec: BookSpec, fmt: str) -> WriteOptions:
    extra = dict(spec.format_options.get(fmt, {}))
    trim = str(extra.pop("trim", "A5")) if fmt == "pdf" else "A5"
    return WriteOptions(theme=spec.theme, base_dir=spec.root, templates=spec.templates,
                        notes=spec.notes, trim=trim, extra=extra)


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _dependencies(spec: BookSpec, fmt: str) -> dict[str, str]:
    deps = {str(p): _hash_file(p) for p in spec.inputs()}
    if spec.templates and spec.templates.is_dir():
        for p in sorted(spec.templates.rglob("*")):
            if p.is_file():
                deps[str(p)] = _hash_file(p)
    deps["theme " + spec.theme] = load_theme(spec.theme).digest()
    deps["bookmaker version"] = __version__
    deps["writer options"] = hashlib.sha256(write_options(spec, fmt).fingerprint().encode()).hexdigest()
    return deps


def _stale_reason(old: dict[str, str] | None, new: dict[str, str], output: Path) -> str | None:
    if not output.exists():
        return "output missing"
    if old is None:
        return "never built"
    for key, value in new.items():
        if old.get(key) != value:
            return f"{Path(key).name if os.sep in key else key} changed"
    if set(old) - set(new):
        return "inputs removed"
    return None


def _state_path(project: Path) -> Path:
    return project / CACHE_DIR / STATE_FILE


def _load_state(project: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_state_path(project).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # a missing or corrupt state means: rebuild


def _save_state(project: Path, state: dict[str, dict[str, str]]) -> None:
    path = _state_path(project)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")


def _select(project: Path, books: Sequence[str]) -> list[BookSpec]:
    specs = [load_spec(p) for p in find_specs(project)]
    if not specs and not books:
        raise SpecError("no book specs found (expected content/*.toml)", path=project / "content")
    if not books:
        return specs
    chosen = []
    for name in books:
        match = [s for s in specs if name in (s.slug, s.path.stem, str(s.path))]
        if not match and Path(name).suffix == ".toml":
            match = [load_spec(Path(name))]
        if not match:
            known = ", ".join(s.slug for s in specs) or "none"
            raise SpecError(f"no book named {name!r}; books in this project: {known}")
        chosen += match
    return chosen


def plan(project: str | Path = ".", books: Sequence[str] = (), *, out: str | Path | None = None,
         force: bool = False) -> list[tuple[Target, str | None, dict[str, str]]]:
    """Every target with the reason it must be built (None when up to date)."""
    project = Path(project).resolve()
    dist = Path(out).resolve() if out else project / "dist"
    state = _load_state(project)
    result = []
    for spec in _select(project, books):
        for fmt in spec.formats:
            writer = get_writer(fmt)
            target = Target(spec.path, spec.slug, fmt, dist / f"{spec.slug}{writer.suffix}")
            deps = _dependencies(spec, fmt)
            reason = "forced" if force else _stale_reason(state.get(str(target.output)), deps,
                                                           target.output)
            result.append((target, reason, deps))
    return result


def _build_one(target: Target) -> list[str]:
    spec = load_spec(target.spec_path)
    book = load_book(spec)
    writer = get_writer(target.format)
    with atomic_path(target.output) as tmp:
        writer.write(book, tmp, write_options(spec, target.format))
    return list(book.warnings)


def _write_sums(dist: Path) -> None:
    lines = []
    for p in sorted(dist.iterdir()):
        if p.is_file() and p.name != "SHA256SUMS" and not p.name.startswith("."):
            lines.append(f"{_hash_file(p)}  {p.name}\n")
    with atomic_path(dist / "SHA256SUMS") as tmp:
        tmp.write_text("".join(lines), encoding="utf-8")


def build(project: str | Path = ".", books: Sequence[str] = (), *, out: str | Path | None = None,
          force: bool = False, dry_run: bool = False, jobs: int = 1,
          executor: Executor | None = None,
          report: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build what is out of date. Returns one outcome per target."""
    project = Path(project).resolve()
    planned = plan(project, books, out=out, force=force)
    outcomes: list[Outcome] = []
    todo = [(t, r, d) for t, r, d in planned if r]
    for target, reason, _ in planned:
        if not reason:
            outcomes.append(Outcome(target, "up to date"))
    if dry_run:
        outcomes += [Outcome(t, "would build", r or "") for t, r, _ in todo]
        for o in outcomes:
            report and report(o)
        return outcomes
    state = _load_state(project)
    own = executor is None and jobs > 1 and len(todo) > 1
    pool = ProcessPoolExecutor(max_workers=jobs) if own else executor
    try:
        if pool is None:
            results = []
            for t, r, d in todo:
                results.append((t, r, d, _run(t)))
        else:
            futures = {pool.submit(_run, t): (t, r, d) for t, r, d in todo}
            results = [(*futures[f], f.result()) for f in as_completed(futures)]
    finally:
        if own and pool is not None:
            pool.shutdown()
    for target, reason, deps, (warnings, error) in results:
        if error is None:
            state[str(target.output)] = deps
            outcome = Outcome(target, "built", reason or "", warnings)
        else:
            outcome = Outcome(target, "failed", reason or "", warnings, error)
        outcomes.append(outcome)
        report and report(outcome)
    if todo:
        _save_state(project, state)
        dists = {o.target.output.parent for o in outcomes if o.status == "built"}
        for dist in dists:
            _write_sums(dist)
    return outcomes


def _run(target: Target) -> tuple[list[str], BookmakerError | None]:
    try:
        return _build_one(target), None
    except BookmakerError as exc:
        return [], exc


def clean(project: str | Path = ".", *, out: str | Path | None = None) -> list[Path]:
    """Remove what the build made (the outputs of every spec, the sums and the cache)."""
    project = Path(project).resolve()
    dist = Path(out).resolve() if out else project / "dist"
    removed: list[Path] = []
    suffixes = {get_writer(n).suffix for n in ("epub", "pdf", "html")}
    for spec_path in find_specs(project):
        slug = load_spec(spec_path).slug
        for suffix in suffixes:
            p = dist / f"{slug}{suffix}"
            if p.exists():
                p.unlink()
                removed.append(p)
    sums = dist / "SHA256SUMS"
    if sums.exists():
        sums.unlink()
        removed.append(sums)
    cache = project / CACHE_DIR
    if cache.exists():
        shutil.rmtree(cache)
        removed.append(cache)
    return removed
