//! Evaluation harness (`newstone eval [DIR]`): measures the sentiment model on the
//! labelled public datasets described in `DIR/README.md`, so every claim about quality
//! comes with a reproducible number. Evaluation data is read, never copied or trained on.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::sentiment::{Label, SentimentModel};
use crate::text::lang::Lang;

/// Errors while reading an evaluation set.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A CSV file is malformed.
    #[error("{path}: {source}")]
    Csv {
        /// File.
        path: String,
        /// Underlying error.
        source: csv::Error,
    },
    /// A record does not have the expected shape.
    #[error("{path}: {msg}")]
    Format {
        /// File.
        path: String,
        /// What is wrong.
        msg: String,
    },
}

/// Scores on one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetReport {
    /// Dataset and protocol, e.g. `"SEntFiN dev (target given)"`.
    pub name: String,
    /// Number of scored items.
    pub n: usize,
    /// Share of items with the gold label.
    pub accuracy: f64,
    /// Mean F1 over the classes that occur (gold or predicted).
    pub macro_f1: f64,
    /// Rows gold, columns predicted: negative, neutral, positive.
    pub confusion: [[usize; 3]; 3],
    /// Protocol details, skipped sets, coverage.
    pub note: String,
}

fn class(l: Label) -> usize {
    match l {
        Label::Negative => 0,
        Label::Neutral => 1,
        Label::Positive => 2,
    }
}

/// Builds a report from (gold, predicted) class indices (0 neg, 1 neu, 2 pos).
pub fn report(name: &str, pairs: &[(usize, usize)], note: String) -> DatasetReport {
    let mut confusion = [[0usize; 3]; 3];
    for &(g, p) in pairs {
        confusion[g.min(2)][p.min(2)] += 1;
    }
    let n = pairs.len();
    let correct: usize = (0..3).map(|c| confusion[c][c]).sum();
    let mut f1s = Vec::new();
    for (c, row) in confusion.iter().enumerate() {
        let gold: usize = row.iter().sum();
        let pred: usize = confusion.iter().map(|r| r[c]).sum();
        if gold == 0 && pred == 0 {
            continue;
        }
        let tp = row[c] as f64;
        let f1 = if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (gold as f64 + pred as f64)
        };
        f1s.push(f1);
    }
    DatasetReport {
        name: name.to_string(),
        n,
        accuracy: if n == 0 {
            0.0
        } else {
            correct as f64 / n as f64
        },
        macro_f1: if f1s.is_empty() {
            0.0
        } else {
            f1s.iter().sum::<f64>() / f1s.len() as f64
        },
        confusion,
        note,
    }
}

