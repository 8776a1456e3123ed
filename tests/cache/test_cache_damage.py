"""A damaged, planted or unusable cache never changes a book nor stops a build.

Every experiment builds the sample book (EPUB, and a PDF laid out in parts)
once, does something to its cache, builds again with the command line and
compares the books' bytes with the first build's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ROOT, KeptProject

CACHE = ".bookmaker-cache"
BOOKS = ("trotsky-two-articles.epub", "trotsky-two-articles.pdf")
WARNING = "is not writable"


def _project(where: Path) -> Path:
    shutil.copytree(ROOT / "content", where / "content")
    spec = where / "content" / "sample.toml"
    spec.write_text(spec.read_text(encoding="utf-8") + '\n[options.pdf]\nlayout = "parallel"\n',
                    encoding="utf-8")
    return where


def _cli(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bookmaker.cli", "build", "-C", str(project), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=600)


def _books(project: Path) -> dict[str, bytes]:
    """The books' bytes, and SHA256SUMS's (which a damaged stat cache could make wrong)."""
    return {name: (project / "dist" / name).read_bytes() for name in (*BOOKS, "SHA256SUMS")}


def _unbuilt(project: Path) -> None:
    """The books removed: the next build makes them again, from the cache."""
    for name in BOOKS:
        (project / "dist" / name).unlink(missing_ok=True)


def _rebuilt(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Build again; it succeeds, and its output (stdout and stderr) is returned."""
    result = _cli(project, *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout + result.stderr


def _files(project: Path) -> list[Path]:
    return sorted(p for p in (project / CACHE).rglob("*") if p.is_file())


class _Template(KeptProject):
    """The sample project built once with no cache, kept as built (see KeptProject)."""

    def __init__(self, where: Path) -> None:
        project = _project(where / "p")
        _rebuilt(project)
        self.books = _books(project)
        super().__init__(project, where / "kept")

    def check(self, project: Path) -> None:
        """The copy's cache is the built one's: a build has nothing to do (and
        puts the copy's new inodes in the state's stat cache, as a build would
        have them) and the books are the first build's."""
        said = _rebuilt(project)
        assert "nothing to do" in said, said
        assert _books(project) == self.books


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> _Template:
    return _Template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="module")
def reference(template: _Template) -> dict[str, bytes]:
    """The books as a build with no cache makes them."""
    return template.books


@pytest.fixture
def built(template: _Template) -> Path:
    """A project built once: its cache full (the template's, put back as built)."""
    project = template.restore()
    template.check(project)
    return project


def _records(project: Path) -> list[Path]:
    found = sorted((project / CACHE / "pdf").glob("*.json"))
    assert found
    return found


# --- a damaged record of a laid-out part (finding 2) -----------------------------------------

def _flip(path: Path, at: int, mask: int = 1) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= mask
    path.write_bytes(bytes(data))


def test_a_flipped_bit_in_a_parts_page_count_changes_nothing(
        built: Path, reference: dict[str, bytes]) -> None:
    flipped = 0
    for record in _records(built):
        found = re.search(rb'"pages": (\d)', record.read_bytes())
        assert found
        _flip(record, found.start(1))  # "3" -> "2", "4" -> "5": a page less or more
        flipped += 1
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) == reference
    for record in _records(built):  # laid out again and kept again, whole
        digest, _, body = record.read_bytes().partition(b"\n")
        assert hashlib.sha256(body).hexdigest().encode() == digest
    assert flipped == len(_records(built))


def test_a_flipped_letter_in_a_glyph_map_changes_nothing(
        built: Path, reference: dict[str, bytes]) -> None:
    for record in _records(built):
        found = re.search(rb'"\d+": "(e)"', record.read_bytes())
        if found:
            _flip(record, found.start(1))  # "e" -> "d": "massds into thd struggld"
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) == reference


def _swap_entries(project: Path) -> int:
    """Swap the contents of cache entries of one kind, in pairs: every entry
    is whole (its digest right), but the wrong one: what no digest can tell."""
    groups: dict[Path, list[Path]] = {}
    for path in _files(project):
        rel = path.relative_to(project / CACHE)
        if rel.parts[0] in ("ledgers", "state.json", "lock"):
            continue
        kind = path.parent.parent if len(path.name) == 64 else path.parent
        groups.setdefault(kind / "".join(path.suffixes), []).append(path)
    swapped = 0
    for paths in groups.values():
        for a, b in zip(paths[::2], paths[1::2]):
            data_a, data_b = a.read_bytes(), b.read_bytes()
            if data_a != data_b:
                a.write_bytes(data_b)
                b.write_bytes(data_a)
                swapped += 1
    return swapped


