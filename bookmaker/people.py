"""People in credit fields: who transcribed, marked up, proofread, translated, edited.

Archive pages credit people in free text under many labels: "Transcription:
Transcribed & marked up by Einde O’Callaghan for the Marxists’ Internet
Archive.", "HTML Markup: 2005 by David Walters.", "Proofread: Einde
O’Callaghan (July 2015).". `parse_credit` reads one (label, value) into the
people it names, each with the MARC relator of what they did; dates, "by", the
label restated in the value, "for the …" and trailing punctuation go. What
reads as an organisation, a web address or a phrase ("Socialist Party of Great
Britain", "kurasje.org", "Unknown", "Needs doing.") is no person: such a value
stays as written (`Credit.complete` is false) and is shown verbatim.

`contributors` gathers one book's people: each person once, under a key
(`person_key`) that ignores case, accents, apostrophe shapes and the spacing of
initials, so "Einde O'Callaghan", "Einde O’Callaghan" and "Einde O’ Callaghan"
are one; an initialled name ("D. Walters") joins the one fuller name it can
stand for ("David Walters"). The display spelling is the one the book's
metadata gives, else the most common, else the first.

Readers keep the fields verbatim; people are read here, when a book is
rendered, so the model and the article cache stay as they are.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .dates import DAY, MONTH, MONTH_NAME, YEAR
from .model import Attribution, Book, Person

__all__ = [
    "RELATORS", "ROLE_ORDER", "Credit", "Contributor", "label_roles", "parse_credit",
    "credits_of", "credit_fields", "is_person", "person_key", "contributors", "credit_lines",
    "document_authors", "role_phrase",
]

# MARC relator codes and what they stand for
RELATORS: dict[str, str] = {
    "aut": "author", "edt": "editor", "trl": "translator", "trc": "transcriber",
    "mrk": "markup editor", "pfr": "proofreader",
}
ROLE_ORDER: tuple[str, ...] = ("aut", "edt", "trl", "trc", "mrk", "pfr")
_VERB = {"aut": "written", "edt": "edited", "trl": "translated", "trc": "transcribed",
         "mrk": "marked up", "pfr": "proofread"}

# What a label (or a phrase before "by") says was done. "Edition" is no editing.
_ROLE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("trc", re.compile(r"(?i)transcri|digit(?:al)?i[sz]|\bocr\b|stafr[æa]n")),
    ("mrk", re.compile(r"(?i)mark(?:ed)?[\s-]*up|markup|\bx?html\b|format")),
    ("pfr", re.compile(r"(?i)proof|correct")),
    ("trl", re.compile(r"(?i)translat|þýð|tradu[zc]|übersetz")),
    ("edt", re.compile(r"(?i)(?:copy-?)?edit(?:ed|ing|ors?|s)?\b")),
)
# A phrase before "by" that says the clause is about something else than making this copy.
_NOT_CREDIT = re.compile(r"(?i)^(?:(?:first|originally|re)\s*)?(?:published|printed|"
                         r"reprinted|written|delivered|quoted)\b")

# A date in a credit, taken out before its names are read: "July 26 1996", "26 July
# 1996", "January, 2001", "2003", "1998/2006", "(May 2014)", a month at the end
_DATE = re.compile(
    rf"(?:\b{DAY}\s+)?(?:\b{MONTH}(?:\s+{DAY})?,?\s*)?"
    rf"\b{YEAR}(?:\s*[/–-]\s*\d{{2,4}})?\b|\b{MONTH_NAME}\b(?=\s*[,.;]?\s*$)")
_QUALIFIER = re.compile(r"\s+(?:for|in|of|on|at|from|via|with|under|into|to)\s.*$", re.S)
_BRACKETED = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]?")
_SENTENCE = re.compile(r"(?<=\w\w[.])\s+(?=[A-Z])|(?<=[)][.])\s+(?=[A-Z])")
_CLAUSE = re.compile(r"\s*;\s*|:(?!//)\s*")
_SUB_CLAUSE = re.compile(r",\s+(?=[a-z][\w\s-]*?\bby\b)")  # ", additional notes by Zdravko"
_SEPARATOR = re.compile(r"\s*,\s*|\s+(?:&|and|/)\s+|\s*&\s*")
_BY = re.compile(r"\bby(?=[\s\u00a0]|[A-Z])\s*", re.I)
_APOSTROPHE = re.compile(r"[’‘ʼ´`]")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}|[A-Z]{1,3}")
_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le",
              "y", "ibn", "bin", "al", "el", "dos", "das", "do", "ter", "ten", "zu"}
# Words in a credit that are never part of a person's name: organisations, works, phrases.
_NOT_PERSON = set("""
the a an of in on to for with from by at and or our this that these is are was be not no as
archive archives internet marxists marxist mia etol tia party press magazine library network
campaign exchange info notes translations reprints society committee league union group
groups publishers publishing publications offset review militant outlook liberty workers
worker socialist socialists communist communists class volunteer volunteers unknown needs
doing placeholder solidarity website site encyclopaedia encyclopedia trotskyism public
domain creative commons copyleft copyright staff section collective editorial board
bulletin journal newspaper paper organisation organization federation international movement
foundation institute university project team anonymous various none inprecor kurasje
zabalaza socialism today fight revolutionary history labour labor council councils
workshop books book edition version reader readers volunteers faq news daily weekly monthly
""".split())
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                       "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th"})


# --- one credit field -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Credit:
    """What one credit field says: its label and value as written, the roles its
    label and value name, and the people read from it, in order: (roles, names) groups, since
    one value may credit different people with different work ("OCR by A;
    minor corrections by B"). `complete` is false when some part of the value
    could not be read as names; the value is then shown as written."""

    label: str
    value: str
    roles: tuple[str, ...]
    groups: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    complete: bool = False

    @property
    def people(self) -> tuple[Person, ...]:
        """One `Person` per name and role, in source order."""
        return tuple(Person(name, role) for roles, names in self.groups
                     for name in names for role in roles)

    @property
    def names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for _, names in self.groups:
            seen.update(dict.fromkeys(names))
        return tuple(seen)

    @property
    def text(self) -> str:
        """"Transcribed and marked up by Einde O’Callaghan", or the field as written."""
        if not self.complete:
            return f"{self.label}: {self.value}" if self.label else self.value
        out = "; ".join(role_phrase(roles, names) for roles, names in self.groups)
        return out[:1].upper() + out[1:]


def role_phrase(roles: Sequence[str], names: Sequence[str]) -> str:
    """"transcribed and marked up by A and B"."""
    return f"{_join([_VERB[r] for r in roles])} by {_join(list(names))}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def label_roles(label: str) -> tuple[str, ...]:
    """The roles a label names, in the label's order: "Transcription/HTML Markup" ->
    ("trc", "mrk"); "Edition", "Source" -> ()."""
    found = sorted((m.start(), role) for role, pattern in _ROLE_WORDS
                   if (m := pattern.search(label)))
    return tuple(dict.fromkeys(role for _, role in found))


@functools.lru_cache(maxsize=8192)  # an archive's pages repeat the same few fields
def parse_credit(label: str, value: str) -> Credit | None:
    """The people a credit field names, or None when the label names no credit
    role (a "Source:" or "Written:" field). An empty value is no credit."""
    roles = label_roles(label)
    if not roles or not value.strip():
        return None
    groups: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    complete = True
    for clause in _clauses(value):
        read, done = _read_clause(clause, roles)
        groups += read
        complete = complete and done
    roles = tuple(dict.fromkeys(roles + tuple(r for found, _ in groups for r in found)))
    return Credit(label=label, value=value, roles=roles, groups=tuple(_merge(groups)),
                  complete=complete and bool(groups))


def _merge(groups: list[tuple[tuple[str, ...], tuple[str, ...]]]
           ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Neighbouring clauses with the same roles make one group."""
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for roles, names in groups:
        if out and out[-1][0] == roles:
            out[-1] = (roles, tuple(dict.fromkeys(out[-1][1] + names)))
        else:
            out.append((roles, names))
    return out


def _tidy(value: str) -> str:
    value = value.replace("\u00a0", " ").replace("&anp;", "&").replace("&amp;", "&")
    value = re.sub(r"\bby\s+by\b", "by", value)
    value = re.sub(r"\bby(?=[A-Z])", "by ", value)  # "byEinde O’Callaghan"
    return " ".join(value.split())


def _clauses(value: str) -> list[str]:
    """Sentences, then ";" and ":" pieces."""
    out: list[str] = []
    for sentence in _SENTENCE.split(_tidy(value)):
        out += _CLAUSE.split(sentence)
    return [_strip_end(c) for c in out if _strip_end(c)]


def _strip_end(text: str) -> str:
    """Spaces and punctuation off both ends, but the full stop of an initial ("Ben W.")."""
    text = text.strip().lstrip(" .,;")
    while text and text[-1] in " .,;:" and not re.search(r"(?:^|[\s.])[A-Z]\.$", text):
        text = text[:-1]
    return text


def _read_clause(clause: str, roles: tuple[str, ...]
                 ) -> tuple[list[tuple[tuple[str, ...], tuple[str, ...]]], bool]:
    """The (roles, names) groups of one clause (none for a clause of dates or
    brackets alone), and whether all of it was read as names."""
    clause = _BRACKETED.sub(" ", clause)
    clause = re.sub(r"^\s*(?:\d{4}(?:/\d{4})?|n\.a\.?)\s+", "", clause).strip()
    sub = _SUB_CLAUSE.search(clause)
    if sub is not None and not label_roles(clause[:sub.start()]):  # "A, B, additional notes by C"
        head, head_done = _read_clause(clause[:sub.start()], roles)
        rest, rest_done = _read_clause(clause[sub.end():], roles)
        return head + rest, head_done and rest_done
    by = _BY.search(clause)
    if by is not None:
        before = clause[:by.start()].strip(" ,")
        own = label_roles(before)
        if before and (_NOT_CREDIT.match(before) or (not own and _names(before))):
            return [], False  # "published by …", or "A by B": not a credit we can read
        roles = own or roles
        clause = clause[by.end():]
    elif label_roles(clause.split(" ")[0]):
        return [], False  # "Translated from Die Neue Zeit": says what, not who
    names = _clause_names(clause)
    if names is None:
        return [], False
    return ([(roles, names)] if names else []), True


def _clause_names(clause: str) -> tuple[str, ...] | None:
    clause = _QUALIFIER.sub("", clause)
    clause = re.sub(r"^(?:for|in|from)\s.*$", "", clause, flags=re.I | re.S)
    clause = _DATE.sub(" ", clause)
    clause = _strip_end(re.sub(r"\s+", " ", clause).strip(" ,;:-–"))
    if not re.search(r"\w", clause):
        return ()
    return _names(clause) or None


def _names(text: str) -> tuple[str, ...]:
    """The people `text` lists ("A, B & C"), or () when any of it is no person's
    name: "Red & Black Notes" is not "Red" and someone."""
    parts = [p.strip(" ,;:") for p in _SEPARATOR.split(text)]
    names: list[str] = []
    for part in filter(None, parts):
        if re.fullmatch(r"(?:Jr|Sr|I{2,3}|IV)\.?", part) and names:
            names[-1] += ", " + part
            continue
        name = _clean_name(part)
        if not is_person(name):
            return ()
        names.append(name)
    return tuple(names)


def _clean_name(part: str) -> str:
    part = re.sub(r"^the\s+(?=[A-Z]\S*\s+[A-Z])", "", part)  # "by the John Archer"
    part = re.sub(r"\b([OD][’'])\s+(?=[A-Z])", r"\1", part)   # "O’ Callaghan"
    words = part.split()
    if words and not _INITIALS.fullmatch(words[-1]):
        words[-1] = words[-1].rstrip(".")  # "Brian Reid." but "Mike B."
    if len(words) > 1 and words[0][:1].islower() and words[0].lower() not in _PARTICLES:
        words[0] = words[0][:1].upper() + words[0][1:]  # "alun Morgan"
    return " ".join(words)


def is_person(name: str) -> bool:
    """True for a person's name as credits write them ("Einde O’Callaghan", "M.L.
    Kortchmar", "Mike B.", "VN Gelis", "Zodiac"); false for organisations, web
    addresses and phrases ("Marxists Internet Archive", "the MIA", "Workers’
    Liberty", "zabalaza.net", "Public Domain", "Unknown")."""
    name = name.strip()
    if not name or len(name) > 60 or not re.search(r"[^\W\d_]", name):
        return False
    if re.search(r"[\d@/\\:;()\[\]\"“”!?+=<>]|https?|www\.|\.(?:org|net|com|info|edu)\b", name):
        return False
    words = name.split()
    if len(words) > 5:
        return False
    normal = 0  # words that are names spelled in full ("Gelis", "O’Callaghan")
    for index, word in enumerate(words):
        bare = _APOSTROPHE.sub("'", word).strip("',.-").lower()
        if bare in _NOT_PERSON or bare.split("'")[-1] in _NOT_PERSON or label_roles(word):
            return False  # an organisation's word, or a role's ("Transcribed")
        if bare in _PARTICLES and 0 < index < len(words) - 1:
            continue
        if _INITIALS.fullmatch(word.rstrip(",")):
            continue
        if not (word[0].isupper() and re.fullmatch(r"[^\W\d_][\w’'.-]*", word)
                and any(c.islower() for c in word)):
            return False
        normal += 1
    return normal >= 1


def person_key(name: str) -> str:
    """The key one person's spellings share: no case, accents or full stops,
    one apostrophe, initials apart ("E.H. Carr" and "E. H. Carr": "e h carr")."""
    text = unicodedata.normalize("NFKD", name.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHE.sub("'", text).casefold()
    text = re.sub(r"\b(\w)'\s+(?=\w)", r"\1'", text)  # "o' callaghan"
    return " ".join(re.split(r"[\s.,]+", text)).strip()


# --- an article's credits ----------------------------------------------------------------

def _note_credits(value: str) -> list[Credit]:
    """Credits inside a free note: sentences such as "Marked-up by Jonas Holmgren
    for the Marxists Internet Archive." or "2nd Proof reading: Steve Iverson, 2014"."""
    out: list[Credit] = []
    for sentence in _SENTENCE.split(_tidy(value)):
        labelled = re.match(r"([^:]{1,40}):\s*(\S.*)", sentence)
        by = _BY.search(sentence)
        if labelled and label_roles(labelled.group(1)):
            found = parse_credit(labelled.group(1), labelled.group(2))
        elif by and by.start() <= 40 and label_roles(sentence[:by.start()]):
            found = parse_credit(sentence[:by.start()], sentence)
        else:
            continue
        if found is not None and found.groups:
            out.append(Credit("Note", value, found.roles, found.groups, complete=False))
    return out


def credit_fields(attribution: Attribution) -> list[tuple[str, str, Credit | None]]:
    """Every field as (label, value, its credit or None), in source order."""
    return [(label, value, parse_credit(label, value)) for label, value in attribution.fields]


def credits_of(attribution: Attribution) -> list[Credit]:
    """The credits of an article: its credit fields, and credits in its notes."""
    out: list[Credit] = []
    for label, value, credit in credit_fields(attribution):
        if credit is not None:
            out.append(credit)
        elif label == "Note":
            out += _note_credits(value)
    return out


# --- a book's people ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Contributor:
    """One person of a book, once, with everything they did in it. `creator`:
    named in the book's own metadata (its authors, editors, translators)."""

    name: str
    key: str
    roles: tuple[str, ...]
    creator: bool = False
    credited: tuple[str, ...] = ()  # the roles the articles' credit fields give
    keys: tuple[str, ...] = ()  # every key found joined into this person's, `key` first

# where a name was found: the book's metadata, an article's authors, a credit field
_BOOK, _AUTHOR, _CREDIT = "book", "author", "credit"


def contributors(book: Book) -> list[Contributor]:
    """Everyone the book names: its authors, editors and translators, its
    articles' authors and the people its articles credit; each person once (by
    `person_key`, shorter spellings joined to the one fuller name they can stand
    for), in order of first mention, roles in `ROLE_ORDER`."""
    md = book.metadata
    mentions: list[tuple[str, str, str]] = [
        (p.name, role, _BOOK) for role, people in
        (("aut", md.authors), ("edt", md.editors), ("trl", md.translators)) for p in people]
    for chapter in book.chapters:
        mentions += [(p.name, "aut", _AUTHOR) for p in chapter.authors]
        for credit in credits_of(chapter.article.attribution):
            mentions += [(p.name, p.role, _CREDIT) for p in credit.people]
    return _gather(mentions)


def _gather(mentions: Iterable[tuple[str, str, str]]) -> list[Contributor]:
    keys: dict[str, list[tuple[str, str, str]]] = {}
    for name, role, origin in mentions:
        if name.strip():
            keys.setdefault(person_key(name), []).append((name, role, origin))
    credited = {k for k, found in keys.items() if any(o == _CREDIT for _, _, o in found)}
    joined: dict[str, list[str]] = {k: [k] for k in keys}
    # A shorter spelling shares its last word with the name it stands for, a lone
    # first name its first word: look only there (all pairs were quadratic).
    by_first: dict[str, list[str]] = {}
    by_last: dict[str, list[str]] = {}
    for k in keys:
        words = k.split()
        if words:
            by_first.setdefault(words[0], []).append(k)
            by_last.setdefault(words[-1], []).append(k)
    for short in list(keys):
        words = short.split()
        near = (keys if not words else by_first.get(words[0], []) if len(words) == 1
                else by_last.get(words[-1], []))
        fuller = [k for k in near if k != short and k in keys and _stands_for(short, k)
                  and (len(words) > 1 or (short in credited and k in credited))]
        if len(fuller) == 1:
            keys[fuller[0]] += keys.pop(short)
            joined[fuller[0]] += joined.pop(short)
    out: list[Contributor] = []
    for key, found in keys.items():
        spelled = [n for n, _, o in found if o == _BOOK] or [n for n, _, _ in found]
        counts = Counter(spelled)
        name = max(dict.fromkeys(spelled), key=lambda n: counts[n])  # ties: the first
        roles = tuple(r for r in ROLE_ORDER if any(role == r for _, role, _ in found))
        credited_roles = tuple(r for r in ROLE_ORDER
                               if any(role == r and o == _CREDIT for _, role, o in found))
        out.append(Contributor(name, key, roles, any(o == _BOOK for _, _, o in found),
                               credited_roles, tuple(joined[key])))
    return out


def _stands_for(short: str, key: str) -> bool:
    """A shorter spelling of the same name: "d walters" of "david walters", "juan
    fajardo" of "juan r fajardo"; a lone first name ("zdravko") of the one full
    name it begins ("zdravko saveski")."""
    a, b = short.split(), key.split()
    if len(a) == 1:
        return len(b) > 1 and b[0] == a[0]
    if len(a) > len(b) or a[-1] != b[-1] or len(b[-1]) < 2:
        return False
    given = iter(b[:-1])
    for word in a[:-1]:  # each given name or initial matches the next one of `key`,
        for other in given:  # skipping only initials
            if word == other or (len(word) == 1 and other.startswith(word)):
                break
            if len(other) > 1:
                return False
        else:
            return False
    return all(len(other) == 1 for other in given)


def credit_lines(book: Book) -> list[str]:
    """The colophon's sentences: "Transcribed by A and B.", one a role the
    articles credit, each person once; then each credit that could not be read
    into people, as written, once."""
    people = contributors(book)
    lines = []
    for role in ("trc", "mrk", "pfr", "trl", "edt"):
        names = [c.name for c in people if role in c.credited]
        if names:
            lines.append(f"{_VERB[role].capitalize()} by {_join(names)}.")
    seen: dict[str, None] = {}
    for chapter in book.chapters:
        for credit in credits_of(chapter.article.attribution):
            if not credit.complete and credit.label != "Note":
                text = " ".join(credit.text.split())
                seen.setdefault(text if text[-1:] in ".!?" else text + ".", None)
    return lines + list(seen)


def document_authors(book: Book) -> list[str]:
    """The names a document's Author metadata gives: the book's authors; else
    its editors, the last followed by " (ed.)" or " (eds.)"; else its articles'
    authors, once each."""
    md = book.metadata
    if md.authors:
        return [p.name for p in md.authors]
    if md.editors:
        names = [p.name for p in md.editors]
        names[-1] += " (eds.)" if len(names) > 1 else " (ed.)"
        return names
    return [c.name for c in _gather((p.name, "aut", _AUTHOR) for ch in book.chapters
                                    for p in ch.authors)]
