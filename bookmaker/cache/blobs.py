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

Entries and packs are bytes, never code: a pack is a plain list of names and
payloads after a version line (see `_pack_body`), and what a payload means is
for its caller to decode and check. Whatever stands where an entry should be
and cannot be read as one (a folder, a file in place of a folder) is removed.
A cache opened `fresh` reads nothing (`build --force`) and writes as usual.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
from pathlib import Path

from ..files import clear_in_the_way, write_quietly
from .ledger import mark

__all__ = ["BlobCache", "key_of", "private_folder"]


def key_of(*parts: object) -> str:
    """A cache key from the things an entry is made of (their str, in order)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


_PACKS = "packs"
_PACK_VERSION = b"bookmaker pack 2\n"  # packs of earlier versions (pickles) are removed
_NAME = struct.Struct("<H")
_SIZE = struct.Struct("<Q")


def _pack_body(entries: dict[str, bytes]) -> bytes:
    out = [_PACK_VERSION]
    for name, payload in entries.items():
        raw = name.encode("utf-8")
        out += [_NAME.pack(len(raw)), raw, _SIZE.pack(len(payload)), payload]
    return b"".join(out)


def _unpack(body: bytes) -> dict[str, bytes]:
    """The entries of a pack's body; ValueError or struct.error when it is not one."""
    if not body.startswith(_PACK_VERSION):
        raise ValueError("not a pack of this version")
    entries: dict[str, bytes] = {}
    at, end = len(_PACK_VERSION), len(body)
    while at < end:
        (n,) = _NAME.unpack_from(body, at)  # struct.error when cut short
        at += _NAME.size
        name = body[at:at + n].decode("utf-8")
        at += n
        (size,) = _SIZE.unpack_from(body, at)
        at += _SIZE.size
        if at + size > end:
            raise ValueError("truncated")
        entries[name] = body[at:at + size]
        at += size
    return entries


def private_folder(path: Path) -> Path | None:
    """The folder `path`, made if need be, if only this user can write it (it
    is theirs and no one else's to write); None if it is not, or cannot be made."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return None
    import stat

    if (not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o022
            or (hasattr(os, "getuid") and st.st_uid != os.getuid())):
        return None
    return path


class BlobCache:
    """Entries in `root/<kind>/<key[:2]>/<key>`; packs in `root/packs/<name>`."""

    def __init__(self, root: Path, pack: str | None = None, fresh: bool = False) -> None:
        self.root = Path(root)
        self._root = str(self.root)
        self.hits = 0
        self.misses = 0
        self.fresh = fresh
        self._pack = pack
        self._packed: dict[str, bytes] = self._read_pack() if pack and not fresh else {}
        self._used: dict[str, bytes] = {}  # what this build got or put: the next pack

    def _pack_name(self) -> str:
        return os.path.join(self._root, _PACKS, str(self._pack))

    def _read_pack(self) -> dict[str, bytes]:
        mark(self._pack_name())
        try:
            with open(self._pack_name(), "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return {}
        except OSError:
            clear_in_the_way(self._root, self._pack_name())
            return {}
        try:
            if hashlib.sha256(data[32:]).digest() != data[:32]:
                raise ValueError("damaged")
            return _unpack(data[32:])
        except (ValueError, struct.error):  # any damage: the entries one by one
            with contextlib.suppress(OSError):
                os.unlink(self._pack_name())
            return {}

    def close(self) -> None:
        """Write the pack of the entries used, when it changed."""
        if not self._pack or self._used.keys() == self._packed.keys():
            return
        body = _pack_body(self._used)
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
        if self.fresh:
            self.misses += 1
            return None
        packed = self._packed.get(kind + "/" + key)
        if packed is not None:
            self.hits += 1
            if keep:
                self._used[kind + "/" + key] = packed
            return packed
        try:
            with open(name, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:
            clear_in_the_way(self._root, name)  # a folder, say: made again by the caller
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

