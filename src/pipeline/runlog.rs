//! The run log: every `run` appends one JSON object, on one line, to `<out>/_runs.jsonl`.
//!
//! A line is appended with a single `write` on a file opened in append mode, after the run
//! ends (however it ends, short of a kill). A kill during that write could at worst leave a
//! partial last line: readers ([`read_runs`]) skip any line that is not a complete JSON
//! object, and the next append starts on a new line.
//!
//! Input files are compared with those of the previous run that did not fail, recorded in
//! `<out>/_stages/inputs.json` (path as the tables show it, size, modification time): a
//! file is new, changed (same path, other size or modification time) or removed.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::Path;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::stages::ingest::ResolvedInput;

/// The run log's file name in the output folder.
pub const RUN_LOG: &str = "_runs.jsonl";

/// The input list of the last run that did not fail, in the stages folder.
const INPUTS: &str = "inputs.json";

/// What the run log records about an input file to tell, next run, if it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub size: u64,
    /// Modification time, nanoseconds since 1970 (0 when the system does not say).
    pub modified_ns: i64,
    /// BLAKE3 digest of the content: the next run reuses it for a file of the same size
    /// and modification time instead of reading the file again.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
}

impl InputFile {
    /// Same size and modification time.
    fn same_stat(&self, other: &InputFile) -> bool {
        self.size == other.size && self.modified_ns == other.modified_ns
    }
}

/// Fills the inputs' digests, reusing those `before` recorded for files of the same size
/// and modification time (a file edited without changing either is not seen: `run
/// --force` reads every file again).
pub fn digest_inputs(inputs: &mut [ResolvedInput], before: &InputFiles) {
    crate::stages::ingest::digest_inputs(inputs, &|shown, size, modified_ns| {
        let old = before.get(shown)?;
        (old.size == size && old.modified_ns == modified_ns && !old.digest.is_empty())
            .then(|| old.digest.clone())
    });
}

/// Input files by the path the tables show (see [`ResolvedInput::shown`]).
pub type InputFiles = BTreeMap<String, InputFile>;

/// Sizes and modification times of `inputs` (a file that cannot be read is left out: the
/// ingest stage reports it).
pub fn snapshot(inputs: &[ResolvedInput]) -> InputFiles {
    inputs
        .iter()
        .filter_map(|i| {
            let meta = fs::metadata(&i.path).ok()?;
            let modified_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            Some((
                i.shown.clone(),
                InputFile {
                    size: meta.len(),
                    modified_ns,
                    digest: i.digest.clone(),
                },
            ))
        })
        .collect()
}

/// Input files of this run compared with the previous run's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputCounts {
    pub seen: u64,
    pub new: u64,
    pub changed: u64,
    pub removed: u64,
}

/// Compares the input files of this run (`now`) with the previous run's (`before`).
pub fn compare(before: &InputFiles, now: &InputFiles) -> InputCounts {
    let mut c = InputCounts {
        seen: now.len() as u64,
        ..InputCounts::default()
    };
    for (path, file) in now {
        match before.get(path) {
            None => c.new += 1,
            Some(old) if !old.same_stat(file) => c.changed += 1,
            Some(_) => {}
        }
    }
    c.removed = before.keys().filter(|p| !now.contains_key(*p)).count() as u64;
    c
}

/// The input list recorded by the last run that did not fail (empty before the first).
pub fn read_inputs(stages_dir: &Path) -> InputFiles {
    fs::read_to_string(stages_dir.join(INPUTS))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Records this run's input list for the next run to compare with.
pub fn save_inputs(stages_dir: &Path, files: &InputFiles) -> Result<()> {
    let json = serde_json::to_string(files)?;
    crate::artefact::write_atomic(&stages_dir.join(INPUTS), json.as_bytes())
}

/// One line of the run log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// As in `_SUCCESS` when this run published tables.
    pub run_id: String,
    /// RFC 3339 UTC.
    pub started: String,
    /// RFC 3339 UTC.
    pub finished: String,
    pub seconds: f64,
    /// `ok`, `no_articles` (the run ended but kept no article: exit code 3) or `error`.
    pub status: String,
    /// The error message, for `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The newstone version (with the source hash).
    pub newstone: String,
    /// The pipeline's name.
    pub pipeline: String,
    /// The pipeline's IANA time zone (the days of the `date` columns are local days in
    /// it); absent in lines written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Input files of this run, and how they compare with the last run that did not fail
    /// (all new for the first); null when the run failed before listing its inputs.
    pub inputs_seen: Option<u64>,
    pub inputs_new: Option<u64>,
    pub inputs_changed: Option<u64>,
    pub inputs_removed: Option<u64>,
    /// Articles in the output after this run (null after an error).
    pub articles: Option<u64>,
    /// `articles` minus the `articles` of the last run that did not fail (0 before the
    /// first): the change in the article count, negative when articles went away.
    pub articles_added: Option<i64>,
    /// Rows per table after this run (empty when the tables were up to date).
    pub rows: BTreeMap<String, u64>,
    /// The partitions this run wrote or removed (`table/date=YYYY-MM-DD` or
    /// `table/month=YYYY-MM`) with a partitioned layout; empty otherwise.
    #[serde(default)]
    pub partitions_touched: Vec<String>,
    /// Stages this run computed, in order (for an error, those that completed).
    pub stages_run: Vec<String>,
    /// Stages found up to date and reused.
    pub stages_reused: Vec<String>,
}

