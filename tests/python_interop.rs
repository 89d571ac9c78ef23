//! The exported tables open as they are in Polars, pandas and DuckDB (Python).
//!
//! Runs `scripts/check_outputs.py` with `$NEWSTONE_PYTHON` (or `python3`) when that
//! interpreter has polars, pandas and duckdb; skipped otherwise (`.ci/run` sets up a venv).

mod common;
use common::*;
use std::process::Command;

#[test]
fn tables_load_in_polars_pandas_and_duckdb() {
    let python = std::env::var("NEWSTONE_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_libs = Command::new(&python)
        .args(["-c", "import polars, pandas, duckdb, pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_libs {
        eprintln!("skipped: {python} lacks polars/pandas/duckdb/pyarrow");
        return;
    }
    let tmp = tempdir();
    let out = tmp.path().join("out");
    newstone_ok(&["run", "pipelines/default.toml", "--out", &path_str(&out)]);
    let check = Command::new(&python)
        .arg(repo().join("scripts/check_outputs.py"))
        .arg(&out)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout.contains("company_daily"), "{stdout}");
}
