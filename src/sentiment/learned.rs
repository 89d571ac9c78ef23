//! Optional learned re-scorer for English: a three-class logistic regression over the
//! rule score and negation-aware stem unigrams/bigrams of the target's context.
//!
//! Why: lexicons miss how finance headlines phrase things ("cut to neutral", "reels in
//! expectations"); a linear model trained on permissively licensed headlines
//! (Twitter Financial News, MIT) learns them while staying as fast as the rules. The rule
//! score is one of its inputs, so it refines the rules rather than replacing them, and
//! the rules still provide targeting (only the target's clause is featurised) and evidence.
//!
//! Features are hashed (FNV-1a) so scoring allocates nothing per feature; the model file
//! keeps the readable feature names.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::lexicon::LexToken;
use super::scorer::{squash, Sentence};
use super::SentimentError;
use crate::text::tokenize::TokenKind;

/// Documents longer than this (in tokens) are scored by the rules only: the model was
/// trained on headlines and its bag of words would drown in a long article.
pub const MAX_CONTEXT_TOKENS: usize = 120;

/// One feature occurrence: hash, value, and the token range that produced it (for
/// evidence).
#[derive(Debug, Clone, Copy)]
pub struct Feat {
    /// FNV-1a hash of the feature name.
    pub hash: u64,
    /// Feature value.
    pub value: f32,
    /// Token index range `[a, b)` in the token slice, if the feature comes from words.
    pub toks: Option<(usize, usize)>,
}

/// Target information for [`features`]: the target's token range, all target ranges of
/// the sentence, and the rule analysis (for clause ids).
pub type TargetCtx<'a> = ((usize, usize), &'a [(usize, usize)], &'a Sentence);

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

const NEGATORS: &[&str] = &[
    "not", "no", "never", "without", "nor", "cannot", "ne", "n'", "pas", "sans", "aucun", "aucune",
    "jamais",
];

/// Extracts features; `names`, when given, records hash → readable name (training only).
pub fn features_named(
    toks: &[LexToken],
    target: Option<TargetCtx<'_>>,
    rule_sum: f32,
    mut names: Option<&mut HashMap<u64, String>>,
) -> Vec<Feat> {
    let mut out = Vec::with_capacity(toks.len() * 2 + 4);
    let mut buf = String::with_capacity(64);
    let mut push = |buf: &str, value: f32, span: Option<(usize, usize)>, out: &mut Vec<Feat>| {
        let hash = fnv(buf);
        if let Some(n) = names.as_deref_mut() {
            n.entry(hash).or_insert_with(|| buf.to_string());
        }
        out.push(Feat {
            hash,
            value,
            toks: span,
        });
    };
    push("bias", 1.0, None, &mut out);
    push("r:pos", rule_sum.max(0.0), None, &mut out);
    push("r:neg", (-rule_sum).max(0.0), None, &mut out);
    push("r:sq", squash(rule_sum, 0.25), None, &mut out);

    // Context: the target's clause when other targets sit in other clauses (so that
    // "Tesla rises while Ford falls" gives each its own words), else everything.
    let (lo, hi, clause_only) = match target {
        Some(((ta, _), all, sent)) if ta < sent.clause_of.len() => {
            let tc = sent.clause_of[ta];
            let others_elsewhere = all
                .iter()
                .any(|&(x, _)| x < sent.clause_of.len() && sent.clause_of[x] != tc);
            if others_elsewhere {
                (0, toks.len(), Some((tc, sent)))
            } else {
                (0, toks.len(), None)
            }
        }
        _ => (0, toks.len(), None),
    };
    let role_of = |k: usize| -> Option<&'static str> {
        let (r, all, _) = target?;
        if k >= r.0 && k < r.1 {
            Some("<t>")
        } else if all.iter().any(|&(a, b)| k >= a && k < b) {
            Some("<o>")
        } else {
            None
        }
    };
    let mut prev: Option<(String, usize)> = None;
    let mut neg_left = 0u8;
    let mut k = lo;
    while k < hi {
        let t = &toks[k];
        if let Some((tc, sent)) = clause_only {
            if sent.clause_of.get(k) != Some(&tc) {
                k += 1;
                continue;
            }
        }
        let mut span = (k, k + 1);
        let sym: String = if let Some(r) = role_of(k) {
            // A multi-token target is one symbol.
            while span.1 < hi && role_of(span.1) == Some(r) {
                span.1 += 1;
            }
            r.to_string()
        } else {
            match t.kind {
                TokenKind::Word => {
                    // Cashtags in training headlines ("$TSLA") stand for the target.
                    let cashtag = k > 0
                        && toks[k - 1].lower() == "$"
                        && toks[k - 1].end == t.start
                        && t.lower().chars().all(|c| c.is_alphabetic());
                    if cashtag && target.is_none() {
                        "<t>".to_string()
                    } else {
                        t.stem().to_string()
                    }
                }
                TokenKind::Number => {
                    if t.lower().ends_with('%') {
                        match t.lower().chars().next() {
                            Some('+') => "<pct+>".into(),
                            Some('-') | Some('−') => "<pct->".into(),
                            _ => "<pct>".into(),
                        }
                    } else {
                        "<num>".into()
                    }
                }
                TokenKind::Punct if t.lower() == "?" || t.lower() == "!" => t.lower().to_string(),
                TokenKind::Punct => {
                    if matches!(t.lower(), "," | ";" | ":" | "." | "(" | ")") {
                        neg_left = 0;
                    }
                    k += 1;
                    continue;
                }
                TokenKind::Symbol => {
                    k += 1;
                    continue;
                }
            }
        };
        let is_neg = NEGATORS.contains(&t.lower()) || t.lower().ends_with("n't");
        buf.clear();
        buf.push_str(if neg_left > 0 && !is_neg { "n:" } else { "u:" });
        buf.push_str(&sym);
        push(&buf, 1.0, Some(span), &mut out);
        if let Some((p, pk)) = &prev {
            buf.clear();
            buf.push_str("b:");
            buf.push_str(p);
            buf.push(' ');
            buf.push_str(&sym);
            push(&buf, 1.0, Some((*pk, span.1)), &mut out);
        }
        if is_neg {
            neg_left = 3;
        } else {
            neg_left = neg_left.saturating_sub(1);
        }
        prev = Some((sym, span.0));
        k = span.1;
    }
    out
}