def test_force_rebuilds_from_scratch_what_no_digest_can_tell(
        built: Path, reference: dict[str, bytes]) -> None:
    assert _swap_entries(built) > 5
    _rebuilt(built, "-f")
    assert _books(built) == reference
    _unbuilt(built)  # and what -f made is what the next build finds
    _rebuilt(built)
    assert _books(built) == reference
    # (without -f, entries swapped so do make another book: the experiment is real)
    _swap_entries(built)
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) != reference


# --- planted pickles (finding 3) ---------------------------------------------------------------

class _Bomb:
    """Unpickled, it makes the file `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


def _bomb(marker: Path) -> bytes:
    bomb = pickle.dumps(_Bomb(marker))
    pickle.loads(bomb)  # the experiment works: unpickled, it runs
    assert marker.exists()
    marker.unlink()
    return bomb


def test_planted_pickles_run_nothing(built: Path, reference: dict[str, bytes],
                                     tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    bomb = _bomb(marker)
    planted = 0
    for path in _files(built):
        if path.name == "lock":
            continue
        if path.parent.name == "packs":  # as packs were: a pickled dict of entries
            packed = {"shells/" + "0" * 64: bomb, "views/" + "0" * 64: bomb}
            body = pickle.dumps(packed)
            path.write_bytes(hashlib.sha256(body).digest() + body)
        elif len(path.name) == 64:  # an entry, under its digest as the cache checks it
            path.write_bytes(hashlib.sha256(bomb).digest() + bomb)
        else:  # a record or the state: after a digest line
            path.write_bytes(hashlib.sha256(bomb).hexdigest().encode() + b"\n" + bomb)
        planted += 1
    assert planted > 20
    _unbuilt(built)
    _rebuilt(built)
    assert not marker.exists()
    assert _books(built) == reference


def _template_entries(xdg: Path) -> list[Path]:
    return sorted(p for p in (xdg / "bookmaker" / "templates").rglob("*") if p.is_file())


def test_compiled_templates_are_kept_only_where_no_one_else_can_write(
        tmp_path: Path, reference: dict[str, bytes]) -> None:
    """Compiled templates are code (Jinja2 unpickles and unmarshals them): they
    are kept in the user's own cache folder, not in the project's, and used
    only while that folder is the user's and no one else may write it."""
    from jinja2.bccache import bc_magic

    xdg = tmp_path / "xdg"
    env = {"XDG_CACHE_HOME": str(xdg)}
    project = _project(tmp_path / "p")
    _rebuilt(project, env=env)
    entries = _template_entries(xdg)
    assert entries and not list((project / CACHE).rglob("templates"))
    marker = tmp_path / "ran"
    planted = bc_magic + _bomb(marker)  # Jinja2 unpickles what follows its magic
    for entry in entries:
        entry.write_bytes(hashlib.sha256(planted).digest() + planted)
    folder = xdg / "bookmaker" / "templates"
    tries = [("writable by others", lambda: folder.chmod(0o777))]
    if os.geteuid() == 0:
        tries.append(("someone else's", lambda: (folder.chmod(0o700), os.chown(folder, 4321, -1))))
    for why, make in tries:
        make()
        _unbuilt(project)
        _rebuilt(project, env=env)
        assert not marker.exists(), why
        assert _books(project) == reference, why
    # the experiment is real: in a folder that is the user's alone, they are loaded
    if os.geteuid() == 0:
        os.chown(folder, os.getuid(), -1)
    folder.chmod(0o700)
    _unbuilt(project)
    _cli(project, env=env)
    assert marker.exists()


# --- cache files and folders of the wrong kind, truncated fonts (finding 6) ----------------------

def test_truncated_font_files_are_made_again(built: Path, reference: dict[str, bytes]) -> None:
    fonts = sorted((built / CACHE / "pdf" / "fonts").iterdir())
    assert fonts
    for font in fonts:
        font.write_bytes(font.read_bytes()[: font.stat().st_size // 2])
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) == reference
    for font in fonts:
        assert hashlib.sha256(font.read_bytes()).hexdigest() == font.name


def test_cache_files_replaced_by_folders(built: Path, reference: dict[str, bytes]) -> None:
    replaced = _files(built)
    for path in replaced:
        path.unlink()
        path.mkdir()
        (path / "inside").write_bytes(b"x")
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) == reference
    _unbuilt(built)
    _rebuilt(built)  # made again as files, and used
    assert _books(built) == reference
    assert (built / CACHE / "state.json").is_file() and (built / CACHE / "lock").is_file()
    assert len([p for p in replaced if p.is_file()]) > len(replaced) // 2


