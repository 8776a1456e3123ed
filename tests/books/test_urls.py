"""Addresses: a spec's `[urls]` and `url`, `book --url`, and what an address does
to a book (credits, dc:source, relative links), on real Archive pages."""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker import SpecError, build, load_spec, plan, read_article
from bookmaker.addresses import address_of, resolve_link
from bookmaker.cli import cli
from bookmaker.model import Chapter, Link
from bookmaker.render.views import chapter_view
from conftest import SHARED
from helpers import NS, epub_docs, epubcheck_messages

MIA = SHARED / "corpus" / "mia"
# the page the issue names: relative links in its body ("my letter to the
# European Secretariat") and in its notes
MORROW = "archive/morrow-felix/1946/02/24.htm"
TROTSKY = "archive/trotsky/1938/04/lp.htm"
ARCHIVE = "https://www.marxists.org/"


def _walk(nodes):  # noqa: ANN001, ANN202
    for node in nodes:
        if isinstance(node, Link):
            yield node
        yield from _walk(getattr(node, "children", ()))


def _links(article) -> list[Link]:  # noqa: ANN001
    out = []
    for block in [*article.blocks, *(b for n in article.notes for b in n.blocks)]:
        out += _walk(getattr(block, "content", ()))
    return out


def _project(tmp_path: Path, urls: str, extra: str = "", pages: tuple[str, ...] = (MORROW, TROTSKY)
             ) -> Path:
    """A project whose content/mia/ mirrors the Archive's folders for `pages`."""
    for page in pages:
        dest = tmp_path / "content" / "mia" / page
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MIA / page, dest)
    articles = "".join(f'[[articles]]\npath = "mia/{p}"\n{extra if i == 0 else ""}\n'
                       for i, p in enumerate(pages))
    (tmp_path / "content" / "book.toml").write_text(
        f'{urls}\n[book]\ntitle = "Addresses"\nauthors = ["Various"]\nlicence = "CC-BY-SA-4.0"\n'
        f'[options]\nformats = ["epub"]\n{articles}', encoding="utf-8")
    return tmp_path


# --- the address of a file ------------------------------------------------------------------

def test_the_longest_matching_folder_gives_the_address(tmp_path: Path) -> None:
    urls = [(tmp_path / "mia", "https://www.marxists.org/archive/"),
            (tmp_path / "mia" / "trotsky" / "1938", "https://mirror.example/t38")]
    assert address_of(tmp_path / "mia/trotsky/1938/morals/morals.htm", urls) == \
        "https://mirror.example/t38/morals/morals.htm"
    assert address_of(tmp_path / "mia/lenin/a b.htm", urls) == \
        "https://www.marxists.org/archive/lenin/a%20b.htm"
    assert address_of(tmp_path / "miami/x.htm", urls) is None  # a folder, not a prefix of a name


def test_a_relative_link_resolves_only_against_an_address() -> None:
    page = "https://www.marxists.org/archive/morrow-felix/1946/02/24.htm"
    assert resolve_link("../../1945/07/european-perspectives.htm", page) == \
        "https://www.marxists.org/archive/morrow-felix/1945/07/european-perspectives.htm"
    assert resolve_link("../../1945/07/x.htm", None) is None
    assert resolve_link("#n1", page) is None and resolve_link("javascript:x()", page) is None


# --- the spec ----------------------------------------------------------------------------------

def test_urls_give_each_article_its_address_and_url_overrides(tmp_path: Path) -> None:
    project = _project(tmp_path, f'[urls]\n"mia" = "{ARCHIVE}"\n',
                       extra='url = "https://example.org/morrow.htm"')
    spec = load_spec(project / "content" / "book.toml")
    assert [a.url for a in spec.articles] == ["https://example.org/morrow.htm", ARCHIVE + TROTSKY]
    assert spec.urls == ((project / "content" / "mia", ARCHIVE),)


