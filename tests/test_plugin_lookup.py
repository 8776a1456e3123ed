"""Installed writers are looked up only for names that are not built in: a
spec naming one builds with it, and a build with built-in writers only is not
stopped by an installed package that declares a built-in name."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import ROOT
from test_plugins import make_plugin, run_cli

SPEC = """
articles = ["offensive.txt"]

[book]
title = "Loud"
authors = ["Leon Trotsky"]

[options]
formats = ["{fmt}"]
"""


def _project(where: Path, fmt: str) -> Path:
    content = where / "content"
    content.mkdir(parents=True)
    shutil.copy(ROOT / "content" / "sample" / "offensive.txt", content / "offensive.txt")
    (content / "loud.toml").write_text(SPEC.format(fmt=fmt), encoding="utf-8")
    return where


def test_a_spec_builds_with_an_installed_writer(tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path / "site")
    project = _project(tmp_path / "book", "shout")
    result = run_cli("build", "-C", str(project), pythonpath=plugin)
    assert result.returncode == 0, result.stderr
    assert (project / "dist" / "loud.shout.txt").read_text().startswith("LOUD\n")


def test_an_unknown_format_names_the_installed_writers(tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path / "site")
    project = _project(tmp_path / "book", "docx")
    result = run_cli("build", "-C", str(project), pythonpath=plugin)
    assert result.returncode != 0
    assert "shout" in result.stderr and "docx" in result.stderr


def test_a_built_in_name_taken_by_a_package_still_builds_with_the_built_in(
        tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path / "site", name="epub")
    project = _project(tmp_path / "book", "epub")
    result = run_cli("build", "-C", str(project), pythonpath=plugin)
    assert result.returncode == 0, result.stderr
    assert (project / "dist" / "loud.epub").read_bytes()[:2] == b"PK"
    assert run_cli("writers", pythonpath=plugin).returncode == 6  # and it is reported
