"""DAISY Ace, the EPUB accessibility checker, run from the tests.

`make test` installs Ace into `.tools/node_modules` (npm, from the lock file
in `.tools/`) and the system's Chromium, which Ace's puppeteer drives through
`.tools/chromium-headless`. Ace starts a browser for every EPUB it checks;
`ace_reports` checks any number of EPUBs with one browser
(`.tools/ace-many.js`), so a test session should gather its EPUBs and call it
once (a session fixture), not once per test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Violation", "AceReport", "ace_reports", "ace_violations", "TOOLS"]

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
_MANY = TOOLS / "ace-many.js"
_CORE = TOOLS / "node_modules" / "@daisy" / "ace-core"
_BROWSER = TOOLS / "chromium-headless"
# Ace gives the browser 5 s to start (ACE_TIMEOUT_INITIAL, in ms), which a
# machine busy with other builds does not always manage.
_START_UP_MS = "120000"


@dataclass(frozen=True)
class Violation:
    """One failed check of Ace, in one document."""

    document: str      # the member of the EPUB, e.g. "EPUB/dedication.xhtml" ("" for the package)
    rule: str          # e.g. "heading-order", "epub-type-has-matching-role"
    impact: str        # "minor", "moderate", "serious" or "critical"
    message: str
    html: str = ""     # the offending markup, where Ace names it

    def __str__(self) -> str:
        where = f" {self.html}" if self.html else ""
        return f"[{self.impact}] {self.rule} in {self.document or 'the package'}: {self.message}{where}"


@dataclass(frozen=True)
class AceReport:
    epub: Path
    outcome: str                    # "pass" or "fail", Ace's verdict on the whole EPUB
    violations: tuple[Violation, ...]
    metadata: dict[str, list[str]]  # a11y-metadata: "missing", "empty", "present"
    raw: dict


def _parse(epub: Path, report: dict) -> AceReport:
    violations: list[Violation] = []
    for subject in report.get("assertions", []):
        document = subject.get("earl:testSubject", {}).get("url", "")
        for assertion in subject.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            violations.append(Violation(
                document=document, rule=test.get("dct:title", "?"),
                impact=test.get("earl:impact", "?"),
                message=" ".join(str(result.get("dct:description") or
                                     test.get("dct:description", "")).split()),
                html=" ".join(str(result.get("html", "")).split())))
    outcome = report.get("earl:result", {}).get("earl:outcome", "?")
    return AceReport(epub, outcome, tuple(violations), report.get("a11y-metadata", {}), report)


def _environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", str(_BROWSER))
    env.setdefault("ACE_TIMEOUT_INITIAL", _START_UP_MS)
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"
    # Ace keeps a log of every run (and its settings) in the user's folders:
    # these go with the run's scratch folder instead of piling up.
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        env[name] = str(scratch / name.lower())
    return env


def ace_reports(epubs: Sequence[Path], timeout: float = 900) -> dict[Path, AceReport]:
    """Ace's report on each EPUB, all checked by one Ace with one browser.

    Fails the test (not skips) when Ace is not installed: `make tools` (or
    `make test`) installs it."""
    node = shutil.which("node")
    if node is None or not _CORE.is_dir():
        pytest.fail("DAISY Ace is not installed: run `make tools` (make test does)")
    if not epubs:
        return {}
    with tempfile.TemporaryDirectory(prefix="ace-") as scratch:
        out = Path(scratch) / "reports"
        done = subprocess.run([node, str(_MANY), str(out), *map(str, epubs)],
                              env=_environment(Path(scratch)), capture_output=True, text=True,
                              timeout=timeout)
        reports: dict[Path, AceReport] = {}
        for index, epub in enumerate(epubs):
            path = out / str(index) / "report.json"
            if not path.is_file():
                pytest.fail(f"Ace gave no report for {epub} (exit {done.returncode}):\n"
                            f"{done.stderr[-3000:]}")
            reports[Path(epub)] = _parse(Path(epub), json.loads(path.read_text(encoding="utf-8")))
    return reports


def ace_violations(epub: Path) -> list[Violation]:
    """Every violation Ace finds in one EPUB, of any impact (one browser start-up:
    for several EPUBs, `ace_reports` at once)."""
    return list(ace_reports([epub])[Path(epub)].violations)
