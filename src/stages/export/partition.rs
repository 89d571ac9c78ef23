//! Date partitions of the tables that have a `date` column (`[export] partitioning`).
//!
//! A partitioned table is the folder `<out>/<table>/` holding one Hive-style sub-folder
//! per day (`date=YYYY-MM-DD/part-0.parquet`, without the `date` column: readers take it
//! from the folder name) or per month (`month=YYYY-MM/part-0.parquet`, with the `date`
//! column kept). Rows without a date go to `date=__HIVE_DEFAULT_PARTITION__`, which Polars,
//! DuckDB and Spark read as a null date. Rows keep their order inside a partition.
//!
//! Partitions are written by [`super::incremental`], which rewrites only those whose rows
//! changed since the last run.

use crate::config::Partitioning;

/// The exported tables with a `date` column: those that `partitioning` splits.
pub const DATED_TABLES: [&str; 4] = ["articles", "mentions", "article_entities", "company_daily"];

/// Hive's name for the partition of null keys.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The partition folder of a row dated `day` (days since 1970-01-01).
pub(super) fn key(p: Partitioning, day: Option<i32>) -> String {
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
