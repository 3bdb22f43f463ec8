"""Small output-format differences vs 0.3.9 (pydantic 2 underneath):
.json() writes datetimes as '+00:00' where 0.3.9 wrote 'Z'; str(enum)/f'{enum}' gives the value
('user') where 0.3.9 gave 'InputChatMlMessageRole.USER'."""
import sys
from julep.api import InputChatMlMessageRole
from julep.api.client import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    s = client.get_agent(client.create_agent(name="A").id).json()
    i = s.index('"created_at"'); print(s[i:i + 50])
print(str(InputChatMlMessageRole.USER), f"{InputChatMlMessageRole.USER}")
sys.exit(1 if "+00:00" in s[i:i+50] else 0)
