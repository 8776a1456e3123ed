"""What a writer is told besides the book: its options, typed, and the run's plumbing.

Each writer declares its options as a frozen dataclass derived from
`WriteOptions` (the options every writer shares: theme, templates, the book's
folder) and names it as its `options_type`. A spec's `[options.NAME]` table
becomes that type once, through `from_table`, and reaches the writer as it
is. Everything in it changes the output, and `fingerprint()` is what the
build records of it. How the writer may work (processes, an executor, the
cache, the build's article store) travels apart, in a `Runtime`, and changes
nothing in the output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from ..errors import SpecError, WriterError

__all__ = ["WriteOptions", "PluginOptions", "Runtime", "own_keys"]

_O = TypeVar("_O", bound="WriteOptions")


@dataclass(frozen=True)
class WriteOptions:
    """The options every writer has, from a spec's `[options]`; a writer's own
    options derive from this (see `bookmaker.writers.pdf.options.PdfOptions`)."""

    theme: str = "default"
    templates: Path | None = None       # the book's own templates, tried before the theme's
    toc_depth: int | None = None        # the contents' depth (1 or 2); None: by the book
                                        # (see render.context.contents_depth)
    # the book's own folder, where its local files load from: it is the spec's
    # folder, which the build records already
    base_dir: Path | None = field(default=None, metadata={"fingerprint": False})

    @classmethod
    def from_table(cls: type[_O], table: Mapping[str, Any], *, writer: str = "",
                   common: WriteOptions | None = None) -> _O:
        """The options of a spec's `[options.<writer>]` table over the `common`
        ones. A key the writer does not have, or a value it refuses, is a
        SpecError naming the key (`options.pdf.trim`)."""
        where = f"options.{writer}" if writer else "options"
        own = own_keys(cls)
        for key in table:
            if key not in own:
                allowed = ", ".join(sorted(own)) or "none"
                raise SpecError(f"unknown key {key!r}; allowed: {allowed}", key=f"{where}.{key}")
        shared = {f.name: getattr(common, f.name) for f in fields(WriteOptions)} if common else {}
        try:
            return cls(**shared, **table)
        except WriterError as exc:
            raise SpecError(exc.message, key=_rekey(exc.key, where)) from None

    def fingerprint(self) -> str:
        """What of the options changes the output, as text: the build records its digest."""
        return repr((type(self).__name__,
                     tuple((f.name, _plain(getattr(self, f.name))) for f in fields(self)
                           if f.metadata.get("fingerprint", True))))


@dataclass(frozen=True)
class PluginOptions(WriteOptions):
    """The options of a writer that declares no `options_type` of its own (a
    plug-in written before writers did): its spec table, unchecked, in `extra`."""

    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: Mapping[str, Any], *, writer: str = "",
                   common: WriteOptions | None = None) -> PluginOptions:
        shared = {f.name: getattr(common, f.name) for f in fields(WriteOptions)} if common else {}
        return cls(**shared, extra=dict(table))


@dataclass(frozen=True)
class Runtime:
    """How a writer may do its work; never what it writes (in no fingerprint)."""

    jobs: int = 0                       # worker processes for writers that use them; 0: one per core
    executor: Any = None                # a concurrent.futures Executor for a writer's tasks
                                        # (e.g. a Dask client's get_executor()); default: processes
    cache_dir: Path | None = None       # where writers may keep work between builds
    salt: str = ""                      # a digest of all but the book the output depends on
                                        # (theme, templates, bookmaker, options): keys caches
    articles: Any = None                # the build's ArticleStore, to a writer that
                                        # `takes_shells`: chapters come without their text
    fresh: bool = False                 # read nothing from the cache (build --force);
                                        # what is made is kept in it as usual


def own_keys(options_type: type[WriteOptions]) -> set[str]:
    """The keys a writer's own table (`[options.NAME]`) may hold."""
    common = {f.name for f in fields(WriteOptions)}
    return {f.name for f in fields(options_type) if f.name not in common}


def _rekey(key: str | None, where: str) -> str:
    """A writer's error key under the spec's table: "trim" or "options.pdf.trim"."""
    if not key:
        return where
    return key if key.startswith("options.") else f"{where}.{key}"


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    return value
