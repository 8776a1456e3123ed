"""Who a `bookmaker` command trusts with its terminal, folder, environment and
arguments: only a build server of its own user's, in a folder of its user's that
no one else may open. Each test poses as the server (or as a client) from a real
second user, made for the test and removed after it."""

from __future__ import annotations

import json
import os
import pwd
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bookmaker.serve import client, protocol

from test_server import SCRIPT, Server, make_project, run, socket_path

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the build server needs fork"),
    pytest.mark.skipif(not SCRIPT.exists(), reason="needs the installed `bookmaker` command"),
    pytest.mark.xdist_group("server"),  # (see test_server.py)
]


@pytest.fixture
def attacker() -> Iterator[pwd.struct_passwd]:
    """Another local user, made for this test."""
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root and useradd to make a second user")
    name = f"bm-attacker-{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/false", name],
                   check=True, capture_output=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], check=False, capture_output=True)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder every user may write in, as /tmp is (sticky, mode 1777)."""
    folder = Path(tempfile.mkdtemp(prefix="bm-", dir="/tmp"))
    folder.chmod(0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def victim_env(tmpdir: Path) -> dict[str, str]:
    """This user's environment with no XDG_RUNTIME_DIR: the socket goes under TMPDIR."""
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", protocol.NO_SERVER)}
    env["TMPDIR"] = str(tmpdir)
    return env


class AsUser:
    """`work(ready)` in a forked child that has become `user`; it calls `ready()`
    once set up, then serves until told to stop, and reports what it got."""

    def __init__(self, user: pwd.struct_passwd,
                 work: Callable[[Callable[[], None], int], dict[str, object]]) -> None:
        self.report_r, report_w = os.pipe()
        ready_r, ready_w = os.pipe()
        self.stop_r, self.stop_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into pytest
            code = 0
            try:
                os.close(self.report_r)
                os.close(ready_r)
                os.close(self.stop_w)
                os.setgroups([])
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
                got = work(lambda: os.write(ready_w, b"r"), self.stop_r)
                os.write(report_w, json.dumps(got).encode())
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                os.write(report_w, json.dumps({"error": repr(exc)}).encode())
                code = 1
            os._exit(code)
        os.close(report_w)
        os.close(ready_w)
        os.close(self.stop_r)
        ready, _, _ = select.select([ready_r], [], [], 30)
        got = os.read(ready_r, 1) if ready else b""
        os.close(ready_r)
        if got != b"r":
            raise AssertionError(f"the other user's process did not start: {self.finish()}")

    def finish(self) -> dict[str, object]:
        """Tell it to stop; what it reports."""
        if self.stop_w >= 0:
            os.close(self.stop_w)
            self.stop_w = -1
        chunks = []
        while chunk := os.read(self.report_r, 1 << 16):
            chunks.append(chunk)
        os.close(self.report_r)
        os.waitpid(self.pid, 0)
        return json.loads(b"".join(chunks) or b"{}")


def listen_and_record(listener: socket.socket, ready: Callable[[], None],
                      stop: int) -> dict[str, object]:
    """Accept every connection and read what it sends, until told to stop."""
    listener.listen(16)
    ready()
    conns: list[socket.socket] = []
    accepted, received = 0, 0
    while True:
        readable, _, _ = select.select([listener, stop, *conns], [], [], 30)
        if stop in readable or not readable:
            break
        for r in readable:
            if r is listener:
                conn, _ = listener.accept()
                accepted += 1
                conns.append(conn)
            else:
                assert isinstance(r, socket.socket)
                try:
                    data, fds, _, _ = socket.recv_fds(r, 1 << 16, 8)
                except OSError:
                    data, fds = b"", []
                received += len(data) + len(fds)
                for fd in fds:
                    os.close(fd)
                if not data:
                    conns.remove(r)
                    r.close()
    return {"accepted": accepted, "received": received}


