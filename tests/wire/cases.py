"""One or more exact wire cases for each of the 36 operations.

Each case gives the call, the request it must produce (method, path, query,
JSON body: a key absent is omitted, a key with None is sent as null) and the
canned response with the type it must decode to.
"""

from __future__ import annotations

import typing

import attrs

import julep
from julep import models as m

from .samples import (
    AGENT,
    AGENT_ID,
    CHAT_RESPONSE,
    CREATED,
    DOC,
    DOC_ID,
    FUNCTION,
    JOB,
    JOB_ID,
    MEMORY,
    MEMORY_ID,
    MESSAGE,
    SESSION,
    SESSION_ID,
    SUGGESTION,
    TOOL,
    TOOL_ID,
    UPDATED,
    USER,
    USER_ID,
    items,
)

NO_BODY: typing.Any = object()


@attrs.frozen
class Case:
    operation: str
    kwargs: dict[str, typing.Any]
    method: str
    path: str
    returns: type | None
    query: dict[str, str] = attrs.field(factory=dict)
    body: typing.Any = NO_BODY
    status: int = 200
    response: typing.Any = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.operation}-{self.label}" if self.label else self.operation


def _agents() -> list[Case]:
    agent_path = f"/api/agents/{AGENT_ID}"
    return [
        Case("list_agents", {}, "GET", "/api/agents", m.ListAgentsResponse, response=items(AGENT)),
        Case(
            "list_agents",
            {
                "limit": 10,
                "offset": 20,
                "metadata_filter": '{"team": "core"}',
                "sort_by": m.ListAgentsRequestSortBy.UPDATED_AT,
                "order": "asc",
            },
            "GET",
            "/api/agents",
            m.ListAgentsResponse,
            query={
                "limit": "10",
                "offset": "20",
                "metadata_filter": '{"team": "core"}',
                "sort_by": "updated_at",
                "order": "asc",
            },
            response=items(AGENT, AGENT),
            label="all-query",
        ),
        Case(
            "create_agent",
            {"name": "Sam"},
            "POST",
            "/api/agents",
            m.ResourceCreatedResponse,
            body={"name": "Sam"},
            status=201,
            response=CREATED,
        ),
        Case(
            "create_agent",
            {
                "name": "Sam",
                "about": None,
                "instructions": ["Be brief."],
                "model": "gpt-4o",
                "metadata": {"team": "core", "nested": {"a": [1, 2]}},
                "default_settings": m.AgentDefaultSettings(temperature=0.5, preset="creative"),
                "tools": [
                    m.CreateToolRequest(
                        type=m.CreateToolRequestType.FUNCTION,
                        function=m.FunctionDef(name="get_weather", parameters={}),
                    ),
                    {"type": "function", "function": FUNCTION},
                ],
                "docs": [
                    m.CreateDoc(title="Manual", content="Text", metadata={"lang": "en"}),
                    {"title": "Raw", "content": ["a", "b"]},
                ],
            },
            "POST",
            "/api/agents",
            m.ResourceCreatedResponse,
            body={
                "name": "Sam",
                "about": None,
                "instructions": ["Be brief."],
                "model": "gpt-4o",
                "metadata": {"team": "core", "nested": {"a": [1, 2]}},
                "default_settings": {"temperature": 0.5, "preset": "creative"},
                "tools": [
                    {"type": "function", "function": {"name": "get_weather", "parameters": {}}},
                    {"type": "function", "function": FUNCTION},
                ],
                "docs": [
                    {"title": "Manual", "content": "Text", "metadata": {"lang": "en"}},
                    {"title": "Raw", "content": ["a", "b"]},
                ],
            },
            status=201,
            response=CREATED,
            label="everything",
        ),
        Case("get_agent", {"agent_id": AGENT_ID}, "GET", agent_path, m.Agent, response=AGENT),
        Case(
            "update_agent",
            {"agent_id": AGENT_ID, "about": "About", "name": "Sam", "instructions": "One."},
            "PUT",
            agent_path,
            m.ResourceUpdatedResponse,
            body={"about": "About", "name": "Sam", "instructions": "One."},
            response=UPDATED,
        ),
        Case(
            "patch_agent",
            {"agent_id": AGENT_ID},
            "PATCH",
            agent_path,
            m.ResourceUpdatedResponse,
            body={},
            response=UPDATED,
            label="nothing",
        ),
        Case(
            "patch_agent",
            {"agent_id": AGENT_ID, "name": "Sam", "model": None, "metadata": {"k": "v"}},
            "PATCH",
            agent_path,
            m.ResourceUpdatedResponse,
            body={"name": "Sam", "model": None, "metadata": {"k": "v"}},
            response=UPDATED,
            label="null-model",
        ),
        Case(
            "delete_agent",
            {"agent_id": AGENT_ID},
            "DELETE",
            agent_path,
            None,
            status=202,
            response={"id": AGENT_ID, "deleted_at": "2024-05-01T12:00:00Z"},
        ),
    ]


