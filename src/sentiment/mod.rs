//! Targeted sentiment for French and English business news.
//!
//! A lexicon-and-rules model ([`lexicon`], [`scorer`]) finds sentiment cues with negation,
//! intensity, modality, questions, contrast, figures with direction (`chute de 12 %`) and
//! subject/object roles of finance verbs, and attributes them to the companies mentioned
//! by clause, segment and distance. For English an optional linear model ([`learned`],
//! trained on permissively licensed finance headlines) re-scores each target's context;
//! French uses the rules alone (no licensed training data).

pub mod learned;
pub mod lexicon;
pub mod scorer;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use lexicon::{LexToken, Lexicon};
use scorer::{analyze_into, Roles, Sentence};

use crate::text::lang::Lang;
use crate::text::tokenize::{sentence_token_ranges_into, tokenize_into, Token, TokenKind};

/// Errors while loading the sentiment resources.
#[derive(Debug, thiserror::Error)]
pub enum SentimentError {
    /// The directory or a file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File or directory.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A line of a lexicon/model file is malformed.
    #[error("{path}:{line}: {msg}")]
    Format {
        /// File.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        msg: String,
    },
}

/// Three-way sentiment label used in every output table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// Favourable for the target / text.
    Positive,
    /// Unfavourable.
    Negative,
    /// Neither (or mixed/too weak to call).
    Neutral,
}

impl Label {
    /// Lowercase name written into tables (`"positive"`, `"negative"`, `"neutral"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Negative => "negative",
            Label::Neutral => "neutral",
        }
    }
}

/// A sentiment judgement with the words that justify it, so analysts can audit it.
#[derive(Debug, Clone, PartialEq)]
pub struct Polarity {
    /// Signed strength in [-1, 1].
    pub score: f32,
    /// Calibrated label.
    pub label: Label,
    /// Cue texts as they appear (e.g. `"not beat"`, `"chute de 12 %"`); empty iff neutral
    /// with no cue at all.
    pub evidence: Vec<String>,
}

impl Polarity {
    /// Neutral with no cue.
    pub fn neutral() -> Self {
        Polarity {
            score: 0.0,
            label: Label::Neutral,
            evidence: Vec::new(),
        }
    }
}

/// Squashing constant for target scores: one plain cue (±0.45) maps to about ±0.67.
const ALPHA_TARGET: f32 = 0.25;
/// Squashing constant for documents (more cues, so a flatter curve).
const ALPHA_DOC: f32 = 1.0;
/// Rules-only label threshold on |score|, calibrated on the Twitter Financial News
/// training split with `BASE_WEIGHT` (the model file carries its own threshold).
pub const DEFAULT_THRESHOLD: f32 = 0.28;
/// Rules-only label threshold for target scores, calibrated the same way on the
/// training tweets' cashtags (`$TSLA`) taken as targets.
pub const TARGET_THRESHOLD: f32 = 0.07;
/// Label threshold for French target scores (rules only): any cue of the lexicons' scale
/// (slight ±0.15 squashes to ±0.29) makes a label, an announced corporate action alone
/// (0.1 → 0.2) does not. On lemonde-companies dev every threshold from 0.07 to 0.35 gives
/// 0.62–0.645 accuracy; 0.2 is the middle of that plateau.
pub const FR_TARGET_THRESHOLD: f32 = 0.2;
/// At most this many evidence strings per judgement.
const MAX_EVIDENCE: usize = 5;

/// Label for a score given a threshold.
pub fn label_for(score: f32, threshold: f32) -> Label {
    if score >= threshold {
        Label::Positive
    } else if score <= -threshold {
        Label::Negative
    } else {
        Label::Neutral
    }
}

/// The loaded model: lexicons for both languages (English also serves `Lang::Other`) and
/// the optional learned re-scorer. Immutable after loading, hence `Send + Sync`.
#[derive(Debug)]
pub struct SentimentModel {
    en: Lexicon,
    fr: Lexicon,
    roles_en: Roles,
    roles_fr: Roles,
    learned: Option<learned::LinearModel>,
    threshold: f32,
    target_threshold: f32,
    fr_target_threshold: f32,
    id: u64,
}

