"""The EPUB writer's options (`[options.epub]`, and `notes` of `[options]`)."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import WriterError
from ..options import WriteOptions

__all__ = ["EpubOptions", "NOTES"]

NOTES = ("chapter", "book")


@dataclass(frozen=True)
class EpubOptions(WriteOptions):
    notes: str = "chapter"              # "chapter": notes end each chapter; "book": one list at the end

    def __post_init__(self) -> None:
        if self.notes not in NOTES:
            raise WriterError(f"notes go at the end of each chapter or of the book; allowed: "
                              f"{', '.join(NOTES)}", key="options.epub.notes")
