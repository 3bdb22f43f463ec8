"""A model given a keyword it has no field for ignores it with a warning, as 0.3.9 ignored it.

julep 0.3.9's models (pydantic v1) dropped unknown keywords silently, so code
written for it passes them (a history message's ``id`` and ``created_at`` into
``InputChatMlMessage(**message.dict())``). Such code runs here; the
``UnknownFieldWarning`` shows a misspelt field that would otherwise be lost.
"""

from __future__ import annotations

import json
import keyword
import os
import subprocess
import typing
import warnings

import attrs
import hypothesis
import pytest
from hypothesis import strategies as st

import julep
from julep import models
from julep._serde import converter
from julep.models._base import Model

# Values for required fields, by name, where "x" would not do.
_REQUIRED_VALUES: dict[str, object] = {
    "role": "user",
    "content": "x",
    "type": "function",
    "function": {"name": "f", "parameters": {}},
    "parameters": {},
    "created_at": "2024-05-01T12:00:00Z",
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}


def _buildable() -> list[tuple[type, dict[str, object]]]:
    """Every model class with keyword arguments that build it."""
    found = []
    for name in models.__all__:
        cls = getattr(models, name)
        if not (isinstance(cls, type) and attrs.has(cls) and issubclass(cls, Model)):
            continue
        required = {
            f.alias: _REQUIRED_VALUES.get(f.alias, "x")
            for f in attrs.fields(cls)
            if f.init and f.default is attrs.NOTHING
        }
        try:
            cls(**required)
        except Exception:  # a field that needs a richer value: not in the sample
            continue
        found.append((cls, required))
    return found


BUILDABLE = _buildable()


def test_the_sample_covers_most_models() -> None:
    assert len(BUILDABLE) >= 30, [cls.__name__ for cls, _ in BUILDABLE]


def _field_names(cls: type) -> set[str]:
    return {f.alias for f in attrs.fields(cls)} | {"continue", "schema"}


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(
    index=st.integers(0, len(BUILDABLE) - 1),
    extra=st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
            lambda n: not keyword.iskeyword(n)
        ),
        st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers())),
        min_size=1,
        max_size=3,
    ),
)
def test_unknown_keywords_are_ignored_with_a_warning_naming_them(
    index: int, extra: dict[str, object]
) -> None:
    cls, required = BUILDABLE[index]
    unknown = {k: v for k, v in extra.items() if k not in _field_names(cls)}
    hypothesis.assume(unknown)
    with pytest.warns(julep.UnknownFieldWarning) as caught:
        built = cls(**required, **unknown)
    assert built == cls(**required)
    (warning,) = caught.list
    message = str(warning.message)
    assert message.startswith(f"{cls.__name__} has no field")
    assert all(repr(name) in message for name in unknown)
    assert warning.filename == __file__  # the caller's line, not the SDK's


def test_a_history_message_builds_an_input_message() -> None:
    """The 0.3.9 habit the warning exists for: a message read back, sent again."""
    history = converter.structure(
        {
            "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "role": "assistant",
            "content": "Tram 28.",
            "created_at": "2024-05-01T12:00:00Z",
        },
        julep.ChatMlMessage,
    )
    with pytest.warns(julep.UnknownFieldWarning, match="'id', 'created_at'"):
        message = julep.InputChatMlMessage(**history.dict())
    assert message == julep.InputChatMlMessage(role="assistant", content="Tram 28.")


def test_other_mistakes_still_raise_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="positional"):
            julep.InputChatMlMessage("user", content="x")  # type: ignore[misc]
        with pytest.raises(TypeError, match="role"):
            julep.InputChatMlMessage(content="x")  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="give one"):
            julep.InputChatMlMessage(role="user", content="x", continue_=True, **{"continue": True})


def test_an_unknown_keyword_next_to_another_mistake_warns_then_raises() -> None:
    with pytest.warns(julep.UnknownFieldWarning), pytest.raises(TypeError, match="role"):
        julep.InputChatMlMessage(content="x", contnet="y")  # type: ignore[call-arg]


