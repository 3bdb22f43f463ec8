"""The OpenAPI document describes every operation of the contract."""

from __future__ import annotations

import aiohttp
import pytest

from julep.server import LocalServer

from .helpers import Api

pytestmark = pytest.mark.anyio

OPERATIONS = {
    "list_agents", "create_agent", "get_agent", "update_agent", "patch_agent", "delete_agent",
    "get_agent_docs", "create_agent_doc", "delete_agent_doc", "get_agent_memories",
    "delete_agent_memory", "get_agent_tools", "create_agent_tool", "update_agent_tool",
    "patch_agent_tool", "delete_agent_tool", "list_users", "create_user", "get_user",
    "update_user", "patch_user", "delete_user", "get_user_docs", "create_user_doc",
    "delete_user_doc", "list_sessions", "create_session", "get_session", "update_session",
    "patch_session", "delete_session", "chat", "get_history", "delete_session_history",
    "get_suggestions", "get_job_status",
}  # fmt: skip


async def test_every_operation_is_documented(api: Api) -> None:
    """The document has the 36 operations, each with its success status and schemas."""
    document = (await api.get("/openapi.json")).body
    assert document["openapi"].startswith("3.1")
    found = {
        spec["operationId"]: (method, path, spec)
        for path, methods in document["paths"].items()
        for method, spec in methods.items()
    }
    assert set(found) == OPERATIONS
    method, path, create = found["create_agent"]
    assert (method, path) == ("post", "/agents")
    assert set(create["responses"]) == {"201", "413", "415", "421", "422"}
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateAgentRequest"
    }
    assert "202" in found["delete_agent"][2]["responses"]
    chat = found["chat"][2]["responses"]["200"]["content"]
    assert set(chat) == {"application/json", "text/event-stream"}


async def test_schemas_use_wire_names_and_required_fields(api: Api) -> None:
    """Component schemas show wire names and which fields are required."""
    schemas = (await api.get("/openapi.json")).body["components"]["schemas"]
    assert "continue" in schemas["InputChatMlMessage"]["properties"]
    assert schemas["Agent"]["required"] == ["id", "name", "model"]
    assert schemas["ChatRequest"]["properties"]["messages"]["minItems"] == 1
    assert "pattern" not in schemas["FunctionDef"]["properties"]["name"]  # any name, as 0.3 took


async def test_a_keyed_server_documents_its_security() -> None:
    """With an API key the document declares the Authorization scheme and the 403."""
    async with LocalServer(api_key="k") as server, aiohttp.ClientSession() as session:
        document = (await Api(session, server.base_url).get("/openapi.json")).body
    assert document["security"] == [{"api-key": []}]
    assert document["components"]["securitySchemes"]["api-key"]["name"] == "Authorization"
    assert "403" in document["paths"]["/agents"]["get"]["responses"]


async def test_a_dev_mode_server_documents_no_security(api: Api) -> None:
    """Without a key no request needs one, and the document says so."""
    document = (await api.get("/openapi.json")).body
    assert document["security"] == []
