"""Success-path structuring: one generated function per model, checked and fast.

cattrs' generated functions with detailed validation dispatch every optional
field at run time and wrap each field in bookkeeping for the error report.
Responses are almost always valid, so each model gets a second function,
generated here, that

- reads each wire key once and checks the common cases inline: an exact
  ``str``/``int``/``float``/``bool``/``dict``, a known enum value, ``None`` for
  an optional field, a list of anything, a nested model;
- hands any other value to the same hook cattrs would use, so what is
  accepted, coerced or rejected does not change;
- builds the frozen, slotted instance by filling its slots directly (what the
  attrs ``__init__`` does, without the per-field attribute lookups), through a
  twin class that lets plain assignment do it (``_filling.filling_class``), running
  attrs field converters as ``__init__`` would;
- records which optional keys it found as bits, not as a new tuple of keys.

If anything at all goes wrong, the detailed cattrs path runs again from the
start on the same input and raises its error, which names the field path. So
errors read exactly as before, and only valid input takes the fast path.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import keyword
import types
import typing

import attrs
import cattrs

from ._filling import filling_class

Hook = typing.Callable[[typing.Any, typing.Any], typing.Any]

_MISSING = object()
_counter = itertools.count()

# Tests switch this off to build the reference (detailed-only) converter.
ENABLED = True
# Lengths of YYYY-MM-DDTHH:MM:SSZ and of YYYY-MM-DDTHH:MM:SS.fZ to .ffffffZ.
_STAMP_SIZES = frozenset({20, 22, 23, 24, 25, 26, 27})


def _optional_arm(t: object) -> object | None:
    """``X`` for ``X | None`` (two arms only), else None."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(t)
    if len(args) != 2 or type(None) not in args:
        return None
    arm: object = args[0] if args[1] is type(None) else args[1]
    return arm


