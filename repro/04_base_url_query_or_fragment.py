"""base_url with a query string or a fragment is accepted, and every request then
goes to a mangled URL: the operation's path is appended after the query
('http://h/api?v=1/agents' asks /api with query 'v=1/agents') or dropped with the
fragment ('http://h/api#x/agents' asks /api). The local server answers 404 for an
URL that looks right in the code; README ("Using the hosted API", "Networks": "Bad
paths or options raise julep.ConfigurationError when the client is built") - a
URL that can never work should be refused when the client is built. Needs no
server: prints the URL a call goes to. Exits 1 if either is accepted."""

import sys

import julep

bad = 0
for url in (
    "http://127.0.0.1:9/api?version=1",
    "http://127.0.0.1:9/api#section",
    "http://127.0.0.1:9/api?",
):
    try:
        client = julep.JulepApi(api_key="k" * 12, base_url=url, max_retries=0)
    except julep.ConfigurationError as exc:
        print(f"{url}: refused: {exc}")
        continue
    try:
        client.list_agents()
    except julep.APIError as exc:
        print(
            f"{url}: accepted; the call went to {getattr(exc, 'url', None) or str(exc)[:80]}  <- WRONG"
        )
    bad += 1
    client.close()
sys.exit(1 if bad else 0)