def test_folders_are_relative_to_the_spec_as_paths_are(tmp_path: Path) -> None:
    project = _project(tmp_path, '[urls]\n"mia/archive/trotsky" = "https://t.example/"\n')
    spec = load_spec(project / "content" / "book.toml")
    assert [a.url for a in spec.articles] == [None, "https://t.example/1938/04/lp.htm"]


@pytest.mark.parametrize("urls,key,words", [
    ('[urls]\n"mia" = "www.marxists.org/archive/"', "urls.mia", "absolute http or https"),
    ('[urls]\n"mia" = "ftp://www.marxists.org/"', "urls.mia", "absolute http or https"),
    ('[urls]\n"mia" = "https:///archive/"', "urls.mia", "host"),
    ('[urls]\n"mia" = 3', "urls.mia", "absolute http or https"),
    ('[urls]\n"nowhere" = "https://www.marxists.org/"', "urls.nowhere", "no such folder"),
    ('[urls]\n"/abs" = "https://www.marxists.org/"', "urls.'/abs'", "relative to the spec"),
    ('urls = "https://www.marxists.org/"', "urls", "expected a table"),
])
def test_bad_urls_are_spec_errors_naming_the_key(tmp_path: Path, urls: str, key: str,
                                                  words: str) -> None:
    project = _project(tmp_path, urls, pages=(MORROW,))
    with pytest.raises(SpecError) as err:
        load_spec(project / "content" / "book.toml")
    assert err.value.key == key and words in err.value.message


def test_an_article_url_on_a_glob_of_several_files_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path, "")
    spec = project / "content" / "book.toml"
    spec.write_text(spec.read_text(encoding="utf-8").split("[[articles]]")[0]
                    + '[[articles]]\npath = "mia/archive/*/*/*/*.htm"\nurl = "https://x.example/"\n',
                    encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    assert err.value.key == "articles[0].url" and "[urls]" in err.value.message


def test_a_bad_article_url_names_its_key(tmp_path: Path) -> None:
    project = _project(tmp_path, "", extra='url = "../24.htm"', pages=(MORROW,))
    with pytest.raises(SpecError) as err:
        load_spec(project / "content" / "book.toml")
    assert err.value.key == "articles[0].url" and "absolute" in err.value.message


# --- the reader keeps relative links; the renderer resolves them ----------------------------

def test_the_reader_keeps_relative_links_as_the_page_wrote_them() -> None:
    article = read_article(MIA / MORROW)
    hrefs = [link.href for link in _links(article)]
    assert "../../1945/07/european-perspectives.htm" in hrefs
    assert not any(h.startswith("https://www.marxists.org") for h in hrefs)  # no guess


def _rendered(path: Path, url: str | None) -> str:
    article = read_article(path)
    article = replace(article, attribution=replace(article.attribution, url=url))
    view = chapter_view(Chapter(id="ch001", number=1, article=article, authors=()))
    return str(view.body) + "".join(str(n.html) for n in view.notes)


def test_with_an_address_relative_links_become_external_links() -> None:
    html = _rendered(MIA / MORROW, ARCHIVE + MORROW)
    assert ('<a href="https://www.marxists.org/archive/morrow-felix/1945/07/'
            'european-perspectives.htm" class="external">my letter to the European '
            "Secretariat</a>") in html
    # in a note as in the body
    assert 'href="https://www.marxists.org/history/etol/newspape/fi/vol07/no03/esecfi.htm"' in html


def test_without_an_address_relative_links_are_text() -> None:
    html = _rendered(MIA / MORROW, None)
    assert "my letter to the European Secretariat" in html
    assert "european-perspectives.htm" not in html and "esecfi.htm" not in html


# --- the book -----------------------------------------------------------------------------------

def _opf_sources(epub: Path) -> list[str]:
    opf = next(doc for name, doc in epub_docs(epub).items() if name.endswith(".opf"))
    return [e.text for e in opf.iterfind(".//dc:source", NS)]


def test_a_book_prints_and_links_each_address_and_never_a_local_path(tmp_path: Path) -> None:
    project = _project(tmp_path, f'[urls]\n"mia" = "{ARCHIVE}"\n')
    outcomes = build(project)
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    epub = project / "dist" / "addresses.epub"
    assert _opf_sources(epub) == [ARCHIVE + MORROW, ARCHIVE + TROTSKY]
    with zipfile.ZipFile(epub) as z:
        texts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xhtml", ".opf"))}
    credits = next(t for n, t in texts.items() if 'id="credits"' in t and n.endswith(".xhtml"))
    for page in (MORROW, TROTSKY):
        assert (f'<span class="credit-label">Address:</span> <a class="external bare" '
                f'href="{ARCHIVE + page}">{ARCHIVE + page}</a>') in credits
    opf = next(t for n, t in texts.items() if n.endswith(".opf"))
    assert "content/" not in opf and str(tmp_path) not in opf and "mia/archive" not in opf
    chapter = next(t for t in texts.values() if "my letter to the European" in t)
    assert 'href="https://www.marxists.org/archive/morrow-felix/1945/07/european-perspectives.htm"' \
        in chapter
    notes = "".join(texts.values())  # lp.htm's "See note 22", now 11, links to its note
    assert re.search(r'<a class="note-xref" href="[^"]*#ch002-note-11">11</a>', notes)
    assert epubcheck_messages(epub) == []


def test_without_an_address_dc_source_is_no_local_path(tmp_path: Path) -> None:
    project = _project(tmp_path, "")
    build(project)
    sources = _opf_sources(project / "dist" / "addresses.epub")
    assert not any("mia/" in s or s.endswith((".htm", ".html")) for s in sources), sources


def test_an_edit_of_urls_rebuilds_the_book(tmp_path: Path) -> None:
    project = _project(tmp_path, f'[urls]\n"mia" = "{ARCHIVE}"\n')
    build(project)
    assert [s.reason for s in plan(project)] == [None]
    spec = project / "content" / "book.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(ARCHIVE, "https://mirror.example/"),
                    encoding="utf-8")
    assert [s.reason for s in plan(project)] != [None]
    build(project)
    assert _opf_sources(project / "dist" / "addresses.epub") == [
        "https://mirror.example/" + MORROW, "https://mirror.example/" + TROTSKY]
    with zipfile.ZipFile(project / "dist" / "addresses.epub") as z:
        body = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
    assert "https://mirror.example/archive/morrow-felix/1945/07/european-perspectives.htm" in body
    assert "www.marxists.org/archive/morrow-felix/1945" not in body


