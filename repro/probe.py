"""Run one hostile scenario against both clients: python probe.py NAME [sync|async]"""
from __future__ import annotations

import asyncio
import os
import io
import json
import logging
import sys
import time
import zlib

import julep
from _hs import KEY, Server, peak_mib, read_request, rss_mib

MSG = [{"role": "user", "content": "hi"}]

def head(status="200 OK", headers=None, close=False):
    h = dict(headers or {})
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in h.items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

AGENT = {"id": "00000000-0000-4000-8000-000000000001", "name": "a", "about": "", "model": "gpt-4",
         "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"}

def jbody(obj, status="200 OK", extra=None):
    b = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return head(status, {"Content-Type": "application/json", "Content-Length": str(len(b)), **(extra or {})}) + b

def delta(text):
    return b"data: " + json.dumps({"id": "c1", "index": 0, "delta": {"role": "assistant", "content": text}}).encode() + b"\n\n"

FINAL = b"data: " + json.dumps({"id": "c1", "index": 0, "delta": {"content": "."}, "finish_reason": "stop"}).encode() + b"\n\n"

SSE = head("200 OK", {"Content-Type": "text/event-stream"}, close=True)

S = {}
def scenario(kind):
    def deco(f):
        S[f.__name__] = (kind, f)
        return f
    return deco

# ---- plain calls (get_agent) ----
@scenario("get")
async def endless_headers(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 200 OK\r\n")
    i = 0
    while True:
        await write(b"".join(b"X-H%d: %s\r\n" % (i + j, b"v" * 100) for j in range(1000)))
        i += 1000

@scenario("get")
async def many_headers(srv, r, w, write, n):
    await read_request(r)
    hs = b"".join(b"X-H%d: v\r\n" % i for i in range(20000))
    b = json.dumps(AGENT).encode()
    await write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(b) + hs + b"\r\n" + b)

