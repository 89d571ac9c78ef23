//! `newstone status PIPELINE.toml [--out DIR]`: what a run would do, without doing it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::pipeline::{plan, State};
use crate::stages::{ingest, Context};

pub fn status(pipeline: &Path, out: Option<PathBuf>) -> Result<ExitCode> {
    let p = super::run::load(pipeline, Vec::new(), out)?;
    let ctx = Context {
        pipeline: &p,
        stages_dir: p.stages_dir(),
        progress: false,
    };
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
    Ok(ExitCode::SUCCESS)
}
