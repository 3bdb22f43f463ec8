"""Property-based tests of the running server against its own OpenAPI document.

Select them with ``pytest -m schemathesis``; each operation gets a handful of
generated requests, so the whole run stays well under a minute. The schema is
built in-process (the same document ``GET /api/openapi.json`` serves), because
schemathesis's lazy fixture loader does not work with pytest 9.
"""

from __future__ import annotations

import typing

import hypothesis
import orjson
import pytest
import schemathesis

from julep.server import LocalServer
from julep.server.app import API_PREFIX
from julep.server.openapi import document
from julep.server.routes import OPERATIONS

MAX_EXAMPLES = 12

# The served document leaves optional fields non-nullable, as the spec does;
# the server also accepts null for them (julep 0.3.9 sends nulls), so the
# document of what it accepts is the one to test what it refuses against.
schema = schemathesis.openapi.from_dict(
    orjson.loads(document(OPERATIONS, server_url=API_PREFIX, secured=False, accepted_nulls=True))
)


@pytest.fixture(scope="module")
def server() -> typing.Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.mark.schemathesis
@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True)
def test_the_server_keeps_its_own_contract(case: typing.Any, server: LocalServer) -> None:
    """No 5xx, and every status, header and body matches the OpenAPI document."""
    case.call_and_validate(base_url=server.base_url)
