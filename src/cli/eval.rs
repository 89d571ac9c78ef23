//! `newstone eval [DIR]`: quality of the shipped model on labelled sets.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::entities::EntityKind;
use crate::stages::entities::load_finder;
use crate::stages::sentiment::load_model;
use crate::text::lang::Lang;

pub fn eval(dir: &Path, gazetteer: &Path, lexicons: &Path) -> Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!(
            "evaluation folder {} does not exist (give the folder holding sentfin/, fpb/, newsmtsc/, books-fr/)",
            dir.display()
        );
    }
    let model = load_model(lexicons)?;
    let finder = load_finder(gazetteer)?;
    let find = |text: &str| -> Vec<(usize, usize)> {
        finder
            .find(text, Lang::En)
            .into_iter()
            .filter(|m| m.kind == EntityKind::Company)
            .map(|m| (m.start, m.end))
            .collect()
    };
    let t0 = std::time::Instant::now();
    let reports = crate::eval::run_eval(dir, &model, Some(&find))
        .map_err(|e| anyhow::anyhow!("evaluation failed: {e}"))?;
    print!("{}", crate::eval::format_report(&reports));
    println!("({:.1} s)", t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
