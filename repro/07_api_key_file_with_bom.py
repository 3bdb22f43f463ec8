"""``--api-key-file`` keeps a UTF-8 byte-order mark as part of the key.

README: "Give the key in the environment or a file rather than on the command line"
(``python -m julep serve --api-key-file ~/.julep-key``). A key file saved by Windows
Notepad as UTF-8 starts with a BOM (EF BB BF); the server read it as part of the key, so
every request, with the right key, was a 403 "Could not validate API KEY", with nothing
saying why. Exits 1 when the key read from such a file is not the key.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

from julep.server.cli import _api_key, _parser

with tempfile.TemporaryDirectory() as folder:
    key_file = pathlib.Path(folder) / "key"
    key_file.write_bytes(b"\xef\xbb\xbfmy-secret-key\r\n")
    key = _api_key(_parser().parse_args(["--api-key-file", str(key_file)]))
print("key read from the file:", ascii(key))
sys.exit(0 if key == "my-secret-key" else 1)
