"""Run in a child process (Locust monkey-patches the process that imports it).

``python drive_client.py every-operation URL``: call every method of
``JulepLocustClient`` once; ``python drive_client.py concurrent URL N``: N users
each make one call at once; ``python drive_client.py kill URL``: a user killed
mid-call, then another call; ``python drive_client.py typo URL``: calls that do not
fit their method's signature, then one that does;
``python drive_client.py set-up-retry URL class|mixin``: a user whose on_start (its
own, or a base class's) fails twice; ``python drive_client.py stop-unset URL``: a user
whose every on_start fails, stopped, then one stopped once set up.
Prints the fired request events as JSON lines.
"""

from __future__ import annotations

import json
import sys
import time
import typing

import gevent
import locust
import locust.env

import julep
from julep import CreateDoc, CreateToolRequest, FunctionDef, PartialFunctionDef
from julep.locust import JulepUser


class Probe(JulepUser):
    api_key = "locust-test-key"


def _environment(url: str) -> locust.env.Environment:
    environment = locust.env.Environment(user_classes=[Probe], host=url)

    def record(**event: typing.Any) -> None:
        error = event["exception"]
        print(
            json.dumps(
                {
                    "request_type": event["request_type"],
                    "name": event["name"],
                    "response_time": event["response_time"],
                    "response_length": event["response_length"],
                    "start_time": event["start_time"],
                    "exception": None if error is None else type(error).__name__,
                    "error_text": None if error is None else str(error),
                }
            ),
            flush=True,
        )

    environment.events.request.add_listener(record)
    return environment


def every_operation(client: typing.Any) -> None:
    agent = client.create_agent(
        name="Sam",
        about="A travel agent.",
        model="echo-1",
        docs=[CreateDoc(title="Lisbon", content="Tram 28 goes to the cathedral.")],
    )
    client.get_agent(agent.id)
    client.list_agents()
    list(client.iter_agents(page_size=1))
    client.patch_agent(agent.id, name="Samantha")
    client.update_agent(agent.id, about="Replaced.", name="Sam", instructions="One rule.")
    doc = client.create_agent_doc(agent.id, request={"title": "Tea", "content": ["Cafe A."]})
    client.get_agent_docs(agent.id)
    list(client.iter_agent_docs(agent.id))
    client.delete_agent_doc(agent.id, doc.id)
    tool = client.create_agent_tool(
        agent.id,
        request=CreateToolRequest(type="function", function=FunctionDef(name="pay", parameters={})),
    )
    client.get_agent_tools(agent.id)
    list(client.iter_agent_tools(agent.id))
    client.update_agent_tool(agent.id, tool.id, function=FunctionDef(name="pay_now", parameters={}))
    client.patch_agent_tool(agent.id, tool.id, function=PartialFunctionDef(description="Pay!"))
    client.delete_agent_tool(agent.id, tool.id)

    user = client.create_user(name="Ada", about="Likes tea.")
    client.get_user(user.id)
    client.list_users()
    list(client.iter_users())
    client.patch_user(user.id, metadata={"q": 2})
    client.update_user(user.id, about="Loves trams.", name="Ada L.")
    user_doc = client.create_user_doc(user.id, request=CreateDoc(title="Notes", content="Tea."))
    client.get_user_docs(user.id)
    list(client.iter_user_docs(user.id))
    client.delete_user_doc(user.id, user_doc.id)

    session = client.create_session(agent_id=agent.id, user_id=user.id, situation="Day one.")
    client.get_session(session.id)
    client.list_sessions()
    list(client.iter_sessions())
    client.update_session(session.id, situation="Day two.")
    client.patch_session(session.id, metadata={"j": 2})
    reply = client.chat(session.id, messages=[{"role": "user", "content": "Which tram?"}])
    with client.chat_stream(session.id, messages=[{"role": "user", "content": "And then?"}]) as s:
        pieces = [chunk.delta.content for chunk in s if chunk.delta and chunk.delta.content]
    assert pieces and s.final_response.response
    streamed = client.chat_stream(session.id, messages=[{"role": "user", "content": "More"}])
    assert streamed.until_done().response
    client.get_history(session.id)
    list(client.iter_history(session.id))
    client.get_suggestions(session.id)
    list(client.iter_suggestions(session.id))
    (job_id,) = reply.jobs
    client.get_job_status(job_id)
    assert client.wait_for_job(job_id, timeout=20).state is julep.JobStatusState.SUCCEEDED
    memories = client.get_agent_memories(agent.id, query="tram").items
    list(client.iter_agent_memories(agent.id, query="tram"))
    client.delete_agent_memory(agent.id, memories[0].id)
    client.delete_session_history(session.id)
    client.delete_session(session.id)
    client.delete_user(user.id)
    client.delete_agent(agent.id)
    try:
        client.get_agent(agent.id)
    except julep.NotFoundError:
        pass
    else:
        raise AssertionError("the deleted agent is still there")


