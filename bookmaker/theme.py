"""Themes: a folder of CSS, Jinja2 templates and a `theme.toml` naming its fonts.

The built-in themes live inside the package, in `bookmaker/themes/` (one
folder each: `themes/default`, `themes/us-trade`), so a checkout and a wheel
find them the same way. Fonts come from a pip-installed package, never
from the system, so builds are the same on every machine.

A theme need not hold every file: a stylesheet or template it lacks is the
default theme's (so a theme may be a `theme.toml` and a stylesheet or two).
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
        """Where templates are looked for: the theme's own, then the default theme's."""
        own = [self.templates] if self.templates.is_dir() else []
        return own + (self.fallback.template_folders if self.fallback else [])

    def css(self, name: str) -> str:
        """A stylesheet of the theme, or the default theme's if this one has none."""
        own = self.path / name
        if not own.is_file() and self.fallback is not None:
            return self.fallback.css(name)
        return own.read_text(encoding="utf-8")

    def files(self) -> dict[str, Path]:
        """Every file the theme is made of, by its path inside the theme folder,
        the default theme's files it lacks included (fonts apart)."""
        found = self.fallback.files() if self.fallback else {}
        for p in sorted(self.path.rglob("*")):
            if p.is_file():
                found[p.relative_to(self.path).as_posix()] = p
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


@lru_cache(maxsize=8)
def load_theme(name_or_path: str = "default") -> Theme:
    """A built-in theme by name, or a theme folder by path."""
    path = Path(name_or_path)
    if not (path / "theme.toml").is_file():
        path = styles_root() / name_or_path
    config_file = path / "theme.toml"
    if not config_file.is_file():
        raise SpecError(f"unknown theme {name_or_path!r} (no theme.toml)", key="theme")
    try:
        config = tomllib.loads(config_file.read_text(encoding="utf-8"))
        fonts = config["fonts"]
        package = import_module(fonts["package"])
    except (tomllib.TOMLDecodeError, KeyError, ImportError) as exc:
        raise SpecError(f"invalid theme: {exc}", path=config_file) from None
    if package.__file__ is None:  # a namespace package holds no font files of its own
        raise SpecError(f"invalid theme: the font package {fonts['package']!r} has no folder",
                        path=config_file)
    font_dir = Path(package.__file__).resolve().parent / fonts.get("directory", "")
    licence = font_dir / fonts["licence"] if "licence" in fonts else None
    page = config.get("page", {})
    trim = page.get("trim") if isinstance(page, dict) else page
    if trim is not None and not isinstance(trim, str):
        raise SpecError(f"invalid theme: [page] trim must be a string such as 'A5', not {trim!r}",
                        path=config_file)
    default = styles_root() / "default"
    fallback = None if path.resolve() == default.resolve() else load_theme(str(default))
    return Theme(name=config.get("name", path.name), path=path.resolve(), font_dir=font_dir,
                 font_licence=licence, family=fonts.get("family", "serif"),
                 faces=dict(fonts.get("files", {})), colours=dict(config.get("cover", {})),
                 trim=trim, fallback=fallback)
