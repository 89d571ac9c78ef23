//! Grammar tables of one language: finance verbs with their subject/object roles, quantity
//! nouns, direction words and the per-word class bits the analysis reads.

use std::sync::OnceLock;

use super::*;
use crate::sentiment::lexicon::FastMap;

/// Sentiment of a finance verb for its subject and its object (`X beats Y`: X +, Y −).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Role {
    /// Score toward the (active) subject.
    pub subj: f32,
    /// Score toward the object (or passive subject).
    pub obj: f32,
    /// The phrase also separates clauses (`au détriment de`, `at the expense of`), so the
    /// targets on each side get their own side's score.
    pub split: bool,
    /// A purchase: its object is a company bought (`buy Acme`), not an instrument
    /// (`buy Acme bonds`).
    pub purchase: bool,
}

/// A multi-word role expression (`au détriment de`) and its role.
pub(super) type RolePhrase = (&'static [&'static str], Role);

/// Role verbs, matched on the Snowball stem (EN) or stem/prefix (FR). Grammar-like and
/// small, so it lives in code rather than in the lexicon files.
pub(super) fn role_table(lang: Lang) -> (Vec<(&'static str, Role)>, Vec<RolePhrase>) {
    let r = |subj, obj| Role {
        subj,
        obj,
        split: false,
        purchase: false,
    };
    let split = |subj, obj| Role {
        subj,
        obj,
        split: true,
        purchase: false,
    };
    let purchase = |subj, obj| Role {
        subj,
        obj,
        split: false,
        purchase: true,
    };
    match lang {
        Lang::Fr => (
            vec![
                ("bat", r(0.5, -0.4)),
                ("battu", r(0.5, -0.4)),
                ("dépass", r(0.4, -0.3)),
                ("devanc", r(0.5, -0.4)),
                ("détrôn", r(0.5, -0.5)),
                ("dégrad", r(0.0, -0.6)),
                ("abaiss", r(0.0, -0.5)),
                ("assign", r(-0.1, -0.5)),
                ("condamn", r(0.0, -0.6)),
                ("sanction", r(0.0, -0.6)),
                // Buying is an announced action: a fact for both sides.
                ("rachet", r(0.1, 0.1)),
                ("rachèt", r(0.1, 0.1)),
                ("acquiert", r(0.1, 0.1)),
                ("remport", r(0.5, 0.0)),
                ("pénalis", r(0.0, -0.5)),
                // Blame and praise: the one who denounces or salutes says nothing about
                // itself; its object is hit or helped.
                ("dénonc", r(0.0, -0.5)),
                ("critiqu", r(0.0, -0.45)),
                ("déplor", r(0.0, -0.45)),
                ("épingl", r(0.0, -0.5)),
                ("fustig", r(0.0, -0.5)),
                ("reproch", r(0.0, -0.45)),
                ("interdi", r(0.0, -0.5)),
                ("boycott", r(0.0, -0.5)),
                ("salue", r(0.0, 0.4)),
                ("salué", r(0.0, 0.4)),
                ("récompens", r(0.0, 0.4)),
                ("suspend", r(0.0, -0.5)),
            ],
            vec![
                (&["au", "détriment", "de"], split(0.4, -0.5)),
                (&["au", "détriment", "d'"], split(0.4, -0.5)),
                (&["aux", "dépens", "de"], split(0.4, -0.5)),
                (&["aux", "dépens", "d'"], split(0.4, -0.5)),
                // The authority that sanctions is neutral, its object is hit.
                (&["sanctions", "contre"], r(0.0, -0.6)),
                (&["sanction", "contre"], r(0.0, -0.6)),
                (&["amende", "contre"], r(0.0, -0.6)),
            ],
        ),
        _ => (
            vec![
                ("beat", r(0.5, -0.4)),
                ("outperform", r(0.5, -0.3)),
                ("overtak", r(0.5, -0.4)),
                ("overtook", r(0.5, -0.4)),
                ("surpass", r(0.5, -0.3)),
                ("outpac", r(0.5, -0.3)),
                ("outsel", r(0.5, -0.4)),
                ("downgrad", r(0.0, -0.6)),
                ("upgrad", r(0.0, 0.6)),
                ("sue", r(-0.1, -0.5)),
                ("su", r(-0.1, -0.5)),
                ("fine", r(0.0, -0.6)),
                ("fin", r(0.0, -0.6)),
                ("penal", r(0.0, -0.5)),
                ("sanction", r(0.0, -0.5)),
                // The target of a takeover gets a premium: good news for the bought.
                ("acquir", purchase(0.1, 0.3)),
                ("buy", purchase(0.1, 0.3)),
                ("bought", purchase(0.1, 0.3)),
                ("win", r(0.5, 0.0)),
                ("won", r(0.5, 0.0)),
            ],
            vec![
                (&["at", "the", "expense", "of"], split(0.4, -0.5)),
                // "Regulator slaps a penalty on Acme": the authority is neutral, its
                // object is hit.
                (&["penalty", "on"], r(0.0, -0.6)),
                (&["penalties", "on"], r(0.0, -0.6)),
                (&["fine", "on"], r(0.0, -0.6)),
                (&["fines", "on"], r(0.0, -0.6)),
                (&["sanctions", "on"], r(0.0, -0.6)),
                (&["ban", "on"], r(0.0, -0.6)),
                (&["curbs", "on"], r(0.0, -0.5)),
                (&["bid", "for"], purchase(0.1, 0.3)),
                (&["bids", "for"], purchase(0.1, 0.3)),
                (&["offer", "for"], purchase(0.1, 0.3)),
                (&["acquisition", "of"], purchase(0.1, 0.3)),
                (&["takeover", "of"], purchase(0.1, 0.3)),
                (&["restrictions", "on"], r(0.0, -0.5)),
            ],
        ),
    }
}

/// Compiled grammar tables for one language: role verbs, quantity nouns and direction
/// words, all in hash maps so that each token costs a few look-ups.
#[derive(Debug, Clone)]
pub struct Roles {
    pub(super) by_stem: FastMap<&'static str, Role>,
    pub(super) phrases: Vec<RolePhrase>,
    pub(super) quantities: FastMap<&'static str, f32>,
    /// English: exact stems/forms; French: prefixes (Snowball French stems are too
    /// irregular for verb forms).
    pub(super) directions: FastMap<&'static str, f32>,
    /// First three bytes of the French role prefixes: a cheap gate before the prefix
    /// look-ups.
    pub(super) role_heads: FastMap<[u8; 3], ()>,
    /// Pre-filters of `by_stem` (exact), `quantities` and `directions` (exact for English,
    /// prefixes for French).
    pub(super) role_gate: Gate,
    pub(super) quantity_gate: Gate,
    pub(super) direction_gate: Gate,
    pub(super) lang: Lang,
}

/// A cheap exact pre-filter for a small set of keys: which (first byte, byte length) and
/// (last byte, byte length) pairs occur among them. Most words fail it with a few loads,
/// before any hashing.
#[derive(Debug, Clone)]
pub(super) struct Gate {
    /// Bit `min(len, 31)` of entry `first byte` is set for every key.
    pub(super) first: Box<[u32; 256]>,
    /// Bit `min(len, 31)` of entry `last byte` is set for every key (all bits for
    /// prefix gates, whose keys may be followed by anything).
    pub(super) last: Box<[u32; 256]>,
}

impl Gate {
    pub(super) fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let (mut first, mut last) = (Box::new([0u32; 256]), Box::new([0u32; 256]));
        for k in keys {
            let b = k.as_bytes();
            if let (Some(&f), Some(&l)) = (b.first(), b.last()) {
                first[usize::from(f)] |= 1 << b.len().min(31);
                last[usize::from(l)] |= 1 << b.len().min(31);
            }
        }
        Gate { first, last }
    }
    /// Keys of any length starting with their first byte (prefix tables).
    pub(super) fn new_prefix<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut first = Box::new([0u32; 256]);
        for k in keys {
            if let Some(&b) = k.as_bytes().first() {
                first[usize::from(b)] = u32::MAX;
            }
        }
        Gate {
            first,
            last: Box::new([u32::MAX; 256]),
        }
    }
    /// False only if `w` is certainly not a key (prefix gates: starts no key).
    #[inline]
    pub(super) fn may(&self, w: &str) -> bool {
        let b = w.as_bytes();
        match (b.first(), b.last()) {
            (Some(&f), Some(&l)) => {
                let bit = 1 << b.len().min(31);
                self.first[usize::from(f)] & bit != 0 && self.last[usize::from(l)] & bit != 0
            }
            _ => true,
        }
    }
}

