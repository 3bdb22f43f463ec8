"""Run by the python of a virtualenv holding julep==0.3.9, never by the test suite's own.

It drives all 36 methods of 0.3.9's ``JulepApi`` and the main flows of its
``julep.Client`` wrapper against the server at argv[1] (fixtures that clean
up in creation order, repeat deletes, templates, tool names with spaces, and
the OpenAI client the wrapper builds at /v1), and prints one JSON object:
each step's name with "ok" or the error it raised.
"""

import asyncio
import json
import sys
import time
import traceback
import uuid

from julep import AsyncClient, Client
from julep.api import (
    CreateDoc,
    CreateToolRequest,
    CreateToolRequestType,
    FunctionDef,
    InputChatMlMessage,
    InputChatMlMessageRole,
    PartialFunctionDef,
)
from julep.api.client import JulepApi
from julep.api.core.api_error import ApiError

BASE_URL, API_KEY = sys.argv[1], sys.argv[2]
results = {}


def step(name, check=None):
    def run(fn):
        try:
            value = fn()
            if check is not None and not check(value):
                raise AssertionError(f"unexpected result: {value!r}")
            results[name] = "ok"
            return value
        except Exception as exc:  # report, do not stop: every step is counted
            results[name] = f"{type(exc).__name__}: {exc} | {traceback.format_exc(limit=2)[-300:]}"
            return None

    return run


def raw_client_flow():
    api = JulepApi(api_key=API_KEY, base_url=BASE_URL)
    agent = step("create_agent", lambda r: r.id)(
        lambda: api.create_agent(
            name="Old",
            about="0.3.9",
            instructions=["Be brief."],
            metadata={"v": "039"},
            docs=[CreateDoc(title="Guide", content="Trams climb hills.")],
        )
    )
    agent_id = agent.id
    step("get_agent", lambda a: a.name == "Old")(lambda: api.get_agent(agent_id=agent_id))
    step("list_agents", lambda r: agent_id in [a.id for a in r.items])(
        lambda: api.list_agents(limit=10, metadata_filter=json.dumps({"v": "039"}))
    )
    step("update_agent", lambda r: r.id == agent_id)(
        lambda: api.update_agent(agent_id=agent_id, about="PUT", name="Old2")
    )
    step("patch_agent", lambda r: r.id == agent_id)(
        lambda: api.patch_agent(agent_id=agent_id, name="Old3")
    )
    step("get_agent_docs", lambda r: len(r.items) == 1)(
        lambda: api.get_agent_docs(agent_id=agent_id)
    )
    doc = step("create_agent_doc", lambda r: r.id)(
        lambda: api.create_agent_doc(
            agent_id=agent_id, request=CreateDoc(title="T", content=["a", "b"])
        )
    )
    step("delete_agent_doc")(lambda: api.delete_agent_doc(agent_id=agent_id, doc_id=doc.id))
    tool = step("create_agent_tool", lambda r: r.id)(
        lambda: api.create_agent_tool(
            agent_id=agent_id,
            request=CreateToolRequest(
                type=CreateToolRequestType.FUNCTION,
                function=FunctionDef(name="f", parameters={"type": "object"}),
            ),
        )
    )
    step("get_agent_tools", lambda r: [t.id for t in r.items] == [tool.id])(
        lambda: api.get_agent_tools(agent_id=agent_id)
    )
    step("update_agent_tool")(
        lambda: api.update_agent_tool(
            agent_id=agent_id, tool_id=tool.id, function=FunctionDef(name="g", parameters={})
        )
    )
    step("patch_agent_tool")(
        lambda: api.patch_agent_tool(
            agent_id=agent_id, tool_id=tool.id, function=PartialFunctionDef(description="d")
        )
    )
    step("delete_agent_tool")(lambda: api.delete_agent_tool(agent_id=agent_id, tool_id=tool.id))

    user = step("create_user", lambda r: r.id)(lambda: api.create_user(name="Ada", about="x"))
    user_id = user.id
    step("get_user", lambda u: u.name == "Ada")(lambda: api.get_user(user_id=user_id))
    step("list_users", lambda r: user_id in [u.id for u in r.items])(api.list_users)
    step("update_user")(lambda: api.update_user(user_id=user_id, about="y", name="Ada2"))
    step("patch_user")(lambda: api.patch_user(user_id=user_id, about="z"))
    user_doc = step("create_user_doc", lambda r: r.id)(
        lambda: api.create_user_doc(user_id=user_id, request=CreateDoc(title="N", content="Tea."))
    )
    step("get_user_docs", lambda r: len(r.items) == 1)(lambda: api.get_user_docs(user_id=user_id))
    step("delete_user_doc")(lambda: api.delete_user_doc(user_id=user_id, doc_id=user_doc.id))

    session = step("create_session", lambda r: r.id)(
        lambda: api.create_session(agent_id=agent_id, user_id=user_id, situation="s")
    )
    session_id = session.id
    step("get_session", lambda s: s.agent_id == agent_id)(
        lambda: api.get_session(session_id=session_id)
    )
    step("list_sessions", lambda r: session_id in [s.id for s in r.items])(api.list_sessions)
    step("update_session")(lambda: api.update_session(session_id=session_id, situation="s2"))
    step("patch_session")(lambda: api.patch_session(session_id=session_id, situation="s3"))
    reply = step("chat", lambda r: r.response[0][0].content)(
        lambda: api.chat(
            session_id=session_id,
            messages=[InputChatMlMessage(role=InputChatMlMessageRole.USER, content="Trams?")],
            min_p=0.01,
        )
    )
    step("get_history", lambda r: len(r.items) == 2)(lambda: api.get_history(session_id=session_id))
    step("get_suggestions", lambda r: r.items is not None)(
        lambda: api.get_suggestions(session_id=session_id)
    )
    job_id = reply.jobs[0]
    step("get_job_status", lambda j: j.id == job_id)(lambda: api.get_job_status(job_id=job_id))
    for _ in range(100):  # bounded: about 10 s for the memory job to finish
        if api.get_job_status(job_id=job_id).state.value == "succeeded":
            break
        time.sleep(0.1)
    memories = step("get_agent_memories", lambda r: r.items is not None)(
        lambda: api.get_agent_memories(agent_id=agent_id, query="trams")
    )
    memory_id = memories.items[0].id if memories and memories.items else str(uuid.uuid4())
    step("delete_agent_memory")(
        lambda: api.delete_agent_memory(agent_id=agent_id, memory_id=memory_id)
    )
    step("delete_session_history")(lambda: api.delete_session_history(session_id=session_id))
    step("delete_session")(lambda: api.delete_session(session_id=session_id))
    step("delete_user")(lambda: api.delete_user(user_id=user_id))
    step("delete_agent")(lambda: api.delete_agent(agent_id=agent_id))


