"""What a build is made of and what it tells: targets, planned steps, outcomes
and the reporter that hears of them as the build goes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import BookmakerError

__all__ = ["Target", "Outcome", "Step", "Reporter"]


@dataclass(frozen=True)
class Target:
    """One book in one format."""

    spec_path: Path
    slug: str
    format: str
    output: Path
    cache: Path | None = None  # where writers keep work between builds (laid-out chapters)
    code: str = ""             # bookmaker's version and code: keys the parsed articles kept
    salt: str = ""             # everything but the articles the output depends on
    fresh: bool = False        # read nothing from the cache (build --force)

    @property
    def name(self) -> str:
        return self.output.name


@dataclass
class Outcome:
    target: Target
    status: str                 # "built", "up to date", "would build", "failed"
    reason: str = ""            # why it was (or would be) built
    warnings: list[str] = field(default_factory=list)
    error: BookmakerError | None = None
    traceback: str | None = None  # of an internal error, for -v
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return self.error.exit_code if self.error else 0


class Step(NamedTuple):
    """A planned target: `reason` is None when it is up to date."""

    target: Target
    reason: str | None
    deps: dict[str, str]


class Reporter:
    """What a build tells as it goes; the default tells nothing.

    `stage` may be called from another thread; an implementation must be
    thread-safe. The CLI's displays are in `bookmaker.make.progress`.
    """

    def planned(self, steps: Sequence[Step]) -> None:
        """Every target, up to date or not, before anything is built."""

    def stage(self, target: Target, stage: str, done: int = 0, total: int = 0) -> None:
        """A target reached a stage ("reading", "writing epub"), `done` of `total`."""

    def finished(self, outcome: Outcome) -> None:
        """A target was built, failed, is up to date, or would be built."""

    def note(self, message: str) -> None:
        """Something about the build as a whole (e.g. SHA256SUMS repaired)."""

