//! `newstone report OUT_DIR [--output FILE] [--lang en|fr]`: one self-contained HTML page
//! about a run's output folder (see [`crate::report`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::report::{build, Options};

/// The report's file name in the output folder when `--output` is not given.
pub const DEFAULT_FILE: &str = "report.html";

/// Writes the report of `out` to `output` (default `<out>/report.html`).
pub fn report(out: &Path, output: Option<PathBuf>, opts: &Options) -> Result<ExitCode> {
    let started = Instant::now();
    let report = build(out, opts)?;
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    let path = output.unwrap_or_else(|| out.join(DEFAULT_FILE));
    crate::artefact::write_atomic(&path, report.html.as_bytes())
        .with_context(|| format!("cannot write the report to {}", path.display()))?;
    tracing::info!(
        "wrote {} ({:.1} MB, {} company sections) in {:.2} s",
        path.display(),
        report.html.len() as f64 / 1e6,
        report.companies,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
