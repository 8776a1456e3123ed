"""A footnote stress book: ten notes on one page, calls near page ends, a long note."""

from __future__ import annotations

from bookmaker.model import Article, Note, NoteRef, Paragraph, Person, Text

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua").split()


def filler(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed + i * 7) % len(WORDS)] for i in range(n))


def stress_article(variant: int = 0) -> Article:
    """Each call follows the word `markKx`; each note starts with `bodyKy`."""
    blocks: list[Paragraph] = []
    notes: list[Note] = []
    count = 0

    def para(words: int, calls: int, seed: int) -> Paragraph:
        nonlocal count
        content: list[Text | NoteRef] = []
        per = max(1, words // (calls + 1))
        for c in range(calls):
            count += 1
            content += [Text(filler(per, seed + c) + f" mark{count}x"), NoteRef(str(count), str(count))]
            notes.append(Note(str(count), (Paragraph((Text(f"body{count}y " + filler(8 + (count % 5) * 6, count)),)),)))
        content.append(Text(" " + filler(per, seed + 99) + "."))
        return Paragraph(tuple(content))

    for i in range(30):
        calls = 10 if i == 3 else (1 if i % 3 == 0 else 0)
        blocks.append(para(60 + (i * 37 + variant * 11) % 120, calls, i + variant))
    count += 1
    blocks.append(Paragraph((Text(filler(40, 5) + f" mark{count}x"), NoteRef(str(count), str(count)),
                             Text(" end."))))
    long_note = f"body{count}y " + ". ".join(filler(25, j) for j in range(16)) + " lastbit."
    notes.append(Note(str(count), (Paragraph((Text(long_note),)),)))
    return Article(title=f"Stress {variant}", blocks=tuple(blocks), notes=tuple(notes),
                   authors=(Person("Stress Tester"),))
