"""What the builds remember: the state file and the hasher of files.

The content hash of each of a target's dependencies is recorded per target in
`.bookmaker-cache/state.json`, beside a stat cache (size, mtime, inode ->
SHA-256) so that an unchanged file is not read again; a file whose stat
changed is hashed, and a file touched in the last two seconds is never
trusted to the stat cache. The state is kept after its own digest; a state
that is missing, damaged, of another version or disagrees with the outputs is
not trusted: the targets concerned are rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from ..files import clear_in_the_way, sha256_file
from ..writers import atomic_path

__all__ = ["CACHE_DIR", "STATE_FILE"]

CACHE_DIR = ".bookmaker-cache"
STATE_FILE = "state.json"
_STATE_VERSION = 3
_RACY_NS = 2_000_000_000       # a file changed this recently is hashed again next time


def _valid_entry(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 4
            and all(isinstance(v, int) for v in entry[:3])
            and isinstance(entry[3], str) and len(entry[3]) == 64)


class _Hasher:
    """SHA-256 of files, trusting (size, mtime_ns, inode) only for files not just written."""

    def __init__(self, cache: dict[str, Any]) -> None:
        self.cache = cache
        self.changed = False
        self.now = time.time_ns()
        self._fresh: dict[str, tuple[list[int], str]] = {}  # hashed in this run, however recent
        self.seen: dict[str, str] = {}  # every file hashed in this run: path -> digest

    def known(self, path: Path, sig: list[int], digest: str) -> None:
        """A digest just computed elsewhere, trusted in this run while the stat agrees."""
        self._fresh[str(path)] = (sig, digest)

    def signature(self, path: Path) -> list[int]:
        st = path.stat()
        return [st.st_size, st.st_mtime_ns, st.st_ino]

    def __call__(self, path: Path) -> str:
        key = str(path)
        sig = self.signature(path)
        entry: Any = self.cache.get(key)
        if _valid_entry(entry) and entry[:3] == sig:
            self.seen[key] = entry[3]
            return str(entry[3])
        fresh = self._fresh.get(key)
        if fresh is not None and fresh[0] == sig:
            return fresh[1]
        digest = sha256_file(path)
        self.seen[key] = digest
        if self.now - sig[1] > _RACY_NS:
            self.cache[key] = [*sig, digest]
        else:
            self.cache.pop(key, None)
        self.changed = True
        return digest


def _cache_dir(project: Path) -> Path:
    return project / CACHE_DIR


def _empty_state() -> dict[str, Any]:
    return {"version": _STATE_VERSION, "files": {}, "targets": {}}


def _load_state(project: Path) -> dict[str, Any]:
    """The recorded state; anything unreadable, damaged or of another shape counts
    as empty. The file is the SHA-256 of the JSON, a line, then the JSON."""
    try:
        digest, _, body = (_cache_dir(project) / STATE_FILE).read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            raise ValueError("damaged")
        data = json.loads(body)
    except (OSError, ValueError):
        return _empty_state()
    if (not isinstance(data, dict) or data.get("version") != _STATE_VERSION
            or not isinstance(data.get("files"), dict) or not isinstance(data.get("targets"), dict)):
        return _empty_state()
    return data


def _target_entry(state: dict[str, Any], output: Path) -> dict[str, Any] | None:
    entry = state["targets"].get(str(output))
    if (isinstance(entry, dict) and isinstance(entry.get("deps"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in entry["deps"].items())
            and _valid_entry(entry.get("output"))):
        return entry
    return None


def _save_state(project: Path, state: dict[str, Any]) -> None:
    # not synced to disk: a state lost in a crash (or on a full disk) only means rebuilding
    body = json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8")
    path = _cache_dir(project) / STATE_FILE
    for _ in range(2):
        try:
            with atomic_path(path, durable=False) as tmp:
                tmp.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            return
        except OSError:  # a folder in its place, say: removed, then once more
            clear_in_the_way(str(path.parent), str(path))
