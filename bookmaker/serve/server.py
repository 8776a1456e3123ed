"""`bookmaker serve`: keep bookmaker loaded, and run each `bookmaker` command in a
fork of this process, as the command's own process would run it.

The model is a preloading fork server (Rails' Spring, Android's zygote): the
client passes its standard streams over a Unix socket with its folder,
environment, umask and arguments; the fork takes them over and runs the command
line from the top. The fork is a process of its own, so builds do not share
state with each other or with the server, and a crash ends only that command.
The server stays with the client until the command ends: it forwards the
client's signals to the command's process group and returns its exit status.

The server stops when bookmaker's code (or any module it loaded) changes on
disk, so no command runs old code: the client then runs the command itself.
"""

from __future__ import annotations

import atexit
import gc
import io
import locale
import marshal
import os
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from importlib import import_module
from typing import Any, NoReturn

from . import protocol
from ..errors import EXIT_INTERNAL, BookmakerError

__all__ = ["serve", "run_forked", "preload", "PRELOAD"]

# What a command may need. WeasyPrint is most of a PDF rebuild's start-up.
PRELOAD = ("bookmaker.cli", "bookmaker.make.run", "bookmaker.make.clean",
           "bookmaker.make.one_off", "bookmaker.make.progress", "bookmaker.make.watch",
           "bookmaker.inspect", "bookmaker.render.views", "bookmaker.render.context",
           "bookmaker.readers", "bookmaker.writers", "bookmaker.writers.epub.writer",
           "bookmaker.writers.pdf.writer", "bookmaker.writers.pdf.book",
           "bookmaker.writers.pdf.parts", "rich.console", "rich.progress", "weasyprint")

_READ_TIMEOUT = 5.0  # for a request, once connected
_MAX_REQUEST = 64 << 20  # bytes: its environment and arguments
_client: socket.socket | None = None  # in a fork: the connection of the client it serves


def preload(names: tuple[str, ...] = PRELOAD) -> dict[str, tuple[int, int]]:
    """Import what commands use, and every reader and writer; the size and time of
    each module file loaded, to tell when one changes on disk.

    What fails to load (a plug-in, or WeasyPrint without its system libraries)
    is left out: a command that needs it meets the error as it would alone."""
    from ..readers import known_suffixes, reader_for
    from ..writers import get_writer, writers

    for name in names:
        _try(import_module, name)
    for suffix in known_suffixes():
        _try(reader_for, "article" + suffix)
    for name in writers():
        _try(get_writer, name)
    return _stamp()


def _try(load: Callable[[str], object], name: str) -> None:
    try:
        load(name)
    except Exception:  # noqa: BLE001, S110 - see preload
        pass


def _stamp() -> dict[str, tuple[int, int]]:
    stamp = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path:
            try:
                st = os.stat(path)
            except OSError:
                continue
            stamp[path] = (st.st_size, st.st_mtime_ns)
    return stamp


def _changed(stamp: dict[str, tuple[int, int]]) -> str | None:
    for path, seen in stamp.items():
        try:
            st = os.stat(path)
        except OSError:
            return path
        if (st.st_size, st.st_mtime_ns) != seen:
            return path
    return None


def _listen(path: str) -> socket.socket:
    folder = os.path.dirname(path)
    try:
        os.makedirs(os.path.dirname(folder), exist_ok=True)
        os.mkdir(folder, 0o700)
    except FileExistsError:  # this user's from before, or another's: checked below
        pass
    except OSError as exc:
        raise BookmakerError(f"{folder}: cannot make the build server's folder: "
                             f"{exc.strerror}") from None
    why = protocol.folder_problem(folder)
    if why:  # its clients would not use it, and another user could pose as it
        raise BookmakerError(f"{why}: the build server's folder must be a folder of yours "
                             "that only you may open (mode 700); remove it, or set "
                             "XDG_RUNTIME_DIR or TMPDIR to a folder of your own")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with probe:
        try:
            probe.connect(path)
        except FileNotFoundError:
            pass
        except ConnectionRefusedError:  # left by a server that did not stop cleanly
            os.unlink(path)
        else:
            raise BookmakerError(f"a build server already runs for this Python: {path}")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        raise BookmakerError(f"{path}: cannot listen: {exc.strerror}") from None
    sock.listen(16)
    return sock


class _Request:
    def __init__(self, data: dict[str, Any], fds: list[int]) -> None:
        self.data = data
        self.fds = fds

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []


