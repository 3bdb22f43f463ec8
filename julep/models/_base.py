"""Bases shared by every model: presence tracking, response bookkeeping, free-form objects."""

from __future__ import annotations

import abc
import builtins
import copy as _copy
import functools
import importlib
import inspect
import json
import sys
import types
import typing
import warnings
import weakref

import attrs
import orjson

from .._bigjson import dumps as _big_dumps
from ..errors import UnknownFieldWarning
from . import _export, _unset


@attrs.frozen(kw_only=True)
class ResponseInfo:
    """What the transport knew about the response a model was decoded from."""

    status_code: int
    request_id: str | None
    retries_taken: int
    elapsed: float


class _FieldsSignature:
    """A model class's ``__signature__``: its ``__init__``'s, less ``self`` and ``_present``.

    ``_present`` is an ``__init__`` parameter only for ``attrs.evolve`` (see
    ``Model``); ``help(InputChatMlMessage)``, ``inspect.signature`` and an
    editor completing arguments need the fields only. A descriptor rather than
    a value set on each class, so that a subclass (the caller's too) shows its
    own fields, not its parent's.
    """

    def __init__(self) -> None:
        # Weak: a caller's classes made on the fly are not kept alive here.
        self._of: weakref.WeakKeyDictionary[type, inspect.Signature] = weakref.WeakKeyDictionary()

    def __get__(self, instance: object, owner: type) -> inspect.Signature:
        if instance is not None:
            raise AttributeError("__signature__")  # a model itself is not callable
        signature = self._of.get(owner)
        if signature is None:
            init = owner.__init__  # type: ignore[misc]
            try:
                # Annotations evaluated, as inspect.signature(eval_str=True) would
                # give them (it cannot reach a ready-made __signature__).
                full = inspect.signature(init, eval_str=True)
            except Exception:  # a name only type checkers import: as written
                full = inspect.signature(init)
            kept = [p for p in list(full.parameters.values())[1:] if p.name != "_present"]
            signature = self._of[owner] = full.replace(parameters=kept)
        return signature


def _binding_failed(exc: TypeError) -> bool:
    """Whether ``exc`` came from binding the call's arguments, no ``__init__`` body run.

    Such an error has no frame past ``_ModelType.__call__`` but the
    ``accept_wire_names`` wrapper's (which passes the keywords on).
    """
    traceback = exc.__traceback__
    traceback = None if traceback is None else traceback.tb_next
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_name != "init_with_wire_names" or traceback.tb_frame.f_globals is not globals():
            return False
        traceback = traceback.tb_next
    return True


# Per model class: {keyword: (type, kind)} for the fields whose type holds a model:
# "one" (a model, optionally None), "many" (a list of one model class) or
# "other" (a union or list of unions with a model in it: message content parts,
# a tool choice). Weak, as above.
_NESTED: weakref.WeakKeyDictionary[type, dict[str, tuple[typing.Any, str]]] = (
    weakref.WeakKeyDictionary()
)


def _holds_model(hint: object) -> bool:
    if isinstance(hint, type) and issubclass(hint, Model):
        return True
    return any(_holds_model(arg) for arg in typing.get_args(hint))


def _nested_models(cls: type) -> dict[str, tuple[typing.Any, str]]:
    nested = _NESTED.get(cls)
    if nested is not None:
        return nested
    nested = {}
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a caller's subclass naming what only type checkers import
        hints = {}
    for field in attrs.fields(cls):
        if not field.init or field.alias == "_present":
            continue
        hint = hints.get(field.name)
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if typing.get_origin(hint) not in (typing.Union, types.UnionType):
            options = [hint]
        target, kind = (options[0] if len(options) == 1 else hint), "one"
        if typing.get_origin(target) is list and len(typing.get_args(target)) == 1:
            target, kind = typing.get_args(target)[0], "many"
        if not (isinstance(target, type) and issubclass(target, Model)):
            target, kind = hint, "other"
        if _holds_model(target):
            nested[field.alias] = (target, kind)
    _NESTED[cls] = nested
    return nested


def _has_dict(values: list[typing.Any]) -> bool:
    """Whether a list (or a list within it) holds a dict."""
    return any(
        isinstance(v, builtins.dict) or (isinstance(v, list) and _has_dict(v)) for v in values
    )


