"""A user's subclass of a request model with its own __attrs_post_init__ (calling
super(), as attrs documents) runs it for the first instance only: the base's
post-init (julep/models/_unset.py via Model.__attrs_post_init__) assigns the
generated function to the subclass, replacing the user's method on the class.

Expected: every instance runs the subclass's post-init. Exits 1 when not."""
import sys
import attrs
from julep.models import InputChatMlMessage

calls = []


@attrs.frozen(kw_only=True)
class TracedMessage(InputChatMlMessage):
    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        calls.append(self.content)


for text in ("one", "two", "three"):
    TracedMessage(role="user", content=text)
print("post-init ran for", calls)
print("TracedMessage.__attrs_post_init__ is now", TracedMessage.__attrs_post_init__)
sys.exit(0 if calls == ["one", "two", "three"] else 1)
