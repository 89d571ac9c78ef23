//! A learned recogniser for companies that are on no list.
//!
//! [`CompanyRecognizer::candidates`] proposes name-like spans (runs of capitalised
//! words, acronyms, names with `&`, hyphens, apostrophes or internal capitals, names in
//! quotes); [`CompanyRecognizer::score`] gives the probability that a span names a
//! company, from a logistic regression over hashed features of its **context** (the
//! words around it, cue nouns such as `groupe`/`start-up`/`company` before it, verbs
//! after it, legal suffixes, coordination with other names, quotes, sentence position)
//! and of its **shape** (capitals, length, digits, `&`, generic
//! head words such as `Banque`/`Ministère`). The span's own words are deliberately not
//! features, so the model judges names it has never seen.
//!
//! The weights are trained by `scripts/train_company_ner.rs` (the `train_company_ner`
//! example, same feature code) on openly licensed NER corpora plus distant supervision
//! on unlabelled news, and embedded in the binary (`data/models/company_ner.bin`); no
//! file is read at run time. See `data/README.md` for the sources and licences.
//!
//! Model file format (little-endian): `b"CNER"`, `u32` version (2), `u32` hash bits,
//! `f32` bias, `f32` threshold (French and other languages), `f32` English threshold,
//! then `2^bits` `f32` weights. Version 1 has no English threshold (the one threshold
//! serves every language).

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

use super::discover::{in_caps_line, is_legal_suffix, is_non_company_name, is_stopword};
use super::fold::{fold_word, with_folded_word};
use super::lexicon::{
    COMPANY_NAME_WORDS, GIVEN_NAMES, INSTITUTION_HEADS, INSTITUTION_TAILS, NON_COMPANY_ORGS,
    SECTION_LABELS,
};
use crate::text::lang::Lang;

/// Hash bits of the feature space (2^18 buckets).
pub const HASH_BITS: u32 = 18;
/// The most words a candidate span may have.
const MAX_WORDS: usize = 6;
/// Context words looked at on each side.
const CONTEXT: usize = 3;
/// Threshold used when the model file carries none (never in a trained file).
const DEFAULT_THRESHOLD: f32 = 0.8;

static SHIPPED_BYTES: &[u8] = include_bytes!("../../data/models/company_ner.bin");

/// Scores candidate spans as company names (see the module docs).
#[derive(Debug, Clone)]
pub struct CompanyRecognizer {
    bits: u32,
    bias: f32,
    threshold: f32,
    /// The threshold for English text (picked on English news at training time).
    threshold_en: f32,
    /// Empty when no model is loaded: every score is then 0.
    weights: Vec<f32>,
}

/// Errors when reading a model file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Wrong magic, version or length.
    #[error("not a company recogniser model: {0}")]
    Format(&'static str),
}

/// One word or punctuation token of a text.
#[derive(Debug, Clone, Copy)]
struct Tok {
    s: usize,
    e: usize,
    word: bool,
    /// A word with a capital letter (see [`namey`]).
    name: bool,
}