/// Extracts features for scoring (see [`features_named`]).
pub fn features(toks: &[LexToken], target: Option<TargetCtx<'_>>, rule_sum: f32) -> Vec<Feat> {
    features_named(toks, target, rule_sum, None)
}

/// Class order used everywhere in this module.
pub const CLASSES: [&str; 3] = ["negative", "neutral", "positive"];

/// A trained linear model: weights per feature hash for (negative, neutral, positive).
#[derive(Debug, Clone)]
pub struct LinearModel {
    weights: HashMap<u64, [f32; 3]>,
    /// Label threshold on the blended score, calibrated on the training data's
    /// validation split.
    pub threshold: f32,
    /// Weight of the learned score against the rules score (0 = rules only, 1 = learned
    /// only), calibrated with the threshold.
    pub beta: f32,
}

impl LinearModel {
    /// Class probabilities for a feature vector.
    pub fn probs(&self, feats: &[Feat]) -> [f32; 3] {
        let mut z = [0.0f32; 3];
        for f in feats {
            if let Some(w) = self.weights.get(&f.hash) {
                for c in 0..3 {
                    z[c] += w[c] * f.value;
                }
            }
        }
        softmax(z)
    }

    /// Signed score `p(positive) − p(negative)` in [-1, 1].
    pub fn score(&self, feats: &[Feat]) -> f32 {
        let p = self.probs(feats);
        p[2] - p[0]
    }

    /// Final score from the rules score and the learned score.
    pub fn blend(&self, rules: f32, learned: f32) -> f32 {
        ((1.0 - self.beta) * rules + self.beta * learned).clamp(-1.0, 1.0)
    }

