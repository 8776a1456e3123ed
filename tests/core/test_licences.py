"""Licence statements recognised as identifiers, and the rules for combining
articles' licences in one book (issue 6, point 6)."""

from __future__ import annotations

import csv
import html

import pytest

from bookmaker.errors import LicenceError
from bookmaker.licences import (check_book_licences, licence_by_id, licence_category,
                                recognise_licence)
from conftest import SHARED

STATEMENTS = [
    ("Public Domain: Marxists Internet Archive (2007). You may freely copy, distribute, display "
     "and perform this work; as well as make derivative and commercial works.",
     "LicenseRef-PublicDomain"),
    ("Public Domain: This work is in the under the Creative Commons Common Deed. You can freely "
     "copy, distribute and display this work", "LicenseRef-PublicDomain"),
    ("Copyright: This work is in the Public Domain under the Creative Commons Common Deed.",
     "LicenseRef-PublicDomain"),
    ("Public Domain: Joseph Hansen Internet Archive 2006; This work is completely free.",
     "LicenseRef-PublicDomain"),
    ("Copyleft: Leon Trotsky Internet Archive (www.marxists.org) 2014. Permission is granted to "
     "copy and/or distribute this document under the terms of the Creative Commons "
     "Attribution-ShareAlike 2.0.", "CC-BY-SA-2.0"),
    ("Copyleft: Creative Commons (Attribution-ShareAlike) marxists.org 2005;", "CC-BY-SA-2.0"),
    ("Copyleft: Creative Commons (Attribute & Share-alike) Marxist Internet Archive 2010.",
     "CC-BY-SA-2.0"),
    ("Licensed under CC BY-SA 3.0", "CC-BY-SA-3.0"),
    ("https://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"),
    ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
    ("CC BY 3.0", "CC-BY-3.0"),
    ("Creative Commons Attribution-NonCommercial 3.0", "CC-BY-NC-3.0"),
    ("CC BY-NC-SA 4.0", "CC-BY-NC-SA-4.0"),
    ("Copyleft: Creative Commons (Attribute & No Derivatives) 2007 conference \"Be it resolved "
     "that all material … shall be licensed under the Creative Commons Attribution-NoDerivs "
     "copyright licence\".", "CC-BY-ND-2.0"),
    ("Creative Commons Attribution-NonCommercial-NoDerivs 3.0", "CC-BY-NC-ND-3.0"),
    ("Copyleft: Leon Trotsky Internet Archive (www.marxists.org) 2003. Permission is granted to "
     "copy and/or distribute this document under the terms of the GNU Free Documentation "
     "License.", "GFDL-1.3"),
    ("GNU Free Documentation License.", "GFDL-1.3"),
    ("Copyright © 1970 Estate of the author. Reproduced with kind permission.",
     "LicenseRef-Permission"),
    ("Copyleft: August Thalheimer (www.marx.org) 2012. Permission is granted to copy and/or "
     "distribute this document under the terms of the Attribution-ShareAlike 2.0",
     "CC-BY-SA-2.0"),
    ("https://www.marxists.org/admin/legal/cc/by-sa.htm", "CC-BY-SA-2.0"),
    ("../../admin/legal/fdl.htm", "GFDL-1.3"),
    ("This article in in the Public Domain under the Creative Commons Deed.",
     "LicenseRef-PublicDomain"),
]


@pytest.mark.parametrize(("statement", "expected"), STATEMENTS)
def test_recognised(statement: str, expected: str) -> None:
    licence = recognise_licence(statement)
    assert licence is not None and licence.id == expected
    assert licence.statement == statement


@pytest.mark.parametrize("statement", [
    "Copyleft: Novosti Press Agency Publishing House, 1975.",
    "Creative Commons Deed.",
    "Copyleft: Permission is granted to copy and/or distribute this document under the terms "
    "of the Creative Commons License.",
    "",
])
def test_not_a_known_licence(statement: str) -> None:
    assert recognise_licence(statement) is None


MANIFEST = SHARED / "corpus" / "mia" / "MANIFEST.tsv"
CATEGORY = {"PD": "PD", "PD+CC": "PD", "PD+CC+COPYRIGHT": "PD", "CC+GFDL": "GFDL",
            "GFDL": "GFDL", "CC-ND": "CC-BY-ND"}


@pytest.mark.skipif(not MANIFEST.is_file(), reason="no shared corpus here")
def test_every_manifest_statement() -> None:
    """Each statement in MANIFEST.tsv is recognised as the licence its category says,
    except the bare "Creative Commons License" ones, which name no kind."""
    rows = list(csv.DictReader(MANIFEST.open(encoding="utf-8"), delimiter="\t"))
    for row in rows:
        statement = html.unescape(row["licence_statement"]).split(" | ")[0]
        if not statement:
            continue
        found = recognise_licence(statement)
        if row["licence"] == "CC":  # "Creative Commons License" alone names no licence
            assert found is None or found.id in ("CC-BY-SA-2.0", "LicenseRef-PublicDomain"), \
                row["path"]
        else:
            assert licence_category(found) == CATEGORY[row["licence"]], (row["path"], statement)


# --- combining -------------------------------------------------------------------------

