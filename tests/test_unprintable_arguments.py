"""An argument whose repr fails (an int past sys.get_int_max_str_digits(), an object
whose __repr__ raises) still gets the argument's own error, on both clients."""

from __future__ import annotations

import asyncio
import typing

import hypothesis
import hypothesis.strategies as st
import pytest

import julep
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY

NOWHERE = "http://127.0.0.1:9/api"
MESSAGES = [{"role": "user", "content": "x"}]


class _NoRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr here")


# (method, positional args, keyword args: BAD stands for the value, the error, its start)
BAD = object()
CALLS: list[tuple[str, tuple[typing.Any, ...], dict[str, typing.Any], type[Exception], str]] = [
    ("get_agent", (BAD,), {}, TypeError, "agent_id must be a str"),
    ("create_agent", (), {"name": BAD}, TypeError, "name must be a str"),
    ("create_agent", (), {"name": "n", "metadata": BAD}, TypeError, "metadata must be a dict"),
    ("chat", ("s",), {"messages": MESSAGES, "stream": BAD}, TypeError, "stream must be a bool"),
    ("chat", ("s",), {"messages": MESSAGES, "stop": BAD}, TypeError, "stop must be a str"),
    ("list_agents", (), {"metadata_filter": BAD}, TypeError, "metadata_filter must be a JSON"),
    ("list_agents", (), {"sort_by": BAD}, ValueError, "sort_by: expected one of"),
    ("create_agent_doc", ("a",), {"request": BAD}, TypeError, "request must be a CreateDoc"),
]


def _outcomes(
    method: str, args: tuple[typing.Any, ...], kwargs: dict[str, typing.Any]
) -> list[BaseException]:
    errors: list[BaseException] = []
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(Exception) as caught:
            getattr(client, method)(*args, **kwargs)
        errors.append(caught.value)

    async def main() -> None:
        async with AsyncJulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
            with pytest.raises(Exception) as caught:
                await getattr(client, method)(*args, **kwargs)
            errors.append(caught.value)

    asyncio.run(main())
    return errors


def _put(
    value: object, args: tuple[typing.Any, ...], kwargs: dict[str, typing.Any]
) -> tuple[tuple[typing.Any, ...], dict[str, typing.Any]]:
    return (
        tuple(value if a is BAD else a for a in args),
        {k: value if v is BAD else v for k, v in kwargs.items()},
    )


@hypothesis.settings(max_examples=20, deadline=None)
@hypothesis.given(
    call=st.sampled_from(CALLS),
    value=st.one_of(
        st.integers(min_value=4400, max_value=6000).map(lambda digits: 10**digits),
        st.integers(min_value=4400, max_value=6000).map(lambda digits: -(10**digits)),
        st.just(_NoRepr()),
    ),
)
def test_an_unprintable_argument_is_named(
    call: tuple[str, tuple[typing.Any, ...], dict[str, typing.Any], type[Exception], str],
    value: object,
) -> None:
    """The argument's own TypeError/ValueError, where "Exceeds the limit (4300 digits)
    for integer string conversion" or the __repr__'s error escaped, naming nothing."""
    method, args, kwargs, error, start = call
    # Enum lookup itself calls repr() on a miss: only the huge int is asked there.
    hypothesis.assume(not (isinstance(value, _NoRepr) and start.startswith("sort_by")))
    args, kwargs = _put(value, args, kwargs)
    for caught in _outcomes(method, args, kwargs):
        assert isinstance(caught, error), repr(caught)
        assert str(caught).startswith(start), str(caught)


@pytest.mark.parametrize("digits", [4400, 10_000])
def test_a_huge_int_out_of_range_is_named(digits: int) -> None:
    """Range checks name the argument for an int too long to print."""
    big = 10**digits
    for method, kwargs, error, start in [
        ("list_agents", {"limit": -big}, ValueError, "limit must be >= 1, got a negative int of"),
        ("wait_for_job", {"timeout": big}, ValueError, "timeout must be a finite number"),
        ("iter_agents", {"page_size": big}, ValueError, "page_size must be between 1 and"),
    ]:
        args: tuple[typing.Any, ...] = ("j",) if method == "wait_for_job" else ()
        with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
            with pytest.raises(error) as caught:
                result = getattr(client, method)(*args, **kwargs)
                list(result)
        assert str(caught.value).startswith(start), str(caught.value)
    with pytest.raises(julep.ConfigurationError, match=r"^Timeout\.total must be"):
        julep.Timeout(total=big)
