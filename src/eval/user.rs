//! `newstone eval --file FILE`: the sentiment model on a user's own labelled set.
//!
//! A CSV file with a header row, or JSON lines, with per item:
//! - `text` (required): the sentence or article;
//! - `label` (required): `positive`, `negative` or `neutral` (any case; also `pos`, `neg`,
//!   `neu`, or `1`, `-1`, `0`);
//! - `target` (optional, may be empty): a company or other name in the text; the item is
//!   then scored toward it, every occurrence combined as in `article_entities`; without
//!   one, the tone of the whole text is scored;
//! - `lang` (optional): `en` or `fr`; detected (between the two) when absent.
//!
//! Other columns or fields are ignored. A missing column or a bad value is an error
//! naming the file, the line and what is expected.

use std::path::Path;

use serde_json::Value;

use super::metrics::{class, report, toward_all};
use super::{read_bytes, DatasetReport, EvalError};
use crate::sentiment::SentimentModel;
use crate::text::lang::{detect_among, Lang};

/// The columns (CSV) or fields (JSON) an item may have.
const REQUIRED: [&str; 2] = ["text", "label"];
const OPTIONAL: [&str; 2] = ["target", "lang"];

/// One labelled item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Line of the file (1-based), for the error list.
    pub line: u64,
    pub text: String,
    pub target: Option<String>,
    /// Gold class: 0 negative, 1 neutral, 2 positive.
    pub gold: usize,
    pub lang: Option<String>,
}

/// Class of a label cell: words (any case), their short forms, or -1/0/1.
fn gold_class(s: &str) -> Option<usize> {
    match s.trim().to_ascii_lowercase().as_str() {
        "negative" | "neg" | "-1" => Some(0),
        "neutral" | "neu" | "0" => Some(1),
        "positive" | "pos" | "1" | "+1" => Some(2),
        _ => None,
    }
}

fn format_err(path: &Path, msg: String) -> EvalError {
    EvalError::Format {
        path: path.display().to_string(),
        msg,
    }
}

fn expected() -> String {
    format!(
        "each item needs `{}` and `{}` and may have `{}` and `{}`",
        REQUIRED[0], REQUIRED[1], OPTIONAL[0], OPTIONAL[1]
    )
}

/// Builds an item from its cells, or says what is wrong at `line`.
fn item(
    path: &Path,
    line: u64,
    text: Option<&str>,
    label: Option<&str>,
    target: Option<&str>,
    lang: Option<&str>,
) -> Result<Item, EvalError> {
    let bad = |msg: String| format_err(path, format!("line {line}: {msg}"));
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(bad("empty `text`".into()));
    }
    let label = label.unwrap_or_default();
    let gold = gold_class(label).ok_or_else(|| {
        bad(format!(
            "label {label:?} is not positive, negative or neutral (nor pos/neg/neu, 1/-1/0)"
        ))
    })?;
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    if let Some(code) = lang {
        if Lang::from_pipeline_code(code).is_none() {
            return Err(bad(format!("lang {code:?} is not \"en\" or \"fr\"")));
        }
    }
    Ok(Item {
        line,
        text: text.to_string(),
        target: target
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        gold,
        lang: lang.map(str::to_string),
    })
}

/// Reads a labelled set: `.csv` or `.jsonl` (`.json`, `.ndjson`), by extension.
pub fn read(path: &Path) -> Result<Vec<Item>, EvalError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let items =
        match ext.as_str() {
            "csv" => read_csv(path)?,
            "jsonl" | "json" | "ndjson" => read_jsonl(path)?,
            _ => return Err(format_err(
                path,
                "give a .csv file (with a header row) or a .jsonl file (one JSON object per line)"
                    .into(),
            )),
        };
    if items.is_empty() {
        return Err(format_err(path, format!("no items; {}", expected())));
    }
    Ok(items)
}