def _jsonable(value: object) -> typing.Any:
    if isinstance(value, Model):
        return value.to_dict()
    raise TypeError(type(value).__name__)


def _structure_nested(value: typing.Any, target: typing.Any, *, warn: bool = True) -> typing.Any:
    """A dict given for a model field, as julep 0.3.9's pydantic models made it: the model.

    Read as a response's JSON would be (datetimes, enums and models in it
    included; unknown keys ignored, with an ``UnknownFieldWarning``); a dict
    that does not fit is kept as given, for the request to encode (or refuse)
    as before.
    """
    # Imported here, as _serde imports the models (by name: a static import makes
    # the cycle one that mypy cannot type julep.__all__ through).
    serde = importlib.import_module("julep._serde")
    try:
        model = serde.converter.structure(
            orjson.loads(orjson.dumps(value, default=_jsonable)), target
        )
    except Exception:
        return value
    if not warn:
        return model
    known = serde.wire_names(target)
    unknown = [key for key in value if key not in known]
    if unknown:  # dropped, as pydantic did; said, as for a keyword (_call)
        # stacklevel 3: past this function and _call, the caller of the model class
        _warn_unknown(target.__name__, unknown, known, stacklevel=3)
    return model


def _warn_unknown(
    model: str, unknown: list[str], fields: typing.Iterable[str], *, stacklevel: int
) -> None:
    """The ``UnknownFieldWarning`` for keys or keywords a model has no field for;
    ``stacklevel`` counts from the caller of this function, as for ``warnings.warn``."""
    warnings.warn(
        f"{model} has no field{'s' if len(unknown) > 1 else ''} "
        f"{', '.join(map(repr, unknown))}: ignored, as julep 0.3.9 did "
        f"(its fields: {', '.join(sorted(fields))})",
        UnknownFieldWarning,
        stacklevel=stacklevel + 1,
    )


