"""Where the time goes in a PDF build: py-spy samples every process of
`bookmaker build` (the main process and the layout workers) and this prints the
functions that hold the most samples, by themselves and with what they call.

    .venv/bin/pip install -e '.[bench]'        # py-spy among them
    .venv/bin/python bench/profile.py [--articles 200] [--top 25]

The book is the benchmark's (bench/generate.py), built from a cold cache.
py-spy needs to be allowed to read other processes (ptrace): as root, or with
kernel.yama.ptrace_scope = 0.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import make_project  # noqa: E402

# Frames shown as "where": bookmaker's own code and the libraries it calls.
_PACKAGES = ("bookmaker/", "weasyprint/", "pydyf/", "pikepdf/", "fontTools/", "pyphen/",
             "tinyhtml5/", "tinycss2/", "cssselect2/", "jinja2/")


# (label, the function whose samples, callees included, make the stage)
_STAGES = [
    ("chapters, contents and credits laid out (workers)", "render_segment "),
    ("  importing WeasyPrint in the workers", "render_segment.<imports> "),
    ("  WeasyPrint: layout", "Document._render "),
    ("  WeasyPrint: PDF output", "Document.write_pdf "),
    ("    drawing the pages", "draw_page "),
    ("    tags (structure tree)", "add_tags "),
    ("    font subsets", "build_fonts_dictionary "),
    ("    writing the objects", "PDF.write "),
    ("HTML from the templates", "Template.render "),
    ("reading the articles", "read_source "),
    ("assembly (main process)", "Assembler."),
    ("  merged font subsets", "_Fonts._write "),
]


def _where(frame: str) -> str:
    """`function (path:line)` shortened to `function (package/module.py)`."""
    name, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    for package in _PACKAGES:
        if package in path:
            return f"{name} ({package}{path.split(package, 1)[1]})"
    return f"{name} ({Path(path).name})"


def summarise(raw: Path, top: int) -> str:
    """Self and inclusive samples per function from py-spy's raw (collapsed) output."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_where(f) for f in stack.split(";") if not f.startswith("process ")]
        if any(f.startswith("_find_and_load") for f in frames):  # time spent importing
            frames = [f.replace("render_segment ", "render_segment.<imports> ") for f in frames]
        total += n
        if frames:
            own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    lines = [f"{total} samples over every process", "", "| stage | share of all samples |",
             "| --- | ---: |"]
    for label, key in _STAGES:
        n = sum(count for frame, count in inclusive.items() if frame.startswith(key))
        lines.append(f"| {label} | {100 * n / total:.1f}% |")
    lines += ["", "| self | function |", "| ---: | --- |"]
    for frame, n in own.most_common(top):
        lines.append(f"| {100 * n / total:.1f}% | `{frame}` |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw output here")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    bookmaker = str(Path(sys.executable).parent / "bookmaker")
    with tempfile.TemporaryDirectory(prefix="bookmaker-profile-") as tmp:
        project = Path(tmp) / "book"
        make_project(project, args.articles)
        raw = args.raw or Path(tmp) / "profile.txt"
        spec = f"content/bench-{args.articles}-pdf.toml"
        started = time.perf_counter()
        subprocess.run([py_spy, "record", "--subprocesses", "--format", "raw", "--rate", "100",
                        "--output", str(raw), "--", bookmaker, "build", "-j", str(args.jobs),
                        "--force", spec], cwd=project, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"{args.articles} articles: built in {time.perf_counter() - started:.1f} s under py-spy\n")
        print(summarise(raw, args.top))


if __name__ == "__main__":
    main()
