"""Recognise licence statements as written on archive pages, and refuse books whose
articles' licences cannot be combined.

`recognise_licence` reads the statement shapes found on marxists.org pages:
Creative Commons licences by name ("Attribution-ShareAlike 2.0", "Attribute &
No Derivatives"), abbreviation ("CC BY-NC-SA 4.0") or URL; the GNU Free
Documentation License; public domain statements (including MIA's "Public
Domain … under the Creative Commons Common Deed"); and "Copyright …
reproduced with permission"; and the links to marxists.org's own copies of
the licences (admin/legal/cc/by-sa.htm, admin/legal/fdl.htm), which readers
pass along with the statement. A statement that names no licence, or a bare
"Creative Commons License" without its kind or link, is not recognised
(None): the editor has to decide. A Creative Commons name without a version is read as
version 2.0, the version MIA's own statements use and link (admin/legal/cc/). The
GNU FDL is read at the version the statement names ("GFDL 1.2", "version 1.3", a
gnu.org fdl-1.2 address); a statement that names none, or links MIA's own copy
(admin/legal/fdl.htm), is `LicenseRef-GFDL`: "GNU FDL, version not stated", never
asserted as one version. CC0 is read by name ("CC0", "Creative Commons Zero") or URL.

`check_book_licences` applies the rules for one distributable book (see its
docstring); every refusal can be overridden by a written reason for the
article, which the imprint then prints. A licence whose version is not stated is
checked as the strictest version it could be (see `check_book_licences`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import LicenceError
from .model import Licence

__all__ = ["recognise_licence", "licence_by_id", "KNOWN_LICENCES", "check_book_licences",
           "licence_category", "licence_problems", "UNVERSIONED"]

# id -> (name, url)
KNOWN_LICENCES: dict[str, tuple[str, str | None]] = {
    "CC-BY-SA-2.0": ("Creative Commons Attribution-ShareAlike 2.0",
                     "https://creativecommons.org/licenses/by-sa/2.0/"),
    "CC-BY-SA-3.0": ("Creative Commons Attribution-ShareAlike 3.0",
                     "https://creativecommons.org/licenses/by-sa/3.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-2.0": ("Creative Commons Attribution 2.0", "https://creativecommons.org/licenses/by/2.0/"),
    "CC-BY-3.0": ("Creative Commons Attribution 3.0", "https://creativecommons.org/licenses/by/3.0/"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-NC-2.0": ("Creative Commons Attribution-NonCommercial 2.0",
                     "https://creativecommons.org/licenses/by-nc/2.0/"),
    "CC-BY-NC-3.0": ("Creative Commons Attribution-NonCommercial 3.0",
                     "https://creativecommons.org/licenses/by-nc/3.0/"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution-NonCommercial 4.0",
                     "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-2.0": ("Creative Commons Attribution-NonCommercial-ShareAlike 2.0",
                        "https://creativecommons.org/licenses/by-nc-sa/2.0/"),
    "CC-BY-NC-SA-3.0": ("Creative Commons Attribution-NonCommercial-ShareAlike 3.0",
                        "https://creativecommons.org/licenses/by-nc-sa/3.0/"),
    "CC-BY-NC-SA-4.0": ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0",
                        "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-ND-2.0": ("Creative Commons Attribution-NoDerivs 2.0",
                     "https://creativecommons.org/licenses/by-nd/2.0/"),
    "CC-BY-ND-3.0": ("Creative Commons Attribution-NoDerivs 3.0",
                     "https://creativecommons.org/licenses/by-nd/3.0/"),
    "CC-BY-ND-4.0": ("Creative Commons Attribution-NoDerivatives 4.0",
                     "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-ND-2.0": ("Creative Commons Attribution-NonCommercial-NoDerivs 2.0",
                        "https://creativecommons.org/licenses/by-nc-nd/2.0/"),
    "CC-BY-NC-ND-3.0": ("Creative Commons Attribution-NonCommercial-NoDerivs 3.0",
                        "https://creativecommons.org/licenses/by-nc-nd/3.0/"),
    "CC-BY-NC-ND-4.0": ("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
                        "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "CC0-1.0": ("Creative Commons CC0 1.0 Universal (public domain dedication)",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
    "GFDL-1.1": ("GNU Free Documentation License 1.1",
                 "https://www.gnu.org/licenses/old-licenses/fdl-1.1.html"),
    "GFDL-1.2": ("GNU Free Documentation License 1.2",
                 "https://www.gnu.org/licenses/old-licenses/fdl-1.2.html"),
    "GFDL-1.3": ("GNU Free Documentation License 1.3", "https://www.gnu.org/licenses/fdl-1.3.html"),
    # the statement names the GFDL and no version: no version (nor its address) is asserted
    "LicenseRef-GFDL": ("GNU FDL, version not stated", None),
    "LicenseRef-PublicDomain": ("Public domain", None),
    "LicenseRef-Permission": ("Copyright, used with permission", None),
}

_CC = re.compile(
    r"creative\s+commons\s+(?:licen[cs]e\s+)?(?:\(?\s*)?"
    r"(attribut(?:ion|e)(?:(?:[\s,&-]|and)+(?:non[\s-]?commercial|share[\s-]?alike"
    r"|no[\s-]?deriv\w*))*)"
    r"\)?(?:[\s,]+(?:licen[cs]e|version|v\.?)?\s*)*(\d\.\d)?",
    re.IGNORECASE,
)
# bare licence names: "under the terms of the Attribution-ShareAlike 2.0"
_CC_BARE = re.compile(r"\b(attribution(?:-(?:non-?commercial|share-?alike|no-?deriv\w*))+)"
                      r"(?:\s+(\d\.\d))?", re.IGNORECASE)
# marxists.org's own copies of the licences, linked from its statements
_MIA_URL = re.compile(r"legal/cc/(by(?:-nc)?(?:-nd)?(?:-sa)?)(?:-full)?\.html?|legal/(fdl)\.html?",
                      re.IGNORECASE)
_CC_SHORT = re.compile(r"\bCC[\s-]+(BY(?:[\s-]+(?:NC|ND|SA))*)(?:[\s-]+(\d\.\d))?\b")
_CC_URL = re.compile(r"creativecommons\.org/licen[cs]es/([a-z-]+)/(\d\.\d)", re.IGNORECASE)
_CC0 = re.compile(r"\bCC[\s-]?(?:0|zero)\b|creative\s+commons\s+zero\b|publicdomain/zero/1\.0",
                  re.IGNORECASE)
# "GNU Free Documentation License, Version 1.2", "GFDL 1.3", "GFDL-1.1", ".../fdl-1.2.html"
_GFDL_VERSION = re.compile(r"(?:free\s+documentation\s+licen[cs]e|\bgfdl|\bfdl)"
                           r"[\s,(-]*(?:version\s+|v\.?\s*)?(1\.[123])\b", re.IGNORECASE)

# The licences whose version the statement did not give: checked as their strictest
# version. (Unversioned CC names are read as 2.0, see the module's docstring.)
UNVERSIONED = frozenset({"LicenseRef-GFDL"})
# the latest version of each family a version rule may compare with
_LATEST = {"GFDL": 1.3, "CC": 4.0}


def licence_by_id(licence_id: str, statement: str = "") -> Licence | None:
    """The known licence with this id, or None."""
    known = KNOWN_LICENCES.get(licence_id)
    if known is None:
        return None
    return Licence(id=licence_id, name=known[0], statement=statement, url=known[1])


def _cc_id(words: str, version: str | None) -> str:
    w = words.lower()
    parts = ["CC", "BY"]
    if re.search(r"non[\s-]?commercial", w):
        parts.append("NC")
    if re.search(r"no[\s-]?deriv", w):
        parts.append("ND")
    if re.search(r"share[\s-]?alike", w):
        parts.append("SA")
    return "-".join(parts) + "-" + (version or "2.0")


def _gfdl(text: str, statement: str) -> Licence | None:
    """The GFDL at the version the text names, or unversioned."""
    match = _GFDL_VERSION.search(text)
    return licence_by_id(f"GFDL-{match.group(1)}" if match else "LicenseRef-GFDL", statement)


def recognise_licence(statement: str) -> Licence | None:
    """The licence a free-text statement grants, or None when it names none we know."""
    text = " ".join(statement.split())
    if _CC0.search(text):
        return licence_by_id("CC0-1.0", statement)
    match = _CC_URL.search(text)
    if match:
        lid = "CC-" + match.group(1).upper() + "-" + match.group(2)
        found = licence_by_id(lid, statement)
        if found:
            return found
    match = _CC_SHORT.search(text)
    if match:
        words = match.group(1).upper().replace("NC", "noncommercial").replace(
            "ND", "noderiv").replace("SA", "sharealike")
        found = licence_by_id(_cc_id(words, match.group(2)), statement)
        if found:
            return found
    match = _CC.search(text)
    if match:
        found = licence_by_id(_cc_id(match.group(1), match.group(2)), statement)
        if found:
            return found
    match = _CC_BARE.search(text)
    if match:
        found = licence_by_id(_cc_id(match.group(1), match.group(2)), statement)
        if found:
            return found
    match = _MIA_URL.search(text)
    if match:
        if match.group(2):
            return _gfdl(text, statement)
        words = match.group(1).lower().replace("nc", "noncommercial").replace(
            "nd", "noderiv").replace("sa", "sharealike")
        found = licence_by_id(_cc_id(words, None), statement)
        if found:
            return found
    low = text.lower()
    if re.search(r"free documentation licen[cs]e|\bgfdl"
                 r"|gnu\.org/(?:licenses/(?:old-licenses/)?|copyleft/)fdl", low):
        return _gfdl(text, statement)
    if "public domain" in low:
        return licence_by_id("LicenseRef-PublicDomain", statement)
    if "permission" in low and ("copyright" in low or "©" in text):
        return licence_by_id("LicenseRef-Permission", statement)
    return None


# --- combining licences in one book -------------------------------------------------------

def licence_category(licence: Licence | None) -> str:
    """A coarse class for tables: "none", "PD", "permission", "GFDL", "CC-BY-SA", …"""
    if licence is None:
        return "none"
    if licence.id == "LicenseRef-PublicDomain":
        return "PD"
    if licence.id == "LicenseRef-Permission":
        return "permission"
    if _is_gfdl(licence):
        return "GFDL"
    return re.sub(r"-\d\.\d$", "", licence.id)


def _is_gfdl(licence: Licence) -> bool:
    return licence.id.startswith("GFDL") or licence.id == "LicenseRef-GFDL"


def _parts(licence: Licence) -> set[str]:
    if not licence.id.startswith("CC-"):
        return set()
    return {p for p in licence.id.split("-") if not re.fullmatch(r"\d\.\d", p)}


def _version(licence: Licence, *, article: bool) -> float:
    """The version a rule compares. Unstated, it is the worst case: for an article,
    the latest version of its family (whose terms a book must then meet); for the
    book's own licence, none (it meets no versioned terms)."""
    match = re.search(r"(\d\.\d)$", licence.id)
    if match:
        return float(match.group(1))
    if not article:
        return 0.0
    return _LATEST["GFDL" if _is_gfdl(licence) else "CC"]


