from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "content" / "sample"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never depend on the wall clock.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(autouse=True)
def _no_build_server(monkeypatch: pytest.MonkeyPatch) -> None:
    # A `bookmaker serve` of the developer's must not run the tests' commands
    # (tests/serve/test_server.py starts servers of its own).
    monkeypatch.setenv("BOOKMAKER_NO_SERVER", "1")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # How many Java VMs EPUBCheck cost (one per test process when all is well).
    import sys

    loop = sys.modules.get("epubcheck_jvm")
    if loop is not None and loop.starts():
        terminalreporter.write_line(f"EPUBCheck: {loop.starts()} Java VM start(s) in this process")


def pytest_sessionfinish(session: pytest.Session) -> None:
    import sys

    loop = sys.modules.get("epubcheck_jvm")
    if loop is not None:
        loop.close()
