"""A single-file HTML edition: a preview, and a page for the web."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..model import Book
from ..resources import LocalResources
from ..render.context import book_context, contents_depth, front_view, toc_tree
from ..render.environment import make_environment
from ..render.views import chapter_level, chapter_views
from ..theme import load_theme
from .options import Runtime, WriteOptions

__all__ = ["HtmlWriter"]


class HtmlWriter:
    name = "html"
    suffix = ".html"
    options_type = WriteOptions  # the common options only: notes follow the text as links

    def write(self, book: Book, target: Path, options: WriteOptions,
              runtime: Runtime | None = None) -> None:
        Path(target).write_text(self.render(book, options), encoding="utf-8")

    def render(self, book: Book, options: WriteOptions | None = None) -> str:
        options = options or WriteOptions()
        theme = load_theme(options.theme)
        env = make_environment(theme, [options.templates] if options.templates else [])
        # One file that needs nothing beside it: the theme's fonts go inside, as data.
        css = theme.inline_fonts(theme.css("common.css") + theme.css("html.css"))
        resources = LocalResources(options.base_dir)

        def image(src: str, chapter: object) -> str | None:
            found = resources.find(src, chapter)  # type: ignore[arg-type]
            return None if found is None else LocalResources.data_url(found)

        views = chapter_views(book, notes="link", hbase=chapter_level(book, own_document=False),
                              images=image)
        resources.warn()
        fronts = [front_view(fm, notes="link", hbase=2) for fm in book.front_matter]
        toc = toc_tree(book, views, fronts=fronts, back=[("Sources and Credits", "#credits")],
                       depth=contents_depth(book, options.toc_depth))
        ctx = book_context(book, theme, views, toc, fronts,
                           inline_css=[Markup(css)], print=False, html_class="html-edition")
        return env.get_template("book.html.j2").render(ctx)
