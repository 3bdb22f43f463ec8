"""A subclass's own __init__ raising TypeError is retried without its own keywords.

The metaclass catches every TypeError of the first call, even one raised inside
the subclass's __init__ (its body ran: side effects twice), names the
subclass's own keyword as "no field", drops it, calls again, and the caller
sees "missing 1 required keyword-only argument: 'note'" instead of their error.
"""
import sys
import warnings

from julep import InputChatMlMessage

calls = []


class Noted(InputChatMlMessage):
    def __init__(self, *, note, **fields):
        calls.append(note)
        if not isinstance(note, str):
            raise TypeError("note must be a str")
        super().__init__(**fields)
        object.__setattr__(self, "_note", note)


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        Noted(note=3, role="user", content="x")
    except TypeError as exc:
        message = str(exc)
print("error seen:", message)
print("warnings:", [str(w.message)[:60] for w in caught])
print("__init__ ran", len(calls), "times")
sys.exit(0 if message == "note must be a str" and not caught and len(calls) == 1 else 1)
