"""Writing a PDF object by object, straight to a file.

A book is put together from many parts; holding the whole book in one pikepdf
document costs about 200 kB of memory a page (every structure element is an
object). This writer keeps only the file offset of each object: objects are
written as they come, small ones packed into compressed object streams, and
the cross-reference stream goes last.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from typing import BinaryIO

__all__ = ["ObjectWriter", "REFERENCE", "Row"]

# A reference `N G R`, or a literal string, which may hold anything. pikepdf
# escapes every parenthesis and backslash in a string it unparses, so a string
# is a parenthesis, then anything but an unescaped parenthesis, then one.
REFERENCE = re.compile(rb"\((?:[^\\()]|\\.)*\)|(\d+) (\d+) R(?![\w#])", re.S)

_PACK = 200          # objects in one object stream at most
_PACK_BYTES = 1 << 16
_GAP = 3             # a number left unused on purpose: a free entry in the file

# A cross-reference row: number, kind (1: at an offset, 2: in an object
# stream), offset or object stream, 0 or index in that stream.
Row = tuple[int, int, int, int]


class ObjectWriter:
    """Numbers and writes the objects of one PDF file."""

    def __init__(self, file: BinaryIO, version: str, *, first: int = 1, header: bool = True) -> None:
        """`header=False` makes a writer for a piece of another file (see
        splice): its objects are numbered from `first`, its offsets count from
        its own start."""
        self._file = file
        self._offset = 0
        self._header = header
        self._md5 = hashlib.md5()
        self._start = 0 if header else first  # the number of the first row held
        self._next = first
        # Cross-reference entries: kind 1 (offset) or 2 (object stream, index).
        self._kind = array("b", [0]) * (first - self._start)
        self._first = array("q", [0]) * (first - self._start)
        self._second = array("l", [0]) * (first - self._start)
        if header:
            self._second[0] = 65535
        self._pending: list[tuple[int, bytes]] = []
        self._pending_bytes = 0
        self.version = version  # may change until the first object is written

    @property
    def next_number(self) -> int:
        return self._next

    def _emit(self, data: bytes) -> None:
        if not self._offset and self._header:
            header = b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % self.version.encode("ascii")
            self._file.write(header)
            self._md5.update(header)
            self._offset = len(header)
        self._file.write(data)
        self._md5.update(data)
        self._offset += len(data)

    def new(self) -> int:
        """A number for an object that will be written later."""
        number = self._next
        self._next += 1
        self._kind.append(0)
        self._first.append(0)
        self._second.append(0)
        return number

    def skip_to(self, number: int) -> None:
        """Leave the numbers below `number` that are not taken yet unused: they
        may still be written, or spliced in, and are free entries otherwise."""
        while self._next < number:
            self._kind[self.new() - self._start] = _GAP

    def rows(self) -> list[Row]:
        """The cross-reference rows of the objects written so far (call flush first)."""
        return [(self._start + i, kind, first, second) for i, (kind, first, second)
                in enumerate(zip(self._kind, self._first, self._second)) if kind in (1, 2)]

    def splice(self, data: bytes, rows: list[Row]) -> None:
        """Objects another writer wrote (`header=False`), in numbers this one
        has reserved for them with skip_to."""
        self._emit(b"")  # the header, before the first object
        at = self._offset
        self._emit(data)
        for number, kind, first, second in rows:
            self._take(number)
            i = number - self._start
            self._kind[i], self._first[i], self._second[i] = kind, at + first if kind == 1 else first, second

    def flush(self) -> None:
        """Write the objects still waiting to be packed."""
        self._pack()

    def _take(self, number: int) -> None:
        if not self._start <= number < self._next or self._kind[number - self._start] not in (0, _GAP):
            raise ValueError(f"object {number} written twice or never numbered")

    def add(self, number: int, body: bytes) -> None:
        """A dictionary, array or other non-stream object."""
        self._pending.append((number, body))
        self._pending_bytes += len(body)
        if len(self._pending) >= _PACK or self._pending_bytes >= _PACK_BYTES:
            self._pack()

    def add_stream(self, number: int, entries: bytes, data: bytes, *, compressed: bool) -> None:
        """A stream: `entries` is its dictionary without /Length (and without
        /Filter when the data is not compressed yet: it is compressed here)."""
        if not compressed:
            data = zlib.compress(data, 6)
            entries += b" /Filter /FlateDecode"
        self._direct(number, b"<< %s /Length %d >>\nstream\n" % (entries, len(data))
                     + data + b"\nendstream")

    def _direct(self, number: int, body: bytes) -> None:
        self._take(number)
        self._emit(b"")  # the header, before the first object
        i = number - self._start
        self._kind[i], self._first[i], self._second[i] = 1, self._offset, 0
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _pack(self) -> None:
        if not self._pending:
            return
        stream = self.new()
        header, bodies, at = [], [], 0
        for index, (number, body) in enumerate(self._pending):
            self._take(number)
            i = number - self._start
            self._kind[i], self._first[i], self._second[i] = 2, stream, index
            header.append(b"%d %d" % (number, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 6)
        self._direct(stream, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>"
                     b"\nstream\n" % (len(self._pending), len(head), len(data))
                     + data + b"\nendstream")
        self._pending, self._pending_bytes = [], 0

    def finish(self, root: int, info: int | None, identifier: bytes) -> None:
        """The cross-reference stream and the end of the file. The file's second
        identifier is a digest of everything written before it."""
        self._pack()
        missing = [n for n in range(1, self._next) if not self._kind[n]]
        if missing:
            raise ValueError(f"objects never written: {missing[:10]}")
        # Unused numbers are free entries, linked from object 0 in order.
        free = [n for n in range(1, self._next) if self._kind[n] == _GAP] + [0]
        self._first[0] = free[0]
        for n, after in zip(free, free[1:]):
            self._kind[n], self._first[n], self._second[n] = 0, after, 0
        xref = self.new()
        self._kind[xref], self._first[xref], self._second[xref] = 1, self._offset, 0
        width = max(1, (max(self._offset, self._next).bit_length() + 7) // 8)  # offsets and object numbers
        rows = bytearray()
        for kind, first, second in zip(self._kind, self._first, self._second):
            rows += bytes([kind]) + first.to_bytes(width, "big") + second.to_bytes(2, "big")
        data = zlib.compress(bytes(rows), 6)
        ident = b"[ %s <%s> ]" % (identifier, self._md5.hexdigest().encode())
        info_entry = b" /Info %d 0 R" % info if info else b""
        self._emit(b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 %d 2 ] /Root %d 0 R%s /ID %s"
                   b" /Filter /FlateDecode /Length %d >>\nstream\n"
                   % (xref, self._next, width, root, info_entry, ident, len(data))
                   + data + b"\nendstream\nendobj\n")
        self._emit(b"startxref\n%d\n%%%%EOF\n" % self._first[xref])
