"""The cache keeps what the books use and loses the rest: entries an edit left
behind are removed (by `bookmaker clean --unused`, and by builds themselves
from time to time), and what is kept is enough for any later build to read
no article again."""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from bookmaker.make.clean import clean
from bookmaker.make.run import build
from bookmaker.make.state import CACHE_DIR
from bookmaker.make.targets import Outcome
from bookmaker.errors import BookmakerError
from bookmaker.cache.ledger import Recording, read_ledger, sweep, write_ledger
from helpers import ROOT, KeptProject, run_cli as run

sweep_module = importlib.import_module("bookmaker.make.sweep")  # where the build sweeps

SPEC = """
[book]
title = "{title}"
authors = ["Leon Trotsky"]
date = "2016-01-05"

[options]
formats = ["epub", "pdf"]

[options.pdf]
layout = "parallel"

[[articles]]
path = "sample/*.txt"
"""


def _project(root: Path, title: str = "Two Articles") -> Path:
    shutil.copytree(ROOT / "content" / "sample", root / "content" / "sample")
    (root / "content" / "book.toml").write_text(SPEC.format(title=title), encoding="utf-8")
    return root


def _second_book(project: Path, article: str) -> None:
    """`just-one`: an EPUB of one of the articles."""
    spec = SPEC.format(title="Just One").replace('"sample/*.txt"', f'"sample/{article}"')
    (project / "content" / "one.toml").write_text(spec.replace('"epub", "pdf"', '"epub"'),
                                                  encoding="utf-8")


def _edit(project: Path, n: int) -> None:
    path = project / "content" / "sample" / "impossible.txt"
    text = path.read_text(encoding="utf-8")
    at = text.index("\n\n", text.index("\nB. "))
    path.write_text(text[:at] + f" An edit, number {n}." + text[at:], encoding="utf-8")


def _entries(project: Path) -> Counter[str]:
    """How many entries each kind of cache holds (the top files and ledgers aside)."""
    cache = project / CACHE_DIR
    kinds: Counter[str] = Counter()
    for path in cache.rglob("*"):
        rel = path.relative_to(cache)
        if path.is_file() and len(rel.parts) > 1 and rel.parts[0] != "ledgers":
            kinds["/".join(p for p in rel.parts[:-1] if len(p) != 2 or p == "pdf")] += 1
    return kinds


def _built(outcomes: list[Outcome]) -> None:
    assert all(o.status == "built" for o in outcomes), outcomes


class _Template(KeptProject):
    """The project built once, kept as built (see KeptProject)."""

    def __init__(self, where: Path) -> None:
        project = _project(where / "p")
        _built(build(project))
        super().__init__(project, where / "kept")

    def restore(self, clear: bool = True) -> Path:
        project = super().restore(clear)
        # the copy's cache is the built one's: nothing to build (and the
        # state's stat cache has the copy's inodes, as a build leaves it)
        outcomes = build(project)
        assert outcomes and all(o.status == "up to date" for o in outcomes), outcomes
        assert _entries(project) == _entries(self.kept)
        return project


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> _Template:
    return _Template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def built(template: _Template) -> Path:
    """The project built once (the template's, put back as built)."""
    return template.restore()


def test_after_edits_the_unused_entries_go_and_the_cache_is_a_cold_builds(
        built: Path, tmp_path: Path) -> None:
    project = built
    for n in range(3):
        _edit(project, n)
        _built(build(project))
    grown = _entries(project)
    removed = clean(project, unused=True)
    assert removed and all(CACHE_DIR in str(p) and not p.exists() for p in removed)
    assert (project / "dist" / "two-articles.epub").is_file()  # the books stay

    cold = _project(tmp_path / "cold")
    shutil.copy(project / "content" / "sample" / "impossible.txt",
                cold / "content" / "sample" / "impossible.txt")
    _built(build(cold))
    assert _entries(project) == _entries(cold) != grown
    assert clean(cold, unused=True) == []  # a cold build uses every entry it makes


def test_what_is_kept_makes_every_chapter_again_without_reading_an_article(
        built: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = built
    _edit(project, 1)
    _built(build(project))  # the other chapter comes from the cache: its text is not read
    assert clean(project, unused=True)
    spec = project / "content" / "book.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Two Articles", "A New Title"),
                    encoding="utf-8")  # every chapter's document and page made again
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="bookmaker"):
        _built(build(project))
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if m.startswith("read ") or "reading it again" in m], messages


