//! Evaluation harness (`newstone eval [DIR]`): measures the sentiment model and the entity
//! finder on the labelled public datasets described in `DIR/README.md`, so every claim
//! about quality comes with a reproducible number. Evaluation data is read, never copied
//! or trained on.
//!
//! One file per dataset ([`sentfin`], [`fpb`], [`newsmtsc`], [`books`], [`lemonde`],
//! [`semeval`]) and the shared scoring in [`metrics`]. A set whose file is missing is
//! reported as skipped.

use std::path::Path;

use crate::entities::EntityFinder;
use crate::sentiment::SentimentModel;

pub mod books;
pub mod fpb;
pub mod lemonde;
pub mod metrics;
pub mod newsmtsc;
pub mod semeval;
pub mod sentfin;
pub mod user;

pub use metrics::{decode, find_span, report};

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
    /// Metrics that are not a three-class labelling (precision, recall, F1, cosine…),
    /// as (name, value). A report with metrics here is printed in the second table and
    /// its `accuracy`, `macro_f1` and `confusion` are unused.
    pub metrics: Vec<(String, f64)>,
}

impl DatasetReport {
    /// A report made of named metrics only (no three-class labelling).
    pub fn scores(name: &str, n: usize, metrics: &[(&str, f64)], note: String) -> Self {
        DatasetReport {
            metrics: metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            ..report(name, &[], note)
        }
        .with_n(n)
    }

    fn with_n(mut self, n: usize) -> Self {
        self.n = n;
        self
    }

    /// The value of the named metric, if the report has it.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.iter().find(|(k, _)| k == name).map(|m| m.1)
    }
}

/// All reports plus, for the entity sets, one JSON object per error (missed gold
/// company, false positive) for error analysis.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// One report per dataset and protocol, in a fixed order.
    pub reports: Vec<DatasetReport>,
    /// Per-item errors, each with a `set` and a `kind` field.
    pub errors: Vec<serde_json::Value>,
}

pub(crate) fn skipped(name: &str, path: &Path) -> DatasetReport {
    report(name, &[], format!("skipped: {} not found", path.display()))
}

pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, EvalError> {
    std::fs::read(path).map_err(|e| EvalError::Io {
        path: path.display().to_string(),
        source: e,
    })
}

/// The JSON lines of `path` (blank lines skipped) as `T`s; a bad line is a format error
/// naming the file.
pub(crate) fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, EvalError> {
    decode(&read_bytes(path)?)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|e| EvalError::Format {
                path: path.display().to_string(),
                msg: format!("bad JSON line: {e}"),
            })
        })
        .collect()
}

/// Runs every dataset found under `dir` (missing ones are reported as skipped).
/// `finder` is the entity finder, for the end-to-end and company-finding measures (they
/// are left out without it).
pub fn run_eval(
    dir: &Path,
    model: &SentimentModel,
    finder: Option<&EntityFinder>,
) -> Result<Vec<DatasetReport>, EvalError> {
    Ok(run_eval_full(dir, model, finder)?.reports)
}

/// [`run_eval`] with the per-item errors of the company sets.
pub fn run_eval_full(
    dir: &Path,
    model: &SentimentModel,
    finder: Option<&EntityFinder>,
) -> Result<Evaluation, EvalError> {
    let mut out = Evaluation::default();
    sentfin::eval(&dir.join("sentfin/dev.csv"), model, finder, &mut out)?;
    for (file, name) in [
        ("Sentences_AllAgree.txt", "FPB AllAgree"),
        ("Sentences_50Agree.txt", "FPB 50Agree"),
    ] {
        out.reports
            .push(fpb::eval(&dir.join("fpb").join(file), name, model)?);
    }
    out.reports
        .push(newsmtsc::eval(&dir.join("newsmtsc/train.jsonl"), model)?);
    out.reports
        .push(books::eval(&dir.join("books-fr/dev.csv"), model)?);
    lemonde::eval(
        &dir.join("lemonde-companies/dev.jsonl"),
        model,
        finder,
        &mut out,
    )?;
    semeval::eval(&dir.join("semeval2017/dev.jsonl"), model, finder, &mut out)?;
    Ok(out)
}

