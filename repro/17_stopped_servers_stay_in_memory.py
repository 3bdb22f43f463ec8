"""Every stopped LocalServer that served a request stays in memory (its aiohttp
application, router, state and 57 KB OpenAPI document), up to aiohttp's cache of
1,024 built middleware chains: a test session using the julep_server fixture grows by
about 120 KB per test, some 40 MB per 300 tests, before it levels off.

aiohttp.web_app._cached_build_middleware is an lru_cache keyed by (handler, apps):
each route a server answered keeps that server's Application alive after stop().

Expected: no stopped server's application is still alive after gc.
"""

import gc
import logging
import sys
import urllib.request
import weakref

from julep.server import LocalServer

logging.disable(logging.WARNING)
apps = []
for _ in range(20):
    with LocalServer() as server:
        apps.append(weakref.ref(server._runner.app))  # type: ignore[union-attr]
        urllib.request.urlopen(server.base_url + "/agents", timeout=10).read()
gc.collect()
alive = sum(ref() is not None for ref in apps)
print(f"{alive} of 20 stopped servers' applications are still in memory")
sys.exit(1 if alive else 0)
