"""``julep.api.environment``, as julep 0.3.x code imports it."""

from ..environment import JulepApiEnvironment

__all__ = ["JulepApiEnvironment"]
