"""`bookmaker serve`: commands run in forks of a server that has bookmaker loaded,
and behave as they do without it: output, exit codes, files, signals."""

from __future__ import annotations

import functools
import os
import queue
import shlex
import shutil
import signal
import subprocess
import sysconfig
import threading
import time
import zipfile
from pathlib import Path

import pytest

from bookmaker.serve import client, protocol, server

from helpers import ROOT


def _console_script() -> Path:
    """The `bookmaker` command of the environment these tests run in (its scripts
    folder, else the command on PATH). The tests run the command, not `python -m`,
    which would put the working folder on the import path, and so on the identity
    a client shares with its server."""
    here = Path(sysconfig.get_path("scripts")) / "bookmaker"
    found = shutil.which("bookmaker")
    return here if here.exists() or found is None else Path(found)


def _interpreter(script: Path) -> str:
    """The Python that runs a console script, as its first line names it (or the
    `/bin/sh` trampoline pip writes when that path is too long for a `#!` line)."""
    try:
        lines = script.read_text(encoding="utf-8", errors="replace").splitlines()[:3]
    except OSError:
        return ""
    if not lines or not lines[0].startswith("#!"):
        return ""
    if lines[0].strip() != "#!/bin/sh":
        return shlex.split(lines[0][2:])[0]
    trampoline = "'''exec' "
    return next((shlex.split(line[len(trampoline):])[0] for line in lines[1:]
                 if line.startswith(trampoline)), "")


SCRIPT = _console_script()
# The command's interpreter, which need not be this process's `sys.executable`
# (`python3 -m pytest` beside a script that names `python`); the server's socket
# is named after it, so its path is asked of that interpreter.
PYTHON = _interpreter(SCRIPT)

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the build server needs fork"),
    pytest.mark.skipif(not (SCRIPT.exists() and PYTHON),
                       reason="needs the installed `bookmaker` command"),
    # One worker runs every test that starts a server: a server stops when the
    # code changes on disk, which one of them makes it do.
    pytest.mark.xdist_group("server"),
]


@functools.lru_cache(maxsize=None)
def _socket_path(runtime: str | None, tmpdir: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "TMPDIR")}
    env.update({k: v for k, v in (("XDG_RUNTIME_DIR", runtime), ("TMPDIR", tmpdir)) if v})
    got = subprocess.run([PYTHON, "-c", "from bookmaker.serve import protocol; print(protocol.socket_path())"],
                         env=env, capture_output=True, text=True, timeout=60, check=True)
    return got.stdout.strip()


def socket_path(env: dict[str, str]) -> str:
    """Where the `bookmaker` command's server listens in this environment."""
    return _socket_path(env.get("XDG_RUNTIME_DIR"), env.get("TMPDIR"))

SPEC = """
[book]
title = "Served Book"
authors = ["Leon Trotsky"]
date = "2016-01-05"
licence = "CC-BY-SA-2.0"

[options]
formats = ["epub"]

[[articles]]
path = "sample/*.txt"
"""


def make_project(root: Path) -> Path:
    shutil.copytree(ROOT / "content" / "sample", root / "content" / "sample")
    (root / "content" / "served.toml").write_text(SPEC, encoding="utf-8")
    return root


class Server:
    """`bookmaker serve` in a process of its own, with what it says in a queue."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen([str(SCRIPT), "serve", *args], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(x) for x in self.proc.stderr or ()],
                         daemon=True).start()
        self.until("serving ")

    def until(self, part: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, end - time.monotonic()))
            self.said.append(line)
            if part in line:
                return line

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment whose server socket is this test's own (a short path: a Unix
    socket's name has a limit of about 100 bytes)."""
    run = Path(os.environ.get("TMPDIR") or "/tmp") / f"bm-test-{os.getpid()}"
    run.mkdir(mode=0o700, exist_ok=True)
    got = {k: v for k, v in os.environ.items() if k != protocol.NO_SERVER}
    got["XDG_RUNTIME_DIR"] = str(run)
    yield got
    shutil.rmtree(run, ignore_errors=True)


@pytest.fixture
def served(env: dict[str, str]) -> Server:
    s = Server(env)
    yield s
    s.stop()


