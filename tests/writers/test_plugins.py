"""Writers are plug-ins: built-ins, entry points, duplicates and unknown names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookmaker import WriterError, get_writer, writers
from bookmaker.writers import Writer

from helpers import ROOT

PLUGIN = '''
from pathlib import Path

class ShoutWriter:
    name = "shout"
    suffix = ".shout.txt"

    def write(self, book, target, options):
        lines = [book.metadata.title.upper()]
        lines += [ch.article.title.upper() for ch in book.chapters]
        Path(target).write_text("\\n".join(lines) + "\\n", encoding="utf-8")
'''


def make_plugin(where: Path, name: str = "shout", target: str = "shoutwriter:ShoutWriter") -> Path:
    """A tiny installed package: a module plus dist-info declaring the entry point."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "shoutwriter.py").write_text(PLUGIN, encoding="utf-8")
    info = where / "shoutwriter-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shoutwriter\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[bookmaker.writers]\n{name} = {target}\n")
    return where


def run_cli(*args: str, pythonpath: Path | None = None, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env or {})}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-m", "bookmaker.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def test_builtin_writers_are_registered() -> None:
    assert {"epub", "pdf", "html"} <= set(writers())
    for name in ("epub", "pdf", "html"):
        w = get_writer(name)
        assert isinstance(w, Writer) and w.name == name


def test_unknown_writer_lists_the_known_ones() -> None:
    with pytest.raises(WriterError, match="known writers: .*epub.*html.*pdf"):
        get_writer("docx")


def test_a_writer_from_another_package_builds_by_name(tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path / "site")
    out = tmp_path / "out"
    seed = ROOT / "content" / "sample" / "offensive.txt"
    listed = run_cli("writers", pythonpath=plugin)
    assert "shout" in listed.stdout
    result = run_cli("book", str(seed), "--title", "Loud", "--format", "shout", "--out", str(out),
                     pythonpath=plugin)
    assert result.returncode == 0, result.stderr
    assert (out / "loud.shout.txt").read_text() == "LOUD\nLET US REENFORCE OUR OFFENSIVE!\n"


def test_two_writers_with_one_name_are_an_error(tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path / "site", name="epub")
    result = run_cli("writers", pythonpath=plugin)
    assert result.returncode == 6
    assert "two writers are named 'epub'" in result.stderr
    assert "Traceback" not in result.stderr
