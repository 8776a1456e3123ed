"""Which cache entries the books still use, so that the rest can be removed.

Every cache entry a target's build reads or writes is marked while that build
runs; a build that succeeds writes the list, its ledger, to
`.bookmaker-cache/ledgers/`. A sweep keeps what any ledger lists and removes
every other entry: those an edit, a new theme or a new version of bookmaker
left behind. A ledger is kept after its own SHA-256: a damaged one is
removed (its book's next build writes it again). A ledger lives while its book's spec exists, so a book that
failed to build, or was built on its own, keeps its entries.

A build marks what it reads and writes, and also the entries a cached result
stands in for (the text of an article whose chapter came from the cache): the
next build that has to make that result again finds them.

Marks go to every recording in the process (a lock, not a context variable:
the writers mark from threads of their own). Builds that run side by side in
threads then keep each other's entries too; a ledger that lists too much only
keeps an entry longer, while one that lists too little costs the next build
the work of making it again, never a wrong book.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..files import clear_in_the_way, write_quietly

__all__ = ["LEDGERS", "Recording", "SweepResult", "mark", "read_ledger", "recording", "sweep",
           "write_ledger"]

LEDGERS = "ledgers"
_LOCK = threading.Lock()
_ACTIVE: list[Recording] = []


class Recording:
    """The entries marked while it is active: `paths` (absolute) and `made`,
    how many of them were new."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.made = 0


def mark(path: str, made: bool = False) -> None:
    """Note that the running build uses the cache entry at `path` (a path that
    ends in a separator: every entry in that folder)."""
    if _ACTIVE:  # read without the lock: nothing records in most processes
        with _LOCK:
            for rec in _ACTIVE:
                rec.paths.add(path)
                rec.made += made


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    rec = Recording()
    with _LOCK:
        _ACTIVE.append(rec)
    try:
        yield rec
    finally:
        with _LOCK:
            _ACTIVE.remove(rec)


def write_ledger(cache: Path, name: str, owner: Path, rec: Recording) -> None:
    """Keep what `rec` marked under `cache` as the ledger `name`, alive while
    the file `owner` (the book's spec) exists. Not written is only a cache that
    keeps less."""
    root = os.path.join(os.fspath(cache), "")
    entries = sorted(p[len(root):] for p in rec.paths if p.startswith(root))
    path = os.path.join(root, LEDGERS, name + ".json")
    if not os.path.isdir(os.path.join(root, LEDGERS)):
        clear_in_the_way(root, path)  # a file in the folder's place
    body = json.dumps({"owner": os.fspath(owner), "entries": entries},
                      separators=(",", ":")).encode("utf-8")
    write_quietly(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def read_ledger(path: Path) -> tuple[Path, list[str]]:
    """The owner and entries of the ledger at `path` (the SHA-256 of its JSON, a
    line, the JSON); ValueError, KeyError or TypeError if damaged; OSError."""
    digest, _, body = path.read_bytes().partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise ValueError("damaged")
    data = json.loads(body)
    owner, entries = data["owner"], data["entries"]
    if not (isinstance(owner, str) and isinstance(entries, list)
            and all(isinstance(e, str) for e in entries)):
        raise ValueError("not a ledger")
    return Path(owner), entries


class SweepResult:
    """What a sweep did: how many entries it kept, and the files it removed."""

    def __init__(self) -> None:
        self.kept = 0
        self.removed: list[Path] = []


def _live(cache: Path, also: Callable[[Path], Iterable[str]]) -> set[str]:
    """Every entry a living ledger lists, plus `also(owner)` for each owner.
    OSError when a ledger cannot be read (then nothing is removed)."""
    live: set[str] = set()
    folder = cache / LEDGERS
    if not folder.is_dir():
        return live
    for ledger in folder.iterdir():
        if ledger.name.startswith("."):
            continue
        try:
            owner, entries = read_ledger(ledger)
        except IsADirectoryError:  # a folder in its place: its book's next build writes it
            import shutil

            shutil.rmtree(ledger, ignore_errors=True)
            continue
        except (ValueError, KeyError, TypeError):
            ledger.unlink(missing_ok=True)  # damaged: its book's next build writes it again
            continue
        if not owner.is_file():
            ledger.unlink(missing_ok=True)  # its book is gone
            continue
        live.update(entries)
        live.update(also(owner))
    return live


def sweep(cache: Path, *, keep: Iterable[str] = (), before: float | None = None,
          also: Callable[[Path], Iterable[str]] = lambda owner: ()) -> SweepResult:
    """Remove the entries under `cache` that no living ledger lists (nor `keep`,
    nor `also(owner)` of a ledger's owner), last changed before `before`
    (default: now). The files at the cache's top (state, lock) stay."""
    result = SweepResult()
    try:
        live = _live(cache, also)
    except OSError:
        return result
    live.update(keep)
    pinned = tuple(e for e in live if e.endswith(os.sep))  # folders kept whole
    before = time.time() if before is None else before
    try:
        tops = sorted(cache.iterdir())
    except OSError:
        return result
    for top in tops:
        if top.name == LEDGERS or not top.is_dir() or top.is_symlink():
            continue
        for folder, dirs, files in os.walk(top, topdown=False):
            rel_folder = os.path.relpath(folder, cache)
            for name in files:
                rel = os.path.join(rel_folder, name)
                if rel in live or rel.startswith(pinned):
                    result.kept += 1
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                    if st.st_mtime >= before:
                        result.kept += 1
                        continue
                    os.unlink(path)
                except OSError:
                    continue
                result.removed.append(Path(path))
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only when empty
    return result
