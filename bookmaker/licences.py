"""Recognise licence statements as written on archive pages."""

from __future__ import annotations

import re

from .model import Licence

__all__ = ["recognise_licence", "licence_by_id", "KNOWN_LICENCES"]

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
    r"(attribution(?:[\s-]+(?:non[\s-]?commercial|share[\s-]?alike|no[\s-]?deriv\w*))*)"
    r"(?:[\s,]+(?:licen[cs]e|version|v\.?)?\s*)*(\d\.\d)?",
    re.IGNORECASE,
)
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
    match = _CC.search(text)
    if match:
        found = licence_by_id(_cc_id(match.group(1), match.group(2)), statement)
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
