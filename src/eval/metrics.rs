//! Scoring shared by the datasets: three-class reports, precision/recall/F1, cosine,
//! sentiment toward a given target, and the name folding used to match found companies
//! with gold ones.

use crate::entities::fold::fold_str;
use crate::sentiment::{combine, Label, Polarity, SentimentModel};
use crate::text::lang::Lang;

use super::DatasetReport;

/// Class index of a label: 0 negative, 1 neutral, 2 positive.
pub fn class(l: Label) -> usize {
    match l {
        Label::Negative => 0,
        Label::Neutral => 1,
        Label::Positive => 2,
    }
}

/// Class index of a gold label string (`positive`, `negative`, `neutral`, any case).
pub fn label_class(s: &str) -> Option<usize> {
    match s.trim().to_ascii_lowercase().as_str() {
        "negative" => Some(0),
        "neutral" => Some(1),
        "positive" => Some(2),
        _ => None,
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
        accuracy: ratio(correct, n),
        macro_f1: if f1s.is_empty() {
            0.0
        } else {
            f1s.iter().sum::<f64>() / f1s.len() as f64
        },
        confusion,
        note,
        metrics: Vec::new(),
    }
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// True/false positives and false negatives, summed over items (micro average).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Found and gold.
    pub tp: usize,
    /// Found, not gold.
    pub fp: usize,
    /// Gold, not found.
    pub fn_: usize,
}

