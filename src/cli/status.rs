//! `newstone status PIPELINE.toml [--input …] [--out DIR]`: what a run would do, without
//! doing it.
//!
//! Each stage's files (and the final tables) are checked against its manifest, sizes and
//! checksums, so damage shows here as a `damaged` stage naming the file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::artefact::{leftovers, tables_state, TablesState, MARKER};
use crate::pipeline::{lock_state, plan, runlog, LockState, State};
use crate::stages::export::TABLES;
use crate::stages::{ingest, Context};

/// Prints the state of each stage of `pipeline` with the same overrides as a `run`.
pub fn status(pipeline: &Path, inputs: Vec<String>, out: Option<PathBuf>) -> Result<ExitCode> {
    let p = super::run::load(pipeline, inputs, out)?;
    let reference = crate::stages::reference_data(&p);
    let ctx = Context::new(&p, &reference, false);
    let inputs = ingest::resolve_inputs(&p)?;
    let plans = plan(&ctx, &inputs)?;
    println!(
        "{:<10} {:<11} {:>9} {:<21} note",
        "stage", "state", "rows", "finished"
    );
    // A stage after a stale one will rerun too, whatever its own manifest says.
    let mut upstream_changes = false;
    for pl in &plans {
        let (state, note) = match &pl.state {
            State::UpToDate if upstream_changes => ("stale", "an earlier stage will rerun".into()),
            State::UpToDate => ("up to date", String::new()),
            State::Stale(why) => ("stale", why.clone()),
            State::Damaged(why) => (
                "damaged",
                format!("{why}: `newstone run` computes this stage again"),
            ),
            State::Missing => ("missing", "never run".to_string()),
        };
        upstream_changes |= state != "up to date";
        let (rows, when) = pl
            .existing
            .as_ref()
            .map(|m| (m.rows_out.to_string(), m.finished_at.clone()))
            .unwrap_or_else(|| ("-".into(), "-".into()));
        println!(
            "{:<10} {:<11} {:>9} {:<21} {}",
            pl.stage.name(),
            state,
            rows,
            when,
            note
        );
    }
    for line in notes(&p.out, &ctx.stages_dir) {
        println!("{line}");
    }
    for line in last_runs(&p.out, LAST_RUNS) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// How many runs of the run log `status` shows.
const LAST_RUNS: usize = 5;

/// The last `n` runs of the run log, oldest first, under a heading naming the log.
fn last_runs(out: &Path, n: usize) -> Vec<String> {
    let runs = runlog::read_runs(out);
    if runs.is_empty() {
        return Vec::new();
    }
    let shown = &runs[runs.len().saturating_sub(n)..];
    let mut lines = vec![format!(
        "last {} of {} runs ({}):",
        shown.len(),
        runs.len(),
        out.join(runlog::RUN_LOG).display()
    )];
    lines.extend(shown.iter().map(|r| format!("  {}", runlog::describe(r))));
    lines
}

/// Lines about the run lock, whether the final tables were published together (their
/// `_SUCCESS` marker), and what failed or killed runs left in the output folder.
fn notes(out: &Path, stages_dir: &Path) -> Vec<String> {
    let pid = |p: Option<String>| p.map(|p| format!(" (pid {p})")).unwrap_or_default();
    let mut lines = Vec::new();
    match lock_state(stages_dir) {
        LockState::Free => {}
        LockState::Held(p) => lines.push(format!("a run{} is in progress", pid(p))),
        LockState::Leftover(p) => lines.push(format!(
            "leftover lock {}{}: its run ended without removing it; the next run reuses it",
            stages_dir.join(".lock").display(),
            pid(p)
        )),
    }
    match tables_state(out, &TABLES) {
        TablesState::NotExported => {}
        TablesState::Complete(m) => lines.push(format!(
            "tables: published together by run {} at {} ({})",
            m.run_id,
            m.published,
            out.join(MARKER).display()
        )),
        TablesState::Incomplete => lines.push(format!(
            "tables: INCOMPLETE, no {}: a run was stopped while publishing them, so they may come from two runs; `newstone run` publishes them again",
            out.join(MARKER).display()
        )),
        TablesState::Changed(m, why) => lines.push(format!(
            "tables: NOT all from run {} ({why}); `newstone run` publishes them again",
            m.run_id
        )),
    }
    let found = leftovers(out);
    if !found.is_empty() {
        lines.push(format!(
            "{} temporary file(s) or folder(s) left by a failed run (the next run removes them): {}",
            found.len(),
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_mentions_a_leftover_lock_and_temporary_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let stages = out.join("_stages");
        std::fs::create_dir_all(stages.join("entities.tmp")).unwrap();
        std::fs::write(out.join(".articles.csv.tmp"), b"x").unwrap();
        std::fs::write(stages.join(".lock"), b"4242").unwrap();
        let lines = notes(out, &stages);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("leftover lock") && lines[0].contains("(pid 4242)"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("2 temporary")
                && lines[1].contains("entities.tmp")
                && lines[1].contains(".articles.csv.tmp"),
            "{lines:?}"
        );
        // A clean folder: nothing to say.
        std::fs::remove_dir_all(&stages).unwrap();
        std::fs::remove_file(out.join(".articles.csv.tmp")).unwrap();
        assert!(notes(out, &stages).is_empty());
    }
}
