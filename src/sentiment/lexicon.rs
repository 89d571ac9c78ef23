//! Sentiment lexicons and modifier lists: loading the TSV files and matching them against
//! tokenized text.
//!
//! Matching order for a word: exact lowercase form → Snowball stem (so `plunged` matches
//! the entry `plunge`) → prefix entries (`licenci*`). Multi-word entries (`plan social`,
//! `profit warning`) are tried first, longest wins. Finance files override base files
//! because they are loaded last into the same maps.

use std::collections::HashMap;
use std::path::Path;

use rust_stemmers::{Algorithm, Stemmer};

use super::SentimentError;
use crate::text::lang::Lang;
use crate::text::tokenize::{tokenize, TokenKind};

/// What a modifier word does to nearby sentiment cues.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ModKind {
    /// Flips (and softens) the cues in its scope: `not`, `ne … pas`, `sans`.
    Negator,
    /// Strengthens the next cue by `value` (0.3 = +30 %).
    Intensifier,
    /// Weakens the next cue by `value` (−0.3 = −30 %).
    Dampener,
    /// `but`, `mais`: the clause after it weighs more than the one before.
    Contrast,
    /// `could`, `pourrait`: the cues after it are multiplied by `value`.
    Modal,
    /// `while`, `tandis que`: separates clauses that can talk about different targets.
    Clause,
}

/// A modifier entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modifier {
    /// What it does.
    pub kind: ModKind,
    /// Its strength (meaning depends on the kind).
    pub value: f32,
}

/// A token prepared for lexicon look-up: lowercase form (with `’` folded to `'`) and
/// Snowball stem, computed once per token.
#[derive(Debug, Clone)]
pub struct LexToken {
    /// Byte offset of the token in the text.
    pub start: usize,
    /// Byte offset one past the token.
    pub end: usize,
    /// Token category.
    pub kind: TokenKind,
    /// Lowercase form.
    pub lower: String,
    /// Snowball stem of the lowercase form (same as `lower` for non-words).
    pub stem: String,
}

/// A multi-word entry, stored under its first word.
#[derive(Debug, Clone)]
struct Phrase<T> {
    /// Lowercase words after the first one.
    rest: Vec<String>,
    /// Their stems (so inflected forms of the last words also match).
    rest_stems: Vec<String>,
    /// Whether the last word is a prefix (`*`).
    prefix_last: bool,
    value: T,
}

/// Term → value tables for one language, with exact, stem, prefix and phrase look-up.
#[derive(Debug, Clone)]
struct Table<T: Copy> {
    exact: HashMap<String, T>,
    stems: HashMap<String, T>,
    prefixes: HashMap<String, T>,
    /// Distinct prefix lengths in chars, longest first.
    prefix_lens: Vec<usize>,
    phrases: HashMap<String, Vec<Phrase<T>>>,
}

impl<T: Copy> Default for Table<T> {
    fn default() -> Self {
        Table {
            exact: HashMap::new(),
            stems: HashMap::new(),
            prefixes: HashMap::new(),
            prefix_lens: Vec::new(),
            phrases: HashMap::new(),
        }
    }
}

impl<T: Copy> Table<T> {
    fn insert(&mut self, stemmer: &Stemmer, term: &str, value: T) {
        let term = term.trim();
        let (body, is_prefix) = match term.strip_suffix('*') {
            Some(b) => (b.trim_end(), true),
            None => (term, false),
        };
        let words = term_words(body);
        match words.len() {
            0 => {}
            1 => {
                let w = &words[0];
                if is_prefix {
                    self.prefixes.insert(w.clone(), value);
                    let n = w.chars().count();
                    if !self.prefix_lens.contains(&n) {
                        self.prefix_lens.push(n);
                        self.prefix_lens.sort_unstable_by(|a, b| b.cmp(a));
                    }
                } else {
                    self.stems.insert(stemmer.stem(w).into_owned(), value);
                    self.exact.insert(w.clone(), value);
                }
            }
            _ => {
                let rest: Vec<String> = words[1..].to_vec();
                let rest_stems = rest.iter().map(|w| stemmer.stem(w).into_owned()).collect();
                let list = self.phrases.entry(words[0].clone()).or_default();
                // A later file overrides an identical phrase.
                list.retain(|p| p.rest != rest);
                list.push(Phrase {
                    rest,
                    rest_stems,
                    prefix_last: is_prefix,
                    value,
                });
                list.sort_by(|a, b| b.rest.len().cmp(&a.rest.len()));
            }
        }
    }