/// The longest prefix of `w` (`min` to 9 bytes, on a char boundary) that is a key of
/// `map`.
pub(super) fn prefix_get<V: Copy>(
    map: &FastMap<&'static str, V>,
    w: &str,
    min: usize,
) -> Option<V> {
    (min..=9)
        .rev()
        .filter(|&n| n <= w.len() && w.is_char_boundary(n))
        .find_map(|n| w.get(..n).and_then(|p| map.get(p)).copied())
}

impl Roles {
    /// Builds the tables for `lang`.
    pub fn new(lang: Lang) -> Self {
        let (words, phrases) = role_table(lang);
        let (good, bad) = quantity_words(lang);
        let (up, down) = direction_words(lang);
        let mut quantities = FastMap::default();
        quantities.extend(good.iter().map(|w| (*w, 1.0)));
        quantities.extend(bad.iter().map(|w| (*w, -1.0)));
        let mut directions = FastMap::default();
        directions.extend(up.iter().map(|w| (*w, 1.0)));
        directions.extend(down.iter().map(|w| (*w, -1.0)));
        let role_heads = words
            .iter()
            .filter_map(|(w, _)| w.as_bytes().get(..3).map(|b| ([b[0], b[1], b[2]], ())))
            .collect();
        let role_gate = Gate::new(words.iter().map(|(w, _)| *w));
        let quantity_gate = Gate::new(quantities.keys().copied());
        let direction_gate = match lang {
            Lang::Fr => Gate::new_prefix(directions.keys().copied()),
            _ => Gate::new(directions.keys().copied()),
        };
        Roles {
            role_heads,
            role_gate,
            quantity_gate,
            direction_gate,
            by_stem: words.into_iter().collect(),
            phrases,
            quantities,
            directions,
            lang,
        }
    }

