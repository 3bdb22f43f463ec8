"""The Python SDK for the Julep agents API.

``AsyncJulepApi`` is the asynchronous client (aiohttp); ``JulepApi`` is the same
client for synchronous code. Every model and enum of the API is importable
from here, and the errors from ``julep.errors``.
"""

from . import errors, models
from ._config import RetryPolicy, Timeout
from ._types import OMIT
from ._version import __version__
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
    ConfigurationError,
    ConflictError,
    InternalServerError,
    JulepError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    StreamError,
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
    "StreamError",
    "Timeout",
    "UnprocessableEntityError",
    "__version__",
    "errors",
]
__all__ += models.__all__
