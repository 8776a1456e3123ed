"""How long a build takes when there is nothing to do.

    .venv/bin/python bench/noop_build.py [--articles 1000] [--repeat 5]

Two projects in a temporary folder: a copy of the sample (EPUB and PDF), and a
generated one with N articles in one book (HTML and EPUB, so the first build
stays short). Each is built once; then the no-op build is timed, both as the
command (`bookmaker build`, a fresh interpreter) and through the API
(`bookmaker.build()` in this process). Prints the best of --repeat runs.
Targets from the issues: sample well under 1 s, 1000 articles under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKMAKER = [sys.executable, "-m", "bookmaker.cli"]

SPEC = """[book]
title = "Many Articles"
authors = ["Leon Trotsky"]
date = "2016-01-05"

[options]
formats = ["html", "epub"]

[[articles]]
path = "many/*.txt"
"""


def make_many(project: Path, count: int) -> None:
    """`count` articles made from the two samples, each a little different."""
    sample = ROOT / "content" / "sample"
    seeds = [(sample / n).read_text(encoding="utf-8") for n in ("offensive.txt", "impossible.txt")]
    folder = project / "content" / "many"
    folder.mkdir(parents=True)
    for i in range(count):
        text = seeds[i % 2].replace("Let Us Reenforce Our Offensive!",
                                    f"Let Us Reenforce Our Offensive! ({i})", 1)
        text = text.replace("It Is Impossible to Remain", f"It Is Impossible ({i}) to Remain", 1)
        (folder / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
    (project / "content" / "many.toml").write_text(SPEC, encoding="utf-8")


def timed_cli(project: Path, repeat: int) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run([*BOOKMAKER, "build"], cwd=project, capture_output=True,
                                text=True, check=True)
        best = min(best, time.perf_counter() - start)
        out = result.stderr.strip()
    return best, out


def timed_api(project: Path, repeat: int) -> float:
    from bookmaker import build

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        outcomes = build(project)
        best = min(best, time.perf_counter() - start)
        assert all(o.status == "up to date" for o in outcomes), outcomes
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="jobs for the first (real) builds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample"
        shutil.copytree(ROOT / "content", sample / "content")
        many = Path(tmp) / "many"
        make_many(many, args.articles)
        for name, project in (("sample", sample), (f"{args.articles} articles", many)):
            start = time.perf_counter()
            subprocess.run([*BOOKMAKER, "-q", "build", "-j", str(args.jobs)], cwd=project,
                           check=True)
            first = time.perf_counter() - start
            cli, message = timed_cli(project, args.repeat)
            api = timed_api(project, args.repeat)
            print(f"{name:>16}: first build {first:6.2f} s | no-op: command {cli:5.3f} s, "
                  f"API {api:5.3f} s | {message!r}")


if __name__ == "__main__":
    main()
