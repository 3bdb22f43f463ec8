"""``julep.api.client``, as julep 0.3.x code imports it.

julep 0.3.9's module also held, through its own imports, the models its
methods take and return, the environment and ``ApiError``; code that
imported them from here (``from julep.api.client import CreateDoc``) runs too.
"""

from .._types import OMIT
from ..client import AsyncJulepApi, JulepApi
from ..environment import JulepApiEnvironment  # noqa: F401
from ..models import *  # noqa: F403
from .core.api_error import ApiError  # noqa: F401

__all__ = ["OMIT", "AsyncJulepApi", "JulepApi"]
