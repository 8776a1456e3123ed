"""The command line: a thin layer over the public API."""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import click

from .version import __version__
from .errors import EXIT_INTERNAL, BookmakerError

# Each command imports what it uses: a no-op build starts in a fraction of the
# time a full import of the package (Jinja2, the readers, the writers) takes.

__all__ = ["main", "cli"]


class _Ctx:
    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            from .logs import shorten

            click.echo(f"warning: {shorten(message)}", err=True)

    def show_logs(self) -> None:
        """Warnings logged (by WeasyPrint, by a writer) read as the build's own,
        `warning: …`, long data: URLs cut short; -q shows none. Forced: a
        server's fork runs this again, for its client's streams."""
        from .logs import log_to_stderr

        log_to_stderr(logging.INFO if self.verbose else
                      logging.CRITICAL if self.quiet else logging.WARNING)


def _set_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        obj = ctx.find_object(_Ctx)
        assert obj is not None  # the group made it before any option of a command
        setattr(obj, param.name or "", True)
        obj.show_logs()  # -q and -v after the command count for the logs too


def _flags(fn: Callable[..., Any]) -> Callable[..., Any]:
    """-q and -v are accepted after the command too: `bookmaker build -q`."""
    fn = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_flag,
                      is_eager=True, help="Say more; show tracebacks.")(fn)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_flag,
                        is_eager=True, help="Print errors only.")(fn)


# Options several commands share (each use makes its own click.Option).
_PROJECT = click.option("-C", "--project", default=".", type=click.Path(file_okay=False),
                        help="The project folder (holding content/).")
_OUT = click.option("-o", "--out", default=None, type=click.Path(file_okay=False),
                    help="Where books go (default: PROJECT/dist).")
_JOBS = click.option("-j", "--jobs", default=1, type=click.IntRange(0, 256),
                     help="Build N targets at once (0: one per core).")


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Map errors to one or two lines and an exit code; a traceback only with -v."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: _Ctx = click.get_current_context().obj
        try:
            return _unless_output_gone(fn, *args, **kwargs)
        except BookmakerError as exc:
            if ctx.verbose:
                traceback.print_exc()
            click.echo(f"bookmaker: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if ctx.verbose:
                traceback.print_exc()
            click.echo(f"bookmaker: internal error: {type(exc).__name__}: {exc}"
                       + ("" if ctx.verbose else " (run with -v for the traceback)"), err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper


def _unless_output_gone(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except BrokenPipeError:
        if _output_gone():
            _end_by_sigpipe()
        raise


def _output_gone() -> bool:
    """Whether the reader of standard output or error has gone (`bookmaker inspect
    FILE | head -1`), rather than some other pipe broken."""
    import select

    if not hasattr(select, "poll"):
        return True
    poll = select.poll()
    for fd in (1, 2):
        poll.register(fd, 0)  # errors and hang-ups are always reported
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))


def _end_by_sigpipe() -> None:
    """End as a Unix tool does when its reader goes: by SIGPIPE, saying nothing
    (Python ignores SIGPIPE, so its writes fail instead). The same with a build
    server or without."""
    import signal

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGPIPE)


def _run(prog_name: str = "bookmaker") -> None:
    """The command line, then its output flushed (a reader gone ends it by SIGPIPE)."""
    try:
        cli(prog_name=prog_name)
    except SystemExit:
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except BrokenPipeError:
                if _output_gone():
                    _end_by_sigpipe()
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookmaker")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Say more; show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn collections of articles into EPUB and print-ready PDF books."""
    ctx.obj = _Ctx(quiet, verbose)
    ctx.obj.show_logs()
    logging.getLogger("fontTools").setLevel(logging.NOTSET if verbose else logging.ERROR)
    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # "KeyboardInterrupt caught"


