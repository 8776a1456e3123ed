"""A JSON-ready view of an `Article`, for `bookmaker inspect` and golden tests."""

from __future__ import annotations

from typing import Any

from .model import (
    Article, Block, Dateline, DefinitionList, Figure, Heading, ListBlock, Paragraph,
    Preformatted, Quote, Separator, Signature, Speech, Table, blocks_text, plain_text,
)

__all__ = ["article_to_dict"]

_TYPES: dict[type, str] = {
    Heading: "heading", Paragraph: "paragraph", Quote: "quote", ListBlock: "list",
    Speech: "speech", Dateline: "dateline", Signature: "signature", Separator: "separator",
    Preformatted: "preformatted", Figure: "figure", Table: "table",
    DefinitionList: "definitions",
}


def article_to_dict(article: Article) -> dict[str, Any]:
    """Plain data (str, None, list, dict) describing what a reader recovered.

    `fields` maps each label to its value in source order; a label that occurs
    more than once has its values joined by newlines, since JSON keys are unique.
    """
    fields: dict[str, str] = {}
    for label, value in article.attribution.fields:
        fields[label] = f"{fields[label]}\n{value}" if label in fields else value
    licence = article.attribution.licence
    return {
        "title": article.title,
        "subtitle": article.subtitle,
        "authors": [person.name for person in article.authors],
        "date": article.date,
        "fields": fields,
        "licence": None if licence is None else {
            "id": licence.id, "name": licence.name, "statement": licence.statement},
        "blocks": [_block(block) for block in article.blocks],
        "notes": [{"id": note.id, "text": "\n\n".join(blocks_text(b) for b in note.blocks)}
                  for note in article.notes],
        "warnings": list(article.warnings),
        "source": article.attribution.origin,
    }


def _block(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"type": _TYPES[type(block)], "text": blocks_text(block)}
    if isinstance(block, Speech):
        out["speaker"] = block.speaker
        out["label"] = block.label
    if isinstance(block, Heading):
        out["level"] = block.level
    if isinstance(block, Table):
        out["caption"] = plain_text(block.caption)
        out["rows"] = [[{"text": plain_text(c.content), "header": c.header} for c in row]
                       for row in block.rows]
    return out
