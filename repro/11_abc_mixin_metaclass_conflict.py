"""A model subclass mixing in an abc.ABC interface no longer builds (regression).

julep 0.3.9 (pydantic ModelMetaclass derives from ABCMeta) and main before
2a306f8 (plain `type`) both allowed it; the new _ModelType(type) metaclass
conflicts with ABCMeta, so the class statement itself raises TypeError.
"""
import abc
import sys

from julep import InputChatMlMessage


class Renderable(abc.ABC):
    @abc.abstractmethod
    def render(self) -> str: ...


try:
    class Message(InputChatMlMessage, Renderable):
        def render(self) -> str:
            return f"{self.role}: {self.content}"
except TypeError as exc:
    print("FAIL:", exc)
    sys.exit(1)
print("ok:", Message(role="user", content="hi").render())
