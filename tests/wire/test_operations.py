"""Every operation, on both surfaces, sends exactly the documented request and decodes the reply."""

from __future__ import annotations

import datetime as dt
import enum
import typing

import attrs
import pytest
from aioresponses import aioresponses

import julep
from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY
from .cases import CASES, NO_BODY, Case
from .mock import BASE_URL, respond, sent

SEED_OPERATIONS = {
    "chat", "create_agent", "create_agent_doc", "create_agent_tool", "create_session",
    "create_user", "create_user_doc", "delete_agent", "delete_agent_doc", "delete_agent_memory",
    "delete_agent_tool", "delete_session", "delete_session_history", "delete_user",
    "delete_user_doc", "get_agent", "get_agent_docs", "get_agent_memories", "get_agent_tools",
    "get_history", "get_job_status", "get_session", "get_suggestions", "get_user",
    "get_user_docs", "list_agents", "list_sessions", "list_users", "patch_agent",
    "patch_agent_tool", "patch_session", "patch_user", "update_agent", "update_agent_tool",
    "update_session", "update_user",
}  # fmt: skip


def test_every_operation_has_a_wire_case() -> None:
    """The cases cover all 36 operations of the seed."""
    assert len(SEED_OPERATIONS) == 36
    assert {case.operation for case in CASES} == SEED_OPERATIONS


async def _call_async(case: Case) -> typing.Any:
    async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
        return await getattr(client, case.operation)(**case.kwargs)


def _call_sync(case: Case) -> typing.Any:
    with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
        return getattr(client, case.operation)(**case.kwargs)


def _assert_request(case: Case, mock: aioresponses) -> None:
    (request,) = sent(mock)
    assert request.method == case.method
    assert request.path == case.path
    assert request.query == case.query
    headers = request.headers
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert headers["User-Agent"].startswith(f"julep-python/{julep.__version__} ")
    assert headers["Accept"] == "application/json"
    if case.method == "GET":
        assert "Idempotency-Key" not in headers
    else:
        assert len(headers["Idempotency-Key"]) == 32
    if case.body is NO_BODY:
        assert request.body is None
        assert "Content-Type" not in headers
    else:
        assert headers["Content-Type"] == "application/json"
        # Equality of parsed JSON: a missing key differs from a key set to null.
        assert request.json() == case.body


def _assert_decoded(value: typing.Any, expected: typing.Any, where: str) -> None:
    """``value`` (decoded) carries every field of ``expected`` (JSON) unchanged."""
    if isinstance(expected, dict) and attrs.has(type(value)):
        hints = typing.get_type_hints(type(value))
        for key, item in expected.items():
            attribute = {"continue": "continue_", "schema": "schema_"}.get(key, key)
            field_value = getattr(value, attribute)
            hint = hints[attribute]
            if isinstance(hint, type) and issubclass(hint, enum.Enum):
                assert isinstance(field_value, hint), f"{where}.{key} is not a {hint.__name__}"
            _assert_decoded(field_value, item, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(value, list), where
        assert len(value) == len(expected), where
        for index, (got, want) in enumerate(zip(value, expected, strict=True)):
            _assert_decoded(got, want, f"{where}[{index}]")
    elif isinstance(value, dt.datetime):
        assert value.tzinfo is not None, where
        assert value == dt.datetime.fromisoformat(expected.replace("Z", "+00:00")), where
    elif isinstance(value, enum.Enum):
        assert value.value == expected, where
    else:
        assert value == expected, where
        assert type(value) is type(expected) or isinstance(value, float), where


def _assert_result(case: Case, result: typing.Any) -> None:
    if case.returns is None:
        assert result is None
        return
    assert type(result) is case.returns
    _assert_decoded(result, case.response, case.returns.__name__)
    assert result.response_info is not None
    assert result.response_info.status_code == case.status
    assert result.response_info.retries_taken == 0


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
@pytest.mark.anyio
async def test_async_wire(case: Case) -> None:
    """AsyncJulepApi sends the exact request and decodes the exact response."""
    with aioresponses() as mock:
        respond(mock, case.method, status=case.status, payload=case.response)
        result = await _call_async(case)
        _assert_request(case, mock)
    _assert_result(case, result)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_sync_wire(case: Case) -> None:
    """JulepApi sends the same request and returns the same decoded value."""
    with aioresponses() as mock:
        respond(mock, case.method, status=case.status, payload=case.response)
        result = _call_sync(case)
        _assert_request(case, mock)
    _assert_result(case, result)
