"""The anthology test book: 25 real Archive pages in three parts, with a
preface (sections, notes and a table), a dedication and an epigraph, the
pages' addresses given by `[urls]`, built by `bookmaker build` as a user
builds it. Tests of every room audit it from its built files: its
accessibility (tests/books/test_anthology_a11y.py), and its pages as a press
would see them.

`anthology` (a session fixture in tests/conftest.py) builds it once, in every
format, for the whole run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from conftest import SHARED

__all__ = ["ADDRESS", "MIA", "PARTS", "IMAGES", "PREFACE", "DEDICATION", "EPIGRAPH",
           "Anthology", "anthology_project", "build_project"]

MIA = SHARED / "corpus" / "mia"
# Where the corpus's pages were published: content/mia/archive/x.htm is
# ADDRESS + "archive/x.htm".
ADDRESS = "https://www.marxists.org/"

# Pages of the corpus whose own headings start below the top (MIA's h3 and
# h4 under the page's h1 or h2), jump levels (h1 then h3) or go up and down,
# with notes and without, three of one title (Kerensky's chapters), one image
# whose file is missing and one that is there; all public domain.
PARTS: list[tuple[str, list[str]]] = [
    ("Part One: Parties and Congresses", [
        "archive/bittelman/1927/11/x01.htm",
        "archive/bukharin/works/1923/ci/12_congress.htm",
        "archive/kim-il-sung/1946/09/26.htm",
        "archive/kitz/congress.htm",
        "archive/radek/1920/07/labour-and-third.htm",
        "archive/rakovsky/1915/07/18.htm",
        "archive/heckert/1922/09/germantus.htm",
        "archive/lenin/works/1919/mar/guardian.htm",
    ]),
    ("Part Two: Britain and the Empire", [
        "archive/burns-emile/1929/10/18.htm",
        "archive/dutt-clemens/1929/12/x01.htm",
        "archive/frow/1931/06/x01.htm",
        "archive/hannington/1925/01/16.htm",
        "archive/newbold/1917/02/22.htm",
        "archive/fitzgerald/1914/soft_answer.htm",
        "archive/horrabin/1923/02/ruhr.htm",
        "archive/bell/1939/x01/lenin.htm",
    ]),
    ("Part Three: Revolution and Reaction", [
        "archive/hansen/1939/08/fascism4.htm",
        "archive/hansen/1948/05/stalin.htm",
        "archive/morrow-felix/1939/02/barcelona.htm",
        "archive/lawrence/1988/france_1968.htm",
        "archive/johnstone/1981/08/x01.htm",
        "reference/archive/kerensky/1927/catastrophe/ch03.htm",
        "reference/archive/kerensky/1927/catastrophe/ch14.htm",
        "reference/archive/kerensky/1927/catastrophe/ch19.htm",
        "archive/pollitt-marjorie/1937/xx/trotskyism.htm",
    ]),
]
# The corpus has the pages, not their images: this one is made (its page gives
# it alt text). A figure's src is looked up in the spec's folder today, not the
# page's: the file is put in both.
IMAGES = {"archive/pollitt-marjorie/1937/xx/family.jpg": (160, 120)}

# An editor's preface as editors write them: sections, notes, a table.
PREFACE = """\
+++
title = "Preface"
+++

These pages were written over ninety years, by people who rarely agreed.[^years]
They are printed in three parts, by subject rather than by date.

## How the pages were chosen

Each is printed as the Marxists Internet Archive gives it, with its own notes
renumbered in each article.[^notes]

| Part | Articles | Earliest | Latest |
|:-----|---------:|---------:|-------:|
| One  |        8 |     1915 |   1946 |
| Two  |        8 |     1914 |   1939 |
| Three |       9 |     1927 |   1988 |

### What was left out

The Archive's navigation, and nothing else.

## Acknowledgements

To the Archive's volunteers.

[^years]: The earliest is of 1914, the latest of 1988.
[^notes]: A note that refers to another by its number points to the right one
    after renumbering.
"""
DEDICATION = "To the transcribers of the Marxists Internet Archive.\n"
EPIGRAPH = """\
> The philosophers have only interpreted the world, in various ways; the point is to change it.

Karl Marx, *Theses on Feuerbach*
"""


@dataclass(frozen=True)
class Anthology:
    """The built anthology: its project folder and its files in dist/."""
    project: Path

    @property
    def spec(self) -> Path:
        return self.project / "content" / "voices.toml"

    @property
    def epub(self) -> Path:
        return self.project / "dist" / "voices.epub"

    @property
    def pdf(self) -> Path:
        return self.project / "dist" / "voices.pdf"

    @property
    def html(self) -> Path:
        return self.project / "dist" / "voices.html"

    @cached_property
    def pdf_text(self) -> tuple[str, ...]:
        """The text of each page of the PDF, read once for every test that reads it."""
        from helpers import pdf_pages

        return tuple(pdf_pages(self.pdf))


def anthology_project(dest: Path, formats: tuple[str, ...] = ("epub", "html", "pdf")) -> Path:
    """A project whose one spec is the anthology, its pages copied from the corpus."""
    content = dest / "content"
    parts = []
    for title, pages in PARTS:
        rels = []
        for page in pages:
            target = content / "mia" / page
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(MIA / page, target)
            rels.append(f"mia/{page}")
        parts.append((title, rels))
    from PIL import Image

    for name, size in IMAGES.items():
        for where in (content / "mia" / name, content / Path(name).name):
            Image.new("RGB", size, (150, 40, 40)).save(where)
    (content / "preface.md").write_text(PREFACE, encoding="utf-8")
    (content / "dedication.md").write_text(DEDICATION, encoding="utf-8")
    (content / "epigraph.md").write_text(EPIGRAPH, encoding="utf-8")
    spec = ['[book]', 'title = "Voices of the Archive"', 'subtitle = "An Anthology"',
            'editors = ["A. Reader"]', 'language = "en"', 'date = "2024-05-01"',
            'licence = "CC-BY-SA-4.0"', 'slug = "voices"', '',
            '[urls]', f'"mia" = "{ADDRESS}"', '',
            '[front]', 'dedication = "dedication.md"', 'epigraph = "epigraph.md"',
            'preface = "preface.md"', '',
            '[options]', 'formats = [' + ", ".join(f'"{f}"' for f in formats) + ']', '']
    for title, rels in parts:
        spec += ['[[parts]]', f'title = "{title}"',
                 'articles = [' + ", ".join(f'"{r}"' for r in rels) + ']', '']
    (content / "voices.toml").write_text("\n".join(spec), encoding="utf-8")
    return dest


def build_project(project: Path) -> None:
    """`bookmaker build` in the project, as a user runs it (no build server)."""
    done = subprocess.run([sys.executable, "-m", "bookmaker", "-q", "build", "-C", str(project)],
                          capture_output=True, text=True, timeout=900,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                               "BOOKMAKER_NO_SERVER": "1", "SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode == 0, done.stderr