def wrapper_flow():
    # The wrapper sends Bearer keys and explicit nulls for everything it is not given.
    client = Client(api_key=API_KEY, base_url=BASE_URL)
    agent = step("wrapper.agents.create", lambda a: a.id)(
        lambda: client.agents.create(name="W", about="wrapped", instructions=["Hi."])
    )
    step("wrapper.agents.get", lambda a: a.name == "W")(lambda: client.agents.get(agent.id))
    step("wrapper.agents.list", lambda items: agent.id in [a.id for a in items])(client.agents.list)
    step("wrapper.agents.update")(lambda: client.agents.update(agent_id=agent.id, about="patched"))
    user = step("wrapper.users.create", lambda u: u.id)(
        lambda: client.users.create(name="U", about="a")
    )
    step("wrapper.docs.create")(
        lambda: client.docs.create(
            agent_id=agent.id, doc={"title": "D", "content": "Tea and trams."}
        )
    )
    step("wrapper.docs.list", lambda items: len(items) == 1)(
        lambda: client.docs.list(agent_id=agent.id)
    )
    session = step("wrapper.sessions.create", lambda s: s.id)(
        lambda: client.sessions.create(agent_id=agent.id, user_id=user.id, situation="w")
    )
    step("wrapper.sessions.update")(
        lambda: client.sessions.update(session_id=session.id, situation="w2")
    )
    step("wrapper.sessions.chat", lambda r: r.response[0][0].content)(
        lambda: client.sessions.chat(
            session_id=session.id, messages=[{"role": "user", "content": "Tea?"}]
        )
    )
    step("wrapper.sessions.history", lambda items: len(items) == 2)(
        lambda: client.sessions.history(session_id=session.id)
    )
    step("wrapper.sessions.suggestions")(lambda: client.sessions.suggestions(session_id=session.id))
    step("wrapper.memories.list")(lambda: client.memories.list(agent_id=agent.id, query="tea"))
    tool = step("wrapper.tools.create", lambda t: t.id)(
        lambda: client.tools.create(
            agent_id=agent.id,
            tool={"type": "function", "function": {"name": "f", "parameters": {}}},
        )
    )
    step("wrapper.tools.get", lambda items: len(items) == 1)(
        lambda: client.tools.get(agent_id=agent.id)
    )
    step("wrapper.tools.delete")(lambda: client.tools.delete(agent_id=agent.id, tool_id=tool.id))
    step("wrapper.sessions.delete_history")(
        lambda: client.sessions.delete_history(session_id=session.id)
    )
    step("wrapper.sessions.delete")(lambda: client.sessions.delete(session.id))
    step("wrapper.users.delete")(lambda: client.users.delete(user.id))
    step("wrapper.agents.delete")(lambda: client.agents.delete(agent.id))


