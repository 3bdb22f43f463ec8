"""``ApiError``, the one error class of julep 0.3.x.

It is the base of :class:`julep.errors.APIStatusError`, so ``except ApiError``
still catches every non-2xx response. It lives apart from ``julep.api`` so that
``julep.errors`` can import it without importing the client.
"""

from __future__ import annotations

import typing


class ApiError(Exception):
    """The error julep 0.3.x raised for a non-2xx response; every ``APIStatusError`` is one."""

    status_code: int | None
    body: typing.Any

    def __init__(
        self, *args: object, status_code: int | None = None, body: typing.Any = None
    ) -> None:
        super().__init__(*args)
        self.status_code = status_code
        self.body = body

    def __str__(self) -> str:
        return f"status_code: {self.status_code}, body: {self.body}"
