"""The plan: what each target depends on, and whether it must be built again.

A target is one book in one format (`dist/<slug>.epub`). It depends on the
spec, its articles and front-matter files, the theme (CSS, templates, fonts),
the spec's own templates, the writer options, `SOURCE_DATE_EPOCH` and
bookmaker itself (its version and its code); it is built again only when
one of them changed since it was last built (as the state file recorded it),
or its output did.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..files import sha256_file
from .dist import _dist
from .load import write_options
from .spec import BookSpec, _load_spec, find_specs, load_spec
from .state import _Hasher, _cache_dir, _load_state, _target_entry
from .targets import Step, Target
from ..writers import get_writer

__all__ = ["plan", "code_files", "PACKAGE"]

# The whole package is the code a book is made by: a reader's or a writer's
# change makes its books stale, not only the make layer's.
PACKAGE = Path(__file__).resolve().parent.parent


def code_files() -> list[Path]:
    """bookmaker's own modules, in a fixed order."""
    return sorted(PACKAGE.rglob("*.py"), key=_parts)


# --- dependencies --------------------------------------------------------------------

def _tool_version() -> str:
    from ..version import __version__
    return __version__


def _parts(path: Path) -> tuple[str, ...]:
    """The order of paths, as comparing them gives it (and quicker)."""
    return path.parts


def _label(path: Path, project: Path) -> str:
    # plain strings first: a plan labels every article
    text, root = str(path), str(project)
    if text.startswith(root) and text[len(root):len(root) + 1] == os.sep and os.sep == "/":
        return text[len(root) + 1:]
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


class _Deps:
    """The dependencies of targets, computed once per spec and theme."""

    def __init__(self, project: Path, hasher: _Hasher) -> None:
        self.project = project
        self.hash = hasher
        self._themes: dict[str, dict[str, str]] = {}
        self._tool: dict[str, str] | None = None

    def tool(self) -> dict[str, str]:
        if self._tool is None:
            h = hashlib.sha256()
            for p in code_files():
                h.update(p.relative_to(PACKAGE).as_posix().encode() + b"\0" + self.hash(p).encode())
            self._tool = {"bookmaker version": _tool_version(), "bookmaker code": h.hexdigest()}
        return self._tool

    def theme(self, name: str) -> dict[str, str]:
        if name not in self._themes:
            from ..theme import load_theme
            theme = load_theme(name)
            deps = {}
            for rel, p in theme.files().items():  # the default's files it lacks too
                deps[f"theme file {rel}"] = self.hash(p)
            # the default's fonts too, which the default's stylesheets it takes name
            for t in theme.lineage:
                for p in sorted(t.font_dir.glob("*"), key=_parts):
                    if p.is_file() and f"font {p.name}" not in deps:
                        deps[f"font {p.name}"] = self.hash(p)
            self._themes[name] = deps
        return self._themes[name]

    def of_spec(self, spec: BookSpec) -> tuple[dict[str, str], set[str]]:
        """The spec's dependencies, and the labels of its own inputs among them."""
        deps = {_label(p, self.project): self.hash(p) for p in spec.inputs()}
        inputs = set(deps)
        if spec.templates:
            for p in sorted(spec.templates.rglob("*"), key=_parts):
                if p.is_file():
                    deps[_label(p, self.project)] = self.hash(p)
        deps.update(self.theme(spec.theme))
        deps.update(self.tool())
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        deps["SOURCE_DATE_EPOCH"] = epoch
        return deps, inputs

    def of_target(self, spec_deps: dict[str, str], spec: BookSpec, fmt: str) -> dict[str, str]:
        deps = dict(spec_deps)
        options = write_options(spec, fmt).fingerprint()
        deps["writer options"] = hashlib.sha256(options.encode()).hexdigest()
        return deps


def _digest(deps: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(deps, sort_keys=True).encode()).hexdigest()


