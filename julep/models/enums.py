"""Every enum the API uses, under the names julep 0.3.x gave them.

Members are ``str`` subclasses, so ``role == "user"`` holds and the JSON
encoder writes the plain value.
"""

from __future__ import annotations

import enum


class _StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class SortBy(_StrEnum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


class Order(_StrEnum):
    ASC = "asc"
    DESC = "desc"


# julep 0.3.x had one sort/order enum per list operation; they are the same
# values, so the per-operation names are aliases of one class each.
ListAgentsRequestSortBy = ListUsersRequestSortBy = ListSessionsRequestSortBy = SortBy
GetAgentDocsRequestSortBy = GetUserDocsRequestSortBy = SortBy
ListAgentsRequestOrder = ListUsersRequestOrder = ListSessionsRequestOrder = Order
GetAgentDocsRequestOrder = GetUserDocsRequestOrder = Order


class ChatSettingsPreset(_StrEnum):
    PROBLEM_SOLVING = "problem_solving"
    CONVERSATIONAL = "conversational"
    FUN = "fun"
    PROSE = "prose"
    CREATIVE = "creative"
    BUSINESS = "business"
    DETERMINISTIC = "deterministic"
    CODE = "code"
    MULTILINGUAL = "multilingual"


AgentDefaultSettingsPreset = ChatSettingsPreset


class InputChatMlMessageRole(_StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    FUNCTION_CALL = "function_call"
    FUNCTION = "function"
    AUTO = "auto"


class ChatMlMessageRole(_StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    FUNCTION_CALL = "function_call"
    FUNCTION = "function"


class ChatMlImageContentPartImageUrlDetail(_StrEnum):
    LOW = "low"
    HIGH = "high"
    AUTO = "auto"


class ChatResponseFinishReason(_StrEnum):
    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"
    FUNCTION_CALL = "function_call"


class ChatSettingsResponseFormatType(_StrEnum):
    TEXT = "text"
    JSON_OBJECT = "json_object"
    REGEX = "regex"


class ToolType(_StrEnum):
    FUNCTION = "function"
    WEBHOOK = "webhook"


CreateToolRequestType = ToolType


class SuggestionTarget(_StrEnum):
    USER = "user"
    AGENT = "agent"


class JobStatusState(_StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    ABORTED = "aborted"
    FAILED = "failed"
    UNKNOWN = "unknown"
