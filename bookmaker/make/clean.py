"""Removing what the builds made: the books, SHA256SUMS, stale temporaries and
the cache, or only the cache's unused entries."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from ..errors import BookmakerError
from .dist import SUMS_FILE, TEMP_NAME, _dist
from .lock import _locked
from .spec import find_specs, load_spec
from .state import _cache_dir, _load_state, _save_state
from .sweep import _sweep
from ..writers import get_writer

__all__ = ["clean"]


def _clean_folder(project: Path, dist: Path) -> list[Path]:
    """Remove the books the project's builds made in `dist` (and only there),
    its SHA256SUMS and stale temporaries; `dist` itself if it is left empty."""
    removed: list[Path] = []
    state = _load_state(project)
    outputs = {Path(key) for key in state["targets"] if Path(key).parent == dist}
    suffixes: set[str] = set()
    for name in ("epub", "pdf", "html"):
        with contextlib.suppress(BookmakerError):
            suffixes.add(get_writer(name).suffix)
    for spec_path in find_specs(project):
        try:
            spec = load_spec(spec_path)
        except BookmakerError:
            continue  # a broken spec: what it built is in the state, if anything
        for fmt in spec.formats:
            with contextlib.suppress(BookmakerError):
                suffixes.add(get_writer(fmt).suffix)
        outputs |= {dist / f"{spec.slug}{suffix}" for suffix in suffixes}
    for path in sorted(outputs):
        if path.is_file():
            path.unlink()
            removed.append(path)
    sums = dist / SUMS_FILE
    if sums.is_file():
        sums.unlink()
        removed.append(sums)
    if dist.is_dir():
        for p in dist.iterdir():
            if TEMP_NAME.match(p.name):
                p.unlink(missing_ok=True)
                removed.append(p)
        with contextlib.suppress(OSError):
            dist.rmdir()  # only when empty
    return removed


def clean(project: str | Path = ".", *, out: str | Path | None = None,
          unused: bool = False) -> list[Path]:
    """Remove what the build made: the books, SHA256SUMS, stale temporaries and the cache.

    Only the books of `out` (default: dist/) go, not those built into another
    folder; files there that no build made are left alone (and the folder with
    them). Waits for a build of the project that is running to finish.
    `unused`: remove only the cache entries that the last successful build of
    each book did not use (builds do this themselves from time to time); the
    books and the rest of the cache stay.
    """
    project = Path(project).resolve()
    if unused:
        if not _cache_dir(project).is_dir():
            return []
        with _locked(project):
            state = _load_state(project)
            swept = _sweep(project, state, 0, time.time(), now=True)
            _save_state(project, state)
        return swept
    dist = _dist(project, out)
    with _locked(project):  # never in the middle of a build
        removed = _clean_folder(project, dist)
        cache = _cache_dir(project)
        if cache.exists():
            import shutil

            if any(p.name != "lock" for p in cache.iterdir()):  # not just the lock's own
                removed.append(cache)
            shutil.rmtree(cache)
    return removed
