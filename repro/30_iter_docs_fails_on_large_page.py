"""README: "iter_agents, ..., iter_agent_docs, ... iter_history ... walk every page".
Against the SDK's own local server, an agent with 6 docs of 3 MiB each (each well under
the 4 MiB body limit) cannot be walked with iter_agent_docs() at its default page_size:
the server refuses a 100-item page holding more than 16 Mi characters with a 422 that
says how many fit, and the iterator raises it instead of asking for that many.
Exits 1 while the defect is there."""

import sys

import julep
from julep import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    agent = client.create_agent(name="Librarian")
    for i in range(6):
        client.create_agent_doc(agent.id, request={"title": f"t{i}", "content": "q" * (3 * 1024 * 1024)})
    try:
        titles = [doc.title for doc in client.iter_agent_docs(agent.id)]
    except julep.UnprocessableEntityError as error:
        print("iter_agent_docs raised:", error)
        sys.exit(1)
    print("walked", len(titles), "docs")
    sys.exit(0 if len(titles) == 6 else 1)
