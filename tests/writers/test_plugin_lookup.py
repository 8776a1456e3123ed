"""Installed writers: a spec naming one builds with it, a package declaring a
built-in name stops the build, and the scan of the installed packages is
remembered until the import path changes."""

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


def test_a_built_in_name_taken_by_a_package_is_an_error(tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path / "site", name="epub")
    project = _project(tmp_path / "book", "epub")
    result = run_cli("build", "-C", str(project), pythonpath=plugin)
    assert result.returncode != 0
    assert "two writers are named 'epub'" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "dist" / "loud.epub").exists()
    assert run_cli("writers", pythonpath=plugin).returncode == 6


def test_the_scan_is_remembered_and_asked_again_when_the_path_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache)}
    first = make_plugin(tmp_path / "one", name="shout")
    assert "\nshout\t" in run_cli("writers", pythonpath=first, env=env).stdout
    remembered = list((cache / "bookmaker").glob("entry-points-*.json"))
    assert remembered
    second = make_plugin(tmp_path / "two", name="whisper")
    listed = run_cli("writers", pythonpath=second, env=env).stdout
    assert "\nwhisper\t" in listed and "\nshout\t" not in listed
    # one file per group and interpreter, whatever the import path: a user who
    # builds in many folders does not collect a file for each
    assert sorted((cache / "bookmaker").glob("entry-points-*.json")) == sorted(remembered)
    for entry in remembered:                       # a damaged entry is asked again
        entry.write_text("{not json", encoding="utf-8")
    assert "\nshout\t" in run_cli("writers", pythonpath=first, env=env).stdout


def test_files_an_earlier_release_left_are_removed(tmp_path: Path) -> None:
    """Releases before kept a file per import path (one per folder built in)."""
    folder = tmp_path / "cache" / "bookmaker"
    folder.mkdir(parents=True)
    old = folder / ("entry-points-" + "0123456789abcdef" * 2 + ".json")
    old.write_text("[]", encoding="utf-8")
    run_cli("writers", env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert not old.exists()
    assert len(list(folder.glob("entry-points-*.json"))) >= 1
