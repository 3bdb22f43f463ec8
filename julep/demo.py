"""``python -m julep demo``: a realistic walk through the API against the embedded server.

It needs nothing hosted: the local server runs in this process, on a free
port of 127.0.0.1, with its offline ``echo`` model.
"""

from __future__ import annotations

import argparse
import sys
import time
import typing

from ._loop_backend import use_uvloop
from .client import JulepApi
from .errors import ConfigurationError
from .models import CreateDoc, CreateToolRequest, FunctionDef, InputChatMlMessage
from .server import LocalServer

if typing.TYPE_CHECKING:
    from .models import ChatResponse


EXIT_INTERRUPTED = 130  # the shell's code for "ended by SIGINT"


def _say(step: str, detail: str = "") -> None:
    print(f"  {step:<28} {detail}".rstrip())


def _reply_text(reply: ChatResponse) -> str:
    content = reply.response[0][0].content
    return content if isinstance(content, str) else "[multimodal reply]"


def _parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="python -m julep demo",
        description="Walk through the API against the embedded local server: an agent with "
        "a doc and a tool, a user, a session, two chat turns, the history, the memories "
        "formed, then clean-up. It needs no network and no API key, and takes a few seconds.",
    )


def main(argv: typing.Sequence[str] = ()) -> int:
    """Run ``demo [options]``: ``--help`` prints the usage; an unknown option exits with 2."""
    _parser().parse_args(list(argv))
    try:
        use_uvloop()  # a JULEP_UVLOOP it cannot read: said before anything starts
        return run_demo()
    except ConfigurationError as exc:
        print(f"julep demo: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # As bench does: a line and the shell's code for SIGINT, not a traceback.
        print("\njulep demo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run_demo() -> int:
    """Run the walk-through; returns the process exit code."""
    started = time.perf_counter()
    key = "demo-key"
    with (
        LocalServer(api_key=key) as server,
        JulepApi(api_key=key, base_url=server.base_url, trust_env=False) as client,
    ):
        print(f"julep demo: local server at {server.base_url} (echo model, in memory)\n")

        agent_id = client.create_agent(
            name="Sam",
            about="A concise travel assistant.",
            instructions=["Be brief.", "Recommend one thing at a time."],
            docs=[
                CreateDoc(
                    title="Lisbon guide",
                    content="Lisbon trams climb the hills; tram 28 passes the cathedral.",
                    metadata={"city": "lisbon"},
                )
            ],
            tools=[
                CreateToolRequest(
                    type="function",
                    function=FunctionDef(
                        name="book_tram_ticket",
                        description="Book a tram ticket",
                        parameters={
                            "type": "object",
                            "properties": {"line": {"type": "string"}},
                            "required": ["line"],
                        },
                    ),
                )
            ],
            metadata={"team": "demo"},
        ).id
        agent = client.get_agent(agent_id)
        tools = client.get_agent_tools(agent_id).items or []
        _say("agent created", f"{agent.name} ({agent.model}), {len(tools)} tool")

        user_id = client.create_user(
            name="Ada", about="Visiting Lisbon in May.", metadata={"plan": "pro"}
        ).id
        client.create_user_doc(
            user_id, request=CreateDoc(title="Ada's notes", content="Ada loves trams and tea.")
        )
        _say("user created", "Ada, with one doc")

        session_id = client.create_session(
            agent_id=agent_id, user_id=user_id, situation="Ada plans her first day in Lisbon."
        ).id
        _say("session created", session_id)

        jobs: list[str] = []
        for turn, question in enumerate(
            ["Which tram should I take to see the cathedral?", "Where can I get tea after that?"],
            start=1,
        ):
            reply = client.chat(
                session_id,
                messages=[InputChatMlMessage(role="user", content=question)],
                max_tokens=60,
            )
            jobs.extend(reply.jobs or [])
            recalled = len(reply.doc_ids.agent_doc_ids) + len(reply.doc_ids.user_doc_ids)
            print(f"\n  turn {turn}  Ada: {question}")
            print(f"          Sam: {_reply_text(reply)}")
            _say(
                "",
                f"({reply.usage.total_tokens} tokens, {recalled} docs recalled, "
                f"finish: {reply.finish_reason.value})",
            )

        history = client.get_history(session_id).items or []
        print()
        _say("history", f"{len(history)} messages, oldest first")
        for message in history:
            text = message.content if isinstance(message.content, str) else "[parts]"
            _say("", f"{message.role.value:>9}: {text[:60]}")

        for job_id in jobs:
            client.wait_for_job(job_id, timeout=10)
        memories = client.get_agent_memories(agent_id, query="tram", user_id=user_id).items or []
        _say("memory jobs", f"{len(jobs)} succeeded")
        _say("memories about 'tram'", f"{len(memories)}")
        for memory in memories[:3]:
            _say("", f"- {memory.content[:70]}")

        suggestions = client.get_suggestions(session_id).items or []
        _say("suggestions", f"{len(suggestions)}")

        client.delete_session(session_id)
        client.delete_user(user_id)
        client.delete_agent(agent_id)
        _say("cleaned up", "session, user and agent deleted")

    print(f"\ndone in {time.perf_counter() - started:.2f}s")
    return 0
