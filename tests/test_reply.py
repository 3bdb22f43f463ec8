"""The one-shot reply a sync call waits on: set once, from any thread, read by its caller."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from julep._reply import Reply


def test_a_result_set_is_returned_and_the_reply_is_done() -> None:
    """result() returns what set_result put in; done() turns true then."""
    reply: Reply[object] = Reply()
    assert not reply.done()
    value = object()
    assert reply.set_result(value)
    assert reply.done()
    assert reply.result() is value
    assert reply.result() is value  # a second read sees the same


def test_an_exception_set_is_raised_as_the_same_object() -> None:
    """result() raises the very exception set, so its type, args and notes are kept."""
    reply: Reply[object] = Reply()
    error = ValueError("bad")
    assert reply.set_exception(error)
    with pytest.raises(ValueError) as caught:
        reply.result()
    assert caught.value is error


def test_only_the_first_outcome_counts() -> None:
    """An outcome set after another (a call ending as close() fails it) is ignored."""
    reply: Reply[int] = Reply()
    assert reply.set_exception(RuntimeError("closed"))
    assert not reply.set_result(1)
    assert not reply.set_exception(KeyError("late"))
    with pytest.raises(RuntimeError, match="closed"):
        reply.result()


def test_a_timed_wait_without_an_outcome_raises_timeout_and_can_wait_again() -> None:
    """result(timeout) gives up with TimeoutError, and a later set is still read."""
    reply: Reply[str] = Reply()
    with pytest.raises(TimeoutError):
        reply.result(timeout=0.01)
    reply.set_result("late")
    assert reply.result(timeout=0.01) == "late"


def test_a_waiter_in_another_thread_wakes_when_the_outcome_is_set() -> None:
    """The caller blocked in result() returns once the loop's thread sets the result."""
    reply: Reply[str] = Reply()
    got: list[str] = []
    waiter = threading.Thread(target=lambda: got.append(reply.result(timeout=10)))
    waiter.start()
    reply.set_result("ok")
    waiter.join(timeout=10)
    assert got == ["ok"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=2, max_size=8))
def test_of_setters_racing_in_threads_exactly_one_wins(as_error: list[bool]) -> None:
    """Setters started together in threads: one reports success and its outcome is read."""
    reply: Reply[int] = Reply()
    start = threading.Barrier(len(as_error))
    won: list[int] = []

    def set_one(index: int) -> None:
        start.wait(timeout=10)
        outcome = IndexError(index) if as_error[index] else None
        if reply.set_exception(outcome) if outcome is not None else reply.set_result(index):
            won.append(index)

    threads = [threading.Thread(target=set_one, args=(i,)) for i in range(len(as_error))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(won) == 1
    winner = won[0]
    if as_error[winner]:
        with pytest.raises(IndexError) as caught:
            reply.result(timeout=1)
        assert caught.value.args == (winner,)
    else:
        assert reply.result(timeout=1) == winner
