"""A folder of cache entries keyed by content, each checked before it is used.

An entry is its payload after the payload's SHA-256: a truncated, damaged or
half-written entry does not match its digest, is removed and counts as a miss,
so the caller makes it again; it is never trusted. Entries are written to a
temporary file and renamed, without fsync: a cache entry lost in a crash is
only a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["BlobCache", "key_of"]


def key_of(*parts: object) -> str:
    """A cache key from the things an entry is made of (their str, in order)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class BlobCache:
    """Entries in `root/<kind>/<key[:2]>/<key>`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._root = str(self.root)
        self.hits = 0
        self.misses = 0

    def path(self, kind: str, key: str) -> Path:
        return Path(self._name(kind, key))

    def _name(self, kind: str, key: str) -> str:
        # plain strings: a rebuild looks up hundreds of entries
        return os.path.join(self._root, kind, key[:2], key)

    def get(self, kind: str, key: str) -> bytes | None:
        name = self._name(kind, key)
        try:
            with open(name, "rb") as fh:
                data = fh.read()
        except OSError:
            self.misses += 1
            return None
        payload = data[32:]
        if len(data) < 32 or hashlib.sha256(payload).digest() != data[:32]:
            with contextlib.suppress(OSError):
                os.unlink(name)  # damaged: made again by the caller
            self.misses += 1
            return None
        self.hits += 1
        return payload

    def put(self, kind: str, key: str, payload: bytes) -> None:
        path = self.path(kind, key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(payload).digest())
                fh.write(payload)
            os.replace(tmp, path)
        except OSError:
            # a cache that cannot be written only makes the next build slower
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