fn skipped(name: &str, path: &Path) -> DatasetReport {
    report(name, &[], format!("skipped: {} not found", path.display()))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, EvalError> {
    std::fs::read(path).map_err(|e| EvalError::Io {
        path: path.display().to_string(),
        source: e,
    })
}

/// Decodes UTF-8, falling back to Latin-1 (the Financial PhraseBank ships in both).
pub fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Byte span of `needle` in `hay`: exact first, then ASCII case-insensitive (keeps byte
/// offsets valid, unlike lowercasing the whole string).
pub fn find_span(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    if let Some(a) = hay.find(needle) {
        return Some((a, a + needle.len()));
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len()) + 1)
        .filter(|&i| hay.is_char_boundary(i) && hay.is_char_boundary(i + n.len()))
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
        .map(|i| (i, i + n.len()))
}

fn label_class(s: &str) -> Option<usize> {
    match s.trim().to_ascii_lowercase().as_str() {
        "negative" => Some(0),
        "neutral" => Some(1),
        "positive" => Some(2),
        _ => None,
    }
}

/// A company finder: text → company spans (byte ranges); `run_eval` takes
/// `Option<&(dyn Fn(&str) -> Vec<(usize, usize)> + Sync)>`, spelled with this alias.
pub type Finder<'a> = &'a (dyn Fn(&str) -> Vec<(usize, usize)> + Sync);

/// Runs every dataset found under `dir` (missing ones are reported as skipped).
/// `finder` returns company spans (byte ranges) found in a text, for SEntFiN end-to-end.
pub fn run_eval(
    dir: &Path,
    model: &SentimentModel,
    finder: Option<Finder<'_>>,
) -> Result<Vec<DatasetReport>, EvalError> {
    let mut out = Vec::new();
    out.extend(eval_sentfin(&dir.join("sentfin/dev.csv"), model, finder)?);
    for (file, name) in [
        ("Sentences_AllAgree.txt", "FPB AllAgree"),
        ("Sentences_50Agree.txt", "FPB 50Agree"),
    ] {
        out.push(eval_fpb(&dir.join("fpb").join(file), name, model)?);
    }
    out.push(eval_newsmtsc(&dir.join("newsmtsc/train.jsonl"), model)?);
    out.push(eval_books(&dir.join("books-fr/dev.csv"), model)?);
    Ok(out)
}

/// SEntFiN: sentiment toward each gold entity of a headline.
fn eval_sentfin(
    path: &Path,
    model: &SentimentModel,
    finder: Option<Finder<'_>>,
) -> Result<Vec<DatasetReport>, EvalError> {
    let name = "SEntFiN dev (target given)";
    if !path.exists() {
        return Ok(vec![skipped(name, path)]);
    }
    let text = decode(&read_bytes(path)?);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let perr = |e: csv::Error| EvalError::Csv {
        path: path.display().to_string(),
        source: e,
    };
    let mut rows: Vec<(String, Vec<(String, usize)>)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(perr)?;
        let title = rec.get(1).unwrap_or("").to_string();
        let dec: serde_json::Value =
            serde_json::from_str(rec.get(2).unwrap_or("{}")).map_err(|e| EvalError::Format {
                path: path.display().to_string(),
                msg: format!("bad Decisions JSON: {e}"),
            })?;
        let mut ents = Vec::new();
        if let Some(obj) = dec.as_object() {
            for (k, v) in obj {
                if let Some(c) = v.as_str().and_then(label_class) {
                    ents.push((k.clone(), c));
                }
            }
        }
        rows.push((title, ents));
    }
    // Target given.
    let per_row: Vec<(Vec<(usize, usize)>, usize)> = rows
        .par_iter()
        .map(|(title, ents)| {
            let spans: Vec<Option<(usize, usize)>> =
                ents.iter().map(|(e, _)| find_span(title, e)).collect();
            let located: Vec<(usize, usize)> = spans.iter().flatten().copied().collect();
            let pols = model.targets(title, Lang::En, &located);
            let doc = model.document(title, Lang::En);
            let mut it = pols.into_iter();
            let mut pairs = Vec::new();
            let mut missing = 0;
            for (k, (_, gold)) in ents.iter().enumerate() {
                let pred = if spans[k].is_some() {
                    it.next().map_or(1, |p| class(p.label))
                } else {
                    missing += 1;
                    class(doc.label)
                };
                pairs.push((*gold, pred));
            }
            (pairs, missing)
        })
        .collect();
    let pairs: Vec<(usize, usize)> = per_row.iter().flat_map(|r| r.0.iter().copied()).collect();
    let missing: usize = per_row.iter().map(|r| r.1).sum();
    let mut reports = vec![report(
        name,
        &pairs,
        format!(
            "{} headlines; {} of {} gold entities not found verbatim in the headline (scored with the headline tone)",
            rows.len(),
            missing,
            pairs.len()
        ),
    )];
    if let Some(find) = finder {
        let per_row: Vec<(Vec<(usize, usize)>, usize)> = rows
            .par_iter()
            .map(|(title, ents)| {
                let found = find(title);
                let found: Vec<(usize, usize)> = found
                    .into_iter()
                    .filter(|&(a, b)| a < b && title.get(a..b).is_some())
                    .collect();
                let pols = model.targets(title, Lang::En, &found);
                let mut pairs = Vec::new();
                let mut hits = 0;
                for (e, gold) in ents {
                    let g = find_span(title, e);
                    let k = g.and_then(|(a, b)| {
                        found
                            .iter()
                            .position(|&f| f == (a, b))
                            .or_else(|| found.iter().position(|&(x, y)| x < b && a < y))
                    });
                    let pred = match k {
                        Some(k) => {
                            hits += 1;
                            class(pols[k].label)
                        }
                        None => 1,
                    };
                    pairs.push((*gold, pred));
                }
                (pairs, hits)
            })
            .collect();
        let pairs: Vec<(usize, usize)> = per_row.iter().flat_map(|r| r.0.iter().copied()).collect();
        let hits: usize = per_row.iter().map(|r| r.1).sum();
        reports.push(report(
            "SEntFiN dev (end-to-end)",
            &pairs,
            format!(
                "entity finder found {}/{} gold entities ({:.1} %); misses count as neutral",
                hits,
                pairs.len(),
                100.0 * hits as f64 / pairs.len().max(1) as f64
            ),
        ));
    }
    Ok(reports)
}

