"""People's names as a page writes them on a line of their own: the author line
above the title ("Leon Trotsky", "August Bebel 1879") and the signature below the
text ("L. Trotsky", "J.P.C.")."""

from __future__ import annotations

import re

from ...model import Person

__all__ = ["is_name", "is_author", "author_and_year", "persons"]

# Words never found in a personal name, so "Let Us Reenforce…" is no author line.
_NOT_NAME = set("""the a an of in on to for with from by at our us let is are was be it this
that these what how why who when where not no as or but into against about after before under
over archive internet collected works writings selected volume chapter part section
introduction preface appendix letter letters speech notes note footnotes endnotes index
contents politics review reviews book books interview report resolution theses programme
program manifesto bibliography""".split())
_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le",
              "y", "ibn", "bin", "and", "&", "et", "al."}


def is_name(text: str, *, min_words: int = 1, max_words: int = 10) -> bool:
    """True for "Leon Trotsky", "L. Trotsky", "J.P.C.", "G. Padmore, J. Kenyatta & W. Daniels"."""
    if re.search(r"[\d:;!?()\[\]“”\"]|/\S|\S/", text):
        return False
    words = text.replace(",", " ").replace(" / ", " ").split()
    initials = len(words) == 1 and re.fullmatch(r"(?:[A-Z]\.){2,}", words[0])
    if not (min_words <= len(words) or initials) or len(words) > max_words:
        return False
    return all(w.lower() in _PARTICLES
               or (w[0].isupper() and w.strip("’'").lower() not in _NOT_NAME) for w in words)


def is_author(text: str) -> bool:
    return is_name(text, min_words=2) and not text.isupper()  # capitals: a kicker


def author_and_year(text: str) -> tuple[str | None, str | None]:
    """("Leon Trotsky", None), ("August Bebel", "1879"), or (None, None) for no name."""
    text = re.sub(r"\((and\s[^()]+)\)", r"\1", text)  # "Pierre Broué (and Emile Témime)"
    match = re.fullmatch(r"(.*?\S)\s+(\d{4}(?:\s*[-–]\s*\d{2,4})?)", text)
    name, year = (match.group(1), match.group(2)) if match else (text, None)
    return (name, year) if is_author(name) else (None, None)


def persons(text: str) -> tuple[Person, ...]:
    names: list[str] = []
    for part in filter(None, (p.strip() for p in re.split(r",|\s(?:&|and|/)\s", text))):
        if re.fullmatch(r"(?:Jr|Sr|I{2,3}|IV)\.?", part) and names:
            names[-1] += ", " + part  # "Martin Luther King, Jr."
        else:
            names.append(part)
    return tuple(Person(n) for n in names)