def _meets(book: Licence, licence: Licence) -> bool:
    """Whether the book's own licence meets a copyleft article's terms: the same
    licence, at the same or a later version."""
    if _is_gfdl(licence):
        same = _is_gfdl(book)
    else:
        same = book.id.startswith("CC-") and _parts(book) == _parts(licence)
    return same and _version(book, article=False) >= _version(licence, article=True)


def licence_problems(entries: Sequence[tuple[str, Licence | None, str | None]], *,
                     book_licence: Licence | None = None, commercial: bool = False,
                     modified: bool = True) -> list[tuple[str, str]]:
    """What keeps these articles out of one distributable book: (article name, why),
    in the articles' order; empty when nothing does. The rules are
    `check_book_licences`'s."""
    problems: list[tuple[str, str]] = []
    for name, licence, reason in entries:
        if reason and reason.strip():
            continue
        if licence is None:
            problems.append((name, "has no licence statement; give the article a licence "
                                   "or an override with a written reason (licence_reason)"))
            continue
        parts = _parts(licence)
        if "ND" in parts and modified:
            problems.append((name, f"is under {licence.id}, which forbids derivatives, and the "
                                   "book alters the text (re-typesetting and typography)"))
        if "NC" in parts and commercial:
            problems.append((name, f"is under {licence.id}, which forbids commercial use, "
                                   "and the book is declared commercial"))
        if ("SA" in parts or _is_gfdl(licence)) and book_licence is not None:
            if not _meets(book_licence, licence):
                unstated = (" (its version is not stated, so the latest is assumed)"
                            if licence.id in UNVERSIONED else "")
                kind = "GFDL" if _is_gfdl(licence) else "ShareAlike"
                problems.append((name, f"is under {licence.id}{unstated}, whose {kind} terms "
                                       f"the book's own licence {book_licence.id} does not meet"))
    gfdl = [(n, r) for n, lic, r in entries if lic is not None and _is_gfdl(lic)]
    by_sa = [(n, r) for n, lic, r in entries
             if lic is not None and _parts(lic) >= {"BY", "SA"}]
    if gfdl and by_sa:
        reasoned = (all(r and r.strip() for _, r in gfdl)
                    or all(r and r.strip() for _, r in by_sa))
        if not reasoned:  # each GFDL article without a reason is one problem
            problems += [(n, f"is under the GFDL, which cannot be combined with the "
                             f"CC BY-SA article {by_sa[0][0]}")
                         for n, r in gfdl if not (r and r.strip())]
    return problems


