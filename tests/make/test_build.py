"""Make-style builds: stale detection for each kind of dependency, dry runs,
parallel and pluggable executors, atomic writes (under SIGKILL: test_faults.py),
reproducible outputs, SHA256SUMS, clean, the cache's self-checks, progress."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import bookmaker
from bookmaker.make.load import load_book
from bookmaker.make.plan import plan
from bookmaker.make.clean import clean
from bookmaker.make.run import build
from bookmaker.errors import SourceError, SpecError, WriterError
from bookmaker.make.progress import LiveReporter, PlainReporter, make_reporter
from bookmaker.make.spec import load_spec
from bookmaker.make.state import CACHE_DIR, STATE_FILE
from bookmaker.make.targets import Outcome, Reporter, Target

from helpers import ROOT, copy_project

build_module = sys.modules["bookmaker.make.run"]  # the attribute bookmaker.build is the function

SAMPLE = ROOT / "content" / "sample"
PYTHON = sys.executable

SPEC = """
[book]
title = "Small Book"
authors = ["Leon Trotsky"]
date = "2016-01-05"
licence = "CC-BY-SA-2.0"

[front]
preface = "preface.md"

[options]
formats = ["html"]
theme = "../theme"

[[articles]]
path = "sample/*.txt"
"""


def make_project(root: Path, spec: str = SPEC, name: str = "small.toml",
                 theme: bool = True) -> Path:
    """A project: the sample articles, a preface, a copy of the default theme."""
    content = root / "content"
    shutil.copytree(SAMPLE, content / "sample")
    (content / "preface.md").write_text("# Preface\n\nWhy *these* two.\n", encoding="utf-8")
    if theme:
        shutil.copytree(ROOT / "bookmaker" / "themes" / "default", root / "theme")
    (content / name).write_text(spec, encoding="utf-8")
    return root


def statuses(outcomes: list[Outcome]) -> dict[str, str]:
    return {o.target.name: o.status for o in outcomes}


def reasons(project: Path) -> dict[str, str | None]:
    return {s.target.name: s.reason for s in plan(project)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "p")
    assert statuses(build(root)) == {"small-book.html": "built"}
    return root


# --- make semantics ---------------------------------------------------------------------------

def test_an_option_the_writer_does_not_use_is_not_in_its_fingerprint(project: Path) -> None:
    # [options] notes is the EPUB's: the HTML's options are what they were
    edit(project / "content" / "small.toml", 'theme = "../theme"', 'theme = "../theme"\nnotes = "book"')
    assert reasons(project)["small-book.html"] == "content/small.toml changed"


def test_second_build_does_nothing(project: Path) -> None:
    before = (project / "dist" / "small-book.html").stat().st_mtime_ns
    outcomes = build(project)
    assert statuses(outcomes) == {"small-book.html": "up to date"}
    assert (project / "dist" / "small-book.html").stat().st_mtime_ns == before


def test_touching_without_changing_is_not_a_change(project: Path) -> None:
    article = project / "content" / "sample" / "offensive.txt"
    os.utime(article, ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))
    assert reasons(project) == {"small-book.html": None}


# One test per kind of dependency: change it, and the target is stale for that reason.
def _article(p: Path) -> None:
    with open(p / "content" / "sample" / "offensive.txt", "a", encoding="utf-8") as fh:
        fh.write("\nOne more paragraph.\n")


def _new_article(p: Path) -> None:
    (p / "content" / "sample" / "zzz.txt").write_text(
        "Leon Trotsky\n\nA New One\n\n(1933)\n\nCopyleft: Creative Commons Attribution-ShareAlike 2.0."
        "\n\nText of the new one.\n", encoding="utf-8")


def _spec(p: Path) -> None:
    edit(p / "content" / "small.toml", 'title = "Small Book"', 'title = "Small Book"\nseries = "S"')


def _front(p: Path) -> None:
    edit(p / "content" / "preface.md", "Why", "Why, again,")


def _css(p: Path) -> None:
    with open(p / "theme" / "common.css", "a", encoding="utf-8") as fh:
        fh.write("\np { color: black; }\n")


def _template(p: Path) -> None:
    with open(p / "theme" / "templates" / "_chapter.j2", "a", encoding="utf-8") as fh:
        fh.write("\n")


def _writer_options(p: Path) -> None:
    # the same theme files from another folder: only the writer's options differ
    shutil.copytree(p / "theme", p / "theme2")
    edit(p / "content" / "small.toml", 'theme = "../theme"', 'theme = "../theme2"')


@pytest.mark.parametrize("change, reason", [
    (_article, "content/sample/offensive.txt changed"),
    (_new_article, "content/sample/zzz.txt added"),
    (_spec, "content/small.toml changed"),
    (_front, "content/preface.md changed"),
    (_css, "theme file common.css changed"),
    (_template, "theme file templates/_chapter.j2 changed"),
    (_writer_options, "writer options changed"),
])
def test_each_kind_of_dependency_makes_the_target_stale(project: Path, change, reason: str) -> None:  # noqa: ANN001
    change(project)
    found = reasons(project)["small-book.html"]
    assert found and reason in found, found
    assert statuses(build(project)) == {"small-book.html": "built"}
    assert reasons(project) == {"small-book.html": None}


def test_removed_article_makes_the_target_stale(project: Path) -> None:
    (project / "content" / "sample" / "impossible.txt").unlink()
    found = reasons(project)["small-book.html"]
    assert found and "content/sample/impossible.txt removed" in found


def test_a_font_change_makes_the_target_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A theme whose fonts come from a package of our own, so that a font can change.
    from bookmaker.theme import load_theme
    fonts = tmp_path / "pkgs" / "myfonts"
    shutil.copytree(load_theme("default").font_dir, fonts / "files")
    (fonts / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    root = make_project(tmp_path / "p")
    edit(root / "theme" / "theme.toml", 'package = "font_source_serif_pro"', 'package = "myfonts"')
    load_theme.cache_clear()
    assert statuses(build(root)) == {"small-book.html": "built"}
    font = sorted((fonts / "files").glob("*.otf"))[0]
    with open(font, "ab") as fh:
        fh.write(b"\0")
    found = reasons(root)["small-book.html"]
    assert found and f"font {font.name} changed" in found


def test_the_spec_templates_folder_is_a_dependency(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", SPEC.replace('theme = "../theme"',
                                                     'theme = "../theme"\ntemplates = "tpl"'))
    (root / "content" / "tpl").mkdir()
    (root / "content" / "tpl" / "notes.txt").write_text("x")
    assert statuses(build(root)) == {"small-book.html": "built"}
    (root / "content" / "tpl" / "notes.txt").write_text("y")
    assert "content/tpl/notes.txt changed" in (reasons(root)["small-book.html"] or "")


def test_a_new_bookmaker_version_rebuilds(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bookmaker.version, "__version__", "99.0")  # where the build reads it
    assert "bookmaker version changed" in (reasons(project)["small-book.html"] or "")


def test_source_date_epoch_is_a_dependency(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert "SOURCE_DATE_EPOCH changed" in (reasons(project)["small-book.html"] or "")


def test_force_rebuilds_anyway(project: Path) -> None:
    outcomes = build(project, force=True)
    assert [(o.status, o.reason) for o in outcomes] == [("built", "forced")]


def test_a_missing_output_is_rebuilt(project: Path) -> None:
    (project / "dist" / "small-book.html").unlink()
    assert reasons(project) == {"small-book.html": "output missing"}


def test_only_the_named_books_are_built(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "content" / "other.toml").write_text(SPEC.replace("Small Book", "Other Book"))
    assert statuses(build(root, ["other"])) == {"other-book.html": "built"}
    assert statuses(build(root, ["small-book"])) == {"small-book.html": "built"}
    assert statuses(build(root, [str(root / "content" / "other.toml")])) == {
        "other-book.html": "up to date"}
    with pytest.raises(SpecError, match="no book named 'nope'.*other-book, small-book"):
        build(root, ["nope"])


def test_two_books_with_one_slug_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "content" / "copy.toml").write_text(SPEC)
    with pytest.raises(SpecError, match="slug 'small-book' is also the slug of"):
        plan(root)


def test_no_specs_is_a_spec_error(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    with pytest.raises(SpecError, match="no book specs found"):
        build(tmp_path)


# --- the cache is checked, never trusted ------------------------------------------------------------

def _read_state(path: Path) -> dict:
    """The state's JSON (after its digest's line)."""
    return json.loads(path.read_bytes().partition(b"\n")[2])


def _write_state(path: Path, data: dict) -> None:
    """A state of `data`, with the digest that makes it trusted."""
    import hashlib

    body = json.dumps(data).encode()
    path.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def test_a_corrupt_cache_means_rebuild(project: Path) -> None:
    state = project / CACHE_DIR / STATE_FILE
    state.write_text("{not json")
    assert reasons(project) == {"small-book.html": "never built here"}
    assert statuses(build(project)) == {"small-book.html": "built"}
    data = _read_state(state)
    assert data["version"] == 3


def test_a_malformed_cache_entry_is_not_trusted(project: Path) -> None:
    state = project / CACHE_DIR / STATE_FILE
    data = _read_state(state)
    key = next(iter(data["targets"]))
    data["targets"][key]["deps"] = {"x": 1}
    _write_state(state, data)
    assert reasons(project) == {"small-book.html": "never built here"}


def test_a_stale_stat_cache_entry_is_not_trusted(project: Path) -> None:
    # The stat cache says "unchanged" only for the very same size, mtime and inode.
    article = project / "content" / "sample" / "offensive.txt"
    state = project / CACHE_DIR / STATE_FILE
    data = _read_state(state)
    data["files"][str(article)] = [1, 2, 3, "0" * 64]
    _write_state(state, data)
    assert reasons(project) == {"small-book.html": None}


def test_an_output_changed_by_hand_is_rebuilt(project: Path) -> None:
    out = project / "dist" / "small-book.html"
    out.write_text("truncated")
    assert reasons(project) == {"small-book.html": "output changed since it was built"}


def test_a_noop_build_reads_no_article(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise AssertionError("read an article in a no-op build")
    monkeypatch.setattr("bookmaker.readers.read_article", boom)
    monkeypatch.setattr(build_module, "load_book", boom)
    assert statuses(build(project)) == {"small-book.html": "up to date"}


def test_a_noop_build_does_not_import_weasyprint(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    shutil.copytree(tmp_path / "p" / "content", tmp_path / "q" / "content")
    code = ("import sys; from bookmaker import build; build(sys.argv[1]); "
            "print('weasyprint' in sys.modules)")
    # the first build needs WeasyPrint, the second must not
    for project, expected in ((root, "True"), (root, "False")):
        result = subprocess.run([PYTHON, "-c", code, str(project)], capture_output=True,
                                text=True, check=True)
        assert result.stdout.strip() == expected


# --- dry run ------------------------------------------------------------------------------------

def test_dry_run_says_what_and_why_and_writes_nothing(project: Path) -> None:
    _article(project)
    dist = project / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    state_before = (project / CACHE_DIR / STATE_FILE).read_bytes()
    outcomes = build(project, dry_run=True)
    assert [(o.status, o.reason) for o in outcomes] == [
        ("would build", "content/sample/offensive.txt changed")]
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    assert (project / CACHE_DIR / STATE_FILE).read_bytes() == state_before


def test_dry_run_of_a_fresh_project_creates_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    outcomes = build(root, dry_run=True)
    assert [(o.status, o.reason) for o in outcomes] == [("would build", "output missing")]
    assert not (root / "dist").exists() and not (root / CACHE_DIR).exists()


# --- parallel builds and pluggable executors ------------------------------------------------------

TWO_BOOKS = [("first.toml", SPEC.replace('["html"]', '["epub", "html"]')),
             ("second.toml", SPEC.replace("Small Book", "Second Book")
              .replace('["html"]', '["epub", "html"]'))]


def two_books(root: Path) -> Path:
    make_project(root, TWO_BOOKS[0][1], TWO_BOOKS[0][0])
    (root / "content" / TWO_BOOKS[1][0]).write_text(TWO_BOOKS[1][1], encoding="utf-8")
    return root


def test_parallel_build_gives_the_same_bytes(tmp_path: Path) -> None:
    one, two = two_books(tmp_path / "one"), two_books(tmp_path / "two")
    assert set(statuses(build(one, jobs=1)).values()) == {"built"}
    outcomes = build(two, jobs=2)
    assert len(outcomes) == 4 and {o.status for o in outcomes} == {"built"}
    names = sorted(p.name for p in (one / "dist").iterdir())
    assert names == ["SHA256SUMS", "second-book.epub", "second-book.html", "small-book.epub",
                     "small-book.html"]
    for name in names:
        assert (one / "dist" / name).read_bytes() == (two / "dist" / name).read_bytes(), name


class Recorder(Reporter):
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def stage(self, target: Target, stage: str, done: int = 0, total: int = 0) -> None:
        self.events.append((target.name, stage))

    def finished(self, outcome: Outcome) -> None:
        self.events.append((outcome.target.name, outcome.status))


def test_any_executor_can_run_the_targets(tmp_path: Path) -> None:
    root = two_books(tmp_path / "p")
    recorder = Recorder()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = build(root, executor=pool, reporter=recorder)
    assert {o.status for o in outcomes} == {"built"}
    assert ("small-book.epub", "writing epub") in recorder.events
    assert ("second-book.html", "built") in recorder.events
    # outcomes come back in plan order, whatever order they finished in
    assert [o.target.name for o in outcomes] == [s.target.name for s in plan(root)]


def test_stages_reach_the_reporter_from_worker_processes(tmp_path: Path) -> None:
    root = two_books(tmp_path / "p")
    recorder = Recorder()
    build(root, jobs=2, reporter=recorder)
    for name in ("small-book.epub", "second-book.html"):
        assert (name, "reading") in recorder.events and (name, "built") in recorder.events


# --- failures, atomic writes ----------------------------------------------------------------------

def test_a_failed_write_keeps_the_previous_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bookmaker.writers.html import HtmlWriter
    out = project / "dist" / "small-book.html"
    old = out.read_bytes()

    def half(self: HtmlWriter, book: object, target: Path, options: object, runtime: object) -> None:
        Path(target).write_text("<html><body>half a bo")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(HtmlWriter, "write", half)
    [outcome] = build(project, force=True)
    assert outcome.status == "failed" and outcome.exit_code == 1
    assert "disk on fire" in str(outcome.error) and "RuntimeError" in (outcome.traceback or "")
    assert out.read_bytes() == old
    assert sorted(p.name for p in out.parent.iterdir()) == ["SHA256SUMS", "small-book.html"]
    monkeypatch.undo()
    assert reasons(project)["small-book.html"] == "never built here"  # the failure is not recorded


def test_an_empty_output_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bookmaker.writers.html import HtmlWriter
    out = project / "dist" / "small-book.html"
    old = out.read_bytes()
    monkeypatch.setattr(HtmlWriter, "write", lambda self, book, target, options, runtime: None)
    [outcome] = build(project, force=True)
    assert outcome.status == "failed" and isinstance(outcome.error, WriterError)
    assert outcome.exit_code == 6 and out.read_bytes() == old


def test_one_failed_book_does_not_stop_the_others(tmp_path: Path) -> None:
    root = two_books(tmp_path / "p")
    (root / "content" / "broken").mkdir()
    (root / "content" / "broken" / "empty.txt").write_text("")
    edit(root / "content" / "second.toml", 'path = "sample/*.txt"', 'path = "broken/empty.txt"')
    outcomes = build(root)
    assert statuses(outcomes) == {"small-book.epub": "built", "small-book.html": "built",
                                  "second-book.epub": "failed", "second-book.html": "failed"}
    failed = [o for o in outcomes if o.status == "failed"]
    assert all(isinstance(o.error, SourceError) and o.exit_code == 4 for o in failed)
    assert "empty.txt" in str(failed[0].error)


def test_stale_temporaries_are_removed(project: Path) -> None:
    dist = project / "dist"
    (dist / ".small-book.html.abcd1234.tmp").write_text("half")
    (dist / ".keep-me").write_text("not ours")
    build(project)
    assert sorted(p.name for p in dist.iterdir()) == [".keep-me", "SHA256SUMS", "small-book.html"]


def test_temporary_names_are_new_and_cleaned_up(tmp_path: Path) -> None:
    """The temporaries a build writes are private, never reused, and named so
    that the next build recognises and removes one a killed build left."""
    import importlib

    from bookmaker.files import temp_beside

    target = tmp_path / "book.epub"
    (fd1, a), (fd2, b) = temp_beside(target, ".book.epub."), temp_beside(target, ".book.epub.")
    os.close(fd1)
    os.close(fd2)
    assert a != b and Path(a).parent == Path(b).parent == tmp_path
    assert (os.stat(a).st_mode & 0o777) == 0o600
    from bookmaker.make.dist import TEMP_NAME as temp
    assert temp.match(Path(a).name) and temp.match(Path(b).name)


# --- dist/: names, sums, reproducibility ---------------------------------------------------------------

def test_sha256sums_is_accepted_by_sha256sum(project: Path) -> None:
    dist = project / "dist"
    assert (dist / "SHA256SUMS").read_text().endswith("  small-book.html\n")
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True,
                            text=True)
    assert result.returncode == 0 and "small-book.html: OK" in result.stdout


def test_a_wrong_sha256sums_is_repaired_by_a_noop_build(project: Path) -> None:
    sums = project / "dist" / "SHA256SUMS"
    good = sums.read_text()
    sums.write_text("0" * 64 + "  small-book.html\n")
    recorder = Recorder()
    notes: list[str] = []
    recorder.note = notes.append  # type: ignore[method-assign]
    assert statuses(build(project, reporter=recorder)) == {"small-book.html": "up to date"}
    assert sums.read_text() == good and notes and "SHA256SUMS" in notes[0]


def _subprocess_build(project: Path, epoch: str | None = None) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    subprocess.run([PYTHON, "-m", "bookmaker.cli", "-q", "build"], cwd=project, env=env,
                   check=True)
    return {p.name: p.read_bytes() for p in (project / "dist").iterdir()}


@pytest.fixture(scope="module")
def reproducible(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The sample built twice from scratch, in two folders at two moments."""
    first = _subprocess_build(copy_project(tmp_path_factory.mktemp("first")))
    time.sleep(1.1)  # another wall-clock second
    second = _subprocess_build(copy_project(tmp_path_factory.mktemp("second") / "deeper"))
    return {"first": first, "second": second}


