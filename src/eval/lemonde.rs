//! lemonde-companies: every company a Le Monde RSS item names, and the sentiment toward
//! it. Each item is seen as the pipeline sees it: title and description cleaned like the
//! normalize stage does, the entity finder run on `title + "\n\n" + description` in the
//! detected language.
//!
//! Company finding is scored per item (micro-averaged over items): a found company (all
//! mentions of one entity count once) is correct when its canonical name or one of its
//! surfaces equals, after [`company_key`] (case, accents, apostrophes, no-break spaces
//! folded; a trailing legal form removed, as the finder's spans leave it out: `Acme SA`
//! → `Acme`), the name or a surface of a gold company of the item not matched yet; each
//! gold company is matched at most once.

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::metrics::{
    class, company_key, label_class, occurrences, ratio, report, toward_spans, Counts,
};
use super::{read_jsonl, skipped, DatasetReport, EvalError, Evaluation};
use crate::entities::{drop_publisher_mentions, EntityFinder, EntityKind, Via};
use crate::sentiment::SentimentModel;
use crate::signals::relevance::{article_relevance, MentionFacts};
use crate::text::clean::{clean_line, clean_text};
use crate::text::lang::{detect, prefix_chars, Lang};

/// One labelled RSS item.
#[derive(Debug, Deserialize)]
struct Item {
    #[serde(default)]
    guid: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    companies: Vec<GoldCompany>,
}

#[derive(Debug, Deserialize)]
struct GoldCompany {
    name: String,
    #[serde(default)]
    surfaces: Vec<String>,
    #[serde(default)]
    sentiment: String,
}

/// One entity the finder returned for an item, all its mentions together.
#[derive(Debug)]
struct Found {
    entity_id: String,
    name: String,
    via: Via,
    surfaces: Vec<String>,
    keys: Vec<String>,
    /// Byte spans of its coreference mentions (`le groupe`).
    corefs: Vec<(usize, usize)>,
}

/// The document the pipeline builds for an RSS item, and its language (detected like
/// the normalize stage does; French when unclear, as the feed is French).
pub fn document(title: &str, description: &str) -> (String, Lang) {
    let title = clean_line(title);
    let text = clean_text(description);
    let sample = format!("{title}\n{}", prefix_chars(&text, 600));
    let lang = match detect(&sample).0 {
        l @ (Lang::En | Lang::Fr) => l,
        _ => Lang::Fr,
    };
    let doc = if title.is_empty() {
        text
    } else {
        format!("{title}\n\n{text}")
    };
    (doc, lang)
}

/// Every mention the pipeline would keep in the item, as its relevance score sees them;
/// `entity` numbers the entities by first mention.
fn item_mentions(mentions: &[crate::entities::Mention]) -> (Vec<MentionFacts<'static>>, Vec<&str>) {
    let mut ids: Vec<&str> = Vec::new();
    let facts = mentions
        .iter()
        .map(|m| {
            let entity = match ids.iter().position(|id| *id == m.entity_id) {
                Some(k) => k,
                None => {
                    ids.push(&m.entity_id);
                    ids.len() - 1
                }
            };
            MentionFacts {
                start: m.start,
                end: m.end,
                entity,
                kind: m.kind.as_str(),
                in_title: false,
                cue: false,
            }
        })
        .collect();
    (facts, ids)
}

/// The relevance of each found company (see [`crate::signals::relevance`]), computed as
/// the sentiment stage does: `title_len` is the byte length of the title in `doc`.
fn found_relevance(
    model: &SentimentModel,
    doc: &str,
    lang: Lang,
    title_len: usize,
    mentions: &[crate::entities::Mention],
    found: &[Found],
) -> Vec<f64> {
    let (mut facts, ids) = item_mentions(mentions);
    let spans: Vec<(usize, usize)> = facts.iter().map(|f| (f.start, f.end)).collect();
    let scores = model.article(doc, lang, &spans);
    for (f, p) in facts.iter_mut().zip(&scores.targets) {
        f.in_title = title_len > 0 && f.start < title_len;
        f.cue = !p.evidence.is_empty();
    }
    let body_start = if title_len > 0 { title_len + 2 } else { 0 };
    let rel = article_relevance(doc, body_start, &scores.sentences, &facts, ids.len());
    found
        .iter()
        .map(|f| {
            ids.iter()
                .position(|id| *id == f.entity_id)
                .and_then(|k| rel.get(k).copied())
                .unwrap_or(0.0)
        })
        .collect()
}