    /// The tables of `lang`, built once per process (they depend on the language
    /// only): [`Lexicon::prepare_tokens`] classifies each new word with them.
    pub fn shared(lang: Lang) -> &'static Roles {
        static EN: OnceLock<Roles> = OnceLock::new();
        static FR: OnceLock<Roles> = OnceLock::new();
        match lang {
            Lang::Fr => FR.get_or_init(|| Roles::new(Lang::Fr)),
            _ => EN.get_or_init(|| Roles::new(Lang::En)),
        }
    }

    /// Everything the rules test about one word on its own (its neighbours are looked
    /// at by the rules themselves).
    pub fn classify(&self, kind: TokenKind, lower: &str, stem: &str) -> WordClass {
        let word = kind == TokenKind::Word;
        let punct = kind == TokenKind::Punct;
        let mut flags = 0;
        let mut set = |flag: u8, on: bool| {
            if on {
                flags |= flag;
            }
        };
        set(
            CLAUSE_PUNCT,
            punct && matches!(lower, ";" | ":" | "." | "!" | "?" | "…"),
        );
        set(
            SEGMENT_PUNCT,
            punct
                && matches!(
                    lower,
                    "," | "(" | ")" | "–" | "—" | "-" | "--" | "\"" | "«" | "»" | "“" | "”"
                ),
        );
        set(
            BASELINE_MARKER,
            matches!(
                lower,
                "from"
                    | "compared"
                    | "versus"
                    | "vs"
                    | "vs."
                    | "against"
                    | "contre"
                    | "comparé"
                    | "comparés"
            ),
        );
        set(
            ROLE_PHRASE_HEAD,
            word && self
                .phrases
                .iter()
                .any(|(words, _)| words.first() == Some(&lower)),
        );
        set(
            FINE,
            word && self.lang != Lang::Fr && (stem == "fine" || stem == "fin"),
        );
        set(CALL, word && call_value(self.lang, lower).is_some());
        set(
            BARE_MOVE,
            word && self.lang != Lang::Fr && matches!(lower, "up" | "down"),
        );
        set(MARKER_HEAD, starts_a_marker(lower));
        WordClass {
            lang: Some(self.lang),
            quantity: if word { self.quantity_of(lower) } else { None },
            direction: if word {
                self.direction_of(lower, stem)
            } else {
                None
            },
            role: if word {
                self.role_of(lower, stem)
            } else {
                None
            },
            flags,
        }
    }

    /// The class of a prepared token (recomputed if it was prepared for another language).
    #[inline]
    pub(super) fn class(&self, t: &LexToken) -> WordClass {
        let c = t.hot.class;
        if c.lang == Some(self.lang) {
            c
        } else {
            self.classify(t.kind, t.lower(), t.stem())
        }
    }

    /// +1 for a good quantity (profit), −1 for a bad one (loss).
    pub(super) fn quantity(&self, t: &LexToken) -> Option<f32> {
        self.class(t).quantity
    }

    pub(super) fn quantity_of(&self, lower: &str) -> Option<f32> {
        if !self.quantity_gate.may(lower) {
            return None;
        }
        self.quantities.get(lower).copied()
    }

    /// +1 for "up" words, −1 for "down" words.
    pub(super) fn direction(&self, t: &LexToken) -> Option<f32> {
        self.class(t).direction
    }

    pub(super) fn direction_of(&self, lower: &str, stem: &str) -> Option<f32> {
        let gate = &self.direction_gate;
        match self.lang {
            Lang::Fr if !gate.may(lower) => None,
            Lang::Fr => prefix_get(&self.directions, lower, 3),
            _ => gate
                .may(stem)
                .then(|| self.directions.get(stem))
                .flatten()
                .or_else(|| gate.may(lower).then(|| self.directions.get(lower))?)
                .copied(),
        }
    }

    /// Role of a word on its own (before the phrase and "fine" checks of [`Self::at`]).
    pub(super) fn role_of(&self, lower: &str, stem: &str) -> Option<Role> {
        if self.lang == Lang::Fr {
            // Short role stems ("bat") must match exactly, longer ones as prefixes.
            let head = lower.as_bytes().get(..3).map(|b| [b[0], b[1], b[2]]);
            if !head.is_some_and(|h| self.role_heads.contains_key(&h)) {
                return None;
            }
            return self
                .by_stem
                .get(stem)
                .copied()
                .or_else(|| prefix_get(&self.by_stem, lower, 5));
        }
        if !self.role_gate.may(stem) {
            return None;
        }
        self.by_stem.get(stem).copied()
    }

    pub(super) fn at(&self, toks: &[LexToken], i: usize) -> Option<(usize, Role)> {
        let t = toks.get(i)?;
        if t.kind != TokenKind::Word {
            return None;
        }
        let c = self.class(t);
        if c.flags & ROLE_PHRASE_HEAD != 0 {
            // The heads ("au", "at") are common words: compare the second word's first
            // byte before any string.
            let next = toks.get(i + 1).and_then(|u| u.hot.first_lower);
            for (words, role) in &self.phrases {
                if words
                    .get(1)
                    .is_some_and(|w| w.as_bytes().first().copied() != next)
                {
                    continue;
                }
                if words
                    .iter()
                    .enumerate()
                    .all(|(k, w)| toks.get(i + k).is_some_and(|u| u.lower() == *w))
                {
                    return Some((words.len(), *role));
                }
            }
        }
        let r = c.role?;
        if c.flags & FINE != 0 {
            // "fine" as an adjective ("fine margins") is not a fine: only the verb/noun
            // forms that end in -d/-s or follow "a"/"to" are kept.
            let prev = i.checked_sub(1).and_then(|p| toks.get(p));
            let ok = t.lower().ends_with('d')
                || t.lower().ends_with('s')
                || prev.is_some_and(|p| p.lower() == "to" || p.lower() == "a");
            if !ok {
                return None;
            }
        }
        Some((1, r))
    }
}