@cli.command("build")
@click.argument("books", nargs=-1)
@_PROJECT
@_OUT
@click.option("-f", "--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option("-n", "--dry-run", is_flag=True, help="Say what would be built and why; write nothing.")
@_JOBS
@click.option("--scheduler", default=None, metavar="ADDRESS", envvar="BOOKMAKER_SCHEDULER",
              help="Hand the targets and the PDFs' chapters to the Dask scheduler at ADDRESS "
                   "(e.g. tcp://host:8786; env BOOKMAKER_SCHEDULER).")
@_flags
@click.pass_obj
@_guard
def build_cmd(ctx: _Ctx, books: tuple[str, ...], project: str, out: str | None, force: bool,
              dry_run: bool, jobs: int, scheduler: str | None) -> None:
    """Build every book spec in content/ (or the named BOOKS) into dist/.

    BOOKS are slugs, spec names (content/NAME.toml) or spec paths. Only what
    is out of date is built, unless --force.
    """
    from .make.run import build
    from .make.progress import make_reporter

    jobs = jobs or os.cpu_count() or 1
    if dry_run:
        outcomes = build(project, books, out=out, force=force, dry_run=True)
        for o in outcomes:
            if o.status == "would build":
                click.echo(f"would build {o.target.output} ({o.reason})")
            elif ctx.verbose:
                click.echo(f"{o.target.output} is up to date")
        if all(o.status == "up to date" for o in outcomes):
            click.echo("nothing to do: every book is up to date")
        return
    reporter = make_reporter(quiet=ctx.quiet, verbose=ctx.verbose)
    try:
        outcomes = build(project, books, out=out, force=force, jobs=jobs, reporter=reporter,
                         scheduler=(scheduler or "").strip() or None)
    finally:
        reporter.close()
    failed = [o for o in outcomes if o.status == "failed"]
    if all(o.status == "up to date" for o in outcomes):
        ctx.info("nothing to do: every book is up to date")
    elif not failed and not ctx.quiet:
        built = sum(o.status == "built" for o in outcomes)
        ctx.info(f"done: {built} built, {len(outcomes) - built} up to date")
    if failed:
        sys.exit(failed[0].exit_code)


@cli.command("watch")
@click.argument("books", nargs=-1)
@_PROJECT
@_OUT
@_JOBS
@_flags
@click.pass_obj
@_guard
def watch_cmd(ctx: _Ctx, books: tuple[str, ...], project: str, out: str | None,
              jobs: int) -> None:
    """Build as `build` does, then again whenever a book's files change.

    Watches the folders the books (or the named BOOKS) are made from: specs,
    articles, front matter, templates, theme. Ctrl-C stops. A failed build is
    reported and the watch goes on.
    """
    from .make.progress import make_reporter
    from .make.watch import watch

    jobs = jobs or os.cpu_count() or 1

    def waiting(folders: list[Any]) -> None:
        shown = ", ".join(str(f) for f in folders[:3]) + (" …" if len(folders) > 3 else "")
        ctx.info(f"watching {shown} (Ctrl-C to stop)")

    try:
        watch(project, books, out=out, jobs=jobs,
              reporter=lambda: make_reporter(quiet=ctx.quiet, verbose=ctx.verbose),
              on_error=lambda exc: click.echo(f"bookmaker: error: {exc}", err=True),
              on_wait=waiting)
    except KeyboardInterrupt:
        pass
    ctx.info("stopped watching")


@cli.command("book")
@click.argument("articles", nargs=-1, required=True, type=click.Path())
@click.option("--title", required=True, help="The book's title.")
@click.option("--author", "authors", multiple=True, help="An author (repeat for several).")
@click.option("--format", "formats", default="epub,pdf", help="Writers, comma-separated.")
@click.option("--out", default="dist", type=click.Path(file_okay=False), help="Output folder.")
@click.option("--language", default="en", help="The book's language (BCP 47).")
@click.option("--licence-reason", default=None, metavar="TEXT",
              help="Build even when some articles' licences forbid it (no statement "
                   "recognised, no derivatives, …), for this written reason, printed in "
                   "the credits for those articles only.")
@click.option("--url", "urls", multiple=True, metavar="FOLDER=ADDRESS",
              help="The public address a folder mirrors, so that its articles' addresses "
                   "are printed and their relative links followed (repeat for several).")
@_flags
@click.pass_obj
@_guard
def book_cmd(ctx: _Ctx, articles: tuple[str, ...], title: str, authors: tuple[str, ...],
             formats: str, out: str, language: str, licence_reason: str | None,
             urls: tuple[str, ...]) -> None:
    """Build a one-off book from ARTICLES, in the order given, without a spec."""
    from .make.one_off import make_book

    from .errors import UsageError

    names = [f.strip() for f in formats.split(",") if f.strip()]
    pairs = []
    for item in urls:
        folder, sep, address = item.partition("=")
        if not sep or not folder.strip():
            raise UsageError(f"found {item!r}; expected FOLDER=ADDRESS, e.g. "
                             "mia=https://www.marxists.org/archive/", key="--url")
        pairs.append((folder.strip(), address.strip()))
    for path in make_book(articles, title=title, authors=authors, formats=names, out=out,
                          language=language, warn=ctx.warn, licence_reason=licence_reason,
                          urls=pairs):
        ctx.info(f"wrote {path}")


@cli.command("inspect")
@click.argument("file", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the scripting contract).")
@_flags
@click.pass_obj
@_guard
def inspect_cmd(ctx: _Ctx, file: str, as_json: bool) -> None:
    """Show what the reader understood of an article FILE."""
    from .inspect import article_to_dict
    from .readers import read_article

    data = article_to_dict(read_article(file))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"title:    {data['title']}")
    if data["subtitle"]:
        click.echo(f"subtitle: {data['subtitle']}")
    click.echo(f"authors:  {', '.join(data['authors']) or '(none)'}")
    click.echo(f"date:     {data['date'] or '(none)'}")
    for label, value in data["fields"].items():
        click.echo(f"  {label}: {value}")
    licence = data["licence"]
    click.echo(f"licence:  {licence['id'] if licence else '(none recognised)'}")
    kinds: dict[str, int] = {}
    for b in data["blocks"]:
        kinds[b["type"]] = kinds.get(b["type"], 0) + 1
    click.echo("blocks:   " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    click.echo(f"notes:    {len(data['notes'])}")
    for w in data["warnings"]:
        click.echo(f"warning:  {w}")


@cli.command("clean")
@_PROJECT
@click.option("-o", "--out", default=None, type=click.Path(file_okay=False),
              help="The output folder the books were built into (default: PROJECT/dist).")
@click.option("--unused", is_flag=True,
              help="Remove only the cache entries the books' last builds did not use; "
                   "keep the books and the rest of the cache.")
@_flags
@click.pass_obj
@_guard
def clean_cmd(ctx: _Ctx, project: str, out: str | None, unused: bool) -> None:
    """Remove what the build made: the books in dist/, SHA256SUMS and the cache."""
    from .make.clean import clean

    removed = clean(project, out=out, unused=unused)
    if unused:
        ctx.info(f"removed {len(removed)} unused cache {'entry' if len(removed) == 1 else 'entries'}")
        return
    for path in removed:
        ctx.info(f"removed {path}")


@cli.command("serve")
@click.option("--idle", default=0.0, type=click.FloatRange(min=0), metavar="SECONDS",
              help="Stop after SECONDS without a command (default 0: never).")
@_flags
@click.pass_obj
@_guard
def serve_cmd(ctx: _Ctx, idle: float) -> None:
    """Keep bookmaker loaded; every `bookmaker` command of this Python runs in a fork.

    A quick rebuild then skips Python's start and the imports. The server stops
    on Ctrl-C or SIGTERM, or when code it loaded changes on disk; set
    BOOKMAKER_NO_SERVER=1 to run a command without it.
    """
    from .serve.server import serve

    serve(idle=idle or None, say=ctx.info)


@cli.command("writers")
@click.pass_obj
@_guard
def writers_cmd(ctx: _Ctx) -> None:
    """List the writers available (built in and installed)."""
    from .writers import get_writer, writers

    for name in writers():
        w = get_writer(name)
        click.echo(f"{name}\t{w.suffix}")


def main() -> None:
    from .serve.protocol import Forked

    try:
        _run()
    except Forked:  # a fork of `bookmaker serve`: now its client's command line
        from .serve.server import run_forked

        run_forked(_run)
    finally:
        # Everything left is freed at exit: spare the interpreter's shutdown
        # its collections over every object (tens of ms of a quick rebuild).
        gc.freeze()


if __name__ == "__main__":
    main()