impl CompanyRecognizer {
    /// The model embedded in the binary. If the embedded bytes were not a valid model
    /// (only a bug could cause it), an empty model that scores everything 0.
    pub fn shipped() -> &'static Self {
        static M: OnceLock<CompanyRecognizer> = OnceLock::new();
        M.get_or_init(|| Self::from_bytes(SHIPPED_BYTES).unwrap_or_else(|_| Self::empty()))
    }

    /// A model with no weights: every score is 0, so nothing is recognised.
    pub fn empty() -> Self {
        CompanyRecognizer {
            bits: HASH_BITS,
            bias: 0.0,
            threshold: DEFAULT_THRESHOLD,
            threshold_en: DEFAULT_THRESHOLD,
            weights: Vec::new(),
        }
    }

    /// A model from trained weights (`2^bits` of them), with one threshold for every
    /// language (see [`CompanyRecognizer::with_threshold_en`]).
    pub fn from_weights(bias: f32, threshold: f32, weights: Vec<f32>) -> Self {
        let bits = weights.len().max(1).ilog2();
        CompanyRecognizer {
            bits,
            bias,
            threshold,
            threshold_en: threshold,
            weights,
        }
    }

    /// The same model with its own threshold for English text.
    pub fn with_threshold_en(mut self, threshold_en: f32) -> Self {
        self.threshold_en = threshold_en;
        self
    }

    /// Reads the model format described in the module docs.
    pub fn from_bytes(b: &[u8]) -> Result<Self, ModelError> {
        let word = |i: usize| -> Option<[u8; 4]> { b.get(i..i + 4)?.try_into().ok() };
        if b.get(..4) != Some(b"CNER") {
            return Err(ModelError::Format("magic"));
        }
        let version = word(4).map(u32::from_le_bytes);
        let header = match version {
            Some(1) => 20,
            Some(2) => 24,
            _ => return Err(ModelError::Format("version")),
        };
        let bits = word(8)
            .map(u32::from_le_bytes)
            .ok_or(ModelError::Format("bits"))?;
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Format("bits"));
        }
        let bias = word(12)
            .map(f32::from_le_bytes)
            .ok_or(ModelError::Format("bias"))?;
        let threshold = word(16)
            .map(f32::from_le_bytes)
            .ok_or(ModelError::Format("threshold"))?;
        let threshold_en = if header == 24 {
            word(20)
                .map(f32::from_le_bytes)
                .ok_or(ModelError::Format("threshold"))?
        } else {
            threshold
        };
        let n = 1usize << bits;
        let body = b.get(header..).ok_or(ModelError::Format("length"))?;
        if body.len() != n * 4 {
            return Err(ModelError::Format("length"));
        }
        let weights = body
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(CompanyRecognizer {
            bits,
            bias,
            threshold,
            threshold_en,
            weights,
        })
    }

    /// The model in the format [`CompanyRecognizer::from_bytes`] reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.weights.len() * 4);
        out.extend_from_slice(b"CNER");
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&self.bias.to_le_bytes());
        out.extend_from_slice(&self.threshold.to_le_bytes());
        out.extend_from_slice(&self.threshold_en.to_le_bytes());
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// True when weights are loaded.
    pub fn is_loaded(&self) -> bool {
        !self.weights.is_empty()
    }

    /// The probability from which a candidate counts as a company (chosen at
    /// training time on held-out training data).
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The threshold for text in `lang`: English has its own, picked on held-out
    /// English finance headlines at the same precision floor as the French one on
    /// held-out Le Monde items (the two kinds of news differ: a bare name opening an
    /// English headline is most often a company).
    pub fn threshold_for(&self, lang: Lang) -> f32 {
        match lang {
            Lang::En => self.threshold_en,
            _ => self.threshold,
        }
    }

    /// Candidate name spans (byte offsets on char boundaries), in text order.
    pub fn candidates(&self, text: &str, _lang: Lang) -> Vec<(usize, usize)> {
        let toks = tokenize(text);
        candidate_runs(text, &toks, true)
            .into_iter()
            .map(|(a, b)| (toks[a].s, toks[b - 1].e))
            .collect()
    }

    /// P(company) of `text[start..end]` in its context; 0 for a span that is not on
    /// char boundaries or is empty.
    pub fn score(&self, text: &str, start: usize, end: usize, lang: Lang) -> f32 {
        if start >= end || text.get(start..end).is_none() || !self.is_loaded() {
            return 0.0;
        }
        let mut feats = Vec::new();
        span_features(text, start, end, lang, &mut |h| feats.push(h));
        self.prob(&feats)
    }

    /// Every candidate accepted by `keep` with its score, tokenising the text once.
    /// Unlike [`CompanyRecognizer::candidates`], spans on all-capitals lines are not
    /// filtered out here (the caller checks the few that score high).
    pub fn scored_candidates(
        &self,
        text: &str,
        lang: Lang,
        keep: impl FnMut(usize, usize) -> bool,
    ) -> Vec<(usize, usize, f32)> {
        self.scored(text, lang, keep, false)
    }

    /// [`CompanyRecognizer::scored_candidates`] without the candidates that are public
    /// or non-company bodies by their words ([`is_public_body`]), which no caller turns
    /// into a company: they are left out before scoring (about a third of the candidates
    /// of news text), and the same scores as `scored_candidates` are given to the rest.
    pub fn scored_companies(
        &self,
        text: &str,
        lang: Lang,
        keep: impl FnMut(usize, usize) -> bool,
    ) -> Vec<(usize, usize, f32)> {
        self.scored(text, lang, keep, true)
    }

    fn scored(
        &self,
        text: &str,
        lang: Lang,
        mut keep: impl FnMut(usize, usize) -> bool,
        skip_public: bool,
    ) -> Vec<(usize, usize, f32)> {
        if !self.is_loaded() {
            return Vec::new();
        }
        let toks = tokenize(text);
        let mut out = Vec::new();
        let mut feats = Vec::with_capacity(64);
        for (a, b) in candidate_runs(text, &toks, false) {
            let (s, e) = (toks[a].s, toks[b - 1].e);
            if !keep(s, e) {
                continue;
            }
            let bodies = body_flags(text.get(s..e).unwrap_or(""));
            if skip_public && bodies.public {
                continue;
            }
            feats.clear();
            features_with(text, &toks, a, b, lang, bodies, &mut |h| feats.push(h));
            out.push((s, e, self.prob(&feats)));
        }
        out
    }

    fn prob(&self, feats: &[u64]) -> f32 {
        let mask = (1u64 << self.bits) - 1;
        let mut z = self.bias;
        for &h in feats {
            z += self
                .weights
                .get((h & mask) as usize)
                .copied()
                .unwrap_or(0.0);
        }
        sigmoid(z)
    }
}

/// A public or non-company body by its generic head or tail words (not by a list of
/// names): central banks (`Banque de France`, `Banque centrale européenne`, `Federal
/// Reserve`, `Bank of England`), `Caisse des dépôts`, names opening with an institution
/// head (`Ministère…`, `Autorité…`, `Conseil…`, `Cour…`, `Agence…`, `Institut…`,
/// `Université…`, `Parti…`, `Syndicat…`, `Assemblée…`) or closed by an institution tail
/// (`… Institute`, `… Party`), and the known non-company bodies of
/// [`is_non_company_name`]. The training script labels such spans as negatives and the
/// matcher never turns them into companies.
pub fn is_public_body(name: &str) -> bool {
    public_head(name) || is_non_company_name(name)
}