class _Builder:
    """Source lines and the names they refer to, for one generated function."""

    def __init__(
        self,
        converter: cattrs.Converter,
        exact_types: typing.Mapping[Hook, type],
        list_item_type: typing.Callable[[Hook], object | None],
        datetime_hook: Hook | None,
        free_form_hook: Hook | None,
    ) -> None:
        self.converter = converter
        self.exact_types = exact_types
        self.list_item_type = list_item_type
        self.datetime_hook = datetime_hook
        self.free_form_hook = free_form_hook
        self.namespace: dict[str, typing.Any] = {
            "_MISSING": _MISSING,
            "_fromiso": dt.datetime.fromisoformat,
            "_STAMP_SIZES": _STAMP_SIZES,
            "_NOT_SCALAR": frozenset({float, dict, list}),
        }
        self.lines: list[str] = []

    def bind(self, value: object, stem: str) -> str:
        name = f"_{stem}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def convert(self, var: str, t: object, indent: str) -> None:
        """Lines that turn the JSON value in ``var`` into a ``t`` (or raise)."""
        arm = _optional_arm(t)
        if arm is not None and self._is_plain_optional(t):
            self.lines.append(f"{indent}if {var} is not None:")
            self.convert(var, arm, indent + "    ")
            return
        hook = self.converter.get_structure_hook(t)
        if hook is self.datetime_hook:
            # The canonical UTC shapes, YYYY-MM-DDTHH:MM:SS[.f...]Z, go
            # straight to fromisoformat, which reads them on Python 3.11+ as
            # RFC 3339 does when the fraction has 1 to 6 characters; any other
            # shape goes to the hook, which owns RFC 3339. Every 3rd character
            # from the 5th is a separator in those shapes (``--T::``, then
            # ``.`` or the ``Z``): one slice checks them all. The length check
            # is needed: fromisoformat also takes an empty fraction (``.Z``)
            # and ignores anything after a fraction's 6th character (``.1234567
            # garbage!Z``), both of which RFC 3339 refuses; and it stops reading
            # at a NUL character (``.8Z<NUL>_Z``). A value that is not
            # a str fails the compare or raises, and so reaches the hook or the
            # detailed path.
            h, tn = self.bind(hook, "hook"), self.bind(t, "type")
            self.lines.append(
                f"{indent}if {var}[-1] == 'Z' and len({var}) in _STAMP_SIZES "
                f"and {var}[4:20:3] in ('--T::.', '--T::Z') and '\\x00' not in {var}: "
                f"{var} = _fromiso({var})"
            )
            self.lines.append(f"{indent}else: {var} = {h}({var}, {tn})")
        elif hook is self.free_form_hook:
            # An object of strings, integers, booleans and nulls, the usual
            # metadata, comes back as it is; one holding a float or a container
            # goes to the hook, which looks at its numbers.
            h, tn = self.bind(hook, "hook"), self.bind(t, "type")
            self.lines.append(f"{indent}if {var}.__class__ is dict:")
            self.lines.append(f"{indent}    for _m in {var}.values():")
            self.lines.append(f"{indent}        if _m.__class__ in _NOT_SCALAR:")
            self.lines.append(f"{indent}            {var} = {h}({var}, {tn})")
            self.lines.append(f"{indent}            break")
            self.lines.append(f"{indent}else: {var} = {h}({var}, {tn})")
        elif isinstance(t, type) and issubclass(t, enum.Enum):
            h, tn = self.bind(hook, "hook"), self.bind(t, "type")
            known = self.bind(t._value2member_map_.get, "known")
            self.lines.append(f"{indent}_e = {known}({var})")
            self.lines.append(f"{indent}{var} = {h}({var}, {tn}) if _e is None else _e")
        else:
            self.lines.append(f"{indent}{var} = {self.expr(var, t, 0)}")

    def expr(self, var: str, t: object, depth: int) -> str:
        """An expression that turns the JSON value in ``var`` into a ``t``.

        Inline for exact scalars and for lists (nested up to three deep), else
        a call of the hook cattrs would use. A list always comes back new (the
        caller's stays theirs); an empty one without the function call a
        comprehension costs.
        """
        hook = self.converter.get_structure_hook(t)
        h, tn = self.bind(hook, "hook"), self.bind(t, "type")
        exact = self.exact_types.get(hook)
        if exact is not None:
            return f"({var} if {var}.__class__ is {self.bind(exact, 'cls')} else {h}({var}, {tn}))"
        item = self.list_item_type(hook)
        if item is None or item is typing.Any or depth > 2:
            return f"{h}({var}, {tn})"  # a list of anything: its hook looks at its numbers
        loop = f"_i{depth}"
        fresh = f"[{self.expr(loop, item, depth + 1)} for {loop} in {var}] if {var} else []"
        return f"(({fresh}) if {var}.__class__ is list else {h}({var}, {tn}))"

    def read_field(
        self,
        var: str,
        field: attrs.Attribute[typing.Any],
        wire: str,
        omit: object,
        seen: str | None,
    ) -> None:
        """Lines that read ``field`` from ``o`` into ``var``; ``seen`` runs if its key is there."""
        default, key = field.default, repr(wire)
        if default is attrs.NOTHING:
            self.lines.append(f"    {var} = o[{key}]")
            self.convert(var, field.type, "    ")
        elif default is omit:
            self.lines.append(f"    {var} = o.get({key}, _MISSING)")
            self.lines.append(f"    if {var} is _MISSING: {var} = None")
            if seen is not None:
                self.lines.append(f"    else: {seen}")
            self.convert(var, field.type, "    ")
        else:
            self.lines.append(f"    {var} = o.get({key}, _MISSING)")
            self.lines.append(f"    if {var} is _MISSING:")
            self.lines.append(f"        {var} = {_default_expr(self, default)}")
            self.lines.append("    else:")
            if seen is not None:
                self.lines.append(f"        {seen}")
            self.convert(var, field.type, "        ")
        if field.converter is not None:
            self.lines.append(f"    {var} = {self.bind(field.converter, 'conv')}({var})")

    def record_presence(self, var: str, shapes: _Shapes) -> None:
        """Lines that put the presence tuple in ``var`` (after every field is read)."""
        if shapes.tracked:
            self.lines.append(f"    {var} = {self.bind(shapes.known, 'shapes')}[m]")
            self.lines.append(f"    if {var} is None: {var} = {self.bind(shapes.make, 'shape')}(m)")
        else:
            self.lines.append(f"    {var} = tuple(o)")

    def _is_plain_optional(self, t: object) -> bool:
        # Only when cattrs would use its generic optional handling; a hook
        # registered for the whole union keeps its own behaviour.
        hook = self.converter.get_structure_hook(t)
        return getattr(hook, "__func__", None) is cattrs.BaseConverter._structure_optional


