"""`bookmaker watch`: a build, then another after every change to a book's files."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import bookmaker
from bookmaker.make.targets import Outcome, Reporter
from bookmaker.errors import BookmakerError, SpecError
from bookmaker.make.watch import watched_folders

from helpers import ROOT

SAMPLE = ROOT / "content" / "sample"

SPEC = """
[book]
title = "Watched Book"
authors = ["Leon Trotsky"]
date = "2016-01-05"
licence = "CC-BY-SA-2.0"

[options]
formats = ["html"]
theme = "../theme"

[[articles]]
path = "sample/*.txt"

[[articles]]
path = "../elsewhere/more.txt"
"""

MORE = ("Leon Trotsky\n\nOne More\n\n(1933)\n\n"
        "Copyleft: Creative Commons Attribution-ShareAlike 2.0.\n\nThe first text.\n")


def make_project(root: Path) -> Path:
    """The sample articles, one article outside content/, a theme of its own."""
    shutil.copytree(SAMPLE, root / "content" / "sample")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "more.txt").write_text(MORE, encoding="utf-8")
    shutil.copytree(ROOT / "bookmaker" / "themes" / "default", root / "theme")
    (root / "content" / "watched.toml").write_text(SPEC, encoding="utf-8")
    return root


class Watch:
    """`bookmaker.watch` in a thread, with what it said in queues."""

    def __init__(self, project: Path) -> None:
        self.stop = threading.Event()
        self.outcomes: queue.Queue[Outcome] = queue.Queue()
        self.errors: queue.Queue[BookmakerError] = queue.Queue()
        self.waits: queue.Queue[list[Path]] = queue.Queue()
        self.failure: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(project,), daemon=True)

    def _run(self, project: Path) -> None:
        try:
            bookmaker.watch(project, reporter=Reporter, report=self.outcomes.put,
                            on_error=self.errors.put, on_wait=self.waits.put, stop=self.stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.failure.append(exc)

    def __enter__(self) -> Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the watch did not stop"

    def next_wait(self) -> list[Path]:
        return self.waits.get(timeout=60)

    def next_outcome(self) -> Outcome:
        return self.outcomes.get(timeout=60)


def test_watched_folders_are_the_books_inputs(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    folders = watched_folders(project)
    # content/ holds the spec and (below it) the sample articles: one folder for both
    assert folders == sorted([project / "content", project / "elsewhere", project / "theme"])


def test_an_edit_is_built_and_the_watch_goes_on(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    out = project / "dist" / "watched-book.html"
    with Watch(project) as w:
        first = w.next_outcome()
        assert (first.target.name, first.status) == ("watched-book.html", "built")
        w.next_wait()
        (project / "elsewhere" / "more.txt").write_text(MORE.replace("first", "second"),
                                                        encoding="utf-8")
        again = w.next_outcome()
        assert again.status == "built" and "more.txt" in again.reason
        assert "The second text." in out.read_text(encoding="utf-8")
        w.next_wait()

        # a broken spec is reported, and its repair is built
        spec = project / "content" / "watched.toml"
        spec.write_text(SPEC + "\n[[articles\n", encoding="utf-8")
        error = w.errors.get(timeout=60)
        assert isinstance(error, SpecError) and "watched.toml" in str(error)
        spec.write_text(SPEC.replace("Watched Book", "Watched Again"), encoding="utf-8")
        while True:  # the slug follows the title: a new book
            outcome = w.next_outcome()
            if outcome.target.name == "watched-again.html":
                break
        assert outcome.status == "built"
        # files a build writes are not changes: no build follows by itself
        w.next_wait()
        time.sleep(1.5)
        assert w.outcomes.empty()
    assert not w.failure


def test_a_change_to_bookmaker_itself_ends_the_watch(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("bookmaker.make.watch")
    stamps = iter([(("a", 1, 1),), (("a", 2, 2),)])
    monkeypatch.setattr(module, "_code_stamp", lambda: next(stamps))
    project = make_project(tmp_path / "p")
    with Watch(project) as w:
        w.next_wait()
        (project / "elsewhere" / "more.txt").write_text(MORE + "\nMore.\n", encoding="utf-8")
        w.thread.join(timeout=60)
    assert len(w.failure) == 1 and "start the watch again" in str(w.failure[0])


def test_the_command_builds_then_stops_on_ctrl_c(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "bookmaker.cli", "watch"], cwd=project,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr or ()],
                     daemon=True).start()

    def until(prefix: str) -> str:
        while True:
            line = lines.get(timeout=60)
            if line.startswith(prefix):
                return line

    try:
        assert "watched-book.html" in until("built ")
        until("watching ")
        (project / "elsewhere" / "more.txt").write_text(MORE + "\nMore.\n", encoding="utf-8")
        assert "more.txt changed" in until("built ")
        until("watching ")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert until("stopped watching")
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_folder_that_cannot_be_watched_is_a_clear_error(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    def no_watch(*paths: object, **_: object):  # noqa: ANN202 - a generator
        raise OSError(28, "OS file watch limit reached")
        yield set()

    monkeypatch.setattr(watchfiles, "watch", no_watch)
    project = make_project(tmp_path / "p")
    with pytest.raises(BookmakerError, match=r"cannot watch .*content.*watch limit"):
        bookmaker.watch(project, reporter=Reporter)
    assert (project / "dist" / "watched-book.html").is_file()  # the build before it stands


def test_a_broken_spec_outside_content_is_still_watched(tmp_path: Path) -> None:
    """A spec named by its path, outside content/: broken, its folder is still
    watched, so its repair is seen and built."""
    project = make_project(tmp_path / "p")
    specs = project / "specs"
    specs.mkdir()
    spec = specs / "other.toml"
    spec.write_text(SPEC.replace("../theme", "../theme").replace("sample/*.txt",
                                                                  "../content/sample/*.txt"),
                    encoding="utf-8")
    stop = threading.Event()
    outcomes: queue.Queue[Outcome] = queue.Queue()
    errors: queue.Queue[BookmakerError] = queue.Queue()
    waits: queue.Queue[list[Path]] = queue.Queue()
    thread = threading.Thread(target=bookmaker.watch, args=(project, [str(spec)]), kwargs=dict(
        reporter=Reporter, report=outcomes.put, on_error=errors.put, on_wait=waits.put,
        stop=stop), daemon=True)
    thread.start()
    try:
        assert outcomes.get(timeout=60).status == "built"
        assert specs in waits.get(timeout=60)
        good = spec.read_text(encoding="utf-8")
        spec.write_text(good + "\n[[articles\n", encoding="utf-8")
        assert "other.toml" in str(errors.get(timeout=60))
        spec.write_text(good.replace("Watched Book", "Watched Again"), encoding="utf-8")
        while (outcome := outcomes.get(timeout=60)).target.name != "watched-again.html":
            pass
        assert outcome.status == "built"
    finally:
        stop.set()
        thread.join(timeout=30)


def _big_project(root: Path, copies: int = 60) -> Path:
    """The watched project with many more articles: a build that takes a while."""
    project = make_project(root)
    text = (SAMPLE / "impossible.txt").read_text(encoding="utf-8")
    for n in range(copies):
        (project / "elsewhere" / f"more-{n:02}.txt").write_text(text, encoding="utf-8")
    spec = project / "content" / "watched.toml"
    spec.write_text(SPEC.replace("../elsewhere/more.txt", "../elsewhere/*.txt"),
                    encoding="utf-8")
    return project


@pytest.fixture
def load() -> Iterator[None]:
    """Two processes that burn a core each, for as long as the test runs."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for b in burners:
            b.kill()
            b.wait()