def run(args: list[str], cwd: Path, env: dict[str, str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, **kw)  # type: ignore[call-overload]


def test_a_served_build_is_the_build_itself(tmp_path: Path, env: dict[str, str],
                                            served: Server) -> None:
    here = make_project(tmp_path / "here")
    there = make_project(tmp_path / "there")
    alone = run(["build"], here, {**env, protocol.NO_SERVER: "1"})
    got = run(["build"], there, env)
    assert served.until("build: exit 0")  # the server ran it
    assert (got.returncode, got.stdout) == (alone.returncode, alone.stdout) == (0, "")
    assert got.stderr.replace("there", "here") == alone.stderr
    assert (there / "dist" / "served-book.epub").read_bytes() == \
        (here / "dist" / "served-book.epub").read_bytes()
    again = run(["build"], there, env)
    assert "nothing to do" in again.stderr


def test_the_command_gets_the_clients_folder_environment_and_arguments(
        tmp_path: Path, env: dict[str, str], served: Server) -> None:
    project = make_project(tmp_path / "p")
    got = run(["-q", "build", "-C", "p", "-o", "books"], tmp_path,
              {**env, "SOURCE_DATE_EPOCH": "1000000000"})
    assert got.returncode == 0 and got.stderr == ""  # -q, and the paths are the client's
    assert served.until("-q build -C p -o books: exit 0")
    book = tmp_path / "books" / "served-book.epub"
    with zipfile.ZipFile(book) as z:
        assert z.getinfo("mimetype").date_time[:3] == (2001, 9, 9)  # SOURCE_DATE_EPOCH
    assert not (project / "dist").exists()


def test_errors_keep_their_message_and_exit_code(tmp_path: Path, env: dict[str, str],
                                                 served: Server) -> None:
    project = make_project(tmp_path / "p")
    (project / "content" / "served.toml").write_text("[book]\ntitle = \n", encoding="utf-8")
    alone = run(["build"], project, {**env, protocol.NO_SERVER: "1"})
    got = run(["build"], project, env)
    assert served.until("build: exit 3")
    assert (got.returncode, got.stderr) == (alone.returncode, alone.stderr)
    assert got.returncode == 3 and "served.toml" in got.stderr
    usage = run(["build", "--no-such-option"], project, env)
    assert usage.returncode == 2 and "No such option" in usage.stderr


def test_ctrl_c_reaches_the_command(tmp_path: Path, env: dict[str, str],
                                    served: Server) -> None:
    project = make_project(tmp_path / "p")
    proc = subprocess.Popen([str(SCRIPT), "watch"], cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("watching "):
                break
        proc.send_signal(signal.SIGINT)  # to the client, as a terminal would
        assert proc.wait(timeout=30) == 0  # the watch's own answer to Ctrl-C
        assert "stopped watching" in proc.stderr.read()
        assert served.until("watch: exit 0")
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_client_that_dies_takes_its_command_with_it(tmp_path: Path, env: dict[str, str],
                                                      served: Server) -> None:
    project = make_project(tmp_path / "p")
    proc = subprocess.Popen([str(SCRIPT), "watch"], cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("watching "):
            break
    proc.kill()
    proc.wait(timeout=30)
    assert served.until("watch: ended by signal 1", timeout=30)  # SIGHUP, as on a hang-up


def test_a_change_to_the_code_stops_the_server(tmp_path: Path, env: dict[str, str],
                                               served: Server) -> None:
    project = make_project(tmp_path / "p")
    code = Path(server.__file__)
    st = code.stat()
    try:
        os.utime(code, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        got = run(["build"], project, env)
    finally:
        os.utime(code, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert got.returncode == 0 and "code changed on disk" in got.stderr
    assert (project / "dist" / "served-book.epub").is_file()  # built by the client itself
    assert served.proc.wait(timeout=30) == 0
    assert not Path(socket_path(env)).exists()


def test_one_server_per_python(env: dict[str, str], served: Server) -> None:
    second = subprocess.run([str(SCRIPT), "serve"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert second.returncode != 0
    assert "already runs" in second.stderr and "server-" in second.stderr


def test_it_stops_when_idle_and_removes_its_socket(env: dict[str, str]) -> None:
    s = Server(env, "--idle", "0.5")
    assert s.until("stopping", timeout=30)
    assert s.proc.wait(timeout=30) == 0
    assert not Path(socket_path(env)).exists()


def test_no_server_when_asked_not_to(tmp_path: Path, env: dict[str, str],
                                     served: Server) -> None:
    project = make_project(tmp_path / "p")
    assert run(["build"], project, {**env, protocol.NO_SERVER: "1"}).returncode == 0
    assert run(["writers"], project, env).returncode == 0
    served.until("writers: exit 0")
    assert not [line for line in served.said if "build" in line]


def test_a_changed_stamp_is_seen(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("x = 1\n", encoding="utf-8")
    st = module.stat()
    stamp = {str(module): (st.st_size, st.st_mtime_ns)}
    assert server._changed(stamp) is None
    module.write_text("x = 22\n", encoding="utf-8")
    assert server._changed(stamp) == str(module)
    module.unlink()
    assert server._changed(stamp) == str(module)


def test_a_bad_request_leaves_the_server_serving(tmp_path: Path, env: dict[str, str],
                                                 served: Server) -> None:
    import socket

    path = socket_path(env)
    body = b"not marshal"
    for send in (lambda s: None,  # connects, says nothing, hangs up
                 lambda s: s.sendall(b"\x00\x00\x00\x05junk!"),  # no standard streams
                 lambda s: socket.send_fds(s, [protocol.HEADER.pack(len(body)) + body],
                                           [0, 1, 2])):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(path)
            send(s)
    got = run(["writers"], tmp_path, env)
    assert got.returncode == 0 and "epub" in got.stdout
    assert served.until("writers: exit 0")


def test_parallel_pdf_builds_in_forks_match_the_build_alone(tmp_path: Path,
                                                            env: dict[str, str],
                                                            served: Server) -> None:
    """A PDF build's worker processes (a forkserver) start from a fork too; two
    commands at once are two forks."""
    projects = [make_project(tmp_path / name) for name in ("alone", "one", "two")]
    for project in projects:
        spec = project / "content" / "served.toml"
        spec.write_text(spec.read_text(encoding="utf-8").replace('"epub"', '"epub", "pdf"'),
                        encoding="utf-8")
    alone = run(["build", "-j", "2"], projects[0], {**env, protocol.NO_SERVER: "1"})
    assert alone.returncode == 0, alone.stderr
    procs = [subprocess.Popen([str(SCRIPT), "build", "-j", "2"], cwd=p, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in projects[1:]]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert served.until("build -j 2: exit 0") and served.until("build -j 2: exit 0")
    for name in ("served-book.pdf", "served-book.epub"):
        want = (projects[0] / "dist" / name).read_bytes()
        assert all((p / "dist" / name).read_bytes() == want for p in projects[1:]), name


def test_sigterm_lets_running_commands_finish_and_a_second_ends_them(
        tmp_path: Path, env: dict[str, str]) -> None:
    project = make_project(tmp_path / "p")
    s = Server(env)
    watch = subprocess.Popen([str(SCRIPT), "watch"], cwd=project, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert watch.stderr is not None
        for line in watch.stderr:
            if line.startswith("watching "):
                break
        s.proc.send_signal(signal.SIGTERM)
        assert s.until("stopping once 1 command(s) end")
        assert not Path(socket_path(env)).exists()  # no new commands
        assert watch.poll() is None  # the running one goes on
        s.proc.send_signal(signal.SIGTERM)
        assert s.until("watch: ended by signal 15")
        assert s.proc.wait(timeout=30) == 0
        assert watch.wait(timeout=30) == -signal.SIGTERM  # the client ends as its command did
    finally:
        for proc in (watch, s.proc):
            if proc.poll() is None:
                proc.kill()


def test_a_reader_that_goes_ends_the_command_by_sigpipe_as_without_the_server(
        tmp_path: Path, env: dict[str, str], served: Server) -> None:
    """`bookmaker inspect FILE | head -1`: a command whose reader has gone ends by
    SIGPIPE and says nothing, with the server or without it."""
    article = str(ROOT / "content" / "sample" / "impossible.txt")
    alone = {**env, protocol.NO_SERVER: "1"}
    for how in (alone, env):  # a reader gone before the command writes: always a SIGPIPE
        r, w = os.pipe()
        os.close(r)
        try:
            got = subprocess.run([str(SCRIPT), "inspect", article], env=how, stdout=w,
                                 stderr=subprocess.PIPE, text=True, timeout=120)
        finally:
            os.close(w)
        assert (got.returncode, got.stderr) == (-signal.SIGPIPE, "")
    assert served.until("inspect ") and "ended by signal 13" in served.said[-1]

    def through_head(how: dict[str, str]) -> tuple[int, str, str]:
        command = subprocess.Popen([str(SCRIPT), "inspect", article], env=how,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert command.stdout is not None and command.stderr is not None
        head = subprocess.run(["head", "-1"], stdin=command.stdout, capture_output=True,
                              text=True, timeout=120)
        command.stdout.close()
        err = command.stderr.read().decode()
        command.stderr.close()
        return command.wait(timeout=120), err, head.stdout

    firsts = set()
    for _ in range(8):  # head may leave before or after the command's last write
        for how in (alone, env):
            code, err, first = through_head(how)
            assert code in (0, -signal.SIGPIPE) and err == "", (code, err)
            firsts.add(first)
    assert len(firsts) == 1 and firsts.pop().startswith("title:")