def _users() -> list[Case]:
    user_path = f"/api/users/{USER_ID}"
    return [
        Case("list_users", {}, "GET", "/api/users", m.ListUsersResponse, response=items(USER)),
        Case(
            "list_users",
            {"limit": 1, "metadata_filter": {"plan": "pro"}, "sort_by": "created_at"},
            "GET",
            "/api/users",
            m.ListUsersResponse,
            query={"limit": "1", "metadata_filter": '{"plan":"pro"}', "sort_by": "created_at"},
            response=items(),
            label="dict-filter",
        ),
        Case(
            "create_user",
            {},
            "POST",
            "/api/users",
            m.ResourceCreatedResponse,
            body={},
            status=201,
            response=CREATED,
        ),
        Case(
            "create_user",
            {"name": "Ada", "about": "x", "metadata": {"plan": "pro"}, "docs": []},
            "POST",
            "/api/users",
            m.ResourceCreatedResponse,
            body={"name": "Ada", "about": "x", "metadata": {"plan": "pro"}, "docs": []},
            status=201,
            response=CREATED,
            label="everything",
        ),
        Case("get_user", {"user_id": USER_ID}, "GET", user_path, m.User, response=USER),
        Case(
            "update_user",
            {"user_id": USER_ID, "about": "x", "name": "Ada"},
            "PUT",
            user_path,
            m.ResourceUpdatedResponse,
            body={"about": "x", "name": "Ada"},
            response=UPDATED,
        ),
        Case(
            "patch_user",
            {"user_id": USER_ID, "about": None},
            "PATCH",
            user_path,
            m.ResourceUpdatedResponse,
            body={"about": None},
            response=UPDATED,
        ),
        Case("delete_user", {"user_id": USER_ID}, "DELETE", user_path, None, status=202),
    ]