def test_two_clean_builds_are_byte_identical(reproducible: dict[str, dict[str, bytes]]) -> None:
    first, second = reproducible["first"], reproducible["second"]
    assert sorted(first) == ["SHA256SUMS", "trotsky-two-articles.epub", "trotsky-two-articles.pdf"]
    for name in first:
        assert first[name] == second[name], name
    with zipfile.ZipFile(io.BytesIO(first["trotsky-two-articles.epub"])) as z:
        # no SOURCE_DATE_EPOCH: the date comes from the spec, never the clock
        assert "2016-01-05T00:00:00Z" in z.read("EPUB/content.opf").decode()


def test_source_date_epoch_builds_are_reproducible(tmp_path: Path,
                                                   reproducible: dict[str, dict[str, bytes]],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With SOURCE_DATE_EPOCH: a fresh process and this one (the API) give the same bytes."""
    fresh = _subprocess_build(copy_project(tmp_path / "fresh"), "1700000000")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = copy_project(tmp_path / "again")
    build(root)
    for name, data in fresh.items():
        assert (root / "dist" / name).read_bytes() == data, name
    assert fresh["trotsky-two-articles.pdf"] != reproducible["first"]["trotsky-two-articles.pdf"]
    with zipfile.ZipFile(io.BytesIO(fresh["trotsky-two-articles.epub"])) as z:
        assert "2023-11-14T22:13:20Z" in z.read("EPUB/content.opf").decode()
        assert all(i.date_time[:3] == (2023, 11, 14) for i in z.infolist())


# --- clean --------------------------------------------------------------------------------------

def test_clean_removes_what_the_build_made(project: Path) -> None:
    dist = project / "dist"
    (dist / "notes.txt").write_text("mine")
    removed = clean(project)
    assert dist / "small-book.html" in removed and dist / "SHA256SUMS" in removed
    assert project / CACHE_DIR in removed
    assert sorted(p.name for p in dist.iterdir()) == ["notes.txt"]
    assert not (project / CACHE_DIR).exists()
    (dist / "notes.txt").unlink()
    build(project)
    clean(project)
    assert not dist.exists()  # an empty dist/ goes too


def test_clean_knows_outputs_of_formats_no_longer_built(project: Path) -> None:
    edit(project / "content" / "small.toml", 'formats = ["html"]', 'formats = ["epub"]')
    build(project)
    assert (project / "dist" / "small-book.html").exists()
    clean(project)
    assert not (project / "dist").exists()


# --- the book: parts, front matter, warnings --------------------------------------------------------

def test_parts_and_front_matter_reach_the_book(tmp_path: Path) -> None:
    spec = SPEC.replace('[[articles]]\npath = "sample/*.txt"\n', """
[[parts]]
title = "Part One"
articles = ["sample/offensive.txt"]

[[parts]]
title = "Part Two"
articles = ["sample/impossible.txt"]
""").replace('preface = "preface.md"', 'preface = "preface.md"\ndedication = "dedication.md"')
    root = make_project(tmp_path / "p", spec)
    (root / "content" / "dedication.md").write_text("For *N.*\n", encoding="utf-8")
    book = load_book(load_spec(root / "content" / "small.toml"))
    assert [p.title for p in book.parts] == ["Part One", "Part Two"]
    assert [(c.article.title[:10], c.part) for c in book.chapters] == [
        ("Let Us Ree", 0), ("It Is Impo", 1)]
    assert [(f.kind, f.title) for f in book.front_matter] == [
        ("dedication", "Dedication"), ("preface", "Preface")]
    assert [o.status for o in build(root)] == ["built"]


def test_origins_are_relative_to_the_project(project: Path) -> None:
    book = load_book(load_spec(project / "content" / "small.toml"))
    assert [c.article.attribution.origin for c in book.chapters] == [
        "content/sample/impossible.txt", "content/sample/offensive.txt"]


def test_no_author_warning_is_said_once_when_the_book_has_authors(project: Path) -> None:
    book = load_book(load_spec(project / "content" / "small.toml"))
    about = [w for w in book.warnings if "impossible.txt" in w and "author" in w]
    assert about == ["content/sample/impossible.txt: no author in the article; "
                     "the book's author applies (Leon Trotsky)"]


def test_no_author_warning_stays_without_book_authors(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", SPEC.replace('authors = ["Leon Trotsky"]\n', ""))
    book = load_book(load_spec(root / "content" / "small.toml"))
    [warning] = [w for w in book.warnings if "author" in w]
    assert warning.startswith("content/sample/impossible.txt: no-author: ")


def test_spec_overrides_apply(tmp_path: Path) -> None:
    spec = SPEC.replace('path = "sample/*.txt"', 'path = "sample/impossible.txt"\n'
                        'title = "Impossible"\nauthor = "L. T."\nlicence = "CC-BY-4.0"\n'
                        'licence_reason = "Because."')
    root = make_project(tmp_path / "p", spec)
    [chapter] = load_book(load_spec(root / "content" / "small.toml")).chapters
    assert chapter.article.title == "Impossible" and chapter.authors[0].name == "L. T."
    att = chapter.article.attribution
    assert att.licence and att.licence.id == "CC-BY-4.0" and att.licence_reason == "Because."


def test_markdown_articles_build(tmp_path: Path) -> None:
    spec = SPEC.replace('path = "sample/*.txt"', 'path = "new.md"')
    root = make_project(tmp_path / "p", spec)
    (root / "content" / "new.md").write_text("+++\ntitle = \"New\"\nauthor = \"Me\"\n"
                                            "licence = \"CC-BY-4.0\"\n+++\n"
                                            "Some <b>text</b>.\n", encoding="utf-8")
    [outcome] = build(root)
    assert outcome.status == "built"
    html = (root / "dist" / "small-book.html").read_text()
    assert "Some &lt;b&gt;text&lt;/b&gt;." in html


# --- progress -----------------------------------------------------------------------------------

def test_plain_progress_is_one_line_per_target(tmp_path: Path) -> None:
    root = two_books(tmp_path / "p")
    stream = io.StringIO()
    build(root, reporter=PlainReporter(stream))
    lines = stream.getvalue().splitlines()
    built = [line for line in lines if line.startswith("built ")]
    assert len(built) == 4 and all("(output missing)" in line for line in built)
    warnings = [line for line in lines if line.startswith("warning:")]
    assert len(warnings) == len(set(warnings)) == 1  # said once, not once per format
    quiet = io.StringIO()
    build(root, force=True, reporter=PlainReporter(quiet, quiet=True))
    assert quiet.getvalue() == ""
    verbose = io.StringIO()
    build(root, reporter=PlainReporter(verbose, verbose=True))
    assert "small-book.epub is up to date" in verbose.getvalue()


def test_live_progress_on_a_terminal(tmp_path: Path) -> None:
    from rich.console import Console
    root = two_books(tmp_path / "p")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    reporter = LiveReporter(console)
    try:
        build(root, reporter=reporter)
    finally:
        reporter.close()
    text = out.getvalue()
    assert "building 4 target(s)" in text and "built " in text and "small-book.epub" in text


def test_no_terminal_means_plain_lines() -> None:
    assert type(make_reporter(stream=io.StringIO())) is PlainReporter