def check_book_licences(entries: Sequence[tuple[str, Licence | None, str | None]], *,
                        book_licence: Licence | None = None, commercial: bool = False,
                        modified: bool = True) -> None:
    """Raise LicenceError unless these articles may go into one distributable book.

    `entries` are (article name, its licence or None, the editor's written reason
    to include it whatever its licence, or None). The rules, each lifted for an
    article that has a reason:

    * an article without a licence statement may not be used;
    * a NoDerivatives licence forbids a book that alters the text (`modified`:
      re-typesetting with typographic changes is an alteration);
    * a NonCommercial licence forbids a book declared `commercial`;
    * a ShareAlike article needs the book's own licence, if it has one, to be
      the same ShareAlike licence at the same or a later version; a GFDL article,
      the GFDL at the same or a later version;
    * GFDL and CC BY-SA material cannot be combined (each demands the whole
      derivative under its own terms);
    * public domain (and CC0) and "used with permission" material is always fine.

    A licence whose version is not stated (`UNVERSIONED`: "GNU FDL, version not
    stated") keeps every restriction of its family and is taken at the latest
    version a rule compares: a book's own licence meets it only at that version
    (GFDL-1.3), and an unversioned book licence meets no versioned terms.
    """
    problems = licence_problems(entries, book_licence=book_licence, commercial=commercial,
                                modified=modified)
    if problems:
        name, message = problems[0]
        more = f" (and {len(problems) - 1} more licence problem(s): " + "; ".join(
            f"{n} {m}" for n, m in problems[1:]) + ")" if len(problems) > 1 else ""
        raise LicenceError(f"article {name} {message}{more}", path=name)
