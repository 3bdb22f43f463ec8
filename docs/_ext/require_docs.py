"""A Sphinx extension: a public callable documented without a docstring or a signature warns.

With ``-W`` the warning fails the build, so a method that loses its docstring,
or turns into an object autodoc cannot read a signature from, is caught in CI.
"""

from __future__ import annotations

import functools
import types
import typing

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CALLABLES = frozenset({"function", "method", "class", "exception"})
NEEDS_SIGNATURE = frozenset({"function", "method"})
MODELS = "julep.models."
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


def check_docstring(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Warn when a public function, method or class has no docstring of its own.

    Model classes are exempt: they are the API's data shapes, listed with their fields.
    """
    if what == "class" and name.startswith(MODELS):
        return
    if what in CALLABLES and _public(name) and not any(line.strip() for line in lines):
        logger.warning("%s %s has no docstring", what, name, type="julep", subtype="docstring")


def check_signature(
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


def check_attribute(
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    """Warn about a public class member that is a custom descriptor (not a function,
    property or field): autodoc lists it as an attribute, with no signature."""
    if what in ("class", "exception") and _public(name):
        if hasattr(type(obj), "__get__") and not isinstance(obj, PLAIN_DESCRIPTORS):
            logger.warning(
                "%s is a %s, not a function: it is shown with no signature",
                name,
                type(obj).__name__,
                type="julep",
                subtype="signature",
            )
    return None


def setup(app: Sphinx) -> dict[str, typing.Any]:
    app.connect("autodoc-process-docstring", check_docstring)
    app.connect("autodoc-process-signature", check_signature)
    app.connect("autodoc-skip-member", check_attribute)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
