"""python variations.py PROXY_BASE SERVER_BASE OUT.json"""
import json, sys, traceback, urllib.request, enum, datetime, copy, pickle
BASE, SERVER, OUT = sys.argv[1:4]
from julep.api import (InputChatMlMessage, InputChatMlMessageRole, CreateDoc, CreateToolRequest, CreateToolRequestType,
                       FunctionDef, PartialFunctionDef, AgentDefaultSettings, ChatSettingsPreset, ChatSettingsResponseFormat,
                       NamedToolChoice, NamedToolChoiceFunction, Tool, ToolType, ListAgentsRequestSortBy, ListAgentsRequestOrder)
from julep.api.client import JulepApi, AsyncJulepApi
import julep.api as JA
c = JulepApi(api_key="k", base_url=BASE)
def marker(name): urllib.request.urlopen(BASE.rsplit('/api', 1)[0] + '/__case/' + name).read()
def norm(o):
    if isinstance(o, dict):
        return {k: ("<id>" if k in ("id", "agent_id", "user_id", "session_id") and isinstance(v, str) else
                    "<ts>" if k.endswith("_at") else "<jobs>" if k == "jobs" else norm(v)) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [norm(x) for x in o]
    if isinstance(o, enum.Enum): return f"enum:{type(o).__name__}.{o.value}"
    if isinstance(o, datetime.datetime): return f"<dt tz={o.tzinfo is not None}>"
    return o
R = {}
def case(fn):
    marker(fn.__name__)
    try:
        v = fn()
        R[fn.__name__] = {"ok": norm(v)}
    except Exception as e:
        R[fn.__name__] = {"exc": type(e).__name__, "msg": str(e)[:200], "status": getattr(e, "status_code", None)}
    return fn

ag = c.create_agent(name="A", about="ab", instructions=["i1", "i2"], model="gpt-4",
                    default_settings=AgentDefaultSettings(temperature=0.5),
                    tools=[CreateToolRequest(type=CreateToolRequestType.FUNCTION, function=FunctionDef(name="f", description="d", parameters={"type": "object", "properties": {"x": {"type": "string"}}}))],
                    docs=[CreateDoc(title="t", content="c")], metadata={"m": 1}).id
us = c.create_user(name="U", about="ub").id
se = c.create_session(agent_id=ag, user_id=us, situation="sit").id

@case
def v_create_agent_dicts():
    return c.create_agent(name="B", default_settings={"temperature": 0.1}, tools=[{"type": "function", "function": {"name": "g", "parameters": {}}}], docs=[{"title": "t", "content": ["a", "b"]}], instructions="one").dict()
@case
def v_create_agent_none():
    return c.create_agent(name="C", about=None, model=None, instructions=None).dict()
@case
def v_get_agent_positional():
    a = c.get_agent(ag); return a.dict()
@case
def v_agent_json():
    a = c.get_agent(ag); return json.loads(a.json())
@case
def v_agent_json_str_keys():
    a = c.get_agent(ag); s = a.json(); return [s.startswith('{"'), '"created_at": "' in s or '"created_at":"' in s, type(a.created_at).__name__, a.created_at.tzinfo is not None]
@case
def v_agent_dict_types():
    a = c.get_agent(ag); d = a.dict(); return {k: type(v).__name__ for k, v in d.items()}
@case
def v_agent_iter():
    a = c.get_agent(ag); return sorted(k for k, _ in a)
@case
def v_agent_dict_builtin():
    a = c.get_agent(ag); return sorted(dict(a).keys())
@case
def v_update_agent_from_fetched():
    a = c.get_agent(ag)
    return c.update_agent(agent_id=a.id, about=a.about, name=a.name, model=a.model, default_settings=a.default_settings, metadata=a.metadata, instructions=a.instructions).dict()
@case
def v_patch_agent_from_fetched():
    a = c.get_agent(ag)
    return c.patch_agent(agent_id=a.id, default_settings=a.default_settings, instructions=a.instructions, name=a.name).dict()
@case
def v_after_update_get():
    return c.get_agent(ag).dict()
@case
def v_patch_agent_default_settings_partial_model():
    return c.patch_agent(agent_id=ag, default_settings=AgentDefaultSettings(top_p=0.9)).dict()
@case
def v_after_patch_get():
    return c.get_agent(ag).dict()
@case
def v_patch_agent_none():
    return c.patch_agent(agent_id=ag, about=None).dict()
@case
def v_tools_roundtrip_update():
    t = c.get_agent_tools(agent_id=ag).items[0]
    return c.update_agent_tool(agent_id=ag, tool_id=t.id, function=t.function).dict()
@case
def v_tools_roundtrip_patch():
    t = c.get_agent_tools(agent_id=ag).items[0]
    return c.patch_agent_tool(agent_id=ag, tool_id=t.id, function=PartialFunctionDef(description="nd")).dict()
@case
def v_tools_patch_dict():
    t = c.get_agent_tools(agent_id=ag).items[0]
    return c.patch_agent_tool(agent_id=ag, tool_id=t.id, function={"description": "nd2"}).dict()
@case
def v_tools_list():
    return c.get_agent_tools(agent_id=ag).dict()
@case
def v_create_tool_from_tool():
    t = c.get_agent_tools(agent_id=ag).items[0]
    return c.create_agent_tool(agent_id=ag, request=CreateToolRequest(type=t.type, function=t.function)).dict()
@case
def v_create_tool_from_tool_dict():
    t = c.get_agent_tools(agent_id=ag).items[0]
    d = t.dict(); d.pop("id", None); d["function"]["name"] = "h"
    return c.create_agent_tool(agent_id=ag, request=CreateToolRequest(**d)).dict()
@case
def v_chat_tools_from_list():
    ts = c.get_agent_tools(agent_id=ag).items
    return c.chat(se, messages=[InputChatMlMessage(role="user", content="hi")], tools=ts).dict()
@case
def v_chat_dict_messages():
    return c.chat(session_id=se, messages=[{"role": "user", "content": "hi"}]).dict()
@case
def v_chat_role_str():
    return c.chat(session_id=se, messages=[InputChatMlMessage(role="user", content="hi", name="bob")], max_tokens=10, stop=["x"], preset=ChatSettingsPreset.CREATIVE, response_format=ChatSettingsResponseFormat(type="text")).dict()
@case
def v_chat_history_roundtrip():
    h = c.get_history(session_id=se).items
    return c.chat(session_id=se, messages=[InputChatMlMessage(**m.dict()) for m in h][-2:], record=False).dict()
@case
def v_chat_history_direct():
    h = c.get_history(session_id=se).items
    return c.chat(session_id=se, messages=h[-1:], record=False).dict()
@case
def v_chat_tool_choice():
    return c.chat(session_id=se, messages=[InputChatMlMessage(role=InputChatMlMessageRole.USER, content="hi")], tool_choice=NamedToolChoice(type="function", function=NamedToolChoiceFunction(name="f")), record=False).dict()
@case
def v_chat_tool_choice_str():
    return c.chat(session_id=se, messages=[InputChatMlMessage(role=InputChatMlMessageRole.USER, content="hi")], tool_choice="auto", record=False).dict()
@case
def v_chat_response_access():
    r = c.chat(session_id=se, messages=[InputChatMlMessage(role=InputChatMlMessageRole.USER, content="hi")], record=False)
    m = r.response[0][0]
    return [type(m).__name__, m.role == "assistant", str(m.role), m.role.value, r.finish_reason == "stop", r.usage.total_tokens > 0, type(r.id).__name__, r.jobs]
@case
def v_history():
    h = c.get_history(session_id=se)
    return [(m.role.value, type(m).__name__, sorted(m.dict().keys())) for m in h.items]
@case
def v_history_json():
    return json.loads(c.get_history(se).json())
@case
def v_suggestions():
    return c.get_suggestions(session_id=se).dict()
@case
def v_docs():
    d = c.get_agent_docs(agent_id=ag)
    return [sorted(x.dict().keys()) for x in d.items]
@case
def v_docs_content_type():
    d = c.get_agent_docs(agent_id=ag).items[0]
    return [type(d.content).__name__, d.content, d.title]
@case
def v_create_doc_list_content():
    r = c.create_agent_doc(agent_id=ag, request=CreateDoc(title="t2", content=["p1", "p2"], metadata={"a": 1}))
    return [r.dict(), type(r.jobs).__name__]
@case
def v_create_doc_dict():
    return c.create_user_doc(us, request={"title": "t", "content": "c"}).dict()
@case
def v_job():
    r = c.create_agent_doc(agent_id=ag, request=CreateDoc(title="t3", content="x"))
    j = c.get_job_status(job_id=r.jobs[0]); return j.dict()
@case
def v_list_sort_enum():
    return len(c.list_agents(sort_by=ListAgentsRequestSortBy.UPDATED_AT, order=ListAgentsRequestOrder.ASC, limit=2).items)
@case
def v_list_sort_str():
    return len(c.list_agents(sort_by="updated_at", order="asc", limit=2, offset=0).items)
@case
def v_list_metadata_filter():
    return len(c.list_agents(metadata_filter='{"m": 1}').items)
@case
def v_list_limit0():
    return len(c.list_agents(limit=0).items)
@case
def v_user_update_from_fetched():
    u = c.get_user(us)
    return c.update_user(user_id=u.id, about=u.about, name=u.name, metadata=u.metadata).dict()
@case
def v_user_patch():
    return c.patch_user(user_id=us, name="U2", metadata={"k": "v"}).dict()
@case
def v_user_get():
    return c.get_user(user_id=us).dict()
@case
def v_session_get():
    return c.get_session(se).dict()
@case
def v_session_update_from_fetched():
    s = c.get_session(se)
    return c.update_session(session_id=s.id, situation=s.situation, metadata=s.metadata, token_budget=s.token_budget, context_overflow=s.context_overflow).dict()
@case
def v_session_patch():
    return c.patch_session(session_id=se, situation="s2", token_budget=100).dict()
@case
def v_session_get2():
    return c.get_session(se).dict()
@case
def v_create_session_user_none():
    return c.create_session(agent_id=ag, user_id=None).dict()
@case
def v_memories():
    return c.get_agent_memories(ag, query="x", user_id=us, limit=5).dict()
@case
def v_model_eq():
    a1 = c.get_agent(ag); a2 = c.get_agent(ag); return [a1 == a2, a1.id == a2.id]
@case
def v_model_copy():
    a = c.get_agent(ag); b = a.copy(update={"name": "Z"}); return [b.name, a.name, type(b).__name__]
@case
def v_parse_obj():
    a = c.get_agent(ag); b = type(a).parse_obj(a.dict()); return [b == a, b.name]
@case
def v_pickle():
    a = c.get_agent(ag); return pickle.loads(pickle.dumps(a)) == a
@case
def v_json_exclude_none():
    u = c.get_user(us); return json.loads(u.json(exclude_none=True, exclude={"created_at", "updated_at", "id"}))
@case
def v_dict_by_alias_continue():
    m = InputChatMlMessage(role="assistant", content="x", continue_=True); return [m.dict(), m.dict(by_alias=True)]
@case
def v_chat_continue():
    return c.chat(se, messages=[InputChatMlMessage(role="user", content="hi"), InputChatMlMessage(role="assistant", content="x", continue_=True)], record=False).dict()
@case
def v_delete_returns():
    a = c.create_agent(name="del").id
    return [c.delete_agent(a), c.delete_agent_tool(ag, c.get_agent_tools(ag).items[-1].id)]
@case
def v_get_deleted():
    a = c.create_agent(name="del").id; c.delete_agent(agent_id=a); return c.get_agent(a).dict()
@case
def v_enum_str():
    return [str(InputChatMlMessageRole.USER), InputChatMlMessageRole.USER == "user", InputChatMlMessageRole("user").name, f"{ChatSettingsPreset.CREATIVE}"]
@case
def v_model_repr_fields():
    return sorted(FunctionDef.__fields__.keys()) if hasattr(FunctionDef, "__fields__") else "no __fields__"
@case
def v_function_def_positional_dict():
    f = FunctionDef(name="n", parameters={"type": "object"}); return [f.dict(), f.description]
@case
def v_agent_attr_missing():
    a = c.get_agent(ag); return [a.about, a.metadata, getattr(a, "tools", "NOATTR")]
@case
def v_sync_async_chat():
    import asyncio
    async def go():
        ac = AsyncJulepApi(api_key="k", base_url=BASE)
        r = await ac.list_agents(limit=1)
        return [type(r).__name__, len(r.items)]
    return asyncio.run(go())
@case
def v_exc_attrs():
    try:
        c.get_agent("00000000-0000-4000-8000-000000000009")
    except Exception as e:
        from julep.api.core.api_error import ApiError
        return [isinstance(e, ApiError), e.status_code, e.body, str(e)[:60]]
json.dump(R, open(OUT, "w"), indent=1, sort_keys=True, default=repr)
