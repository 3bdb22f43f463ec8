"""Ids in URL paths: the cache of ids that need no escaping changes no outcome."""

from __future__ import annotations

import hypothesis
import hypothesis.strategies as st

from julep import _params


def _outcome(value: object) -> tuple[object, ...]:
    try:
        return ("ok", _params.path_id("agent_id", value))
    except (TypeError, ValueError) as exc:
        return ("error", type(exc).__name__, str(exc))


class _Str(str):
    __slots__ = ()


_IDS = (
    st.text(max_size=12)
    | st.text("ab.-_~%/ ", max_size=4)
    | st.sampled_from([".", "..", "a..b", "", " ", "2f1b7c3e-0000-4000-8000-000000000001"])
)


@hypothesis.given(value=_IDS | _IDS.map(_Str) | st.integers() | st.none())
def test_an_id_reads_the_same_cold_and_warm(value: object) -> None:
    _params._RECENT_SAFE_IDS.clear()
    cold = _outcome(value)
    assert _outcome(value) == _outcome(value) == cold
    if value.__class__ is not str:
        assert not any(key.__class__ is not str for key in _params._RECENT_SAFE_IDS)
    assert "." not in _params._RECENT_SAFE_IDS and ".." not in _params._RECENT_SAFE_IDS


def test_the_cache_stays_bounded_whatever_the_ids() -> None:
    for index in range(5 * _params._MAX_RECENT_SAFE_IDS):
        assert _params.path_id("agent_id", f"id-{index}") == f"id-{index}"
        assert len(_params._RECENT_SAFE_IDS) <= _params._MAX_RECENT_SAFE_IDS


class _ClaimsToBeStr:
    """Not a str, but says so through ``__class__`` and hashes and compares like one."""

    __class__ = str  # type: ignore[assignment]

    def __hash__(self) -> int:
        return hash("cached-id")

    def __eq__(self, other: object) -> bool:
        return other == "cached-id"


def test_an_object_claiming_to_be_a_str_is_not_answered_from_the_cache() -> None:
    """A warm cache must not hand back a non-str that compares equal to a cached id (a cold
    one refuses it, as the regex takes only real strings)."""
    _params._RECENT_SAFE_IDS.clear()
    cold = _outcome(_ClaimsToBeStr())
    assert _params.path_id("agent_id", "cached-id") == "cached-id"
    assert _outcome(_ClaimsToBeStr()) == cold
    assert cold[0] == "error"