def _stale_reason(entry: dict[str, Any] | None, new: dict[str, str], output: Path,
                  hasher: _Hasher) -> str | None:
    if entry is None:
        return "output missing" if not output.exists() else "never built here"
    try:
        sig = hasher.signature(output)
    except OSError:
        return "output missing"
    recorded = entry["output"]
    if sig != recorded[:3] and sha256_file(output) != recorded[3]:
        return "output changed since it was built"
    old: dict[str, str] = entry["deps"]
    changed = [k for k, v in new.items() if k in old and old[k] != v]
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    parts = []
    for keys, verb in ((changed, "changed"), (added, "added"), (removed, "removed")):
        if keys:
            shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
            parts.append(f"{shown} {verb}")
    return "; ".join(parts) or None


# --- choosing books --------------------------------------------------------------------

def _select(project: Path, books: Sequence[str], keep: bool = False,
            fresh: bool = False) -> list[BookSpec]:
    """The specs to build; `keep`: their parsed TOML kept in the cache (not in
    a dry run, which writes nothing); `fresh`: parsed again all the same."""
    cache = _cache_dir(project) / "specs" if keep else None
    paths = find_specs(project)
    if not paths and not books:
        raise SpecError("no book specs found (expected content/*.toml)", path=project / "content")
    if books and all(Path(n).suffix == ".toml" and Path(n).is_file() for n in books):
        # Spec files named by path: no need to read the project's other specs
        # (a slug never ends in ".toml", so nothing else could match).
        specs = []
        for name in books:
            spec = _load_spec(Path(name), cache, fresh)
            if spec not in specs:
                specs.append(spec)
        return _unique_slugs(specs)
    specs = [_load_spec(p, cache, fresh) for p in paths]
    if books:
        chosen: list[BookSpec] = []
        for name in books:
            match = [s for s in specs if name in (s.slug, s.path.stem, str(s.path))
                     or (Path(name).suffix == ".toml" and Path(name).resolve() == s.path)]
            if not match and Path(name).suffix == ".toml":
                match = [load_spec(Path(name))]
            if not match:
                known = ", ".join(s.slug for s in specs) or "none"
                raise SpecError(f"no book named {name!r}; the books of this project: {known}",
                                path=project / "content")
            chosen += [m for m in match if m not in chosen]
        specs = chosen
    return _unique_slugs(specs)


def _unique_slugs(specs: list[BookSpec]) -> list[BookSpec]:
    slugs: dict[str, Path] = {}
    for spec in specs:
        if spec.slug in slugs:
            raise SpecError(f"slug {spec.slug!r} is also the slug of {slugs[spec.slug]}; "
                            "two books would write the same files", path=spec.path, key="book.slug")
        slugs[spec.slug] = spec.path
    return specs


def _plan(project: Path, books: Sequence[str], dist: Path, force: bool,
          state: dict[str, Any], hasher: _Hasher,
          keep: bool = False, cached: bool = True) -> tuple[list[Step], dict[str, BookSpec]]:
    """The steps; `keep`: the specs' TOML kept in the cache; `cached`: the
    targets keep work in the cache (not when it cannot be written)."""
    deps = _Deps(project, hasher)
    steps: list[Step] = []
    specs: dict[str, BookSpec] = {}
    suffixes: dict[str, str] = {}
    for spec in _select(project, books, keep and cached, force):
        # the spec and its articles reach the writer as the book itself
        spec_deps, book_inputs = deps.of_spec(spec)
        specs[str(spec.path)] = spec
        for fmt in spec.formats:
            if fmt not in suffixes:
                suffixes[fmt] = get_writer(fmt).suffix
            target_deps = deps.of_target(spec_deps, spec, fmt)
            target = Target(spec.path, spec.slug, fmt, dist / f"{spec.slug}{suffixes[fmt]}",
                            _cache_dir(project) if cached else None, code=_digest(deps.tool()),
                            salt=_digest({k: v for k, v in target_deps.items()
                                          if k not in book_inputs}), fresh=force)
            reason = "forced" if force else _stale_reason(
                _target_entry(state, target.output), target_deps, target.output, hasher)
            steps.append(Step(target, reason, target_deps))
    return steps, specs


def plan(project: str | Path = ".", books: Sequence[str] = (), *, out: str | Path | None = None,
         force: bool = False) -> list[Step]:
    """Every target with the reason it must be built (None when up to date). Writes nothing."""
    project = Path(project).resolve()
    state = _load_state(project)
    return _plan(project, books, _dist(project, out), force, state, _Hasher(state["files"]))[0]
