"""get_job_status of an unknown job id: the Julep 0.3 server answered 400
{"error": {"message": "job not found or invalid", ...}} (contract section 2 row 36 and
section 5 "unknown job | 400"); the local server answers 404 {"detail": "Job not found"}.
Code written for the hosted 0.3 API that expects the 400 (ApiError.status_code == 400)
sees a 404 here. README: "copies that server where users could tell the difference".
(Whether 404 is the better answer is a choice; it is not recorded in README.)
"""

import uuid

from julep import APIStatusError, JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    try:
        client.get_job_status(str(uuid.uuid4()))
    except APIStatusError as exc:
        print("unknown job:", exc.status_code, exc.body)
        raise SystemExit(0 if exc.status_code == 400 else 1)
