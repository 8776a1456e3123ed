from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from anthology import Anthology

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


@pytest.fixture(scope="session")
def anthology(tmp_path_factory: pytest.TempPathFactory) -> "Anthology":
    """The anthology test book (tests/anthology.py), built once per run in every format."""
    from anthology import MIA, Anthology, anthology_project, build_project

    if not MIA.is_dir():
        pytest.fail("the MIA corpus is missing beside the project (../shared/corpus/mia)")
    book = Anthology(anthology_project(tmp_path_factory.mktemp("anthology")))
    build_project(book.project)
    return book


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The tests of the anthology run on one worker, so that it is built once.
    # So do the tests of a module that share a fixture of the module's scope
    # (a book built once for them): spread over two workers, each would build
    # it. The other tests go wherever a worker is free.
    for item in items:
        if "anthology" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("anthology"))
        elif item.get_closest_marker("xdist_group") is None and _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(fixturedef.scope in ("module", "class", "package")
               for fixturedefs in info.name2fixturedefs.values() for fixturedef in fixturedefs)


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never depend on the wall clock.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(autouse=True)
def _no_build_server(monkeypatch: pytest.MonkeyPatch) -> None:
    # A `bookmaker serve` of the developer's must not run the tests' commands
    # (tests/serve/test_server.py starts servers of its own).
    monkeypatch.setenv("BOOKMAKER_NO_SERVER", "1")


_EPUBCHECK_VMS: list[int] = []  # the Java VMs that pytest-xdist's workers started


def _epubcheck_vms() -> int:
    import sys

    loop = sys.modules.get("epubcheck_jvm")
    return loop.starts() if loop is not None else 0


def pytest_sessionfinish(session: pytest.Session) -> None:
    import sys

    loop = sys.modules.get("epubcheck_jvm")
    if loop is not None:
        loop.close()
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker tells the controller
        session.config.workeroutput["epubcheck_vms"] = _epubcheck_vms()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    _EPUBCHECK_VMS.append(getattr(node, "workeroutput", {}).get("epubcheck_vms", 0))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # How many Java VMs EPUBCheck cost: one per test process when all is well.
    vms = _epubcheck_vms() + sum(_EPUBCHECK_VMS)
    if vms:
        terminalreporter.write_line(f"EPUBCheck: {vms} Java VM start(s)")
