"""A small, reproducible zip writer for members compressed ahead of time.

`zipfile` cannot take bytes that are already deflated, and recompressing a
whole EPUB for one changed chapter is most of a rebuild. Here each member is
deflated once (`deflate`), may be kept in a cache, and is copied as it is into
the archive. Entries carry a fixed timestamp and mode, in the order given, so
the same members always make the same bytes. No ZIP64: EPUBs stay far below
4 GB and 65,535 entries, and a larger archive is refused.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from typing import BinaryIO, NamedTuple

__all__ = ["Member", "deflate", "stored", "write_zip", "ENGINE"]

# The compressed bytes depend on zlib's version: part of every cache key.
ENGINE = f"zlib {zlib.ZLIB_RUNTIME_VERSION}, level 9"

_STORED, _DEFLATED = 0, 8
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFF_FFFF


class Member(NamedTuple):
    """One entry: its name, how it is stored, and its bytes as stored."""

    name: str
    method: int      # 0 stored, 8 deflated
    crc: int
    size: int        # uncompressed
    data: bytes      # as written in the archive


def deflate(name: str, content: bytes) -> Member:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return Member(name, _DEFLATED, zlib.crc32(content), len(content), data)


def stored(name: str, content: bytes) -> Member:
    return Member(name, _STORED, zlib.crc32(content), len(content), content)


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    if year > 2107:  # seven bits of years from 1980 (the spec check refuses later dates)
        raise ValueError(f"a ZIP cannot hold a date after 2107 (found the year {year})")
    return (hour << 11 | minute << 5 | second // 2,
            (max(year, 1980) - 1980) << 9 | month << 5 | day)


def write_zip(out: BinaryIO, members: Iterable[Member],
              date_time: tuple[int, int, int, int, int, int]) -> None:
    """Write the archive to `out`, members in the order given."""
    dostime, dosdate = _dos_time(date_time)
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        version = 20 if m.method == _DEFLATED else 10
        if offset > _LIMIT or len(m.data) > _LIMIT or m.size > _LIMIT or len(central) >= 0xFFFF:
            raise ValueError("the archive would need ZIP64, which this writer does not make")
        header = _LOCAL.pack(b"PK\x03\x04", version, flags, m.method, dostime, dosdate,
                             m.crc, len(m.data), m.size, len(name), 0)
        out.write(header)
        out.write(name)
        out.write(m.data)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 3 << 8 | 20, version, flags, m.method,
                                     dostime, dosdate, m.crc, len(m.data), m.size, len(name),
                                     0, 0, 0, 0, 0o100644 << 16, offset) + name)
        offset += len(header) + len(name) + len(m.data)
    directory = b"".join(central)
    out.write(directory)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                        offset, 0))
