"""The render room: from the book model to the HTML every writer shares.

- `environment`: the one Jinja2 environment (the book's own templates first,
  then the theme's), its filters, and Jinja2's errors mapped to `TemplateError`
  with the template file and line;
- `blocks`: the block renderer, the model's blocks and inlines as HTML (notes as
  links, or as footnotes at their calls cut by the writer's `note_pieces`);
- `views`: chapter views, a chapter's body, notes, sections and authors;
- `context`: the writer-neutral book context every template may use, the nested
  contents (`toc_tree`) and the views of the editor's front matter.

What belongs to one writer stays with it: the PDF's segments, pieces and
footnote length are in `writers/pdf/` (`context`, `footnotes`). The room imports
the model, `people`, `theme` and `typography`, never a writer or a reader.
Import from the modules themselves; this package re-exports nothing, so that
importing one module does not load the others.
"""
