"""What a page carries beside its text: the apparatus both MIA readers recognise.

* **Column and magazine names** above a title ("Editorial Notes", "The Labor
  Movement", "Book Review"): the HTML shows them as a smaller heading above the
  `<h1>`, the text rendering cannot, so the names that the Archive's pages use
  as columns are known here (taken from the corpus's `<h4>` kickers).
* **Pseudonym and signature lines** naming the author: "J.P.C.", "William F.
  Warde (George Novack)", "George Novack writing as “William F. Warde”",
  "Arthur Horner⏎(President of the South Wales Miners’ Federation)".
* **Transcribers' notes** in the body ("Transcribed for the World Wide Web by
  David Walters…"): credits, filed in the information block.
* **Closing blocks** of a letter ("With communist greetings,⏎Name").
"""

from __future__ import annotations

import re

__all__ = ["is_column", "pseudonym_author", "credit_label", "is_valediction"]

# Column names the Archive's magazines print above a title (International Press
# Correspondence, The Militant, Socialist Worker Review, Labour Monthly, …).
_COLUMNS = frozenset(" ".join(c.lower().split()) for c in """
Editorial Notes|Editorial Note|Notes of the Month|Notes of the Week|Book Review|Book Reviews|
Reviews|Review|The Labor Movement|The Labour Movement|Thinking it through|The unions|
Relief for Russia|The Colonies|In Soviet Russia|In the International|From the Archives of Marxism|
The International Situation|Notices|The Women’s Movement|The Women's Movement|Fifty Years Ago|
The White Terror|The New International|Politics|Economics|Letters|Correspondence|Discussion|
Obituary|Obituaries|The Communist International|Workers’ Letters|Our Readers Write|
In the Party|The Movement|Party Life|The Week|Comment|Commentary|Viewpoint""".split("|"))


# A body that met or wrote, above the title: "XXIst Plenum of the International
# Executive Committee", "Eastern Bureau of the Comitern", "Group of International
# Communists", "Twenty-Fifth Congress of the Communist Party of Great Britain".
_BODY = re.compile(r"(?:The\s+)?(?:[\w’'-]+\s+){0,3}(?:Congress|Plenum|Bureau|Group)\s+of\s+"
                   r"(?:the\s+)?[A-Z][^.:;!?]{2,80}")


def is_column(text: str) -> bool:
    """A known column or magazine name (case and spacing aside), or the name of
    the congress, bureau or group above a title."""
    text = " ".join(text.split())
    return text.lower().strip(" :") in _COLUMNS or bool(_BODY.fullmatch(text))


_INITIALS = re.compile(r"(?:[A-Z]\.\s?){2,4}")  # "J.P.C.", "B. D. W."
_WRITING_AS = re.compile(r"(?P<name>[^()“”\"]+?)\s+writing\s+as\s+[“\"].+[”\"]")
_ALIAS = re.compile(r"(?P<name>[^()\n]+?)\s*\((?P<other>[^()]+)\)")
_ROLE = re.compile(r"(?i)\(?(?:president|secretary|chairman|chairwoman|general secretary|"
                   r"member|leader|editor|organi[sz]er)\b.*\)?")


def pseudonym_author(lines: tuple[str, ...] | list[str]) -> str | None:
    """The author named by a pseudonym or signature line, or None.

    "J.P.C." → "J.P.C."; "Frank Glass (“Li Fu-Jen”)" → "Frank Glass";
    "George Novack writing as “William F. Warde”" → "George Novack";
    "Albert Inkpin⏎Secretary of the British Socialist Party" → "Albert Inkpin"."""
    text = " ".join(" ".join(lines).split())
    if _INITIALS.fullmatch(text):
        return text
    if len(lines) == 2 and _ROLE.fullmatch(lines[1].strip()):
        return lines[0].strip()
    for pattern in (_WRITING_AS, _ALIAS):
        match = pattern.fullmatch(text)
        if match and not re.search(r"\d", text):
            return match.group("name").strip()
    return None


_CREDIT = re.compile(
    r"(?i)(?P<label>transcri(?:bed|ption)|html(?:\s+mark-?up)?|mark(?:ed)?[- ]?up|proof-?read\w*)"
    r"\b[^.]{0,80}?\bby\s+[A-Z]")


def credit_label(text: str) -> str | None:
    """The credit field a transcriber's note in the body belongs under, or None:
    "Transcribed for the World Wide Web by David Walters in 1996…" → "Transcription"."""
    text = " ".join(text.split())
    if len(text) > 400:
        return None
    match = _CREDIT.match(text)
    if match is None:
        return None
    label = match.group("label").lower()
    return ("Transcription" if label.startswith("transcri") else
            "Proofread" if label.startswith("proof") else "Markup")


_VALEDICTION = re.compile(
    r"(?i)(?:with\s+)?(?:(?:communist|comradely|revolutionary|fraternal|socialist|warm|"
    r"best|kind|cordial|bolshevik|party|class)\s+)*(?:greetings|regards|wishes)|"
    r"yours(?:\s+\w+){0,3}|(?:fraternally|comradely|sincerely|faithfully|cordially)(?:\s+yours)?")


def is_valediction(lines: tuple[str, ...] | list[str]) -> bool:
    """A letter's closing block: "With communist greetings," then one or two lines
    (the name, a position), or "Yours fraternally, E.P. THOMPSON"."""
    if not 1 <= len(lines) <= 4:
        return False
    first = lines[0].strip()
    head, sep, rest = first.partition(",")
    if not sep or not _VALEDICTION.fullmatch(head.strip()):
        return False
    tail = " ".join([rest, *lines[1:]]).strip()
    return bool(tail) and len(tail) <= 120 and not tail.endswith(("?", "!"))
