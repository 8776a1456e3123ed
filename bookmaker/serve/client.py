"""The client side of the build server: hand a command to `bookmaker serve`
when one runs for this Python (the `bookmaker` command asks this first).

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

import _signal  # type: ignore[import-not-found]
import _socket
import marshal
import os
import stat
import struct
import sys

from .protocol import (FORWARD, HEADER, MESSAGE, NO_SERVER, REFUSED, SIGNAL, STALE, STARTED,
                       STATUS, DONE, folder_problem, identity, peer_uid, read_message, socket_path)

TYPE_CHECKING = False  # typing itself costs several ms
if TYPE_CHECKING:
    from typing import Any

__all__ = ["may_use_server", "request", "run_via_server"]


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


def may_use_server(argv: list[str]) -> bool:
    return (hasattr(_socket, "AF_UNIX") and hasattr(_socket, "SCM_RIGHTS")
            and hasattr(os, "fork") and os.environ.get(NO_SERVER, "") in ("", "0")
            and _command(argv) not in ("serve", None))


def request(argv: list[str]) -> bytes:
    streams = [(s.encoding, s.errors, s.line_buffering, getattr(s, "write_through", False))
               if s else None for s in (sys.stdin, sys.stdout, sys.stderr)]
    umask = os.umask(0)
    os.umask(umask)
    body = marshal.dumps({**identity(), "argv": [sys.argv[0], *argv], "cwd": os.getcwd(),
                          "env": dict(os.environ), "umask": umask, "streams": streams})
    return HEADER.pack(len(body)) + body


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
            sock.sendmsg([request(argv)], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
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
    for signum in FORWARD:
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