/// The companies the pipeline would find in the item; `url` (the item's link, its
/// `guid` in these feeds) names the publisher, whose own name the pipeline drops. Also
/// returns every mention kept (all entity types).
fn found_entities(
    finder: &EntityFinder,
    doc: &str,
    lang: Lang,
    url: Option<&str>,
) -> (Vec<Found>, Vec<crate::entities::Mention>) {
    let mut out: Vec<Found> = Vec::new();
    let mut mentions = finder.find(doc, lang);
    drop_publisher_mentions(&mut mentions, doc, url);
    for m in mentions.iter().cloned() {
        if m.kind != EntityKind::Company {
            continue;
        }
        let k = match out.iter().position(|f| f.entity_id == m.entity_id) {
            Some(k) => k,
            None => {
                out.push(Found {
                    keys: vec![company_key(&m.name)],
                    entity_id: m.entity_id.clone(),
                    name: m.name.clone(),
                    via: m.via,
                    surfaces: Vec::new(),
                    corefs: Vec::new(),
                });
                out.len() - 1
            }
        };
        let f = &mut out[k];
        if f.via == Via::Coref {
            f.via = m.via;
        }
        let surface = doc.get(m.start..m.end).unwrap_or("").to_string();
        if m.via == Via::Coref {
            f.corefs.push((m.start, m.end));
        } else {
            let key = company_key(&surface);
            if !f.keys.contains(&key) {
                f.keys.push(key);
            }
        }
        if !f.surfaces.contains(&surface) {
            f.surfaces.push(surface);
        }
    }
    (out, mentions)
}

/// Greedy one-to-one matching of found entities to gold companies by shared keys;
/// returns, per found entity, the gold company it matched.
fn match_found(found: &[Found], gold_keys: &[Vec<String>]) -> Vec<Option<usize>> {
    let mut taken = vec![false; gold_keys.len()];
    found
        .iter()
        .map(|f| {
            let g = (0..gold_keys.len())
                .find(|&g| !taken[g] && gold_keys[g].iter().any(|k| f.keys.contains(k)))?;
            taken[g] = true;
            Some(g)
        })
        .collect()
}

struct ItemOut {
    counts: Counts,
    /// (gold class, predicted class, located) per labelled gold company.
    pairs: Vec<(usize, usize, bool)>,
    /// (named in the title, relevance) per found company matched to a gold one.
    relevance: Vec<(bool, f64)>,
    errors: Vec<serde_json::Value>,
}

