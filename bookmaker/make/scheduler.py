"""Builds on a running Dask scheduler (`bookmaker build --scheduler ADDRESS`).

The build hands its targets to the scheduler, and each PDF target hands its
chapters to the same scheduler from the worker it runs on. The workers must
see the project's files where the build does (one machine, or a shared file
system) and have bookmaker installed. Only `distributed` is needed, and only
here: a build without a scheduler never imports it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["SCHEDULER_ENV", "BUILD_ENVIRONMENT", "connect", "executor_of", "chapters_executor",
           "build_environment", "environment"]

SCHEDULER_ENV = "BOOKMAKER_SCHEDULER"
CONNECT_TIMEOUT = "30s"
# What of the build's environment its books depend on: a worker has its own
# environment, so a target there is run in these values of the build's.
BUILD_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)


def connect(address: str) -> Any:
    """A `distributed.Client` of the scheduler at `address`; a UsageError
    (exit 2) naming it when Dask is not installed or the scheduler cannot be
    reached."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("a build on a Dask scheduler needs the distributed package "
                         "(pip install 'bookmaker[dask]')", key="--scheduler") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT,  # type: ignore[no-untyped-call]
                      set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address!r}: {exc}",
                         key="--scheduler") from None


def executor_of(client: Any) -> Executor:
    """A concurrent.futures executor of a Dask client; every task is run
    (never taken for an earlier one of the same arguments)."""
    executor: Executor = client.get_executor(pure=False)
    return executor


@contextlib.contextmanager
def chapters_executor(scheduler: str | None) -> Iterator[Executor | None]:
    """An executor for a target's own tasks (the PDF's chapters): the
    scheduler's, seen from the Dask worker the target runs on; None without
    a scheduler (the writer uses its own processes)."""
    if not scheduler:
        yield None
        return
    from distributed import get_worker, worker_client

    try:
        get_worker()
    except ValueError:  # run here, not on a worker: a client of its own
        client = connect(scheduler)
        try:
            yield executor_of(client)
        finally:
            client.close()
        return
    # The target's task leaves its worker thread to its chapters while it waits
    # for them: a worker with one thread does not deadlock.
    with worker_client() as client:
        yield executor_of(client)


def build_environment() -> dict[str, str | None]:
    """The values of BUILD_ENVIRONMENT here (None: unset), for `environment`."""
    return {name: os.environ.get(name) for name in BUILD_ENVIRONMENT}


@contextlib.contextmanager
def environment(values: Mapping[str, str | None] | None) -> Iterator[None]:
    """The build's environment (`build_environment`) set while a target runs
    on a worker; as it was after. The targets of one build share it."""
    if not values:
        yield
        return
    before = {name: os.environ.get(name) for name in values}

    def put(settings: Mapping[str, str | None]) -> None:
        for name, value in settings.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    put(values)
    try:
        yield
    finally:
        put(before)
