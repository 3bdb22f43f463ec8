"""Where julep 0.3.x code imports the client, models and environment from."""

from ..client import AsyncJulepApi, JulepApi
from ..environment import JulepApiEnvironment
from ..models import *  # noqa: F403
from ..models import __all__ as _models_all

__all__ = ["AsyncJulepApi", "JulepApi", "JulepApiEnvironment", *_models_all]
