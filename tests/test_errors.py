"""Non-2xx statuses, bad bodies and network failures become typed julep errors."""

from __future__ import annotations

import asyncio
import typing

import aiohttp
import pytest
from aioresponses import aioresponses

import julep
from julep import errors
from julep.api.core.api_error import ApiError
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, respond, sent
from .wire.samples import AGENT_ID

STATUS_CLASSES = [
    (400, errors.BadRequestError),
    (401, errors.AuthenticationError),
    (403, errors.PermissionDeniedError),
    (404, errors.NotFoundError),
    (409, errors.ConflictError),
    (422, errors.UnprocessableEntityError),
    (429, errors.RateLimitError),
    (500, errors.InternalServerError),
    (503, errors.InternalServerError),
    (418, errors.APIStatusError),
]


def _client(**options: typing.Any) -> AsyncJulepApi:
    return AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0, **options)


@pytest.mark.parametrize(("status", "error_class"), STATUS_CLASSES)
@pytest.mark.anyio
async def test_status_maps_to_error_class(status: int, error_class: type) -> None:
    """Each status raises its own class, carrying status, parsed body, request id, method, URL."""
    with aioresponses() as mock:
        respond(
            mock,
            "GET",
            status=status,
            payload={"detail": "Agent not found"},
            headers={"x-request-id": "req-42"},
        )
        async with _client() as client:
            with pytest.raises(error_class) as caught:
                await client.get_agent(AGENT_ID)
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, errors.APIStatusError)
    assert isinstance(error, ApiError)
    assert isinstance(error, julep.JulepError)
    assert error.status_code == status
    assert error.body == {"detail": "Agent not found"}
    assert error.request_id == "req-42"
    assert error.method == "GET"
    assert error.url == f"{BASE_URL}/agents/{AGENT_ID}"
    assert str(error).startswith(f"status_code: {status}, body: {{'detail': 'Agent not found'}}")


@pytest.mark.anyio
async def test_text_error_body_is_kept_as_text() -> None:
    """A non-JSON error body is kept as text; an empty one as ''."""
    with aioresponses() as mock:
        respond(mock, "DELETE", status=502, body="Bad Gateway")
        respond(mock, "DELETE", status=500, body="")
        async with _client() as client:
            with pytest.raises(errors.InternalServerError) as first:
                await client.delete_agent(AGENT_ID)
            with pytest.raises(errors.InternalServerError) as second:
                await client.delete_agent(AGENT_ID)
    assert first.value.body == "Bad Gateway"
    assert second.value.body == ""


@pytest.mark.anyio
async def test_non_json_success_is_a_validation_error_with_the_raw_body() -> None:
    """A 2xx that is not JSON raises ResponseValidationError, never a bare JSON error."""
    with aioresponses() as mock:
        respond(mock, "GET", status=200, body=b"data: {}\n\n", headers={"x-request-id": "r1"})
        async with _client() as client:
            with pytest.raises(errors.ResponseValidationError) as caught:
                await client.get_agent(AGENT_ID)
    assert caught.value.body == b"data: {}\n\n"
    assert caught.value.status_code == 200
    assert caught.value.request_id == "r1"
    assert "not JSON" in str(caught.value)


@pytest.mark.anyio
async def test_wrong_shape_is_a_validation_error_naming_the_field() -> None:
    """A 2xx of the wrong shape names what is wrong, keeps the raw body, and hides cattrs."""
    with aioresponses() as mock:
        respond(mock, "GET", payload={"id": AGENT_ID, "name": 5, "model": "m"})
        respond(mock, "GET", payload=[{"id": AGENT_ID}])
        async with _client() as client:
            with pytest.raises(errors.ResponseValidationError) as wrong_field:
                await client.get_agent(AGENT_ID)
            with pytest.raises(errors.ResponseValidationError) as bare_list:
                await client.list_agents()
    assert "$.name" in str(wrong_field.value)
    assert b'"name": 5' in wrong_field.value.body
    assert "ListAgentsResponse" in str(bare_list.value)


@pytest.mark.anyio
async def test_connection_error_is_wrapped_with_its_cause() -> None:
    """A refused connection raises APIConnectionError; the aiohttp error is the __cause__."""
    with aioresponses() as mock:
        mock.get(
            BASE_URL + f"/agents/{AGENT_ID}",
            exception=aiohttp.ClientConnectionError("connection refused"),
        )
        async with _client() as client:
            with pytest.raises(errors.APIConnectionError) as caught:
                await client.get_agent(AGENT_ID)
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectionError)
    assert caught.value.method == "GET"


@pytest.mark.anyio
async def test_timeout_is_wrapped() -> None:
    """An asyncio timeout inside aiohttp raises APITimeoutError, never asyncio.TimeoutError."""
    with aioresponses() as mock:
        mock.get(BASE_URL + f"/agents/{AGENT_ID}", exception=asyncio.TimeoutError())
        async with _client() as client:
            with pytest.raises(errors.APITimeoutError) as caught:
                await client.get_agent(AGENT_ID)
    assert isinstance(caught.value.__cause__, asyncio.TimeoutError)


def test_sync_surface_raises_the_same_errors() -> None:
    """JulepApi raises the same typed errors as the async client."""
    with aioresponses() as mock:
        respond(mock, "GET", status=404, payload={"detail": "Agent not found"})
        with (
            JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client,
            pytest.raises(errors.NotFoundError) as caught,
        ):
            client.get_agent(AGENT_ID)
        assert len(sent(mock)) == 1
    assert caught.value.body == {"detail": "Agent not found"}


def test_api_key_never_in_errors_or_reprs() -> None:
    """The key does not appear in an error's str/repr nor in the client's repr."""
    with aioresponses() as mock:
        respond(mock, "GET", status=403, payload={"detail": "Could not validate API KEY"})
        with JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(errors.PermissionDeniedError) as caught:
                client.get_agent(AGENT_ID)
            texts = [str(caught.value), repr(caught.value), repr(client), str(client)]
    assert all(API_KEY not in text for text in texts)


def test_every_error_class_is_in_the_modules_all() -> None:
    """``julep.errors.__all__`` names every exception class the module defines: Sphinx's
    automodule (docs/errors.rst) and ``from julep.errors import *`` go by it, and
    StreamConnectionError was missing from both."""
    import inspect

    import julep.errors

    defined = {
        name
        for name, value in vars(julep.errors).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == "julep.errors"
    }
    assert defined - set(julep.errors.__all__) == set()
    assert set(julep.errors.__all__) <= set(julep.__all__) | {"status_error_class"}
