"""``julep.api.types``, as julep 0.3.x code imports the models from it.

julep 0.3.9 kept each model in a module of its own name, snake-cased
(``julep.api.types.chat_ml_message`` held ``ChatMlMessage``). Those modules are
made here, one attribute each, and entered in ``sys.modules`` so that
``from julep.api.types.agent import Agent`` finds them without a file each.
"""

import re
import sys
import types as _module_types

from ... import models
from ...models import *  # noqa: F403

__all__ = list(models.__all__)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _add_model_modules() -> None:
    package = sys.modules[__name__]
    for name in models.__all__:
        if "_" in name:  # the union members of 0.3.9 (ChatMlMessageContentItem_Text): below
            continue
        module_name = _snake_case(name)
        module = _module_types.ModuleType(f"{__name__}.{module_name}", f"julep 0.3.x's {name}.")
        setattr(module, name, getattr(models, name))
        module.__all__ = [name]  # type: ignore[attr-defined]
        sys.modules.setdefault(module.__name__, module)
        setattr(package, module_name, sys.modules[module.__name__])
    # 0.3.9 defined a union's members in the union's module
    # (julep.api.types.chat_ml_message_content_item.ChatMlMessageContentItem_Text).
    for name in models.__all__:
        union, _, member = name.partition("_")
        holder = sys.modules.get(f"{__name__}.{_snake_case(union)}")
        if member and holder is not None and not hasattr(holder, name):
            setattr(holder, name, getattr(models, name))
            holder.__all__.append(name)


_add_model_modules()