@pytest.mark.parametrize("moment", ["during the first build", "during a rebuild", "idle"])
def test_ctrl_c_stops_the_watch_at_any_moment_under_load(tmp_path: Path, load: None,
                                                         moment: str) -> None:
    project = _big_project(tmp_path / "p")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "bookmaker.cli", "watch", "-v"],
                            cwd=project, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr or ()],
                     daemon=True).start()

    def until(prefix: str) -> str:
        while True:
            line = lines.get(timeout=120)
            if line.startswith(prefix):
                return line

    try:
        until("watched-book.html: reading")
        if moment != "during the first build":
            until("watching ")
        if moment == "during a rebuild":
            (project / "elsewhere" / "more-00.txt").write_text(MORE, encoding="utf-8")
            until("watched-book.html: reading")
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0  # generous: it takes well under a second
        took = time.monotonic() - sent
        assert until("stopped watching")
        print(f"\n{moment}: stopped {took:.3f} s after Ctrl-C")  # noqa: T201 - measured
    finally:
        if proc.poll() is None:
            proc.kill()
    book = project / "dist" / "watched-book.html"
    # an interrupted build leaves the book whole or absent, and nothing half-written
    assert not book.exists() or book.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert [p.name for p in (project / "dist").glob("*") if not p.name.startswith(".")] in (
        [], ["watched-book.html"], ["SHA256SUMS", "watched-book.html"],
        ["watched-book.html", "SHA256SUMS"])


LOSES_ONE = """
import signal, sys, time
import bookmaker
from bookmaker.make.targets import Reporter

class Losing(Reporter):
    lost = 0

    def stage(self, target, stage, done=0, total=0):
        if Losing.lost:
            return
        try:  # (said inside: the Ctrl-C is sent once it is read, and lands in here)
            print("building", flush=True)
            time.sleep(120)  # the first Ctrl-C lands here...
        except KeyboardInterrupt:  # ...and is lost, as Python loses one in a finaliser
            while True:  # (the watch's next Ctrl-C waits until "lost" is said, even
                try:     # on a machine too busy to say it within the watch's 0.25 s)
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                    break
                except KeyboardInterrupt:
                    continue
            Losing.lost += 1
            print("lost", flush=True)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
            time.sleep(120)  # the build would go on

outcomes = []
try:
    bookmaker.watch(sys.argv[1], reporter=Losing, report=outcomes.append)
except KeyboardInterrupt:
    print("interrupted", flush=True)
print([o.status for o in outcomes], flush=True)
"""


def test_a_lost_keyboard_interrupt_does_not_keep_the_build_going(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", LOSES_ONE, str(project)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "building\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # not the two minutes the build would take
        assert proc.returncode == 0, err
        assert out.splitlines() == ["lost", "interrupted", "[]"]  # the build did not finish
    finally:
        if proc.poll() is None:
            proc.kill()
