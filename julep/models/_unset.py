"""Optional fields left out of a model built in code: read as None, kept off the wire.

A request model's optional field defaults to the ``OMIT`` sentinel, so that the
encoder can leave it out of the JSON. Read back, though, it must be ``None``, as
its annotation says and as julep 0.3.9's pydantic models gave it: code such as
``if msg.name is not None: msg.name.upper()`` must not meet the sentinel. So
after ``__init__``, each field still at ``OMIT`` is set to ``None`` and the model
records in ``_present`` the wire keys it was given instead (what a decoded
model records), and the encoder writes those.

This runs on every model built in code (every ``InputChatMlMessage(...)`` of a
chat), so each class gets its own generated function: one ``is`` test per
optional field, then a table lookup, instead of walking the class's fields.
"""

from __future__ import annotations

import itertools
import typing

import attrs

from .._types import OMIT
from . import _export

PostInit = typing.Callable[[typing.Any], None]

# The class attribute holding a class's generated post-init (in its own __dict__).
GENERATED = "_julep_post_init"

_counter = itertools.count()


class _Plan:
    """The ``_present`` tuples of one class, by which fields were left out."""

    def __init__(self, cls: type) -> None:
        fields = [f for f in attrs.fields(cls) if f.name not in _export.BOOKKEEPING]
        self.wire = {f.name: _export.WIRE_NAMES.get(f.name, f.name) for f in fields}
        self.omittable = [f.name for f in fields if f.default is OMIT]
        # Optional response fields left at their default None: not given either,
        # as the encoder writes a model built in code (julep 0.3.9's exclude_unset).
        self.none_default = [f.name for f in fields if f.default is None]
        self._built: dict[tuple[int, int], tuple[str, ...]] = {}

    def built(self, unset: int, nones: int) -> tuple[str, ...]:
        """The keys a model built in code was given: bit i of ``unset`` is
        ``omittable[i]`` left out, of ``nones`` ``none_default[i]`` at None."""
        shape = self._built.get((unset, nones))
        if shape is None:
            left_out = {n for i, n in enumerate(self.omittable) if unset >> i & 1}
            left_out |= {n for i, n in enumerate(self.none_default) if nones >> i & 1}
            shape = tuple(w for name, w in self.wire.items() if name not in left_out)
            self._built[(unset, nones)] = shape  # two threads may race: equal values
        return shape

    def dropped(self, present: tuple[str, ...], unset: int) -> tuple[str, ...]:
        """``present`` (given to ``attrs.evolve``) less the keys left out now."""
        gone = {self.wire[n] for i, n in enumerate(self.omittable) if unset >> i & 1}
        return tuple(key for key in present if key not in gone)


def post_init_for(cls: type, generic: PostInit) -> PostInit:
    """The ``__attrs_post_init__`` of ``cls``, generated for its fields.

    Put on ``cls``, it is also what a subclass finds until the subclass has its
    own: for an instance of another class it hands over to ``generic``.
    """
    plan = _Plan(cls)
    lines = ["if self.__class__ is not _cls:", "    return _generic(self)"]
    if not plan.omittable:
        lines.append("return")
    lines.append("unset = 0")
    lines += [
        f"if self.{name} is _OMIT: unset |= {1 << i}" for i, name in enumerate(plan.omittable)
    ]
    lines += ["if not unset:", "    return", "present = self._present", "if present is None:"]
    lines.append("    nones = 0")
    lines += [
        f"    if self.{name} is None: nones |= {1 << i}" for i, name in enumerate(plan.none_default)
    ]
    lines += [
        "    present = _plan.built(unset, nones)",
        "else:",
        "    present = _plan.dropped(present, unset)",
    ]
    lines += [
        f"if unset & {1 << i}: _set(self, {name!r}, None)" for i, name in enumerate(plan.omittable)
    ]
    lines.append("_set(self, '_present', present)")
    # The class's name only where it is an identifier: a class made with type()
    # may be called "Sub-1" or "Reply[int]", which cannot name a def.
    label = cls.__name__ if cls.__name__.isidentifier() else "model"
    name = f"post_init_{label}_{next(_counter)}"
    source = "\n".join([f"def {name}(self):", *(f"    {line}" for line in lines)])
    namespace: dict[str, typing.Any] = {
        "_OMIT": OMIT,
        "_plan": plan,
        "_set": object.__setattr__,
        "_cls": cls,
        "_generic": generic,
    }
    exec(compile(source, f"<julep post-init {cls.__qualname__}>", "exec"), namespace)
    function: PostInit = namespace[name]
    function.__doc__ = source  # what runs, for whoever debugs it
    function._julep_generated = True  # type: ignore[attr-defined]
    return function


def is_generated(function: object) -> bool:
    """Whether ``function`` is a post-init made here (not a subclass's own)."""
    return getattr(function, "_julep_generated", False) is True
