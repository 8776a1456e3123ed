"""Where a build server listens: a Unix socket's address holds at most 107
bytes, so a runtime folder too deep for one falls back to the temporary
folder (as a missing one does), the same for the client and the server."""

from __future__ import annotations

import os
from pathlib import Path

from bookmaker.serve.protocol import socket_path


def test_the_runtime_folder_holds_the_socket(tmp_path: Path) -> None:
    path = socket_path({"XDG_RUNTIME_DIR": str(tmp_path), "TMPDIR": "/elsewhere"})
    assert Path(path).parent == tmp_path / "bookmaker"


def test_a_runtime_folder_too_deep_for_a_socket_falls_back_to_the_temporary_folder(
        tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    short = tmp_path / "t"
    path = socket_path({"XDG_RUNTIME_DIR": str(deep), "TMPDIR": str(short)})
    assert Path(path).parent == short / f"bookmaker-{os.getuid()}"
    assert len(os.fsencode(path)) < 108


def test_a_temporary_folder_too_deep_falls_back_to_tmp(tmp_path: Path) -> None:
    deep = str(tmp_path / ("d" * 120))
    path = socket_path({"TMPDIR": deep})
    assert Path(path).parent == Path("/tmp") / f"bookmaker-{os.getuid()}"
