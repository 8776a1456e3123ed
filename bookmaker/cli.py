"""The command line: a thin layer over the public API."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .assemble import assemble
from .build import Outcome, build, clean
from .errors import EXIT_INTERNAL, BookmakerError
from .inspect import article_to_dict
from .model import Metadata, Person
from .readers import read_article
from .spec import slugify
from .writers import WriteOptions, get_writer, write_book, writers

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
            click.echo(f"warning: {message}", err=True)


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Map errors to one or two lines and an exit code; a traceback only with -v."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: _Ctx = click.get_current_context().obj
        try:
            return fn(*args, **kwargs)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookmaker")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Say more; show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn collections of articles into EPUB and print-ready PDF books."""
    ctx.obj = _Ctx(quiet, verbose)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s: %(name)s: %(message)s")
    if not verbose:
        logging.getLogger("fontTools").setLevel(logging.ERROR)


@cli.command("build")
@click.argument("books", nargs=-1)
@click.option("-C", "--project", default=".", type=click.Path(file_okay=False),
              help="The project folder (holding content/).")
@click.option("-o", "--out", default=None, type=click.Path(file_okay=False),
              help="Where books go (default: PROJECT/dist).")
@click.option("-f", "--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option("-n", "--dry-run", is_flag=True, help="Say what would be built and why.")
@click.option("-j", "--jobs", default=1, type=click.IntRange(1, 64), help="Build N targets at once.")
@click.pass_obj
@_guard
def build_cmd(ctx: _Ctx, books: tuple[str, ...], project: str, out: str | None, force: bool,
              dry_run: bool, jobs: int) -> None:
    """Build every book spec in content/ (or the named BOOKS) into dist/."""

    def report(o: Outcome) -> None:
        name = o.target.output.name
        if o.status == "built":
            for w in dict.fromkeys(o.warnings):
                ctx.warn(w)
            ctx.info(f"built {name} ({o.reason})")
        elif o.status == "would build":
            click.echo(f"would build {name} ({o.reason})")
        elif o.status == "failed":
            click.echo(f"bookmaker: error: {o.error}", err=True)
        elif ctx.verbose:
            ctx.info(f"{name} is up to date")

    outcomes = build(project, books, out=out, force=force, dry_run=dry_run, jobs=jobs,
                     report=report)
    failed = [o for o in outcomes if o.status == "failed"]
    if not dry_run and all(o.status == "up to date" for o in outcomes):
        ctx.info("nothing to do: every book is up to date")
    if failed:
        sys.exit(max(o.error.exit_code for o in failed if o.error))


@cli.command("book")
@click.argument("articles", nargs=-1, required=True, type=click.Path())
@click.option("--title", required=True, help="The book's title.")
@click.option("--author", "authors", multiple=True, help="An author (repeat for several).")
@click.option("--format", "formats", default="epub,pdf", help="Writers, comma-separated.")
@click.option("--out", default="dist", type=click.Path(file_okay=False), help="Output folder.")
@click.option("--language", default="en", help="The book's language (BCP 47).")
@click.pass_obj
@_guard
def book_cmd(ctx: _Ctx, articles: tuple[str, ...], title: str, authors: tuple[str, ...],
             formats: str, out: str, language: str) -> None:
    """Build a one-off book from ARTICLES, in the order given, without a spec."""
    names = [f.strip() for f in formats.split(",") if f.strip()]
    chosen = [get_writer(n) for n in names]  # fail early on an unknown writer
    read = [read_article(a) for a in articles]
    for art in read:
        for w in art.warnings:
            ctx.warn(f"{art.attribution.origin}: {w}")
    book = assemble(read, Metadata(title=title, language=language,
                                   authors=tuple(Person(a) for a in authors)))
    for w in book.warnings:
        ctx.warn(w)
    base = Path(articles[0]).resolve().parent
    for writer in chosen:
        target = Path(out) / f"{slugify(title)}{writer.suffix}"
        write_book(book, target, writer, WriteOptions(base_dir=base))
        ctx.info(f"wrote {target}")


@cli.command("inspect")
@click.argument("file", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the scripting contract).")
@click.pass_obj
@_guard
def inspect_cmd(ctx: _Ctx, file: str, as_json: bool) -> None:
    """Show what the reader understood of an article FILE."""
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
@click.option("-C", "--project", default=".", type=click.Path(file_okay=False))
@click.option("-o", "--out", default=None, type=click.Path(file_okay=False))
@click.pass_obj
@_guard
def clean_cmd(ctx: _Ctx, project: str, out: str | None) -> None:
    """Remove what the build made: the books in dist/, SHA256SUMS and the cache."""
    for path in clean(project, out=out):
        ctx.info(f"removed {path}")


@cli.command("writers")
def writers_cmd() -> None:
    """List the writers available (built in and installed)."""
    for name in writers():
        w = get_writer(name)
        click.echo(f"{name}\t{w.suffix}")


def main() -> None:
    cli(prog_name="bookmaker")


if __name__ == "__main__":
    main()
