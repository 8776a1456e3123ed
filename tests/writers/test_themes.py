"""Themes are folders: the built-in `us-trade` (6 x 9 in, Spectral) beside the
default, a theme that lacks templates or stylesheets (the default's are used),
a theme that extends another (laid over it), the trim a theme sets, and the
fonts every edition carries (the HTML's inline)."""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookmaker import Metadata, Person, SpecError, assemble, read_article, write_book
from bookmaker.model import Article, Paragraph, Text
from bookmaker.theme import load_theme, styles_root
from bookmaker.writers import WriteOptions
from bookmaker.writers.html import HtmlWriter
from bookmaker.writers.pdf.options import PdfOptions

from helpers import ROOT, copy_project, epubcheck_messages, run_cli

US_TRADE_PT = (432.0, 648.0)  # 6 x 9 in
A5_PT = (round(148 * 72 / 25.4), round(210 * 72 / 25.4))
SLUG = "trotsky-two-articles"
SAMPLE = ROOT / "content" / "sample"


def sample_book():
    articles = [read_article(SAMPLE / "offensive.txt"), read_article(SAMPLE / "impossible.txt")]
    return assemble(articles, Metadata(title="Two Articles", authors=(Person("Leon Trotsky"),),
                                       date="2016-01-05", description="Two articles."))


def tiny_book():
    art = Article(title="Tiny", authors=(Person("A. Writer"),),
                  blocks=(Paragraph((Text("A short paragraph of text."),)),))
    return assemble([art], Metadata(title="Tiny Book", date="2020-01-01"))


def _page_sizes(pdf: Path) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
            for p in PdfReader(pdf).pages}


def _pdf_fonts(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font") or {}
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def _style(html: str) -> str:
    return "".join(re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S))