    /// Longest match starting at token `i`: (number of tokens, value).
    fn match_at(&self, toks: &[LexToken], i: usize) -> Option<(usize, T)> {
        let t = toks.get(i)?;
        if t.kind != TokenKind::Word && t.kind != TokenKind::Punct {
            return None;
        }
        if let Some(list) = self.phrases.get(&t.lower) {
            for p in list {
                let ok = p.rest.iter().enumerate().all(|(k, w)| {
                    toks.get(i + 1 + k).is_some_and(|u| {
                        let last = k + 1 == p.rest.len();
                        u.lower == *w
                            || (!last || !p.prefix_last) && u.stem == p.rest_stems[k]
                            || (last && p.prefix_last && u.lower.starts_with(w.as_str()))
                    })
                });
                if ok {
                    return Some((1 + p.rest.len(), p.value));
                }
            }
        }
        if t.kind != TokenKind::Word {
            return None;
        }
        if let Some(v) = self.exact.get(&t.lower) {
            return Some((1, *v));
        }
        if let Some(v) = self.stems.get(&t.stem) {
            return Some((1, *v));
        }
        if !self.prefix_lens.is_empty() {
            let nchars = t.lower.chars().count();
            for &n in &self.prefix_lens {
                if n > nchars {
                    continue;
                }
                let end = t.lower.char_indices().nth(n).map_or(t.lower.len(), |(b, _)| b);
                if let Some(v) = t.lower.get(..end).and_then(|p| self.prefixes.get(p)) {
                    return Some((1, *v));
                }
            }
        }
        None
    }
}

/// Splits a lexicon term into lowercase words with the same tokenizer as the text, so
/// that `chiffre d'affaires` and `U.S.` are cut exactly like in articles.
fn term_words(term: &str) -> Vec<String> {
    let folded = fold(term);
    tokenize(&folded)
        .iter()
        .map(|t| t.text(&folded).to_string())
        .collect()
}

/// Lowercase with typographic apostrophes folded to `'`.
pub fn fold(s: &str) -> String {
    s.to_lowercase().replace('’', "'")
}

/// Lexicon and modifiers for one language.
pub struct Lexicon {
    lang: Lang,
    stemmer: Stemmer,
    terms: Table<f32>,
    mods: Table<Modifier>,
    /// Number of sentiment entries loaded (for diagnostics).
    pub n_terms: usize,
}

// `Stemmer` has no Debug impl, so `Lexicon` gets a summary one.
impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lexicon({:?}, {} terms)", self.lang, self.n_terms)
    }
}

/// Modifiers that are grammar rather than vocabulary; always present so that negation
/// works even with a partial modifier file (the file can add to or override them).
fn builtin_modifiers(lang: Lang) -> Vec<(&'static str, ModKind, f32)> {
    use ModKind::*;
    match lang {
        Lang::Fr => vec![
            ("ne", Negator, 0.0),
            ("n'", Negator, 0.0),
            ("pas", Negator, 0.0),
            ("jamais", Negator, 0.0),
            ("guère", Negator, 0.0),
            ("sans", Negator, 0.0),
            ("aucun", Negator, 0.0),
            ("aucune", Negator, 0.0),
            ("ni", Negator, 0.0),
            ("mais", Contrast, 0.0),
            ("pourtant", Contrast, 0.0),
            ("cependant", Contrast, 0.0),
            ("toutefois", Contrast, 0.0),
            ("néanmoins", Contrast, 0.0),
            ("tandis que", Clause, 0.0),
            ("alors que", Clause, 0.0),
            ("pourrait", Modal, 0.6),
            ("pourraient", Modal, 0.6),
            ("très", Intensifier, 0.3),
            ("fortement", Intensifier, 0.3),
            ("légèrement", Dampener, -0.4),
        ],
        _ => vec![
            ("not", Negator, 0.0),
            ("no", Negator, 0.0),
            ("never", Negator, 0.0),
            ("without", Negator, 0.0),
            ("nor", Negator, 0.0),
            ("cannot", Negator, 0.0),
            ("but", Contrast, 0.0),
            ("however", Contrast, 0.0),
            ("yet", Contrast, 0.0),
            ("while", Clause, 0.0),
            ("whereas", Clause, 0.0),
            ("could", Modal, 0.6),
            ("may", Modal, 0.6),
            ("might", Modal, 0.5),
            ("very", Intensifier, 0.3),
            ("sharply", Intensifier, 0.3),
            ("slightly", Dampener, -0.4),
        ],
    }
}

