"""Themes: a folder of CSS, Jinja2 templates and a `theme.toml` naming its fonts.

The built-in themes live inside the package, in `bookmaker/themes/` (one
folder each: `themes/default`, `themes/us-trade`), so a checkout and a wheel
find them the same way. Fonts come from a pip-installed package, never
from the system, so builds are the same on every machine.

A theme need not hold every file: a stylesheet or template it lacks is the
default theme's (so a theme may be a `theme.toml` and a stylesheet or two).
A theme that `extends` another is layered on it instead: each stylesheet is
the other's rules followed by its own, so it holds only what differs, and
with fonts of its own the other's `@font-face` rules are left out (or its
EPUB would carry both faces).
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

from .errors import SpecError

__all__ = ["Theme", "load_theme", "styles_root"]

_FONT_URL = re.compile(r"url\(\s*['\"]?fonts/([^'\")]+)['\"]?\s*\)")
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def styles_root() -> Path:
    """The folder holding the built-in themes (inside the package)."""
    here = Path(__file__).resolve().parent / "themes"
    if (here / "default" / "theme.toml").is_file():
        return here
    raise SpecError("the built-in themes are missing from this installation", path=here)


@dataclass(frozen=True)
class Theme:
    name: str
    path: Path
    font_dir: Path
    font_licence: Path | None
    family: str
    faces: dict[str, str] = field(default_factory=dict)      # role -> font file name
    colours: dict[str, str] = field(default_factory=dict)    # cover colours
    trim: str | None = None  # the print page's size (`[page] trim`), unless the book names one
    fallback: Theme | None = None  # the default theme, for the files this one lacks
    # the theme this one `extends` (then also its fallback): its stylesheets come
    # first, without their @font-face rules when this one has fonts of its own
    base: Theme | None = None
    own_fonts: bool = True

    def face(self, role: str) -> Path:
        name = self.faces.get(role) or self.faces.get("regular")
        if not name:
            raise SpecError(f"the theme names no {role!r} font", path=self.path / "theme.toml")
        return self.font_dir / name

    @property
    def templates(self) -> Path:
        return self.path / "templates"

    @property
    def template_folders(self) -> list[Path]:
        """Where templates are looked for: the theme's own, then those of each
        theme it takes files from."""
        return [t.templates for t in self.lineage if t.templates.is_dir()]

    @property
    def lineage(self) -> list[Theme]:
        """This theme, then each it takes files from (extends, or the default)."""
        return [self] + (self.fallback.lineage if self.fallback else [])

    def css(self, name: str) -> str:
        """A stylesheet of the theme: the one it extends followed by its own, or
        its own, or the default theme's if it has none."""
        own = self.path / name
        text = own.read_text(encoding="utf-8") if own.is_file() else None
        if self.base is not None:
            under = self.base.css(name)
            if self.own_fonts:
                under = _without_font_faces(under)
            return under if text is None else under.rstrip("\n") + "\n\n" + text
        if text is None and self.fallback is not None:
            return self.fallback.css(name)
        if text is None:
            raise SpecError(f"the theme has no stylesheet {name}", path=own)
        return text

    def files(self) -> dict[str, Path]:
        """Every file the theme is made of, by its path inside the theme folder,
        the default theme's files it lacks included (fonts apart); a theme that
        extends another has the other's files too, those its own are layered on
        as "NAME (under it)"."""
        found = self.fallback.files() if self.fallback else {}
        for p in sorted(self.path.rglob("*")):
            if p.is_file():
                rel = p.relative_to(self.path).as_posix()
                if self.base is not None and rel in found:  # layered on, not replaced
                    found[f"{rel} (under it)"] = found[rel]
                found[rel] = p
        return dict(sorted(found.items(), key=lambda item: item[0].split("/")))

    def font_files(self, css: str) -> list[Path]:
        """The font files a stylesheet names as `url(fonts/NAME)`, in order (the
        default theme's, for a stylesheet of the default's naming its fonts)."""
        names = dict.fromkeys(_FONT_URL.findall(css))
        return [self._font(n) for n in names]

    def _font(self, name: str) -> Path:
        own = self.font_dir / name
        if own.is_file() or self.fallback is None:
            return own
        return self.fallback.resolve("fonts/" + name) or own

    def inline_fonts(self, css: str) -> str:
        """The stylesheet with each `url(fonts/NAME)` a data: URI of the font file's
        bytes, for a document that must carry its fonts inside it. The same files
        give the same text: nothing of the moment goes in."""
        def data_url(match: re.Match[str]) -> str:
            found = self.resolve("fonts/" + match.group(1))
            if found is None:  # a font the package lacks: left as the stylesheet named it
                return match.group(0)
            kind = _FONT_TYPES.get(found.suffix.lower(), "application/octet-stream")
            return f'url("data:{kind};base64,{base64.b64encode(found.read_bytes()).decode()}")'
        return _FONT_URL.sub(data_url, css)

    def resolve(self, relative: str) -> Path | None:
        """A theme-relative path ("fonts/X", "print.css") as a file, if it exists."""
        if relative.startswith("fonts/"):
            candidate = (self.font_dir / relative[6:]).resolve()
            root = self.font_dir.resolve()
        else:
            candidate = (self.path / relative).resolve()
            root = self.path.resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
        if self.fallback is not None:  # a file the default's stylesheets name
            return self.fallback.resolve(relative)
        return None

    def digest(self) -> str:
        """A hash of every file the theme is made of (CSS, templates, fonts)."""
        h = hashlib.sha256()
        files = list(self.files().values())
        files += sorted(self.font_dir.glob("*"))
        for p in files:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        return h.hexdigest()