def _sessions() -> list[Case]:
    session_path = f"/api/sessions/{SESSION_ID}"
    return [
        Case(
            "list_sessions",
            {"offset": 0, "order": m.ListSessionsRequestOrder.DESC},
            "GET",
            "/api/sessions",
            m.ListSessionsResponse,
            query={"offset": "0", "order": "desc"},
            response=items(SESSION),
        ),
        Case(
            "create_session",
            {"agent_id": AGENT_ID},
            "POST",
            "/api/sessions",
            m.ResourceCreatedResponse,
            body={"agent_id": AGENT_ID},
            status=201,
            response=CREATED,
        ),
        Case(
            "create_session",
            {
                "agent_id": AGENT_ID,
                "user_id": None,
                "situation": "s",
                "metadata": {"a": 1},
                "render_templates": True,
                "token_budget": 100,
                "context_overflow": "adaptive",
            },
            "POST",
            "/api/sessions",
            m.ResourceCreatedResponse,
            body={
                "agent_id": AGENT_ID,
                "user_id": None,
                "situation": "s",
                "metadata": {"a": 1},
                "render_templates": True,
                "token_budget": 100,
                "context_overflow": "adaptive",
            },
            status=201,
            response=CREATED,
            label="everything",
        ),
        Case(
            "get_session",
            {"session_id": SESSION_ID},
            "GET",
            session_path,
            m.Session,
            response=SESSION,
        ),
        Case(
            "update_session",
            {"session_id": SESSION_ID, "situation": "new"},
            "PUT",
            session_path,
            m.ResourceUpdatedResponse,
            body={"situation": "new"},
            response=UPDATED,
        ),
        Case(
            "patch_session",
            {"session_id": SESSION_ID, "metadata": None, "situation": "s2"},
            "PATCH",
            session_path,
            m.ResourceUpdatedResponse,
            body={"metadata": None, "situation": "s2"},
            response=UPDATED,
        ),
        Case(
            "delete_session", {"session_id": SESSION_ID}, "DELETE", session_path, None, status=202
        ),
        Case(
            "chat",
            {
                "session_id": SESSION_ID,
                "messages": [
                    m.InputChatMlMessage(role=m.InputChatMlMessageRole.USER, content="content")
                ],
                "min_p": 0.01,
            },
            "POST",
            f"{session_path}/chat",
            m.ChatResponse,
            body={"messages": [{"role": "user", "content": "content"}], "min_p": 0.01},
            response=CHAT_RESPONSE,
        ),
        Case(
            "chat",
            {
                "session_id": SESSION_ID,
                "messages": [
                    {"role": "system", "content": "Be brief.", "name": "rules"},
                    m.InputChatMlMessage(
                        role="user",
                        content=[
                            m.ChatMlTextContentPart(text="look"),
                            m.ChatMlImageContentPart(
                                image_url=m.ChatMlImageContentPartImageUrl(
                                    url="data:image/png;base64,AAAA", detail="low"
                                )
                            ),
                        ],
                        continue_=True,
                    ),
                ],
                "tools": [TOOL],
                "tool_choice": m.NamedToolChoice(
                    function=m.NamedToolChoiceFunction(name="get_weather")
                ),
                "frequency_penalty": 0.1,
                "length_penalty": 1.0,
                "logit_bias": {"50256": -100, "42": None},
                "max_tokens": 50,
                "presence_penalty": -0.5,
                "repetition_penalty": 1.1,
                "response_format": m.ChatSettingsResponseFormat(
                    type="json_object", schema_={"type": "object"}
                ),
                "seed": 7,
                "stop": ["\n\n", "END"],
                "stream": False,
                "temperature": 0.2,
                "top_p": 0.9,
                "min_p": 0.05,
                "preset": "creative",
                "recall": False,
                "record": None,
                "remember": True,
            },
            "POST",
            f"{session_path}/chat",
            m.ChatResponse,
            body={
                "messages": [
                    {"role": "system", "content": "Be brief.", "name": "rules"},
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "look"},
                            {
                                "type": "image_url",
                                "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"},
                            },
                        ],
                        "continue": True,
                    },
                ],
                "tools": [TOOL],
                "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
                "frequency_penalty": 0.1,
                "length_penalty": 1.0,
                "logit_bias": {"50256": -100, "42": None},
                "max_tokens": 50,
                "presence_penalty": -0.5,
                "repetition_penalty": 1.1,
                "response_format": {"type": "json_object", "schema": {"type": "object"}},
                "seed": 7,
                "stop": ["\n\n", "END"],
                "stream": False,
                "temperature": 0.2,
                "top_p": 0.9,
                "min_p": 0.05,
                "preset": "creative",
                "recall": False,
                "record": None,
                "remember": True,
            },
            response=CHAT_RESPONSE,
            label="everything",
        ),
        Case(
            "chat",
            {
                "session_id": SESSION_ID,
                "messages": [{"role": "user", "content": "hi"}],
                "tool_choice": "auto",
                "stop": None,
                "preset": julep.ChatSettingsPreset.CODE,
            },
            "POST",
            f"{session_path}/chat",
            m.ChatResponse,
            body={
                "messages": [{"role": "user", "content": "hi"}],
                "tool_choice": "auto",
                "stop": None,
                "preset": "code",
            },
            response=CHAT_RESPONSE,
            label="string-tool-choice",
        ),
        Case(
            "get_history",
            {"session_id": SESSION_ID, "limit": 2},
            "GET",
            f"{session_path}/history",
            m.GetHistoryResponse,
            query={"limit": "2"},
            response=items(
                MESSAGE, {**MESSAGE, "role": "user", "content": [{"type": "text", "text": "hi"}]}
            ),
        ),
        Case(
            "delete_session_history",
            {"session_id": SESSION_ID},
            "DELETE",
            f"{session_path}/history",
            None,
            status=202,
        ),
        Case(
            "get_suggestions",
            {"session_id": SESSION_ID, "offset": 3},
            "GET",
            f"{session_path}/suggestions",
            m.GetSuggestionsResponse,
            query={"offset": "3"},
            response=items(SUGGESTION),
        ),
    ]