impl Lexicon {
    /// An empty lexicon with the built-in modifiers (used by tests and as a fallback).
    pub fn empty(lang: Lang) -> Self {
        let stemmer = Stemmer::create(match lang {
            Lang::Fr => Algorithm::French,
            _ => Algorithm::English,
        });
        let mut mods = Table::default();
        for (t, kind, value) in builtin_modifiers(lang) {
            mods.insert(&stemmer, t, Modifier { kind, value });
        }
        // Built-in modifiers match exactly; stems of grammar words would over-match
        // ("notes" → "note" is fine, but "nos" must not become "no").
        mods.stems.clear();
        Lexicon {
            lang,
            stemmer,
            terms: Table::default(),
            mods,
            n_terms: 0,
        }
    }

    /// Loads `<code>_base.tsv`, `<code>_finance.tsv` and `<code>_modifiers.tsv` from
    /// `dir` (missing files are skipped; a malformed line is an error naming file and line).
    pub fn load(dir: &Path, lang: Lang) -> Result<Self, SentimentError> {
        let mut lex = Lexicon::empty(lang);
        let code = if lang == Lang::Fr { "fr" } else { "en" };
        for name in ["base", "finance"] {
            let path = dir.join(format!("{code}_{name}.tsv"));
            if let Some(text) = read_optional(&path)? {
                lex.add_terms(&text, &path)?;
            }
        }
        let path = dir.join(format!("{code}_modifiers.tsv"));
        if let Some(text) = read_optional(&path)? {
            lex.add_modifiers(&text, &path)?;
        }
        Ok(lex)
    }

