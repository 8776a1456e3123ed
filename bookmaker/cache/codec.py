"""The book model as plain data, for the cache: JSON that decodes only into
the model's own classes.

A model object is a list: its class's name, then its fields in order; a tuple
is a list. Decoding follows the fields' annotations, so a value of the wrong
type, a list of the wrong length or a name that is not one of the classes a
field allows raises ValueError: damaged data is never turned into something
else, and nothing but the classes `bookmaker.model` exports is ever made
(data, never code, unlike pickle).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from .. import model

__all__ = ["VERSION", "encode", "decode", "dumps", "loads"]

VERSION = "2"  # part of the keys of the cache entries this format writes

T = TypeVar("T")
_Decoder = Callable[[Any], Any]

# the model's classes by name: the only ones a decoder makes
_CLASSES: dict[str, type] = {
    name: obj for name in model.__all__
    if isinstance(obj := getattr(model, name), type) and dataclasses.is_dataclass(obj)}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()}


def encode(value: Any) -> Any:
    """JSON-compatible data for a model object, a tuple of them, or a scalar."""
    fields = _FIELDS.get(type(value))
    if fields is not None:
        return [type(value).__name__, *[encode(getattr(value, f)) for f in fields]]
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    return value


def _fail(what: str, value: Any) -> ValueError:
    return ValueError(f"expected {what}, found {type(value).__name__}")


def _exact(kind: type) -> _Decoder:
    def check(value: Any) -> Any:
        if type(value) is not kind:  # exact: a bool is not an int here
            raise _fail(kind.__name__, value)
        return value
    return check


def _optional(inner: _Decoder) -> _Decoder:
    def check(value: Any) -> Any:
        return None if value is None else inner(value)
    return check


def _sequence(inner: _Decoder) -> _Decoder:
    def check(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _fail("a list", value)
        return tuple([inner(v) for v in value])
    return check


def _fixed(inners: list[_Decoder]) -> _Decoder:
    def check(value: Any) -> tuple[Any, ...]:
        if type(value) is not list or len(value) != len(inners):
            raise _fail(f"a list of {len(inners)}", value)
        return tuple([d(v) for d, v in zip(inners, value)])
    return check


def _objects(allowed: dict[str, type]) -> _Decoder:
    """A decoder of any of the `allowed` classes, by the name data gives."""
    def check(value: Any) -> Any:
        if type(value) is not list or not value or type(value[0]) is not str:
            raise _fail("a model object", value)
        cls = allowed.get(value[0])
        if cls is None:
            raise ValueError(f"not allowed here: {value[0]!r}")
        fields = _OBJECTS[cls]
        if len(value) != len(fields) + 1:
            raise ValueError(f"{value[0]}: expected {len(fields)} fields, found {len(value) - 1}")
        return cls(*[d(v) for d, v in zip(fields, value[1:])])
    return check


_OBJECTS: dict[type, list[_Decoder]] = {}   # each class's field decoders, in field order
_MADE: dict[Any, _Decoder] = {}             # a decoder per annotation


def _decoder(kind: Any) -> _Decoder:
    """The decoder of values of the annotation `kind`."""
    made = _MADE.get(kind)
    if made is not None:
        return made
    if isinstance(kind, str):  # an annotation as written (the model's are strings)
        made = _MADE[kind] = _decoder(eval(kind, vars(model)))  # noqa: S307 - the model's own
        return made
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind in (str, int, bool, float):
        made = _exact(kind)
    elif kind in _FIELDS:
        made = _objects({kind.__name__: kind})
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        made = _sequence(_decoder(args[0]))
    elif origin is tuple:
        made = _fixed([_decoder(a) for a in args])
    elif origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if all(a in _FIELDS for a in options):
            inner = _objects({a.__name__: a for a in options})
        elif len(options) == 1:
            inner = _decoder(options[0])
        else:
            raise TypeError(f"no decoder for {kind!r}")
        made = _optional(inner) if len(options) < len(args) else inner
    else:
        raise TypeError(f"no decoder for {kind!r}")
    _MADE[kind] = made
    return made


def _setup() -> None:
    # Each annotation evaluated once, not typing.get_type_hints per class:
    # this runs in every build that reads the cache. (A class's decoder finds
    # its fields' decoders here when it runs: the classes refer to each other.)
    for cls in _CLASSES.values():
        _OBJECTS[cls] = [_decoder(f.type) for f in dataclasses.fields(cls)]


def decode(data: Any, kind: Any) -> Any:
    """The value of annotation `kind` (a model class, `tuple[model.Block, ...]`,
    ...) that `data` encodes; ValueError if it does not encode one."""
    if not _OBJECTS:  # on first use: a build that reads nothing back does not pay for it
        _setup()
    try:
        return _decoder(kind)(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def dumps(value: Any) -> bytes:
    """`encode` as compact JSON."""
    # surrogatepass: a text may hold a lone surrogate, as pickle kept it
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8", "surrogatepass")


def loads(raw: bytes, kind: Any) -> Any:
    """`decode` of JSON bytes; ValueError if they are not JSON or not a `kind`."""
    try:
        data = json.loads(raw.decode("utf-8", "surrogatepass"))
    except RecursionError:
        raise ValueError("nested too deeply") from None
    return decode(data, kind)
