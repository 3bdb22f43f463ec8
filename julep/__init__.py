"""The Python SDK for the Julep agents API.

``AsyncJulepApi`` is the asynchronous client (aiohttp); ``JulepApi`` is the same
client for synchronous code. Every model and enum of the API is importable
from here, and the errors from ``julep.errors``.
"""

from __future__ import annotations

import importlib
import typing

from ._version import __version__

# Everything else is imported on first use (PEP 562), so `import julep`, and the
# pytest plugin that lives in this package, load no aiohttp, anyio, attrs or cattrs.
if typing.TYPE_CHECKING:
    from . import errors, models
    from ._config import RetryPolicy, Timeout
    from ._types import OMIT
    from .client import AsyncJulepApi, JulepApi
    from .environment import JulepApiEnvironment
    from .errors import (
        APIConnectionError,
        APIError,
        ApiError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ClientClosedError,
        ConfigurationError,
        ConflictError,
        InternalServerError,
        JulepError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        ResponseValidationError,
        StreamConnectionError,
        StreamError,
        StreamTimeoutError,
        UnknownFieldWarning,
        UnprocessableEntityError,
    )
    from .models import *  # noqa: F403 - every model and enum is public

__all__ = [
    "OMIT",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiError",
    "AsyncJulepApi",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "JulepApi",
    "JulepApiEnvironment",
    "JulepError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "StreamConnectionError",
    "StreamError",
    "StreamTimeoutError",
    "Timeout",
    "UnknownFieldWarning",
    "UnprocessableEntityError",
    "__version__",
    "errors",
]
if typing.TYPE_CHECKING:
    __all__ += models.__all__
else:
    _EXPLICIT = tuple(__all__)
    del __all__  # completed with every model and enum by __getattr__, on first use
    _HOMES = {
        "RetryPolicy": "_config",
        "Timeout": "_config",
        "OMIT": "_types",
        "AsyncJulepApi": "client",
        "JulepApi": "client",
        "JulepApiEnvironment": "environment",
    }

    def __getattr__(name: str) -> typing.Any:
        if name == "__all__":
            value: typing.Any = [*_EXPLICIT, *_module("models").__all__]
        elif name in ("api", "client", "environment", "errors", "models"):
            # Submodules, as attributes of the package: julep 0.3.9's __init__
            # imported julep.api and julep.client, so `import julep` then
            # `julep.api.core.api_error.ApiError` or `julep.client.JulepApi` worked.
            value = _module(name)
        elif name in _HOMES:
            value = getattr(_module(_HOMES[name]), name)
        elif name in _module("models").__all__:
            value = getattr(_module("models"), name)
        else:
            # Any exception class of julep.errors (not its helper functions).
            value = getattr(_module("errors"), name, None)
            if not (isinstance(value, type) and issubclass(value, Exception)):
                raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__getattr__("__all__")})

    def _module(name: str) -> typing.Any:
        return importlib.import_module(f"{__name__}.{name}")
