"""The entry points installed packages declare, remembered between runs.

Asking importlib.metadata costs tens of milliseconds, most of a rebuild's
start-up. The answer changes only when a folder on the import path changes
(installing or removing a package adds or removes entries in it), so it is
kept in the user's cache folder under a fingerprint of those folders and their
modification times, after its own digest; a missing, damaged or unreadable
entry means asking again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

__all__ = ["entry_points_of", "user_cache_dir"]


def user_cache_dir() -> Path:
    """bookmaker's folder in the user's cache folder (XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bookmaker"


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
    path = user_cache_dir() / f"entry-points-{_fingerprint(group)}.json"
    try:
        # the SHA-256 of the JSON, a line, the JSON: a damaged entry is asked again
        digest, _, body = path.read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            raise ValueError("damaged")
        data = json.loads(body)
        if isinstance(data, list) and all(
                isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) for s in item)
                for item in data):
            return [(name, value) for name, value in data]
    except (OSError, ValueError):
        pass
    from importlib.metadata import entry_points

    found = [(ep.name, ep.value) for ep in entry_points(group=group)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        body = json.dumps(found).encode("utf-8")
        tmp.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: ask every time
    return found
