"""Faults, each a real experiment: a `kill -9` of a build (at moments spread
over a whole build, and while its PDF workers run) and of one of its workers,
a full disk (a real tmpfs), a clean during a build, and the values a spec
check lets through that a writer could not hold."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ROOT, copy_project

SAMPLE = ROOT / "content" / "sample"
PYTHON = sys.executable
BOOKMAKER = [PYTHON, "-m", "bookmaker.cli"]

SPEC = """
[book]
title = "{title}"
authors = ["Leon Trotsky"]
date = "2016-01-05"
licence = "CC-BY-SA-2.0"
{extra}
[options]
formats = {formats}
{options}
[[articles]]
path = "{glob}"
"""


def write_spec(root: Path, name: str, title: str, *, formats: str = '["epub", "html"]',
               extra: str = "", options: str = "", pattern: str = "a/*.txt") -> Path:
    path = root / "content" / f"{name}.toml"
    path.write_text(SPEC.format(title=title, formats=formats, extra=extra, options=options,
                                glob=pattern), encoding="utf-8")
    return path


def project(root: Path, copies: int = 1, books: int = 1, **spec: str) -> Path:
    """`books` books of `copies` times the two sample articles (each its own file)."""
    folder = root / "content" / "a"
    folder.mkdir(parents=True)
    for i in range(copies):
        for name in ("offensive.txt", "impossible.txt"):
            shutil.copy(SAMPLE / name, folder / f"{i:02d}-{name}")
    for b in range(books):
        write_spec(root, f"book{b}", f"Book {b}", **spec)
    return root


def env() -> dict[str, str]:
    out = {**os.environ, "PYTHONPATH": str(ROOT), "BOOKMAKER_NO_SERVER": "1"}
    out.pop("SOURCE_DATE_EPOCH", None)
    return out


def run(*args: str, cwd: Path | None = None,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOOKMAKER, *args], cwd=cwd, env={**env(), **(extra_env or {})},
                          capture_output=True, text=True, timeout=600)


def run_here(*args: str, cwd: Path,
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`bookmaker ARGS` in this process, for a command refused before it
    builds anything (a spec or usage error): as `run` answers, a process the less."""
    from helpers import run_cli

    with pytest.MonkeyPatch.context() as patch:
        for name, value in (extra_env or {}).items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        code, out, err = run_cli(*args)
    return subprocess.CompletedProcess(list(args), code, out, err)


def sums_agree(dist: Path) -> None:
    """SHA256SUMS, when present, lists every book in dist/, each with its digest."""
    sums = dist / "SHA256SUMS"
    if not sums.exists():
        return
    listed = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {p.name for p in dist.iterdir() if not p.name.startswith(".")} - {"SHA256SUMS"}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name