def _docs_tools_memories_jobs() -> list[Case]:
    agent_docs = f"/api/agents/{AGENT_ID}/docs"
    user_docs = f"/api/users/{USER_ID}/docs"
    tools = f"/api/agents/{AGENT_ID}/tools"
    return [
        Case(
            "get_agent_docs",
            {"agent_id": AGENT_ID, "sort_by": "updated_at", "order": "desc"},
            "GET",
            agent_docs,
            m.GetAgentDocsResponse,
            query={"sort_by": "updated_at", "order": "desc"},
            response=items(DOC),
        ),
        Case(
            "create_agent_doc",
            {"agent_id": AGENT_ID, "request": m.CreateDoc(title="T", content="C")},
            "POST",
            agent_docs,
            m.ResourceCreatedResponse,
            body={"title": "T", "content": "C"},
            status=201,
            response=CREATED,
        ),
        Case(
            "delete_agent_doc",
            {"agent_id": AGENT_ID, "doc_id": DOC_ID},
            "DELETE",
            f"{agent_docs}/{DOC_ID}",
            None,
            status=202,
        ),
        Case(
            "get_user_docs",
            {"user_id": USER_ID, "limit": 5, "metadata_filter": "{}"},
            "GET",
            user_docs,
            m.GetUserDocsResponse,
            query={"limit": "5", "metadata_filter": "{}"},
            response=items(DOC),
        ),
        Case(
            "create_user_doc",
            {"user_id": USER_ID, "request": {"title": "T", "content": ["a"], "metadata": {"x": 1}}},
            "POST",
            user_docs,
            m.ResourceCreatedResponse,
            body={"title": "T", "content": ["a"], "metadata": {"x": 1}},
            status=201,
            response=CREATED,
        ),
        Case(
            "delete_user_doc",
            {"user_id": USER_ID, "doc_id": DOC_ID},
            "DELETE",
            f"{user_docs}/{DOC_ID}",
            None,
            status=202,
        ),
        Case(
            "get_agent_tools",
            {"agent_id": AGENT_ID, "limit": 10, "offset": 0},
            "GET",
            tools,
            m.GetAgentToolsResponse,
            query={"limit": "10", "offset": "0"},
            response=items(TOOL),
        ),
        Case(
            "create_agent_tool",
            {
                "agent_id": AGENT_ID,
                "request": m.CreateToolRequest(
                    type="function",
                    function=m.FunctionDef(
                        name="f", parameters={"type": "object"}, description=None
                    ),
                ),
            },
            "POST",
            tools,
            m.ResourceCreatedResponse,
            body={
                "type": "function",
                "function": {"name": "f", "parameters": {"type": "object"}, "description": None},
            },
            status=201,
            response=CREATED,
        ),
        Case(
            "update_agent_tool",
            {
                "agent_id": AGENT_ID,
                "tool_id": TOOL_ID,
                "function": m.FunctionDef(name="f", parameters={}),
            },
            "PUT",
            f"{tools}/{TOOL_ID}",
            m.ResourceUpdatedResponse,
            body={"function": {"name": "f", "parameters": {}}},
            response=UPDATED,
        ),
        Case(
            "patch_agent_tool",
            {
                "agent_id": AGENT_ID,
                "tool_id": TOOL_ID,
                "function": m.PartialFunctionDef(description="d"),
            },
            "PATCH",
            f"{tools}/{TOOL_ID}",
            m.ResourceUpdatedResponse,
            body={"function": {"description": "d"}},
            response=UPDATED,
        ),
        Case(
            "delete_agent_tool",
            {"agent_id": AGENT_ID, "tool_id": TOOL_ID},
            "DELETE",
            f"{tools}/{TOOL_ID}",
            None,
            status=202,
        ),
        Case(
            "get_agent_memories",
            {"agent_id": AGENT_ID, "query": "tea & cake", "user_id": USER_ID, "limit": 3},
            "GET",
            f"/api/agents/{AGENT_ID}/memories",
            m.GetAgentMemoriesResponse,
            query={"query": "tea & cake", "user_id": USER_ID, "limit": "3"},
            response=items(MEMORY),
        ),
        Case(
            "delete_agent_memory",
            {"agent_id": AGENT_ID, "memory_id": MEMORY_ID},
            "DELETE",
            f"/api/agents/{AGENT_ID}/memories/{MEMORY_ID}",
            None,
            status=202,
        ),
        Case(
            "get_job_status",
            {"job_id": JOB_ID},
            "GET",
            f"/api/jobs/{JOB_ID}",
            m.JobStatus,
            response=JOB,
        ),
    ]


CASES: list[Case] = [*_agents(), *_users(), *_sessions(), *_docs_tools_memories_jobs()]