fn read_csv(path: &Path) -> Result<Vec<Item>, EvalError> {
    let bytes = read_bytes(path)?;
    let text = super::decode(&bytes);
    let csv_err = |e: csv::Error| EvalError::Csv {
        path: path.display().to_string(),
        source: e,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let pos = |name: &str| headers.iter().position(|h| h == name);
    for col in REQUIRED {
        if pos(col).is_none() {
            return Err(format_err(
                path,
                format!(
                    "no `{col}` column (columns found: {}); {}",
                    headers.join(", "),
                    expected()
                ),
            ));
        }
    }
    let (text_at, label_at) = (pos("text"), pos("label"));
    let (target_at, lang_at) = (pos("target"), pos("lang"));
    let mut items = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |at: Option<usize>| at.and_then(|i| rec.get(i));
        items.push(item(
            path,
            line,
            cell(text_at),
            cell(label_at),
            cell(target_at),
            cell(lang_at),
        )?);
    }
    Ok(items)
}

fn read_jsonl(path: &Path) -> Result<Vec<Item>, EvalError> {
    let text = super::decode(&read_bytes(path)?);
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |msg: String| format_err(path, format!("line {line_no}: {msg}"));
        let value: Value =
            serde_json::from_str(line).map_err(|e| bad(format!("broken JSON ({e})")))?;
        let Value::Object(obj) = value else {
            return Err(bad("not a JSON object".into()));
        };
        // Numbers are accepted for the label (-1, 0, 1).
        let field = |name: &str| -> Option<String> {
            match obj.get(name)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        for name in REQUIRED {
            if field(name).is_none() {
                let mut seen: Vec<&str> = obj.keys().map(String::as_str).collect();
                seen.sort_unstable();
                return Err(bad(format!(
                    "no `{name}` field (fields found: {}); {}",
                    seen.join(", "),
                    expected()
                )));
            }
        }
        items.push(item(
            path,
            line_no,
            field("text").as_deref(),
            field("label").as_deref(),
            field("target").as_deref(),
            field("lang").as_deref(),
        )?);
    }
    Ok(items)
}

/// One item as scored.
#[derive(Debug, Clone)]
pub struct Scored {
    pub predicted: usize,
    pub score: f32,
    /// The target occurs in the text (false: scored by the text's tone).
    pub located: bool,
}

/// Scores one item: toward its target, else the whole text.
pub fn score(model: &SentimentModel, it: &Item) -> Scored {
    let lang = match &it.lang {
        Some(code) => Lang::from_code(code),
        None => detect_among(&it.text, &[Lang::En, Lang::Fr]).0,
    };
    match &it.target {
        Some(t) => {
            let (pol, located) = toward_all(model, &it.text, lang, &[vec![t.clone()]])
                .into_iter()
                .next()
                .unwrap_or_else(|| (crate::sentiment::Polarity::neutral(), false));
            Scored {
                predicted: class(pol.label),
                score: pol.score,
                located,
            }
        }
        None => {
            let pol = model.document(&it.text, lang);
            Scored {
                predicted: class(pol.label),
                score: pol.score,
                located: true,
            }
        }
    }
}