class _Incoming:
    """A connection whose request is still arriving: read as it comes, between the
    server's other work, and dropped at its deadline (a client that trickles
    its bytes holds up no one else)."""

    def __init__(self, conn: socket.socket, deadline: float) -> None:
        self.conn = conn
        self.deadline = deadline
        self.data = bytearray()
        self.fds: list[int] = []

    def read(self) -> _Request | bool:
        """What has arrived: the whole request, True to wait for more, or False
        for one that cannot be a request (the caller drops it)."""
        try:
            chunk, fds, flags, _ = socket.recv_fds(self.conn, 1 << 16, 3)
        except BlockingIOError:
            return True
        except OSError:  # a client gone
            return False
        for fd in fds:
            os.set_inheritable(fd, False)  # not into another command's fork
        self.fds += fds
        if not chunk or len(self.fds) > 3 or flags & getattr(socket, "MSG_CTRUNC", 0):
            return False
        self.data += chunk
        header = protocol.HEADER.size
        if len(self.data) < header:
            return True
        (size,) = protocol.HEADER.unpack_from(self.data)
        if size > _MAX_REQUEST or len(self.data) > header + size:  # it says nothing more
            return False
        if len(self.data) < header + size:
            return True
        if len(self.fds) != 3:
            return False
        try:
            # marshal, not json: a client loads nothing to write it. Only this user
            # can connect (a private folder, and the peer's uid is checked).
            data = marshal.loads(bytes(self.data[header:]))
        except (ValueError, EOFError, TypeError):
            return False
        if not isinstance(data, dict):
            return False
        request = _Request(data, self.fds)
        self.fds = []
        return request

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        self.conn.close()


def _well_formed(data: dict[str, Any]) -> bool:
    shapes = {"argv": list, "cwd": str, "env": dict, "umask": int, "streams": list}
    return (all(isinstance(data.get(k), t) for k, t in shapes.items())
            and len(data["streams"]) == 3 and all(isinstance(a, str) for a in data["argv"]))


def _closed(conn: socket.socket) -> bool:
    """Whether the client has hung up: it sends nothing until it hears back."""
    conn.setblocking(False)
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        conn.setblocking(True)


def _peer_is_us(conn: socket.socket) -> bool:
    try:
        uid = protocol.peer_uid(conn)  # type: ignore[arg-type]
    except OSError:
        return False
    return uid is None or uid == os.getuid()  # None: the private folder is the guard


def _stream(fd: int, mode: str, how: list[Any] | None) -> Any:
    """A standard stream over a client's descriptor, made as the client's was."""
    if how is None:
        return None
    encoding, errors, line_buffering, write_through = how
    binary = open(fd, mode + "b", closefd=False)  # noqa: SIM115 - it is the stream
    return io.TextIOWrapper(binary, encoding=encoding, errors=errors,
                            line_buffering=line_buffering, write_through=write_through)