/// A prepared text: lexicon tokens and sentence token ranges.
#[derive(Default)]
struct Prepared {
    toks: Vec<LexToken>,
    sentences: Vec<(usize, usize)>,
}

/// A cue's contribution and its evidence byte range.
type CueRef = (f32, (usize, usize));

/// A text's tokens and per-sentence rule analysis.
#[derive(Default)]
struct Analysed {
    p: Prepared,
    sents: Vec<Sentence>,
}

/// The buffers of one analysis, kept per thread by [`SentimentModel::article`] and
/// refilled article after article: their memory stays warm in cache and nothing is
/// allocated per article (tokens, sentences and cues were a tenth of the stage's time
/// in allocation, first-touch stores and frees).
#[derive(Default)]
struct Workspace {
    raw: Vec<Token>,
    a: Analysed,
    scratch: scorer::Scratch,
}

impl Workspace {
    /// Tokens beyond which a workspace gives its memory back after use (one huge
    /// article must not pin its buffers for the rest of the run).
    const KEEP_TOKENS: usize = 1 << 18;

    fn trim(&mut self) {
        if self.raw.capacity() > Self::KEEP_TOKENS || self.a.p.toks.capacity() > Self::KEEP_TOKENS {
            *self = Workspace::default();
        }
    }
}

/// The last analysis made on a thread, with what it was made of.
struct LastAnalysis {
    model_id: u64,
    lang: Lang,
    text: String,
    a: Rc<Analysed>,
}

thread_local! {
    /// Last analysed text on this thread (see `SentimentModel::analysed`).
    static LAST_ANALYSIS: RefCell<Option<LastAnalysis>> = const { RefCell::new(None) };
    /// Reusable analysis buffers of this thread (see [`Workspace`]).
    static WORKSPACE: RefCell<Option<Workspace>> = const { RefCell::new(None) };
}

/// Everything the pipeline needs from one article, from a single analysis of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleScores {
    /// Tone of the whole text, as [`SentimentModel::document`].
    pub tone: Polarity,
    /// One polarity per target, as [`SentimentModel::targets`] (empty without targets).
    pub targets: Vec<Polarity>,
    /// Sentence byte spans, as [`SentimentModel::sentence_spans`] (empty without targets,
    /// the pipeline needs them only to quote each mention's sentence).
    pub sentences: Vec<(usize, usize)>,
}

/// Source of unique model ids (the per-thread cache must never mix two models).
static NEXT_MODEL_ID: AtomicU64 = AtomicU64::new(1);

impl SentimentModel {
    /// Loads lexicons (and model weights, if any) from a directory such as `data/lexicons`.
    ///
    /// Model weights are looked up in `<dir>/../models/sentiment_en.tsv`; when absent the
    /// model is lexicon-only.
    pub fn load(dir: &Path) -> Result<Self, SentimentError> {
        Self::load_with(dir, lexicon::BASE_WEIGHT)
    }

    /// [`Self::load`] with a chosen English base-lexicon weight (calibration script).
    pub fn load_with(dir: &Path, base_weight: f32) -> Result<Self, SentimentError> {
        let meta = std::fs::metadata(dir).map_err(|e| SentimentError::Io {
            path: dir.display().to_string(),
            source: e,
        })?;
        if !meta.is_dir() {
            return Err(SentimentError::Io {
                path: dir.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            });
        }
        let en = Lexicon::load_weighted(dir, Lang::En, base_weight)?;
        let fr = Lexicon::load(dir, Lang::Fr)?;
        let model_path = dir
            .parent()
            .map(|p| p.join("models").join("sentiment_en.tsv"))
            .unwrap_or_default();
        let learned = learned::LinearModel::load_optional(&model_path)?;
        Ok(Self::from_parts(en, fr, learned))
    }

