"""``julep.api.client``, as julep 0.3.x code imports it."""

from .._types import OMIT
from ..client import AsyncJulepApi, JulepApi

__all__ = ["OMIT", "AsyncJulepApi", "JulepApi"]
