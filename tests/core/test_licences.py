"""Licence statements recognised as identifiers, and the rules for combining
articles' licences in one book (issue 6, point 6)."""

from __future__ import annotations

import csv
import html
import shutil
from pathlib import Path

import pytest

from bookmaker.errors import LicenceError
from bookmaker.licences import (check_book_licences, licence_by_id, licence_category,
                                recognise_licence)
from conftest import ROOT, SHARED

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
     "License.", "LicenseRef-GFDL"),
    ("GNU Free Documentation License.", "LicenseRef-GFDL"),
    ("Permission is granted to copy, distribute and/or modify this document under the terms "
     "of the GNU Free Documentation License, Version 1.2 or any later version", "GFDL-1.2"),
    ("Licensed under the GFDL 1.1", "GFDL-1.1"),
    ("GNU Free Documentation License v1.3", "GFDL-1.3"),
    ("https://www.gnu.org/licenses/old-licenses/fdl-1.2.html", "GFDL-1.2"),
    ("https://www.gnu.org/copyleft/fdl.html", "LicenseRef-GFDL"),
    ("The author dedicates this text to the public domain under CC0 1.0 Universal.", "CC0-1.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
    ("Creative Commons Zero", "CC0-1.0"),
    ("Copyright © 1970 Estate of the author. Reproduced with kind permission.",
     "LicenseRef-Permission"),
    ("Copyleft: August Thalheimer (www.marx.org) 2012. Permission is granted to copy and/or "
     "distribute this document under the terms of the Attribution-ShareAlike 2.0",
     "CC-BY-SA-2.0"),
    ("https://www.marxists.org/admin/legal/cc/by-sa.htm", "CC-BY-SA-2.0"),
    ("../../admin/legal/fdl.htm", "LicenseRef-GFDL"),
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


# --- issue 17: versions, CC0, overrides, the one-off reason -------------------------------

GFDL_UNSTATED = licence_by_id("LicenseRef-GFDL")
GFDL_12 = licence_by_id("GFDL-1.2")
CC0 = licence_by_id("CC0-1.0")


def test_new_ids_are_known() -> None:
    for lid in ("CC0-1.0", "GFDL-1.1", "GFDL-1.2", "GFDL-1.3", "LicenseRef-GFDL",
                "LicenseRef-PublicDomain", "LicenseRef-Permission"):
        assert licence_by_id(lid) is not None, lid
    assert licence_category(CC0) == "CC0" and licence_category(GFDL_UNSTATED) == "GFDL"


def test_an_unversioned_gfdl_is_not_asserted_as_one_version() -> None:
    found = recognise_licence("Permission is granted to copy and/or distribute this document "
                              "under the terms of the GNU Free Documentation License.")
    assert found is not None and found.id == "LicenseRef-GFDL"
    assert found.name == "GNU FDL, version not stated" and found.url is None
    assert "1.3" not in found.name


def test_every_licence_id_is_documented() -> None:
    from bookmaker.licences import KNOWN_LICENCES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lid in KNOWN_LICENCES:
        assert f"`{lid}`" in readme, lid


def test_an_unversioned_licence_is_checked_at_its_strictest() -> None:
    """The GFDL is copyleft: a book with its own licence must be the GFDL at the same or
    a later version. An unstated version is taken as the latest (1.3)."""
    check_book_licences([("f.htm", GFDL_UNSTATED, None)], book_licence=None)
    check_book_licences([("f.htm", GFDL_UNSTATED, None)], book_licence=GFDL)
    check_book_licences([("f.htm", GFDL_12, None)], book_licence=GFDL)
    for book in (GFDL_12, GFDL_UNSTATED, BY_SA_4):
        with pytest.raises(LicenceError, match="version is not stated"):
            check_book_licences([("f.htm", GFDL_UNSTATED, None)], book_licence=book)
    with pytest.raises(LicenceError, match="GFDL terms"):
        check_book_licences([("f.htm", GFDL, None)], book_licence=GFDL_12)
    with pytest.raises(LicenceError, match="cannot be combined"):
        check_book_licences([("f.htm", GFDL_UNSTATED, None), ("sa.htm", BY_SA_2, None)])


def test_cc0_goes_anywhere() -> None:
    check_book_licences([("z.htm", CC0, None)], book_licence=BY_SA_4, commercial=True)


def test_every_gfdl_article_is_a_problem_of_its_own() -> None:
    from bookmaker.licences import licence_problems
    found = licence_problems([("a.htm", GFDL, None), ("b.htm", GFDL_12, None),
                              ("sa.htm", BY_SA_2, None)])
    assert [name for name, _ in found] == ["a.htm", "b.htm"]


# A book for sale; an article of the sample (CC BY-SA 2.0) overridden to NonCommercial.
COMMERCIAL = """
[book]
title = "For Sale"
authors = ["Leon Trotsky"]
commercial = true

[[articles]]
path = "sample/offensive.txt"

[[articles]]
path = "{path}"
{override}
"""
NC_OVERRIDE = 'licence = "CC-BY-NC-4.0"\nlicence_reason = "the translator asked for it"'


def _project(tmp_path: Path, path: str, override: str) -> Path:
    shutil.copytree(ROOT / "content" / "sample", tmp_path / "content" / "sample")
    spec = tmp_path / "content" / "book.toml"
    spec.write_text(COMMERCIAL.format(path=path, override=override), encoding="utf-8")
    return spec


def test_a_non_commercial_override_is_refused_in_a_book_for_sale(tmp_path: Path) -> None:
    from bookmaker.make.spec import load_spec
    spec = _project(tmp_path, "sample/impossible.txt", NC_OVERRIDE)
    with pytest.raises(LicenceError, match="forbids commercial use") as caught:
        load_spec(spec)
    assert caught.value.key == "articles[1].licence" and caught.value.path == str(spec)


def test_the_same_licence_stated_in_the_article_is_refused(tmp_path: Path) -> None:
    from bookmaker.make.load import load_book
    from bookmaker.make.spec import load_spec
    spec = _project(tmp_path, "nc.txt", "")
    (tmp_path / "content" / "nc.txt").write_text(
        "A. Writer\n\nFor Sale Elsewhere\n\n(May 1930)\n\nSource: Somewhere.\n"
        "Copyleft: Creative Commons Attribution-NonCommercial 3.0\n\nA paragraph of text.\n",
        encoding="utf-8")
    with pytest.raises(LicenceError, match="forbids commercial use") as caught:
        load_book(load_spec(spec))
    assert caught.value.key == "articles" and "nc.txt" in caught.value.message


def test_a_compatible_override_still_builds(tmp_path: Path) -> None:
    from bookmaker.make.load import load_book
    from bookmaker.make.spec import load_spec
    spec = _project(tmp_path, "sample/impossible.txt",
                    'licence = "LicenseRef-Permission"\nlicence_reason = "sold with permission"')
    book = load_book(load_spec(spec))
    assert book.chapters[1].article.attribution.licence_reason == "sold with permission"


def test_the_one_off_reason_goes_only_where_it_is_needed(tmp_path: Path) -> None:
    from bookmaker.make.one_off import make_book
    from helpers import epub_docs
    free = tmp_path / "free.txt"
    free.write_text("A. Writer\n\nUnlicensed\n\n(May 1930)\n\nSource: Somewhere.\n\n"
                    "A paragraph of text.", encoding="utf-8")
    [epub] = make_book([ROOT / "content" / "sample" / "offensive.txt", free], title="Two",
                       formats=("epub",), out=tmp_path / "out",
                       licence_reason="the author's written permission")
    credits = " ".join(" ".join(epub_docs(epub)["EPUB/credits.xhtml"].itertext()).split())
    assert credits.count("Licence set by the editor") == 1
    mine = credits.split("Unlicensed")[-1]
    assert "Licence set by the editor: the author's written permission" in mine
