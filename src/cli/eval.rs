//! `newstone eval [DIR] [--errors FILE]`: quality of the shipped model and entity finder
//! on labelled sets.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::stages::entities::load_finder;
use crate::stages::sentiment::load_model;

pub fn eval(
    dir: &Path,
    gazetteer: &Path,
    lexicons: &Path,
    errors: Option<&Path>,
) -> Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!(
            "evaluation folder {} does not exist (give the folder holding sentfin/, fpb/, newsmtsc/, books-fr/, lemonde-companies/, semeval2017/)",
            dir.display()
        );
    }
    let model = load_model(lexicons, "--lexicons")?;
    let finder = load_finder(gazetteer, "--gazetteer")?;
    let t0 = std::time::Instant::now();
    let ev = crate::eval::run_eval_full(dir, &model, Some(&finder))
        .map_err(|e| anyhow::anyhow!("evaluation failed: {e}"))?;
    print!("{}", crate::eval::format_report(&ev.reports));
    println!("({:.1} s)", t0.elapsed().as_secs_f64());
    if let Some(path) = errors {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        for e in &ev.errors {
            writeln!(w, "{e}").with_context(|| format!("cannot write {}", path.display()))?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("{} errors written to {}", ev.errors.len(), path.display());
    }
    Ok(ExitCode::SUCCESS)
}