class _Server:
    def __init__(self, listener: socket.socket, path: str, stamp: dict[str, tuple[int, int]],
                 idle: float | None, say: Callable[[str], None]) -> None:
        self.listener = listener
        self.path = path
        self.inode = os.stat(path).st_ino
        self.stamp = stamp
        self.idle = idle
        self._say = say
        self.pid = os.getpid()
        self.me = protocol.identity()
        self.children: dict[int, tuple[socket.socket | None, str, float]] = {}
        self.incoming: list[_Incoming] = []  # requests still arriving
        self.stops = 0  # signals asking this server to stop
        self.selector = selectors.DefaultSelector()
        self.wake_r, self.wake_w = socket.socketpair()

    # -- the loop ---------------------------------------------------------------

    def run(self) -> None:
        for s in (self.wake_r, self.wake_w):
            s.setblocking(False)
        old_wakeup = signal.set_wakeup_fd(self.wake_w.fileno())
        handlers = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        last = time.monotonic()
        ended = False  # the commands still running were asked to end
        try:
            while True:
                self._reap()
                if self.stops and self.listener.fileno() >= 0:
                    self._close_listener()
                    if self.children:
                        self.say(f"stopping once {len(self.children)} command(s) end "
                                 "(again to end them now)")
                if self.stops > 1 and not ended:
                    ended = True
                    for pid in self.children:
                        self._kill(pid, signal.SIGTERM)
                if self.listener.fileno() < 0 and not self.children:
                    return
                if self.children:
                    last = time.monotonic()
                elif self.idle and time.monotonic() - last >= self.idle:
                    self.say(f"no command for {self.idle:g} s: stopping")
                    return
                if self.listener.fileno() >= 0 and not self._still_listed():
                    self.say(f"{self.path} was removed: stopping")
                    self.stops = max(self.stops, 1)
                    continue
                timeout = 60.0 if not self.idle else max(0.0, self.idle - (time.monotonic() - last))
                if self.incoming:
                    last = time.monotonic()
                    timeout = min(timeout, self._expire())
                for key, _ in self.selector.select(min(timeout, 60.0)):
                    if key.data == "accept":
                        self._accept()
                    elif key.data == "wake":
                        self._drain()
                    elif isinstance(key.data, _Incoming):
                        self._receive(key.data)
                    else:
                        self._from_client(key.fileobj, key.data)  # type: ignore[arg-type]
        finally:
            if os.getpid() == self.pid:  # not in a fork that unwinds to run its command
                signal.set_wakeup_fd(old_wakeup)
                for sig, handler in handlers.items():
                    signal.signal(sig, handler)
                self._close_listener()
                self.selector.close()

    def say(self, message: str) -> None:
        try:
            self._say(message)
        except OSError:  # its terminal has gone (it stops on the hang-up)
            pass

    def _on_signal(self, signum: int, frame: Any) -> None:
        if signum != signal.SIGCHLD:
            self.stops += 1

    def _drain(self) -> None:
        try:
            while self.wake_r.recv(512):
                pass
        except BlockingIOError:
            pass

    def _still_listed(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _close_listener(self) -> None:
        if self.listener.fileno() < 0:
            return
        try:
            self.selector.unregister(self.listener)
        except (KeyError, ValueError):
            pass
        if self._still_listed():
            os.unlink(self.path)
        self.listener.close()
        for incoming in list(self.incoming):  # their clients run their commands themselves
            self._drop(incoming)

    # -- commands ---------------------------------------------------------------

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        if not _peer_is_us(conn):  # nothing is read from another user
            conn.close()
            return
        conn.setblocking(False)
        incoming = _Incoming(conn, time.monotonic() + _READ_TIMEOUT)
        self.incoming.append(incoming)
        self.selector.register(conn, selectors.EVENT_READ, incoming)

    def _drop(self, incoming: _Incoming) -> None:
        self.incoming.remove(incoming)
        try:
            self.selector.unregister(incoming.conn)
        except (KeyError, ValueError):
            pass
        incoming.close()

    def _expire(self) -> float:
        """Drop the requests past their deadline; the time until the next one's."""
        now = time.monotonic()
        for incoming in [i for i in self.incoming if i.deadline <= now]:
            self._drop(incoming)
        return min((i.deadline - now for i in self.incoming), default=60.0)

    def _receive(self, incoming: _Incoming) -> None:
        got = incoming.read()
        if got is True:
            return
        conn = incoming.conn
        self.incoming.remove(incoming)
        self.selector.unregister(conn)
        if got is False:
            incoming.close()
            return
        self._start(got, conn)

    def _start(self, request: _Request, conn: socket.socket) -> None:
        conn.setblocking(True)
        why = self._refusal(request.data)
        if why:
            request.close()
            try:
                conn.sendall(protocol.MESSAGE.pack(protocol.REFUSED, why))
            except OSError:
                pass
            conn.close()
            return
        if _closed(conn):  # the client gave up waiting (and built by itself)
            request.close()
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:  # out of processes or memory: the client runs it itself
            self.say(f"cannot fork: {exc.strerror}")
            request.close()
            conn.close()
            return
        if pid == 0:
            self._become(request, conn)  # raises protocol.Forked
        request.close()
        argv = request.data["argv"][1:]
        self.children[pid] = (conn, " ".join(argv), time.monotonic())
        try:
            conn.sendall(protocol.MESSAGE.pack(protocol.STARTED, pid))
        except OSError:
            self._client_gone(pid)
            return
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def _refusal(self, data: dict[str, Any]) -> int:
        if any(data.get(k) != v for k, v in self.me.items()) or not _well_formed(data):
            return protocol.UNLIKE
        changed = _changed(self.stamp)
        if changed:
            self.say(f"{changed} changed on disk: stopping (commands run on their own)")
            self.stops = max(self.stops, 1)
            return protocol.STALE
        return 0

    def _from_client(self, conn: socket.socket, pid: int) -> None:
        if pid not in self.children:
            return
        try:
            message = protocol.read_message(conn)
        except OSError:
            message = None
        if message is None:
            self._client_gone(pid)
        elif message[0] == protocol.SIGNAL:
            self._kill(pid, message[1])
        elif message[0] == protocol.DONE:  # the fork told it its status
            self._detach(pid)

    def _client_gone(self, pid: int) -> None:
        """The client ended before its command: end the command, as a hang-up would."""
        self._detach(pid)
        self._kill(pid, signal.SIGHUP)

    def _detach(self, pid: int) -> None:
        conn, what, start = self.children[pid]
        if conn is not None:
            try:
                self.selector.unregister(conn)
            except (KeyError, ValueError):
                pass
            conn.close()
        self.children[pid] = (None, what, start)

    def _kill(self, pid: int, signum: int) -> None:
        try:
            os.killpg(pid, signum)  # the command and its workers, as a terminal would
        except (ProcessLookupError, PermissionError):
            pass

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid not in self.children:
                continue
            conn, what, start = self.children[pid]
            code = os.waitstatus_to_exitcode(status)
            ended = f"exit {code}" if code >= 0 else f"ended by signal {-code}"
            self.say(f"{what}: {ended}, {time.monotonic() - start:.3f} s")
            if conn is not None:  # the fork tells its status itself, unless it was killed
                try:
                    conn.sendall(protocol.MESSAGE.pack(protocol.STATUS, status))
                except OSError:
                    pass
            self._detach(pid)
            del self.children[pid]

    def _become(self, request: _Request, conn: socket.socket) -> NoReturn:
        """In the fork: take over the client's terminal, folder, environment and
        arguments, drop the server's own, and run the command line again."""
        try:
            self._take_over(request, conn)
        except BaseException as exc:  # noqa: BLE001 - never unwind into the server's frames
            os.write(2, f"bookmaker: internal error: the build server could not take the "
                        f"command over: {type(exc).__name__}: {exc}\n".encode(errors="replace"))
            os._exit(EXIT_INTERNAL)
        raise protocol.Forked  # the server's frames unwind; the command line runs again

    def _take_over(self, request: _Request, conn: socket.socket) -> None:
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT,
                    signal.SIGWINCH):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setpgid(0, 0)  # a group of its own: the client's signals reach its workers too
        self.selector.close()
        self.listener.close()
        for s in (self.wake_r, self.wake_w):
            s.close()
        for other, _, _ in self.children.values():
            if other is not None:
                other.close()
        for incoming in self.incoming:  # other clients' requests, still arriving
            incoming.close()
        global _client
        _client = conn  # for the exit status: the client need not wait for this fork's end
        for target, fd in enumerate(request.fds):
            os.dup2(fd, target)
        request.close()
        data = request.data
        os.chdir(data["cwd"])
        os.environ.clear()
        os.environ.update(data["env"])
        os.umask(data["umask"])
        time.tzset()
        try:
            locale.setlocale(locale.LC_CTYPE, "")
        except locale.Error:
            pass
        if "tempfile" in sys.modules:  # it keeps the folder it found first
            sys.modules["tempfile"].tempdir = None  # type: ignore[attr-defined]
        streams = data["streams"]
        for name, fd, mode in (("stdin", 0, "r"), ("stdout", 1, "w"), ("stderr", 2, "w")):
            stream = _stream(fd, mode, streams[fd])
            setattr(sys, name, stream)
            setattr(sys, f"__{name}__", stream)
        sys.argv = list(data["argv"])


