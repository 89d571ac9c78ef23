//! Helpers shared by the integration tests: run the real binary, read its tables.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

/// Runs `newstone ARGS` from the repository root.
pub fn newstone(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newstone"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NEWSTONE_LOG")
        .output()
        .expect("the newstone binary runs")
}

/// Runs and asserts success, returning stderr (the logs).
pub fn newstone_ok(args: &[&str]) -> String {
    let out = newstone(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "newstone {args:?} failed ({:?}):\n{stderr}",
        out.status.code()
    );
    stderr
}

pub fn read(out: &Path, table: &str) -> DataFrame {
    newstone::artefact::read_parquet(&out.join(format!("{table}.parquet")))
        .unwrap_or_else(|e| panic!("reading {table}: {e:#}"))
}

pub fn strings(df: &DataFrame, col: &str) -> Vec<String> {
    df.column(col)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

pub fn ints(df: &DataFrame, col: &str) -> Vec<i64> {
    df.column(col)
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect()
}

/// Dates of a `Date` column as `YYYY-MM-DD`.
pub fn dates(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .date()
        .unwrap()
        .physical()
        .iter()
        .map(|v| {
            v.and_then(|d| chrono::NaiveDate::from_num_days_from_ce_opt(d + 719_163))
                .map(|d| d.to_string())
        })
        .collect()
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Number of data rows in a CSV file (header excluded).
pub fn csv_rows(path: &Path) -> usize {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .inspect(|x| assert!(x.is_ok(), "invalid CSV row in {}", path.display()))
        .count()
}
