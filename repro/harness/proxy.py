"""Loopback recording proxy: python proxy.py LISTEN_PORT UPSTREAM_BASE LOGFILE"""
import json, sys, aiohttp
from aiohttp import web
port, upstream, logf = int(sys.argv[1]), sys.argv[2].rstrip('/'), sys.argv[3]
async def handle(req):
    body = await req.read()
    rec = {"method": req.method, "path": req.path, "query": req.query_string}
    if req.path.startswith('/__case/'):
        rec = {"case": req.path[len('/__case/'):]}
        open(logf, 'a').write(json.dumps(rec) + "\n")
        return web.Response(text="ok")
    try:
        rec["body"] = json.loads(body) if body else None
    except Exception:
        rec["body_raw"] = body.decode('latin1')
    rec["ctype"] = req.headers.get('Content-Type')
    async with aiohttp.ClientSession(auto_decompress=False) as s:
        h = {k: v for k, v in req.headers.items() if k.lower() not in ('host', 'content-length', 'transfer-encoding')}
        async with s.request(req.method, upstream + req.path_qs, data=body, headers=h) as r:
            data = await r.read()
            rec["status"] = r.status
            open(logf, 'a').write(json.dumps(rec) + "\n")
            hh = {k: v for k, v in r.headers.items() if k.lower() not in ('content-length', 'transfer-encoding', 'content-encoding', 'connection')}
            return web.Response(body=data, status=r.status, headers=hh)
app = web.Application(client_max_size=1 << 26)
app.router.add_route('*', '/{tail:.*}', handle)
web.run_app(app, host='127.0.0.1', port=port, print=None)