def status_of(call):
    """The HTTP status a wrapper call ends with: 2xx when it returns, else the ApiError's."""
    try:
        call()
    except ApiError as error:
        return error.status_code
    return 200


def fixture_flow():
    # A common fixture pattern: make everything, then delete it in creation order.
    client = Client(api_key=API_KEY, base_url=BASE_URL)
    function = {"name": "test name", "description": "spaces", "parameters": {"type": "object"}}
    agent = step("wrapper.fixture.agent_with_spaced_function", lambda a: a.id)(
        lambda: client.agents.create(name="F", about="fixture", functions=[function])
    )
    step(
        "wrapper.fixture.tool_names_kept",
        lambda items: [t.function.name for t in items] == ["test name"],
    )(lambda: client.tools.get(agent_id=agent.id))
    user = step("wrapper.fixture.user", lambda u: u.id)(
        lambda: client.users.create(name="U", about="a")
    )
    session = step("wrapper.fixture.session", lambda s: s.id)(
        lambda: client.sessions.create(agent_id=agent.id, user_id=user.id, situation="s")
    )
    agent_doc = step("wrapper.fixture.agent_doc", lambda d: d.id)(
        lambda: client.docs.create(agent_id=agent.id, doc={"title": "A", "content": "a"})
    )
    user_doc = step("wrapper.fixture.user_doc", lambda d: d.id)(
        lambda: client.docs.create(user_id=user.id, doc={"title": "U", "content": "u"})
    )
    tool = step("wrapper.fixture.tool_with_spaces", lambda t: t.id)(
        lambda: client.tools.create(
            agent_id=agent.id,
            tool={
                "type": "function",
                "function": {"name": "another spaced name", "parameters": {}},
            },
        )
    )
    step("wrapper.fixture.delete_agent_first")(lambda: client.agents.delete(agent.id))
    step("wrapper.fixture.delete_user")(lambda: client.users.delete(user.id))
    step("wrapper.fixture.session_outlives_agent", lambda s: s.agent_id == agent.id)(
        lambda: client.sessions.get(session.id)
    )
    step("wrapper.fixture.delete_session")(lambda: client.sessions.delete(session.id))
    step("wrapper.fixture.delete_agent_doc")(
        lambda: client.docs.delete(doc_id=agent_doc.id, agent_id=agent.id)
    )
    step("wrapper.fixture.delete_user_doc")(
        lambda: client.docs.delete(doc_id=user_doc.id, user_id=user.id)
    )
    step("wrapper.fixture.delete_tool")(
        lambda: client.tools.delete(agent_id=agent.id, tool_id=tool.id)
    )
    # Repeats answer as the 0.3.9 server did: user/session/history idempotent, the rest 404.
    repeats = {
        "agent": (lambda: client.agents.delete(agent.id), 404),
        "user": (lambda: client.users.delete(user.id), 200),
        "session": (lambda: client.sessions.delete(session.id), 200),
        "history": (lambda: client.sessions.delete_history(session.id), 200),
        "agent_doc": (lambda: client.docs.delete(doc_id=agent_doc.id, agent_id=agent.id), 404),
        "user_doc": (lambda: client.docs.delete(doc_id=user_doc.id, user_id=user.id), 404),
        "tool": (lambda: client.tools.delete(agent_id=agent.id, tool_id=tool.id), 404),
    }
    for name, (call, status) in repeats.items():
        step(f"wrapper.repeat_delete.{name}", lambda got, want=status: got == want)(
            lambda call=call: status_of(call)
        )


