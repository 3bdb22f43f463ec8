"""wait_for_job on a closed JulepApi leaves a coroutine never awaited: RuntimeWarning
"coroutine 'AsyncJulepApi.get_job_status' was never awaited" (under pytest's
filterwarnings = error, which the project's own suite uses, a PytestUnraisableExceptionWarning
that fails the caller's test). AsyncJulepApi's closed wait_for_job warns nothing; every other
method of a closed JulepApi warns nothing.

Cause: on a closed client the sync twin runs the coroutine's argument checks in the caller's
thread, with no event loop; _poll_within made get_job_status(job_id) before arming
asyncio.timeout(), which needs a running loop, so the poll coroutine was dropped unawaited.
Exits 1 while the warning appears.
"""

import gc
import sys
import warnings

from julep import ClientClosedError, JulepApi

client = JulepApi(api_key="any", base_url="http://127.0.0.1:9/api")
client.close()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        client.wait_for_job("00000000-0000-4000-8000-000000000000", timeout=1)
    except ClientClosedError as exc:
        print("raised as expected:", exc)
    gc.collect()
for warning in caught:
    print("WARNING:", warning.category.__name__, warning.message)
sys.exit(1 if caught else 0)
