//! Date partitions of the tables that have a `date` column (`[export] partitioning`).
//!
//! A partitioned table is the folder `<out>/<table>/` holding one Hive-style sub-folder
//! per day (`date=YYYY-MM-DD/part-0.parquet`, without the `date` column: readers take it
//! from the folder name) or per month (`month=YYYY-MM/part-0.parquet`, with the `date`
//! column kept). Rows without a date go to `date=__HIVE_DEFAULT_PARTITION__`, which Polars,
//! DuckDB and Spark read as a null date. Rows keep their order inside a partition.
//!
//! The table is first written as one file (streamed, like every table), then split: the
//! split holds one table in memory at a time (`articles`, the largest: about 1 MB per
//! 5,000 articles without `article_text`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};
use polars::prelude::*;

use super::parquet_sink;
use crate::artefact::read_parquet;
use crate::config::Partitioning;

/// The exported tables with a `date` column: those that `partitioning` splits.
pub const DATED_TABLES: [&str; 3] = ["articles", "article_entities", "company_daily"];

/// Hive's name for the partition of null keys.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The partition folder of a row dated `day` (days since 1970-01-01).
fn key(p: Partitioning, day: Option<i32>) -> String {
    let date = day.and_then(|d| {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?
            .checked_add_signed(chrono::TimeDelta::days(i64::from(d)))
    });
    match (p, date) {
        (Partitioning::Month, Some(d)) => format!("month={}", d.format("%Y-%m")),
        (Partitioning::Month, None) => format!("month={NULL_PARTITION}"),
        (_, Some(d)) => format!("date={}", d.format("%Y-%m-%d")),
        (_, None) => format!("date={NULL_PARTITION}"),
    }
}

/// Splits the table written as the single file `file` into partitions in the folder
/// `dir` (made anew), then removes `file`. Returns the files written, relative to `dir`,
/// sorted.
pub fn split(file: &Path, dir: &Path, p: Partitioning) -> Result<Vec<String>> {
    let df = read_parquet(file)?;
    let days: Vec<Option<i32>> = df.column("date")?.date()?.physical().iter().collect();
    let mut groups: BTreeMap<String, Vec<IdxSize>> = BTreeMap::new();
    for (i, day) in days.into_iter().enumerate() {
        let i = IdxSize::try_from(i)
            .map_err(|_| anyhow::anyhow!("{} has too many rows to partition", file.display()))?;
        groups.entry(key(p, day)).or_default().push(i);
    }
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files = Vec::new();
    for (k, rows) in groups {
        let mut part = df.take(&IdxCa::from_vec("rows".into(), rows))?;
        if p == Partitioning::Day {
            part = part.drop("date")?;
        }
        part.rechunk_mut();
        let folder = dir.join(&k);
        fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let path = folder.join("part-0.parquet");
        let write = || -> Result<()> {
            let (mut f, encoder) = parquet_sink::create(&path, &part)?;
            f.write(encoder.encode(&part)?)?;
            f.finish()
        };
        write().with_context(|| format!("cannot write {}", path.display()))?;
        files.push(format!("{k}/part-0.parquet"));
    }
    fs::remove_file(file).with_context(|| format!("cannot remove {}", file.display()))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_keys() {
        let day = 19_058; // 2022-03-07
        assert_eq!(key(Partitioning::Day, Some(day)), "date=2022-03-07");
        assert_eq!(key(Partitioning::Month, Some(day)), "month=2022-03");
        assert_eq!(
            key(Partitioning::Day, None),
            "date=__HIVE_DEFAULT_PARTITION__"
        );
    }
}