# --- bookmaker book --url -------------------------------------------------------------------------

def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


def test_book_url_gives_the_articles_their_addresses(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, "")
    monkeypatch.chdir(project / "content")
    code, err = _run("book", f"mia/{MORROW}", f"mia/{TROTSKY}", "--title", "Two", "--format",
                     "epub", "--out", str(tmp_path / "out"), "--url", f"mia={ARCHIVE}",
                     "--url", "mia/archive/trotsky=https://t.example/")
    assert code == 0, err
    epub = tmp_path / "out" / "two.epub"
    assert _opf_sources(epub) == [ARCHIVE + MORROW, "https://t.example/1938/04/lp.htm"]
    with zipfile.ZipFile(epub) as z:
        body = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
    assert re.search(r'href="https://www\.marxists\.org/archive/morrow-felix/1945/07/'
                     r'european-perspectives\.htm"', body)


@pytest.mark.parametrize("value,words", [("mia", "FOLDER=ADDRESS"),
                                         ("mia=www.marxists.org", "absolute http"),
                                         ("nowhere=https://www.marxists.org/", "no such folder")])
def test_a_bad_book_url_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         value: str, words: str) -> None:
    project = _project(tmp_path, "", pages=(MORROW,))
    monkeypatch.chdir(project / "content")
    code, err = _run("book", f"mia/{MORROW}", "--title", "X", "--format", "epub",
                     "--out", str(tmp_path / "out"), "--url", value)
    assert code == 2 and "--url" in err and words in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()