/// What the grammar rules need to know about one word on its own, computed once per
/// distinct word when tokens are prepared, so that [`analyze`] reads bits and small
/// values instead of comparing strings and hashing for every token.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WordClass {
    /// Language of the tables that computed it.
    pub(super) lang: Option<Lang>,
    /// See [`Roles::quantity`].
    pub(super) quantity: Option<f32>,
    /// See [`Roles::direction`].
    pub(super) direction: Option<f32>,
    /// Role verb on its own (see [`Roles::at`]).
    pub(super) role: Option<Role>,
    /// `CLAUSE_PUNCT` | `SEGMENT_PUNCT` | …
    pub(super) flags: u8,
}

impl WordClass {
    /// No grammar flag (so not a boundary, call or `up`/`down` either) and no role of its
    /// own (see [`crate::sentiment::lexicon::HotWord::plain`]).
    pub(crate) fn is_plain(&self) -> bool {
        self.flags & !MARKER_HEAD == 0 && self.role.is_none()
    }
}

/// Clause boundary punctuation (see [`is_clause_punct`]).
pub(super) const CLAUSE_PUNCT: u8 = 1;
/// Segment boundary punctuation (see [`is_segment_punct`]).
pub(super) const SEGMENT_PUNCT: u8 = 2;
/// Introduces the baseline of a comparison (see [`is_baseline_marker`]).
pub(super) const BASELINE_MARKER: u8 = 4;
/// First word of a multi-word role expression.
pub(super) const ROLE_PHRASE_HEAD: u8 = 8;
/// English "fine"/"fin" stem: a role only in some contexts.
pub(super) const FINE: u8 = 16;
/// An analyst's call (`buy`, `sell`, `avoid`; `acheter`, `vendre`): see [`call_at`].
pub(super) const CALL: u8 = 32;
/// English `up`/`down`, a cue when a figure or a move follows ("up 3%", "shares down").
pub(super) const BARE_MOVE: u8 = 64;
/// First word of a conclusion marker (see [`starts_a_marker`]). Not a reason to stop on
/// the word in the main pass: [`WordClass::is_plain`] ignores it.
pub(super) const MARKER_HEAD: u8 = 128;
