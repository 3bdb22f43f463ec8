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
  attrs ``__init__`` does, without the per-field attribute lookups), running
  attrs field converters as ``__init__`` would.

If anything at all goes wrong, the detailed cattrs path runs again from the
start on the same input and raises its error, which names the field path. So
errors read exactly as before, and only valid input takes the fast path.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import types
import typing

import attrs
import cattrs

Hook = typing.Callable[[typing.Any, typing.Any], typing.Any]

_MISSING = object()
_counter = itertools.count()

# Tests switch this off to build the reference (detailed-only) converter.
ENABLED = True


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
    ) -> None:
        self.converter = converter
        self.exact_types = exact_types
        self.list_item_type = list_item_type
        self.datetime_hook = datetime_hook
        self.namespace: dict[str, typing.Any] = {
            "_MISSING": _MISSING,
            "_fromiso": dt.datetime.fromisoformat,
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
            # The canonical UTC shapes, YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]Z,
            # straight to fromisoformat, which reads them on Python 3.11+ as
            # RFC 3339 does; any other shape (or a value it refuses) goes to
            # the hook, which owns RFC 3339.
            h, tn = self.bind(hook, "hook"), self.bind(t, "type")
            self.lines.append(
                f"{indent}if {var}.__class__ is str and len({var}) in (20, 24, 27) "
                f"and {var}[-1] == 'Z' and {var}[10] == 'T' and {var}[19] in '.Z' "
                f"and {var}[4] == {var}[7] == '-' and {var}[13] == {var}[16] == ':': "
                f"{var} = _fromiso({var})"
            )
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
        if item is None or depth > 2:
            return f"{h}({var}, {tn})"
        if item is typing.Any:
            fresh = f"list({var})"
        else:
            loop = f"_i{depth}"
            fresh = f"[{self.expr(loop, item, depth + 1)} for {loop} in {var}] if {var} else []"
        return f"(({fresh}) if {var}.__class__ is list else {h}({var}, {tn}))"

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
) -> Hook:
    """A structure hook for ``cls`` that falls back to ``detailed`` on any failure.

    ``renamed`` maps field names to wire keys; a missing key of a field whose
    default is ``omit`` reads as ``None``; ``presence_field`` (if any) gets the
    tuple of wire keys the object came with; ``exact_types`` maps a scalar
    hook to the one type it returns unchanged; ``list_item_type`` gives the
    item type of a list hook (None for other hooks); values for
    ``datetime_hook`` in canonical UTC form are parsed inline (pass it only
    where ``datetime.fromisoformat`` reads a trailing ``Z``).
    """
    if not ENABLED:
        return detailed
    fields = attrs.fields(attrs.resolve_types(cls))
    slots = {f.name: getattr(cls, f.name, None) for f in fields}
    if not all(isinstance(s, types.MemberDescriptorType) for s in slots.values()) or any(
        f.validator is not None or (isinstance(f.default, attrs.Factory) and f.default.takes_self)  # type: ignore[arg-type]
        for f in fields
    ):
        return detailed  # not a plain frozen slotted class: no shortcut
    b = _Builder(converter, exact_types, list_item_type, datetime_hook)
    b.lines += ["if o.__class__ is not dict:", "    return _detailed(o, t)", "try:"]
    sets: list[tuple[str, str]] = []
    for index, field in enumerate(fields):
        var = f"v{index}"
        sets.append((b.bind(slots[field.name].__set__, "set"), var))  # type: ignore[union-attr]
        default = field.default
        if field.name == presence_field:
            b.lines.append(f"    {var} = tuple(o)")
            continue
        if not field.init:
            b.lines.append(f"    {var} = {_default_expr(b, default)}")
            continue
        wire = repr(renamed.get(field.name, field.name))
        if default is attrs.NOTHING:
            b.lines.append(f"    {var} = o[{wire}]")
            b.convert(var, field.type, "    ")
        elif default is omit:
            b.lines.append(f"    {var} = o.get({wire})")
            b.convert(var, field.type, "    ")
        else:
            b.lines.append(f"    {var} = o.get({wire}, _MISSING)")
            b.lines.append(f"    if {var} is _MISSING:")
            b.lines.append(f"        {var} = {_default_expr(b, default)}")
            b.lines.append("    else:")
            b.convert(var, field.type, "        ")
        if field.converter is not None:
            b.lines.append(f"    {var} = {b.bind(field.converter, 'conv')}({var})")
    b.lines.append(f"    obj = _new({b.bind(cls, 'cls')})")
    b.lines += [f"    {setter}(obj, {var})" for setter, var in sets]
    b.lines += ["    return obj", "except Exception:", "    return _detailed(o, t)"]
    b.namespace.update(_detailed=detailed, _new=object.__new__)
    name = f"structure_{cls.__name__}_{next(_counter)}"
    source = "\n".join([f"def {name}(o, t):", *(f"    {line}" for line in b.lines)])
    exec(compile(source, f"<julep structure {cls.__qualname__}>", "exec"), b.namespace)
    fast: Hook = b.namespace[name]
    fast.__doc__ = source  # what runs, for whoever debugs it
    return fast


def _default_expr(b: _Builder, default: object) -> str:
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return f"{b.bind(default.factory, 'factory')}()"  # type: ignore[attr-defined]
    return b.bind(default, "default")
