//! Trains the English learned re-scorer of the sentiment model and calibrates the
//! thresholds, on permissively licensed training data only.
//!
//! Usage (from the crate root; registered as the `train_sentiment` example):
//!
//! ```text
//! cargo run --release --example train_sentiment -- \
//!     /work/shared/train/twitter-financial-news data/lexicons data/models/sentiment_en.tsv
//! ```
//!
//! Data: Twitter Financial News Sentiment v1.0 (MIT): `train.csv` fits the model and
//! calibrates the rules (base-lexicon weight grid, rules-only threshold — printed, to be
//! copied into `BASE_WEIGHT`/`DEFAULT_THRESHOLD`); `valid.csv` picks the blend weight and
//! label threshold written into the model file. No evaluation data is read.
//! Deterministic output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use newstone::sentiment::learned::{calibrate, class_of, macro_f1, train, Feat, TrainConfig};
use newstone::sentiment::lexicon::BASE_WEIGHT;
use newstone::sentiment::SentimentModel;
use newstone::text::lang::Lang;

/// Twitter labels: 0 bearish, 1 bullish, 2 neutral → our classes 0 neg, 1 neu, 2 pos.
fn class(label: &str) -> Option<usize> {
    match label.trim() {
        "0" => Some(0),
        "1" => Some(2),
        "2" => Some(1),
        _ => None,
    }
}

/// Tweets carry links that news text does not: drop them.
fn clean(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !w.starts_with("http"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(path: &Path) -> Result<Vec<(String, usize)>, Box<dyn std::error::Error>> {
    let mut rdr = csv::Reader::from_path(path)?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        if let Some(c) = class(rec.get(1).unwrap_or("")) {
            out.push((clean(rec.get(0).unwrap_or("")), c));
        }
    }
    Ok(out)
}

fn flag(args: &[String], name: &str, default: f32) -> f32 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!(
            "usage: train_sentiment <twitter-financial-news dir> <lexicon dir> <out.tsv> \
             [--l2 X] [--balance X] [--epochs N]"
        );
        std::process::exit(2);
    }
    let data_dir = PathBuf::from(&args[0]);
    let lex_dir = Path::new(&args[1]);
    let out = PathBuf::from(&args[2]);
    let train_rows = read(&data_dir.join("train.csv"))?;
    let valid_rows = read(&data_dir.join("valid.csv"))?;

    // 1. Rules calibration on the training split.
    for bw in [0.0f32, 0.1, 0.25, 0.5, 0.75, 1.0] {
        let m = SentimentModel::load_with(lex_dir, bw)?;
        let scored: Vec<(f32, usize)> = train_rows
            .iter()
            .map(|(t, c)| (m.doc_rule_score(t, Lang::En), *c))
            .collect();
        let (t, f) = calibrate(&scored);
        eprintln!("rules only, base weight {bw:.2}: best threshold {t:.2}, train macro-F1 {f:.3}");
    }

    // Target threshold: cashtags ("$TSLA") of the training tweets taken as targets.
    let m = SentimentModel::load(lex_dir)?.without_learned();
    let mut scored = Vec::new();
    for (t, c) in &train_rows {
        let spans: Vec<(usize, usize)> = t
            .match_indices('$')
            .filter_map(|(i, _)| {
                let rest = &t[i + 1..];
                let n = rest
                    .char_indices()
                    .find(|(_, ch)| !ch.is_ascii_alphabetic())
                    .map_or(rest.len(), |(k, _)| k);
                (n > 0).then_some((i + 1, i + 1 + n))
            })
            .collect();
        for s in m.target_rule_scores(t, Lang::En, &spans) {
            scored.push((s, *c));
        }
    }
    let (t, f) = calibrate(&scored);
    eprintln!(
        "rules only, targets ({} cashtags): best threshold {t:.2}, train macro-F1 {f:.3}",
        scored.len()
    );

    // 2. Learned model.
    let model = SentimentModel::load(lex_dir)?.without_learned();
    let mut names = HashMap::new();
    let mut featurize = |rows: &[(String, usize)], record: bool| {
        rows.iter()
            .map(|(t, c)| {
                let n = if record { Some(&mut names) } else { None };
                (
                    model.doc_features(t, Lang::En, n),
                    model.doc_rule_score(t, Lang::En),
                    *c,
                )
            })
            .collect::<Vec<(Vec<Feat>, f32, usize)>>()
    };
    let train_set = featurize(&train_rows, true);
    let valid_set = featurize(&valid_rows, false);
    let cfg = TrainConfig {
        l2: flag(&args, "--l2", TrainConfig::default().l2),
        balance: flag(&args, "--balance", TrainConfig::default().balance),
        epochs: flag(&args, "--epochs", TrainConfig::default().epochs as f32) as usize,
        ..TrainConfig::default()
    };
    let data: Vec<(Vec<Feat>, usize)> = train_set.iter().map(|(f, _, c)| (f.clone(), *c)).collect();
    let mut lm = train(&data, cfg);

    // 3. Blend weight and threshold on the validation split.
    let mut best = (0.0f32, 0.0f32, f64::MIN);
    for step in 0..=10 {
        lm.beta = step as f32 / 10.0;
        let scored: Vec<(f32, usize)> = valid_set
            .iter()
            .map(|(f, r, c)| (lm.blend(*r, lm.score(f)), *c))
            .collect();
        let (t, f) = calibrate(&scored);
        eprintln!(
            "beta {:.1}: threshold {t:.2}, valid macro-F1 {f:.3}",
            lm.beta
        );
        if f > best.2 + 1e-9 {
            best = (lm.beta, t, f);
        }
    }
    lm.beta = best.0;
    lm.threshold = best.1;
    let pairs: Vec<(usize, usize)> = valid_set
        .iter()
        .map(|(f, r, c)| (*c, class_of(lm.blend(*r, lm.score(f)), lm.threshold)))
        .collect();
    let acc = pairs.iter().filter(|(g, p)| g == p).count() as f64 / pairs.len().max(1) as f64;
    eprintln!(
        "train {} / valid {}: beta {:.1}, threshold {:.2}, valid accuracy {:.3}, macro-F1 {:.3}",
        train_set.len(),
        valid_set.len(),
        lm.beta,
        lm.threshold,
        acc,
        macro_f1(&pairs)
    );
    let header = format!(
        "newstone English sentiment re-scorer (multinomial logistic regression).\n\
         Trained by scripts/train_sentiment.rs on Twitter Financial News Sentiment v1.0\n\
         (zeroshot/twitter-financial-news-sentiment, MIT licence): train.csv fitted, valid.csv\n\
         used only for the blend weight and label threshold. Features depend on data/lexicons\n\
         (base weight {BASE_WEIGHT}): retrain after editing the English lexicons.\n\
         Config: {cfg:?}\n\
         Valid accuracy {acc:.3}, macro-F1 {:.3}.\n\
         Format: threshold and beta lines, then feature<TAB>w_negative<TAB>w_neutral<TAB>w_positive.",
        macro_f1(&pairs)
    );
    lm.save(&out, &header, &names)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