def _call(cls: _ModelType, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
    """``_ModelType.__call__``: see ``_ModelType``."""
    if kwargs:
        for name, (target, kind) in _nested_models(cls).items():
            value = kwargs.get(name)
            if isinstance(value, builtins.dict):
                if kind != "many":
                    kwargs[name] = _structure_nested(value, target, warn=kind == "one")
            elif isinstance(value, list) and _has_dict(value):
                if kind == "other":
                    kwargs[name] = _structure_nested(value, target, warn=False)
                elif kind == "many":
                    items = []  # a loop, not a comprehension: the warning's stacklevel
                    for item in value:
                        if isinstance(item, builtins.dict):
                            item = _structure_nested(item, target)  # noqa: PLW2901
                        items.append(item)
                    kwargs[name] = items
    try:
        return super(_ModelType, cls).__call__(*args, **kwargs)
    except TypeError as exc:
        if not _binding_failed(exc):
            raise  # raised inside __init__ (its body ran), not by the binding of its keywords
        if sys._getframe(1).f_globals.get("__name__", "").partition(".")[0] == "attr":
            raise  # attrs.evolve(model, misspelt=...): a change that would be lost
        fields = [a.alias for a in attrs.fields(cls) if a.init and a.alias != "_present"]  # type: ignore[arg-type]
        # The wire names accept_wire_names takes ("continue" for continue_) are known too.
        known = {*fields, "_present", *(_export.WIRE_NAMES.get(name) for name in fields)}
        unknown = [name for name in kwargs if name not in known]
        if not unknown:
            raise  # another mistake (a positional argument, a field given twice)
    _warn_unknown(cls.__name__, unknown, fields, stacklevel=2)
    return super(_ModelType, cls).__call__(*args, **{k: v for k, v in kwargs.items() if k in known})


class _ModelType(abc.ABCMeta):
    """The metaclass of the models: a keyword a model has no field for is ignored, with a warning.

    julep 0.3.9's models (pydantic v1) ignored it silently, and code written for
    them passes such keywords (a history message's ``id`` into
    ``InputChatMlMessage(**message.dict())``); attrs' ``__init__`` raises
    TypeError. The first call is the plain one: the check runs only when it fails.
    Decoding builds models without calling the class, so it never comes here.

    An ``ABCMeta``, as pydantic v1's was: a caller's subclass that also derives
    from an ``abc.ABC`` interface needs its metaclass to be one (a plain ``type``
    subclass here made such a class statement a metaclass conflict).
    Only the call's own argument binding counts: a TypeError raised inside an
    ``__init__`` (a subclass's, a validator) is the caller's and passes as it is,
    and ``attrs.evolve`` (whose changes name fields to set) keeps its TypeError.
    """

    if not typing.TYPE_CHECKING:
        # Hidden from type checkers: pyright (and so Pylance) takes a metaclass
        # __call__ returning Any as the type of every call of the class, so
        # InputChatMlMessage(...) was Any, its arguments unchecked.
        __call__ = _call


_Model = typing.TypeVar("_Model", bound="Model")


@attrs.frozen(kw_only=True)
class Model(metaclass=_ModelType):
    """Every attrs model of the API.

    ``_present`` holds the wire keys of the model's fields that the JSON object
    it was decoded from carried, or, on a model built in code with an optional
    field left out, the keys of the fields given (``None`` on other models built
    in code). Encoding a decoded model writes
    those keys, plus any other field the caller set to a value, so an object
    read from the API and sent back says what it received: absent stays absent,
    ``null`` stays ``null`` (pydantic's "fields set").

    It is an ``__init__`` argument only so that ``attrs.evolve`` carries it to
    the copy; nobody needs to pass it. It takes no part in equality or repr.
    (One case it cannot see: a field absent on decode, or left out when built,
    and set to ``None`` by ``evolve`` stays out of the JSON, as it reads the
    same as before.)
    """

    _present: tuple[str, ...] | None = attrs.field(
        default=None, eq=False, repr=False, alias="_present"
    )
    __signature__ = _FieldsSignature()

    def __attrs_post_init__(self) -> None:
        # Optional fields left out read as None, and stay off the wire
        # (_unset.py). The first model of each class generates its function
        # and puts it on the class, so later ones call it directly.
        # A subclass with a post-init of its own (a user's, calling super())
        # keeps it: the function is then kept aside for the class instead.
        cls = type(self)
        post_init = cls.__dict__.get(_unset.GENERATED)
        if post_init is None:
            post_init = _unset.post_init_for(cls, Model.__attrs_post_init__)
            setattr(cls, _unset.GENERATED, post_init)
            current = cls.__attrs_post_init__
            if current is Model.__attrs_post_init__ or _unset.is_generated(current):
                cls.__attrs_post_init__ = post_init  # type: ignore[method-assign,assignment]
        post_init(self)

    def __iter__(self) -> typing.Iterator[tuple[str, typing.Any]]:
        """``(name, value)`` for every field, as julep 0.3.9's pydantic v1 models gave.

        So ``dict(model)`` and ``for name, value in model`` work as they did:
        Python names (``continue_``), unset fields included, values as they are.
        """
        for field in attrs.fields(type(self)):
            if field.name not in {"_present", "response_info"}:
                yield field.name, getattr(self, field.name)

    def copy(
        self: _Model,
        *,
        update: typing.Mapping[str, typing.Any] | None = None,
        deep: bool = False,
    ) -> _Model:
        """pydantic v1's ``copy``: ``attrs.evolve`` with ``update``'s fields (deep if ``deep``).

        A field ``update`` changes is sent in a request, as with ``attrs.evolve``.
        """
        model = _copy.deepcopy(self) if deep else _copy.copy(self)
        return attrs.evolve(model, **update) if update else model

    @classmethod
    def parse_obj(cls: type[_Model], obj: typing.Any) -> _Model:
        """pydantic v1's ``parse_obj``: the model read from ``obj`` as from a response's JSON.

        ``obj`` may hold what ``.dict()`` gives (datetimes, enums, models); its
        keys are the fields set. Raises ``ValueError`` (as pydantic's
        ``ValidationError`` was one) when it does not fit.
        """
        serde = importlib.import_module("julep._serde")  # see _structure_nested
        try:
            data = orjson.loads(orjson.dumps(obj, default=_jsonable))
            model: _Model = serde.converter.structure(data, cls)
        except Exception as exc:
            raise ValueError(f"{cls.__name__}: {serde.describe_error(exc)}") from exc
        return model

    @classmethod
    def parse_raw(cls: type[_Model], b: str | bytes, **_: typing.Any) -> _Model:
        """pydantic v1's ``parse_raw``: ``parse_obj`` of JSON text."""
        try:
            obj = orjson.loads(b)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"{cls.__name__}: not JSON: {exc}") from exc
        return cls.parse_obj(obj)

    def dict(
        self,
        *,
        include: _export.Selection | None = None,
        exclude: _export.Selection | None = None,
        by_alias: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        skip_defaults: bool | None = None,
    ) -> builtins.dict[str, typing.Any]:
        """The model as a dict, as julep 0.3.9's ``.dict()`` gave it.

        Wire names (``continue``, ``schema``) and only the fields that are set,
        unless ``by_alias=False`` or ``exclude_unset=False``; datetimes and
        enums stay Python objects. ``include``/``exclude`` take field names
        (or nested selections), as in pydantic v1; ``skip_defaults`` is its old
        name for ``exclude_unset``.
        """
        options = _export.Options(
            json_safe=False,
            by_alias=by_alias,
            exclude_unset=exclude_unset if skip_defaults is None else skip_defaults,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return _export.export_model(self, options, include, exclude)

    def json(
        self,
        *,
        include: _export.Selection | None = None,
        exclude: _export.Selection | None = None,
        by_alias: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        skip_defaults: bool | None = None,
        encoder: typing.Callable[[typing.Any], typing.Any] | None = None,
        models_as_dict: bool = True,
        **dumps_kwargs: typing.Any,
    ) -> str:
        """``.dict()`` as JSON text, as julep 0.3.9's ``.json()`` gave it.

        Extra keyword arguments (``indent``, ``sort_keys``...) go to
        ``json.dumps``; ``models_as_dict`` is accepted for compatibility.
        """
        del models_as_dict  # nested models are always objects in JSON
        data = self.to_dict(
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset if skip_defaults is None else skip_defaults,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return json.dumps(data, default=encoder, **dumps_kwargs)

    def to_dict(
        self,
        *,
        include: _export.Selection | None = None,
        exclude: _export.Selection | None = None,
        by_alias: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> builtins.dict[str, typing.Any]:
        """The model as JSON-safe data: what ``json.dumps`` takes as it is.

        The same fields as ``.dict()``, with datetimes as RFC 3339 strings and
        enums as their values; ``response_info`` is never included.
        """
        options = _export.Options(
            json_safe=True,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return _export.export_model(self, options, include, exclude)

    def to_json(
        self,
        *,
        include: _export.Selection | None = None,
        exclude: _export.Selection | None = None,
        by_alias: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> str:
        """``to_dict()`` as compact JSON text."""
        data = self.to_dict(
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # an integer beyond 64 bits (in metadata, say)
            return _big_dumps(data, None).decode()


@attrs.frozen(kw_only=True)
class ResponseModel(Model):
    """A model decoded from a response body.

    ``response_info`` is filled in by the client after decoding; it is never
    part of the JSON, nor of equality or repr.
    """

    response_info: ResponseInfo | None = attrs.field(default=None, init=False, eq=False, repr=False)


class FreeformObject(dict[str, typing.Any]):
    """A JSON object with arbitrary keys (metadata, JSON schemas, entities).

    julep 0.3.x typed these as empty models and silently dropped their
    contents; here they are plain dicts, so nothing is lost in either
    direction, and ``AgentMetadata(k="v")`` still works as a constructor.
    """

    __slots__ = ()


_M = typing.TypeVar("_M", bound=type)


def accept_wire_names(cls: _M) -> _M:
    """Let ``cls(**kwargs)`` take the wire names of ``continue_`` and ``schema_`` too.

    julep 0.3.9's pydantic models took both (``allow_population_by_field_name``), so
    ``InputChatMlMessage(**{"role": "user", "content": "x", "continue": True})``, a
    message kept as it was sent, still builds one. ``inspect.signature`` shows the
    attrs signature.
    """
    names = {field.name for field in attrs.fields(cls)}
    renames = {wire: name for name, wire in _export.WIRE_NAMES.items() if name in names}
    init = vars(cls)["__init__"]

    @functools.wraps(init)
    def init_with_wire_names(self: typing.Any, *args: typing.Any, **kwargs: typing.Any) -> None:
        for wire, name in renames.items():
            if wire in kwargs:
                if name in kwargs:
                    raise TypeError(
                        f"{cls.__name__}() got {name!r} and its wire name {wire!r}: give one"
                    )
                kwargs[name] = kwargs.pop(wire)
        init(self, *args, **kwargs)

    setattr(cls, "__init__", init_with_wire_names)  # noqa: B010 (mypy: no assigning to a method)
    return cls
