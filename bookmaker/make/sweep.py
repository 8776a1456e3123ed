"""The cache's unused entries: each book's ledger lists what its last build used
(`bookmaker.cache.ledger`); from time to time a build removes what no ledger
lists, and `clean --unused` does at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..cache.blobs import key_of
from ..cache.ledger import LEDGERS, sweep
from ..errors import BookmakerError
from .spec import BookSpec
from .state import _cache_dir

__all__ = ["ledger_name"]

# A sweep once the builds since the last made this many entries, or this
# share of those it kept, whichever is more.
_SWEEP_MIN = 256
_SWEEP_SHARE = 0.25


def ledger_name(output: Path) -> str:
    return key_of("ledger", output)[:32]


def _unlisted(project: Path, state: dict[str, Any]) -> list[Path]:
    """The books built, still in place and with their spec, whose entries no
    ledger lists: built by a bookmaker without ledgers, or their ledger lost.
    Sweeping now would remove what their next build could use."""
    folder = _cache_dir(project) / LEDGERS
    unlisted = []
    for key, entry in state["targets"].items():
        spec = entry.get("spec") if isinstance(entry, dict) else None
        if (not (folder / f"{ledger_name(Path(key))}.json").is_file() and Path(key).is_file()
                and (not isinstance(spec, str) or Path(spec).is_file())):
            unlisted.append(Path(key))
    return unlisted


def _sweep(project: Path, state: dict[str, Any], made: int, started: float,
           specs: dict[str, BookSpec] | None = None, *, now: bool = False) -> list[Path]:
    """Remove the cache entries no book uses any more, once the builds since the
    last sweep made a quarter as many as were kept then (at least `_SWEEP_MIN`):
    the cache stays within about 1.25 times what the books use, and a rebuild
    seldom pays for the walk over it. Returns the files removed."""
    cache = _cache_dir(project)
    record = state.get("cache")
    if not (isinstance(record, dict) and all(isinstance(record.get(k), int)
                                             for k in ("made", "kept"))):
        record = {"made": 0, "kept": 0}
    record["made"] += made
    state["cache"] = record
    if not now and record["made"] < max(_SWEEP_MIN, record["kept"] * _SWEEP_SHARE):
        return []
    unlisted = _unlisted(project, state)
    if unlisted:
        if now:
            raise BookmakerError("no list yet of the cache entries this book uses; build it again "
                                 "(bookmaker build --force) before removing unused entries, or "
                                 "remove the whole cache (bookmaker clean)", path=unlisted[0])
        return []  # a build of that book writes its ledger; then the sweep
    from .spec import kept_entry

    def spec_entry(path: Path) -> list[str]:
        entry = kept_entry(path, cache / "specs")
        return [os.path.relpath(entry, cache)] if entry is not None else []

    keep = [e for path in (specs or {}) for e in spec_entry(Path(path))]
    result = sweep(cache, keep=keep, before=started, also=spec_entry)
    state["cache"] = {"made": 0, "kept": result.kept}
    return result.removed