def run_forked(command: Callable[..., Any]) -> NoReturn:
    """Run a click command in a fork that has taken over a client (see serve), and
    end the process as Python's own exit would, without its teardown of every
    module the server loaded (tens of ms, and a copy of every page it touches)."""
    code: Any = 0
    try:
        command(prog_name="bookmaker")
    except SystemExit as exc:
        code = exc.code
    except BaseException:  # noqa: BLE001 - as the interpreter reports one
        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what exit does: join threads,
    atexit._run_exitfuncs()  # then atexit (logging, multiprocessing, weakref.finalize)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except OSError:  # a closed pipe, as Python's exit reports it
            code = code or 120
    code &= 0xFF
    if _client is not None:  # the server sends it too, once it has reaped this fork
        try:
            _client.sendall(protocol.MESSAGE.pack(protocol.STATUS, code << 8))
        except OSError:
            pass
    os._exit(code)


def serve(*, idle: float | None = None, say: Callable[[str], None] = print) -> None:
    """Serve `bookmaker` commands for this Python until stopped (SIGINT or SIGTERM),
    `idle` seconds without one, or a change on disk to the code it loaded.

    Raises BookmakerError when this system cannot (no fork or Unix sockets), or
    when a server already runs. In a fork that runs a command, raises
    protocol.Forked (the command line catches it)."""
    if not (hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")):
        raise BookmakerError("bookmaker serve needs fork and Unix sockets (Linux, macOS, BSD)")
    path = protocol.socket_path()
    start = time.monotonic()
    stamp = preload()
    if threading.active_count() > 1:  # a fork keeps only the thread that forked
        raise BookmakerError("bookmaker serve: loading the writers started threads; "
                             "forking would lose them")
    gc.collect()
    gc.freeze()  # keep the loaded modules' pages shared with the forks
    listener = _listen(path)
    say(f"serving bookmaker commands on {path} (pid {os.getpid()}; loaded "
        f"{len(stamp)} modules in {time.monotonic() - start:.2f} s); Ctrl-C stops")
    _Server(listener, path, stamp, idle, say).run()
    say("stopped")