PD = licence_by_id("LicenseRef-PublicDomain")
PERMISSION = licence_by_id("LicenseRef-Permission")
BY_SA_2 = licence_by_id("CC-BY-SA-2.0")
BY_SA_4 = licence_by_id("CC-BY-SA-4.0")
BY_NC = licence_by_id("CC-BY-NC-4.0")
BY_NC_SA = licence_by_id("CC-BY-NC-SA-4.0")
BY_ND = licence_by_id("CC-BY-ND-2.0")
BY_NC_ND = licence_by_id("CC-BY-NC-ND-3.0")
GFDL = licence_by_id("GFDL-1.3")
BY = licence_by_id("CC-BY-4.0")


def test_public_domain_and_permission_are_fine() -> None:
    check_book_licences([("a.htm", PD, None), ("b.htm", PERMISSION, None), ("c", BY, None)],
                        book_licence=BY_SA_4, commercial=True)


def test_missing_licence_needs_a_reason() -> None:
    with pytest.raises(LicenceError, match="no licence statement") as caught:
        check_book_licences([("a.htm", PD, None), ("b.htm", None, None)], book_licence=None,
                            commercial=False)
    assert caught.value.path == "b.htm" and "b.htm" in str(caught.value)
    check_book_licences([("b.htm", None, "MIA page; the translation is out of copyright")],
                        book_licence=None, commercial=False)


@pytest.mark.parametrize("licence", [BY_ND, BY_NC_ND])
def test_no_derivatives_in_an_altered_book(licence) -> None:
    with pytest.raises(LicenceError, match="forbids derivatives"):
        check_book_licences([("spgb.htm", licence, None)], book_licence=None, commercial=False)
    check_book_licences([("spgb.htm", licence, None)], book_licence=None, commercial=False,
                        modified=False)
    check_book_licences([("spgb.htm", licence, "the SPGB agreed in writing")],
                        book_licence=None, commercial=False)


@pytest.mark.parametrize("licence", [BY_NC, BY_NC_SA, BY_NC_ND])
def test_non_commercial_in_a_book_for_sale(licence) -> None:
    with pytest.raises(LicenceError, match="forbids commercial use"):
        check_book_licences([("nc.htm", licence, None)], book_licence=None, commercial=True,
                            modified=False)
    check_book_licences([("nc.htm", licence, None)], book_licence=None, commercial=False,
                        modified=False)
    check_book_licences([("nc.htm", licence, "sold at cost by agreement")], book_licence=None,
                        commercial=True, modified=False)


def test_share_alike_needs_a_compatible_book_licence() -> None:
    check_book_licences([("sa.htm", BY_SA_2, None)], book_licence=None, commercial=False)
    check_book_licences([("sa.htm", BY_SA_2, None)], book_licence=BY_SA_2, commercial=False)
    check_book_licences([("sa.htm", BY_SA_2, None)], book_licence=BY_SA_4, commercial=False)
    with pytest.raises(LicenceError, match="ShareAlike"):
        check_book_licences([("sa.htm", BY_SA_4, None)], book_licence=BY_SA_2,
                            commercial=False)
    with pytest.raises(LicenceError, match="ShareAlike"):
        check_book_licences([("sa.htm", BY_SA_2, None)], book_licence=BY, commercial=False)
    check_book_licences([("sa.htm", BY_SA_2, "relicensed by the archive")], book_licence=BY,
                        commercial=False)


def test_gfdl_and_by_sa_do_not_mix() -> None:
    entries = [("gfdl.htm", GFDL, None), ("sa.htm", BY_SA_2, None)]
    with pytest.raises(LicenceError, match="GFDL") as caught:
        check_book_licences(entries, book_licence=None, commercial=False)
    assert "gfdl.htm" in str(caught.value) and "sa.htm" in str(caught.value)
    check_book_licences([("gfdl.htm", GFDL, "dual-licensed by the archive"),
                         ("sa.htm", BY_SA_2, None)], book_licence=None, commercial=False)
    check_book_licences([("gfdl.htm", GFDL, None), ("pd.htm", PD, None)], book_licence=None,
                        commercial=False)


def test_every_problem_is_named() -> None:
    with pytest.raises(LicenceError) as caught:
        check_book_licences([("a.htm", None, None), ("b.htm", BY_ND, None)],
                            book_licence=None, commercial=False)
    assert "a.htm" in str(caught.value) and "b.htm" in str(caught.value)


def test_html_statement_named_by_its_link() -> None:
    """A statement that says only "the Creative Commons License" is read from the
    licence page it links to."""
    from bookmaker.readers.mia import html as mia_html
    page = ('<html><body><h2>Jane Doe</h2><h1>Title</h1><p class="information">'
            '<span class="info">Source:</span> Somewhere.<br />'
            '<span class="info">Copyleft:</span> Permission is granted under the terms of the '
            '<a href="../../admin/legal/cc/by-sa.htm">Creative Commons License</a>.</p>'
            "<p>Text.</p></body></html>").encode()
    article = mia_html.read(page, name="archive/x/y.htm")
    assert article.attribution.licence.id == "CC-BY-SA-2.0"
    assert article.attribution.licence.statement.startswith("Permission is granted")
