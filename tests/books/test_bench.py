"""The benchmark's pandoc edition of a book (bench/generate.py): the same
articles, and the page furniture of bookmaker's book said of pandoc's HTML."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import load_bench


def _bench(name: str):  # noqa: ANN202 - a module
    """A bench script, without leaving bench/ on the import path (perf.py puts it
    there for its neighbour generate.py; bench/profile.py would hide the
    standard library's profile module)."""
    path, modules = list(sys.path), set(sys.modules)
    try:
        return load_bench(name)
    finally:
        sys.path[:] = path
        for added in set(sys.modules) - modules:
            if added in ("generate", "corpus"):
                del sys.modules[added]


@pytest.fixture(scope="module")
def pandoc_input(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    generate = _bench("generate")
    if not generate.CORPUS.is_dir():
        pytest.skip(f"no MIA text corpus at {generate.CORPUS}")
    project = generate.make_project(tmp_path_factory.mktemp("bench") / "book", 3)
    return generate, generate.pandoc_input(project, 3)


def test_the_print_edition_wraps_chapters_and_back_matter(pandoc_input) -> None:
    _, pin = pandoc_input
    plain = pin.markdown.read_text(encoding="utf-8")
    printed = pin.print_markdown.read_text(encoding="utf-8")
    assert "bodymatter" not in plain  # pandoc's EPUB is split at the chapters as before
    blocks = re.findall(r'```\{=html\}\n(<div class="(\w+)">|</div>)\n```', printed)
    assert [b[1] or "/" for b in blocks] == ["bodymatter", "/", "backmatter", "/"]
    body = printed.split('<div class="bodymatter">')[1].split('<div class="backmatter">')[0]
    assert plain.split("---\n", 2)[2].split("# Sources and Credits")[0].strip() in body
    assert "# Sources and Credits" in printed.split('<div class="backmatter">')[1]
    # Apart from the blocks, the text is the same.
    unwrapped = re.sub(r'\n```\{=html\}\n(<div class="\w+">|</div>)\n```\n', "", printed)
    assert re.sub(r"\s+", " ", unwrapped) == re.sub(r"\s+", " ", plain)


def test_the_print_stylesheet_gives_pandoc_the_page_furniture(pandoc_input) -> None:
    generate, pin = pandoc_input
    plain = pin.plain_css.read_text(encoding="utf-8")
    printed = pin.print_css.read_text(encoding="utf-8")
    assert printed.startswith(plain)
    extra = printed[len(plain):]
    assert f'string-set: book-title "{pin.title}"' in extra
    assert "target-counter(attr(href), page)" in extra
    assert "#TOC" not in plain
    assert pin.pdf_variant == "pdf/ua-1"  # bookmaker's default, asked of WeasyPrint too
    assert generate._css_string('A "B" \\ C\nD') == '"A \\22 B\\22  \\5c  C\\a D"'


def test_pandoc_keeps_the_chapters_in_its_contents(pandoc_input) -> None:
    pypandoc = pytest.importorskip("pypandoc", reason="the bench extra (pypandoc-binary)")
    _, pin = pandoc_input
    html = subprocess.run(
        [pypandoc.get_pandoc_path(), str(pin.print_markdown), "-f", "markdown", "-t", "html5",
         "--standalone", "--toc"], check=True, capture_output=True, text=True).stdout
    toc = html.split('<nav id="TOC"')[1].split("</nav>")[0]
    body = html.split('<div class="bodymatter">')[1]
    titles = re.findall(r"<h1\s+id=\"([^\"]+)\"", body.split('<div class="backmatter">')[0])
    assert len(titles) == pin.chapters
    for title in titles:
        assert f'href="#{title}"' in toc
    assert 'href="#sources-and-credits"' in toc


def test_the_timed_pandoc_commands(pandoc_input, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    perf = _bench("perf")
    _, pin = pandoc_input
    seen: list[list[str]] = []

    def measure(cmd, **_):  # noqa: ANN001, ANN202
        seen.append([str(c) for c in cmd])
        return perf.Sample(tool="x")

    monkeypatch.setattr(perf, "measure", measure)
    monkeypatch.setattr(perf, "pandoc_binary", lambda: "pandoc")
    args = type("Args", (), {"interval": 0.05, "log": tmp_path / "log"})()
    perf.run_pandoc(pin, "pdf", args)
    perf.run_pandoc(pin, "pdf", args, plain=True)
    furnished, furnished_pdf, plain, plain_pdf = seen
    assert furnished[1] == "print.md" and "--css=print.css" in furnished
    assert furnished_pdf[1:] == ["-m", "weasyprint", "--pdf-variant", "pdf/ua-1", "--pdf-tags",
                                 "pandoc.html", "pandoc.pdf"]
    assert plain[1] == "book.md" and "--css=plain.css" in plain
    assert plain_pdf[1:] == ["-m", "weasyprint", "plain.html", "plain.pdf"]


@pytest.mark.xdist_group("server")  # its server with the others (tests/serve/test_server.py)
def test_the_incremental_figures_one_shot_in_watch_and_served(tmp_path: Path) -> None:
    """The bench's incremental part, end to end on a two-article book: rebuilds by
    `bookmaker build`, the same edits while `bookmaker watch` runs and while
    `bookmaker serve` runs, the start-up costs, and the report's rows for them."""
    generate = _bench("generate")
    if not generate.CORPUS.is_dir():
        pytest.skip(f"no MIA text corpus at {generate.CORPUS}")
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(Path(generate.__file__).with_name("perf.py")), "--sizes", "2",
         "--formats", "epub", "--only", "bookmaker", "--runs", "1", "--incremental-size", "2",
         "--noop-size", "0", "--no-warmup", "--workdir", str(tmp_path / "work"),
         "--results", str(results)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    said = run.stdout + run.stderr[-3000:]  # what the bench said, whole, when a step failed
    assert "watch epub, 2 articles, edit 1:" in run.stdout, said
    text = results.read_text(encoding="utf-8")
    assert "## Rebuilds in `bookmaker watch`" in text
    row = next(line for line in text.splitlines() if line.startswith("| EPUB | 2 |")
               and "MB |" in line)
    assert "FAILED" not in row and "—" not in row.split("|")[4]
    assert "starting Python" in text and "the cold EPUB build" in text
    # the same edits handed to `bookmaker serve`, and cold builds handed to it
    assert "served epub, 2 articles, edit 1:" in run.stdout, said
    row = next(line for line in text.splitlines() if line.startswith("| EPUB | 2 |")
               and line.count("|") == 11)
    assert "FAILED" not in row and "—" not in row, row
    assert "with the client alone" in run.stdout
    # the edits left entries behind, and clean --unused removed them
    row = next(line for line in text.splitlines()
               if line.startswith("| 2 articles, after the incremental edits |"))
    removed = int(row.split("|")[4].split()[0])
    assert removed > 0 and "—" not in row, row
    # the edits are gone from the articles afterwards
    articles = list((tmp_path / "work" / "book-2" / "content").rglob("*.txt"))
    assert articles and not any("The benchmark added" in p.read_text(encoding="utf-8")
                                for p in articles)


def test_the_report_leaves_out_the_machine_s_folders(tmp_path: Path) -> None:
    perf = _bench("perf")
    text = (f"--workdir {tmp_path}\n\"project\": \"{tmp_path}/book-2\"\n"
            f"\"note\": \"{perf.ROOT}/.venv/bin/bookmaker build\"\n")
    assert perf.redact(text, tmp_path) == ("--workdir WORKDIR\n\"project\": \"WORKDIR/book-2\"\n"
                                          "\"note\": \".venv/bin/bookmaker build\"\n")