def test_cache_folders_replaced_by_files(built: Path, reference: dict[str, bytes]) -> None:
    folders = sorted({p.parent for p in _files(built)} - {built / CACHE}, reverse=True)
    for folder in folders:
        if folder.exists():
            shutil.rmtree(folder)
            folder.write_bytes(b"x")
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) == reference
    _unbuilt(built)
    _rebuilt(built)
    assert _books(built) == reference
    assert (built / CACHE / "pdf" / "fonts").is_dir()


def test_the_cache_folder_being_a_file(tmp_path: Path, reference: dict[str, bytes]) -> None:
    project = _project(tmp_path / "p")
    (project / CACHE).write_bytes(b"not a folder")
    _rebuilt(project)
    assert _books(project) == reference
    assert (project / CACHE).is_dir() and (project / CACHE / "state.json").is_file()


# --- a cache that cannot be written (finding 6) --------------------------------------------------

@contextlib.contextmanager
def _tmpfs(where: Path, size: str = "64m") -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_cache_builds_without_caching(template: _Template,
                                                 reference: dict[str, bytes]) -> None:
    project = template.clear()
    with _tmpfs(project / CACHE) as cache:
        template.restore(clear=False)  # as a build left it there
        template.check(project)
        subprocess.run(["mount", "-o", "remount,ro", str(cache)], check=True)
        with pytest.raises(OSError):
            (cache / "probe").write_bytes(b"x")  # root cannot write it either
        before = {p: p.read_bytes() for p in _files(project)}
        _unbuilt(project)
        said = _rebuilt(project)
        assert said.count(WARNING) == 1 and "building without caching" in said
        assert _books(project) == reference
        assert {p: p.read_bytes() for p in _files(project)} == before
        said = _rebuilt(project, "-f")
        assert said.count(WARNING) == 1 and _books(project) == reference


def test_a_read_only_cache_still_waits_for_a_build_holding_the_lock(
        template: _Template, reference: dict[str, bytes]) -> None:
    import fcntl
    import time

    project = template.clear()
    with _tmpfs(project / CACHE) as cache:
        template.restore(clear=False)  # as a build left it there
        template.check(project)
        subprocess.run(["mount", "-o", "remount,ro", str(cache)], check=True)
        _unbuilt(project)
        inode = (cache / "lock").stat().st_ino
        with open(cache / "lock", "rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # as a build that found the cache writable
            build = subprocess.Popen([sys.executable, "-m", "bookmaker.cli", "build", "-C",
                                      str(project)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
            try:
                for _ in range(6000):  # until the kernel lists the build waiting for it
                    locks = Path("/proc/locks").read_text()
                    if any("->" in line and f":{inode} " in line for line in locks.splitlines()):
                        break
                    assert build.poll() is None, build.communicate()[0]
                    time.sleep(0.01)
                else:
                    pytest.fail("the build never waited for the lock")
                assert build.poll() is None
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)
        said = build.communicate(timeout=600)[0]
        assert build.returncode == 0, said
        assert said.count(WARNING) == 1 and _books(project) == reference


def test_an_empty_read_only_cache(tmp_path: Path, reference: dict[str, bytes]) -> None:
    project = _project(tmp_path / "p")
    with _tmpfs(project / CACHE) as cache:
        subprocess.run(["mount", "-o", "remount,ro", str(cache)], check=True)
        said = _rebuilt(project)
        assert said.count(WARNING) == 1
        assert _books(project) == reference


def test_a_full_cache_builds_without_caching(tmp_path: Path, reference: dict[str, bytes]) -> None:
    project = _project(tmp_path / "p")
    with _tmpfs(project / CACHE, size="1m") as cache:
        with open(cache / "filler", "wb") as fh, pytest.raises(OSError):
            while True:
                fh.write(bytes(1 << 16))
                fh.flush()
        said = _rebuilt(project)
        assert said.count(WARNING) == 1
        assert _books(project) == reference


# --- random damage: the property -----------------------------------------------------------------

def test_random_byte_flips_in_random_cache_files_never_change_a_book(
        built: Path, reference: dict[str, bytes]) -> None:
    """Some bytes of some cache files (any: state, ledgers, packs, entries,
    parts and their records, fonts) flipped, then a build: the same books,
    every time. The damage of one round stays for the next."""
    rng = random.Random(15)
    for round_ in range(14):
        files = _files(built)
        done = []
        for path in rng.sample(files, rng.randint(1, min(4, len(files)))):
            data = bytearray(path.read_bytes())
            if not data:
                continue
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(data))
                data[at] ^= rng.randint(1, 255)
                done.append(f"{path.relative_to(built)}@{at}")
            path.write_bytes(bytes(data))
        if rng.random() < 0.7:
            _unbuilt(built)  # built again from the (damaged) cache
        result = _cli(built)
        assert result.returncode == 0, (round_, done, result.stderr)
        assert _books(built) == reference, (round_, done)
