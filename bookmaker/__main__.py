"""The `bookmaker` command (and `python -m bookmaker`): hand the command to a
build server when one runs for this Python and can be trusted, else run it here.

This module and the client are all a command imports before it knows which:
the command line (Click, and what the command needs) loads only when the
command runs in this process.
"""

from __future__ import annotations

import sys


def main() -> None:
    from .serve.client import may_use_server, run_via_server

    argv = sys.argv[1:]
    if may_use_server(argv):
        code = run_via_server(argv)
        if code is not None:
            sys.exit(code)
    from .cli import main as run_here

    run_here()


if __name__ == "__main__":
    main()