/// Plain-text tables: three-class sets (accuracy, macro-F1), then the other measures
/// (company finding, cosine), then the confusion matrices.
pub fn format_report(reports: &[DatasetReport]) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{:<40} {:>6} {:>9} {:>9}  note\n",
        "dataset", "n", "accuracy", "macro-F1"
    ));
    for r in reports.iter().filter(|r| r.metrics.is_empty()) {
        s.push_str(&format!(
            "{:<40} {:>6} {:>9.3} {:>9.3}  {}\n",
            r.name, r.n, r.accuracy, r.macro_f1, r.note
        ));
    }
    let others: Vec<&DatasetReport> = reports.iter().filter(|r| !r.metrics.is_empty()).collect();
    if !others.is_empty() {
        s.push_str(&format!(
            "\n{:<40} {:>6}  {:<28}  note\n",
            "dataset", "n", "scores"
        ));
        for r in others {
            let scores: Vec<String> = r
                .metrics
                .iter()
                .map(|(k, v)| format!("{k} {v:.3}"))
                .collect();
            s.push_str(&format!(
                "{:<40} {:>6}  {:<28}  {}\n",
                r.name,
                r.n,
                scores.join("  "),
                r.note
            ));
        }
    }
    for r in reports.iter().filter(|r| r.n > 0 && r.metrics.is_empty()) {
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

#[cfg(test)]
pub(crate) mod testutil {
    //! Tiny models, finders and directories for the dataset tests (invented text only).

    use crate::entities::{EntityFinder, Gazetteer};
    use crate::sentiment::lexicon::Lexicon;
    use crate::sentiment::SentimentModel;
    use crate::text::lang::Lang;

    /// A model that knows a handful of English and French words.
    pub fn model() -> SentimentModel {
        let mut en = Lexicon::empty(Lang::En);
        for (w, s) in [
            ("rose", 0.45),
            ("rise", 0.45),
            ("jump", 0.5),
            ("fall", -0.45),
        ] {
            en.add_term(w, s);
        }
        let mut fr = Lexicon::empty(Lang::Fr);
        for (w, s) in [("bondit", 0.5), ("chute", -0.5), ("progresse", 0.45)] {
            fr.add_term(w, s);
        }
        SentimentModel::from_parts(en, fr, None)
    }

    /// The signature every dataset's `eval` has.
    pub type EvalFn = fn(
        &std::path::Path,
        &SentimentModel,
        Option<&EntityFinder>,
        &mut super::Evaluation,
    ) -> Result<(), super::EvalError>;

    /// Runs one dataset's `eval` on `path` with [`model`] and [`finder`].
    pub fn evaluate(eval: EvalFn, path: &std::path::Path) -> super::Evaluation {
        let mut out = super::Evaluation::default();
        eval(path, &model(), Some(&finder()), &mut out).expect("test set reads");
        out
    }

    /// A finder over a three-company gazetteer plus one person and one place.
    pub fn finder() -> EntityFinder {
        let companies = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
            acmecorp,Acme Industries,Acme Industries|Acme,GB,Industry,,,,\n\
            zorblex,Zorblex Financial Group,Zorblex Financial Group|Zorblex Financial|Zorblex,GB,Banks,,,,\n\
            lumiere,Lumière Énergie,Lumière Énergie|Lumiere Energie,FR,Utilities,,,,\n";
        let persons = "entity_id,name,aliases,role,company_id\n\
            person:jane-quillby,Jane Quillby,Jane Quillby,CEO,acmecorp\n";
        let locations = "entity_id,name,aliases,kind,country\n\
            loc:vorland,Vorland,Vorland,country,XX\n";
        let gaz = Gazetteer::from_csv_strs(companies, persons, locations)
            .expect("test gazetteer is valid");
        EntityFinder::new(gaz)
    }

    /// A fresh temporary directory.
    pub fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().expect("temporary directory")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_a_tiny_directory_and_skips_missing_sets() {
        let dir = testutil::tempdir();
        let dir = dir.path();
        std::fs::create_dir_all(dir.join("fpb")).unwrap();
        std::fs::create_dir_all(dir.join("sentfin")).unwrap();
        std::fs::write(
            dir.join("fpb/Sentences_AllAgree.txt"),
            "Profit rose sharply .@positive\nThe meeting is on Monday .@neutral\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("sentfin/dev.csv"),
            "S No.,Title,Decisions,Words\n1,Acme rises while Betamax falls,\"{\"\"Acme\"\": \"\"positive\"\", \"\"Betamax\"\": \"\"negative\"\"}\",5\n",
        )
        .unwrap();
        let model = testutil::model();
        let finder = testutil::finder();
        let ev = run_eval_full(dir, &model, Some(&finder)).unwrap();
        let reps = &ev.reports;
        let by = |n: &str| reps.iter().find(|r| r.name.starts_with(n)).unwrap();
        assert_eq!(by("SEntFiN dev (target").accuracy, 1.0);
        let e2e = by("SEntFiN dev (end");
        assert_eq!(e2e.accuracy, 0.5);
        assert!(e2e.note.contains("1/2"));
        assert_eq!(by("FPB AllAgree").accuracy, 1.0);
        assert!(by("FPB 50Agree").note.starts_with("skipped"));
        assert!(by("books-fr").note.starts_with("skipped"));
        assert!(by("lemonde-companies").note.starts_with("skipped"));
        assert!(by("SemEval-2017").note.starts_with("skipped"));
        let text = format_report(reps);
        assert!(text.contains("FPB AllAgree") && text.contains("confusion"));
        assert!(text.contains("recall 0.500"), "{text}");
        // Without a finder the end-to-end and finding measures are left out.
        let reps = run_eval(dir, &model, None).unwrap();
        assert!(!reps.iter().any(|r| r.name.contains("end-to-end")));
    }

    #[test]
    fn score_reports_print_in_their_own_table() {
        let r = DatasetReport::scores("x set", 7, &[("P", 0.5), ("R", 0.25)], "note".into());
        assert_eq!((r.n, r.metric("R")), (7, Some(0.25)));
        let text = format_report(&[r]);
        assert!(text.contains("P 0.500  R 0.250"), "{text}");
        assert!(!text.contains("confusion"));
    }
}
