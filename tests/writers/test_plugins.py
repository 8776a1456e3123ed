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


TYPED = '''
from dataclasses import dataclass
from pathlib import Path

from bookmaker.errors import WriterError
from bookmaker.writers import WriteOptions


@dataclass(frozen=True)
class LoudOptions(WriteOptions):
    volume: int = 1

    def __post_init__(self):
        if not isinstance(self.volume, int) or self.volume < 1:
            raise WriterError("a whole number from 1 is expected", key="volume")


class LoudWriter:
    name = "loud"
    suffix = ".loud.txt"
    options_type = LoudOptions

    def write(self, book, target, options, runtime):
        Path(target).write_text(book.metadata.title.upper() + "!" * options.volume + "\\n")


class PlainWriter:  # written before writers declared their options
    name = "plain"
    suffix = ".plain.txt"

    def write(self, book, target, options):
        Path(target).write_text(repr(sorted(options.extra.items())) + "\\n")
'''


@pytest.fixture
def typed_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    registry = sys.modules["bookmaker.writers"]  # the attribute bookmaker.writers is the function

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "typedwriters.py").write_text(TYPED, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    declared = registry._declared
    monkeypatch.setattr(registry, "_declared", lambda: {
        **declared(), "loud": "typedwriters:LoudWriter", "plain": "typedwriters:PlainWriter"})
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.txt").write_text((ROOT / "content" / "sample" / "offensive.txt")
                                            .read_text(encoding="utf-8"), encoding="utf-8")
    return root


def _spec(root: Path, tables: str) -> Path:
    path = root / "content" / "book.toml"
    path.write_text('articles = ["a.txt"]\n[book]\ntitle = "Loud"\nauthors = ["L. T."]\n'
                    'licence = "CC-BY-SA-2.0"\n[options]\nformats = ["loud", "plain"]\n' + tables,
                    encoding="utf-8")
    return path


def test_a_plugin_declares_its_options_and_gets_them_typed(typed_plugins: Path) -> None:
    from bookmaker import build, load_spec

    spec = load_spec(_spec(typed_plugins, '[options.loud]\nvolume = 3\n[options.plain]\nany = "x"\n'))
    assert type(spec.writer_options["loud"]).__name__ == "LoudOptions"
    assert spec.writer_options["loud"].volume == 3
    outcomes = build(typed_plugins)
    assert [o.status for o in outcomes] == ["built", "built"], [o.error for o in outcomes]
    dist = typed_plugins / "dist"
    assert (dist / "loud.loud.txt").read_text() == "LOUD!!!\n"
    # a writer without an options type has its table unchecked, as before
    assert (dist / "loud.plain.txt").read_text() == "[('any', 'x')]\n"


@pytest.mark.parametrize("table, key, words", [
    ("colour = 1", "options.loud.colour", "unknown key 'colour'; allowed: volume"),
    ("volume = 0", "options.loud.volume", "found 0: a whole number from 1"),
])
def test_a_plugins_options_are_checked_by_its_type(typed_plugins: Path, table: str, key: str,
                                                   words: str) -> None:
    from bookmaker import SpecError, load_spec

    with pytest.raises(SpecError) as info:
        load_spec(_spec(typed_plugins, f"[options.loud]\n{table}\n"))
    assert info.value.key == key and words in info.value.message
