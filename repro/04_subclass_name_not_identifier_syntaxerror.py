"""A subclass of a model whose __name__ is not a Python identifier (made with type()
or attrs.make_class: "Sub-1", "My Message", "Reply[int]") cannot be built at all:
every construction raises SyntaxError from the post-init that julep.models._unset
generates (cc26aff), which puts the class's name into the source of a def.
At dc9297b, and in julep 0.3.9, such a class builds.
"""

import sys

import julep

failed = False
for name in ("Sub-1", "My Message", "Reply[int]"):
    Sub = type(name, (julep.InputChatMlMessage,), {})
    try:
        message = Sub(role="user", content="hi")
        print(f"{name!r}: ok, name={message.name!r}")
    except SyntaxError as error:
        failed = True
        print(f"{name!r}: SyntaxError: {error}")
sys.exit(1 if failed else 0)
