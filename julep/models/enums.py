"""Every enum the API uses, under the names julep 0.3.x gave them.

Members are ``str`` subclasses, so ``role == "user"`` holds and the JSON
encoder writes the plain value.
"""

from __future__ import annotations

import enum
import typing

from ._enum_values import lenient_enum


class _StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)

    def __reduce_ex__(self, protocol: object) -> tuple[typing.Any, ...]:
        # A pseudo-member (a value a response had that this SDK does not know)
        # is rebuilt as one: Enum's own reduce calls cls(value), which refuses it.
        cls = type(self)
        if cls._value2member_map_.get(self._value_) is self:
            return (cls, (self._value_,))
        return (lenient_enum, (cls, self._value_))


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
