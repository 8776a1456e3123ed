"""The entry points installed packages declare, remembered between runs.

Asking importlib.metadata costs tens of milliseconds, most of a rebuild's
start-up. The answer changes only when a folder on the import path changes
(installing or removing a package adds or removes entries in it), so it is
kept in the user's cache folder, in one file per group and interpreter, under
a fingerprint of those folders and their modification times: the last few
import paths' answers, so that running from one folder and another (the
current folder is on the path) neither asks every time nor leaves a file per
folder. The file carries its own digest; a missing, damaged or unreadable one
means asking again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

__all__ = ["entry_points_of", "user_cache_dir"]


def user_cache_dir() -> Path:
    """bookmaker's folder in the user's cache folder (XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bookmaker"


_KEPT = 8  # import paths remembered per group and interpreter
# the file names of releases that kept a file per import path, removed when seen
_OLD_NAME = re.compile(r"entry-points-[0-9a-f]{32}\.json")


def _file(group: str) -> Path:
    """The one file of `group` for this interpreter (a virtual environment's own)."""
    who = f"{group}\0{sys.executable}\0{sys.prefix}".encode("utf-8", "surrogateescape")
    return user_cache_dir() / f"entry-points-{hashlib.sha256(who).hexdigest()[:16]}.json"


def _fingerprint(group: str) -> str:
    h = hashlib.sha256(group.encode("utf-8"))
    for entry in sys.path:
        try:
            stamp = os.stat(entry or os.curdir).st_mtime_ns
        except OSError:
            stamp = -1
        h.update(f"\0{entry}\0{stamp}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]


_SEEN: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = {}


def entry_points_of(group: str) -> list[tuple[str, str]]:
    """(name, value) of every entry point in `group`, in importlib.metadata's order;
    asked once per process and import path."""
    where = (group, tuple(sys.path))
    if where not in _SEEN:
        _SEEN[where] = _entry_points(group)
    return list(_SEEN[where])


def _entry_points(group: str) -> list[tuple[str, str]]:
    path, here = _file(group), _fingerprint(group)
    kept = _read(path)
    if here in kept:
        return kept[here]
    from importlib.metadata import entry_points

    found = [(ep.name, ep.value) for ep in entry_points(group=group)]
    kept[here] = found
    _write(path, dict(list(kept.items())[-_KEPT:]))
    return found


def _read(path: Path) -> dict[str, list[tuple[str, str]]]:
    """The remembered answers by import path's fingerprint, oldest first; none if
    the file is missing, unreadable or damaged."""
    try:
        # the SHA-256 of the JSON, a line, the JSON: a damaged file is asked again
        digest, _, body = path.read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return {}
        data = json.loads(body)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    kept: dict[str, list[tuple[str, str]]] = {}
    for key, items in data.items():
        if isinstance(items, list) and all(
                isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) for s in item)
                for item in items):
            kept[key] = [(name, value) for name, value in items]
    return kept


def _write(path: Path, kept: dict[str, list[tuple[str, str]]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        body = json.dumps(kept).encode("utf-8")
        tmp.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(tmp, path)
        for old in path.parent.glob("entry-points-*.json"):
            if _OLD_NAME.fullmatch(old.name):
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: ask every time
