"""A Sphinx extension: a public callable documented without a docstring or a signature warns.

With ``-W`` the warning fails the build, so a method that loses its docstring,
or turns into an object autodoc cannot read a signature from, is caught in CI.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CALLABLES = frozenset({"function", "method", "class", "exception"})
NEEDS_SIGNATURE = frozenset({"function", "method"})
MODELS = "julep.models"
# Members autodoc documents with their signature or as a field: anything else with a
# __get__ (such as the sync client's old `blocking(...)` objects) would show no signature.
PLAIN_DESCRIPTORS = (
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.MemberDescriptorType,
    types.GetSetDescriptorType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    property,
    classmethod,
    staticmethod,
    functools.cached_property,
)


def _public(name: str) -> bool:
    return not name.rsplit(".", 1)[-1].startswith("_")


def check_docstring(  # noqa: PLR0917 - Sphinx passes the event's arguments by position
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Warn when a public function, method or class has no docstring of its own.

    Model classes are exempt: they are the API's data shapes, listed with their fields.
    """
    if what == "class" and name.startswith(MODELS):
        return
    if what in CALLABLES and _public(name) and not any(line.strip() for line in lines):
        logger.warning("%s %s has no docstring", what, name, type="julep", subtype="docstring")


def check_signature(  # noqa: PLR0917 - Sphinx passes the event's arguments by position
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> None:
    """Warn when a public function or method shows no signature."""
    if what in NEEDS_SIGNATURE and _public(name) and not signature:
        logger.warning("%s %s has no signature", what, name, type="julep", subtype="signature")


def check_member(  # noqa: PLR0917 - Sphinx passes the event's arguments by position
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    """Warn about a public member that would vanish or show no signature.

    autodoc silently leaves out a member without a docstring, so the check is
    made here, before that; and it lists a custom descriptor (not a function,
    property or field) as an attribute, with no signature.
    """
    if what not in ("module", "class", "exception") or not _public(name):
        return None
    if hasattr(type(obj), "__get__") and not isinstance(obj, PLAIN_DESCRIPTORS):
        logger.warning(
            "%s is a %s, not a function: it is shown with no signature",
            name,
            type(obj).__name__,
            type="julep",
            subtype="signature",
        )
    elif _needs_docstring(obj) and not (inspect.getdoc(obj) or "").strip():
        logger.warning("%s has no docstring", name, type="julep", subtype="docstring")
    return None


def _needs_docstring(obj: object) -> bool:
    if isinstance(obj, type):
        return not obj.__module__.startswith(MODELS)
    return inspect.isroutine(obj)


def setup(app: Sphinx) -> dict[str, typing.Any]:
    app.connect("autodoc-process-docstring", check_docstring)
    app.connect("autodoc-process-signature", check_signature)
    app.connect("autodoc-skip-member", check_member)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