impl RunRecord {
    /// True for a run that ended without error (`ok` or `no_articles`).
    pub fn succeeded(&self) -> bool {
        self.status != "error"
    }
}

/// Appends `record` as one line to `<out>/_runs.jsonl` with a single write (after a
/// newline, if a killed writer left a partial last line).
pub fn append(out: &Path, record: &RunRecord) -> Result<()> {
    let path = out.join(RUN_LOG);
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(&path)
        .with_context(|| format!("cannot open the run log {}", path.display()))?;
    let mut line = serde_json::to_string(record)?;
    line.push('\n');
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 {
        let mut last = [0u8; 1];
        let ends_line = f
            .seek(SeekFrom::End(-1))
            .and_then(|_| f.read_exact(&mut last))
            .map_or(true, |()| last[0] == b'\n');
        if !ends_line {
            line.insert(0, '\n');
        }
    }
    f.write_all(line.as_bytes())
        .with_context(|| format!("cannot append to the run log {}", path.display()))
}

/// The runs logged in `<out>/_runs.jsonl`, oldest first, skipping lines that are not a
/// complete record (a partial last line left by a kill).
pub fn read_runs(out: &Path) -> Vec<RunRecord> {
    fs::read_to_string(out.join(RUN_LOG))
        .map(|text| {
            text.lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// One line of `status` about a logged run.
pub fn describe(r: &RunRecord) -> String {
    let mut s = format!("{} {} ({:.1} s)", r.started, r.status, r.seconds);
    if let (Some(seen), Some(new), Some(changed), Some(removed)) = (
        r.inputs_seen,
        r.inputs_new,
        r.inputs_changed,
        r.inputs_removed,
    ) {
        s.push_str(&format!(
            ": {seen} input files ({new} new, {changed} changed, {removed} removed)"
        ));
    }
    if let (Some(a), Some(added)) = (r.articles, r.articles_added) {
        s.push_str(&format!(", {a} articles ({added:+})"));
    }
    if !r.partitions_touched.is_empty() {
        s.push_str(&format!(
            ", {} partitions written",
            r.partitions_touched.len()
        ));
    }
    if r.stages_run.is_empty() {
        s.push_str(", nothing to do");
    } else {
        s.push_str(&format!(", ran {}", r.stages_run.join(" ")));
    }
    if let Some(e) = &r.error {
        s.push_str(&format!(": {e}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64, modified_ns: i64) -> InputFile {
        InputFile {
            size,
            modified_ns,
            digest: String::new(),
        }
    }

    #[test]
    fn inputs_are_new_changed_or_removed() {
        let before: InputFiles = [
            ("2024-01-01.jsonl".to_string(), file(100, 1)),
            ("2024-01-02.jsonl".to_string(), file(200, 2)),
            ("2024-01-03.jsonl".to_string(), file(300, 3)),
        ]
        .into();
        let now: InputFiles = [
            ("2024-01-01.jsonl".to_string(), file(100, 1)),
            ("2024-01-02.jsonl".to_string(), file(200, 9)),
            ("2024-01-04.jsonl".to_string(), file(400, 4)),
            ("2024-01-05.jsonl".to_string(), file(500, 5)),
        ]
        .into();
        assert_eq!(
            compare(&before, &now),
            InputCounts {
                seen: 4,
                new: 2,
                changed: 1,
                removed: 1
            }
        );
        assert_eq!(compare(&InputFiles::new(), &now).new, 4);
    }

    #[test]
    fn a_partial_last_line_is_skipped_and_the_next_append_starts_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = RunRecord {
            run_id: "r1".into(),
            status: "ok".into(),
            articles: Some(12),
            ..RunRecord::default()
        };
        append(&out, &first).unwrap();
        // A kill in the middle of the next write.
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(out.join(RUN_LOG))
            .unwrap();
        f.write_all(br#"{"run_id":"r2","sta"#).unwrap();
        assert_eq!(read_runs(&out), std::slice::from_ref(&first));
        let third = RunRecord {
            run_id: "r3".into(),
            status: "error".into(),
            error: Some("stage ingest failed: cannot read x".into()),
            ..RunRecord::default()
        };
        append(&out, &third).unwrap();
        assert_eq!(read_runs(&out), [first, third.clone()]);
        let text = fs::read_to_string(out.join(RUN_LOG)).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.ends_with("}\n"));
        assert!(!third.succeeded());
        assert!(describe(&third).ends_with(": stage ingest failed: cannot read x"));
    }
}
