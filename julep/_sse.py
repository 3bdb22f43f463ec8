"""A pure decoder of server-sent events (the ``text/event-stream`` format).

It is fed lines and returns complete events; it knows nothing of sockets, so
it is tested without a loop.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Event:
    data: str
    event: str | None = None
    id: str | None = None


class SSEDecoder:
    """Collects ``field: value`` lines; a blank line completes an event.

    Comment lines (``: ping``) are keep-alives: they complete nothing.
    """

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None

    def feed(self, line: str) -> Event | None:
        """Take one line (without its line ending); return an event when one completes."""
        if not line:
            if not self._data and self._event is None:
                return None
            event = Event(data="\n".join(self._data), event=self._event, id=self._id)
            self._data, self._event = [], None
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        return None
