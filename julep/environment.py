"""Named base URLs of the hosted API."""

from __future__ import annotations

import enum


class JulepApiEnvironment(enum.Enum):
    """The hosted API's base URLs; ``DEFAULT`` is used when no ``base_url`` is given."""

    DEFAULT = "https://api-alpha.julep.ai/api"
