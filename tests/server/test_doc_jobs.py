"""Creating docs answers with an embedding job id, as the 0.3 API did; the job has succeeded."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from julep.server import LocalServer

from .helpers import Api

pytestmark = pytest.mark.anyio

_DOC = {"title": "t", "content": "c"}


async def _job_succeeded(api: Api, created: dict[str, object]) -> None:
    jobs = created["jobs"]
    assert isinstance(jobs, list) and len(jobs) == 1
    job = await api.get(f"/jobs/{jobs[0]}")
    assert job.status == 200
    assert job.body["state"] == "succeeded"


@pytest.mark.parametrize("owner", ["agents", "users"])
async def test_a_created_doc_names_its_embedding_job(api: Api, owner: str) -> None:
    """create_agent_doc / create_user_doc answer jobs=[id] and get_job_status knows the id."""
    parent = await api.post(f"/{owner}", json={"name": "n"})
    created = await api.post(f"/{owner}/{parent.body['id']}/docs", json=_DOC)
    assert created.status == 201
    await _job_succeeded(api, created.body)


@settings(max_examples=10, deadline=None)
@given(owner=st.sampled_from(["agents", "users"]), docs=st.integers(min_value=0, max_value=3))
def test_an_owner_created_with_docs_names_one_job(owner: str, docs: int) -> None:
    """An agent or user created with docs answers one job for them all; without docs, none."""

    async def check() -> None:
        async with LocalServer() as server, aiohttp.ClientSession() as session:
            api = Api(session, server.base_url)
            created = await api.post(f"/{owner}", json={"name": "n", "docs": [_DOC] * docs})
            assert created.status == 201
            if docs:
                await _job_succeeded(api, created.body)
            else:
                assert created.body["jobs"] == []

    asyncio.run(check())