/// [`is_public_body`] without the [`is_non_company_name`] part.
fn public_head(name: &str) -> bool {
    let mut ws = name.split_whitespace();
    let (Some(first), last) = (ws.next(), ws.next_back()) else {
        return false;
    };
    let l = lists();
    let quick = with_folded_word(first, |f| {
        l.heads.contains(f)
            || matches!(
                f,
                "banque" | "caisse" | "central" | "federal" | "reserve" | "bank"
            )
    }) || last.is_some_and(|w| with_folded_word(w, |f| l.tails.contains(f)))
        || name.contains("Central")
        || name.contains("Reserve");
    if !quick {
        return false;
    }
    let words: Vec<String> = name.split_whitespace().map(fold_word).collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    const HEADS: [&str; 11] = [
        "banque centrale",
        "banque de france",
        "banque nationale de belgique",
        "caisse des depots",
        "caisse de depot",
        "central bank",
        "federal reserve",
        "reserve federale",
        "reserve bank",
        "bank of england",
        "bank of japan",
    ];
    let joined = words.join(" ");
    // `European Central Bank`, `Reserve Bank of India`: anywhere in the name.
    HEADS.iter().any(|h| joined.contains(h))
        || INSTITUTION_HEADS.contains(&first.as_str())
        || (words.len() >= 2 && INSTITUTION_TAILS.contains(&last.as_str()))
}

/// The logistic function.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
}

/// Hashed features of `text[start..end]` (tokenising a window around it); what the
/// training script fits. `emit` receives each feature hash (not yet reduced to bits).
pub fn span_features(text: &str, start: usize, end: usize, lang: Lang, emit: &mut dyn FnMut(u64)) {
    if start >= end || text.get(start..end).is_none() {
        return;
    }
    let lo = window_start(text, start);
    let hi = window_end(text, end);
    let Some(win) = text.get(lo..hi) else {
        return;
    };
    let mut toks = tokenize(win);
    for t in &mut toks {
        t.s += lo;
        t.e += lo;
    }
    let a = toks.iter().position(|t| t.s >= start);
    let b = toks.iter().rposition(|t| t.e <= end);
    if let (Some(a), Some(b)) = (a, b) {
        if a <= b {
            features(text, &toks, a, b + 1, lang, emit);
        }
    }
}

/// Bytes of context tokenised before and after a span by [`span_features`].
const WINDOW_BEFORE: usize = 150;
const WINDOW_AFTER: usize = 250;

/// `WINDOW_BEFORE` bytes before `pos`, moved forward to a whitespace so that no word
/// is cut (never past `pos`).
fn window_start(text: &str, pos: usize) -> usize {
    if pos <= WINDOW_BEFORE {
        return 0;
    }
    let b = text.as_bytes();
    let mut p = pos - WINDOW_BEFORE;
    while p < pos && !b.get(p).is_some_and(u8::is_ascii_whitespace) {
        p += 1;
    }
    p
}

/// `WINDOW_AFTER` bytes after `pos`, moved back to a whitespace (never before `pos`).
fn window_end(text: &str, pos: usize) -> usize {
    let b = text.as_bytes();
    if pos + WINDOW_AFTER >= b.len() {
        return b.len();
    }
    let mut p = pos + WINDOW_AFTER;
    while p > pos && !b.get(p).is_some_and(u8::is_ascii_whitespace) {
        p -= 1;
    }
    p
}

fn is_apos(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// Is the char at byte `pos` a letter or digit (ASCII fast path)?
fn alnum_at(text: &str, pos: usize) -> bool {
    match text.as_bytes().get(pos) {
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text
            .get(pos..)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_alphanumeric),
        None => false,
    }
}

/// Words (letters, digits, inner `'’-&.`) and single punctuation characters.
/// Elisions (`l'`, `d’`, `qu'`) and a possessive `'s` are tokens of their own.
fn tokenize(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 5 + 4);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (alnum, upper, len) = if c.is_ascii() {
            (c.is_ascii_alphanumeric(), c.is_ascii_uppercase(), 1)
        } else {
            match text.get(i..).and_then(|r| r.chars().next()) {
                Some(ch) if latin_letter(ch) => (true, ch.is_uppercase(), ch.len_utf8()),
                // Frequent punctuation, answered without the Unicode tables.
                Some(ch @ ('’' | '«' | '»' | '“' | '”' | '–' | '—' | '…')) => {
                    (false, false, ch.len_utf8())
                }
                Some(ch) if ch.is_whitespace() => (false, false, ch.len_utf8()),
                Some(ch) => (ch.is_alphanumeric(), ch.is_uppercase(), ch.len_utf8()),
                None => {
                    i += 1;
                    continue;
                }
            }
        };
        if alnum {
            let (mut any_upper, mut apos, mut hyphen) = (upper, false, false);
            let mut j = i + len;
            while j < b.len() {
                let d = b[j];
                if d.is_ascii_alphanumeric() {
                    any_upper |= d.is_ascii_uppercase();
                    j += 1;
                } else if d.is_ascii() {
                    if matches!(d, b'\'' | b'-' | b'&' | b'.') && alnum_at(text, j + 1) {
                        apos |= d == b'\'';
                        hyphen |= d == b'-';
                        j += 1;
                    } else {
                        break;
                    }
                } else {
                    let Some(dc) = text.get(j..).and_then(|r| r.chars().next()) else {
                        break;
                    };
                    let dl = dc.len_utf8();
                    // The typographic apostrophe first: frequent, and no letter (`ʼ`,
                    // U+02BC, is one, so it keeps the letter test's answer).
                    if dc == '’' {
                        if !alnum_at(text, j + dl) {
                            break;
                        }
                        apos = true;
                        j += dl;
                    } else if latin_letter(dc) || dc.is_alphanumeric() {
                        any_upper |= dc.is_uppercase();
                        j += dl;
                    } else {
                        break;
                    }
                }
            }
            if apos {
                push_word(text, i, j, &mut out);
            } else {
                push_unglued(text, i, j, any_upper, hyphen, &mut out);
            }
            i = j;
        } else {
            if !(c.is_ascii_whitespace()
                || (!c.is_ascii() && len > 1 && !alnum && is_space_at(text, i)))
            {
                out.push(Tok {
                    s: i,
                    e: i + len,
                    word: false,
                    name: false,
                });
            }
            i += len;
        }
    }
    out
}