def test_the_warning_can_be_made_an_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", julep.UnknownFieldWarning)
        with pytest.raises(julep.UnknownFieldWarning, match="'contnet'"):
            julep.InputChatMlMessage(role="user", content="x", contnet="y")  # type: ignore[call-arg]


def test_decoding_never_warns() -> None:
    """Responses carry fields the models lack; decoding is not a constructor call."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        agent = converter.structure(
            {
                "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "name": "a",
                "model": "m",
                "created_at": "2024-05-01T12:00:00Z",
                "a_field_of_a_newer_server": 1,
            },
            julep.Agent,
        )
    assert agent.name == "a"


_CASES_039 = [
    ("AgentDefaultSettings", {"temperature": 0.5, "max_tokens": 100}),
    ("InputChatMlMessage", {"role": "user", "content": "hi", "id": "m1"}),
    ("CreateDoc", {"title": "t", "content": "c", "id": "d1"}),
    ("FunctionDef", {"name": "f", "parameters": {}, "type": "function"}),
]


@pytest.mark.compat039
def test_the_models_keep_what_julep_039_kept(tmp_path: typing.Any) -> None:
    """Differential: the same keywords give the same .to_dict() as 0.3.9's .dict()."""
    python = os.environ.get("JULEP039_PYTHON")
    if not python:
        pytest.skip("set JULEP039_PYTHON to the python of a julep 0.3.9 virtualenv (CI does)")
    driver = (
        "import json, sys, julep.api as api\n"
        "cases = json.load(sys.stdin)\n"
        "print(json.dumps([json.loads(getattr(api, n)(**kw).json()) for n, kw in cases]))\n"
    )
    result = subprocess.run(
        [python, "-c", driver],
        input=json.dumps(_CASES_039),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": os.environ.get("PATH", "")},
        cwd=tmp_path,  # not the checkout, whose julep/ would shadow 0.3.9's
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", julep.UnknownFieldWarning)
        ours = [getattr(julep, name)(**kw).to_dict() for name, kw in _CASES_039]
    assert ours == json.loads(result.stdout)


def test_a_subclass_can_mix_in_an_abc_interface() -> None:
    """0.3.9's models had an ABCMeta metaclass (pydantic v1's), as had main's plain ones."""
    import abc

    class Renderable(abc.ABC):
        @abc.abstractmethod
        def render(self) -> str: ...

    class Message(julep.InputChatMlMessage, Renderable):
        def render(self) -> str:
            return str(self.content)

    class Unfinished(julep.InputChatMlMessage, Renderable):
        pass

    assert Message(role="user", content="hi").render() == "hi"
    with pytest.raises(TypeError, match="abstract"):
        Unfinished(role="user", content="hi")  # type: ignore[abstract]
    decoded = converter.structure({"role": "user", "content": "hi"}, Message)
    assert type(decoded) is Message and decoded.render() == "hi"


def test_attrs_evolve_with_a_misspelt_field_still_raises() -> None:
    """evolve's changes name fields to set: dropping one would send the old value."""
    settings = julep.AgentDefaultSettings(temperature=0.5, top_p=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="topp"):
            attrs.evolve(settings, topp=0.9)
        assert attrs.evolve(settings, top_p=0.9).top_p == 0.9


def test_a_type_error_from_a_subclass_init_is_its_own() -> None:
    """Raised inside an __init__ (its body ran): passed on as it is, not retried."""
    runs: list[object] = []

    class Noted(julep.InputChatMlMessage):
        def __init__(self, *, note: object, **fields: typing.Any) -> None:
            runs.append(note)
            if not isinstance(note, str):
                raise TypeError("note must be a str")
            super().__init__(**fields)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="note must be a str"):
            Noted(note=3, role="user", content="x")
    assert runs == [3]
