"""TOML read safely: the one reader of book specs and of front matter."""

from __future__ import annotations

import tomllib
from typing import Any

__all__ = ["MAX_NESTING", "load_toml"]

MAX_NESTING = 100  # tables and arrays in one another, in a spec or a front matter


def _deeper_than(data: Any, limit: int) -> bool:
    stack = [(data, 0)]  # the document itself is no nesting
    while stack:
        value, depth = stack.pop()
        items = value.values() if isinstance(value, dict) else value
        if depth > limit:
            return True
        stack += [(v, depth + 1) for v in items if isinstance(v, (dict, list))]
    return False


def load_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads`, with tables and arrays nested at most MAX_NESTING deep;
    deeper is a `tomllib.TOMLDecodeError` (tomllib itself would run out of
    Python's stack on a few hundred, with a RecursionError)."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        data = None
    if data is None or _deeper_than(data, MAX_NESTING):
        raise tomllib.TOMLDecodeError(f"tables or arrays nested more than {MAX_NESTING} deep")
    return data