@scenario("get")
async def header_trickle(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 200 OK\r\n")
    while True:
        await write(b"X-A: b\r\n")
        await asyncio.sleep(0.05)

@scenario("get")
async def body_trickle(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    while True:
        await write(b"1\r\n \r\n")
        await asyncio.sleep(0.05)

@scenario("get")
async def http10_endless(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
    while True:
        await write(b" " * 65536)

@scenario("get")
async def http10_ok(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + json.dumps(AGENT).encode())
    w.close()

@scenario("get")
async def http09(srv, r, w, write, n):
    await read_request(r)
    await write(json.dumps(AGENT).encode())
    w.close()

@scenario("get")
async def status_bad(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}")

@scenario("get")
async def status_neg(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 -1 OK\r\nContent-Length: 2\r\n\r\n{}")

@scenario("get")
async def status_999(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 999 Weird\r\nContent-Length: 2\r\n\r\n{}")

@scenario("get")
async def status_600(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\n{}")

@scenario("get")
async def status_http2(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/2 200\r\nContent-Length: 2\r\n\r\n{}")

@scenario("get")
async def status_garbage(srv, r, w, write, n):
    await read_request(r)
    await write(b"\x00\xff\xfe garbage\r\n\r\n")

@scenario("get")
async def status_302_other(srv, r, w, write, n):
    await read_request(r)
    await write(head("302 Found", {"Location": "http://127.0.0.2:9/steal", "Content-Length": "0"}))

@scenario("get")
async def status_307_same(srv, r, w, write, n):
    await read_request(r)
    await write(head("307 Temporary Redirect", {"Location": "/api/agents/x", "Content-Length": "0"}))

@scenario("get")
async def status_304(srv, r, w, write, n):
    await read_request(r)
    await write(head("304 Not Modified", {}))

@scenario("get")
async def status_204(srv, r, w, write, n):
    await read_request(r)
    await write(head("204 No Content", {}))

@scenario("get")
async def status_101(srv, r, w, write, n):
    await read_request(r)
    await write(head("101 Switching Protocols", {"Upgrade": "websocket", "Connection": "Upgrade"}) + b"garbage" * 10)
    await asyncio.sleep(30)

@scenario("get")
async def status_100_then_ok(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + jbody(AGENT))

@scenario("get")
async def endless_1xx(srv, r, w, write, n):
    await read_request(r)
    while True:
        await write(b"HTTP/1.1 102 Processing\r\n\r\n" * 1000)

@scenario("get")
async def cl_short(srv, r, w, write, n):
    await read_request(r)
    b = json.dumps(AGENT).encode()
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Length": str(len(b) - 5)}) + b)
    await asyncio.sleep(5)

@scenario("get")
async def two_cl(srv, r, w, write, n):
    await read_request(r)
    b = json.dumps(AGENT).encode()
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Length": str(len(b))}).replace(b"\r\n\r\n", b"\r\nContent-Length: 5\r\n\r\n") + b)
    await asyncio.sleep(5)

@scenario("get")
async def cl_and_chunked(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Length": "5", "Transfer-Encoding": "chunked"}) + b"2\r\n{}\r\n0\r\n\r\n")
    await asyncio.sleep(5)

@scenario("get")
async def cl_negative(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Length": "-5"}) + b"{}")
    await asyncio.sleep(5)

@scenario("get")
async def cl_huge(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Length": "9" * 40}) + b"{}")
    await asyncio.sleep(5)

@scenario("get")
async def chunk_size_huge(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}) + b"f" * 40 + b"\r\n{}")
    await asyncio.sleep(5)

@scenario("get")
async def chunk_ext_endless(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}) + b"2;")
    while True:
        await write(b"a" * 65536)

@scenario("get")
async def trailers_endless(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}) + b"2\r\n{}\r\n0\r\n")
    i = 0
    while True:
        await write(b"".join(b"X-T%d: v\r\n" % (i + j) for j in range(1000)))
        i += 1000

@scenario("get")
async def deflate_bomb(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Encoding": "deflate", "Transfer-Encoding": "chunked"}))
    c = zlib.compressobj(9, zlib.DEFLATED, 15)
    blk = bytes(1 << 20)
    p = c.compress(blk) + c.flush(zlib.Z_FULL_FLUSH)
    for _ in range(4000):
        await write(b"%x\r\n%s\r\n" % (len(p), p))

@scenario("get")
async def rawdeflate_bomb(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Encoding": "deflate", "Transfer-Encoding": "chunked"}))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    blk = bytes(1 << 20)
    p = c.compress(blk) + c.flush(zlib.Z_FULL_FLUSH)
    for _ in range(4000):
        await write(b"%x\r\n%s\r\n" % (len(p), p))

@scenario("get")
async def br_bomb(srv, r, w, write, n):
    import brotli
    await read_request(r)
    data = brotli.compress(bytes(1 << 30), quality=5)  # 1 GiB of zeros
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Encoding": "br", "Content-Length": str(len(data))}) + data)

@scenario("get")
async def gzip_multi_member(srv, r, w, write, n):
    await read_request(r)
    import gzip as gz
    member = gz.compress(bytes(1 << 20), 9)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked"}))
    for _ in range(4000):
        await write(b"%x\r\n%s\r\n" % (len(member), member))

@scenario("get")
async def gzip_in_gzip(srv, r, w, write, n):
    await read_request(r)
    import gzip as gz
    inner = gz.compress(json.dumps(AGENT).encode())
    outer = gz.compress(inner)
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Encoding": "gzip, gzip", "Content-Length": str(len(outer))}) + outer)

@scenario("get")
async def unknown_encoding(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(AGENT, extra={"Content-Encoding": "x-weird"}))

@scenario("get")
async def reset(srv, r, w, write, n):
    await read_request(r)
    import socket, struct
    sock = w.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()

@scenario("get")
async def reset_mid_body(srv, r, w, write, n):
    await read_request(r)
    import socket, struct
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Length": "1000"}) + b"{\"id\"")
    await asyncio.sleep(0.1)
    sock = w.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()

@scenario("get")
async def close_after_n(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(AGENT)[:60])

@scenario("get")
async def json_nan(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","about":"","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","default_settings":{"temperature":NaN}}'))

@scenario("get")
async def json_deep(srv, r, w, write, n):
    await read_request(r)
    d = b"[" * 100000 + b"]" * 100000
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","created_at":"2024-01-01T00:00:00Z","metadata":{"x":' + d + b'}}'))

@scenario("get")
async def json_deep_1000(srv, r, w, write, n):
    await read_request(r)
    d = b"[" * 1000 + b"]" * 1000
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","metadata":{"x":' + d + b'}}'))

@scenario("get")
async def json_deep_bigint(srv, r, w, write, n):
    await read_request(r)
    d = b"[" * 1000 + b"1" * 30 + b"]" * 1000
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","metadata":{"x":' + d + b'}}'))

@scenario("get")
async def json_dup(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","name":5,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}'))

@scenario("get")
async def json_date_overflow(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","created_at":"9999-12-31T23:59:59-23:59","updated_at":"0001-01-01T00:00:00+23:59"}'))

@scenario("get")
async def json_epoch_huge(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m","created_at":1e300,"updated_at":-1e300}'))

@scenario("get")
async def json_bigint_everywhere(srv, r, w, write, n):
    await read_request(r)
    big = b"9" * 5000
    await write(jbody(b'{"id":' + big + b',"name":' + big + b',"created_at":' + big + b'}'))

@scenario("get")
async def json_top_array(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'[1,2,3]'))

@scenario("get")
async def json_empty(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b''))

@scenario("get")
async def json_bom(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'\xef\xbb\xbf' + json.dumps(AGENT).encode()))

@scenario("get")
async def json_utf16(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(json.dumps(AGENT).encode("utf-16")))

@scenario("get")
async def json_surrogate(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b'{"id":"00000000-0000-4000-8000-000000000001","name":"\\ud800","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}'))

@scenario("get")
async def error_echo_key(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "")
    await write(jbody({"detail": f"bad {auth}", auth: auth}, status=f"400 {auth}", extra={"X-Echo": auth, "x-request-id": auth}))

@scenario("get")
async def ok_echo_key_invalid(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "")
    await write(jbody({"id": auth, "name": 5}, extra={"x-request-id": auth}))

@scenario("get")
async def status_line_echo_key(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "")
    await write(f"HTTP/1.1 2x0 {auth}\r\n\r\n".encode())

@scenario("get")
async def header_echo_key_bad(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "")
    await write(f"HTTP/1.1 200 OK\r\nX-{auth}\r\nContent-Length: 2\r\n\r\n{{}}".encode())

@scenario("get")
async def redirect_with_key(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "").split()[-1]
    await write(head("302 Found", {"Location": f"http://127.0.0.1:9/?k={auth}", "Content-Length": "0"}))

@scenario("get")
async def retry_after_date_future(srv, r, w, write, n):
    await read_request(r)
    await write(jbody({"detail": "x"}, status="503 Busy", extra={"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}))

@scenario("get")
async def retry_after_weird(srv, r, w, write, n):
    await read_request(r)
    vals = ["Mon, 99 Xyz 2024 99:99:99 GMT", "-5", "1e3", "0x10", " 1 ", "Tue, 01 Jan 1 00:00:00 +9999", "\u00e9"]
    v = vals[n % len(vals)]
    await write(jbody({"detail": "x"}, status="429 Slow", extra={"Retry-After": v, "retry-after-ms": "abc"}))

@scenario("get")
async def retry_after_small_loop(srv, r, w, write, n):
    await read_request(r)
    await write(jbody({"detail": "x"}, status="503 Busy", extra={"Retry-After": "1"}))

# ---- chat (POST non-stream) ----
@scenario("post")
async def post_reset_after_request(srv, r, w, write, n):
    await read_request(r)
    w.transport.abort()

@scenario("post")
async def post_stall(srv, r, w, write, n):
    await read_request(r)
    await asyncio.sleep(30)

# ---- streams ----
@scenario("stream")
async def sse_comments_forever(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel"))
    while True:
        await write(b": ping\n\n")
        await asyncio.sleep(0.05)

@scenario("stream")
async def sse_headers_trickle(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 200 OK\r\n")
    while True:
        await write(b"X-A: b\r\n")
        await asyncio.sleep(0.05)

@scenario("stream")
async def sse_empty_events_forever(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel"))
    while True:
        await write(b"event: x\nid: 1\n\n" * 100)
        await asyncio.sleep(0.01)

@scenario("stream")
async def sse_trickle_bytes(srv, r, w, write, n):
    await read_request(r)
    await write(SSE)
    ev = delta("word ")
    while True:
        for b in ev:
            await write(bytes([b]))
            await asyncio.sleep(0.01)

@scenario("stream")
async def sse_huge_id_lines(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel"))
    while True:
        await write(b"id: " + b"i" * 65536)

@scenario("stream")
async def sse_many_unknown_fields(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel"))
    while True:
        await write(b"foo: bar\n" * 10000)

@scenario("stream")
async def sse_nul_in_id(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel") + b"id: a\x00b\n" + delta("lo") + FINAL + b"data: [DONE]\n\n")

@scenario("stream")
async def sse_error_event(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "")
    await write(SSE + delta("Hel") + b"data: " + json.dumps({"error": {"message": f"boom {auth}"}}).encode() + b"\n\n")

@scenario("stream")
async def sse_error_event_nonjson_echo(srv, r, w, write, n):
    line, h, _ = await read_request(r)
    auth = h.get("authorization", "")
    await write(SSE + delta("Hel") + f"data: not json {auth}\n\n".encode())

@scenario("stream")
async def sse_wrong_ctype_endless(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json"}, close=True))
    while True:
        await write(b" " * 65536)

@scenario("stream")
async def sse_wrong_ctype_trickle(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"}))
    while True:
        await write(b"1\r\n \r\n")
        await asyncio.sleep(0.05)

@scenario("stream")
async def sse_ctype_params(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "Text/Event-Stream; charset=utf-8"}, close=True) + delta("Hel") + FINAL + b"data: [DONE]\n\n")

@scenario("stream")
async def sse_gzip(srv, r, w, write, n):
    await read_request(r)
    import gzip as gz
    data = gz.compress(delta("Hel") + FINAL + b"data: [DONE]\n\n")
    await write(head("200 OK", {"Content-Type": "text/event-stream", "Content-Encoding": "gzip", "Content-Length": str(len(data))}) + data)

@scenario("stream")
async def sse_gzip_bomb(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "text/event-stream", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked"}))
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    blk = b"\n" * (1 << 20)
    p = c.compress(blk) + c.flush(zlib.Z_FULL_FLUSH)
    for _ in range(4000):
        await write(b"%x\r\n%s\r\n" % (len(p), p))

@scenario("stream")
async def sse_429(srv, r, w, write, n):
    await read_request(r)
    await write(jbody({"detail": "x"}, status="429 Slow", extra={"Retry-After": "0"}))

@scenario("stream")
async def sse_redirect(srv, r, w, write, n):
    await read_request(r)
    await write(head("307 Temporary Redirect", {"Location": "http://127.0.0.2:9/x", "Content-Length": "0"}))

@scenario("stream")
async def sse_giant_event(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel"))
    await write(b"data: " + b"x" * (40 << 20) + b"\n\n")

@scenario("stream")
async def sse_final_then_endless(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel") + FINAL)
    while True:
        await write(delta("more") * 100)

@scenario("stream")
async def sse_bad_chunk_types(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel") + b'data: {"id": 5, "index": "x", "delta": [1], "finish_reason": 7}\n\n')

@scenario("stream")
async def sse_deep_chunk(srv, r, w, write, n):
    await read_request(r)
    await write(SSE + delta("Hel") + b'data: {"id":"c","index":0,"delta":{"content":"x"},"usage":' + b"[" * 100000 + b"]" * 100000 + b'}\n\n')

@scenario("stream")
async def sse_finalchunk_bad_response(srv, r, w, write, n):
    await read_request(r)
    bad = {"id": "c1", "index": 0, "delta": {"content": "."}, "finish_reason": "stop", "response": [[{"role": "nope", "content": 5}]], "usage": {"total_tokens": "x"}}
    await write(SSE + delta("Hel") + b"data: " + json.dumps(bad).encode() + b"\n\n")

@scenario("stream")
async def sse_json_instead(srv, r, w, write, n):
    await read_request(r)
    await write(jbody({"id": 1}))

@scenario("stream")
async def sse_http10(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + delta("Hel") + FINAL + b"data: [DONE]\n\n")
    w.close()

@scenario("get")
async def endless_status_line(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 200 ")
    while True:
        await write(b"O" * 65536)

@scenario("get")
async def endless_chunk_zeros(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    while True:
        await write(b"0" * 65536)

@scenario("get")
async def endless_empty_chunks_ext(srv, r, w, write, n):
    await read_request(r)
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    while True:
        await write(b"1;a=b\r\n \r\n" * 5000)

@scenario("get")
async def endless_leading_crlf(srv, r, w, write, n):
    await read_request(r)
    while True:
        await write(b"\r\n" * 32768)

@scenario("get")
async def endless_1xx_fast(srv, r, w, write, n):
    await read_request(r)
    while True:
        await write(b"HTTP/1.1 103 Early\r\nLink: </a>\r\n\r\n" * 2000)

@scenario("get")
async def endless_folded_header(srv, r, w, write, n):
    await read_request(r)
    await write(b"HTTP/1.1 200 OK\r\nX-A: b\r\n")
    while True:
        await write(b" continued\r\n" * 5000)

@scenario("get")
async def te_identity(srv, r, w, write, n):
    await read_request(r)
    b = json.dumps(AGENT).encode()
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "identity"}, close=True) + b)
    w.close()

@scenario("get")
async def te_gzip_chunked(srv, r, w, write, n):
    await read_request(r)
    import gzip as gz
    d = gz.compress(json.dumps(AGENT).encode())
    await write(head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "gzip, chunked"}) + b"%x\r\n%s\r\n0\r\n\r\n" % (len(d), d))

@scenario("get")
async def ce_zstd(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(b"\x28\xb5\x2f\xfd" + b"x" * 50, extra={"Content-Encoding": "zstd"}))

@scenario("get")
async def ce_br_truncated(srv, r, w, write, n):
    import brotli
    await read_request(r)
    d = brotli.compress(json.dumps(AGENT).encode())[:-3]
    await write(jbody(d, extra={"Content-Encoding": "br"}))

@scenario("get")
async def ce_gzip_trailing_junk(srv, r, w, write, n):
    import gzip as gz
    await read_request(r)
    d = gz.compress(json.dumps(AGENT).encode()) + b"junkjunk"
    await write(jbody(d, extra={"Content-Encoding": "gzip"}))

@scenario("get")
async def ce_gzip_many_tiny_members(srv, r, w, write, n):
    import gzip as gz
    await read_request(r)
    m = gz.compress(b" ")
    await write(head("200 OK", {"Content-Type": "application/json", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked"}))
    blob = m * 2000
    for _ in range(2000):
        await write(b"%x\r\n%s\r\n" % (len(blob), blob))

@scenario("get")
async def ok_header_latin1(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(AGENT, extra={"x-request-id": "caf\xe9 \xff"}).replace(b"caf\xc3\xa9", b"caf\xe9"))

@scenario("get")
async def header_nul(srv, r, w, write, n):
    await read_request(r)
    await write(jbody(AGENT, extra={"x-request-id": "a\x00b"}))

@scenario("get")
async def status_429_body_huge_retry(srv, r, w, write, n):
    await read_request(r)
    b = b"x" * (6 << 20)
    await write(head("429 Slow", {"Content-Length": str(len(b)), "Retry-After": "0"}) + b)

@scenario("stream")
async def sse_fast_tiny(srv, r, w, write, n):
    await read_request(r)
    await write(SSE)
    piece = delta("x") * 200
    while True:
        await write(piece)


def make_client(cls, base_url, **kw):
    opts = dict(api_key=KEY, base_url=base_url,
                max_response_bytes=8 << 20, max_event_bytes=1 << 20,
                max_retries=julep.RetryPolicy(max_retries=2, initial_delay=0.05, max_delay=0.1),
                timeout=julep.Timeout(connect=2, read=3, total=6, stream_idle=1.5))
    if os.environ.get("BIG"):
        opts["max_response_bytes"] = 100 << 20
    opts.update(kw)
    return cls(**opts)


async def call_async(kind, base_url):
    async with make_client(julep.AsyncJulepApi, base_url) as c:
        if kind == "get":
            return await c.get_agent("agent-1")
        if kind == "post":
            return await c.chat("s1", messages=MSG)
        async with c.chat_stream("s1", messages=MSG) as s:
            n = 0
            async for _ in s:
                n += 1
                if n > 1_000_000:
                    return "too many chunks"
            return s.final_response


def call_sync(kind, base_url):
    with make_client(julep.JulepApi, base_url) as c:
        if kind == "get":
            return c.get_agent("agent-1")
        if kind == "post":
            return c.chat("s1", messages=MSG)
        with c.chat_stream("s1", messages=MSG) as s:
            n = 0
            for _ in s:
                n += 1
                if n > 1_000_000:
                    return "too many chunks"
            return s.final_response


def main():
    name, mode = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "async")
    kind, handler = S[name]
    log = io.StringIO()
    h = logging.StreamHandler(log)
    logging.basicConfig(level=logging.DEBUG, handlers=[h])
    base = rss_mib()
    import contextlib, os, subprocess
    if os.environ.get("OUTPROC"):
        proc = subprocess.Popen([sys.executable, __file__, "serve", name], stdout=subprocess.PIPE, text=True)
        port = int(proc.stdout.readline())
        class _S:
            base_url = f"http://127.0.0.1:{port}/api"
            connections = "?"
        ctx = contextlib.nullcontext(_S())
    else:
        proc = None
        ctx = Server(handler)
    with ctx as srv:
        t = time.monotonic()
        try:
            if mode == "async":
                result = asyncio.run(call_async(kind, srv.base_url))
            else:
                result = call_sync(kind, srv.base_url)
            outcome = f"OK {type(result).__name__} {str(result)[:150]!r}"
            err = None
        except BaseException as e:
            err = e
            outcome = f"{type(e).__module__}.{type(e).__name__}: {str(e)[:300]}"
        el = time.monotonic() - t
        conns = srv.connections
    if proc is not None:
        proc.kill(); proc.wait()
    leak = []
    texts = [outcome, log.getvalue()]
    if err is not None:
        import traceback
        texts.append("".join(traceback.format_exception(err)))
        texts.append(repr(err))
        e = err
        for _ in range(10):
            if e is None:
                break
            texts.append(repr(e)); texts.append(str(getattr(e, "body", "")))
            texts.append(repr(getattr(e, "__dict__", {})))
            e = e.__cause__ or e.__context__
    for t_ in texts:
        if KEY in t_ or KEY[3:15] in t_:
            leak.append(t_[:400])
    raw = ""
    if err is not None and not isinstance(err, julep.JulepError):
        raw = "  !!! NOT A JULEP ERROR"
    print(f"{name:28s} {mode:5s} {el:6.2f}s conns={conns} rss={base:.0f}->{peak_mib():.0f}MiB  {outcome[:260]}{raw}")
    if leak:
        print("   !!! KEY LEAK:", leak[:3])


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        srv = Server(S[sys.argv[2]][1]).__enter__()
        print(srv.port, flush=True)
        time.sleep(120)
    elif sys.argv[1] == "list":
        print(" ".join(S))
    else:
        main()
