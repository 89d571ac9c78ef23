//! `newstone sentiment [--input FILE|-] [--output FILE|-]`.
//!
//! Targets are either given (`{"text": "Oracle"}` — every occurrence counts — or
//! `{"start": 10, "end": 16}` in characters) or, when absent, the companies the entity
//! finder finds.

use std::process::ExitCode;

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::io::{bytes_to_chars, chars_to_bytes, lang_field, map_lines, text_field};
use crate::entities::{EntityFinder, EntityKind};
use crate::reference::ReferenceData;
use crate::sentiment::{combine, ArticleScores, SentimentModel};
use crate::stages::entities::load_finder;
use crate::stages::sentiment::{evidence_cell, load_model};

/// One requested target: its byte spans in the text (several when given by text).
struct Target {
    text: String,
    spans: Vec<(usize, usize)>,
    entity_id: Option<String>,
}

/// Every occurrence of `needle` (exact case first, else case-insensitive).
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let exact: Vec<(usize, usize)> = text
        .match_indices(needle)
        .map(|(s, m)| (s, s + m.len()))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    regex::RegexBuilder::new(&regex::escape(needle))
        .case_insensitive(true)
        .build()
        .map(|re| re.find_iter(text).map(|m| (m.start(), m.end())).collect())
        .unwrap_or_default()
}

fn parse_targets(
    obj: &Map<String, Value>,
    text: &str,
    finder: &EntityFinder,
    lang: crate::text::lang::Lang,
) -> Result<Vec<Target>, String> {
    let found = finder.find(text, lang);
    // The mentions are sorted and do not overlap: the first company ending after `s` is
    // the only candidate (a binary search, not a scan per target).
    let companies: Vec<_> = found
        .iter()
        .filter(|m| m.kind == EntityKind::Company)
        .collect();
    let entity_at = |s: usize, e: usize| -> Option<String> {
        let i = companies.partition_point(|m| m.end <= s);
        companies
            .get(i)
            .filter(|m| m.start < e)
            .map(|m| m.entity_id.clone())
    };
    match obj.get("targets") {
        None | Some(Value::Null) => {
            // The companies found, one target per entity with all its mentions.
            let mut targets: Vec<Target> = Vec::new();
            for m in found.iter().filter(|m| m.kind == EntityKind::Company) {
                match targets
                    .iter_mut()
                    .find(|t| t.entity_id.as_deref() == Some(m.entity_id.as_str()))
                {
                    Some(t) => t.spans.push((m.start, m.end)),
                    None => targets.push(Target {
                        text: text.get(m.start..m.end).unwrap_or("").to_string(),
                        spans: vec![(m.start, m.end)],
                        entity_id: Some(m.entity_id.clone()),
                    }),
                }
            }
            Ok(targets)
        }
        Some(Value::Array(items)) => {
            // The character offsets of all targets, converted in one pass over the text.
            let char_span = |t: &Value| -> Option<[usize; 2]> {
                if t.get("text").and_then(Value::as_str).is_some() {
                    return None;
                }
                let s = t.get("start").and_then(Value::as_u64)?;
                let e = t.get("end").and_then(Value::as_u64)?;
                Some([s, e].map(|n| usize::try_from(n).unwrap_or(usize::MAX)))
            };
            let spans: Vec<Option<[usize; 2]>> = items.iter().map(char_span).collect();
            let wanted: Vec<usize> = spans.iter().flatten().flatten().copied().collect();
            let mut bytes = chars_to_bytes(text, &wanted).into_iter();
            items
                .iter()
                .zip(spans)
                .enumerate()
                .map(|(i, (t, span))| {
                    if let Some(s) = t.get("text").and_then(Value::as_str) {
                        let spans = occurrences(text, s);
                        let entity_id = spans.first().and_then(|&(a, b)| entity_at(a, b));
                        return Ok(Target {
                            text: s.to_string(),
                            spans,
                            entity_id,
                        });
                    }
                    let Some([s, e]) = span else {
                        return Err(format!(
                            "targets[{i}] needs \"text\" or \"start\" and \"end\" (character offsets)"
                        ));
                    };
                    let (Some(Some(bs)), Some(Some(be))) = (bytes.next(), bytes.next()) else {
                        return Err(format!("targets[{i}]: offsets {s}..{e} are outside the text"));
                    };
                    if bs >= be {
                        return Err(format!("targets[{i}]: start must be before end"));
                    }
                    Ok(Target {
                        text: text[bs..be].to_string(),
                        spans: vec![(bs, be)],
                        entity_id: entity_at(bs, be),
                    })
                })
                .collect()
        }
        Some(_) => Err("\"targets\" must be a list".into()),
    }
}

/// Scores one JSON line.
pub fn score_line(
    obj: &Map<String, Value>,
    model: &SentimentModel,
    finder: &EntityFinder,
) -> Result<Value, String> {
    let text = text_field(obj)?;
    let lang = lang_field(obj, text);
    let targets = parse_targets(obj, text, finder, lang)?;
    // All spans at once, so clauses can be split between targets; one analysis of the
    // text serves the tone and the targets.
    let all: Vec<(usize, usize)> = targets.iter().flat_map(|t| t.spans.clone()).collect();
    let ArticleScores {
        tone: doc,
        targets: scores,
        ..
    } = model.article(text, lang, &all);
    // Character offsets of each target's first span, converted in one pass.
    let firsts: Vec<usize> = targets
        .iter()
        .filter_map(|t| t.spans.first())
        .flat_map(|&(s, e)| [s, e])
        .collect();
    let mut first_chars = bytes_to_chars(text, &firsts).into_iter();
    let mut k = 0;
    let out: Vec<Value> = targets
        .iter()
        .map(|t| {
            let ps = scores.get(k..k + t.spans.len()).unwrap_or(&[]);
            k += t.spans.len();
            let first = t
                .spans
                .first()
                .map(|_| (first_chars.next(), first_chars.next()));
            if ps.is_empty() {
                return json!({"text": t.text, "start": null, "end": null, "entity_id": t.entity_id,
                    "score": 0.0, "label": "neutral", "evidence": [], "note": "target not found in text"});
            }
            let c = combine(ps, model.target_threshold(lang));
            json!({
                "text": t.text,
                "start": first.map(|s| s.0),
                "end": first.map(|s| s.1),
                "entity_id": t.entity_id,
                "score": (f64::from(c.score) * 1e4).round() / 1e4,
                "label": c.label.as_str(),
                "evidence": c.evidence,
            })
        })
        .collect();
    Ok(json!({
        "id": obj.get("id"),
        "score": (f64::from(doc.score) * 1e4).round() / 1e4,
        "label": doc.label.as_str(),
        "evidence": evidence_cell(&doc),
        "targets": out,
    }))
}

pub fn sentiment(input: &str, output: &str, data: &ReferenceData) -> Result<ExitCode> {
    let finder = load_finder(&data.gazetteer_dir()?, "--gazetteer")?;
    let model = load_model(&data.lexicons_dir()?, "--lexicons")?;
    let (ok, bad) = map_lines(input, output, |obj| score_line(obj, &model, &finder))?;
    tracing::info!("sentiment: {ok} lines done, {bad} lines with errors");
    Ok(ExitCode::SUCCESS)
}