impl Counts {
    /// Share of found items that are gold.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Share of gold items that are found.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Adds another item's counts.
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// Cosine similarity of two score vectors (0 when either is all zeros); SemEval-2017
/// Task 5's official metric.
pub fn cosine(gold: &[f64], pred: &[f64]) -> f64 {
    let dot: f64 = gold.iter().zip(pred).map(|(g, p)| g * p).sum();
    let ng: f64 = gold.iter().map(|g| g * g).sum::<f64>().sqrt();
    let np: f64 = pred.iter().map(|p| p * p).sum::<f64>().sqrt();
    if ng == 0.0 || np == 0.0 {
        0.0
    } else {
        dot / (ng * np)
    }
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

/// Sentiment toward targets given as strings, the protocol of every "target given"
/// measure: each target is the first occurrence ([`find_span`]) of the first of its
/// strings that occurs in `text`; all located targets are scored together (so
/// "A rises while B falls" can split); a target none of whose strings occurs is given
/// the document's tone. Returns one polarity per target and whether it was located.
pub fn toward(
    model: &SentimentModel,
    text: &str,
    lang: Lang,
    targets: &[Vec<String>],
) -> Vec<(Polarity, bool)> {
    let spans: Vec<Option<(usize, usize)>> = targets
        .iter()
        .map(|strings| strings.iter().find_map(|s| find_span(text, s)))
        .collect();
    let located: Vec<(usize, usize)> = spans.iter().flatten().copied().collect();
    let mut pols = if located.is_empty() {
        Vec::new()
    } else {
        model.targets(text, lang, &located)
    }
    .into_iter();
    let doc = if located.len() < targets.len() {
        Some(model.document(text, lang))
    } else {
        None
    };
    spans
        .iter()
        .map(|s| match (s, &doc) {
            (Some(_), _) => (pols.next().unwrap_or_else(Polarity::neutral), true),
            (None, Some(d)) => (d.clone(), false),
            (None, None) => (Polarity::neutral(), false),
        })
        .collect()
}

/// [`toward`] with every occurrence of every string of a target scored and the
/// mention polarities combined as the pipeline combines an entity's mentions in an
/// article ([`combine`]); for multi-sentence documents where a company is named
/// several times.
pub fn toward_all(
    model: &SentimentModel,
    text: &str,
    lang: Lang,
    targets: &[Vec<String>],
) -> Vec<(Polarity, bool)> {
    let per_target: Vec<Vec<(usize, usize)>> = targets
        .iter()
        .map(|strings| {
            let mut spans: Vec<(usize, usize)> = Vec::new();
            for s in strings {
                for sp in occurrences(text, s) {
                    if !spans.iter().any(|&(a, b)| a < sp.1 && sp.0 < b) {
                        spans.push(sp);
                    }
                }
            }
            spans.sort_unstable();
            spans
        })
        .collect();
    toward_spans(model, text, lang, per_target)
}

/// [`toward_all`] with each target's byte spans given (occurrences of its strings, and
/// the coreferent noun phrases the entity finder linked to it, as the pipeline scores
/// them); a target without spans gets the text's tone.
pub fn toward_spans(
    model: &SentimentModel,
    text: &str,
    lang: Lang,
    per_target: Vec<Vec<(usize, usize)>>,
) -> Vec<(Polarity, bool)> {
    let all: Vec<(usize, usize)> = per_target.iter().flatten().copied().collect();
    let pols = if all.is_empty() {
        Vec::new()
    } else {
        model.targets(text, lang, &all)
    };
    let doc = if per_target.iter().any(Vec::is_empty) {
        Some(model.document(text, lang))
    } else {
        None
    };
    let mut k = 0;
    per_target
        .iter()
        .map(|spans| {
            if spans.is_empty() {
                return (doc.clone().unwrap_or_else(Polarity::neutral), false);
            }
            let mine = pols.get(k..k + spans.len()).unwrap_or(&[]);
            k += spans.len();
            (combine(mine, model.target_threshold(lang)), true)
        })
        .collect()
}

/// Every non-overlapping occurrence of `needle` on word boundaries: exact case first,
/// else ASCII case-insensitive.
pub fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle = needle.trim();
    if needle.is_empty() {
        return Vec::new();
    }
    let word = |a: usize, b: usize| {
        let before = text[..a].chars().next_back();
        let after = text[b..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    };
    let exact: Vec<(usize, usize)> = text
        .match_indices(needle)
        .map(|(s, m)| (s, s + m.len()))
        .filter(|&(a, b)| word(a, b))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let (h, n) = (text.as_bytes(), needle.as_bytes());
    let mut out = Vec::new();
    let mut i = 0;
    while i + n.len() <= h.len() {
        if text.is_char_boundary(i)
            && text.is_char_boundary(i + n.len())
            && h[i..i + n.len()].eq_ignore_ascii_case(n)
            && word(i, i + n.len())
        {
            out.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The comparison key of a name: case- and accent-folded, apostrophes (straight or
/// typographic), hyphens, no-break spaces and all other punctuation as spaces,
/// whitespace collapsed (`L’Oréal` and `l'oreal` give `l oreal`, `S&P` gives `s p`).
/// German umlauts fold as English writes them (`Börse` and `Boerse` give `boerse`).
pub fn fold_key(s: &str) -> String {
    let umlauts = |c: char| match c {
        'ä' | 'Ä' => Some("ae"),
        'ö' | 'Ö' => Some("oe"),
        'ü' | 'Ü' => Some("ue"),
        _ => None,
    };
    let s: String = if s.chars().any(|c| umlauts(c).is_some()) {
        s.chars()
            .map(|c| umlauts(c).map_or_else(|| c.to_string(), str::to_string))
            .collect()
    } else {
        s.to_string()
    };
    fold_str(&s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trailing words that name a legal form or a corporate wrapper, not the company:
/// `Standard Chartered PLC`, `Berkshire Hathaway Inc.`, `BG Group`, `Acme SA`. Compared
/// on folded words (`Inc.` folds to `inc`).
const LEGAL_SUFFIXES: &[&str] = &[
    "plc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "cos",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "group",
    "groupe",
    "holding",
    "holdings",
    "sa",
    "sas",
    "sca",
    "se",
    "ag",
    "kgaa",
    "gmbh",
    "nv",
    "bv",
    "spa",
    "ab",
    "asa",
    "oyj",
    "as",
    "bhd",
    "pte",
];

/// [`fold_key`] with trailing legal forms and a closing possessive `'s` removed
/// (repeatedly, never down to nothing): `Lloyds Banking Group PLC` → `lloyds banking`,
/// `Sotheby’s` and `Sotheby's` → `sotheby`, the same key as a finder that reports the
/// name without its `'s`.
pub fn company_key(s: &str) -> String {
    let key = fold_key(s);
    let mut words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LEGAL_SUFFIXES.contains(w) || *w == "s")
    {
        words.pop();
    }
    words.join(" ")
}

/// How a company named `gold` appears in `text`: the longest leading run of its words
/// (legal forms removed first) that occurs in `text` on word boundaries, case-insensitive
/// (`Lloyds Banking Group PLC` in "Lloyds cuts jobs" → `Lloyds`). `None` when not even
/// its first word occurs.
pub fn surface_in_text(text: &str, gold: &str) -> Option<String> {
    let words: Vec<&str> = gold.split_whitespace().collect();
    let mut n = words.len();
    while n > 1 && LEGAL_SUFFIXES.contains(&fold_key(words[n - 1]).as_str()) {
        n -= 1;
    }
    (1..=n).rev().find_map(|k| {
        let prefix = words[..k].join(" ");
        let (a, b) = *occurrences(text, &prefix).first()?;
        Some(text[a..b].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_key_drops_legal_forms_and_a_possessive() {
        assert_eq!(company_key("Lloyds Banking Group PLC"), "lloyds banking");
        assert_eq!(company_key("Brewco's"), company_key("Brewco"));
        assert_eq!(company_key("Brewco’s Holdings"), "brewco");
        // Never down to nothing.
        assert_eq!(company_key("S"), "s");
    }

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
    fn precision_recall_f1_and_cosine() {
        let mut c = Counts::default();
        c.add(Counts {
            tp: 3,
            fp: 1,
            fn_: 0,
        });
        c.add(Counts {
            tp: 0,
            fp: 0,
            fn_: 2,
        });
        assert_eq!((c.precision(), c.recall()), (0.75, 0.6));
        assert!((c.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 0.0);
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-12);
        assert!((cosine(&[1.0, -1.0], &[-1.0, 1.0]) + 1.0).abs() < 1e-12);
        assert!((cosine(&[0.5, 0.5], &[0.5, 0.0]) - 0.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(cosine(&[1.0], &[0.0]), 0.0);
    }

    #[test]
    fn latin1_and_case_insensitive_spans() {
        assert_eq!(decode(&[b'c', 0xe9, b'@']), "cé@");
        assert_eq!(find_span("Shares of ACME rise", "Acme"), Some((10, 14)));
        assert_eq!(find_span("Élan rises", "élan"), None);
        assert_eq!(find_span("Élan rises", "Élan"), Some((0, 5)));
        assert_eq!(find_span("x", ""), None);
        assert_eq!(
            occurrences("ACME and Acmeville and acme", "Acme"),
            vec![(0, 4), (23, 27)]
        );
    }

    #[test]
    fn folding_and_legal_forms() {
        assert_eq!(fold_key("L’Oréal"), "l oreal");
        assert_eq!(fold_key("l'OREAL"), "l oreal");
        assert_eq!(fold_key("Crédit\u{a0}Mutuel"), "credit mutuel");
        assert_eq!(fold_key(" S&P  500 "), "s p 500");
        assert_eq!(fold_key("Deutsche Börse"), fold_key("Deutsche Boerse"));
        assert_eq!(company_key("Standard Chartered PLC"), "standard chartered");
        assert_eq!(company_key("Berkshire Hathaway Inc."), "berkshire hathaway");
        assert_eq!(company_key("Zorblex Group plc"), "zorblex");
        assert_eq!(company_key("Group"), "group");
        assert_eq!(
            surface_in_text("Zorblex cuts jobs", "Zorblex Financial Group PLC").as_deref(),
            Some("Zorblex")
        );
        assert_eq!(
            surface_in_text("ZORBLEX FINANCIAL rises", "Zorblex Financial Group").as_deref(),
            Some("ZORBLEX FINANCIAL")
        );
        assert_eq!(surface_in_text("Zorblexia rises", "Zorblex Group"), None);
    }
}
