"""Fixtures of the Python package's tests: the repository, the `newstone` binary of a
local run, and a local Spark session (skipped with a message when pyspark or Java is
missing)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LEMONDE = REPO.parent / "shared" / "corpora" / "lemonde-2022"


def newstone_bin() -> str | None:
    """The release binary: $NEWSTONE_BIN, else the one `cargo build --release` made."""
    env = os.environ.get("NEWSTONE_BIN")
    if env and os.access(env, os.X_OK):
        return env
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    path = Path(target) / "release" / "newstone"
    return str(path) if os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def newstone_cli():
    path = newstone_bin()
    if path is None:
        pytest.skip("SKIPPED: no newstone binary (set NEWSTONE_BIN or run `cargo build --release`)")
    return path


def local_run(cli: str, pipeline: Path, out: Path, *extra: str) -> Path:
    """Runs `newstone run PIPELINE --out OUT` and returns OUT."""
    subprocess.run([cli, "run", str(pipeline), "--out", str(out), "-q", *extra], check=True)
    return out


BALANCE = re.compile(
    r"balance: (\d+) records in = (\d+) articles \+ (\d+) rejects \+ (\d+) duplicates"
)


def balance(log: str) -> dict:
    """The balance line of a run's log (local or Spark) as a dict of counts."""
    m = BALANCE.search(log)
    assert m, f"no balance line in the log:\n{log[-2000:]}"
    keys = ("records_in", "articles", "rejects", "duplicates")
    return dict(zip(keys, map(int, m.groups())))


def local_run_balance(cli: str, pipeline: Path, out: Path, *extra: str) -> dict:
    """Runs `newstone run PIPELINE --out OUT` (OUT new) and returns the balance it logs."""
    r = subprocess.run(
        [cli, "run", str(pipeline), "--out", str(out), *extra],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    return balance(r.stderr)


def java_missing() -> str | None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("SKIPPED: pyspark is not installed (pip install pyspark)")
    why = java_missing()
    if why:
        pytest.skip(f"SKIPPED: {why}")
    # The executors' Python is this one (it has the newstone package).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from newstone.spark import session

    s = session("local[2]", app="newstone-tests")
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()
