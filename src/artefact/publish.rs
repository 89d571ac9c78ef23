//! Publishing a run's final tables together, and the `_SUCCESS` marker readers check.
//!
//! The export writes every table file under a temporary name first. Only when all of them
//! are complete does it publish them: it removes `<out>/_SUCCESS`, renames each file into
//! place, and writes a new `_SUCCESS` last. So:
//!
//! - while `_SUCCESS` exists, every table file it lists is the one that run published (its
//!   size and XXH3-64 checksum are in the marker, with the run's id);
//! - a run killed while publishing leaves no `_SUCCESS`: the tables on disk may then come
//!   from two runs, `status` says so, and the next `run` publishes a complete set again.
//!
//! A reader checks that `_SUCCESS` exists before reading, and (to rule out a run that
//! publishes meanwhile) that it holds the same `run_id` after reading.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::{check_files, write_atomic, FileSums};

/// The marker's file name in the output folder (the Hadoop and Spark convention, which
/// schedulers and sensors already know how to wait for).
pub const MARKER: &str = "_SUCCESS";

/// What `_SUCCESS` holds: which run published the tables, and every table file it published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The run that published the tables (as in `_runs.jsonl`).
    pub run_id: String,
    /// The newstone version that wrote them.
    pub newstone: String,
    /// When they were published, RFC 3339 UTC.
    pub published: String,
    /// Rows per table.
    pub rows: BTreeMap<String, u64>,
    /// Size and checksum of each table file, by name relative to the output folder.
    pub files: FileSums,
}

/// Publishes table files written under temporary names: `staged` holds, for each, the
/// temporary file (or folder: a partitioned table) and its final name in `out`. Removes the
/// marker, then the `obsolete` outputs (a table's other layout), renames the files into
/// place in order (a folder replaces the old one), then writes `marker` as `_SUCCESS`.
/// `after_each` is called after each rename with the number renamed so far (tests use it
/// to stop half-way, as a kill would).
pub fn publish(
    out: &Path,
    staged: &[(PathBuf, String)],
    obsolete: &[PathBuf],
    marker: &Published,
    mut after_each: impl FnMut(usize) -> Result<()>,
) -> Result<()> {
    let marker_path = out.join(MARKER);
    match fs::remove_file(&marker_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot remove {} before publishing new tables",
                    marker_path.display()
                )
            })
        }
    }
    for old in obsolete {
        remove(old)?;
    }
    // A folder being replaced is moved aside, and removed once the marker is written:
    // removing a folder of many partitions can take seconds on a slow disk.
    let mut old_folders = Vec::new();
    for (i, (tmp, name)) in staged.iter().enumerate() {
        let dest = out.join(name);
        if tmp.is_dir() && dest.is_dir() {
            let aside = out.join(format!(".{name}.old.tmp"));
            remove(&aside)?;
            fs::rename(&dest, &aside)
                .with_context(|| format!("cannot move {} aside", dest.display()))?;
            old_folders.push(aside);
        } else if tmp.is_dir() {
            remove(&dest)?;
        }
        fs::rename(tmp, &dest).with_context(|| format!("cannot write {}", dest.display()))?;
        after_each(i + 1)?;
    }
    let json = serde_json::to_string_pretty(marker)?;
    write_atomic(&marker_path, json.as_bytes())?;
    for old in old_folders {
        remove(&old)?;
    }
    Ok(())
}

/// Removes a file or folder, if there.
pub fn remove(path: &Path) -> Result<()> {
    let removed = match fs::symlink_metadata(path) {
        Err(_) => return Ok(()),
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
    };
    removed.with_context(|| format!("cannot remove {}", path.display()))
}

