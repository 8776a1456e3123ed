"""The `bookmaker` command's entry point: hand the command to a build server
(`bookmaker serve`) when one runs for this Python, else run it here.

Most of a quick rebuild is Python's start and the imports (Click, Jinja2, the
model, the readers), not the build. A server has them loaded; for each command
it forks a process that takes over this one's terminal (its standard streams,
passed over a Unix socket), folder, environment and arguments, and runs the
command exactly as this process would. So this module loads as little as it
can: asking costs well under a millisecond when no server runs, and a client's
whole start about 15 ms when one does.

A client hands its terminal, environment and arguments only to a server it can
trust: the socket's folder must be this user's own, not a link, and closed to
others (mode 700); the socket file must be this user's; and the process that
listens on it must run as this user (its credentials, asked of the kernel).
Nothing is sent before all three are checked. Otherwise the command runs here
(and says why with -v).
"""

from __future__ import annotations

# The C modules under `socket` and `signal`: the public ones import enum and
# selectors, which is most of this module's start. marshal: no import, and
# both ends are the same Python (the server checks).
import _signal  # type: ignore[import-not-found]
import _socket
import marshal
import os
import stat
import struct
import sys

TYPE_CHECKING = False  # typing itself costs several ms
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["main", "run_via_server", "socket_path", "identity", "folder_problem", "peer_uid",
           "Forked", "NO_SERVER"]

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
_FORWARD = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT, _signal.SIGWINCH)


class Forked(BaseException):
    """Raised in a server's fork once it has taken over a client's terminal, folder,
    environment and arguments: the command line runs again, as the client's command.
    A BaseException, so that it unwinds the server's frames as SystemExit would."""


def identity() -> dict[str, Any]:
    """What a server must share with a client to run its command as it would run here."""
    return {"protocol": PROTOCOL, "python": sys.executable, "version": sys.version,
            "package": os.path.dirname(os.path.abspath(__file__)),
            "path": sys.path, "flags": tuple(sys.flags), "fsencoding": sys.getfilesystemencoding()}


def socket_path(environ: Mapping[str, str] | None = None) -> str:
    """Where this Python's build server listens, for this environment (by
    default this process's): one server per user and interpreter."""
    import zlib  # built in: cheaper than hashlib

    env = os.environ if environ is None else environ
    key = f"{sys.executable}\0{os.path.dirname(os.path.abspath(__file__))}"
    base = env.get("XDG_RUNTIME_DIR")
    folder = (os.path.join(base, "bookmaker") if base and os.path.isdir(base)
              else os.path.join(env.get("TMPDIR") or "/tmp", f"bookmaker-{os.getuid()}"))
    return os.path.join(folder, f"server-{zlib.crc32(key.encode()):08x}.sock")


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


def _untrusted(path: str) -> str | None:
    """Why the server's socket at `path` is not to be used ("" when none is there)."""
    folder = os.path.dirname(path)
    if not os.path.lexists(folder):
        return ""  # no server: the usual case
    why = folder_problem(folder)
    if why:
        return why
    try:
        st = os.lstat(path)
    except OSError:
        return ""
    if not stat.S_ISSOCK(st.st_mode) or st.st_uid != os.getuid():
        return f"{path} is not a socket of yours"
    return None


def _command(argv: list[str]) -> str | None:
    """The command word: the group's own options take no values."""
    return next((a for a in argv if not a.startswith("-")), None)


def _may_use_server(argv: list[str]) -> bool:
    return (hasattr(_socket, "AF_UNIX") and hasattr(_socket, "SCM_RIGHTS")
            and hasattr(os, "fork") and os.environ.get(NO_SERVER, "") in ("", "0")
            and _command(argv) not in ("serve", None))


def _request(argv: list[str]) -> bytes:
    streams = [(s.encoding, s.errors, s.line_buffering, getattr(s, "write_through", False))
               if s else None for s in (sys.stdin, sys.stdout, sys.stderr)]
    umask = os.umask(0)
    os.umask(umask)
    body = marshal.dumps({**identity(), "argv": [sys.argv[0], *argv], "cwd": os.getcwd(),
                          "env": dict(os.environ), "umask": umask, "streams": streams})
    return HEADER.pack(len(body)) + body


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


def _say(argv: list[str], message: str) -> None:
    if not {"-q", "--quiet"} & set(argv):
        print(f"bookmaker: {message}", file=sys.stderr)


def _explain(argv: list[str], message: str) -> None:
    """What only -v tells: why no server was asked."""
    if {"-v", "--verbose"} & set(argv):
        _say(argv, message)


def run_via_server(argv: list[str], path: str | None = None) -> int | None:
    """Run `bookmaker ARGV` in the server's fresh fork; its exit code, or None when
    no server took it (none runs, it is not to be trusted, it refused, it did
    not answer)."""
    path = path or socket_path()
    why = _untrusted(path)
    if why is not None:
        if why:
            _explain(argv, f"not using the build server: {why}; building here")
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(10.0)  # a server that does not answer is not used
        sock.connect(path)
    except OSError:  # no server: the usual case
        sock.close()
        return None
    try:
        try:
            uid = peer_uid(sock)
        except OSError as exc:
            _explain(argv, f"not using the build server: who serves {path} is not "
                           f"known ({exc.strerror}); building here")
            return None
        if uid is not None and uid != os.getuid():  # nothing is sent to another user
            _explain(argv, f"not using the build server: {path} is served by another "
                           f"user (uid {uid}); building here")
            return None
        try:
            fds = struct.pack("3i", 0, 1, 2)  # this process's standard streams
            sock.sendmsg([_request(argv)], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
        except OSError:  # a standard stream is closed, say: run here
            return None
        try:
            reply = read_message(sock)
        except OSError:
            reply = None
        if reply is None:
            _say(argv, "the build server did not answer; building here")
            return None
        tag, value = reply
        if tag == REFUSED and value == STALE:
            _say(argv, "the build server's code changed on disk and it stopped; building here")
        if tag != STARTED:
            return None
        return _wait(sock, argv)
    finally:
        sock.close()


def _wait(sock: _socket.socket, argv: list[str]) -> int:
    """Forward this process's signals to the command until it ends."""
    interrupts = 0

    def forward(signum: int, frame: Any) -> None:
        nonlocal interrupts
        interrupts += signum == _signal.SIGINT
        if interrupts > 2:  # the command does not end, or the server does not listen
            _signal.signal(signum, _signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        try:
            sock.sendall(MESSAGE.pack(SIGNAL, signum))
        except OSError:
            pass

    sock.settimeout(None)
    for signum in _FORWARD:
        _signal.signal(signum, forward)
    try:
        reply = read_message(sock)
    except OSError:
        reply = None
    if reply is None or reply[0] != STATUS:
        _say(argv, "error: the build server stopped before the command ended")
        return 70  # EX_SOFTWARE
    status = reply[1]
    try:
        sock.sendall(MESSAGE.pack(DONE, 0))
    except OSError:
        pass
    if os.WIFSIGNALED(status):  # end as the command did: by the same signal
        sig = os.WTERMSIG(status)
        _signal.signal(sig, _signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        return 128 + sig
    return os.waitstatus_to_exitcode(status)


def main() -> None:
    argv = sys.argv[1:]
    if _may_use_server(argv):
        code = run_via_server(argv)
        if code is not None:
            sys.exit(code)
    from . import cli

    cli.main()
