"""An agent's memories: search and delete; and the status of background jobs."""

from __future__ import annotations

from .. import _params as p
from .._base_client import BaseAsyncClient
from ..models import GetAgentMemoriesResponse, JobStatus


class MemoryOperations(BaseAsyncClient):
    async def get_agent_memories(
        self,
        agent_id: str,
        *,
        query: str,
        user_id: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> GetAgentMemoriesResponse:
        """Search an agent's memories, best match for ``query`` first."""
        path = f"agents/{p.path_id('agent_id', agent_id)}/memories"
        p.check_str("query", query)
        if user_id is not None:
            p.path_id("user_id", user_id)
        search = p.page_query(limit, offset, query=query, user_id=user_id)
        return await self._request("GET", path, GetAgentMemoriesResponse, query=search)

    async def delete_agent_memory(self, agent_id: str, memory_id: str) -> None:
        """Forget one memory."""
        path = (
            f"agents/{p.path_id('agent_id', agent_id)}/memories/{p.path_id('memory_id', memory_id)}"
        )
        await self._request("DELETE", path, None)

    async def get_job_status(self, job_id: str) -> JobStatus:
        """The state of a background job (e.g. memory forming after a chat)."""
        return await self._request("GET", f"jobs/{p.path_id('job_id', job_id)}", JobStatus)