def test_a_folder_another_user_made_first_is_not_used(tmp_path: Path, shared_tmp: Path,
                                                      attacker: pwd.struct_passwd) -> None:
    """The other user makes the victim's socket folder first, open to all, and
    listens where the victim's server would: the victim's command sends it
    nothing and builds by itself; the victim's `bookmaker serve` refuses."""
    env = victim_env(shared_tmp)
    path = socket_path(env)
    folder = Path(path).parent
    assert folder.parent == shared_tmp and folder.name == f"bookmaker-{os.getuid()}"

    def pose(ready: Callable[[], None], stop: int) -> dict[str, object]:
        folder.mkdir()
        folder.chmod(0o777)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        os.chmod(path, 0o777)
        return listen_and_record(listener, ready, stop)

    hostile = AsUser(attacker, pose)
    try:
        project = make_project(tmp_path / "p")
        got = run(["-v", "build"], project, env)
        quiet = run(["build", "-f"], project, env)
    finally:
        report = hostile.finish()
    assert report == {"accepted": 0, "received": 0}  # not even a connection
    assert got.returncode == 0 and quiet.returncode == 0, got.stderr + quiet.stderr
    assert (project / "dist" / "served-book.epub").is_file()  # built by the command itself
    assert (f"not using the build server: {folder} belongs to another user "
            f"(uid {attacker.pw_uid}); building here") in got.stderr
    assert "build server" not in quiet.stderr  # said only with -v

    serve = subprocess.run([str(SCRIPT), "serve"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert serve.returncode != 0
    assert str(folder) in serve.stderr and "XDG_RUNTIME_DIR or TMPDIR" in serve.stderr
    assert [p.stat().st_uid for p in folder.iterdir()] == [attacker.pw_uid]  # nothing of ours


def test_a_folder_that_is_a_link_is_not_used(tmp_path: Path, shared_tmp: Path,
                                             attacker: pwd.struct_passwd) -> None:
    """The other user points the victim's socket folder, by a symbolic link, at
    a private folder of the victim's: a link it could point elsewhere later."""
    env = victim_env(shared_tmp)
    folder = Path(socket_path(env)).parent
    own = tmp_path / "own"
    own.mkdir(mode=0o700)

    def pose(ready: Callable[[], None], stop: int) -> dict[str, object]:
        folder.symlink_to(own)
        ready()
        return {}

    AsUser(attacker, pose).finish()
    assert folder.is_symlink() and folder.lstat().st_uid == attacker.pw_uid
    project = make_project(tmp_path / "p")
    got = run(["build", "--verbose"], project, env)
    assert got.returncode == 0 and (project / "dist" / "served-book.epub").is_file()
    assert f"not using the build server: {folder} is a symbolic link" in got.stderr
    serve = subprocess.run([str(SCRIPT), "serve"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert serve.returncode != 0 and f"{folder} is a symbolic link" in serve.stderr
    assert list(own.iterdir()) == []


def test_a_listener_of_another_user_in_the_users_own_folder_gets_nothing(
        tmp_path: Path, attacker: pwd.struct_passwd) -> None:
    """The folder and the socket file are the victim's, but the process that
    listens on it runs as another user (the socket was bound by the victim and
    handed over): the kernel's peer credentials say so, and nothing is sent."""
    run_dir = Path(tempfile.mkdtemp(prefix="bm-run-", dir="/tmp"))  # mode 700, ours
    try:
        env = {**victim_env(Path("/tmp")), "XDG_RUNTIME_DIR": str(run_dir)}
        path = socket_path(env)
        Path(path).parent.mkdir(mode=0o700)
        bound = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        bound.bind(path)  # ours; whoever calls listen() is who clients meet

        hostile = AsUser(attacker, lambda ready, stop: listen_and_record(bound, ready, stop))
        bound.close()
        try:
            project = make_project(tmp_path / "p")
            got = run(["build", "-v"], project, env)
        finally:
            report = hostile.finish()
        assert report["received"] == 0, report  # connected, but sent nothing
        assert got.returncode == 0 and (project / "dist" / "served-book.epub").is_file()
        assert (f"not using the build server: {path} is served by another user "
                f"(uid {attacker.pw_uid}); building here") in got.stderr
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_the_server_takes_no_command_from_another_user(tmp_path: Path, shared_tmp: Path,
                                                       attacker: pwd.struct_passwd) -> None:
    """Another user who reaches the server's socket (here by a hard link to it in
    a folder open to all) is hung up on, unread; the server goes on serving."""
    run_dir = Path(tempfile.mkdtemp(prefix="bm-run-", dir="/tmp"))
    try:
        env = {**victim_env(Path("/tmp")), "XDG_RUNTIME_DIR": str(run_dir)}
        served = Server(env)
        try:
            door = shared_tmp / "door.sock"
            os.link(socket_path(env), door)
            door.chmod(0o777)  # connecting takes write permission on the socket file
            project = make_project(tmp_path / "p")
            request = client.request(["build", "-C", str(project)])

            def knock(ready: Callable[[], None], stop: int) -> dict[str, object]:
                ready()
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(30)
                    s.connect(str(door))
                    try:
                        socket.send_fds(s, [request], [0, 1, 2])
                        answer = s.recv(64)
                    except OSError as exc:  # reset: hung up on
                        answer = repr(exc).encode()
                return {"answer": answer.decode(errors="replace")}

            report = AsUser(attacker, knock).finish()
            assert report["answer"] == "" or "Error" in str(report["answer"]), report
            assert not (project / "dist").exists()  # the server ran nothing for it
            got = run(["writers"], tmp_path, env)
            assert got.returncode == 0 and "epub" in got.stdout
            assert served.until("writers: exit 0")
            assert not [line for line in served.said if "build" in line]
        finally:
            served.stop()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_client_that_trickles_its_request_holds_up_no_one(tmp_path: Path) -> None:
    """A connection that sends its request's header and streams, then a byte a
    second: another command is served meanwhile, and the slow one is dropped at
    its deadline."""
    run_dir = Path(tempfile.mkdtemp(prefix="bm-run-", dir="/tmp"))
    try:
        env = {**victim_env(Path("/tmp")), "XDG_RUNTIME_DIR": str(run_dir)}
        served = Server(env)
        slow = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stop = threading.Event()
        try:
            slow.connect(socket_path(env))
            socket.send_fds(slow, [protocol.HEADER.pack(1000)], [0, 1, 2])

            def trickle() -> None:
                while not stop.wait(1.0):
                    try:
                        slow.send(b"x")
                    except OSError:
                        return
            threading.Thread(target=trickle, daemon=True).start()
            got = run(["writers"], tmp_path, env)
            slow.setblocking(False)
            try:
                still = slow.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                still = True  # connected, and waiting
            except OSError:
                still = False
            assert got.returncode == 0 and "epub" in got.stdout and got.stderr == ""
            assert served.until("writers: exit 0")  # the server ran it...
            assert still  # ...while the slow client was still connected
            slow.setblocking(True)
            slow.settimeout(60)
            try:  # then the slow one is dropped, though it still sends
                assert slow.recv(1) == b""
            except ConnectionResetError:
                pass
        finally:
            stop.set()
            slow.close()
            served.stop()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_peer_uid_is_the_other_ends_user(attacker: pwd.struct_passwd) -> None:
    """The credential the kernel records for each end of a Unix socket."""
    if not hasattr(socket, "SO_PEERCRED") and sys.platform != "darwin" \
            and not sys.platform.startswith(("freebsd", "dragonfly")):
        pytest.skip("this system does not tell a socket's peer")
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        Path(folder).chmod(0o777)
        path = os.path.join(folder, "s.sock")

        def serve(ready: Callable[[], None], stop: int) -> dict[str, object]:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
                listener.bind(path)
                os.chmod(path, 0o777)
                listener.listen(1)
                ready()
                conn, _ = listener.accept()
                with conn:
                    return {"client": protocol.peer_uid(conn)}  # type: ignore[arg-type]

        other = AsUser(attacker, serve)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(path)
            assert protocol.peer_uid(s) == attacker.pw_uid  # type: ignore[arg-type]
            report = other.finish()
        assert report == {"client": os.getuid()}
