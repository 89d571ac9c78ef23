//! Financial PhraseBank v1.0: sentence-level sentiment (AllAgree and 50Agree).

use std::path::Path;

use rayon::prelude::*;

use super::metrics::{class, label_class, report};
use super::{decode, read_bytes, skipped, DatasetReport, EvalError};
use crate::sentiment::SentimentModel;
use crate::text::lang::Lang;

/// Financial PhraseBank: `sentence@label` lines, sentence-level label.
pub fn eval(path: &Path, name: &str, model: &SentimentModel) -> Result<DatasetReport, EvalError> {
    if !path.exists() {
        return Ok(skipped(name, path));
    }
    let text = decode(&read_bytes(path)?);
    let items: Vec<(&str, usize)> = text
        .lines()
        .filter_map(|l| {
            let (s, lab) = l.trim_end_matches('\r').rsplit_once('@')?;
            Some((s, label_class(lab)?))
        })
        .collect();
    let pairs: Vec<(usize, usize)> = items
        .par_iter()
        .map(|(s, g)| (*g, class(model.document(s, Lang::En).label)))
        .collect();
    Ok(report(
        name,
        &pairs,
        "sentence label from document()".into(),
    ))
}
