"""`bookmaker build --scheduler`: the targets and the PDF's chapters on a running
Dask scheduler (a LocalCluster the test starts), the books the same bytes as
a build on this machine's own processes."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import distributed  # in the test extra: this runs wherever the suite does
import pytest

from bookmaker import build
from bookmaker.errors import UsageError

from helpers import copy_project

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    # In this process, one worker of one thread: light on a shared machine, and
    # a PDF target that waits for its chapters must not hold the only thread.
    # Over TCP, not in-process: the command line's builds are other processes.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as running:
        yield running
    gc.collect()  # WeasyPrint's font configurations, laid out here, freed before the exit


def _project(where: Path) -> Path:
    root = copy_project(where)
    spec = root / "content" / "sample.toml"
    # laid out in parts: the chapters are tasks of their own
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'formats = ["epub", "pdf"]', 'formats = ["epub", "pdf"]\n\n[options.pdf]\nlayout = "parallel"'),
        encoding="utf-8")
    return root


def _books(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "dist").iterdir())}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The books as a build on this machine's own processes makes them (one build
    for every test here)."""
    root = _project(tmp_path_factory.mktemp("reference"))
    done = _cli("build", "-C", str(root), env={})
    assert done.returncode == 0, done.stderr
    return _books(root)


def _tasks(cluster: distributed.LocalCluster) -> set[str]:
    """The names of the functions the scheduler has run tasks of."""
    return set(cluster.scheduler.task_prefixes)


def test_the_targets_and_the_chapters_go_to_the_scheduler(
        cluster: distributed.LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        reference: dict[str, bytes]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    there = _project(tmp_path / "there")
    outcomes = build(there, scheduler=cluster.scheduler_address)
    assert [(o.target.name, o.status) for o in outcomes] == [
        ("trotsky-two-articles.epub", "built"), ("trotsky-two-articles.pdf", "built")], \
        [o.error for o in outcomes]
    assert {"run_target", "render_segment"} <= _tasks(cluster)  # (the names lose a leading _)
    assert _books(there) == reference  # SHA256SUMS too
    # and it is a build like any other: nothing to do the second time, no connection needed
    assert {o.status for o in build(there, scheduler="tcp://127.0.0.1:9")} == {"up to date"}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bookmaker", *args], capture_output=True,
                          text=True, timeout=600,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH,
                               "BOOKMAKER_NO_SERVER": "1", **env})


@pytest.mark.parametrize("how", ["option", "environment"])
def test_build_scheduler_on_the_command_line(cluster: distributed.LocalCluster, tmp_path: Path,
                                             how: str, reference: dict[str, bytes]) -> None:
    root = _project(tmp_path / "p")
    address = cluster.scheduler_address
    args = ["build", "-C", str(root)] + (["--scheduler", address] if how == "option" else [])
    env = {"BOOKMAKER_SCHEDULER": address} if how == "environment" else {}
    done = _cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(_books(root)) == ["SHA256SUMS", "trotsky-two-articles.epub",
                                    "trotsky-two-articles.pdf"]
    assert _books(root) == reference


def test_a_scheduler_that_cannot_be_reached_is_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bookmaker.make import scheduler

    monkeypatch.setattr(scheduler, "CONNECT_TIMEOUT", "0.5s")
    root = _project(tmp_path / "p")
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        build(root, scheduler="tcp://127.0.0.1:9")
    assert not (root / "dist" / "trotsky-two-articles.pdf").exists()
    done = _cli("build", "-C", str(root), "--scheduler", "nonsense://nowhere", env={})
    assert done.returncode == 2, done.stderr
    assert "cannot reach the Dask scheduler at 'nonsense://nowhere'" in done.stderr
    assert "Traceback" not in done.stderr
    shutil.rmtree(root)