def wait_for(condition, what: str, bound: float = 120.0) -> float:  # noqa: ANN001
    """Poll until `condition()` holds; the seconds it took. The bound only
    stops a test that would otherwise hang."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > bound:
            raise AssertionError(f"not within {bound:.0f} s: {what}")
        time.sleep(0.05)
    return time.monotonic() - start


# --- kill -9 of the build ------------------------------------------------------------

def _parent_command(proc: "psutil.Process") -> str:  # noqa: F821
    """The command line of the process's parent; "" once the parent has gone
    (psutil gives None for it then, not an error)."""
    parent = proc.parent()
    return " ".join(parent.cmdline()) if parent is not None else ""


def _alive(proc: "psutil.Process") -> bool:  # noqa: F821
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_killed_build_takes_its_workers_with_it(tmp_path: Path) -> None:
    """`kill -9` of a `build -j 2` laying out PDFs: its workers, their fork
    servers, the PDF workers and the resource tracker all end soon after."""
    psutil = pytest.importorskip("psutil")
    root = project(tmp_path / "p", copies=8, books=2, formats='["pdf", "epub"]',
                   options='[options.pdf]\nlayout = "parallel"')
    proc = subprocess.Popen([*BOOKMAKER, "-q", "build", "-j", "2"], cwd=root, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = psutil.Process(proc.pid)
    seen: dict[int, psutil.Process] = {}

    def pdf_workers() -> bool:
        # the PDF workers: children of a fork server that preloads the PDF parts
        with contextlib.suppress(psutil.Error):
            for child in main.children(recursive=True):
                seen.setdefault(child.pid, child)
        workers = 0
        for child in list(seen.values()):
            with contextlib.suppress(psutil.Error):
                if "pdf.parts" in _parent_command(child):
                    workers += 1
        assert proc.poll() is None, "the build ended before its PDF workers were seen"
        return workers >= 2

    try:
        wait_for(pdf_workers, "PDF workers started")
        assert len(seen) >= 6  # tracker, fork server, 2 build workers, their servers, workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        took = wait_for(lambda: not any(_alive(p) for p in seen.values()),
                        "every worker of the killed build gone", bound=60)
        print(f"{len(seen)} processes of the killed build gone {took:.2f} s after the kill")
    finally:
        for p in seen.values():
            with contextlib.suppress(psutil.Error):
                p.kill()


def _whole(path: Path) -> bool:
    """A complete book: the EPUB's zip checks out, the PDF parses to its last page."""
    import zipfile

    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None and z.namelist()[0] == "mimetype"
    from pypdf import PdfReader

    reader = PdfReader(str(path), strict=True)
    return len(reader.pages) > 0 and all(p.extract_text() is not None for p in reader.pages)