def template_flow():
    client = Client(api_key=API_KEY, base_url=BASE_URL)
    agent = client.agents.create(
        name="T",
        about="templated",
        instructions=["Greet {{ user.name }} from {{ user.metadata.city }}."],
    )
    user = client.users.create(name="Ada", about="a", metadata={"city": "Oslo"})
    session = step("wrapper.templates.session", lambda s: s.id)(
        lambda: client.sessions.create(
            agent_id=agent.id,
            user_id=user.id,
            situation="Say 'hello {{ session.metadata.arg }}'",
            metadata={"arg": "world"},
            render_templates=True,
        )
    )
    reply = step(
        "wrapper.templates.chat_rendered",
        lambda r: (
            "hello world" in r.response[0][0].content
            and "Greet Ada from Oslo" in r.response[0][0].content
            and "{{" not in r.response[0][0].content
        ),
    )(
        lambda: client.sessions.chat(
            session_id=session.id, messages=[{"role": "user", "content": "Hi"}]
        )
    )
    del reply
    bad = client.sessions.create(agent_id=agent.id, situation="{{ broken", render_templates=True)
    step("wrapper.templates.error_is_400", lambda status: status == 400)(
        lambda: status_of(
            lambda: client.sessions.chat(
                session_id=bad.id, messages=[{"role": "user", "content": "Hi"}]
            )
        )
    )


def completions_flow():
    client = Client(api_key=API_KEY, base_url=BASE_URL)
    messages = [{"role": "user", "content": "Hello gateway"}]
    step(
        "wrapper.chat.completions.create",
        lambda r: r.choices[0].message.content == 'You said: "Hello gateway".',
    )(lambda: client.chat.completions.create(messages=messages, max_tokens=50))
    step(
        "wrapper.chat.completions.create_stream", lambda text: text == 'You said: "Hello gateway".'
    )(
        lambda: "".join(
            chunk.choices[0].delta.content or ""
            for chunk in client.chat.completions.create(messages=messages, stream=True)
            if chunk.choices
        ).strip()
    )
    step("wrapper.chat.completions.julep_kwargs", lambda r: r.choices[0].message.content)(
        lambda: client.chat.completions.create(
            messages=messages, min_p=0.05, repetition_penalty=1.1
        )
    )
    step("wrapper.completions.create", lambda r: r.choices[0].text == 'You said: "Once upon".')(
        lambda: client.completions.create(prompt="Once upon", max_tokens=20)
    )
    step("wrapper.completions.create_stream", lambda text: text == 'You said: "Once upon".')(
        lambda: "".join(
            chunk.choices[0].text
            for chunk in client.completions.create(prompt="Once upon", max_tokens=20, stream=True)
        ).strip()
    )

    async def async_calls():
        aclient = AsyncClient(api_key=API_KEY, base_url=BASE_URL)
        chat = await aclient.chat.completions.create(messages=messages)
        text = await aclient.completions.create(prompt="Hi", max_tokens=20)
        return chat.choices[0].message.content, text.choices[0].text

    step(
        "wrapper.async.completions",
        lambda r: r == ('You said: "Hello gateway".', 'You said: "Hi".'),
    )(lambda: asyncio.run(async_calls()))


raw_client_flow()
wrapper_flow()
fixture_flow()
template_flow()
completions_flow()
print(json.dumps(results))