    /// Adds `term<TAB>score` lines (later entries override earlier ones).
    pub fn add_terms(&mut self, text: &str, path: &Path) -> Result<(), SentimentError> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let term = cols.next().unwrap_or("").trim();
            let score = cols.next().map(str::trim).and_then(|s| s.parse::<f32>().ok());
            match score {
                Some(s) if !term.is_empty() && s.is_finite() => {
                    self.terms.insert(&self.stemmer, term, s.clamp(-1.0, 1.0));
                    self.n_terms += 1;
                }
                _ => {
                    return Err(SentimentError::Format {
                        path: path.display().to_string(),
                        line: n + 1,
                        msg: "expected `term<TAB>score` with a number in [-1, 1]".into(),
                    })
                }
            }
        }
        Ok(())
    }

    /// Adds `term<TAB>kind<TAB>value` modifier lines.
    pub fn add_modifiers(&mut self, text: &str, path: &Path) -> Result<(), SentimentError> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let err = |msg: &str| SentimentError::Format {
                path: path.display().to_string(),
                line: n + 1,
                msg: msg.into(),
            };
            let term = cols.first().copied().unwrap_or("");
            let kind = match cols.get(1).copied().unwrap_or("") {
                "negator" => ModKind::Negator,
                "intensifier" => ModKind::Intensifier,
                "dampener" => ModKind::Dampener,
                "contrast" => ModKind::Contrast,
                "modal" => ModKind::Modal,
                "clause" => ModKind::Clause,
                _ => return Err(err("unknown modifier kind")),
            };
            let value = match cols.get(2).filter(|s| !s.is_empty()) {
                Some(v) => v
                    .parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| err("modifier value is not a number"))?,
                None => match kind {
                    ModKind::Modal => 0.6,
                    ModKind::Intensifier => 0.3,
                    ModKind::Dampener => -0.3,
                    _ => 0.0,
                },
            };
            if term.is_empty() {
                return Err(err("empty term"));
            }
            // Modifiers are matched exactly (not by stem): grammar words are short and
            // their stems collide with content words.
            let before = self.mods.stems.clone();
            self.mods
                .insert(&self.stemmer, term, Modifier { kind, value });
            self.mods.stems = before;
        }
        Ok(())
    }

    /// Adds one term programmatically (tests, overrides).
    pub fn add_term(&mut self, term: &str, score: f32) {
        self.terms.insert(&self.stemmer, term, score.clamp(-1.0, 1.0));
        self.n_terms += 1;
    }

    /// The lexicon's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Snowball stem of a lowercase word.
    pub fn stem<'a>(&self, lower: &'a str) -> std::borrow::Cow<'a, str> {
        self.stemmer.stem(lower)
    }

    /// Tokenizes `text` (or a byte range of it) and prepares the tokens for look-up.
    pub fn prepare(&self, text: &str) -> Vec<LexToken> {
        tokenize(text)
            .into_iter()
            .map(|t| {
                let raw = t.text(text);
                let lower = fold(raw);
                let stem = if t.kind == TokenKind::Word && lower.chars().count() > 2 {
                    self.stemmer.stem(&lower).into_owned()
                } else {
                    lower.clone()
                };
                LexToken {
                    start: t.start,
                    end: t.end,
                    kind: t.kind,
                    lower,
                    stem,
                }
            })
            .collect()
    }

    /// Sentiment entry starting at token `i`: (tokens covered, score).
    pub fn term_at(&self, toks: &[LexToken], i: usize) -> Option<(usize, f32)> {
        self.terms.match_at(toks, i)
    }

    /// Modifier starting at token `i`: (tokens covered, modifier). English `n't`
    /// contractions are negators too.
    pub fn modifier_at(&self, toks: &[LexToken], i: usize) -> Option<(usize, Modifier)> {
        if let Some(m) = self.mods.match_at(toks, i) {
            return Some(m);
        }
        let t = toks.get(i)?;
        if t.kind == TokenKind::Word && t.lower.ends_with("n't") {
            return Some((
                1,
                Modifier {
                    kind: ModKind::Negator,
                    value: 0.0,
                },
            ));
        }
        None
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, SentimentError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SentimentError::Io {
            path: path.display().to_string(),
            source: e,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_en() -> Lexicon {
        let mut l = Lexicon::empty(Lang::En);
        l.add_terms(
            "# test\nplunge\t-0.7\nprofit warning\t-0.6\nprofit\t0.3\nbankrupt*\t-0.8\n",
            Path::new("t.tsv"),
        )
        .unwrap();
        l
    }

    #[test]
    fn stems_match_inflected_forms_and_phrases_win() {
        let l = lex_en();
        let toks = l.prepare("Shares plunged after a profit warning; the bankruptcy looms");
        let hits: Vec<(usize, usize, f32)> = (0..toks.len())
            .filter_map(|i| l.term_at(&toks, i).map(|(n, s)| (i, n, s)))
            .collect();
        assert_eq!(hits[0], (1, 1, -0.7));
        assert_eq!(hits[1], (4, 2, -0.6));
        assert!(hits.iter().any(|&(i, _, s)| toks[i].lower == "bankruptcy" && s == -0.8));
    }

    #[test]
    fn french_prefix_and_elision() {
        let mut l = Lexicon::empty(Lang::Fr);
        l.add_terms("licenci*\t-0.6\nplan social\t-0.6\nchiffre d'affaires\t0\n", Path::new("f"))
            .unwrap();
        let toks = l.prepare("L’usine annonce des licenciements et un plan social");
        let hits: Vec<f32> = (0..toks.len())
            .filter_map(|i| l.term_at(&toks, i).map(|(_, s)| s))
            .collect();
        assert_eq!(hits, vec![-0.6, -0.6]);
        let toks = l.prepare("il n’a pas");
        assert_eq!(l.modifier_at(&toks, 1).map(|m| m.1.kind), Some(ModKind::Negator));
    }

    #[test]
    fn malformed_lines_are_reported_with_line_number() {
        let mut l = Lexicon::empty(Lang::En);
        let e = l.add_terms("good\t0.5\nbad\tnope\n", Path::new("x.tsv")).unwrap_err();
        assert!(e.to_string().contains("x.tsv:2"), "{e}");
        let e = l
            .add_modifiers("not\tflipper\n", Path::new("m.tsv"))
            .unwrap_err();
        assert!(e.to_string().contains("m.tsv:1"));
        let toks = l.prepare("It didn't");
        assert_eq!(l.modifier_at(&toks, 1).map(|m| m.1.kind), Some(ModKind::Negator));
    }
}
