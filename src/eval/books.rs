//! books-fr (Webis CLS-10 books): French document polarity.

use std::path::Path;

use rayon::prelude::*;

use super::metrics::report;
use super::{decode, read_bytes, skipped, DatasetReport, EvalError};
use crate::sentiment::SentimentModel;
use crate::text::lang::Lang;

/// French book reviews: document polarity, positive iff score > 0.
pub fn eval(path: &Path, model: &SentimentModel) -> Result<DatasetReport, EvalError> {
    let name = "books-fr dev (document)";
    if !path.exists() {
        return Ok(skipped(name, path));
    }
    let text = decode(&read_bytes(path)?);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut items = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| EvalError::Csv {
            path: path.display().to_string(),
            source: e,
        })?;
        let gold = if rec.get(1).unwrap_or("").trim().eq_ignore_ascii_case("true") {
            2
        } else {
            0
        };
        items.push((rec.get(0).unwrap_or("").to_string(), gold));
    }
    let scored: Vec<(usize, f32)> = items
        .par_iter()
        .map(|(t, g)| (*g, model.document(t, Lang::Fr).score))
        .collect();
    let zero = scored.iter().filter(|s| s.1 == 0.0).count();
    let pairs: Vec<(usize, usize)> = scored
        .iter()
        .map(|&(g, s)| (g, if s > 0.0 { 2 } else { 0 }))
        .collect();
    Ok(report(
        name,
        &pairs,
        format!("binary: positive iff score > 0; {zero} reviews scored exactly 0"),
    ))
}