@pytest.fixture(scope="module")
def us_trade(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book built from its spec with `theme = "us-trade"`, in every format."""
    project = copy_project(tmp_path_factory.mktemp("us-trade"))
    spec = project / "content" / "sample.toml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"^formats = .*$", 'formats = ["epub", "pdf", "html"]\ntheme = "us-trade"',
                  text, count=1, flags=re.M)
    spec.write_text(text, encoding="utf-8")
    code, _, err = run_cli("-q", "build", "-C", str(project), "-o", str(project / "dist"))
    assert code == 0, err
    return project / "dist"


def test_the_built_in_themes_are_folders_without_code() -> None:
    themes = sorted(p.parent.name for p in styles_root().glob("*/theme.toml"))
    assert themes == ["default", "us-trade"]
    for name in themes:
        folder = styles_root() / name
        kinds = {p.suffix for p in folder.rglob("*") if p.is_file()}
        assert kinds <= {".toml", ".css", ".j2"}, (name, kinds)
        assert not list(folder.rglob("__pycache__"))
    assert not (styles_root() / "us-trade" / "templates").exists()  # the default's serve


def test_us_trade_pdf_is_six_by_nine_inches_in_spectral(us_trade: Path) -> None:
    pdf = us_trade / f"{SLUG}.pdf"
    assert _page_sizes(pdf) == {US_TRADE_PT}
    page = PdfReader(pdf).pages[0]
    assert (float(page.trimbox.width), float(page.trimbox.height)) == US_TRADE_PT
    fonts = _pdf_fonts(pdf)
    assert fonts and all(f.startswith("Spectral") for f in fonts), fonts
    assert "Spectral-Italic" in fonts  # the running heads and subtitles


def test_us_trade_faces_have_the_small_caps_and_figures_the_css_asks_for() -> None:
    # font-variant: small-caps is used for authors, speakers and part titles; a face
    # without smcp prints them in lower case (WeasyPrint does not fake them)
    from fontTools.ttLib import TTFont

    theme = load_theme("us-trade")
    css = theme.css("common.css")
    assert "small-caps" in css
    for font in theme.font_files(css):
        gsub = TTFont(font)["GSUB"].table
        features = {record.FeatureTag for record in gsub.FeatureList.FeatureRecord}
        assert {"smcp", "tnum", "lnum", "onum"} <= features, font.name
    licence = theme.font_licence
    assert licence is not None and "SIL Open Font License" in licence.read_text(encoding="utf-8")


def test_us_trade_epub_carries_spectral_and_passes_epubcheck(us_trade: Path) -> None:
    epub = us_trade / f"{SLUG}.epub"
    with zipfile.ZipFile(epub) as z:
        fonts = sorted(n.rsplit("/", 1)[-1] for n in z.namelist() if "/fonts/" in n)
        css = z.read("EPUB/css/book.css").decode("utf-8")
        regular = z.read("EPUB/css/fonts/Spectral-Regular.ttf")
    assert fonts == ["LICENSE.txt", "Spectral-Bold.ttf", "Spectral-BoldItalic.ttf",
                     "Spectral-Italic.ttf", "Spectral-Regular.ttf"]
    assert regular == (load_theme("us-trade").font_dir / "Spectral-Regular.ttf").read_bytes()
    # the default's rules lie under us-trade's, without the default's faces
    assert not [f for f in re.findall(r"@font-face\s*{([^}]*)}", css) if "Spectral" not in f]
    assert re.findall(r'body\s*{\s*font-family:\s*"([^"]+)"', css)[-1] == "Spectral"
    assert "E-reader additions" in css  # the default's epub.css: us-trade has none of its own
    assert epubcheck_messages(epub) == []


def test_us_trade_html_embeds_spectral(us_trade: Path) -> None:
    style = _style((us_trade / f"{SLUG}.html").read_text(encoding="utf-8"))
    faces = re.findall(r"@font-face\s*{([^}]*)}", style)
    assert len(faces) == 4 and all('"Spectral"' in f and "data:font/ttf;base64," in f
                                   for f in faces)
    assert re.search(r'body\s*{\s*font-family:\s*"Spectral"', style)
    assert "url(fonts/" not in style


def test_a_specs_trim_wins_over_the_theme(tmp_path: Path) -> None:
    a5 = write_book(tiny_book(), tmp_path / "a5.pdf", "pdf", PdfOptions(theme="us-trade", trim="A5"))
    assert {(round(w), round(h)) for w, h in _page_sizes(a5)} == {A5_PT}
    default = write_book(tiny_book(), tmp_path / "d.pdf", "pdf", PdfOptions())
    assert {(round(w), round(h)) for w, h in _page_sizes(default)} == {A5_PT}


def test_the_theme_trim_holds_in_the_parallel_layout(tmp_path: Path) -> None:
    pdf = write_book(sample_book(), tmp_path / "p.pdf", "pdf",
                     PdfOptions(theme="us-trade", layout="parallel", variant="none"))
    assert _page_sizes(pdf) == {US_TRADE_PT}
    assert all(f.startswith("Spectral") for f in _pdf_fonts(pdf))


def test_the_html_edition_embeds_the_default_theme_fonts_reproducibly() -> None:
    theme = load_theme("default")
    html = HtmlWriter().render(sample_book())
    assert html == HtmlWriter().render(sample_book())  # the same bytes every build
    style = _style(html)
    urls = re.findall(r'@font-face\s*{[^}]*font-family:\s*"Source Serif Pro";[^}]*'
                      r'url\("data:font/ttf;base64,([A-Za-z0-9+/=]+)"\)', style)
    assert len(urls) == 4
    assert base64.b64decode(urls[0]) == (theme.font_dir / "SourceSerifPro-Regular.ttf").read_bytes()
    assert re.search(r'body\s*{\s*font-family:\s*"Source Serif Pro"', style)


def _theme_folder(root: Path, *, trim: str | None = None) -> Path:
    """A theme of a theme.toml and two stylesheets, with the default's fonts."""
    default = styles_root() / "default"
    folder = root / "mytheme"
    folder.mkdir()
    toml = (default / "theme.toml").read_text(encoding="utf-8").replace('name = "default"',
                                                                         'name = "mine"')
    if trim:
        toml = f'[page]\ntrim = "{trim}"\n\n' + toml
    (folder / "theme.toml").write_text(toml, encoding="utf-8")
    for name in ("common.css", "print.css"):
        css = (default / name).read_text(encoding="utf-8")
        (folder / name).write_text(css + "\n.chapter-title { color: #123456; }\n", encoding="utf-8")
    return folder


def test_a_theme_of_only_theme_toml_and_css_renders(tmp_path: Path) -> None:
    folder = _theme_folder(tmp_path)
    theme = load_theme(str(folder))
    assert theme.name == "mine" and theme.template_folders == [styles_root() / "default" / "templates"]
    html = HtmlWriter().render(sample_book(), WriteOptions(theme=str(folder)))
    assert "#123456" in html and 'class="chapter' in html
    assert html.replace("#123456", "") != ""
    epub = write_book(sample_book(), tmp_path / "b.epub", "epub", WriteOptions(theme=str(folder)))
    assert epubcheck_messages(epub) == []
    pdf = write_book(tiny_book(), tmp_path / "b.pdf", "pdf", PdfOptions(theme=str(folder)))
    assert {(round(w), round(h)) for w, h in _page_sizes(pdf)} == {A5_PT}


def test_a_theme_of_only_theme_toml_takes_the_defaults_stylesheets_and_fonts(
        tmp_path: Path) -> None:
    # its own font package (Spectral) names the cover's faces; the default's
    # stylesheets name the default's fonts, which come with them
    folder = tmp_path / "bare"
    folder.mkdir()
    toml = (styles_root() / "us-trade" / "theme.toml").read_text(encoding="utf-8")
    toml = toml.replace('extends = "default"\n', "")  # one that extends nothing
    (folder / "theme.toml").write_text(toml.replace('trim = "us-trade"', 'trim = "A4"'),
                                       encoding="utf-8")
    epub = write_book(sample_book(), tmp_path / "b.epub", "epub", WriteOptions(theme=str(folder)))
    with zipfile.ZipFile(epub) as z:
        fonts = sorted(n.rsplit("/", 1)[-1] for n in z.namelist() if n.endswith(".ttf"))
    assert fonts == ["SourceSerifPro-Bold.ttf", "SourceSerifPro-BoldIt.ttf",
                     "SourceSerifPro-It.ttf", "SourceSerifPro-Regular.ttf"]
    assert epubcheck_messages(epub) == []
    pdf = write_book(tiny_book(), tmp_path / "b.pdf", "pdf", PdfOptions(theme=str(folder)))
    assert {(round(w), round(h)) for w, h in _page_sizes(pdf)} == {(595, 842)}  # A4
    assert _pdf_fonts(pdf) and all(f.startswith("Source-Serif-Pro") for f in _pdf_fonts(pdf))
    html = HtmlWriter().render(tiny_book(), WriteOptions(theme=str(folder)))
    assert html.count("data:font/ttf;base64,") == 4 and "url(fonts/" not in html


def test_a_theme_template_overrides_only_its_own(tmp_path: Path) -> None:
    folder = _theme_folder(tmp_path)
    (folder / "templates").mkdir()
    (folder / "templates" / "_colophon.j2").write_text(
        '<section class="colophon"><p>Set in a theme of my own.</p></section>\n', encoding="utf-8")
    html = HtmlWriter().render(sample_book(), WriteOptions(theme=str(folder)))
    assert "Set in a theme of my own." in html
    assert 'class="chapter' in html  # the default's other templates


def test_a_theme_lacking_files_depends_on_the_defaults() -> None:
    files = load_theme("us-trade").files()
    default = styles_root() / "default"
    assert files["templates/_chapter.j2"] == default / "templates" / "_chapter.j2"
    assert files["epub.css"] == default / "epub.css"
    assert files["print.css"] == styles_root() / "us-trade" / "print.css"


def test_a_theme_trim_is_checked(tmp_path: Path) -> None:
    folder = _theme_folder(tmp_path, trim="B7")
    with pytest.raises(SpecError, match="unknown trim size 'B7'") as info:
        write_book(tiny_book(), tmp_path / "t.pdf", "pdf", PdfOptions(theme=str(folder)))
    assert info.value.path == str(folder.resolve() / "theme.toml")


@pytest.mark.parametrize("page", ["[page]\ntrim = 6\n", "page = 6\n"])
def test_a_theme_trim_that_is_no_string_is_refused(tmp_path: Path, page: str) -> None:
    folder = _theme_folder(tmp_path)
    toml = folder / "theme.toml"
    toml.write_text(page + "\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SpecError, match="trim must be a string") as info:
        load_theme(str(folder))
    assert info.value.path == str(toml)


def test_a_theme_trim_of_its_own(tmp_path: Path) -> None:
    folder = _theme_folder(tmp_path, trim="5x8in")
    pdf = write_book(tiny_book(), tmp_path / "t.pdf", "pdf", PdfOptions(theme=str(folder)))
    assert _page_sizes(pdf) == {(360.0, 576.0)}



def test_watch_sees_the_default_files_a_theme_takes(tmp_path: Path) -> None:
    from bookmaker.make.watch import watched_folders

    project = copy_project(tmp_path)
    spec = project / "content" / "sample.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "[options]\n", '[options]\ntheme = "us-trade"\n'), encoding="utf-8")
    folders = watched_folders(project)
    assert styles_root() / "us-trade" in folders and styles_root() / "default" in folders


def test_us_trade_is_laid_over_the_default() -> None:
    theme, default = load_theme("us-trade"), load_theme("default")
    for name in ("common.css", "print.css"):
        css = theme.css(name)
        own = (theme.path / name).read_text(encoding="utf-8")
        assert css.endswith(own)  # its own rules last, so they win
        under = css[:-len(own)]
        assert "@font-face" not in under  # the default's faces left out
        assert len(own) < len(under)  # only what differs is its own
    assert theme.css("epub.css") == default.css("epub.css")  # none of its own
    files = theme.files()
    # the default's stylesheets it lies over are among its inputs: editing one rebuilds it
    assert files["common.css (under it)"] == styles_root() / "default" / "common.css"
    assert files["print.css (under it)"] == styles_root() / "default" / "print.css"


def _extending(folder: Path, extends: str, *, fonts: bool = False, css: str | None = None) -> Path:
    folder.mkdir(parents=True)
    toml = f'name = "{folder.name}"\nextends = "{extends}"\n'
    if fonts:
        toml += ('[fonts]\npackage = "font_source_serif_pro"\ndirectory = "files"\n'
                 'family = "Source Serif Pro"\n'
                 '[fonts.files]\nregular = "SourceSerifPro-Regular.ttf"\n')
    (folder / "theme.toml").write_text(toml, encoding="utf-8")
    if css is not None:
        (folder / "print.css").write_text(css, encoding="utf-8")
    return folder


def test_a_theme_extending_us_trade_takes_its_fonts_trim_and_rules(tmp_path: Path) -> None:
    folder = _extending(tmp_path / "wide", "us-trade", css="html { font-size: 11pt; }\n")
    theme = load_theme(str(folder))
    assert theme.trim == "us-trade" and theme.family == "Spectral"
    assert theme.colours == load_theme("us-trade").colours
    css = theme.css("print.css")
    assert css.endswith("html { font-size: 11pt; }\n")
    assert css.index("font-size: 10.5pt") < css.index("font-size: 11pt")  # us-trade's, then its
    # with no fonts of its own, us-trade's faces stay (and the default's are left out)
    faces = re.findall(r"@font-face\s*{([^}]*)}", theme.css("common.css"))
    assert len(faces) == 4 and all('"Spectral"' in f for f in faces)
    pdf = write_book(tiny_book(), tmp_path / "w.pdf", "pdf", PdfOptions(theme=str(folder)))
    assert _page_sizes(pdf) == {US_TRADE_PT}
    assert all(f.startswith("Spectral") for f in _pdf_fonts(pdf))
    html = HtmlWriter().render(tiny_book(), WriteOptions(theme=str(folder)))
    assert html.count("data:font/ttf;base64,") == 4


def test_a_theme_with_fonts_of_its_own_leaves_out_the_faces_it_extends(tmp_path: Path) -> None:
    folder = _extending(tmp_path / "back", "us-trade", fonts=True)
    (folder / "common.css").write_text(
        '@font-face { font-family: "Source Serif Pro"; src: url(fonts/SourceSerifPro-It.ttf); }\n'
        'body { font-family: "Source Serif Pro", serif; }\n', encoding="utf-8")
    theme = load_theme(str(folder))
    assert [f.name for f in theme.font_files(theme.css("common.css"))] == ["SourceSerifPro-It.ttf"]
    epub = write_book(sample_book(), tmp_path / "b.epub", "epub", WriteOptions(theme=str(folder)))
    with zipfile.ZipFile(epub) as z:
        fonts = sorted(n.rsplit("/", 1)[-1] for n in z.namelist() if n.endswith(".ttf"))
    assert fonts == ["SourceSerifPro-It.ttf"]


def test_a_loop_of_themes_is_a_spec_error(tmp_path: Path) -> None:
    one = _extending(tmp_path / "one", "../two")
    _extending(tmp_path / "two", "../one")
    with pytest.raises(SpecError, match="makes a loop of themes") as info:
        load_theme(str(one))
    assert info.value.key == "extends" and info.value.path is not None
    assert info.value.path.endswith("theme.toml")


@pytest.mark.parametrize("extends, says", [("no-such-theme", "which is no theme"),
                                           ("", "extends must name a theme")])
def test_extending_no_theme_is_a_spec_error(tmp_path: Path, extends: str, says: str) -> None:
    folder = _extending(tmp_path / "odd", extends)
    with pytest.raises(SpecError, match=says) as info:
        load_theme(str(folder))
    assert info.value.key == "extends"
    assert info.value.path == str(folder / "theme.toml")
