"""The wheel carries the built-in themes: an installed bookmaker works outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT


def test_an_installed_wheel_builds_a_book_outside_the_repository(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(tmp_path / "wheel"), str(ROOT)], capture_output=True, text=True,
                           timeout=600)
    if built.returncode != 0:
        pytest.skip(f"no wheel could be built here: {built.stderr[-300:]}")
    wheel = next((tmp_path / "wheel").glob("bookmaker-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "bookmaker/themes/default/theme.toml" in names
        assert "bookmaker/themes/default/templates/book.html.j2" in names
        assert {"bookmaker/themes/us-trade/theme.toml", "bookmaker/themes/us-trade/common.css",
                "bookmaker/themes/us-trade/print.css"} <= set(names)
        assert "bookmaker/py.typed" in names  # type checkers read the package's own types
        z.extractall(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = ("import bookmaker, pathlib;"
              "assert pathlib.Path(bookmaker.__file__).is_relative_to(pathlib.Path(r'%s'));"
              "book = bookmaker.assemble([bookmaker.read_article(r'%s')], bookmaker.Metadata(title='W'));"
              "bookmaker.write_book(book, 'w.epub', 'epub')") % (
        tmp_path / "site", ROOT / "content" / "sample" / "offensive.txt")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    ran = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert (elsewhere / "w.epub").stat().st_size > 0
