"""Model backends: what turns an assembled prompt into a reply.

``echo`` is an offline, deterministic stand-in model; ``openai`` calls any
OpenAI-compatible ``/chat/completions`` endpoint.
"""

from __future__ import annotations

from ..config import ServerConfig
from ._types import Backend, BackendError, Completion, Message, Prompt, RecalledDoc, Settings
from .echo import EchoBackend
from .openai_compat import OpenAIBackend

__all__ = [
    "Backend",
    "BackendError",
    "Completion",
    "EchoBackend",
    "Message",
    "OpenAIBackend",
    "Prompt",
    "RecalledDoc",
    "Settings",
    "make_backend",
]


def make_backend(config: ServerConfig) -> Backend:
    """The backend ``config.model`` names (the config checked that openai has a URL)."""
    if config.model == "openai":
        assert config.model_url is not None
        return OpenAIBackend(config.model_url, api_key=config.model_key)
    return EchoBackend()
