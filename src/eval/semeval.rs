//! SemEval-2017 Task 5 (subtask 2, financial headlines): whether the entity finder finds
//! the gold company, and the cosine between gold and predicted scores toward it.
//!
//! Company recall: the gold company counts as found when a company the finder returns
//! for the headline has a canonical name or surface whose [`company_key`] (folded,
//! trailing legal forms such as `PLC`, `Inc.`, `Group` and a closing `'s` removed) equals the key of the
//! gold name, or of the gold company's surface in the headline ([`surface_in_text`]:
//! the longest leading run of the gold name's words that occurs there, so `Lloyds`
//! stands for `Lloyds Banking Group PLC`).
//!
//! Scores: the target-given scorer ([`toward`]) with the gold name, else its surface in
//! the headline, as the target; the score is the polarity's score in [-1, 1].

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::metrics::{company_key, cosine, ratio, surface_in_text, toward};
use super::{read_jsonl, skipped, DatasetReport, EvalError, Evaluation};
use crate::entities::{EntityFinder, EntityKind};
use crate::sentiment::SentimentModel;
use crate::text::clean::clean_line;
use crate::text::lang::Lang;

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(default)]
    id: serde_json::Value,
    title: String,
    company: String,
    sentiment: f64,
}

struct ItemOut {
    gold: f64,
    pred: f64,
    located: bool,
    found: Option<bool>,
    error: Option<serde_json::Value>,
    sentiment_error: Option<serde_json::Value>,
}

fn score_item(item: &Item, model: &SentimentModel, finder: Option<&EntityFinder>) -> ItemOut {
    // The headline as the pipeline's normalize stage leaves it (markup, spacing,
    // mis-decoded UTF-8 such as `BÃ¶rse` repaired).
    let title = clean_line(&item.title);
    let title = title.as_str();
    let surface = surface_in_text(title, &item.company);
    let target: Vec<String> = std::iter::once(item.company.clone())
        .chain(surface.clone())
        .collect();
    let (pol, located) = toward(model, title, Lang::En, &[target])
        .pop()
        .unwrap_or_else(|| (crate::sentiment::Polarity::neutral(), false));
    let mut out = ItemOut {
        gold: item.sentiment,
        pred: f64::from(pol.score),
        located,
        found: None,
        error: None,
        sentiment_error: None,
    };
    // Opposite signs, or a clear gold score read as nothing.
    let (g, p) = (item.sentiment, f64::from(pol.score));
    if g * p < 0.0 || (g.abs() >= 0.3 && p == 0.0) {
        out.sentiment_error = Some(json!({
            "set": "semeval2017", "kind": "sentiment", "id": item.id, "gold": item.company,
            "gold_score": g, "score": p, "label": pol.label.as_str(),
            "evidence": pol.evidence, "title": title,
        }));
    }
    let Some(finder) = finder else {
        return out;
    };
    let gold_keys: Vec<String> = std::iter::once(company_key(&item.company))
        .chain(surface.as_deref().map(company_key))
        .filter(|k| !k.is_empty())
        .collect();
    let found: Vec<(String, String)> = finder
        .find(title, Lang::En)
        .into_iter()
        .filter(|m| m.kind == EntityKind::Company)
        .map(|m| (m.name, title.get(m.start..m.end).unwrap_or("").to_string()))
        .collect();
    let hit = found
        .iter()
        .any(|(n, s)| gold_keys.contains(&company_key(n)) || gold_keys.contains(&company_key(s)));
    out.found = Some(hit);
    if !hit {
        out.error = Some(json!({
            "set": "semeval2017", "kind": "missed", "id": item.id, "gold": item.company,
            "surface_in_text": surface, "title": title,
            "found": found.iter().map(|(n, s)| json!({"name": n, "surface": s})).collect::<Vec<_>>(),
        }));
    }
    out
}

/// Scores SemEval-2017 headlines dev; pushes its reports and missed companies.
pub fn eval(
    path: &Path,
    model: &SentimentModel,
    finder: Option<&EntityFinder>,
    out: &mut Evaluation,
) -> Result<(), EvalError> {
    if !path.exists() {
        out.reports
            .push(skipped("SemEval-2017 headlines dev", path));
        return Ok(());
    }
    let items: Vec<Item> = read_jsonl(path)?;
    let per: Vec<ItemOut> = items
        .par_iter()
        .map(|it| score_item(it, model, finder))
        .collect();
    if finder.is_some() {
        let hits = per.iter().filter(|p| p.found == Some(true)).count();
        out.reports.push(DatasetReport::scores(
            "SemEval-2017 headlines dev (company found)",
            per.len(),
            &[("recall", ratio(hits, per.len()))],
            format!(
                "{hits}/{} gold companies among the companies found (folded, legal forms removed)",
                per.len()
            ),
        ));
    }
    let gold: Vec<f64> = per.iter().map(|p| p.gold).collect();
    let pred: Vec<f64> = per.iter().map(|p| p.pred).collect();
    let unlocated = per.iter().filter(|p| !p.located).count();
    out.reports.push(DatasetReport::scores(
        "SemEval-2017 headlines dev (target given)",
        per.len(),
        &[("cosine", cosine(&gold, &pred))],
        format!("scores toward the gold company; {unlocated} not in the headline (headline tone); 2017 winner 0.745"),
    ));
    out.errors.extend(
        per.into_iter()
            .flat_map(|p| p.error.into_iter().chain(p.sentiment_error)),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::testutil;

    #[test]
    fn recall_with_legal_forms_and_cosine_of_scores() {
        let dir = testutil::tempdir();
        let path = dir.path().join("dev.jsonl");
        let lines = [
            // Gold name with a legal form; the headline names it without.
            json!({"id": 1, "title": "Zorblex Financial shares jump", "company": "Zorblex Financial Group PLC", "sentiment": 0.5}),
            // Gold name longer than the headline's surface ("Acme" for "Acme Holdings Inc.").
            json!({"id": 2, "title": "Acme profit rose", "company": "Acme Holdings Inc.", "sentiment": 0.4}),
            // A company the headline does not name.
            json!({"id": 3, "title": "Shares of the miner fall", "company": "Quorvatex", "sentiment": -0.6}),
        ]
        .map(|v| v.to_string())
        .join("\n");
        std::fs::write(&path, lines).unwrap();
        let out = testutil::evaluate(eval, &path);
        let found = &out.reports[0];
        assert_eq!(found.n, 3);
        assert!((found.metric("recall").unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0]["gold"], "Quorvatex");
        let cos = out.reports[1].metric("cosine").unwrap();
        // Every predicted score has the gold sign: the cosine is high but not 1.
        assert!(cos > 0.8 && cos <= 1.0, "{cos}");
        // Without a finder only the cosine is reported.
        let mut out = Evaluation::default();
        eval(&path, &testutil::model(), None, &mut out).unwrap();
        assert_eq!(out.reports.len(), 1);
        assert_eq!(out.reports[0].metric("cosine"), Some(cos));
    }

    #[test]
    fn missing_file_is_skipped() {
        let mut out = Evaluation::default();
        let p = Path::new("/nonexistent/semeval2017/dev.jsonl");
        eval(p, &testutil::model(), None, &mut out).unwrap();
        assert!(out.reports[0].note.starts_with("skipped"));
    }
}
