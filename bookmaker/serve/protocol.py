"""What the `bookmaker` command and its build server share: the messages, where
the server listens, and the checks that say whom to trust.

This module is imported by every command before it knows whether a server
runs, so it loads as little as it can (the C modules under `socket` and
`signal`, never the public ones, which import enum and selectors; no typing).
"""

from __future__ import annotations

# The C modules under `socket` and `signal`: the public ones import enum and
# selectors, which is most of a command's start.
import _signal  # type: ignore[import-not-found]
import _socket
import os
import stat
import struct
import sys

TYPE_CHECKING = False  # typing itself costs several ms
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["NO_SERVER", "PROTOCOL", "HEADER", "MESSAGE", "STARTED", "STATUS", "REFUSED",
           "SIGNAL", "DONE", "STALE", "UNLIKE", "FORWARD", "Forked", "identity", "socket_path",
           "folder_problem", "peer_uid", "read_message"]

# Set to 1 to never hand a command to a server.
NO_SERVER = "BOOKMAKER_NO_SERVER"

PROTOCOL = 1
HEADER = struct.Struct("!I")  # a request's length; then the request, marshalled
MESSAGE = struct.Struct("!ci")  # a tag and a number, either way
# server -> client: the command started (its pid), ended (its wait status), or
# was refused (why); client -> server: a signal for the command, or done (it has
# the status: its hanging up is not a hang-up the command must hear of)
STARTED, STATUS, REFUSED, SIGNAL, DONE = b"P", b"X", b"R", b"K", b"D"
# Why a server refused: its code changed on disk (it stops), or the request is
# not one it can run as the client would (another Python, another encoding).
STALE, UNLIKE = 1, 2
FORWARD = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT, _signal.SIGWINCH)


class Forked(BaseException):
    """Raised in a server's fork once it has taken over a client's terminal, folder,
    environment and arguments: the command line runs again, as the client's command.
    A BaseException, so that it unwinds the server's frames as SystemExit would."""


def identity() -> dict[str, Any]:
    """What a server must share with a client to run its command as it would run here."""
    return {"protocol": PROTOCOL, "python": sys.executable, "version": sys.version,
            "package": os.path.dirname(os.path.abspath(__file__)),
            "path": sys.path, "flags": tuple(sys.flags), "fsencoding": sys.getfilesystemencoding()}


_SUN_PATH = 108  # the bytes a Unix socket's address may hold (Linux; 104 elsewhere)
if sys.platform != "linux":
    _SUN_PATH = 104


def socket_path(environ: Mapping[str, str] | None = None) -> str:
    """Where this Python's build server listens, for this environment (by
    default this process's): one server per user and interpreter."""
    import zlib  # built in: cheaper than hashlib

    env = os.environ if environ is None else environ
    key = f"{sys.executable}\0{os.path.dirname(os.path.abspath(__file__))}"
    name = f"server-{zlib.crc32(key.encode()):08x}.sock"
    base = env.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        path = os.path.join(base, "bookmaker", name)
        if len(os.fsencode(path)) < _SUN_PATH:
            return path
    # (a runtime folder too deep for a socket's address falls back, as a missing one does)
    for tmp in (env.get("TMPDIR") or "/tmp", "/tmp"):
        path = os.path.join(tmp, f"bookmaker-{os.getuid()}", name)
        if len(os.fsencode(path)) < _SUN_PATH:
            break
    return path


def folder_problem(folder: str) -> str | None:
    """Why the server's folder cannot be trusted (None when it can): it must be a
    folder of this user's, not a symbolic link, that no one else may open."""
    try:
        st = os.lstat(folder)
    except OSError as exc:
        return f"{folder}: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        return f"{folder} is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return f"{folder} is not a folder"
    if st.st_uid != os.getuid():
        return f"{folder} belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o077:
        return f"{folder} is open to other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def peer_uid(sock: _socket.socket) -> int | None:
    """The user id of the process at the other end of a connected Unix socket (as
    the kernel recorded it when that process connected or listened), or None
    where this system does not tell."""
    if hasattr(_socket, "SO_PEERCRED"):  # Linux; OpenBSD's struct starts with the uid
        creds = struct.unpack("3i", sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12))
        return creds[0] if sys.platform.startswith("openbsd") else creds[1]
    if sys.platform == "darwin" or sys.platform.startswith(("freebsd", "dragonfly")):
        # getpeereid(3) is LOCAL_PEERCRED at level SOL_LOCAL (0): a struct xucred,
        # {u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]}
        try:
            xucred = sock.getsockopt(0, 0x001, 76)
        except OSError:
            return None
        return struct.unpack_from("2I", xucred)[1]
    return None


def read_message(sock: _socket.socket) -> tuple[bytes, int] | None:
    """One tag and number; None when the other end closed."""
    data = b""
    while len(data) < MESSAGE.size:
        chunk = sock.recv(MESSAGE.size - len(data))
        if not chunk:
            return None
        data += chunk
    tag, value = MESSAGE.unpack(data)
    return tag, value
