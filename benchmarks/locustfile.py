"""A chat-heavy Locust scenario for a Julep deployment, through the SDK (``julep.locust``).

Each simulated user is a person with a session of their own: mostly chat turns
(whole or streamed, recalling the agent's docs, sometimes forming memories),
now and then reading the history, and sometimes adding a doc and reading
memories. The agent is made once per worker process and shared.

One machine::

    python -m julep serve --port 8080
    locust -f benchmarks/locustfile.py --host http://127.0.0.1:8080/api \\
        --headless --users 50 --spawn-rate 10 --run-time 1m --csv out

Several machines: ``--master`` on one (add ``--expect-workers N`` when
headless), ``--worker --master-host <master address>`` on each of the others.
The key is ``$JULEP_API_KEY`` (any key for ``julep serve`` without
``--api-key``). ``JULEP_LOCUST_WAIT=0.5:2`` sets the think time between tasks,
in seconds (default 1 to 3).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random

import gevent.lock
from locust import between, events, task

from julep import JulepApi, JulepError, RetryPolicy
from julep.locust import JulepUser

_AGENT_DOC = (
    "Lisbon trams: line 28 climbs from Martim Moniz to Prazeres past the cathedral; "
    "line 15 runs along the river to Belem."
)
_QUESTIONS = (
    "Which tram goes past the cathedral?",
    "How do I get to Belem from the centre?",
    "What should I see near Prazeres?",
    "Is the tram busy in the morning?",
)


def _think_time() -> tuple[float, float]:
    low, _, high = os.environ.get("JULEP_LOCUST_WAIT", "1:3").partition(":")
    return float(low), float(high or low)


class _SharedAgent:
    """One agent per worker process, made by the first user that needs it and
    deleted when the test stops (each run would otherwise leave one behind)."""

    def __init__(self) -> None:
        self._lock = gevent.lock.Semaphore()
        self.agent_id: str | None = None
        self._client: JulepApi | None = None

    def get(self, client: JulepApi) -> str:
        with self._lock:
            if self.agent_id is None:
                agent = client.create_agent(
                    name="Tram guide",
                    about="Answers questions about Lisbon's trams.",
                    instructions=["Be brief."],
                    docs=[{"title": "Trams", "content": _AGENT_DOC}],
                )
                self.agent_id, self._client = agent.id, client
            return self.agent_id

    def delete(self) -> None:
        with self._lock:
            agent_id, client = self.agent_id, self._client
            self.agent_id = self._client = None  # a next run (web UI) makes its own
        if agent_id is not None and client is not None:
            with contextlib.suppress(JulepError):  # a failure left is in the stats already
                client.delete_agent(agent_id)


# Setting up and cleaning up are not what is measured: retried quickly, so a
# flaky server neither leaves a user without a session nor holds up the stop.
_SETUP_RETRIES = RetryPolicy(max_retries=5, initial_delay=0.05, max_delay=0.5)

_AGENT = _SharedAgent()
_USER_NUMBERS = itertools.count(1)


@events.test_stop.add_listener
def _delete_the_agent(**_kwargs: object) -> None:
    # After every user's on_stop: their sessions, which use it, are gone.
    _AGENT.delete()


class Traveller(JulepUser):
    """A person chatting with the tram guide in a session of their own."""

    wait_time = between(*_think_time())

    def on_start(self) -> None:
        setup = self.client.with_options(max_retries=_SETUP_RETRIES)
        self.agent_id = _AGENT.get(setup)
        number = next(_USER_NUMBERS)
        self.user_id = setup.create_user(name=f"traveller {number}").id
        self.session_id = setup.create_session(
            agent_id=self.agent_id, user_id=self.user_id, situation="Planning a day out."
        ).id
        self.turns = 0

    def _message(self) -> list[dict[str, str]]:
        return [{"role": "user", "content": random.choice(_QUESTIONS)}]

    @task(8)
    def chat(self) -> None:
        self.turns += 1
        # Memories are formed every third turn: a background job on the server.
        self.client.chat(
            self.session_id, messages=self._message(), recall=True, remember=self.turns % 3 == 0
        )

    @task(4)
    def chat_streamed(self) -> None:
        self.turns += 1
        stream = self.client.chat_stream(
            self.session_id, messages=self._message(), recall=True, remember=False
        )
        stream.until_done()

    @task(3)
    def read_history(self) -> None:
        self.client.get_history(self.session_id, limit=20)

    @task(1)
    def add_doc_and_read_memories(self) -> None:
        self.client.create_user_doc(
            self.user_id,
            request={"title": "Plans", "content": f"Wants to ride line 28 (turn {self.turns})."},
        )
        self.client.get_agent_memories(self.agent_id, query="tram", user_id=self.user_id)

    def on_stop(self) -> None:
        # Deleting the session and the user removes their history, docs and
        # memories. A failure left is in the stats already.
        if not hasattr(self, "session_id"):
            return  # on_start failed: nothing was made, or the server has it
        cleanup = self.client.with_options(max_retries=_SETUP_RETRIES)
        with contextlib.suppress(JulepError):
            cleanup.delete_session(self.session_id)
            cleanup.delete_user(self.user_id)