fn score_item(item: &Item, model: &SentimentModel, finder: Option<&EntityFinder>) -> ItemOut {
    let (doc, lang) = document(&item.title, &item.description);
    let mut out = ItemOut {
        counts: Counts::default(),
        pairs: Vec::new(),
        relevance: Vec::new(),
        errors: Vec::new(),
    };
    let (found, mentions) = finder.map_or_else(Default::default, |f| {
        found_entities(f, &doc, lang, Some(&item.guid))
    });
    let gold_keys: Vec<Vec<String>> = item
        .companies
        .iter()
        .map(|c| {
            std::iter::once(&c.name)
                .chain(&c.surfaces)
                .map(|s| company_key(s))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .collect();
    let matched = match_found(&found, &gold_keys);
    // Sentiment toward each gold company: every occurrence of its surfaces (cleaned like
    // the text), and the noun phrases (`le groupe`) the finder linked to it; scored and
    // combined as the pipeline's `article_entities`.
    let targets: Vec<Vec<(usize, usize)>> = item
        .companies
        .iter()
        .enumerate()
        .map(|(g, c)| {
            let mut spans: Vec<(usize, usize)> = Vec::new();
            let strings = c.surfaces.iter().chain(std::iter::once(&c.name));
            let corefs = found
                .iter()
                .zip(&matched)
                .filter(|(_, m)| **m == Some(g))
                .flat_map(|(f, _)| f.corefs.iter().copied());
            for sp in strings
                .flat_map(|s| occurrences(&doc, &clean_line(s)))
                .chain(corefs)
            {
                if !spans.iter().any(|&(a, b)| a < sp.1 && sp.0 < b) {
                    spans.push(sp);
                }
            }
            spans.sort_unstable();
            spans
        })
        .collect();
    let pols = toward_spans(model, &doc, lang, targets);
    for (c, (p, located)) in item.companies.iter().zip(pols) {
        if let Some(g) = label_class(&c.sentiment) {
            out.pairs.push((g, class(p.label), located));
            if g != class(p.label) {
                out.errors.push(json!({
                    "set": "lemonde-companies", "kind": "sentiment", "guid": item.guid,
                    "gold": c.name, "gold_label": c.sentiment, "label": p.label.as_str(),
                    "score": p.score, "evidence": p.evidence, "title": item.title,
                    "text": doc,
                }));
            }
        }
    }
    if finder.is_none() {
        return out;
    }
    // Relevance of the found companies that are gold ones, by whether the title names
    // the gold company.
    let title = clean_line(&item.title);
    let title_len = if title.is_empty() { 0 } else { title.len() };
    let relevance = found_relevance(model, &doc, lang, title_len, &mentions, &found);
    for (r, g) in relevance.iter().zip(&matched) {
        if let Some(c) = g.and_then(|g| item.companies.get(g)) {
            let named = c
                .surfaces
                .iter()
                .chain(std::iter::once(&c.name))
                .any(|s| !occurrences(&title, &clean_line(s)).is_empty());
            out.relevance.push((named, *r));
        }
    }
    let tp = matched.iter().flatten().count();
    out.counts = Counts {
        tp,
        fp: found.len() - tp,
        fn_: item.companies.len() - tp,
    };
    for (f, _) in found.iter().zip(&matched).filter(|(_, m)| m.is_none()) {
        out.errors.push(json!({
            "set": "lemonde-companies", "kind": "false_positive", "guid": item.guid,
            "entity_id": f.entity_id, "name": f.name, "surfaces": f.surfaces,
            "via": f.via.as_str(), "title": item.title,
        }));
    }
    for (g, c) in item.companies.iter().enumerate() {
        if !matched.contains(&Some(g)) {
            out.errors.push(json!({
                "set": "lemonde-companies", "kind": "missed", "guid": item.guid,
                "gold": c.name, "surfaces": c.surfaces, "title": item.title,
                "found": found.iter().map(|f| &f.name).collect::<Vec<_>>(),
            }));
        }
    }
    out
}

/// The relevance of the gold companies found, split by whether the item's title names
/// them: median and share scoring 50 or more, for each group.
fn relevance_report(rows: impl Iterator<Item = (bool, f64)>) -> DatasetReport {
    let (mut titled, mut other): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for (named, r) in rows {
        if named { &mut titled } else { &mut other }.push(r);
    }
    let median = |v: &mut Vec<f64>| -> f64 {
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => 0.0,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    };
    let high = |v: &[f64]| ratio(v.iter().filter(|&&r| r >= 50.0).count(), v.len());
    let (ht, ho) = (high(&titled), high(&other));
    let (nt, no) = (titled.len(), other.len());
    DatasetReport::scores(
        "lemonde-companies dev (relevance)",
        nt + no,
        &[
            ("title med", median(&mut titled)),
            ("≥50", ht),
            ("other med", median(&mut other)),
            ("≥50", ho),
        ],
        format!("gold companies found: {nt} named in the title, {no} not; relevance 0–100"),
    )
}

/// Scores lemonde-companies dev; pushes its reports and errors.
pub fn eval(
    path: &Path,
    model: &SentimentModel,
    finder: Option<&EntityFinder>,
    out: &mut Evaluation,
) -> Result<(), EvalError> {
    if !path.exists() {
        out.reports.push(skipped("lemonde-companies dev", path));
        return Ok(());
    }
    let items: Vec<Item> = read_jsonl(path)?;
    let per: Vec<ItemOut> = items
        .par_iter()
        .map(|it| score_item(it, model, finder))
        .collect();
    let n_gold: usize = items.iter().map(|i| i.companies.len()).sum();
    if finder.is_some() {
        let mut c = Counts::default();
        for p in &per {
            c.add(p.counts);
        }
        out.reports.push(DatasetReport::scores(
            "lemonde-companies dev (companies found)",
            items.len(),
            &[("P", c.precision()), ("R", c.recall()), ("F1", c.f1())],
            format!(
                "{} of {n_gold} gold companies found, {} false positives; per item, folded name or surface, legal forms removed",
                c.tp, c.fp
            ),
        ));
    }
    let pairs: Vec<(usize, usize)> = per
        .iter()
        .flat_map(|p| p.pairs.iter().map(|&(g, q, _)| (g, q)))
        .collect();
    let unlocated = per.iter().flat_map(|p| &p.pairs).filter(|p| !p.2).count();
    let neutral = pairs.iter().filter(|p| p.0 == 1).count();
    out.reports.push(report(
        "lemonde-companies dev (target given)",
        &pairs,
        format!(
            "always-neutral {:.3}; {unlocated} gold companies with no surface in the text (scored with the item's tone)",
            ratio(neutral, pairs.len())
        ),
    ));
    if finder.is_some() {
        out.reports.push(relevance_report(
            per.iter().flat_map(|p| p.relevance.iter().copied()),
        ));
    }
    out.errors.extend(per.into_iter().flat_map(|p| p.errors));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::testutil;

    fn line(title: &str, desc: &str, companies: serde_json::Value) -> String {
        json!({"guid": title, "title": title, "description": desc,
               "pubDate": "Mon, 03 Jan 2022 10:00:00 +0100", "companies": companies})
        .to_string()
    }

    #[test]
    fn precision_recall_folding_and_sentiment_toward_gold() {
        let dir = testutil::tempdir();
        let path = dir.path().join("dev.jsonl");
        let lines = [
            // Found through a folded surface (no accents, typographic apostrophe and NBSP
            // in the gold), twice but counted once; the gold's sentiment is positive.
            line(
                "Lumiere Energie bondit en Bourse",
                "Lumière\u{a0}Énergie bondit encore.",
                json!([{"name": "Lumière Énergie", "surfaces": ["Lumière\u{a0}Énergie", "LUMIERE ENERGIE"], "sentiment": "positive"}]),
            ),
            // One found and gold (Acme), one gold missed (Quorvatex).
            line(
                "Acme SA chute",
                "Quorvatex reste stable.",
                json!([
                    // Legal forms are removed on both sides.
                    {"name": "Acme Industries SA", "surfaces": ["Acme SA"], "sentiment": "negative"},
                    {"name": "Quorvatex", "surfaces": ["Quorvatex"], "sentiment": "neutral"},
                ]),
            ),
            // A false positive: no gold company.
            line("Zorblex Financial ouvre une agence", "Une agence ouvre.", json!([])),
        ]
        .join("\n");
        std::fs::write(&path, lines).unwrap();
        let out = testutil::evaluate(eval, &path);
        let found = &out.reports[0];
        assert_eq!(found.n, 3);
        // tp 2 (Lumière, Acme), fp 1 (Zorblex), fn 1 (Quorvatex).
        assert_eq!(found.metric("P"), Some(2.0 / 3.0));
        assert_eq!(found.metric("R"), Some(2.0 / 3.0));
        assert!((found.metric("F1").unwrap() - 2.0 / 3.0).abs() < 1e-12);
        let senti = &out.reports[1];
        assert_eq!(senti.n, 3);
        assert_eq!(senti.confusion[2][2], 1, "{senti:?}");
        assert_eq!(senti.confusion[0][0], 1, "{senti:?}");
        assert!(senti.note.starts_with("always-neutral 0.333"));
        // Both gold companies found are named in their item's title, and score high.
        let rel = &out.reports[2];
        assert_eq!(rel.n, 2);
        assert!(rel.metric("title med").unwrap() >= 50.0, "{rel:?}");
        assert_eq!(rel.metrics[1], ("≥50".to_string(), 1.0));
        let kinds: Vec<(&str, &str)> = out
            .errors
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap(),
                    e["name"].as_str().or(e["gold"].as_str()).unwrap(),
                )
            })
            .collect();
        assert!(kinds.contains(&("missed", "Quorvatex")), "{kinds:?}");
        assert!(
            kinds.contains(&("false_positive", "Zorblex Financial Group")),
            "{kinds:?}"
        );
        assert_eq!(kinds.len(), 2);
    }

    #[test]
    fn a_gold_company_is_matched_once() {
        let found = |id: &str, key: &str| Found {
            entity_id: id.into(),
            name: key.into(),
            via: Via::Discovered,
            surfaces: vec![key.into()],
            keys: vec![key.into()],
            corefs: Vec::new(),
        };
        let gold = vec![vec!["acme".to_string()]];
        let m = match_found(&[found("a", "acme"), found("b", "acme")], &gold);
        assert_eq!(m, vec![Some(0), None]);
    }

    #[test]
    fn missing_file_is_skipped() {
        let mut out = Evaluation::default();
        let p = Path::new("/nonexistent/lemonde-companies/dev.jsonl");
        eval(p, &testutil::model(), None, &mut out).unwrap();
        assert!(out.reports[0].note.starts_with("skipped"));
    }
}