/// Financial PhraseBank: `sentence@label` lines, sentence-level label.
fn eval_fpb(path: &Path, name: &str, model: &SentimentModel) -> Result<DatasetReport, EvalError> {
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

/// NewsMTSC: sentiment toward character-offset target spans.
fn eval_newsmtsc(path: &Path, model: &SentimentModel) -> Result<DatasetReport, EvalError> {
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

/// French book reviews: document polarity, positive iff score > 0.
fn eval_books(path: &Path, model: &SentimentModel) -> Result<DatasetReport, EvalError> {
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

/// Plain-text table plus confusion matrices.
pub fn format_report(reports: &[DatasetReport]) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{:<32} {:>6} {:>9} {:>9}  note\n",
        "dataset", "n", "accuracy", "macro-F1"
    ));
    for r in reports {
        s.push_str(&format!(
            "{:<32} {:>6} {:>9.3} {:>9.3}  {}\n",
            r.name, r.n, r.accuracy, r.macro_f1, r.note
        ));
    }
    for r in reports.iter().filter(|r| r.n > 0) {
        s.push_str(&format!(
            "\n{} — confusion (rows gold, cols predicted)\n{:>10} {:>8} {:>8} {:>8}\n",
            r.name, "", "neg", "neu", "pos"
        ));
        for (i, lab) in ["neg", "neu", "pos"].iter().enumerate() {
            let row = r.confusion[i];
            s.push_str(&format!(
                "{:>10} {:>8} {:>8} {:>8}\n",
                lab, row[0], row[1], row[2]
            ));
        }
    }
    s
}

/// Default evaluation directory used by the CLI when none is given.
pub fn default_dir() -> PathBuf {
    PathBuf::from("/work/shared/eval")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::lexicon::Lexicon;

    #[test]
    fn metrics_from_pairs() {
        let r = report("t", &[(0, 0), (1, 1), (2, 2), (2, 1)], String::new());
        assert_eq!(r.n, 4);
        assert!((r.accuracy - 0.75).abs() < 1e-9);
        // F1: neg 1, neu 2/3, pos 2/3.
        assert!((r.macro_f1 - (1.0 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(r.confusion[2], [0, 1, 1]);
        let empty = report("e", &[], "x".into());
        assert_eq!((empty.n, empty.accuracy), (0, 0.0));
    }

    #[test]
    fn latin1_and_case_insensitive_spans() {
        assert_eq!(decode(&[b'c', 0xe9, b'@']), "cé@");
        assert_eq!(find_span("Shares of ACME rise", "Acme"), Some((10, 14)));
        assert_eq!(find_span("Élan rises", "élan"), None);
        assert_eq!(find_span("Élan rises", "Élan"), Some((0, 5)));
        assert_eq!(find_span("x", ""), None);
    }

    #[test]
    fn runs_on_a_tiny_directory_and_skips_missing_sets() {
        let dir = std::env::temp_dir().join(format!("newstone-eval-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("fpb")).unwrap();
        std::fs::create_dir_all(dir.join("sentfin")).unwrap();
        std::fs::write(
            dir.join("fpb/Sentences_AllAgree.txt"),
            "Profit rose sharply .@positive\nThe meeting is on Monday .@neutral\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("sentfin/dev.csv"),
            "S No.,Title,Decisions,Words\n1,Acme rises while Beta falls,\"{\"\"Acme\"\": \"\"positive\"\", \"\"Beta\"\": \"\"negative\"\"}\",5\n",
        )
        .unwrap();
        let mut en = Lexicon::empty(Lang::En);
        en.add_term("rose", 0.45);
        en.add_term("rise", 0.45);
        en.add_term("fall", -0.45);
        let model = SentimentModel::from_parts(en, Lexicon::empty(Lang::Fr), None);
        let finder = |t: &str| find_span(t, "Acme").into_iter().collect::<Vec<_>>();
        let reps = run_eval(&dir, &model, Some(&finder)).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        let by = |n: &str| reps.iter().find(|r| r.name.starts_with(n)).unwrap();
        assert_eq!(by("SEntFiN dev (target").accuracy, 1.0);
        let e2e = by("SEntFiN dev (end");
        assert_eq!(e2e.accuracy, 0.5);
        assert!(e2e.note.contains("1/2"));
        assert_eq!(by("FPB AllAgree").accuracy, 1.0);
        assert!(by("FPB 50Agree").note.starts_with("skipped"));
        assert!(by("books-fr").note.starts_with("skipped"));
        let text = format_report(&reps);
        assert!(text.contains("FPB AllAgree") && text.contains("confusion"));
    }
}