/// Pushes the word `text[s..e]`, first splitting off what wire and scraped headlines
/// glue to a name: a section label at the start of a line (`CompaniesAcme`, a word
/// but no name) and a capitals or digits prefix before a hyphen (`CORRECTED-Pellix`,
/// `UPDATE 1-Corvane`, `ICX-Globex`), kept as its own word; the hyphen between them
/// gets no token, so the two never join into one candidate.
fn push_unglued(
    text: &str,
    mut s: usize,
    e: usize,
    any_upper: bool,
    hyphen: bool,
    out: &mut Vec<Tok>,
) {
    let b = text.as_bytes();
    let mut p = s;
    while p > 0 && matches!(b.get(p - 1), Some(b' ' | b'\t')) {
        p -= 1;
    }
    let line_start = p == 0 || b.get(p - 1) == Some(&b'\n');
    let first = s;
    if line_start {
        if let Some(l) = SECTION_LABELS.iter().find(|l| {
            text.get(s..e)
                .and_then(|w| w.strip_prefix(**l))
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
        }) {
            out.push(Tok {
                s,
                e: s + l.len(),
                word: true,
                name: false,
            });
            s += l.len();
        }
    }
    while let Some(h) = text.get(s..e).filter(|_| hyphen).and_then(|w| w.find('-')) {
        let left = &text[s..s + h];
        let upper_prefix = !left.is_empty()
            && left
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && text
                .get(s + h + 1..e)
                .is_some_and(|r| r.starts_with(|c: char| c.is_uppercase()));
        if !upper_prefix {
            break;
        }
        out.push(Tok {
            s,
            e: s + h,
            word: true,
            name: left.bytes().any(|b| b.is_ascii_uppercase()),
        });
        // No token for the hyphen: the gap keeps the two words apart (a hyphen token
        // would be a connector).
        s += h + 1;
    }
    // `any_upper` covers the whole word; only a split-off prefix needs a new look.
    let name = any_upper
        && (s == first
            || text
                .get(s..e)
                .is_some_and(|r| r.chars().any(char::is_uppercase)));
    out.push(Tok {
        s,
        e,
        word: true,
        name,
    });
}

/// Accented Latin letters (U+00C0–U+024F but `×` and `÷`): the common case of the
/// Unicode letter test, answered without its tables.
fn latin_letter(c: char) -> bool {
    matches!(c, '\u{C0}'..='\u{24F}') && c != '×' && c != '÷'
}

fn is_space_at(text: &str, i: usize) -> bool {
    text.get(i..)
        .and_then(|r| r.chars().next())
        .is_some_and(char::is_whitespace)
}

const ELISIONS: &[&str] = &[
    "l", "d", "j", "n", "s", "c", "m", "t", "qu", "lorsqu", "puisqu", "jusqu",
];

fn word_tok(text: &str, s: usize, e: usize) -> Tok {
    Tok {
        s,
        e,
        word: true,
        name: namey(text.get(s..e).unwrap_or("")),
    }
}

/// Splits an elision prefix and an `'s` suffix off a word that holds an apostrophe.
fn push_word(text: &str, mut s: usize, e: usize, out: &mut Vec<Tok>) {
    let w = text.get(s..e).unwrap_or("");
    if let Some((p, c)) = w.char_indices().find(|&(_, c)| is_apos(c)) {
        let head = w.get(..p).unwrap_or("");
        if ELISIONS.iter().any(|x| x.eq_ignore_ascii_case(head)) {
            let cut = s + p + c.len_utf8();
            out.push(word_tok(text, s, cut));
            s = cut;
        }
    }
    let w = text.get(s..e).unwrap_or("");
    for suf in ["'s", "’s"] {
        if w.len() > suf.len() + 1 && w.ends_with(suf) {
            let cut = e - suf.len();
            out.push(word_tok(text, s, cut));
            out.push(word_tok(text, cut, e));
            return;
        }
    }
    if s < e {
        out.push(word_tok(text, s, e));
    }
}

/// Can this token be (part of) a name: capitalised, digit + capital (`3M`) or an
/// internal capital (`eBay`, `iPhone`).
fn namey(w: &str) -> bool {
    let b = w.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_uppercase() => true,
        Some(c) if c.is_ascii_alphanumeric() => {
            b[1..].iter().any(u8::is_ascii_uppercase)
                || (!w.is_ascii() && w.chars().skip(1).any(char::is_uppercase))
        }
        Some(c) if c.is_ascii() => false,
        _ => {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) if c.is_uppercase() => true,
                Some(c) if c.is_alphanumeric() => cs.any(char::is_uppercase),
                _ => false,
            }
        }
    }
}

