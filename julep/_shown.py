"""A value as an error message shows it."""

from __future__ import annotations


def shown(value: object) -> str:
    """``repr(value)``, or what it is when its repr fails.

    An argument's error message must name the argument whatever was passed: an
    int of more digits than ``sys.get_int_max_str_digits()`` has no repr
    (``ValueError: Exceeds the limit (4300 digits)``), nor has an object whose
    ``__repr__`` raises, and either would replace the message with its own error.
    """
    try:
        return repr(value)
    except Exception:  # whatever a caller's __repr__ raises
        if isinstance(value, int):
            sign = "a negative" if value < 0 else "an"
            return f"{sign} int of {value.bit_length()} bits"
        return f"a {type(value).__name__} whose repr() fails"