def test_builds_sweep_by_themselves(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = built
    settled = _entries(project)
    monkeypatch.setattr(sweep_module, "_SWEEP_MIN", 1)  # a sweep after every build
    monkeypatch.setattr(sweep_module, "_SWEEP_SHARE", 0)
    for n in range(3):
        _edit(project, n)
        _built(build(project))
        assert _entries(project) == settled  # one edit's new entries replace its old ones
    state = json.loads((project / CACHE_DIR / "state.json").read_bytes().partition(b"\n")[2])
    assert state["cache"]["made"] == 0 and state["cache"]["kept"] > 0


def test_a_gone_book_loses_its_entries_and_the_other_keeps_its_own(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = _project(tmp_path)
    _second_book(project, "impossible.txt")
    _built(build(project))
    assert clean(project, unused=True) == []
    (project / "content" / "book.toml").unlink()
    assert clean(project, unused=True)
    ledgers = list((project / CACHE_DIR / "ledgers").iterdir())
    assert [read_ledger(p)[0] for p in ledgers] == [project / "content" / "one.toml"]
    assert not (project / CACHE_DIR / "pdf").exists()  # only the gone book had a PDF
    assert clean(project, unused=True) == []  # its books in dist/ hold no sweep back
    with caplog.at_level(logging.DEBUG, logger="bookmaker"):
        (project / "dist" / "just-one.epub").unlink()  # built again from the cache
        _built(build(project, books=["just-one"]))
    assert not [r for r in caplog.records if r.getMessage().startswith("read ")]


def test_no_sweep_while_a_built_book_has_no_ledger(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache from before ledgers (or a lost ledger): the book's entries are
    not known, so nothing is removed until it is built again."""
    project = _project(tmp_path)
    _second_book(project, "offensive.txt")
    _built(build(project))
    name = sweep_module.ledger_name(project / "dist" / "just-one.epub")
    (project / CACHE_DIR / "ledgers" / f"{name}.json").unlink()
    monkeypatch.setattr(sweep_module, "_SWEEP_MIN", 1)
    monkeypatch.setattr(sweep_module, "_SWEEP_SHARE", 0)
    _edit(project, 1)
    _built(build(project, books=["two-articles"]))
    grown = _entries(project)
    with pytest.raises(BookmakerError, match="no list yet") as error:
        clean(project, unused=True)
    assert error.value.path == str(project / "dist" / "just-one.epub")
    assert _entries(project) == grown
    _built(build(project, books=["just-one"], force=True))
    assert clean(project, unused=True)
    assert _entries(project) != grown


def test_a_failed_build_keeps_the_entries_of_its_last_good_one(built: Path) -> None:
    project = built
    before = _entries(project)
    article = project / "content" / "sample" / "impossible.txt"
    kept = article.read_bytes()
    article.write_bytes(b"\xff\xfe not text")
    assert {o.status for o in build(project)} == {"failed"}
    clean(project, unused=True)
    assert _entries(project) == before
    article.write_bytes(kept)
    _built(build(project))
    assert clean(project, unused=True) == []


def test_the_sweep_keeps_listed_pinned_and_recent_entries(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    owner = tmp_path / "book.toml"
    owner.write_text("", encoding="utf-8")
    names = ["a/listed", "a/unlisted", "pinned/x/one", "b/recent", "specs/toml/s"]
    for name in names:
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(b"x")
    old = time.time() - 60
    for name in names[:-2]:
        os.utime(cache / name, (old, old))
    os.utime(cache / "specs/toml/s", (old, old))
    (cache / "state.json").write_text("{}", encoding="utf-8")
    rec = Recording()
    rec.paths |= {str(cache / "a" / "listed"), os.path.join(str(cache / "pinned"), ""),
                  str(tmp_path / "elsewhere")}
    write_ledger(cache, "book", owner, rec)
    (cache / "ledgers" / "damaged.json").write_text("{not json", encoding="utf-8")
    result = sweep(cache, before=time.time() - 1, also=lambda o: ["specs/toml/s"])
    assert sorted(p.relative_to(cache).as_posix() for p in result.removed) == ["a/unlisted"]
    assert (cache / "state.json").is_file() and (cache / "b" / "recent").is_file()
    assert sorted(p.name for p in (cache / "ledgers").iterdir()) == ["book.json"]
    owner.unlink()  # the book is gone: its ledger and its entries with it
    result = sweep(cache)
    assert not (cache / "ledgers" / "book.json").exists()
    assert not (cache / "a").exists() and not (cache / "pinned").exists()


def test_clean_unused_on_the_command_line(built: Path) -> None:
    project = built
    _edit(project, 1)
    _built(build(project))
    code, _, err = run("clean", "--unused", "-C", str(project))
    assert code == 0 and err.startswith("removed ") and "unused cache entries" in err, err
    assert (project / "dist" / "two-articles.pdf").is_file()
    assert run("clean", "--unused", "-C", str(project))[2].startswith("removed 0 unused")
