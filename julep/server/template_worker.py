"""The process that renders session templates (started by ``templates``; not imported by it).

A template is a small program written by whoever can create a session: it can
loop for hours or build gigabytes in one C call (``'x' * 10**9``, a long
``join``) that no check inside the same process can interrupt. So templates
render here, in a child process with a cap on its address space; the server
waits for each answer with a deadline and kills this process when it passes.

It runs as a script, so it imports only the standard library and Jinja, and
starts quickly. Protocol: one JSON object a
line on stdin, ``{"template": ..., "variables": ...}``; one a line on stdout,
``{"text": ...}`` or ``{"error": ...}``.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import typing

from jinja2 import Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

# What rendering may add to a template's own length, and the most any string or list
# built on the way may hold.
MAX_OUTPUT_CHARS = 256 * 1024
# Templates longer than this are compiled for each use, not kept: 256 kept templates
# of a few MB each (long docs) outgrew MEMORY_BYTES, and then every template failed.
MAX_CACHED_CHARS = 64 * 1024
MAX_INT_BITS = 64 * 1024  # ints beyond this make ``**`` and ``*`` slow C calls
MEMORY_BYTES = 512 * 2**20  # the worker's address space; beyond it allocations fail


class TemplateLimitError(Exception):
    """A template went past a size limit."""


def _size(value: object) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _check_binop(operator_: str, left: object, right: object) -> None:
    """Refuse ``*``, ``+`` and ``**`` whose result would be too large, before computing it."""
    if operator_ == "*":
        for seq, count in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(count, int) and size * count > MAX_OUTPUT_CHARS:
                raise TemplateLimitError(
                    f"the result of * would hold {size * count} items; the limit is"
                    f" {MAX_OUTPUT_CHARS}"
                )
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() + right.bit_length() > MAX_INT_BITS
        ):
            raise TemplateLimitError(f"the result of * would exceed {MAX_INT_BITS} bits")
    elif operator_ == "+":
        left_size, right_size = _size(left), _size(right)
        if (
            left_size is not None
            and right_size is not None
            and left_size + right_size > MAX_OUTPUT_CHARS
        ):
            raise TemplateLimitError(
                f"the result of + would hold {left_size + right_size} items; the limit is"
                f" {MAX_OUTPUT_CHARS}"
            )
    elif (
        operator_ == "**"
        and isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and max(left.bit_length(), 1) * right > MAX_INT_BITS
    ):
        raise TemplateLimitError(f"the result of ** would exceed {MAX_INT_BITS} bits")


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with size checks on the operators that multiply data."""

    intercepted_binops = frozenset({"*", "+", "**"})

    def call_binop(
        self, context: typing.Any, operator_: str, left: typing.Any, right: typing.Any
    ) -> typing.Any:
        _check_binop(operator_, left, right)
        return super().call_binop(context, operator_, left, right)


# The 0.3 server's settings, so a template renders the same here.
ENV = BoundedEnvironment(autoescape=False, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


@functools.lru_cache(maxsize=256)
def _compile_cached(source: str) -> Template:
    return ENV.from_string(source)


def _compile(source: str) -> Template:
    return _compile_cached(source) if len(source) <= MAX_CACHED_CHARS else ENV.from_string(source)


_DELIMITERS = (
    ENV.variable_start_string,
    ENV.block_start_string,
    ENV.comment_start_string,
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks Jinja knows


def as_plain_text(source: str) -> str | None:
    """What ``source`` renders to when it holds no template syntax, else None.

    Jinja renders such a text as written, but for its line breaks (each becomes
    ``\\n``) and one trailing line break (dropped); it needs no compiling, so a
    long doc or about renders at once, whatever its length.
    """
    if any(delimiter in source for delimiter in _DELIMITERS):
        return None
    lines = _LINE_BREAK.split(source)
    if lines[-1] == "":
        del lines[-1]
    return "\n".join(lines)


def render(source: str, variables: dict[str, typing.Any]) -> str:
    """``source`` rendered, stopping as soon as its output is ``MAX_OUTPUT_CHARS`` longer
    than ``source`` itself (a long text is not refused for its own length)."""
    plain = as_plain_text(source)
    if plain is not None:
        return plain
    limit = len(source) + MAX_OUTPUT_CHARS
    pieces: list[str] = []
    total = 0
    for piece in _compile(source).generate(variables):
        total += len(piece)
        if total > limit:
            raise TemplateLimitError(
                f"the rendered text is more than {MAX_OUTPUT_CHARS} characters longer than"
                " its template"
            )
        pieces.append(piece)
    return "".join(pieces)


def reason(exc: BaseException) -> str:
    """What went wrong, never empty (a MemoryError has no message of its own)."""
    if isinstance(exc, MemoryError):
        return f"the template needs more than {MEMORY_BYTES // 2**20} MiB of memory"
    if isinstance(exc, RecursionError):
        return "the template recurses too deeply"
    text = str(exc)
    return text if text else type(exc).__name__


def _limit_memory() -> None:
    try:
        import resource  # noqa: PLC0415 (POSIX only)
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(MEMORY_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> None:
    _limit_memory()
    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = {"text": render(request["template"], request["variables"])}
        except Exception as exc:  # the template's failure is reported, and the worker goes on
            answer = {"error": reason(exc)}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