/// Scores a user's set: accuracy, macro-F1 and confusion, with counts in the note; and
/// one JSON object per wrongly labelled item (for `--errors`).
pub fn eval(path: &Path, model: &SentimentModel) -> Result<(DatasetReport, Vec<Value>), EvalError> {
    let items = read(path)?;
    let scored: Vec<Scored> = items.iter().map(|it| score(model, it)).collect();
    let pairs: Vec<(usize, usize)> = items
        .iter()
        .zip(&scored)
        .map(|(it, s)| (it.gold, s.predicted))
        .collect();
    let targeted = items.iter().filter(|it| it.target.is_some()).count();
    let missing = scored.iter().filter(|s| !s.located).count();
    let mut note = format!(
        "{targeted} scored toward their target, {} as whole texts",
        items.len() - targeted
    );
    if missing > 0 {
        note.push_str(&format!(
            "; {missing} targets not found in their text (scored by the text's tone)"
        ));
    }
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    const NAMES: [&str; 3] = ["negative", "neutral", "positive"];
    let errors = items
        .iter()
        .zip(&scored)
        .filter(|(it, s)| it.gold != s.predicted)
        .map(|(it, s)| {
            serde_json::json!({
                "set": name,
                "line": it.line,
                "text": it.text,
                "target": it.target,
                "gold": NAMES[it.gold.min(2)],
                "predicted": NAMES[s.predicted.min(2)],
                "score": (f64::from(s.score) * 1e4).round() / 1e4,
                "target_found": s.located,
            })
        })
        .collect();
    Ok((report(&name, &pairs, note), errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::testutil::{model, tempdir};

    #[test]
    fn scores_a_csv_set_with_and_without_targets() {
        let dir = tempdir();
        let path = dir.path().join("mine.csv");
        std::fs::write(
            &path,
            "id,text,target,label,lang\n\
             1,Acme shares jump after the results,Acme,positive,en\n\
             2,\"Profits fall, and Zorblex shares fall too\",Zorblex,NEG,\n\
             3,The board meets on Tuesday,,neutral,en\n\
             4,Lumière progresse nettement,Lumière,1,fr\n\
             5,Acme opens a new office,Betamax,neutral,en\n",
        )
        .unwrap();
        let (r, errors) = eval(&path, &model()).unwrap();
        assert_eq!((r.name.as_str(), r.n), ("mine.csv", 5));
        assert_eq!(r.accuracy, 1.0, "{errors:?}");
        assert_eq!(r.confusion[0][0] + r.confusion[1][1] + r.confusion[2][2], 5);
        assert!(
            r.note
                .contains("4 scored toward their target, 1 as whole texts")
                && r.note.contains("1 targets not found"),
            "{}",
            r.note
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn scores_json_lines_and_lists_the_errors() {
        let dir = tempdir();
        let path = dir.path().join("mine.jsonl");
        std::fs::write(
            &path,
            "{\"text\": \"Acme shares jump\", \"target\": \"Acme\", \"label\": -1}\n\n\
             {\"text\": \"Zorblex shares fall\", \"label\": \"negative\", \"note\": \"x\"}\n",
        )
        .unwrap();
        let (r, errors) = eval(&path, &model()).unwrap();
        assert_eq!((r.n, r.accuracy), (2, 0.5));
        assert_eq!(r.confusion[0][2], 1);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0]["line"], 1);
        assert_eq!(errors[0]["gold"], "negative");
        assert_eq!(errors[0]["predicted"], "positive");
    }

    #[test]
    fn missing_columns_and_bad_values_are_clear_errors() {
        let dir = tempdir();
        let err = |name: &str, content: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            read(&path).unwrap_err().to_string()
        };
        let e = err("a.csv", "sentence,sentiment\nAcme rose,positive\n");
        assert!(
            e.contains("no `text` column (columns found: sentence, sentiment)")
                && e.contains("`label`"),
            "{e}"
        );
        let e = err("b.csv", "text,label\nAcme rose,great\n");
        assert!(e.contains("line 2") && e.contains("\"great\""), "{e}");
        let e = err(
            "c.jsonl",
            "{\"headline\": \"Acme rose\", \"label\": \"positive\"}\n",
        );
        assert!(
            e.contains("line 1: no `text` field (fields found: headline, label)"),
            "{e}"
        );
        let e = err(
            "d.jsonl",
            "{\"text\": \"Acme rose\", \"label\": \"positive\", \"lang\": \"de\"}\n",
        );
        assert!(e.contains("lang \"de\""), "{e}");
        let e = err("e.txt", "Acme rose@positive\n");
        assert!(e.contains(".csv") && e.contains(".jsonl"), "{e}");
        let e = err("f.csv", "text,label\n");
        assert!(e.contains("no items"), "{e}");
    }
}