def test_a_build_killed_at_any_moment_leaves_whole_books_and_their_sums(tmp_path: Path) -> None:
    """Builds of the sample book (EPUB and PDF) killed with SIGKILL at moments
    spread over a whole build, each building the other of two editions: dist/
    always holds, for each book, the old edition or the whole new one, never a
    temporary in sight; SHA256SUMS, when present, lists exactly the books there,
    each with its digest (a stale line would show, as the editions alternate).
    A later build finishes the job."""
    names = ["trotsky-two-articles.epub", "trotsky-two-articles.pdf"]
    root = copy_project(tmp_path / "p")
    spec = root / "content" / "sample.toml"
    editions = [spec.read_text(encoding="utf-8")]
    editions.append(editions[0].replace("slug =", 'series = "Second Edition"\nslug =', 1))
    assert editions[1] != editions[0]
    dist = root / "dist"
    made = []
    for text in editions:
        spec.write_text(text, encoding="utf-8")
        start = time.monotonic()
        result = run("-q", "build", cwd=root)
        duration = time.monotonic() - start
        assert result.returncode == 0, result.stderr
        made.append({n: (dist / n).read_bytes() for n in names})
    assert all(made[0][n] != made[1][n] for n in names)
    kills = 8
    for i in range(kills):
        spec.write_text(editions[i % 2], encoding="utf-8")
        proc = subprocess.Popen([*BOOKMAKER, "-q", "build"], cwd=root, env=env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * (i + 0.5) / kills)  # from just started to nearly done
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        visible = sorted(p.name for p in dist.iterdir() if not p.name.startswith("."))
        # SHA256SUMS is absent between a book's rename and its rewrite
        assert visible in (["SHA256SUMS", *names], names), (i, visible)
        for name in names:
            data = (dist / name).read_bytes()
            assert data in (made[0][name], made[1][name]), (i, name, len(data))
            assert _whole(dist / name), (i, name)
        assert all(p.name.endswith(".tmp") for p in dist.iterdir() if p.name.startswith("."))
        sums_agree(dist)
    result = run("-q", "build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in dist.iterdir()) == ["SHA256SUMS", *names]
    assert all((dist / n).read_bytes() == made[(kills - 1) % 2][n] for n in names)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True,
                           text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 2, check.stdout


# --- clean ---------------------------------------------------------------------------

def test_clean_of_another_folder_leaves_dist_alone(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert run("-q", "build", cwd=root).returncode == 0
    assert run("-q", "build", "-o", "dist2", cwd=root).returncode == 0
    books = {p.name: p.read_bytes() for p in (root / "dist").iterdir()}
    assert sorted(books) == ["SHA256SUMS", "book-0.epub", "book-0.html"]
    result = run("clean", "-o", "dist2", cwd=root)
    assert result.returncode == 0, result.stderr
    assert not (root / "dist2").exists()
    assert {p.name: p.read_bytes() for p in (root / "dist").iterdir()} == books
    # and a plain clean leaves another folder's books alone
    assert run("-q", "build", "-o", "dist2", cwd=root).returncode == 0
    assert run("-q", "clean", cwd=root).returncode == 0
    assert not (root / "dist").exists()
    assert sorted(p.name for p in (root / "dist2").iterdir()) == sorted(books)


def _locked_by_another(lock: Path) -> bool:
    import fcntl

    try:
        with open(lock, "rb") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


def test_clean_during_a_build_waits_for_it(tmp_path: Path) -> None:
    """A clean started while a build runs waits for it; a second build started
    meanwhile waits too (on the lock the clean removes). All three succeed,
    and the cache is either whole or gone."""
    # long enough a build for the clean and the second build to start meanwhile
    root = project(tmp_path / "p", copies=3, books=2, formats='["epub", "pdf"]')
    lock = root / ".bookmaker-cache" / "lock"
    build = subprocess.Popen([*BOOKMAKER, "-q", "build"], cwd=root, env=env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: _locked_by_another(lock) or build.poll() is not None, "the build's lock")
    assert build.poll() is None, "the build ended before a clean could start"
    clean = subprocess.Popen([*BOOKMAKER, "-q", "clean"], cwd=root, env=env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    again = subprocess.Popen([*BOOKMAKER, "-q", "build"], cwd=root, env=env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for proc in (build, clean, again):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    dist, cache = root / "dist", root / ".bookmaker-cache"
    if dist.exists():  # the second build ran after the clean: whole books and a whole cache
        sums_agree(dist)
        assert len(list(dist.glob("book-*"))) == 4
        dry = run("build", "--dry-run", cwd=root)
        assert "nothing to do" in dry.stdout, dry.stdout
    else:  # the clean ran last: nothing of the cache is left
        assert not cache.exists()


# --- a full disk -----------------------------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MB tmpfs, unmounted afterwards whatever happens."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    """Fill the disk to its last byte (a hidden file: SHA256SUMS leaves it out)."""
    with open(disk / ".filler", "wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 4096)


def assert_full_disk_failure(result: subprocess.CompletedProcess[str], dist: Path,
                             before: dict[str, bytes]) -> None:
    assert result.returncode == 6, result.stderr
    assert "No space left on device" in result.stderr and "internal error" not in result.stderr
    for name in before:
        if name.endswith((".epub", ".pdf", ".html")):
            assert f"{dist / name}: cannot write" in result.stderr, result.stderr
    # the old books untouched, no temporary left
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before


def test_a_full_dist_is_an_output_error(tmp_path: Path, tmpfs: Path) -> None:
    root = project(tmp_path / "p", formats='["epub", "html", "pdf"]')
    dist = tmpfs / "dist"
    assert run("-q", "build", "-o", str(dist), cwd=root).returncode == 0
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    fill(tmpfs)
    write_spec(root, "book0", "Book 0", formats='["epub", "html", "pdf"]',
               extra='series = "Second Edition"')
    assert_full_disk_failure(run("-q", "build", "-o", str(dist), cwd=root), dist, before)


def test_a_full_project_disk_is_an_output_error(tmpfs: Path) -> None:
    root = project(tmpfs / "p", formats='["epub", "html", "pdf"]')
    assert run("-q", "build", cwd=root).returncode == 0
    dist = root / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    write_spec(root, "book0", "Book 0", formats='["epub", "html", "pdf"]',
               extra='series = "Second Edition"')
    fill(tmpfs)
    assert_full_disk_failure(run("-q", "build", cwd=root), dist, before)
    # and once there is room again, the build goes on
    (tmpfs / ".filler").unlink()
    assert run("-q", "build", cwd=root).returncode == 0
    sums_agree(dist)


def test_a_full_disk_for_a_one_off_book(tmpfs: Path) -> None:
    fill(tmpfs)
    result = run("book", str(SAMPLE / "offensive.txt"), "--title", "One", "--format", "epub",
                 "--out", str(tmpfs / "out"))
    assert result.returncode == 6 and "cannot write" in result.stderr, result.stderr
    assert not (tmpfs / "out").exists() or not list((tmpfs / "out").iterdir())


# --- what the spec check lets through can be built --------------------------------------

@pytest.mark.parametrize("date", ["2108-01-01", "9999", "2200-06", "0999-12-31", "0001"])
def test_a_date_no_epub_can_hold_is_a_spec_error(tmp_path: Path, date: str) -> None:
    root = project(tmp_path / "p")
    spec = root / "content" / "book0.toml"
    spec.write_text(spec.read_text().replace('date = "2016-01-05"', f'date = "{date}"'))
    result = run_here("-q", "build", cwd=root)
    assert result.returncode == 3, result.stderr
    assert "[book.date]" in result.stderr and "2107-12-31" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unquoted_toml_date_and_an_article_date_are_bounded_too(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    spec = root / "content" / "book0.toml"
    text = spec.read_text()
    spec.write_text(text.replace('date = "2016-01-05"', "date = 2108-01-01"))
    result = run_here("-q", "build", cwd=root)
    assert result.returncode == 3 and "[book.date]" in result.stderr, result.stderr
    spec.write_text(text + 'date = "2300-01-01"\n')  # the [[articles]] table's own date
    result = run_here("-q", "build", cwd=root)
    assert result.returncode == 3 and "[articles[0].date]" in result.stderr, result.stderr


def test_every_date_the_spec_check_allows_builds(tmp_path: Path) -> None:
    """The first and last dates a spec may give, and one between, each a book
    of one build (EPUB and PDF): each book holds its date."""
    import zipfile

    from pypdf import PdfReader

    dates = ["1000-01-01", "1848-02-21", "2107-12-31"]
    root = project(tmp_path / "p", books=len(dates), formats='["epub", "pdf"]')
    for b, date in enumerate(dates):
        spec = root / "content" / f"book{b}.toml"
        spec.write_text(spec.read_text().replace('date = "2016-01-05"', f'date = "{date}"'))
    result = run("-q", "build", cwd=root)
    assert result.returncode == 0, result.stderr
    for b, date in enumerate(dates):
        with zipfile.ZipFile(root / "dist" / f"book-{b}.epub") as z:
            assert z.testzip() is None
            assert z.infolist()[0].date_time[0] == max(int(date[:4]), 1980), date  # a ZIP's years
            assert f"{date}T00:00:00Z" in z.read("EPUB/content.opf").decode(), date
        meta = PdfReader(str(root / "dist" / f"book-{b}.pdf")).metadata
        assert meta["/ModDate"].startswith("D:" + date.replace("-", "")), date


@pytest.mark.parametrize("epoch", ["99999999999", "-5", "1.5e9", "soon", "4354819200"])
def test_a_source_date_epoch_out_of_range_is_a_usage_error(tmp_path: Path, epoch: str) -> None:
    root = project(tmp_path / "p")
    for args in (["-q", "build"], ["-q", "build", "--dry-run"],
                 ["book", str(SAMPLE / "offensive.txt"), "--title", "T", "--format", "epub"]):
        result = run_here(*args, cwd=root, extra_env={"SOURCE_DATE_EPOCH": epoch})
        assert result.returncode == 2, result.stderr
        assert "[SOURCE_DATE_EPOCH]" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "dist").exists()


@pytest.mark.parametrize("epoch", ["0", "4354819199"])
def test_the_first_and_last_source_date_epoch_build(tmp_path: Path, epoch: str) -> None:
    import zipfile

    root = project(tmp_path / "p", formats='["epub", "pdf"]')
    result = run("-q", "build", cwd=root, extra_env={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(root / "dist" / "book-0.epub") as z:
        assert z.infolist()[0].date_time[0] == (1980 if epoch == "0" else 2107)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [100, 500, 50_000])  # in [book]: one more
def test_toml_nested_too_deep_is_a_spec_error(tmp_path: Path, depth: int) -> None:
    root = project(tmp_path / "p", extra=f"subjects = {nested(depth)}")
    result = run_here("-q", "build", cwd=root)
    assert result.returncode == 3, result.stderr
    assert "book0.toml: not valid TOML: tables or arrays nested more than 100 deep" in result.stderr


def test_toml_nested_as_deep_as_allowed_is_an_ordinary_wrong_value(tmp_path: Path) -> None:
    root = project(tmp_path / "p", extra=f"subjects = {nested(99)}")  # [book] is the 100th
    result = run_here("-q", "build", cwd=root)
    assert result.returncode == 3 and "[book.subjects]: found" in result.stderr, result.stderr


def test_front_matter_nested_too_deep_is_a_source_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p", pattern="a/*.md")
    (root / "content" / "a" / "deep.md").write_text(
        f'+++\ntitle = "Deep"\nlicence = "CC-BY-SA-2.0"\nx = {nested(500)}\n+++\n\nText.\n')
    for args in (["-q", "build"], ["inspect", str(root / "content" / "a" / "deep.md")]):
        result = run_here(*args, cwd=root)
        assert result.returncode == 4, result.stderr
        assert "deep.md:1: front matter is not valid TOML: tables or arrays nested more than " \
               "100 deep" in result.stderr


# --- globs ------------------------------------------------------------------------------

def test_a_glob_through_a_symlink_loop_finishes(tmp_path: Path) -> None:
    """`loop/**/*.txt` where loop/ holds links to "." and to "..": the build
    finishes, with each article once (glob.glob would walk the loop for ever)."""
    root = project(tmp_path / "p", pattern="loop/**/*.txt")
    loop = root / "content" / "loop"
    (loop / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE / "offensive.txt", loop / "a.txt")
    shutil.copy(SAMPLE / "impossible.txt", loop / "sub" / "b.txt")
    (loop / "self").symlink_to(".")
    (loop / "sub" / "up").symlink_to("..")
    from bookmaker.make.spec import load_spec

    spec = load_spec(root / "content" / "book0.toml")
    assert [a.path for a in spec.articles] == [loop / "a.txt", loop / "sub" / "b.txt"]
    result = run("-q", "build", cwd=root)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("pattern, says", [
    ("/**/*.txt", "never absolute"),
    ("../../**/*.txt", "must stay inside the project"),
    ("a/*/../../../*.txt", "must stay inside the project"),
])
def test_a_glob_outside_the_project_is_a_spec_error(tmp_path: Path, pattern: str,
                                                    says: str) -> None:
    root = project(tmp_path / "p", pattern=pattern)
    result = run_here("-q", "build", cwd=root)
    assert result.returncode == 3, result.stderr
    assert "[articles[0].path]" in result.stderr and says in result.stderr


def test_a_glob_matching_too_much_is_a_spec_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from bookmaker.make import spec as spec_module
    from bookmaker.errors import SpecError

    root = project(tmp_path / "p", copies=3, pattern="**/*.txt")
    monkeypatch.setattr(spec_module, "MAX_MATCHES", 5)
    with pytest.raises(SpecError, match=r"matches more than 5 paths"):
        spec_module.load_spec(root / "content" / "book0.toml")


def test_globs_match_what_glob_glob_matches_without_links(tmp_path: Path) -> None:
    import glob

    from bookmaker.make.spec import glob_matches

    content = tmp_path / "p" / "content"
    for name in ("a.txt", "b.md", ".hidden.txt", "d/c.txt", "d/e/f.txt", ".h/g.txt", "d/.i.txt"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("x")
    for pattern in ("*.txt", "**", "**/*.txt", "d/**", ".*", "d/*/*.txt", "[ab].*", "?.md",
                    ".h/*", "d/.*"):
        ours = sorted(glob_matches(content / "x.toml", pattern))
        theirs = sorted(p.rstrip("/") for p in glob.glob(str(content / pattern), recursive=True))
        assert [p for p in ours if os.path.isfile(p)] == [p for p in theirs if os.path.isfile(p)], \
            pattern


# --- a killed worker ---------------------------------------------------------------------

@pytest.mark.parametrize("victim", ["pdf worker", "build worker"])
def test_a_killed_worker(tmp_path: Path, victim: str) -> None:
    """`kill -9` of one worker laying out a PDF: the parts it held are laid out
    again in the build's own process, and the book is built. Of a worker of
    `build -j 2`: exit 6 naming the book, no traceback, the previous book
    untouched."""
    psutil = pytest.importorskip("psutil")
    from pypdf import PdfReader

    books = 2 if victim == "build worker" else 1
    root = project(tmp_path / "p", copies=3, books=books, formats='["pdf"]',
                   options='[options.pdf]\nlayout = "parallel"')
    assert run("-q", "build", cwd=root).returncode == 0
    dist = root / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    shutil.rmtree(root / ".bookmaker-cache")  # every part laid out again
    for b in range(books):
        write_spec(root, f"book{b}", f"Book {b}", formats='["pdf"]', extra='series = "Again"',
                   options='[options.pdf]\nlayout = "parallel"')
    args = ["build", "-j", "2"] if victim == "build worker" else ["build"]
    proc = subprocess.Popen([*BOOKMAKER, *args], cwd=root, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    main = psutil.Process(proc.pid)
    found: list[psutil.Process] = []

    def worker() -> bool:
        # both workers of the pool up (a fork server may fork for a moment on its own)
        assert proc.poll() is None, "the build ended before its workers were seen"
        found.clear()
        with contextlib.suppress(psutil.Error):
            for child in main.children(recursive=True):
                parent = _parent_command(child)
                if "forkserver" in parent and (("pdf.parts" in parent) == (victim == "pdf worker")):
                    found.append(child)
        return len(found) >= 2

    try:
        wait_for(worker, f"a {victim}")
        found[0].kill()
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in err and "internal error" not in err, err
    sums_agree(dist)
    if victim == "pdf worker":
        assert proc.returncode == 0, err
        assert "a worker process laying out the PDF died; laying out the rest" in err, err
        book = dist / "book-0.pdf"
        assert book.read_bytes() != before["book-0.pdf"]
        assert "Again" in PdfReader(str(book)).pages[0].extract_text() + \
            "".join(p.extract_text() for p in PdfReader(str(book)).pages[:6])
        return
    assert proc.returncode == 6, err
    failed = [n for n in before if f"{n}: " in err]
    assert failed and "a worker process of the build died (killed, or out of memory)" in err, err
    for name in failed:
        assert (dist / name).read_bytes() == before[name]


# --- the cover of an absurd title ------------------------------------------------------------

def test_a_one_megabyte_one_word_title_builds(tmp_path: Path) -> None:
    """The cover set a 1 MB word on one line: Pillow refused the image it
    would need (DecompressionBombError). It is cut short with an ellipsis."""
    import io
    import zipfile

    from PIL import Image

    root = project(tmp_path / "p", formats='["epub"]')
    spec = root / "content" / "book0.toml"
    spec.write_text(spec.read_text().replace('title = "Book 0"', f'title = "{"x" * 1_000_000}"'
                                             ).replace("[book]", '[book]\nslug = "long"'))
    result = run("-q", "build", cwd=root)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(root / "dist" / "long.epub") as z:
        cover = Image.open(io.BytesIO(z.read("EPUB/images/cover.png")))
    assert cover.size == (1600, 2560)


def test_a_cover_holds_at_most_its_lines() -> None:
    from PIL import Image, ImageDraw

    from bookmaker.cover import MIN_SIZE, fit_text
    from bookmaker.theme import load_theme

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    face = str(load_theme("default").face("bold"))
    for title in ("word " * 100_000, "x" * 1_000_000, "short " * 30 + "x" * 5000):
        font, lines = fit_text(draw, title, face, 1300, 190, 5)
        assert font.size <= MIN_SIZE and len(lines) <= 5 and lines[-1].endswith("…")
        assert all(draw.textlength(line, font=font) <= 1300 for line in lines)
    font, lines = fit_text(draw, "Two Articles, 1932–1933", face, 1300, 190, 5)
    assert font.size > MIN_SIZE and "…" not in "".join(lines)


# --- warnings ---------------------------------------------------------------------------------

def _image_articles(root: Path, count: int) -> None:
    """HTML articles each with an image WeasyPrint cannot load (a bad PNG in a
    data: URL), and a Markdown one with a data: URL in its warning."""
    import base64

    blob = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40).decode()
    folder = root / "content" / "a"
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"{i}.htm").write_text(
            f'<html><head><title>Article {i}</title></head><body><h1>Article {i}</h1>'
            f'<p><img src="data:image/png;base64,{blob}" alt="a picture"></p>'
            f"<p>Some text of article {i}.</p></body></html>", encoding="utf-8")
    (folder / "z.md").write_text(f"# Last\n\nText ![a picture](data:image/png;base64,{blob}).\n")


@pytest.mark.parametrize("layout, jobs", [("single", "1"), ("parallel", "1"), ("parallel", "2")])
def test_warnings_come_in_one_format_with_data_urls_cut_short(tmp_path: Path, layout: str,
                                                              jobs: str) -> None:
    root = tmp_path / "p"
    _image_articles(root, 4)
    spec = SPEC.format(title="Pictures", formats='["pdf", "epub"]', extra="",
                       options=f'[options.pdf]\nlayout = "{layout}"', glob="a/*")
    (root / "content" / "b.toml").write_text(
        spec + 'licence = "CC-BY-SA-2.0"\nlicence_reason = "a test"\n', encoding="utf-8")
    result = run("build", "-j", jobs, cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(("warning: ", "built ", "done: ")) for line in lines), \
        result.stderr
    assert all(len(line) < 400 for line in lines), max(lines, key=len)[:500]
    weasy = [line for line in lines if line.startswith("warning: weasyprint: ")]
    assert weasy and all("data:image/png;base64,iVBORw0KGgoA…(13,664 characters)" in line
                         for line in weasy), weasy
    assert any("z.md" in line and "…(13,664 characters)" in line for line in lines), lines
    quiet = run("-q", "build", "--force", "-j", jobs, cwd=root)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_shorten_keeps_short_data_urls_and_other_text() -> None:
    from bookmaker.logs import shorten

    assert shorten("see data:image/gif;base64,R0lGOD== here") == \
        "see data:image/gif;base64,R0lGOD== here"
    long = "data:image/png;base64," + "A" * 12_345
    assert shorten(f"at '{long}': bad") == \
        "at 'data:image/png;base64,AAAAAAAAAAAA…(12,345 characters)': bad"


def test_write_book_on_a_full_disk_is_a_writer_error(tmpfs: Path) -> None:
    from bookmaker import Metadata, assemble, read_article, write_book
    from bookmaker.errors import WriterError

    book = assemble([read_article(SAMPLE / "offensive.txt")], Metadata(title="One"))
    fill(tmpfs)
    with pytest.raises(WriterError, match="No space left on device") as caught:
        write_book(book, tmpfs / "one.epub", "epub")
    assert caught.value.path == str(tmpfs / "one.epub")
    assert [p.name for p in tmpfs.iterdir()] == [".filler"]
