"""A folder of cache entries keyed by content, each checked before it is used.

An entry is its payload after the payload's SHA-256: a truncated, damaged or
half-written entry does not match its digest, is removed and counts as a miss,
so the caller makes it again; it is never trusted. Entries are written to a
temporary file and renamed, without fsync: a cache entry lost in a crash is
only a miss.

A cache opened with a `pack` name also keeps, in one file, the entries one
build used (`close()` writes it): the next build of the same book reads them
at once instead of file by file. A pack is checked whole, like an entry; a
damaged pack is ignored and the entries are looked up one by one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

from .files import write_quietly
from .ledger import mark

__all__ = ["BlobCache", "key_of"]


def key_of(*parts: object) -> str:
    """A cache key from the things an entry is made of (their str, in order)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


_PACKS = "packs"


class BlobCache:
    """Entries in `root/<kind>/<key[:2]>/<key>`; packs in `root/packs/<name>`."""

    def __init__(self, root: Path, pack: str | None = None) -> None:
        self.root = Path(root)
        self._root = str(self.root)
        self.hits = 0
        self.misses = 0
        self._pack = pack
        self._packed: dict[str, bytes] = self._read_pack() if pack else {}
        self._used: dict[str, bytes] = {}  # what this build got or put: the next pack

    def _pack_name(self) -> str:
        return os.path.join(self._root, _PACKS, str(self._pack))

    def _read_pack(self) -> dict[str, bytes]:
        mark(self._pack_name())
        try:
            with open(self._pack_name(), "rb") as fh:
                data = fh.read()
        except OSError:
            return {}
        try:
            if hashlib.sha256(data[32:]).digest() != data[:32]:
                raise ValueError("damaged")
            entries = pickle.loads(data[32:])
            if not isinstance(entries, dict) or not all(
                    isinstance(k, str) and isinstance(v, bytes) for k, v in entries.items()):
                raise ValueError("not a pack")
            return entries
        except Exception:  # noqa: BLE001 - any damage: the entries one by one
            with contextlib.suppress(OSError):
                os.unlink(self._pack_name())
            return {}

    def close(self) -> None:
        """Write the pack of the entries used, when it changed."""
        if not self._pack or self._used.keys() == self._packed.keys():
            return
        body = pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL)
        write_quietly(self._pack_name(), hashlib.sha256(body).digest() + body)
        self._packed = dict(self._used)

    def path(self, kind: str, key: str) -> Path:
        return Path(self._name(kind, key))

    def _name(self, kind: str, key: str) -> str:
        # plain strings: a rebuild looks up hundreds of entries
        return os.path.join(self._root, kind, key[:2], key)

    def get(self, kind: str, key: str, keep: bool = True) -> bytes | None:
        """An entry's payload, or None; `keep`: in the pack this build writes."""
        name = self._name(kind, key)
        mark(name)  # a packed entry too: the one to read should the pack be damaged
        packed = self._packed.get(kind + "/" + key)
        if packed is not None:
            self.hits += 1
            if keep:
                self._used[kind + "/" + key] = packed
            return packed
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
        if keep and self._pack:
            self._used[kind + "/" + key] = payload
        return payload

    def uses(self, kind: str, key: str) -> None:
        """Note an entry this build does not read as still wanted (see `ledger`):
        one that a cached result made from it stands in for."""
        mark(self._name(kind, key))

    def pin(self, kind: str) -> None:
        """Note that every entry of `kind` is wanted: entries replaced in place
        under the same key, which never pile up."""
        mark(os.path.join(self._root, kind, ""))

    def put(self, kind: str, key: str, payload: bytes, keep: bool = True) -> None:
        if keep and self._pack:
            self._used[kind + "/" + key] = payload
        name = self._name(kind, key)
        mark(name, made=True)
        write_quietly(name, hashlib.sha256(payload).digest() + payload)

