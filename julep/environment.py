"""Named base URLs of the hosted API."""

from __future__ import annotations

import enum


class JulepApiEnvironment(enum.Enum):
    DEFAULT = "https://api-alpha.julep.ai/api"
