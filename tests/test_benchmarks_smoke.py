"""Each benchmark script runs end to end in smoke mode, so an SDK change that breaks it fails."""

from __future__ import annotations

import fnmatch
import importlib.util
import itertools
import json
import os
import pathlib
import subprocess
import sys
import typing

BENCHMARKS = pathlib.Path(__file__).resolve().parent.parent / "benchmarks"


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _julep039_expected() -> bool:
    """julep 0.3.9 must run where CI provides it; elsewhere it may be skipped."""
    return bool(os.environ.get("JULEP039_PYTHON")) or bool(os.environ.get("JULEP_REQUIRE_039"))


def _run(script: str, tmp_path: pathlib.Path, *extra: str) -> tuple[str, dict[str, typing.Any]]:
    out = tmp_path / f"{script}.json"
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--smoke", "--json", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (result.stdout[-4000:], result.stderr[-4000:])
    return result.stdout, json.loads(out.read_text())


def _expected(*always: str, optional: dict[str, bool]) -> set[str]:
    return set(always) | {name for name, present in optional.items() if present}


def test_chat_throughput_smoke(tmp_path: pathlib.Path) -> None:
    """chat_throughput.py measures every variant that can run here, without nginx or pinning."""
    stdout, doc = _run("chat_throughput.py", tmp_path)
    measured = {r["variant"] for r in doc["runs"] if "req_per_s" in r}
    assert measured >= _expected(
        "aiohttp_raw",
        "aiohttp_cattrs",
        "sdk_async",
        "sdk_sync_1t",
        "sdk_sync_8t",
        optional={
            "sdk_sync_1t_uvloop": _have("uvloop"),
            "sdk_sync_8t_uvloop": _have("uvloop"),
            "httpx_raw": _have("httpx"),
            "julep039": _julep039_expected(),
        },
    ), stdout
    assert "goals:" in stdout


def test_chat_instructions_smoke(tmp_path: pathlib.Path) -> None:
    """chat_instructions.py runs each of its variants (counting is left to a real run)."""
    stdout, doc = _run("chat_instructions.py", tmp_path)
    for variant in ("aiohttp_raw", "aiohttp_cattrs", "sdk_async"):
        assert f"{variant}" in stdout and "FAILED" not in stdout, stdout
    assert doc["errors"] == {} and doc["counted"] is False


def test_decode_scale_smoke(tmp_path: pathlib.Path) -> None:
    """decode_scale.py decodes both lists with every client that can run here."""
    stdout, doc = _run("decode_scale.py", tmp_path)
    measured = {(c["client"], c["op"]) for c in doc["cells"]}
    clients = _expected(
        "sdk",
        optional={
            "pydantic2": _have("pydantic"),
            "msgspec": _have("msgspec"),
            "julep039": _julep039_expected(),
        },
    )
    assert measured >= {(c, op) for c in clients for op in ("list_agents", "get_history")}, stdout


def test_chat_paired_smoke(tmp_path: pathlib.Path) -> None:
    """chat_paired.py runs its palindromes and gives each pair a ratio per round."""
    stdout, doc = _run("chat_paired.py", tmp_path)
    (cell,) = doc["cells"]
    assert [b["variant"] for b in cell["bursts"][:5]] == [
        "aiohttp_raw",
        "aiohttp_cattrs",
        "sdk_async",
        "aiohttp_cattrs",
        "aiohttp_raw",
    ]
    for floor in ("aiohttp_raw", "aiohttp_cattrs"):
        pair = cell["pairs"][floor]
        assert pair["rounds"] == 2 and len(pair["by_rate"]["each"]) == 2, pair
        assert all(ratio > 0 for ratio in pair["by_cpu"]["each"]), pair
        assert f"/ {floor}" in stdout, stdout


def test_portal_overhead_smoke(tmp_path: pathlib.Path) -> None:
    """portal_overhead.py times every bridge it knows."""
    _, doc = _run("portal_overhead.py", tmp_path)
    methods = {row["method"] for row in doc["rows"]}
    assert methods >= {"portal_call", "rcts", "portal_per_call"}
    assert ("portal_uvloop" in methods) == _have("uvloop")


def _run_plain(*command: str) -> str:
    result = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (result.stdout[-4000:], result.stderr[-4000:])
    return result.stdout


def test_locust_overhead_smoke() -> None:
    """locust_overhead.py runs JulepUser and both FastHttpUser variants for a short round."""
    stdout = _run_plain(str(BENCHMARKS / "locust_overhead.py"), "--smoke", "--server", "asyncio")
    for label in ("JulepUser", "FastHttpUser", "FastHttp bare"):
        assert f"round 1 {label}" in stdout, stdout
    assert "median ratio JulepUser/FastHttpUser" in stdout


def test_server_limits_smoke() -> None:
    """server_limits.py probes during one maximum-size chat and measures a short mixed run."""
    limits = str(BENCHMARKS / "server_limits.py")
    assert "probes: p50" in _run_plain(limits, "probe", "--chats", "1")
    assert "server RSS" in _run_plain(limits, "memory", "--requests", "300")


def test_benchmarks_readme_names_every_script() -> None:
    """benchmarks/README gives each script of benchmarks/ a section whose title names it,
    and its file list holds every file (server_limits.py had neither)."""
    lines = (BENCHMARKS / "README").read_text().splitlines()
    pairs = itertools.pairwise(lines)
    titles = " ".join(title for title, rule in pairs if rule and set(rule) == {"-"})
    listed = [line.split()[0] for line in lines[lines.index("Files") + 2 :] if line.strip()]
    for path in sorted(BENCHMARKS.glob("*.py")):
        if not path.name.startswith("_"):
            assert path.name in titles.split(), f"benchmarks/README: no section for {path.name}"
        assert any(fnmatch.fnmatch(path.name, entry) for entry in listed), (
            f"benchmarks/README: its file list lacks {path.name}"
        )
