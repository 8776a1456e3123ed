"""Hypothesis strategies: random bytes, and pages that look like MIA pages, in
both formats (original HTML and the plain-text rendering)."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["any_bytes", "mia_html_pages", "mia_text_pages", "encodings"]

any_bytes = st.binary(max_size=4000)
encodings = st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16"])

_WORDS = st.sampled_from(["the", "revolution", "workers", "Trotsky", "café", "“quoted”",
                          "’s", "–", "1932", "&", "<", "party", "Stalin", "\u00a0", "naïve",
                          "Šk", "€", "x"])
_TEXT = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)
_NAMES = st.sampled_from(["Leon Trotsky", "Rosa Luxemburg", "E. Belfort Bax", "J.P.C.", ""])
_DATES = st.sampled_from(["(August 1932)", "(1 May 1940)", "1969", "(Spring 1921)", ""])
_LABELS = st.sampled_from(["Written", "Source", "First Published", "Translated",
                           "Transcription/HTML Markup", "Proofread", "Copyleft",
                           "Public Domain", "Copyright"])
_LICENCES = st.sampled_from([
    "Marxists Internet Archive (2007). You may freely copy this work.",
    "Creative Commons Attribution-ShareAlike 2.0.", "GNU Free Documentation License.",
    "Creative Commons (Attribute &amp; No Derivatives)", "Estate of X, used with permission"])


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def _html_block(draw: st.DrawFn, notes: int) -> str:
    text = _esc(draw(_TEXT))
    kind = draw(st.sampled_from(["p", "fst", "quoteb", "h3", "h4", "sep", "ol", "ul", "pre",
                                 "img", "table", "verse", "em", "call", "speech", "link",
                                 "blockquote", "c1", "sig"]))
    n = draw(st.integers(1, max(1, notes)))
    return {
        "p": f"<p>{text}</p>",
        "fst": f'<p class="fst">{text}</p>',
        "quoteb": f'<p class="quoteb">{text}</p>',
        "h3": f"<h3>{text}</h3>",
        "h4": f"<h4>{text}</h4>",
        "sep": '<p class="c">*&#160;&#160;*&#160;&#160;*</p>',
        "ol": f"<ol><li>{text}</li><li>{text}<ol><li>deep</li></ol></li></ol>",
        "ul": f"<ul><li>{text}</li></ul>",
        "pre": f"<pre>  {text}\n    more</pre>",
        "img": f'<p><img src="../img/{n}.jpg" alt="{text}" /></p>',
        "table": f"<table><tr><td>{text}</td><td>2</td></tr><tr><td><p>{text}</p></td></tr></table>",
        "verse": f"<p>&#160;&#160;{text}<br />&#160;&#160;&#160;{text}<br /><br />{text}</p>",
        "em": f"<p><em>{text}</em> <strong>{text}</strong> <span class=\"smallcaps\">sc</span>"
              f" &#147;x&#148; \x93raw\x94</p>",
        "call": f'<p>{text}<a href="#n{n}" name="b{n}">[{n}]</a> {text}</p>',
        "speech": f"<p>A. &#8211; {text}</p><p>B. {text}</p>",
        "link": f'<p><a href="http://example.org/{n}">{text}</a> <a href="../x.htm">y</a></p>',
        "blockquote": f"<blockquote><p>{text}</p><p>{text}</p></blockquote>",
        "c1": f"<p>&#145;{text}&#146; &#150; &#151;</p>",
        "sig": '<p class="date">Prinkipo, August 6th, 1932</p><p class="author">L. Trotsky</p>',
    }[kind]


@st.composite
def mia_html_pages(draw: st.DrawFn) -> bytes:
    """An MIA-style page: head, breadcrumbs, title block, information block, body,
    notes, footer; in one of several encodings, sometimes mislabelled."""
    notes = draw(st.integers(0, 3))
    author, date = _esc(draw(_NAMES)), draw(_DATES)
    title = _esc(draw(_TEXT))
    style = draw(st.sampled_from(["information", "info", "h5", "none"]))
    fields = draw(st.lists(st.tuples(_LABELS, _LICENCES), max_size=4))
    if style == "information":
        info = '<p class="information">' + "<br />".join(
            f'<span class="info">{k}:</span> {v}' for k, v in fields) + "</p>"
    elif style == "info":
        info = '<p class="info">' + "<br />".join(f"{k}: {v}" for k, v in fields) + "</p>"
    elif style == "h5":
        info = "<h5>" + "<br />".join(f"{k} {v}" for k, v in fields) + "</h5>"
    else:
        info = ""
    body = "\n".join(draw(st.lists(_html_block(notes), max_size=10)))
    note_html = "".join(f'<p class="note"><a name="n{i}" href="#b{i}">{i}.</a> {_esc(draw(_TEXT))}</p>'
                        for i in range(1, notes + 1))
    charset = draw(st.sampled_from(["utf-8", "iso-8859-1", "windows-1251", "utf-16", ""]))
    meta = f'<meta http-equiv="content-type" content="text/html; charset={charset}" />' \
        if charset else ""
    page = (f"<html><head>{meta}<title>x</title><style>p {{}}</style></head><body>"
            f'<p class="toplink"><a href="../index.htm">MIA</a> &gt; Archive</p>'
            f"{'<h2>' + author + '</h2>' if author else ''}<h1>{title}</h1>"
            f"{'<h3>' + date + '</h3>' if date else ''}<hr />{info}<hr />"
            f"{body}<hr />{'<h3>Notes</h3>' if notes else ''}{note_html}"
            f'<p class="footer">Archive</p><p class="updat">Last updated on: 1.1.2000</p>'
            f"</body></html>")
    encoding = draw(encodings)
    return page.replace("\x93", "\u201c").replace("\x94", "\u201d").encode(
        encoding, errors="replace")


@st.composite
def mia_text_pages(draw: st.DrawFn) -> bytes:
    """A seed-format text page: author, title, date, information block, body, notes."""
    parts = [draw(_NAMES), draw(_TEXT), draw(_DATES)]
    parts.append("\n".join(f"{k}: {v}" for k, v in draw(st.lists(st.tuples(_LABELS, _LICENCES),
                                                                  max_size=3))))
    for _ in range(draw(st.integers(0, 8))):
        parts.append(draw(st.sampled_from(["", "* * *", "  1. item\n  2. item", "A. – turn",
                                           "B. turn", "Notes", "1. a note", "[1]"])) + " "
                     + draw(_TEXT))
    text = "\n\n".join(p for p in parts if p)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "cp1252"])), errors="replace")