fn is_connector(w: &str) -> bool {
    matches!(w, "de" | "du" | "des" | "of" | "&" | "-")
}

/// Is the token before `i` a capitalised article inside a sentence (`à La Rochelle`,
/// `selon Le Parisien`, `chez L’Oréal`)? Then it belongs to the name; at the start of a
/// sentence it is just an article.
fn article_in_name(text: &str, toks: &[Tok], i: usize) -> bool {
    let (Some(art), Some(before)) = (
        i.checked_sub(1).and_then(|k| toks.get(k)),
        i.checked_sub(2).and_then(|k| toks.get(k)),
    ) else {
        return false;
    };
    let w = tok_text(text, art);
    let cur = toks[i];
    let elided = matches!(w, "L'" | "L’");
    let touching = if elided {
        art.e == cur.s
    } else {
        text.get(art.e..cur.s) == Some(" ")
    };
    let article = elided || matches!(w, "Le" | "La" | "Les" | "The");
    let gap = text.get(before.e..art.s).unwrap_or("\n");
    let sentence_start = gap.contains('\n')
        || matches!(
            tok_text(text, before),
            "." | "!" | "?" | ":" | ";" | "«" | "\"" | "“" | "-" | "–" | "—" | "(" | "…"
        );
    article && touching && !sentence_start
}

/// Candidate spans as token ranges `[a, b)`; with `check_caps`, none on a shouting
/// (all-capitals) line.
fn candidate_runs(text: &str, toks: &[Tok], check_caps: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut caps_line_end = 0usize;
    let mut caps_line = false;
    while i < toks.len() {
        let t = toks[i];
        let w = text.get(t.s..t.e).unwrap_or("");
        if !t.name || is_stopword(w) || is_legal_suffix(w) {
            i += 1;
            continue;
        }
        let mut a = i;
        if article_in_name(text, toks, i) {
            a = i - 1;
        }
        let mut b = i + 1;
        while b < toks.len() && b - a < MAX_WORDS {
            let n = toks[b];
            let nw = text.get(n.s..n.e).unwrap_or("");
            let joined = toks[b - 1].e == n.s || text.get(toks[b - 1].e..n.s) == Some(" ");
            if !joined {
                break;
            }
            if n.name && !is_stopword(nw) && !is_legal_suffix(nw) {
                b += 1;
                continue;
            }
            // `Banque de France`, `AT & T`, `Bank of America`.
            if is_connector(nw) && b + 1 < toks.len() {
                let m = toks[b + 1];
                let mw = text.get(m.s..m.e).unwrap_or("");
                if m.word
                    && m.name
                    && !is_stopword(mw)
                    && text.get(n.e..m.s).is_some_and(|g| g.len() <= 1)
                {
                    b += 2;
                    continue;
                }
            }
            break;
        }
        let letters = text
            .get(toks[a].s..toks[b - 1].e)
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_alphabetic())
            .count();
        if letters >= 2 {
            if check_caps && t.s >= caps_line_end {
                // Shouting lines capitalise everything: no name can be told apart.
                caps_line = in_caps_line(text, t.s);
                caps_line_end = text
                    .get(t.s..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |p| t.s + p);
            }
            if !caps_line {
                out.push((a, b));
            }
        }
        i = b;
    }
    out
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The closed word lists the features look words up in, as hash sets.
struct Lists {
    heads: HashSet<&'static str>,
    tails: HashSet<&'static str>,
    company_words: HashSet<&'static str>,
    non_company: HashSet<&'static str>,
    given: HashSet<&'static str>,
}

fn lists() -> &'static Lists {
    static L: OnceLock<Lists> = OnceLock::new();
    L.get_or_init(|| Lists {
        heads: INSTITUTION_HEADS.iter().copied().collect(),
        tails: INSTITUTION_TAILS.iter().copied().collect(),
        company_words: COMPANY_NAME_WORDS.iter().copied().collect(),
        non_company: NON_COMPANY_ORGS.iter().copied().collect(),
        given: GIVEN_NAMES.iter().copied().collect(),
    })
}

/// FNV-1a (64 bits) of a string (a namespace or a normalised word): a fixed hash, so
/// features are the same on every platform; `const` so that the fixed strings are
/// hashed at compile time.
const fn hs(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// Combines two hashes (order matters).
fn mix(a: u64, b: u64) -> u64 {
    let mut x = a ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15).rotate_left(23);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 29;
    x
}

fn tok_text<'a>(text: &'a str, t: &Tok) -> &'a str {
    text.get(t.s..t.e).unwrap_or("")
}

/// Hash of the lowercased, accent-folded form of a context token (numbers and quote
/// marks collapsed to one class each), without allocating.
fn norm_hash(text: &str, t: &Tok) -> u64 {
    let w = tok_text(text, t);
    if t.word {
        if w.bytes().any(|b| b.is_ascii_digit()) && !w.chars().any(char::is_alphabetic) {
            return hs("<num>");
        }
        with_folded_word(w, hs)
    } else {
        hs(match w {
            "«" | "“" | "\"" | "‘" => "<oq>",
            "»" | "”" => "<cq>",
            "–" | "—" => "-",
            _ => w,
        })
    }
}

