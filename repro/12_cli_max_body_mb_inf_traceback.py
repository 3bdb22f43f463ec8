"""`python -m julep serve --max-body-mb inf` dies with an OverflowError traceback (exit 1)
where every other bad value is one line and exit 2; `--max-body-mb nan` says
"cannot convert float NaN to integer" without naming the option.
"""
import subprocess
import sys

bad = 0
for value in ("inf", "nan"):
    run = subprocess.run(
        [sys.executable, "-m", "julep", "serve", "--port", "0", "--max-body-mb", value],
        capture_output=True, text=True, timeout=30,
    )
    last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    print(f"--max-body-mb {value}: exit {run.returncode}: {last}")
    bad += run.returncode != 2 or "Traceback" in run.stderr or "--max-body-mb" not in run.stderr
raise SystemExit(1 if bad else 0)
