//! NewsMTSC: target-dependent sentiment in political news (out of domain).

use std::path::Path;

use rayon::prelude::*;

use super::metrics::{class, report};
use super::{decode, read_bytes, skipped, DatasetReport, EvalError};
use crate::sentiment::SentimentModel;
use crate::text::lang::Lang;

/// NewsMTSC: sentiment toward character-offset target spans.
pub fn eval(path: &Path, model: &SentimentModel) -> Result<DatasetReport, EvalError> {
    let name = "NewsMTSC train (target given)";
    if !path.exists() {
        return Ok(skipped(name, path));
    }
    let text = decode(&read_bytes(path)?);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let per: Vec<Result<Vec<(usize, usize)>, EvalError>> = lines
        .par_iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).map_err(|e| EvalError::Format {
                path: path.display().to_string(),
                msg: format!("bad JSON line: {e}"),
            })?;
            let sent = v["sentence_normalized"].as_str().unwrap_or("");
            // Character offsets → byte offsets.
            let mut byte_at: Vec<usize> = sent.char_indices().map(|(b, _)| b).collect();
            byte_at.push(sent.len());
            let mut spans = Vec::new();
            let mut golds = Vec::new();
            for t in v["targets"].as_array().into_iter().flatten() {
                let from = t["from"].as_u64().unwrap_or(0) as usize;
                let to = t["to"].as_u64().unwrap_or(0) as usize;
                let gold = match t["polarity"].as_f64().unwrap_or(4.0) {
                    p if p < 3.0 => 0,
                    p if p > 5.0 => 2,
                    _ => 1,
                };
                let (Some(&a), Some(&b)) = (byte_at.get(from), byte_at.get(to)) else {
                    continue;
                };
                spans.push((a, b));
                golds.push(gold);
            }
            let pols = model.targets(sent, Lang::En, &spans);
            Ok(golds
                .into_iter()
                .zip(pols)
                .map(|(g, p)| (g, class(p.label)))
                .collect())
        })
        .collect();
    let mut pairs = Vec::new();
    for r in per {
        pairs.extend(r?);
    }
    Ok(report(
        name,
        &pairs,
        "political news; out of domain for a finance model".into(),
    ))
}
