//! Reading an output folder's exported tables, whatever their layout.
//!
//! A table is either the single file `<out>/<table>.parquet` or the Hive-partitioned folder
//! `<out>/<table>/date=YYYY-MM-DD/*.parquet` (the `date` column is then in the folder name,
//! not in the files) or `<out>/<table>/month=YYYY-MM/*.parquet` (the `date` column kept);
//! see `[export] partitioning`. Only the columns the report uses are read, and a column
//! that an older (or newer) newstone did not write reads as absent, not as an error.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use polars::prelude::*;

use crate::artefact::{read_marker, read_parquet_columns, Published, MARKER};
use crate::pipeline::runlog::{read_runs, RunRecord};

/// Hive's name for the partition of null keys.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// What an output folder holds for the report.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: DataFrame,
    pub article_entities: DataFrame,
    pub mentions: DataFrame,
    pub company_daily: DataFrame,
    /// Absent in folders written before the table existed.
    pub rejects: Option<DataFrame>,
    /// `_SUCCESS`; `None` when missing (the tables may come from two runs).
    pub marker: Option<Published>,
    /// `_runs.jsonl`, oldest first.
    pub runs: Vec<RunRecord>,
    /// Duplicates dropped by normalize, from its manifest in `_stages/` when present.
    pub duplicates: Option<u64>,
}

/// The `articles` columns read (those missing from a folder are skipped, here and below;
/// `story_id` and `novel` come with the signal columns).
pub const ARTICLE_COLUMNS: &[&str] = &[
    "article_id",
    "source",
    "url",
    "title",
    "published_at",
    "date",
    "lang",
    "story_id",
    "novel",
];
/// The `article_entities` columns read (`relevance` comes with the signal columns).
pub const ARTICLE_ENTITY_COLUMNS: &[&str] = &[
    "article_id",
    "date",
    "entity_id",
    "name",
    "type",
    "mentions",
    "in_title",
    "sentiment",
    "relevance",
];
/// The `mentions` columns read (the evidence sentences).
pub const MENTION_COLUMNS: &[&str] = &[
    "article_id",
    "entity_id",
    "type",
    "sentence",
    "sentiment",
    "evidence",
];
/// The `company_daily` columns read (from `relevance_weighted_sentiment` on: the signal
/// columns, absent from older folders).
pub const DAILY_COLUMNS: &[&str] = &[
    "date",
    "entity_id",
    "name",
    "articles",
    "mentions",
    "sentiment_mean",
    "relevance_weighted_sentiment",
    "novel_articles",
    "sentiment_7d",
    "sentiment_30d",
    "articles_7d",
    "articles_30d",
    "buzz_z",
    "sentiment_z",
];
/// The `rejects` columns read.
const REJECT_COLUMNS: &[&str] = &["source", "reason"];

/// Reads the tables of `out`. Without `_SUCCESS`, refuses unless `allow_incomplete`
/// (then the caller warns).
pub fn load(out: &Path, allow_incomplete: bool) -> Result<Loaded> {
    if !out.is_dir() {
        bail!(
            "{} is not a folder: give the output folder of a run (the pipeline's `out`)",
            out.display()
        );
    }
    let marker = read_marker(out);
    if marker.is_none() && !allow_incomplete {
        bail!(
            "{} is missing: the tables there were not published by one complete run \
             (a run is under way, was stopped, or the folder is not a newstone output). \
             Run the pipeline again, or pass --allow-incomplete to report on them anyway",
            out.join(MARKER).display()
        );
    }
    let table = |name: &str, cols: &[&str]| -> Result<DataFrame> {
        read_table(out, name, cols)?.with_context(|| {
            format!(
                "{} has no table {name:?} ({name}.parquet or a {name}/ folder): \
                 is it the output folder of a run?",
                out.display()
            )
        })
    };
    let duplicates = crate::artefact::Manifest::read(&out.join("_stages").join("normalize"))
        .map(|m| m.duplicates);
    Ok(Loaded {
        articles: table("articles", ARTICLE_COLUMNS)?,
        article_entities: table("article_entities", ARTICLE_ENTITY_COLUMNS)?,
        mentions: table("mentions", MENTION_COLUMNS)?,
        company_daily: table("company_daily", DAILY_COLUMNS)?,
        rejects: read_table(out, "rejects", REJECT_COLUMNS)?,
        marker,
        runs: read_runs(out),
        duplicates,
    })
}

