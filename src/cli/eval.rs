//! `newstone eval [DIR | --file FILE] [--errors FILE]`: quality of the shipped model and
//! entity finder on labelled sets, or of the model on the user's own set.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::reference::ReferenceData;
use crate::stages::entities::load_finder;
use crate::stages::sentiment::load_model;

/// The folder of the labelled sets when none is given.
pub const DEFAULT_DIR: &str = "../shared/eval";

/// Scores every labelled set found in `dir`.
pub fn eval(dir: &Path, data: &ReferenceData, errors: Option<&Path>) -> Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!(
            "evaluation folder {} does not exist: give the folder holding sentfin/, fpb/, newsmtsc/, books-fr/, lemonde-companies/, semeval2017/, or score your own labelled set with --file FILE",
            dir.display()
        );
    }
    let model = load_model(&data.lexicons_dir()?, "--lexicons")?;
    let finder = load_finder(&data.gazetteer_dir()?, "--gazetteer")?;
    let t0 = std::time::Instant::now();
    let ev = crate::eval::run_eval_full(dir, &model, Some(&finder))
        .map_err(|e| anyhow::anyhow!("evaluation failed: {e}"))?;
    print!("{}", crate::eval::format_report(&ev.reports));
    println!("({:.1} s)", t0.elapsed().as_secs_f64());
    if let Some(path) = errors {
        write_errors(path, &ev.errors)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Scores the user's labelled set `file` (CSV or JSON lines; see [`crate::eval::user`]).
pub fn eval_file(file: &Path, data: &ReferenceData, errors: Option<&Path>) -> Result<ExitCode> {
    let model = load_model(&data.lexicons_dir()?, "--lexicons")?;
    // The message names the file and what to fix; its source is already in it.
    let (report, wrong) =
        crate::eval::user::eval(file, &model).map_err(|e| anyhow::anyhow!("{e}"))?;
    print!(
        "{}",
        crate::eval::format_report(std::slice::from_ref(&report))
    );
    if let Some(path) = errors {
        write_errors(path, &wrong)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes one JSON object per line to `path`.
fn write_errors(path: &Path, errors: &[serde_json::Value]) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    for e in errors {
        writeln!(w, "{e}").with_context(|| format!("cannot write {}", path.display()))?;
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("{} errors written to {}", errors.len(), path.display());
    Ok(())
}
