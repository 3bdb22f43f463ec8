"""Where julep 0.3.x code imports the client, models and environment from."""

from .. import models
from ..client import AsyncJulepApi, JulepApi
from ..environment import JulepApiEnvironment
from ..models import *  # noqa: F403
from . import client, core, environment, types  # noqa: F401 - attributes of julep.api, as on 0.3.9

__all__ = ["AsyncJulepApi", "JulepApi", "JulepApiEnvironment"]
__all__ += models.__all__
