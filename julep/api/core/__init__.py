"""julep 0.3.x kept ``ApiError`` here."""

from .api_error import ApiError

__all__ = ["ApiError"]
