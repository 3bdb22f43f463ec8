"""julep.errors.__all__ lacks StreamConnectionError (added in e5d174a): the API
reference (docs/errors.rst is `automodule:: julep.errors :members:`, which Sphinx
limits to __all__) does not document it, and `from julep.errors import *` does not
import it, though README's error tree lists it. The module docstring's tree lacked it too.
"""

import sys

import julep.errors

names: dict[str, object] = {}
exec("from julep.errors import *", names)
NAME = "StreamConnectionError"
missing = NAME not in julep.errors.__all__ or NAME not in names
print(NAME, "in julep.errors.__all__:", NAME in julep.errors.__all__)
print("in julep.errors docstring:", NAME in (julep.errors.__doc__ or ""))
sys.exit(1 if missing else 0)
