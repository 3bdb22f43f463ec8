"""An agent's memories: search and delete; and the status of background jobs."""

from __future__ import annotations

import asyncio
import sys
import time
import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._pagination import paginate_items
from .._transport import running_loop
from ..errors import APITimeoutError
from ..models import GetAgentMemoriesResponse, JobStatus, Memory
from ..models.enums import JobStatusState

FINISHED_JOB_STATES = frozenset(
    {JobStatusState.SUCCEEDED, JobStatusState.FAILED, JobStatusState.ABORTED}
)
# A poll is sent only with at least twice the last poll's round trip left, and
# never less than this (seconds): one sent with less is cut off before its answer.
_LEAST_POLL_TIME = 0.01


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
        if p.given(user_id):
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

    def iter_agent_memories(
        self, agent_id: str, *, query: str, user_id: str | None = None, page_size: int = 100
    ) -> typing.AsyncIterator[Memory]:
        """Every memory matching ``query``, best first, fetched ``page_size`` at a time."""
        p.path_id("agent_id", agent_id)
        p.check_str("query", query)
        return paginate_items(
            self.get_agent_memories, page_size, agent_id, query=query, user_id=user_id
        )

    async def wait_for_job(
        self,
        job_id: str,
        *,
        timeout: float = 60.0,
        poll_interval: float = 0.1,
        max_interval: float = 2.0,
    ) -> JobStatus:
        """Poll a job until it succeeded, failed or was aborted, and return its last status.

        The wait between polls starts at ``poll_interval`` and doubles up to
        ``max_interval``. After ``timeout`` seconds it raises APITimeoutError.
        Each must be a finite number of seconds: ``timeout`` >= 0 (0 polls once),
        the intervals > 0 with ``poll_interval`` <= ``max_interval``; anything else
        raises ValueError before any request.
        """
        p.path_id("job_id", job_id)
        p.check_seconds("timeout", timeout, allow_zero=True)
        p.check_seconds("poll_interval", poll_interval, allow_zero=False)
        p.check_seconds("max_interval", max_interval, allow_zero=False)
        if poll_interval > max_interval:
            raise ValueError(
                f"poll_interval ({poll_interval!r}) must not be more than max_interval "
                f"({max_interval!r}): the wait starts at poll_interval and grows up to max_interval"
            )
        deadline = time.monotonic() + timeout
        interval = poll_interval
        first = True
        while True:
            sent = time.monotonic()
            if first and timeout == 0:
                status = await self.get_job_status(job_id)  # "0 polls once", however long
            else:
                status = await self._poll_within(job_id, deadline, timeout)
            first = False
            if status.state in FINISHED_JOB_STATES:
                return status
            answered = time.monotonic()
            remaining = deadline - answered
            # The time a poll needs to be answered, by the last one (with room to spare).
            needed = max(2 * (answered - sent), _LEAST_POLL_TIME)
            if remaining <= interval + needed:
                # A poll after this wait would have no time left to be answered
                # in (it was sent, cut off at once, and said the job "gave no
                # status"): the wait ends at the deadline on what the job said.
                await asyncio.sleep(max(remaining, 0.0))
                raise APITimeoutError(
                    f"job {job_id} is still {status.state.value} after {timeout}s",
                    method="GET",
                    url=f"{self.base_url}jobs/{job_id}",
                )
            await asyncio.sleep(interval)
            interval = min(interval * 2, max_interval)

    async def _poll_within(self, job_id: str, deadline: float, timeout: float) -> JobStatus:
        """One status poll, cut off at the wait's deadline: a server that stalls on a
        poll must not stretch ``wait_for_job(timeout=...)`` to the client's own timeout."""
        remaining = max(deadline - time.monotonic(), 0.0)
        try:
            # The poll's coroutine is made once the timeout is armed: made
            # before, it was left never awaited (a RuntimeWarning) whenever
            # arming it failed, as on a closed JulepApi, whose argument checks
            # run with no event loop.
            running_loop()  # asyncio's timeouts need one (not trio's)
            if sys.version_info >= (3, 11):
                async with asyncio.timeout(remaining):
                    return await self.get_job_status(job_id)
            return await asyncio.wait_for(self.get_job_status(job_id), remaining)
        except asyncio.TimeoutError as exc:
            url = f"{self.base_url}jobs/{job_id}"
            raise APITimeoutError(
                f"GET {url}: job {job_id} gave no status within wait_for_job's {timeout}s",
                method="GET",
                url=url,
            ) from exc