/// Does a line break lie between two byte offsets?
fn line_break_between(text: &str, a: usize, b: usize) -> bool {
    text.get(a.min(b)..b.max(a))
        .is_some_and(|g| g.as_bytes().contains(&b'\n'))
}

/// What [`is_non_company_name`] and [`is_public_body`] say of a span, computed once for
/// both the features and the callers that leave public bodies out.
#[derive(Debug, Clone, Copy)]
struct BodyFlags {
    non_company: bool,
    public: bool,
}

fn body_flags(span: &str) -> BodyFlags {
    let non_company = is_non_company_name(span);
    BodyFlags {
        non_company,
        public: non_company || public_head(span),
    }
}

/// The feature hashes of the span covering tokens `[a, b)`.
fn features(text: &str, toks: &[Tok], a: usize, b: usize, lang: Lang, emit: &mut dyn FnMut(u64)) {
    let span = text.get(toks[a].s..toks[b - 1].e).unwrap_or("");
    features_with(text, toks, a, b, lang, body_flags(span), emit);
}

/// [`features`] with the span's [`BodyFlags`] already known.
fn features_with(
    text: &str,
    toks: &[Tok],
    a: usize,
    b: usize,
    lang: Lang,
    bodies: BodyFlags,
    emit: &mut dyn FnMut(u64),
) {
    let (s, e) = (toks[a].s, toks[b - 1].e);
    let span = text.get(s..e).unwrap_or("");
    let lists = lists();
    let mut f = |ns: u64, v: u64| emit(mix(ns, v));
    f(const { hs("bias") }, 0);
    let lang_h = hs(match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
        Lang::Other => "xx",
    });
    f(const { hs("lang") }, lang_h);

    // Context words, stopping at line breaks (a headline is its own context).
    const N: usize = CONTEXT + 2;
    let (start_h, end_h) = (const { hs("<s>") }, const { hs("</s>") });
    let mut left = [start_h; N];
    let mut nl = 0;
    let mut prev = s;
    for t in toks[..a].iter().rev().take(N) {
        if line_break_between(text, t.e, prev) {
            break;
        }
        left[nl] = norm_hash(text, t);
        nl += 1;
        prev = t.s;
    }
    let mut right = [end_h; N];
    let mut nr = 0;
    let mut prev = e;
    for t in toks[b..].iter().take(N) {
        if line_break_between(text, prev, t.s) {
            break;
        }
        right[nr] = norm_hash(text, t);
        nr += 1;
        prev = t.e;
    }
    const LNS: [u64; CONTEXT] = [hs("l0"), hs("l1"), hs("l2")];
    const RNS: [u64; CONTEXT] = [hs("r0"), hs("r1"), hs("r2")];
    for i in 0..CONTEXT {
        f(LNS[i], left[i]);
        f(RNS[i], right[i]);
    }
    f(const { hs("l01") }, mix(left[1], left[0]));
    f(const { hs("r01") }, mix(right[0], right[1]));
    f(const { hs("l0r0") }, mix(left[0], right[0]));
    for &w in left.iter().take(nl).skip(CONTEXT) {
        f(const { hs("lbag") }, w);
    }
    for &w in right.iter().take(nr).skip(CONTEXT) {
        f(const { hs("rbag") }, w);
    }
    f(const { hs("l0lang") }, mix(lang_h, left[0]));

    // Position.
    const INITIAL: [u64; 7] = [
        hs("."),
        hs("!"),
        hs("?"),
        hs(":"),
        hs(";"),
        hs("<oq>"),
        hs("-"),
    ];
    let initial = nl == 0 || INITIAL.contains(&left[0]);
    let before = text.get(..s).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let first_line = !before.as_bytes().contains(&b'\n');
    f(const { hs("init") }, u64::from(initial));
    if first_line {
        f(const { hs("line0") }, u64::from(initial));
    }
    if s == line_start {
        f(const { hs("linestart") }, 0);
    }
    if left[0] == const { hs("<oq>") }
        && [const { hs("<cq>") }, const { hs("\"") }].contains(&right[0])
    {
        f(const { hs("quoted") }, 0);
    }
    // In a list of names: `X, Y et Z`, `X and Y`.
    const LIST: [u64; 7] = [
        hs(","),
        hs("et"),
        hs("and"),
        hs("ou"),
        hs("or"),
        hs("&"),
        hs("/"),
    ];
    let name_at = |i: Option<&Tok>| i.is_some_and(|t| t.name);
    let list_left = LIST.contains(&left[0]) && a >= 2 && name_at(toks.get(a - 2));
    let list_right = LIST.contains(&right[0]) && name_at(toks.get(b + 1));
    if list_left || list_right {
        f(const { hs("list") }, 0);
    }

    // Shape of the span (not its words).
    let words = || {
        toks[a..b]
            .iter()
            .filter(|t| t.word)
            .map(|t| tok_text(text, t))
    };
    let nw = words().count();
    f(const { hs("nw") }, nw.min(4) as u64);
    let (mut nletters, mut upper) = (0usize, 0usize);
    for c in span.chars().filter(|c| c.is_alphabetic()) {
        nletters += 1;
        upper += usize::from(c.is_uppercase());
    }
    let all_caps = upper == nletters;
    let shape: u64 = if all_caps && nletters <= 5 {
        1
    } else if all_caps {
        2
    } else if upper > nw {
        3
    } else {
        4
    };
    f(const { hs("shape") }, shape);
    f(
        const { hs("shape_init") },
        shape * 100 + u64::from(initial) * 10 + nw.min(9) as u64,
    );
    let len = span.chars().count();
    f(
        const { hs("len") },
        match len {
            0..=3 => 3,
            4..=6 => 6,
            7..=10 => 10,
            11..=20 => 20,
            _ => 99,
        },
    );
    let bytes = span.as_bytes();
    if bytes.iter().any(u8::is_ascii_digit) {
        f(const { hs("digit") }, 0);
    }
    if bytes.contains(&b'&') {
        f(const { hs("amp") }, 0);
    }
    if bytes.contains(&b'-') {
        f(const { hs("hyph") }, 0);
    }
    if span.contains(is_apos) {
        f(const { hs("apos") }, 0);
    }
    let first_w = words().next().unwrap_or("");
    let last_w = words().next_back().unwrap_or("");
    if first_w.starts_with(char::is_lowercase) {
        f(const { hs("lowerhead") }, 0);
    }
    if words().any(is_connector) {
        f(const { hs("conn") }, 0);
    }
    // Generic heads and tails (closed lists of common nouns, not names).
    with_folded_word(first_w, |first| {
        if lists.heads.contains(first) {
            f(const { hs("head") }, hs(first));
        }
        if matches!(first, "banque" | "bank" | "caisse" | "credit") {
            f(const { hs("bankhead") }, u64::from(nw >= 2));
        }
        if nw >= 2 && lists.given.contains(first) {
            f(const { hs("given") }, nw.min(3) as u64);
        }
    });
    if nw >= 2 {
        with_folded_word(last_w, |last| {
            if lists.tails.contains(last) {
                f(const { hs("tail") }, hs(last));
            }
            if lists.company_words.contains(last) {
                f(const { hs("cotail") }, hs(last));
            }
        });
    }
    if words().any(|w| with_folded_word(w, |x| lists.non_company.contains(x))) {
        f(const { hs("nonco_org") }, 0);
    }
    if bodies.non_company {
        f(const { hs("nonco") }, 0);
    }
    if bodies.public {
        f(const { hs("pubbody") }, 0);
    }
    // Right after the span: a legal suffix, a ticker in brackets, a possessive.
    if let Some(t) = toks.get(b) {
        let w = tok_text(text, t);
        let dotted = text.get(t.s..t.e + 1).is_some_and(is_legal_suffix);
        if is_legal_suffix(w) || dotted {
            f(const { hs("legal") }, 0);
        }
        if w == "'s" || w == "’s" {
            f(const { hs("poss") }, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> &'static CompanyRecognizer {
        CompanyRecognizer::shipped()
    }

    fn best(text: &str, name: &str, lang: Lang) -> f32 {
        let s = text.find(name).expect("name in text");
        rec().score(text, s, s + name.len(), lang)
    }

    #[test]
    fn model_loads_from_embedded_bytes() {
        assert!(rec().is_loaded());
        assert!(rec().threshold() > 0.0 && rec().threshold() < 1.0);
        let again = CompanyRecognizer::from_bytes(&rec().to_bytes()).expect("round trip");
        assert_eq!(again.weights.len(), rec().weights.len());
        assert!(CompanyRecognizer::from_bytes(b"CNER").is_err());
        assert!(CompanyRecognizer::from_bytes(b"").is_err());
    }

    #[test]
    fn english_threshold_round_trips_and_version_1_shares_one() {
        let m = CompanyRecognizer::from_weights(0.5, 0.4, vec![0.0; 256]).with_threshold_en(0.3);
        assert_eq!(m.threshold_for(Lang::Fr), 0.4);
        assert_eq!(m.threshold_for(Lang::En), 0.3);
        assert_eq!(m.threshold_for(Lang::Other), 0.4);
        let back = CompanyRecognizer::from_bytes(&m.to_bytes()).expect("version 2");
        assert_eq!(back.threshold_for(Lang::En), 0.3);
        assert_eq!(back.threshold_for(Lang::Fr), 0.4);
        // Version 1: no English threshold, the one threshold serves both.
        let mut v1 = Vec::new();
        v1.extend_from_slice(b"CNER");
        v1.extend_from_slice(&1u32.to_le_bytes());
        v1.extend_from_slice(&8u32.to_le_bytes());
        v1.extend_from_slice(&0.5f32.to_le_bytes());
        v1.extend_from_slice(&0.4f32.to_le_bytes());
        v1.extend_from_slice(&[0u8; 256 * 4]);
        let old = CompanyRecognizer::from_bytes(&v1).expect("version 1");
        assert_eq!(old.threshold_for(Lang::En), 0.4);
        // A version 2 header on a version 1 body is refused (length).
        v1[4] = 2;
        assert!(CompanyRecognizer::from_bytes(&v1).is_err());
    }

    #[test]
    fn candidates_cover_name_shapes() {
        let text = "Selon la start-up Zorbix, le fabricant Brix & Moor et l’éditeur \
                    d’Ubisoft-Nova ont signé avec eFlow et 3Dex. Le groupe Banque de France.";
        let c: Vec<&str> = rec()
            .candidates(text, Lang::Fr)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        for want in [
            "Zorbix",
            "Brix & Moor",
            "Ubisoft-Nova",
            "eFlow",
            "3Dex",
            "Banque de France",
        ] {
            assert!(c.contains(&want), "{want} missing from {c:?}");
        }
        // A capitalised article inside a sentence belongs to the name.
        let t = "Il est parti à La Rochelle. Le Parisien le dit.";
        let c: Vec<&str> = rec()
            .candidates(t, Lang::Fr)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(c, vec!["La Rochelle", "Parisien"]);
        // Sentence-initial function words are not names.
        assert!(!c
            .iter()
            .any(|n| n.starts_with("Selon") || n.starts_with("Le ")));
    }

    #[test]
    fn wire_prefixes_and_section_labels_are_cut_from_candidates() {
        let text = "CompaniesQuarvelo raises funds\nCORRECTED-Trelmont to buy Zorbix\n\
                    ICX-Globex Boerse deal";
        let c: Vec<&str> = rec()
            .candidates(text, Lang::En)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        for want in ["Quarvelo", "Trelmont", "Zorbix", "Globex Boerse"] {
            assert!(c.contains(&want), "{want} missing from {c:?}");
        }
        assert!(!c
            .iter()
            .any(|n| n.contains("Companies") || n.starts_with("CORRECTED-")));
        // A central bank is a public body wherever its qualifier stands.
        for body in [
            "European Central Bank",
            "Reserve Bank of India",
            "Banque centrale européenne",
        ] {
            assert!(is_public_body(body), "{body}");
        }
        assert!(!is_public_body("Deutsche Bank"));
    }

    #[test]
    fn unlisted_company_with_cue_scores_high() {
        let fr = "La start-up lyonnaise Quarvelo a levé 12 millions d'euros auprès de ses investisseurs.";
        let en = "Shares of Trelmont Corp rose 8% after the company raised its forecast.";
        let p_fr = best(fr, "Quarvelo", Lang::Fr);
        let p_en = best(en, "Trelmont", Lang::En);
        assert!(p_fr >= rec().threshold(), "fr {p_fr}");
        assert!(p_en >= rec().threshold(), "en {p_en}");
    }

    #[test]
    fn public_bodies_parties_and_unions_score_low() {
        let cases = [
            (
                "Le gouverneur de la Banque de France a relevé sa prévision.",
                "Banque de France",
            ),
            (
                "Le ministère de l'Economie a publié les chiffres.",
                "Economie",
            ),
            (
                "Le Parti socialiste et la CGT ont appelé à manifester.",
                "CGT",
            ),
            (
                "Selon la Banque centrale européenne, l'inflation ralentit.",
                "Banque",
            ),
        ];
        for (text, name) in cases {
            let p = best(text, name, Lang::Fr);
            assert!(p < rec().threshold(), "{name}: {p}");
        }
    }

    #[test]
    fn scores_are_deterministic_and_match_the_batch_path() {
        let text = "Le fabricant Velorix a racheté la société Kandel, filiale de Morvane.";
        let batch = rec().scored_candidates(text, Lang::Fr, |_, _| true);
        assert!(!batch.is_empty());
        for (s, e, p) in batch {
            let q = rec().score(text, s, e, Lang::Fr);
            assert!((p - q).abs() < 1e-6, "{} {p} {q}", &text[s..e]);
            assert_eq!(q, rec().score(text, s, e, Lang::Fr));
        }
    }

    #[test]
    fn scored_companies_are_the_candidates_that_are_no_public_body() {
        let text = "Le ministère de l'Economie, la Banque de France et le Medef saluent \
                    l'accord entre Velorix et Kandel, selon l'Autorité des marchés.";
        let all = rec().scored_candidates(text, Lang::Fr, |_, _| true);
        let companies = rec().scored_companies(text, Lang::Fr, |_, _| true);
        let expected: Vec<_> = all
            .iter()
            .copied()
            .filter(|&(s, e, _)| !is_public_body(&text[s..e]))
            .collect();
        assert_eq!(companies, expected);
        assert!(companies.len() < all.len(), "{all:?}");
        assert!(companies.iter().any(|&(s, e, _)| &text[s..e] == "Velorix"));
    }

    #[test]
    fn apostrophes_split_elisions_but_a_modifier_letter_does_not() {
        // `’` after `d` is an elision; `ʼ` (U+02BC) is a letter inside the word.
        let t = "Le titre d’Acmex et celui de Zorbʼix ont bondi, comme Sotheby’s.";
        let got: Vec<&str> = rec()
            .candidates(t, Lang::Fr)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(got, ["Acmex", "Zorbʼix", "Sotheby"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "Zorbix ".repeat(20_000);
        let inputs = [
            "",
            " ",
            "😀 Émoji 🚀 Rocket Ünïcode",
            "« Acme » » « “ Unbalanced \" quotes ’ ’",
            "L’ d’ qu’ 's ’s & - .",
            long.as_str(),
            "A\nB\n\nC",
        ];
        for t in inputs {
            for lang in [Lang::Fr, Lang::En, Lang::Other] {
                for (s, e) in rec().candidates(t, lang) {
                    assert!(t.is_char_boundary(s) && t.is_char_boundary(e));
                    let p = rec().score(t, s, e, lang);
                    assert!((0.0..=1.0).contains(&p));
                }
                let _ = rec().scored_candidates(t, lang, |_, _| true);
            }
            for (s, e) in [(0, 1), (1, 3), (0, t.len()), (5, 2), (0, 100_000_000)] {
                let _ = rec().score(t, s, e, Lang::Fr);
            }
        }
    }
}
