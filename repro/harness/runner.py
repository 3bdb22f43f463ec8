"""python runner.py BASE(proxy, ends /api) SERVER(direct /api) MODE(async|sync) OUT.json [real]"""
import asyncio, json, re, sys, urllib.request, datetime, enum
BASE, SERVER, MODE, OUT = sys.argv[1:5]
REAL = len(sys.argv) > 5 and sys.argv[5] == 'real'
ex = open('/tmp/atkH3_examples.txt').read().split('===== ')[1:]

def raw(method, path, body=None):
    req = urllib.request.Request(SERVER + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={'Content-Type': 'application/json', 'Authorization': 'Bearer k'})
    return json.loads(urllib.request.urlopen(req).read() or b'null')

def marker(name):
    urllib.request.urlopen(BASE.rsplit('/api', 1)[0] + '/__case/' + name).read()

def fixtures():
    a = raw('POST', '/agents', {"name": "A", "about": "ab", "instructions": ["i1"], "metadata": {"k": "v"}})['id']
    u = raw('POST', '/users', {"name": "U", "about": "ub"})['id']
    s = raw('POST', '/sessions', {"agent_id": a, "user_id": u, "situation": "sit"})['id']
    d = raw('POST', f'/agents/{a}/docs', {"title": "t", "content": "c"})
    ud = raw('POST', f'/users/{u}/docs', {"title": "t", "content": "c"})['id']
    t = raw('POST', f'/agents/{a}/tools', {"type": "function", "function": {"name": "f", "description": "dd", "parameters": {"type": "object", "properties": {}}}})['id']
    job = (d.get('jobs') or ['00000000-0000-4000-8000-000000000000'])[0]
    return {"agent_id": a, "user_id": u, "session_id": s, "tool_id": t, "job_id": job,
            "memory_id": "00000000-0000-4000-8000-000000000001"}, d['id'], ud

def norm(o):
    if isinstance(o, dict):
        return {k: ("<id>" if k in ("id", "agent_id", "user_id", "session_id") and isinstance(v, str) else
                    "<ts>" if k.endswith("_at") else "<jobs>" if k == "jobs" else norm(v)) for k, v in o.items()}
    if isinstance(o, list): return [norm(x) for x in o]
    if isinstance(o, enum.Enum): return f"enum:{type(o).__name__}.{o.value}"
    if isinstance(o, (datetime.datetime,)): return "<ts>"
    return o

async def main():
    results = {}
    for block in ex:
        name, code = block.split('\n', 1)
        if (MODE == 'async') != name.startswith('Async'): continue
        short = name.split('.')[-1]
        code = re.sub(r'client = (Async)?JulepApi\(\n    api_key="YOUR_API_KEY",\n\)',
                      lambda m: f'client = {m.group(1) or ""}JulepApi(api_key="YOUR_API_KEY", base_url={BASE!r})', code)
        code = re.sub(r'\n(await )?client\.', lambda m: '\n__r = ' + (m.group(1) or '') + 'client.', code, count=1)
        if REAL:
            fx, ad, ud = fixtures()
            for k, v in fx.items(): code = code.replace(f'"{k}"', repr(v))
            code = code.replace('"doc_id"', repr(ad if 'agent' in short else ud))
        import julep
        if getattr(julep, '__version__', '') == '0.3.9' or not hasattr(julep, 'InputChatMlMessage'):
            code = code.replace('from julep import', 'from julep.api import')
        marker(MODE + '.' + short)
        src = 'async def __f():\n' + '\n'.join('    ' + l for l in code.split('\n')) + '\n    return __r, client\n'
        g = {}
        try:
            exec(src, g)
            r, client = await g['__f']()
            d = r.dict() if hasattr(r, 'dict') else r
            v = norm(d)
            if isinstance(v, dict) and 'items' in v and v['items']:
                v = {'items[0]': v['items'][0], 'item_type': type(r.items[0]).__name__}
            extra = {}
            if hasattr(r, 'json'):
                for i, kw in enumerate([{}, {'exclude_none': True}, {'by_alias': False}, {'exclude_unset': False}, {'exclude_defaults': True}]):
                    try:
                        x = norm(json.loads(r.json(**kw)))
                        if isinstance(x, dict) and x.get('items'): x = {'items[0]': x['items'][0]}
                        extra[str(i)] = x
                    except Exception as e:
                        extra[str(i)] = type(e).__name__ + str(e)[:100]
                    try:
                        x = norm(r.dict(**kw))
                        if isinstance(x, dict) and x.get('items'): x = {'items[0]': x['items'][0]}
                        extra['d' + str(i)] = x
                    except Exception as e:
                        extra['d' + str(i)] = type(e).__name__ + str(e)[:100]
            results[short] = {"type": type(r).__name__, "value": v, "extra": extra}
        except Exception as e:
            results[short] = {"exc": type(e).__name__, "status": getattr(e, 'status_code', None),
                              "body": getattr(e, 'body', None), "mro": [c.__name__ for c in type(e).__mro__][:6]}
    json.dump(results, open(OUT, 'w'), indent=1, sort_keys=True, default=str)
asyncio.run(main())