/// Reads `<out>/_SUCCESS`; `None` when it is missing or unreadable.
pub fn read_marker(out: &Path) -> Option<Published> {
    let text = fs::read_to_string(out.join(MARKER)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether the final tables in an output folder were published together.
#[derive(Debug, Clone, PartialEq)]
pub enum TablesState {
    /// No table and no marker: nothing exported yet.
    NotExported,
    /// `_SUCCESS` is there and every file it lists matches it.
    Complete(Published),
    /// Tables without `_SUCCESS`: a run was stopped while publishing (or the marker was
    /// removed); the tables may come from two runs.
    Incomplete,
    /// `_SUCCESS` is there but a file it lists does not match it (why, naming the file).
    Changed(Published, String),
}

/// The state of the final tables in `out`; `tables` are the table names (without
/// extension) that the export writes, to tell "nothing yet" from "incomplete".
pub fn tables_state(out: &Path, tables: &[&str]) -> TablesState {
    match read_marker(out) {
        Some(m) => match check_files(out, &m.files, "table", false) {
            None => TablesState::Complete(m),
            Some(why) => TablesState::Changed(m, why),
        },
        None => {
            let any = tables.iter().any(|t| {
                out.join(t).is_dir()
                    || ["parquet", "csv"]
                        .iter()
                        .any(|ext| out.join(format!("{t}.{ext}")).exists())
            });
            if any {
                TablesState::Incomplete
            } else {
                TablesState::NotExported
            }
        }
    }
}

/// Why the marker does not vouch for the tables an export manifest recorded (`outputs`);
/// `None` when it does. An empty `outputs` (an older manifest) is not second-guessed.
pub fn marker_mismatch(out: &Path, outputs: &FileSums) -> Option<String> {
    if outputs.is_empty() {
        return None;
    }
    match read_marker(out) {
        None => Some(format!(
            "{} is missing: the tables were not all published by one run",
            out.join(MARKER).display()
        )),
        Some(m) if m.files != *outputs => Some(format!(
            "{} lists other tables than the last export wrote",
            out.join(MARKER).display()
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{named_sums, tmp_sibling};
    use super::*;

    fn stage(out: &Path, files: &[(&str, &str)]) -> (Vec<(PathBuf, String)>, Published) {
        let mut staged = Vec::new();
        for (name, body) in files {
            let tmp = tmp_sibling(&out.join(name));
            fs::write(&tmp, body).unwrap();
            staged.push((tmp, name.to_string()));
        }
        let tmp_names: Vec<String> = files.iter().map(|(n, _)| format!(".{n}.tmp")).collect();
        let files = named_sums(out, &tmp_names)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k[1..k.len() - 4].to_string(), v))
            .collect();
        let marker = Published {
            run_id: format!("run-{}", staged.len()),
            newstone: "newstone test".into(),
            published: "2026-01-01T00:00:00Z".into(),
            rows: BTreeMap::new(),
            files,
        };
        (staged, marker)
    }

    #[test]
    fn a_publish_stopped_half_way_leaves_no_marker_and_the_next_one_repairs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let tables = ["articles", "mentions", "company_daily"];
        assert_eq!(tables_state(out, &tables), TablesState::NotExported);

        // A first run publishes three tables.
        let (staged, first) = stage(
            out,
            &[
                ("articles.parquet", "a1"),
                ("mentions.parquet", "m1"),
                ("company_daily.parquet", "d1"),
            ],
        );
        publish(out, &staged, &[], &first, |_| Ok(())).unwrap();
        assert_eq!(
            tables_state(out, &tables),
            TablesState::Complete(first.clone())
        );
        assert_eq!(marker_mismatch(out, &first.files), None);

        // A second run is stopped (as by a kill) after renaming its first table.
        let gen2 = [
            ("articles.parquet", "a2 longer"),
            ("mentions.parquet", "m2 longer"),
            ("company_daily.parquet", "d2 longer"),
        ];
        let (staged, second) = stage(out, &gen2);
        let stopped = publish(out, &staged, &[], &second, |n| {
            anyhow::ensure!(n < 1, "killed");
            Ok(())
        });
        assert!(stopped.is_err());
        assert_eq!(
            fs::read_to_string(out.join("articles.parquet")).unwrap(),
            "a2 longer"
        );
        assert_eq!(
            fs::read_to_string(out.join("mentions.parquet")).unwrap(),
            "m1"
        );
        assert_eq!(tables_state(out, &tables), TablesState::Incomplete);
        let why = marker_mismatch(out, &first.files).unwrap();
        assert!(why.contains("_SUCCESS is missing"), "{why}");

        // The next run publishes everything again.
        let (staged, third) = stage(out, &gen2);
        publish(out, &staged, &[], &third, |_| Ok(())).unwrap();
        assert_eq!(
            tables_state(out, &tables),
            TablesState::Complete(third.clone())
        );
        assert_eq!(
            fs::read_to_string(out.join("company_daily.parquet")).unwrap(),
            "d2 longer"
        );
        // The old generation's record does not match what is on disk any more.
        assert!(marker_mismatch(out, &first.files).is_some());

        // A table changed after publishing: the marker says which.
        fs::write(out.join("mentions.parquet"), "m").unwrap();
        match tables_state(out, &tables) {
            TablesState::Changed(m, why) => {
                assert_eq!(m, third);
                assert!(why.contains("mentions.parquet"), "{why}");
            }
            s => panic!("{s:?}"),
        }
    }
}
