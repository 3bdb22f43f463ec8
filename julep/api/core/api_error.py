"""``ApiError``, where julep 0.3.x code imports it from.

It is the base of :class:`julep.errors.APIStatusError`, so ``except ApiError``
still catches every non-2xx response, with ``status_code`` and ``body``.
"""

from ..._api_error import ApiError

__all__ = ["ApiError"]
