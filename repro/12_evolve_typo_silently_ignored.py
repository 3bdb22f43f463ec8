"""attrs.evolve with a misspelt field now returns an unchanged copy (regression).

README (Models section) shows attrs.evolve(settings, top_p=0.9) as the way to
change a field. Before 2a306f8 a typo (topp=) raised TypeError; now the
metaclass treats evolve's internal cls(**changes) call as a 0.3.9-style build,
drops the keyword, and the UnknownFieldWarning points into attr/_make.py, not
at the caller. The patch then sends the old value.
"""
import sys
import warnings

import attrs

from julep import AgentDefaultSettings

settings = AgentDefaultSettings(temperature=0.5, top_p=0.5)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        changed = attrs.evolve(settings, topp=0.9)
    except TypeError as exc:
        print("ok: TypeError:", exc)
        sys.exit(0)
print("FAIL: evolve returned", changed, "(top_p unchanged)")
for w in caught:
    print("  warning attributed to", w.filename, w.lineno)
sys.exit(1)
