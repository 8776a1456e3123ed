"""The books' bytes are pinned: the sample book and a 50-article book (made by
`bench/generate.py` from the seeds and the MIA text corpus), each in every
built-in format, built with a fixed SOURCE_DATE_EPOCH, must have exactly the
SHA-256 recorded in `tests/golden/pinned-books.json`.

A change that is not meant to alter any book (a refactoring, a move of code,
a faster path) must leave this test green. A change that is meant to alter
books updates the record, and its commit says why the books changed:

    .venv/bin/python -m pytest tests/books/test_pinned_books.py --update-golden
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN, ROOT, SHARED

_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate  # its dataclasses look their module up
_spec.loader.exec_module(generate)

PINNED = GOLDEN / "pinned-books.json"
EPOCH = "1700000000"
FORMATS = ("epub", "pdf", "html")
ARTICLES = 50


def _all_formats(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"^formats = \[.*\]$", "formats = " + json.dumps(list(FORMATS)), text,
                  count=1, flags=re.M)
    spec.write_text(text, encoding="utf-8")


def _build(project: Path) -> dict[str, str]:
    """Build in a process of its own (as a user would), every format; the books' SHA-256."""
    env = {"SOURCE_DATE_EPOCH": EPOCH, "BOOKMAKER_NO_SERVER": "1", "PATH": "/usr/bin:/bin",
           "LANG": "C.UTF-8", "TZ": "UTC"}
    done = subprocess.run([sys.executable, "-m", "bookmaker", "-q", "build", "-C", str(project),
                           "-o", str(project / "dist")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((project / "dist").iterdir()) if p.name != "SHA256SUMS"}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not (SHARED / "corpus" / "mia-text").is_dir():
        pytest.fail("the MIA text corpus is missing beside the project (../shared/corpus)")
    sample = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", sample / "content")
    _all_formats(sample / "content" / "sample.toml")
    fifty = generate.make_project(tmp_path_factory.mktemp("fifty"), ARTICLES)
    # One spec in every format (the generator writes one spec a format).
    (fifty / "content" / f"bench-{ARTICLES}-epub.toml").unlink()
    _all_formats(fifty / "content" / f"bench-{ARTICLES}-pdf.toml")
    return {**_build(sample), **_build(fifty)}


def test_the_books_have_their_pinned_bytes(books: dict[str, str], update_golden: bool) -> None:
    expected_names = {f"{slug}.{fmt}" for slug in ("trotsky-two-articles", f"bench-{ARTICLES}-pdf")
                      for fmt in FORMATS}
    assert set(books) == expected_names
    if update_golden:
        PINNED.write_text(json.dumps(books, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    changed = sorted(name for name in books if pinned.get(name) != books[name])
    assert not changed, (f"these books' bytes changed: {changed}; if that is meant, rerun with "
                         "--update-golden and say why in the commit")