def typo(client: typing.Any) -> None:
    for call in (
        lambda: client.chat("00000000-0000-4000-8000-000000000000", mesages=[]),
        client.get_agent,
        lambda: client.list_agents(1, 2, 3, 4, 5, 6),
    ):
        try:
            call()
        except TypeError as error:
            assert str(error).startswith("JulepApi."), error
        else:
            raise AssertionError("a call that does not fit was made")
    client.list_agents()


class _FlakySetUpMixin:
    """An on_start whose first two runs fail on a call (a 404), then one succeeds."""

    attempts = 0
    tasks_run = 0
    client: typing.Any

    def on_start(self) -> None:
        _FlakySetUpMixin.attempts += 1
        if _FlakySetUpMixin.attempts <= 2:
            self.client.get_agent("00000000-0000-4000-8000-000000000000")  # no such agent
        self.agent_id = self.client.create_agent(name="Set up").id

    def read(self) -> None:
        self.client.get_agent(self.agent_id)
        _FlakySetUpMixin.tasks_run += 1


class FlakySetUp(JulepUser):
    """Its own on_start: the mixin's, as a method of the class."""

    api_key = "locust-test-key"
    wait_time = locust.constant(0.05)
    on_start = _FlakySetUpMixin.on_start
    tasks: typing.ClassVar = [_FlakySetUpMixin.read]


class FlakySetUpFromMixin(_FlakySetUpMixin, JulepUser):
    """on_start from a base class before JulepUser (Locust takes tasks only from Users)."""

    api_key = "locust-test-key"
    wait_time = locust.constant(0.05)
    tasks: typing.ClassVar = [_FlakySetUpMixin.read]


def set_up_retry(environment: locust.env.Environment, where: str) -> None:
    """One flaky user runs until its task ran twice; then the counts, as a JSON line."""
    cls = {"class": FlakySetUp, "mixin": FlakySetUpFromMixin}[where]
    user = cls(environment)
    greenlet = gevent.spawn(user.run)
    deadline = time.monotonic() + 30
    while _FlakySetUpMixin.tasks_run < 2 and not greenlet.dead and time.monotonic() < deadline:
        gevent.sleep(0.05)
    alive = not greenlet.dead
    greenlet.kill(timeout=10)
    counts = {"attempts": _FlakySetUpMixin.attempts, "tasks_run": _FlakySetUpMixin.tasks_run}
    print(json.dumps({**counts, "alive": alive}), flush=True)


class _NeverSetUp(JulepUser):
    """Its on_start always fails on a call; its on_stop says whether it ran, and how."""

    api_key = "locust-test-key"
    wait_time = locust.constant(0.05)
    fail = True
    stops: typing.ClassVar[list[bool]] = []

    def on_start(self) -> None:
        if self.fail:
            self.client.get_agent("00000000-0000-4000-8000-000000000000")  # no such agent
        self.agent_id = self.client.create_agent(name="Set up").id

    def on_stop(self) -> None:
        _NeverSetUp.stops.append(hasattr(self, "agent_id"))

    @locust.task
    def read(self) -> None:
        self.client.get_agent(self.agent_id)


class _SetUp(_NeverSetUp):
    fail = False


def stop_unset(environment: locust.env.Environment) -> None:
    """Users stopped (killed, as Locust stops them) before and after setting up; the
    on_stop runs seen, as a JSON line."""
    for cls in (_NeverSetUp, _SetUp):
        user = cls(environment)
        greenlet = gevent.spawn(user.run)
        gevent.sleep(0.5)
        greenlet.kill(timeout=10)
    print(json.dumps({"stops": _NeverSetUp.stops}), flush=True)


def main() -> int:
    mode, url = sys.argv[1], sys.argv[2]
    environment = _environment(url)
    if mode == "every-operation":
        gevent.spawn(every_operation, Probe(environment).client).get(timeout=60)
    elif mode == "concurrent":
        users = [Probe(environment) for _ in range(int(sys.argv[3]))]
        calls = [gevent.spawn(user.client.list_agents) for user in users]
        gevent.joinall(calls, timeout=60, raise_error=True)
    elif mode == "set-up-retry":
        set_up_retry(environment, sys.argv[3])
    elif mode == "stop-unset":
        stop_unset(environment)
    elif mode == "typo":
        gevent.spawn(typo, Probe(environment).client).get(timeout=60)
    elif mode == "kill":
        client = Probe(environment).client
        call = gevent.spawn(client.list_agents)
        gevent.sleep(0.2)  # the request is on the server, which holds it
        call.kill(timeout=10)  # as Locust stops a user
        assert call.dead and call.successful()  # GreenletExit counts as a clean stop
        client.list_users()  # the loop and the pool are still fine
    return 0


if __name__ == "__main__":
    sys.exit(main())
