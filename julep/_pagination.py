"""Walking a limit/offset list to its end."""

from __future__ import annotations

import typing

from ._logging import logger

_T = typing.TypeVar("_T")
_T_co = typing.TypeVar("_T_co", covariant=True)

MAX_PAGE_SIZE = 1000


def paginate(
    fetch: typing.Callable[[int, int], typing.Awaitable[typing.Sequence[_T] | None]],
    page_size: int,
) -> typing.AsyncIterator[_T]:
    """Every item, fetched ``page_size`` at a time with ``fetch(limit, offset)``.

    A page shorter than ``page_size`` is the last: no request is made after
    it. A server that ignores ``offset`` returns the same page again; that is
    detected and ends the walk instead of looping forever.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(f"page_size must be an int, got {page_size!r}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
    return _walk(fetch, page_size)


async def _walk(
    fetch: typing.Callable[[int, int], typing.Awaitable[typing.Sequence[_T] | None]],
    page_size: int,
) -> typing.AsyncIterator[_T]:
    offset = 0
    previous: list[_T] | None = None
    while True:
        page = list(await fetch(page_size, offset) or ())
        if previous is not None and page == previous:
            logger.warning(
                "the server returned the same page for offset %d as for offset %d; "
                "it seems to ignore offset, so the listing stops here",
                offset,
                offset - len(page),
            )
            return
        for item in page:
            yield item
        if len(page) < page_size:
            return
        offset += len(page)
        previous = page


class _Page(typing.Protocol[_T_co]):
    @property
    def items(self) -> typing.Sequence[_T_co] | None: ...


def paginate_items(
    list_page: typing.Callable[..., typing.Awaitable[_Page[_T]]],
    page_size: int,
    *args: typing.Any,
    **filters: typing.Any,
) -> typing.AsyncIterator[_T]:
    """Every item of a list operation, fetched as ``list_page(*args, limit=, offset=, ...)``."""

    async def fetch(limit: int, offset: int) -> typing.Sequence[_T] | None:
        return (await list_page(*args, limit=limit, offset=offset, **filters)).items

    return paginate(fetch, page_size)
