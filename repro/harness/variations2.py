import json, sys, uuid, urllib.request, enum, datetime
BASE, OUT = sys.argv[1], sys.argv[2]
from julep.api import *
from julep.api.client import JulepApi
c = JulepApi(api_key="k", base_url=BASE)
def marker(name): urllib.request.urlopen(BASE.rsplit('/api', 1)[0] + '/__case/' + name).read()
def norm(o):
    if isinstance(o, dict): return {k: norm(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [norm(x) for x in o]
    if isinstance(o, enum.Enum): return f"enum:{type(o).__name__}.{o.value}"
    if isinstance(o, datetime.datetime): return "<dt>"
    if isinstance(o, uuid.UUID): return "<UUID>"
    return o
R = {}
def case(fn):
    marker(fn.__name__)
    try: R[fn.__name__] = {"ok": norm(fn())}
    except Exception as e: R[fn.__name__] = {"exc": type(e).__name__, "msg": str(e)[:300]}
ag = c.create_agent(name="A", about="ab").id
us = c.create_user(name="U").id
se = c.create_session(agent_id=ag, user_id=us).id
@case
def w_uuid_path():
    return c.get_agent(agent_id=uuid.UUID(ag)).name
@case
def w_uuid_body():
    return type(c.create_session(agent_id=uuid.UUID(ag), user_id=uuid.UUID(us)).id).__name__
@case
def w_role_str_is_enum():
    m = InputChatMlMessage(role="user", content="x"); return [type(m.role).__name__, m.dict()]
@case
def w_role_value():
    m = InputChatMlMessage(role="user", content="x"); return m.role.value
@case
def w_nested_dict_coerced():
    r = CreateToolRequest(type="function", function={"name": "n", "parameters": {}}); return [type(r.function).__name__, type(r.type).__name__, r.function.name]
@case
def w_nested_dict_send():
    r = CreateToolRequest(type="function", function={"name": "n", "parameters": {}}); return c.create_agent_tool(agent_id=ag, request=r).id is not None
@case
def w_coerce_float():
    s = AgentDefaultSettings(temperature="0.5"); return [type(s.temperature).__name__, s.dict()]
@case
def w_coerce_float_send():
    a = c.create_agent(name="n", default_settings=AgentDefaultSettings(temperature="0.5")).id; return c.get_agent(a).default_settings.temperature
@case
def w_coerce_int_str():
    d = CreateDoc(title=1, content="x"); return [d.title, type(d.title).__name__]
@case
def w_json_raw():
    a = c.get_agent(ag); s = a.json(); return s[s.index('"created_at"'):s.index('"created_at"')+50]
@case
def w_json_raw_indent():
    return c.get_user(us).json(indent=2).count('\n') > 3
@case
def w_dict_exclude_unset():
    return sorted(InputChatMlMessage(role="user", content="x").dict(exclude_unset=True).keys())
@case
def w_dict_all():
    return InputChatMlMessage(role="user", content="x").dict()
@case
def w_dict_fetched_exclude_unset():
    return sorted(c.get_session(se).dict(exclude_unset=True).keys())
@case
def w_fetched_all_keys():
    return sorted(c.get_session(se).dict().keys())
@case
def w_reconstruct():
    a = c.get_agent(ag); b = Agent(**a.dict()); return [b.name, b == a]
@case
def w_httpx_client():
    import httpx
    c2 = JulepApi(api_key="k", base_url=BASE, httpx_client=httpx.Client(timeout=10)); return c2.get_agent(ag).name
@case
def w_timeout_none():
    c2 = JulepApi(api_key="k", base_url=BASE, timeout=None); return c2.get_agent(ag).name
@case
def w_env_enum():
    from julep.api.environment import JulepApiEnvironment
    return JulepApiEnvironment.DEFAULT.value
@case
def w_messages_tuple():
    return c.chat(se, messages=(InputChatMlMessage(role="user", content="x"),), record=False).response[0][0].role.value
@case
def w_chat_stop_str():
    return c.chat(se, messages=[InputChatMlMessage(role="user", content="x")], stop="a", logit_bias={"1": None}, seed=1, record=False).finish_reason.value
@case
def w_chat_content_list():
    return c.chat(se, messages=[InputChatMlMessage(role="user", content="x")], record=False).response[0][0].content
@case
def w_instructions_str():
    a = c.create_agent(name="s", instructions="just one").id; return c.get_agent(a).instructions
@case
def w_update_agent_tools_ignored():
    return c.update_agent(ag, about="a", name="n").dict().keys().__len__()
@case
def w_list_iter_items():
    return [type(x).__name__ for x in c.list_sessions(limit=1).items]
@case
def w_list_len():
    return len(c.list_users(limit=1).items)
@case
def w_resp_model_fields_len():
    r = c.create_user(); return [type(r.created_at).__name__, type(r.id).__name__, r.jobs]
@case
def w_update_returns():
    r = c.patch_user(user_id=us); return [type(r).__name__, type(r.updated_at).__name__]
@case
def w_get_history_limit():
    return len(c.get_history(se, limit=1, offset=0).items)
@case
def w_metadata_model():
    a = c.get_agent(ag); return [type(a.metadata).__name__]
@case
def w_tool_function_params():
    t = c.get_agent_tools(ag).items[0]; return [type(t.function.parameters).__name__, t.function.parameters, type(t.type).__name__]
@case
def w_job_state():
    r = c.create_agent_doc(ag, request=CreateDoc(title="t", content="x"))
    j = c.get_job_status(r.jobs[0]); return [type(j.state).__name__, j.state, sorted(j.dict().keys())]
@case
def w_doc_from_list_to_create():
    d = c.get_agent_docs(ag).items[0]
    return c.create_user_doc(us, request=CreateDoc(title=d.title, content=d.content, metadata=d.metadata)).id is not None
@case
def w_session_user_id_type():
    s = c.get_session(se); return [type(s.user_id).__name__, type(s.agent_id).__name__]
json.dump(R, open(OUT, "w"), indent=1, sort_keys=True, default=repr)
