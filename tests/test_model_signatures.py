"""help() and inspect.signature show a model's fields, not its bookkeeping parameter."""

from __future__ import annotations

import gc
import inspect
import weakref
from unittest import mock

import attrs
import pytest

from julep import models
from julep.models import InputChatMlMessage

MODEL_CLASSES = [
    cls
    for name in models.__all__
    if isinstance(cls := getattr(models, name), type) and attrs.has(cls)
]


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_every_models_signature_is_its_fields(cls: type) -> None:
    """The signature lists the fields a caller passes, in order, without _present."""
    parameters = list(inspect.signature(cls).parameters)
    assert parameters == [f.alias for f in attrs.fields(cls) if f.init and f.alias != "_present"]


def test_a_subclass_shows_its_own_fields_and_evolve_still_works() -> None:
    """A caller's subclass shows its added field; attrs.evolve still carries _present."""

    @attrs.frozen(kw_only=True)
    class Tagged(InputChatMlMessage):
        tag: str | None = None

    assert list(inspect.signature(Tagged).parameters)[-1] == "tag"
    message = Tagged(role="user", content="hi")
    assert attrs.evolve(message, tag="t")._present == message._present


def test_autospec_and_help_use_the_fields() -> None:
    """create_autospec checks calls against the fields; help() names no _present in the header."""
    spec = mock.create_autospec(InputChatMlMessage)
    spec(role="user", content="hi")
    with pytest.raises(TypeError):
        spec(_role="user")
    assert "_present" not in str(inspect.signature(InputChatMlMessage))
    assert not hasattr(InputChatMlMessage(role="user", content="hi"), "__signature__")


def test_annotations_are_evaluated_and_classes_are_not_kept() -> None:
    """eval_str=True (and plain) give evaluated annotations, as from __init__ itself; the
    signature cache keeps no caller class alive."""
    name = inspect.signature(InputChatMlMessage, eval_str=True).parameters["name"]
    assert not isinstance(name.annotation, str)
    assert name.annotation == (str | None)

    made = attrs.make_class("Made", {"tag": attrs.field(default=None)}, bases=(InputChatMlMessage,))
    assert "tag" in inspect.signature(made).parameters
    alive = weakref.ref(made)
    del made
    gc.collect()
    assert alive() is None
