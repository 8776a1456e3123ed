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
version 2.0, the version MIA's own statements use.

`check_book_licences` applies the rules for one distributable book (see its
docstring); every refusal can be overridden by a written reason for the
article, which the imprint then prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import LicenceError
from .model import Licence

__all__ = ["recognise_licence", "licence_by_id", "KNOWN_LICENCES", "check_book_licences",
           "licence_category"]

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
    "GFDL-1.3": ("GNU Free Documentation License", "https://www.gnu.org/licenses/fdl-1.3.html"),
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


def recognise_licence(statement: str) -> Licence | None:
    """The licence a free-text statement grants, or None when it names none we know."""
    text = " ".join(statement.split())
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
            return licence_by_id("GFDL-1.3", statement)
        words = match.group(1).lower().replace("nc", "noncommercial").replace(
            "nd", "noderiv").replace("sa", "sharealike")
        found = licence_by_id(_cc_id(words, None), statement)
        if found:
            return found
    low = text.lower()
    if "free documentation license" in low or "gfdl" in low:
        return licence_by_id("GFDL-1.3", statement)
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
    if licence.id.startswith("GFDL"):
        return "GFDL"
    return re.sub(r"-\d\.\d$", "", licence.id)


def _parts(licence: Licence) -> set[str]:
    if not licence.id.startswith("CC-"):
        return set()
    return {p for p in licence.id.split("-") if not re.fullmatch(r"\d\.\d", p)}


def _version(licence: Licence) -> float:
    match = re.search(r"(\d\.\d)$", licence.id)
    return float(match.group(1)) if match else 0.0


def check_book_licences(entries: Sequence[tuple[str, Licence | None, str | None]], *,
                        book_licence: Licence | None = None, commercial: bool = False,
                        modified: bool = True) -> None:
    """Raise LicenceError unless these articles may go into one distributable book.

    `entries` are (article name, its licence or None, the editor's written reason
    for an override or None). The rules, each lifted for an article that has a
    reason:

    * an article without a licence statement may not be used;
    * a NoDerivatives licence forbids a book that alters the text (`modified`:
      re-typesetting with typographic changes is an alteration);
    * a NonCommercial licence forbids a book declared `commercial`;
    * a ShareAlike article needs the book's own licence, if it has one, to be
      the same ShareAlike licence at the same or a later version;
    * GFDL and CC BY-SA material cannot be combined (each demands the whole
      derivative under its own terms);
    * public domain and "used with permission" material is always fine.
    """
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
        if "SA" in parts and book_licence is not None:
            same = _parts(book_licence) == parts and _version(book_licence) >= _version(licence)
            if not same:
                problems.append((name, f"is under {licence.id}, whose ShareAlike terms the "
                                       f"book's own licence {book_licence.id} does not meet"))
    gfdl = [(n, r) for n, lic, r in entries if lic is not None and lic.id.startswith("GFDL")]
    by_sa = [(n, r) for n, lic, r in entries
             if lic is not None and _parts(lic) >= {"BY", "SA"}]
    if gfdl and by_sa:
        reasoned = (all(r and r.strip() for _, r in gfdl)
                    or all(r and r.strip() for _, r in by_sa))
        if not reasoned:
            problems.append((gfdl[0][0], f"is under the GFDL, which cannot be combined with the "
                                         f"CC BY-SA article {by_sa[0][0]}"))
    if problems:
        name, message = problems[0]
        more = f" (and {len(problems) - 1} more licence problem(s): " + "; ".join(
            f"{n} {m}" for n, m in problems[1:]) + ")" if len(problems) > 1 else ""
        raise LicenceError(f"article {name} {message}{more}", path=name)