def _without_font_faces(css: str) -> str:
    """The stylesheet without its @font-face rules (and the space after each)."""
    import tinycss2

    kept: list[Any] = []
    dropping = False
    for node in tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False):
        if node.type == "at-rule" and node.lower_at_keyword == "font-face":
            dropping = True
        elif not (dropping and node.type == "whitespace"):
            dropping = False
            kept.append(node)
    return str(tinycss2.serialize(kept))


@lru_cache(maxsize=8)
def load_theme(name_or_path: str = "default") -> Theme:
    """A built-in theme by name, or a theme folder by path."""
    return _load(name_or_path, ())


def _folder(name_or_path: str, beside: Path | None = None) -> Path:
    """A theme's folder: a path (relative to `beside`, if given) holding a
    theme.toml, else the built-in theme of that name."""
    path = Path(name_or_path)
    if beside is not None and not path.is_absolute():
        path = beside / path
    if not (path / "theme.toml").is_file():
        path = styles_root() / name_or_path
    return path


def _load(name_or_path: str, within: tuple[str, ...]) -> Theme:
    """The theme, `within` the folders of the themes extending it (a loop is an error)."""
    path = _folder(name_or_path)
    config_file = path / "theme.toml"
    if not config_file.is_file():
        if within:  # an `extends` naming no theme
            raise SpecError(f"invalid theme: it extends {name_or_path!r}, which is no theme "
                            "(no theme.toml)", path=within[-1], key="extends")
        raise SpecError(f"unknown theme {name_or_path!r} (no theme.toml)", key="theme")
    try:
        config = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"invalid theme: {exc}", path=config_file) from None
    base = _extended(config, path, within + (str(config_file),))
    if "fonts" not in config and base is not None:  # the extended theme's fonts
        font_dir, licence, family, faces = base.font_dir, base.font_licence, base.family, base.faces
    else:
        font_dir, licence, family, faces = _fonts(config, config_file)
    page = config.get("page", {})
    trim = page.get("trim") if isinstance(page, dict) else page
    if trim is not None and not isinstance(trim, str):
        raise SpecError(f"invalid theme: [page] trim must be a string such as 'A5', not {trim!r}",
                        path=config_file)
    if trim is None and base is not None:
        trim = base.trim
    colours = {**(base.colours if base else {}), **dict(config.get("cover", {}))}
    default = styles_root() / "default"
    fallback = base if base is not None else (
        None if path.resolve() == default.resolve() else load_theme(str(default)))
    return Theme(name=config.get("name", path.name), path=path.resolve(), font_dir=font_dir,
                 font_licence=licence, family=family, faces=faces, colours=colours,
                 trim=trim, fallback=fallback, base=base, own_fonts="fonts" in config)


def _extended(config: dict[str, Any], path: Path, within: tuple[str, ...]) -> Theme | None:
    """The theme `config` extends (a built-in name, or a folder relative to its own)."""
    name = config.get("extends")
    if name is None:
        return None
    if not isinstance(name, str) or not name:
        raise SpecError(f"invalid theme: extends must name a theme, not {name!r}",
                        path=within[-1], key="extends")
    folder = _folder(name, beside=path)
    if str((folder / "theme.toml").resolve()) in {str(Path(w).resolve()) for w in within}:
        raise SpecError(f"invalid theme: extending {name!r} makes a loop of themes",
                        path=within[-1], key="extends")
    return _load(str(folder), within)


def _fonts(config: dict[str, Any], config_file: Path) -> tuple[Path, Path | None, str, dict[str, str]]:
    """The font folder, licence file, family and named faces of a theme's [fonts]."""
    try:
        fonts = config["fonts"]
        package = import_module(fonts["package"])
    except (KeyError, TypeError, ImportError) as exc:
        raise SpecError(f"invalid theme: {exc}", path=config_file) from None
    if package.__file__ is None:  # a namespace package holds no font files of its own
        raise SpecError(f"invalid theme: the font package {fonts['package']!r} has no folder",
                        path=config_file)
    font_dir = Path(package.__file__).resolve().parent / fonts.get("directory", "")
    licence = font_dir / fonts["licence"] if "licence" in fonts else None
    return font_dir, licence, fonts.get("family", "serif"), dict(fonts.get("files", {}))
