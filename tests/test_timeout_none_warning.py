"""timeout=None warns at the user's own line, for both clients and with_options."""

from __future__ import annotations

import warnings

import julep

_KW = {"api_key": "dev-key", "base_url": "http://127.0.0.1:9/api"}


def test_timeout_none_warning_points_at_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        julep.JulepApi(timeout=None, **_KW)
        julep.AsyncJulepApi(timeout=None, **_KW)
        julep.JulepApi(**_KW).with_options(timeout=None)
        julep.AsyncJulepApi(**_KW).with_options(timeout=None)
        julep.Timeout.of(None)
    assert [w.filename for w in caught] == [__file__] * 5, [(w.filename, w.lineno) for w in caught]
    assert len({w.lineno for w in caught}) == 5