    /// Builds a model from lexicons already in memory (tests, experiments).
    pub fn from_parts(en: Lexicon, fr: Lexicon, learned: Option<learned::LinearModel>) -> Self {
        SentimentModel {
            en,
            fr,
            roles_en: Roles::new(Lang::En),
            roles_fr: Roles::new(Lang::Fr),
            learned,
            threshold: DEFAULT_THRESHOLD,
            target_threshold: TARGET_THRESHOLD,
            fr_target_threshold: FR_TARGET_THRESHOLD,
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Removes the learned component (to measure the rules alone).
    pub fn without_learned(mut self) -> Self {
        self.learned = None;
        self
    }

    /// Whether a learned component is loaded.
    pub fn has_learned(&self) -> bool {
        self.learned.is_some()
    }

    fn pick(&self, lang: Lang) -> (&Lexicon, &Roles) {
        match lang {
            Lang::Fr => (&self.fr, &self.roles_fr),
            _ => (&self.en, &self.roles_en),
        }
    }

    /// Rule analysis of a whole text: prepared tokens, total cue value and the cues'
    /// (value, evidence range).
    fn doc_rules(&self, text: &str, lang: Lang) -> (Rc<Analysed>, f32, Vec<CueRef>) {
        let a = self.analysed(text, lang);
        let (total, cues) = doc_cues(&a);
        (a, total, cues)
    }

    /// Tokens and rule analysis of every sentence of `text`.
    fn analyse(&self, text: &str, lang: Lang) -> Analysed {
        let mut ws = Workspace::default();
        self.analyse_into(text, lang, &mut ws);
        ws.a
    }

    /// [`Self::analyse`] into `ws.a`, reusing the workspace's buffers.
    fn analyse_into(&self, text: &str, lang: Lang, ws: &mut Workspace) {
        let (lex, roles) = self.pick(lang);
        let Workspace { raw, a, scratch } = ws;
        tokenize_into(text, raw);
        sentence_token_ranges_into(text, raw, &mut a.p.sentences);
        lex.prepare_tokens_into(text, raw, &mut a.p.toks);
        let n = a.p.sentences.len();
        a.sents.resize_with(n, Sentence::default);
        for (&(s, e), sent) in a.p.sentences.iter().zip(a.sents.iter_mut()) {
            analyze_into(lex, roles, &a.p.toks[s..e], scratch, sent);
            drop_name_cues(text, &a.p.toks[s..e], sent);
        }
    }

    /// [`Self::analyse`], for callers that ask several questions about the same text one
    /// call at a time (document tone, then targets, then sentences): the last analysis
    /// is kept per thread and reused (keyed by model, language and the exact text).
    fn analysed(&self, text: &str, lang: Lang) -> Rc<Analysed> {
        let hit = LAST_ANALYSIS.with(|last| {
            last.borrow()
                .as_ref()
                .filter(|l| l.model_id == self.id && l.lang == lang && l.text == text)
                .map(|l| Rc::clone(&l.a))
        });
        if let Some(a) = hit {
            return a;
        }
        let a = Rc::new(self.analyse(text, lang));
        LAST_ANALYSIS.with(|last| {
            *last.borrow_mut() = Some(LastAnalysis {
                model_id: self.id,
                lang,
                text: text.to_string(),
                a: Rc::clone(&a),
            })
        });
        a
    }

    /// Tone, target polarities and sentence spans of one article, from one analysis of
    /// its text: the same results as [`Self::document`], [`Self::targets`] and
    /// [`Self::sentence_spans`], without keeping a copy of the text for the per-thread
    /// cache those use.
    pub fn article(&self, text: &str, lang: Lang, targets: &[(usize, usize)]) -> ArticleScores {
        // The thread's workspace is taken out while in use (a nested call, which does
        // not happen, would just get a fresh one).
        let mut ws = WORKSPACE
            .with(|w| w.borrow_mut().take())
            .unwrap_or_default();
        self.analyse_into(text, lang, &mut ws);
        let a = &ws.a;
        let tone = self.document_of(a, text, lang);
        let scores = if targets.is_empty() {
            ArticleScores {
                tone,
                targets: Vec::new(),
                sentences: Vec::new(),
            }
        } else {
            let threshold = self.threshold_for(lang, true);
            ArticleScores {
                tone,
                targets: self.targets_of(a, text, lang, targets, threshold, true),
                sentences: spans_of(a),
            }
        };
        ws.trim();
        WORKSPACE.with(|w| *w.borrow_mut() = Some(ws));
        scores
    }

    /// Sentence byte spans of `text`, identical to [`crate::text::tokenize::sentence_spans`]
    /// on the whole text, but read from the per-thread analysis that [`Self::document`] and
    /// [`Self::targets`] just made of the same text, so the pipeline does not tokenize the
    /// article a second time to find each mention's sentence.
    pub fn sentence_spans(&self, text: &str, lang: Lang) -> Vec<(usize, usize)> {
        spans_of(&self.analysed(text, lang))
    }

    /// Features of a whole text for the learned component, exactly as [`Self::document`]
    /// computes them (used by the training script so training and use cannot drift).
    pub fn doc_features(
        &self,
        text: &str,
        lang: Lang,
        names: Option<&mut HashMap<u64, String>>,
    ) -> Vec<learned::Feat> {
        let (a, total, _) = self.doc_rules(text, lang);
        learned::features_named(&a.p.toks, None, total, names)
    }

    /// Rules-only document score (before any learned re-scoring), for calibration.
    pub fn doc_rule_score(&self, text: &str, lang: Lang) -> f32 {
        scorer::squash(self.doc_rules(text, lang).1, ALPHA_DOC)
    }

    /// Sets the rules-only label thresholds for documents and targets (calibration).
    pub fn with_thresholds(mut self, doc: f32, target: f32) -> Self {
        self.threshold = doc;
        self.target_threshold = target;
        self
    }

    /// Rules-only signed target scores (before labelling), for calibration.
    pub fn target_rule_scores(
        &self,
        text: &str,
        lang: Lang,
        targets: &[(usize, usize)],
    ) -> Vec<f32> {
        // Threshold 0 keeps every non-zero score (labels are ignored here).
        self.targets_with(text, lang, targets, 0.0, false)
            .into_iter()
            .map(|p| p.score)
            .collect()
    }

    /// Installs a learned component (training script, experiments).
    pub fn with_learned(mut self, m: learned::LinearModel) -> Self {
        self.learned = Some(m);
        self
    }

    /// Tone of a whole text (document or sentence).
    pub fn document(&self, text: &str, lang: Lang) -> Polarity {
        self.document_of(&self.analysed(text, lang), text, lang)
    }

    fn document_of(&self, a: &Analysed, text: &str, lang: Lang) -> Polarity {
        let (total, cues) = doc_cues(a);
        let mut score = scorer::squash(total, ALPHA_DOC);
        if lang != Lang::Fr {
            if let Some(m) = &self.learned {
                if a.p.toks.len() <= learned::MAX_CONTEXT_TOKENS {
                    let feats = learned::features(&a.p.toks, None, total);
                    score = m.blend(score, m.score(&feats));
                }
            }
        }
        let threshold = self.threshold_for(lang, false);
        self.polarity(text, score, threshold, &cues)
    }

    /// Label threshold of target (mention, entity) scores in `lang`: a label is positive
    /// when its score is at least this, negative when at most minus this.
    pub fn target_threshold(&self, lang: Lang) -> f32 {
        self.threshold_for(lang, true)
    }

    /// Label threshold of document tone scores in `lang`.
    pub fn tone_threshold(&self, lang: Lang) -> f32 {
        self.threshold_for(lang, false)
    }

    fn threshold_for(&self, lang: Lang, target: bool) -> f32 {
        match (&self.learned, lang) {
            (Some(m), Lang::En | Lang::Other) => m.threshold,
            (_, Lang::Fr) if target => self.fr_target_threshold,
            _ if target => self.target_threshold,
            _ => self.threshold,
        }
    }

    /// Builds a polarity from a score and the (value, evidence range) of the cues.
    fn polarity(
        &self,
        text: &str,
        score: f32,
        threshold: f32,
        cues: &[(f32, (usize, usize))],
    ) -> Polarity {
        let label = label_for(score, threshold);
        let mut ranked: Vec<&(f32, (usize, usize))> = match label {
            Label::Positive => cues.iter().filter(|c| c.0 > 0.0).collect(),
            Label::Negative => cues.iter().filter(|c| c.0 < 0.0).collect(),
            Label::Neutral => cues.iter().collect(),
        };
        // A learned score can disagree with every cue: then show all cues.
        if ranked.is_empty() {
            ranked = cues.iter().collect();
        }
        ranked.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        let mut evidence: Vec<String> = Vec::new();
        for c in ranked {
            if let Some(t) = text.get(c.1 .0..c.1 .1) {
                let t = one_line(t);
                if !t.is_empty() && !evidence.contains(&t) {
                    evidence.push(t);
                }
            }
            if evidence.len() >= MAX_EVIDENCE {
                break;
            }
        }
        // Never a non-neutral label without evidence.
        let label = if evidence.is_empty() {
            Label::Neutral
        } else {
            label
        };
        Polarity {
            score: if label == Label::Neutral && evidence.is_empty() {
                0.0
            } else {
                score
            },
            label,
            evidence,
        }
    }

    /// Sentiment toward each target span (byte ranges in `text`), one result per target,
    /// same order. All targets of a text are passed at once so that "Tesla rises while
    /// Ford falls" can split.
    pub fn targets(&self, text: &str, lang: Lang, targets: &[(usize, usize)]) -> Vec<Polarity> {
        let threshold = self.threshold_for(lang, true);
        self.targets_with(text, lang, targets, threshold, true)
    }

    fn targets_with(
        &self,
        text: &str,
        lang: Lang,
        targets: &[(usize, usize)],
        threshold: f32,
        use_learned: bool,
    ) -> Vec<Polarity> {
        let a = self.analysed(text, lang);
        self.targets_of(&a, text, lang, targets, threshold, use_learned)
    }

    fn targets_of(
        &self,
        a: &Analysed,
        text: &str,
        lang: Lang,
        targets: &[(usize, usize)],
        threshold: f32,
        use_learned: bool,
    ) -> Vec<Polarity> {
        let p = &a.p;
        let mut out = vec![Polarity::neutral(); targets.len()];
        // Sentence of each target (binary search on sentence starts).
        let starts: Vec<usize> = p.sentences.iter().map(|&(s, _)| p.toks[s].start).collect();
        // (sentence, target) pairs, grouped by sentence with targets in input order.
        let mut by_sentence: Vec<(usize, usize)> = Vec::with_capacity(targets.len());
        for (ti, &(a, b)) in targets.iter().enumerate() {
            if b <= a {
                continue;
            }
            let idx = starts.partition_point(|&s| s <= a);
            let Some(si) = idx.checked_sub(1) else {
                continue;
            };
            let (_, e) = p.sentences[si];
            if a < p.toks[e - 1].end {
                by_sentence.push((si, ti));
            }
        }
        by_sentence.sort_by_key(|&(si, _)| si);
        let (topic, orphans) = orphan_cues(a, &by_sentence);
        for group in by_sentence.chunk_by(|x, y| x.0 == y.0) {
            let si = group[0].0;
            let (s, e) = p.sentences[si];
            let toks = &p.toks[s..e];
            let sent: &Sentence = &a.sents[si];
            // A "target" running past its sentence is not a name mention: it stays
            // neutral and does not mask the words it covers.
            let sent_end = toks.last().map_or(0, |t| t.end);
            let tis: Vec<usize> = group
                .iter()
                .map(|&(_, ti)| ti)
                .filter(|&ti| targets[ti].1 <= sent_end)
                .collect();
            // Token ranges of the targets within the sentence.
            let ranges: Vec<(usize, usize)> = tis
                .iter()
                .map(|&ti| {
                    let (a, b) = targets[ti];
                    let first = toks.partition_point(|t| t.end <= a);
                    let last = toks.partition_point(|t| t.start < b);
                    (first, last.max(first))
                })
                .collect();
            for (k, &ti) in tis.iter().enumerate() {
                let r = ranges[k];
                if r.1 <= r.0 {
                    continue;
                }
                let contribs = scorer::target_contributions(sent, toks, r, &ranges);
                let mut cues: Vec<(f32, (usize, usize))> = contribs
                    .iter()
                    .map(|&(v, ci)| (v, sent.cues[ci].ev))
                    .collect();
                // The lead's sentences that name nobody are about the title's subject.
                if si == topic && in_first_list(toks, &ranges, k) {
                    cues.extend(orphans.iter().copied());
                }
                let sum: f32 = cues.iter().map(|c| c.0).sum();
                let mut score = scorer::squash(sum, ALPHA_TARGET);
                if lang != Lang::Fr && use_learned {
                    if let Some(m) = &self.learned {
                        let feats = learned::features(toks, Some((r, &ranges, sent)), sum);
                        score = m.blend(score, m.score(&feats));
                    }
                }
                out[ti] = self.polarity(text, score, threshold, &cues);
            }
        }
        out
    }
}

/// Whether the token's text starts with an uppercase letter.
fn capitalised(text: &str, t: &LexToken) -> bool {
    t.kind == TokenKind::Word
        && text
            .get(t.start..t.end)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
}

/// Removes the cues that are part of a name (`Leader Price`, `Suisse Secrets`, `Best
/// Buy`): a capitalised cue word inside the sentence next to another capitalised word.
/// (Dropping every capitalised cue word inside a sentence, `au Mali`, was tried: no gain on
/// lemonde-companies, one review less on books-fr.)
/// Sentences written in Title Case (English headlines) are left alone, where every word
/// is capitalised.
fn drop_name_cues(text: &str, toks: &[LexToken], sent: &mut Sentence) {
    let first_word = toks.iter().position(|t| t.kind == TokenKind::Word);
    let in_name = |k: usize| {
        let Some(t) = toks.get(k) else { return false };
        if Some(k) == first_word || !capitalised(text, t) {
            return false;
        }
        // After an opening quote or a colon, a capital starts a new phrase.
        let prev = k.checked_sub(1).and_then(|p| toks.get(p));
        if prev.is_some_and(|p| p.kind == TokenKind::Punct) {
            return toks.get(k + 1).is_some_and(|n| capitalised(text, n));
        }
        prev.is_some_and(|p| capitalised(text, p))
            || toks.get(k + 1).is_some_and(|n| capitalised(text, n))
    };
    if !sent.cues.iter().any(|c| in_name(c.head)) {
        return;
    }
    let words = toks.iter().filter(|t| t.kind == TokenKind::Word).count();
    let caps = toks.iter().filter(|t| capitalised(text, t)).count();
    if 2 * caps > words {
        return;
    }
    sent.cues.retain(|c| c.role.is_some() || !in_name(c.head));
}

/// How much a lead sentence that names no target tells about the title's subject.
const ORPHAN_WEIGHT: f32 = 0.5;
/// How many sentences after the title count as its lead.
const LEAD_SENTENCES: usize = 4;

/// The sentence whose first targets are the subject of a news item (the first sentence,
/// when it has targets), and the cues that the lead's sentences naming no target (up to
/// [`LEAD_SENTENCES`] after the first) give them, weighted by [`ORPHAN_WEIGHT`]: in
/// news, a title names the company and the lead goes on about it without naming it
/// (`Placé en redressement judiciaire, le dernier fabricant…`). (Giving an untargeted
/// title to the company the lead introduces was tried: it made lemonde-companies worse,
/// 0.586 → 0.552.)
fn orphan_cues(a: &Analysed, by_sentence: &[(usize, usize)]) -> (usize, Vec<CueRef>) {
    let Some(&(topic, _)) = by_sentence.first().filter(|&&(si, _)| si == 0) else {
        return (usize::MAX, Vec::new());
    };
    let weights = scorer::sentence_weights(&a.p.toks, &a.p.sentences);
    let mut out = Vec::new();
    let sentences = a.sents.iter().zip(&weights).enumerate();
    for (si, (sent, w)) in sentences.take(1 + LEAD_SENTENCES) {
        if si == topic || by_sentence.iter().any(|&(s, _)| s == si) {
            continue;
        }
        for c in &sent.cues {
            let v = c.value() * w * ORPHAN_WEIGHT;
            if v != 0.0 {
                out.push((v, c.ev));
            }
        }
    }
    (topic, out)
}

/// Whether target `k` (token ranges of a sentence's targets, in input order) belongs to
/// the sentence's first list of targets (`Netflix, Disney, Amazon : …`).
fn in_first_list(toks: &[LexToken], ranges: &[(usize, usize)], k: usize) -> bool {
    let Some(first) = ranges.iter().min_by_key(|r| r.0) else {
        return false;
    };
    let (ga, gb) = scorer::list_of(toks, *first, ranges);
    let r = ranges[k];
    ga <= r.0 && r.1 <= gb
}

/// `t` with its runs of whitespace replaced by one space and trimmed (an evidence cell
/// is one line), in a single allocation.
fn one_line(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for w in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Total cue value of an analysed text (sentences weighted) and each cue's (value,
/// evidence range).
fn doc_cues(a: &Analysed) -> (f32, Vec<CueRef>) {
    let weights = scorer::sentence_weights(&a.p.toks, &a.p.sentences);
    let mut total = 0.0f32;
    let mut cues: Vec<CueRef> = Vec::new();
    for (sent, w) in a.sents.iter().zip(weights) {
        for c in &sent.cues {
            let v = c.value() * w;
            total += v;
            cues.push((v, c.ev));
        }
    }
    (total, cues)
}

/// Sentence byte spans of an analysed text.
fn spans_of(a: &Analysed) -> Vec<(usize, usize)> {
    let toks = &a.p.toks;
    a.p.sentences
        .iter()
        .filter_map(|&(s, e)| Some((toks.get(s)?.start, toks.get(e.checked_sub(1)?)?.end)))
        .collect()
}

/// Article-level sentiment toward an entity from its mention polarities: the mean of the
/// non-neutral mentions (neutral mentions carry no opinion, so they must not dilute a
/// clear one), with evidence merged and de-duplicated; mixed opinions cancel out toward
/// neutral. The label is the score against `threshold` ([`label_for`]), the rule of every
/// label: use [`SentimentModel::target_threshold`] of the text's language.
pub fn combine(mentions: &[Polarity], threshold: f32) -> Polarity {
    let c = combine_refs(mentions.iter(), threshold);
    Polarity {
        score: c.score,
        label: c.label,
        evidence: c.evidence.into_iter().map(str::to_string).collect(),
    }
}

/// [`combine`] with evidence borrowed from the mentions: the pipeline writes it straight
/// into its output cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Combined<'a> {
    pub score: f32,
    pub label: Label,
    pub evidence: Vec<&'a str>,
}

/// [`combine`] over any sequence of mention polarities (the pipeline's mentions of an
/// entity are not contiguous), without copying the evidence.
pub fn combine_refs<'a, I>(mentions: I, threshold: f32) -> Combined<'a>
where
    I: Iterator<Item = &'a Polarity> + Clone,
{
    let opinions = || mentions.clone().filter(|p| p.label != Label::Neutral);
    let n_opinions = opinions().count();
    // Evidence of the mentions `keep` selects, in order, de-duplicated and capped.
    let evidence_of = |keep: &dyn Fn(&Polarity) -> bool| {
        let mut ev: Vec<&'a str> = Vec::new();
        for p in mentions.clone().filter(|p| keep(p)) {
            for e in &p.evidence {
                if !ev.contains(&e.as_str()) && ev.len() < 2 * MAX_EVIDENCE {
                    ev.push(e);
                }
            }
        }
        ev
    };
    if n_opinions == 0 {
        let n = mentions.clone().count();
        let score = if n == 0 {
            0.0
        } else {
            mentions.clone().map(|p| p.score).sum::<f32>() / n as f32
        };
        let evidence = evidence_of(&|_| true);
        return Combined {
            score: if evidence.is_empty() { 0.0 } else { score },
            label: Label::Neutral,
            evidence,
        };
    }
    let score = (opinions().map(|p| p.score).sum::<f32>() / n_opinions as f32).clamp(-1.0, 1.0);
    // The same rule as every label: the score against the threshold.
    let label = label_for(score, threshold);
    // The evidence of the opinions; only those that agree with the final label when
    // there is one.
    let evidence = evidence_of(&|p| {
        p.label != Label::Neutral && (label == Label::Neutral || p.label == label)
    });
    Combined {
        score,
        label,
        evidence,
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_en;
#[cfg(test)]
mod tests_fr;
