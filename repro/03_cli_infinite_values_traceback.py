"""Absurd numeric options: `bench --rate inf` and `serve --max-body-mb inf` end in a
Python traceback (OverflowError, exit 1) instead of a usage error (exit 2) naming
the option; `--rate nan` / `--max-body-mb nan` say only "cannot convert float NaN
to integer". README: "an unknown option is an error (exit code 2)"; other bad
values (--rate -1, --max-body-mb 0) are clean usage errors.
"""

import subprocess
import sys

bad = False
for args in (["bench", "--rate", "inf"], ["bench", "--rate", "nan"],
             ["serve", "--port", "0", "--max-body-mb", "inf"],
             ["serve", "--port", "0", "--max-body-mb", "nan"]):
    proc = subprocess.run([sys.executable, "-m", "julep", *args], capture_output=True,
                          text=True, timeout=30)
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    print(args, "->", proc.returncode, last)
    option = args[1]
    if "Traceback" in proc.stderr or proc.returncode != 2 or option not in proc.stderr:
        bad = True
if bad:
    print("DEFECT: a non-finite value is not a clean usage error naming the option")
    sys.exit(1)
