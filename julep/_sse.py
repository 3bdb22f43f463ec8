"""A pure decoder of server-sent events (the ``text/event-stream`` format).

It is fed the body's bytes in whatever chunks the network delivers and returns
the events they complete; it knows nothing of sockets, so it is tested without
a loop. It bounds its own memory: an event (or a line still waiting for its
end) larger than ``max_event_bytes`` is an error, never a growing buffer, and
so is text that is not UTF-8.
"""

from __future__ import annotations

import attrs

DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024

_BOM = "\ufeff"


@attrs.frozen
class Event:
    data: str
    event: str | None = None
    id: str | None = None


class EventStreamError(ValueError):
    """The body broke the event-stream format or its size limit.

    ``completed`` holds the events the same chunk completed before the fault:
    they arrived intact and are still the caller's to use.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.completed: list[Event] = []


class SSEDecoder:
    """Splits bytes into lines; ``field: value`` lines build an event, a blank line
    completes it. Comment lines (``: ping``) are keep-alives: they complete nothing.
    """

    def __init__(self, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._max_event_bytes = max_event_bytes
        self._line = bytearray()  # the start of a line whose end has not arrived
        self._after_cr = False  # the last chunk ended in CR: a LF opening the next one is its pair
        self._first_line = True
        self._data: list[str] = []
        self._event_bytes = 0  # bytes of the data lines kept for the current event
        self._event: str | None = None
        self._id: str | None = None

    def feed(self, chunk: bytes) -> list[Event]:
        """Take the next bytes of the body; return the events they complete, in order."""
        events: list[Event] = []
        try:
            self._feed(chunk, events)
        except EventStreamError as exc:
            exc.completed = events
            raise
        return events

    def _feed(self, chunk: bytes, events: list[Event]) -> None:
        if self._after_cr and chunk:
            self._after_cr = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        if b"\r" in chunk:
            # Rare: CRLF or a lone CR. Make every ending LF; a CR closing the
            # chunk may pair with a LF opening the next one.
            self._after_cr = chunk.endswith(b"\r")
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = chunk.split(b"\n")
        rest = lines.pop()  # the start of a line whose end has not arrived, or b""
        if lines and self._line:
            self._line += lines[0]
            lines[0] = bytes(self._line)
            self._line.clear()
        for line in lines:
            self._check_size(len(line))
            event = self._feed_line(self._decode(line), len(line))
            if event is not None:
                events.append(event)
        if rest:
            self._check_size(len(self._line) + len(rest))
            self._line += rest

    def _check_size(self, line_bytes: int) -> None:
        if self._event_bytes + line_bytes > self._max_event_bytes:
            raise EventStreamError(
                f"an event of the stream is larger than max_event_bytes={self._max_event_bytes}"
            )

    def _decode(self, line: bytes) -> str:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EventStreamError(
                f"the stream is not valid UTF-8 ({exc.reason} at byte {exc.start} of a line)"
            ) from None
        if self._first_line:
            self._first_line = False
            text = text.removeprefix(_BOM)
        return text

    def _feed_line(self, line: str, size: int) -> Event | None:
        """Take one line (without its line ending, ``size`` bytes long); return an
        event when one completes."""
        if not line:
            if not self._data:
                # No data line, no event (the spec's dispatch step): a block of
                # only ``event:`` or ``id:`` lines is nothing to deliver.
                self._event, self._event_bytes = None, 0
                return None
            event = Event(data="\n".join(self._data), event=self._event, id=self._id)
            self._data, self._event, self._event_bytes = [], None, 0
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
            self._event_bytes += size
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        return None