/// Reads the columns `wanted` (those present) of table `name` in `out`, in either layout;
/// `None` when the folder has no such table.
pub fn read_table(out: &Path, name: &str, wanted: &[&str]) -> Result<Option<DataFrame>> {
    let file = out.join(format!("{name}.parquet"));
    if file.is_file() {
        return read_columns(&file, wanted, None).map(Some);
    }
    let dir = out.join(name);
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut frames = Vec::new();
    for (path, day) in partition_files(&dir)? {
        frames.push(read_columns(&path, wanted, day)?);
    }
    let Some(first) = frames.first() else {
        return Ok(Some(DataFrame::empty()));
    };
    // Same column order in every part before stacking.
    let order: Vec<String> = first
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut all: Option<DataFrame> = None;
    for f in frames {
        let f = f
            .select(order.iter().map(String::as_str))
            .map_err(anyhow::Error::from)
            .with_context(|| format!("the partitions of {} differ in columns", dir.display()))?;
        match all.as_mut() {
            None => all = Some(f),
            Some(a) => {
                a.vstack_mut(&f)
                    .map_err(anyhow::Error::from)
                    .with_context(|| {
                        format!("the partitions of {} differ in types", dir.display())
                    })?;
            }
        }
    }
    Ok(all)
}

/// A partition's day when its folder name holds it (`date=…`): `Some(None)` for the null
/// partition; `None` for other folders (`month=…`, whose files keep their `date` column).
type FolderDay = Option<Option<i32>>;

/// The Parquet files of a partitioned table folder, sorted, with the day of their folder.
fn partition_files(dir: &Path) -> Result<Vec<(PathBuf, FolderDay)>> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for e in entries.flatten() {
        let sub = e.path();
        if !sub.is_dir() {
            continue;
        }
        let folder = e.file_name().to_string_lossy().into_owned();
        let day = match folder.strip_prefix("date=") {
            Some(NULL_PARTITION) => Some(None),
            Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(d) => Some(Some(days_since_epoch(d))),
                Err(_) => continue,
            },
            None if folder.starts_with("month=") => None,
            None => continue,
        };
        let files = fs::read_dir(&sub).with_context(|| format!("cannot read {}", sub.display()))?;
        for f in files.flatten() {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "parquet") && p.is_file() {
                out.push((p, day));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Days since 1970-01-01.
pub fn days_since_epoch(d: chrono::NaiveDate) -> i32 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

/// Reads the columns of `wanted` that `path` has; adds `date` from the folder (`day`)
/// when the file has none.
fn read_columns(path: &Path, wanted: &[&str], day: FolderDay) -> Result<DataFrame> {
    let f = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let schema = ParquetReader::new(f)
        .schema()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot read {} as Parquet", path.display()))?;
    let present: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|c| schema.contains(c))
        .collect();
    let mut df = read_parquet_columns(path, &present)?;
    if let (Some(day), true) = (day, wanted.contains(&"date") && !schema.contains("date")) {
        let col = crate::tables::date_col("date", std::iter::repeat_n(day, df.height()));
        df.with_column(col)?;
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_folders_give_their_day() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("company_daily");
        for (folder, v) in [("date=2022-03-08", 2i64), ("date=2022-03-07", 1)] {
            fs::create_dir_all(t.join(folder)).unwrap();
            let mut df = df!("entity_id" => ["airbus"], "articles" => [v]).unwrap();
            let f = fs::File::create(t.join(folder).join("part-0.parquet")).unwrap();
            ParquetWriter::new(f).finish(&mut df).unwrap();
        }
        let df = read_table(dir.path(), "company_daily", &["date", "articles", "buzz_z"])
            .unwrap()
            .unwrap();
        assert_eq!(df.height(), 2);
        // Sorted by folder: 2022-03-07 (day 19058) first; `buzz_z` absent, not an error.
        let days: Vec<Option<i32>> = df
            .column("date")
            .unwrap()
            .date()
            .unwrap()
            .physical()
            .iter()
            .collect();
        assert_eq!(days, [Some(19_058), Some(19_059)]);
        assert!(df.column("buzz_z").is_err());
        assert!(read_table(dir.path(), "articles", &["date"])
            .unwrap()
            .is_none());
    }
}