def make_fast_structure(
    cls: type,
    converter: cattrs.Converter,
    detailed: Hook,
    *,
    renamed: typing.Mapping[str, str],
    omit: object,
    exact_types: typing.Mapping[Hook, type],
    list_item_type: typing.Callable[[Hook], object | None],
    presence_field: str | None,
    datetime_hook: Hook | None = None,
    free_form_hook: Hook | None = None,
) -> Hook:
    """A structure hook for ``cls`` that falls back to ``detailed`` on any failure.

    ``renamed`` maps field names to wire keys; a missing key of a field whose
    default is ``omit`` reads as ``None``; ``presence_field`` (if any) gets the
    tuple of the wire keys of ``cls``'s fields that the object came with;
    ``exact_types`` maps a scalar hook to the one type it returns unchanged;
    ``list_item_type`` gives the item type of a list hook (None for other
    hooks); values for ``datetime_hook`` in canonical UTC form are parsed
    inline (pass it only where ``datetime.fromisoformat`` reads a ``Z``); a
    dict for ``free_form_hook`` whose values are all str, int, bool or None is
    kept without a call of it (so it must return such a dict unchanged).
    """
    if not ENABLED:
        return detailed
    fields = attrs.fields(attrs.resolve_types(cls))
    slots = {f.name: getattr(cls, f.name, None) for f in fields}
    filling = filling_class(cls)
    if (
        filling is None
        or not all(isinstance(s, types.MemberDescriptorType) for s in slots.values())
        or any(
            f.validator is not None
            or (isinstance(f.default, attrs.Factory) and f.default.takes_self)  # type: ignore[arg-type]
            or keyword.iskeyword(f.name)
            for f in fields
        )
    ):
        return detailed  # not a plain frozen slotted class: no shortcut
    b = _Builder(converter, exact_types, list_item_type, datetime_hook, free_form_hook)
    b.lines += ["if o.__class__ is not dict:", "    return _detailed(o, t)", "try:"]
    wires = {f.name: renamed.get(f.name, f.name) for f in fields if f.init}
    optional = [f.name for f in fields if f.init and f.default is not attrs.NOTHING]
    shapes = None
    if presence_field is not None:
        optional.remove(presence_field)
        shapes = _Shapes(wires, optional, presence_field)
    if shapes is not None and shapes.tracked:
        b.lines.append("    m = 0")
    for index, field in enumerate(fields):
        var = f"v{index}"
        if field.name == presence_field:
            continue
        if not field.init:
            b.lines.append(f"    {var} = {_default_expr(b, field.default)}")
            continue
        seen = None
        if field.name in optional and shapes is not None and shapes.tracked:
            seen = f"m += {shapes.bit(field.name)}"
        b.read_field(var, field, wires[field.name], omit, seen)
    if shapes is not None:
        var = f"v{[f.name for f in fields].index(typing.cast(str, presence_field))}"
        b.record_presence(var, shapes)
    b.lines.append(f"    obj = _new({b.bind(filling, 'filling')})")
    b.lines += [f"    obj.{field.name} = v{index}" for index, field in enumerate(fields)]
    b.lines.append(f"    obj.__class__ = {b.bind(cls, 'cls')}")
    b.lines += ["    return obj", "except Exception:", "    return _detailed(o, t)"]
    b.namespace.update(_detailed=detailed, _new=object.__new__)
    name = f"structure_{cls.__name__}_{next(_counter)}"
    source = "\n".join([f"def {name}(o, t):", *(f"    {line}" for line in b.lines)])
    exec(compile(source, f"<julep structure {cls.__qualname__}>", "exec"), b.namespace)
    fast: Hook = b.namespace[name]
    fast.__doc__ = source  # what runs, for whoever debugs it
    return fast


class _Shapes:
    """The presence tuples of one model, one per set of optional fields present.

    ``tuple(o)`` of a five-key object costs ~90 ns; the generated code adds
    each optional field's bit to ``m`` as it finds the key (required ones are
    always there) and reads the tuple for ``m`` here, built the first time
    that combination is seen. Only the model's own fields are recorded: the
    encoder asks about no other key. With more optional fields than
    ``_MAX_TRACKED`` the table would grow too big and ``tuple(o)`` is used.
    """

    _MAX_TRACKED = 10

    def __init__(self, wires: dict[str, str], optional: list[str], presence: str) -> None:
        self._required = tuple(w for n, w in wires.items() if n not in optional and n != presence)
        self._optional = [wires[name] for name in optional]
        self._bits = {name: 1 << index for index, name in enumerate(optional)}
        self.tracked = len(optional) <= self._MAX_TRACKED
        size = 1 << len(optional) if self.tracked else 0
        self.known: list[tuple[str, ...] | None] = [None] * size

    def bit(self, name: str) -> int:
        return self._bits[name]

    def make(self, mask: int) -> tuple[str, ...]:
        # Two threads may build the same tuple at once: equal, either is right.
        shape = self._required + tuple(
            wire for index, wire in enumerate(self._optional) if mask >> index & 1
        )
        self.known[mask] = shape
        return shape


def _default_expr(b: _Builder, default: object) -> str:
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return f"{b.bind(default.factory, 'factory')}()"  # type: ignore[attr-defined]
    return b.bind(default, "default")