    /// Loads a model file if it exists (`Ok(None)` when absent).
    pub fn load_optional(path: &Path) -> Result<Option<Self>, SentimentError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SentimentError::Io {
                    path: path.display().to_string(),
                    source: e,
                })
            }
        };
        Self::parse(&text, path).map(Some)
    }

    /// Parses the TSV model format written by [`LinearModel::save`].
    pub fn parse(text: &str, path: &Path) -> Result<Self, SentimentError> {
        let mut weights = HashMap::new();
        let mut threshold = super::DEFAULT_THRESHOLD;
        let mut beta = 1.0;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let err = || SentimentError::Format {
                path: path.display().to_string(),
                line: n + 1,
                msg: "expected `feature<TAB>w_neg<TAB>w_neu<TAB>w_pos` or `threshold<TAB>t`".into(),
            };
            let num = |s: &str| s.trim().parse::<f32>().ok().filter(|v| v.is_finite());
            match cols.as_slice() {
                ["threshold", t] => threshold = num(t).ok_or_else(err)?,
                ["beta", b] => beta = num(b).ok_or_else(err)?.clamp(0.0, 1.0),
                [name, a, b, c] => {
                    let w = [
                        num(a).ok_or_else(err)?,
                        num(b).ok_or_else(err)?,
                        num(c).ok_or_else(err)?,
                    ];
                    weights.insert(fnv(name), w);
                }
                _ => return Err(err()),
            }
        }
        Ok(LinearModel {
            weights,
            threshold,
            beta,
        })
    }

    /// Writes the model with a provenance header.
    pub fn save(
        &self,
        path: &Path,
        header: &str,
        names: &HashMap<u64, String>,
    ) -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for l in header.lines() {
            writeln!(f, "# {l}")?;
        }
        writeln!(f, "threshold\t{:.3}", self.threshold)?;
        writeln!(f, "beta\t{:.2}", self.beta)?;
        let mut rows: Vec<(&String, &[f32; 3])> = self
            .weights
            .iter()
            .filter_map(|(h, w)| names.get(h).map(|n| (n, w)))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        for (n, w) in rows {
            writeln!(f, "{n}\t{:.4}\t{:.4}\t{:.4}", w[0], w[1], w[2])?;
        }
        f.flush()
    }
}

fn softmax(z: [f32; 3]) -> [f32; 3] {
    let m = z[0].max(z[1]).max(z[2]);
    let e = [(z[0] - m).exp(), (z[1] - m).exp(), (z[2] - m).exp()];
    let s = e[0] + e[1] + e[2];
    [e[0] / s, e[1] / s, e[2] / s]
}

/// Training hyper-parameters.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad base learning rate.
    pub lr: f32,
    /// L2 penalty per update.
    pub l2: f32,
    /// Features seen fewer times than this are dropped (noise, model size).
    pub min_count: usize,
    /// Exponent of the inverse class-frequency weights (0 = none, 1 = fully balanced).
    pub balance: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 12,
            lr: 0.2,
            l2: 1e-5,
            min_count: 2,
            balance: 0.5,
        }
    }
}

/// Trains a multinomial logistic regression with AdaGrad (deterministic: fixed shuffle
/// seed). `data` holds feature vectors with classes 0 = negative, 1 = neutral, 2 = positive.
/// Class weights balance the classes, so the rare negative class is not ignored.
pub fn train(data: &[(Vec<Feat>, usize)], cfg: TrainConfig) -> LinearModel {
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for (fs, _) in data {
        for f in fs {
            *counts.entry(f.hash).or_default() += 1;
        }
    }
    let mut class_n = [0usize; 3];
    for (_, y) in data {
        class_n[(*y).min(2)] += 1;
    }
    let total = data.len().max(1) as f32;
    let class_w: Vec<f32> = class_n
        .iter()
        .map(|&n| {
            if n == 0 {
                0.0
            } else {
                (total / (3.0 * n as f32)).powf(cfg.balance)
            }
        })
        .collect();
    let mut w: HashMap<u64, [f32; 3]> = HashMap::new();
    let mut g2: HashMap<u64, [f32; 3]> = HashMap::new();
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..cfg.epochs {
        // Fisher–Yates with a xorshift generator: reproducible runs.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &idx in &order {
            let (fs, y) = &data[idx];
            let y = (*y).min(2);
            let fs: Vec<&Feat> = fs
                .iter()
                .filter(|f| counts.get(&f.hash).copied().unwrap_or(0) >= cfg.min_count)
                .collect();
            let mut z = [0.0f32; 3];
            for f in &fs {
                if let Some(wf) = w.get(&f.hash) {
                    for c in 0..3 {
                        z[c] += wf[c] * f.value;
                    }
                }
            }
            let p = softmax(z);
            for f in &fs {
                let wf = w.entry(f.hash).or_insert([0.0; 3]);
                let gf = g2.entry(f.hash).or_insert([0.0; 3]);
                for c in 0..3 {
                    let target = if c == y { 1.0 } else { 0.0 };
                    let grad = (p[c] - target) * f.value * class_w[y] + cfg.l2 * wf[c];
                    gf[c] += grad * grad;
                    wf[c] -= cfg.lr * grad / (gf[c].sqrt() + 1e-6);
                }
            }
        }
    }
    // Drop negligible weights to keep the file small.
    w.retain(|_, v| v.iter().any(|x| x.abs() >= 0.01));
    LinearModel {
        weights: w,
        threshold: super::DEFAULT_THRESHOLD,
        beta: 1.0,
    }
}

