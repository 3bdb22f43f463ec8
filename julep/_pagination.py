"""Walking a limit/offset list to its end."""

from __future__ import annotations

import re
import typing

from ._shown import shown
from .errors import APIError, UnprocessableEntityError

_T = typing.TypeVar("_T")
_T_co = typing.TypeVar("_T_co", covariant=True)

MAX_PAGE_SIZE = 1000
# How many ids a walk remembers to notice a server that ignores offset.
MAX_TRACKED_IDS = 100_000


def paginate(
    fetch: typing.Callable[[int, int], typing.Awaitable[typing.Sequence[_T] | None]],
    page_size: int,
) -> typing.AsyncIterator[_T]:
    """Every item, fetched ``page_size`` at a time with ``fetch(limit, offset)``.

    A page shorter than ``page_size`` is the last: no request is made after
    it. A server that refuses ``page_size`` items because they hold too much
    text (the local server's 422 saying how many fit) is asked again for that
    many, and the walk goes on at that size. A server that ignores ``offset``
    returns the same items again, in any order; a full page with no item not
    already listed raises ``APIError`` instead of looping forever. The ids of
    the first ``MAX_TRACKED_IDS`` items are remembered for that (a few MB at
    most); past them, pages are checked against those only.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(f"page_size must be an int, got {shown(page_size)}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {shown(page_size)}")
    return _walk(fetch, page_size)


async def _walk(
    fetch: typing.Callable[[int, int], typing.Awaitable[typing.Sequence[_T] | None]],
    page_size: int,
) -> typing.AsyncIterator[_T]:
    offset = 0
    seen: set[typing.Hashable] = set()
    while True:
        try:
            page = list(await fetch(page_size, offset) or ())
        except UnprocessableEntityError as error:
            fits = _items_that_fit(error)
            if fits is None or not 1 <= fits < page_size:
                raise
            page_size = fits  # a page of big items: ask for as many as the server sends
            continue
        keys = [_key(item) for item in page]
        if page and all(key is not None and key in seen for key in keys):
            raise APIError(
                f"the server returned only items already listed for offset {offset}: "
                "it seems to ignore offset, so the listing cannot go on "
                "(or the list changed under the walk)"
            )
        for key in keys:
            if key is not None and len(seen) < MAX_TRACKED_IDS:
                seen.add(key)
        for item in page:
            yield item
        if len(page) < page_size:
            return
        offset += len(page)


# The local server's answer to a page holding more text than it sends at once
# (README, "Bounded input"): "... the first N fit, so ask for limit=N or less".
_FITS = re.compile(r"^limit: .* so ask for limit=(\d+) or less")


def _items_that_fit(error: UnprocessableEntityError) -> int | None:
    """The ``limit`` a 422 refusing a too-large page asks for, if it is one."""
    detail = error.body.get("detail") if isinstance(error.body, dict) else None
    match = _FITS.match(detail) if isinstance(detail, str) else None
    return int(match.group(1)) if match else None


def _key(item: object) -> typing.Hashable | None:
    """What tells ``item`` apart: its ``id``, else the item itself if hashable."""
    key = getattr(item, "id", None)
    if isinstance(key, str):
        return key
    try:
        hash(item)  # a frozen model holding a list or dict is not
    except TypeError:
        return None  # not trackable: always counts as new
    return item


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
