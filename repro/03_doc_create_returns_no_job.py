"""Creating a doc (or an agent/user with docs) answers ``jobs: []``. The Julep 0.3
server answered each with the id of the doc's embedding job, which clients polled
with get_job_status / waited for before searching (contract section 2, row 8: "ResourceCreatedResponse
(server also fills `jobs`)"; agents-api routers at b5c59b2a1: create_docs returns
jobs={job_id}, create_agent/create_user with docs jobs=set(job_ids)).
Code written for the hosted 0.3 API, ``wait_for_job(doc.jobs[0])``, fails with
IndexError against the local server. Expected: a job id that get_job_status knows.
"""

from julep import JulepApi
from julep.server import LocalServer

bad = 0
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    agent = client.create_agent(name="a")
    doc = client.create_agent_doc(agent.id, request={"title": "t", "content": "c"})
    print("create_agent_doc jobs:", doc.jobs)
    user = client.create_user(name="u")
    user_doc = client.create_user_doc(user.id, request={"title": "t", "content": "c"})
    print("create_user_doc jobs:", user_doc.jobs)
    with_docs = client.create_agent(name="b", docs=[{"title": "t", "content": "c"}])
    print("create_agent(docs=[...]) jobs:", with_docs.jobs)
    for created in (doc, user_doc, with_docs):
        if not created.jobs:
            bad += 1
            continue
        print("  job:", client.get_job_status(created.jobs[0]).state)
raise SystemExit(1 if bad else 0)