/// Macro-F1 over the three classes from (gold, predicted) class indices.
pub fn macro_f1(pairs: &[(usize, usize)]) -> f64 {
    let mut f = 0.0;
    for c in 0..3 {
        let tp = pairs.iter().filter(|&&(g, p)| g == c && p == c).count() as f64;
        let fp = pairs.iter().filter(|&&(g, p)| g != c && p == c).count() as f64;
        let fneg = pairs.iter().filter(|&&(g, p)| g == c && p != c).count() as f64;
        if tp > 0.0 {
            let prec = tp / (tp + fp);
            let rec = tp / (tp + fneg);
            f += 2.0 * prec * rec / (prec + rec);
        }
    }
    f / 3.0
}

/// Picks the label threshold on a signed score that maximises macro-F1 on held-out
/// (score, gold class) pairs; returns (threshold, macro-F1).
pub fn calibrate(scored: &[(f32, usize)]) -> (f32, f64) {
    let mut best = (super::DEFAULT_THRESHOLD, f64::MIN);
    for step in 1..=60 {
        let t = step as f32 * 0.01;
        let pairs: Vec<(usize, usize)> = scored.iter().map(|&(s, g)| (g, class_of(s, t))).collect();
        let f = macro_f1(&pairs);
        if f > best.1 {
            best = (t, f);
        }
    }
    best
}

/// Class index (0 neg, 1 neu, 2 pos) of a signed score under threshold `t`.
pub fn class_of(score: f32, t: f32) -> usize {
    if score >= t {
        2
    } else if score <= -t {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::lexicon::Lexicon;
    use crate::text::lang::Lang;

    #[test]
    fn negation_marks_following_words_and_cashtag_is_target() {
        let lex = Lexicon::empty(Lang::En);
        let toks = lex.prepare("$ACME did not beat estimates, shares fell");
        let mut names = HashMap::new();
        let _ = features_named(&toks, None, 0.0, Some(&mut names));
        let all: Vec<&String> = names.values().collect();
        assert!(all.iter().any(|n| *n == "u:<t>"));
        assert!(all.iter().any(|n| *n == "n:beat"));
        assert!(all.iter().any(|n| *n == "u:fell"), "{all:?}");
        assert!(all.iter().any(|n| *n == "b:<t> did"));
    }

    #[test]
    fn training_learns_a_separable_toy_problem_and_round_trips() {
        let lex = Lexicon::empty(Lang::En);
        let mut names = HashMap::new();
        let mut data = Vec::new();
        let texts = [
            ("Acme shares soar on record orders", 2),
            ("Acme shares soar after upbeat guidance", 2),
            ("Acme shares slump on weak orders", 0),
            ("Acme shares slump after guidance cut", 0),
            ("Acme holds annual meeting on Tuesday", 1),
            ("Acme names new board member on Tuesday", 1),
        ];
        for _ in 0..5 {
            for (t, y) in texts {
                let toks = lex.prepare(t);
                data.push((features_named(&toks, None, 0.0, Some(&mut names)), y));
            }
        }
        let m = train(
            &data,
            TrainConfig {
                min_count: 1,
                ..TrainConfig::default()
            },
        );
        let s = |t: &str| m.score(&features(&lex.prepare(t), None, 0.0));
        assert!(s("Beta shares soar") > 0.3);
        assert!(s("Beta shares slump") < -0.3);
        let dir = std::env::temp_dir().join(format!("newstone-lm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.tsv");
        m.save(&path, "toy model\nlicence: test", &names).unwrap();
        let back = LinearModel::load_optional(&path).unwrap().unwrap();
        let t = features(&lex.prepare("Beta shares soar"), None, 0.0);
        assert!((back.score(&t) - m.score(&t)).abs() < 1e-2);
        std::fs::remove_dir_all(&dir).ok();
        assert!(LinearModel::load_optional(&dir.join("absent.tsv"))
            .unwrap()
            .is_none());
    }

    #[test]
    fn calibration_picks_a_separating_threshold() {
        let scored = vec![
            (0.9, 2),
            (0.5, 2),
            (0.1, 1),
            (-0.05, 1),
            (-0.6, 0),
            (-0.8, 0),
        ];
        let (t, f) = calibrate(&scored);
        assert!(t > 0.1 && t <= 0.5, "{t}");
        assert!((f - 1.0).abs() < 1e-9);
    }
}
