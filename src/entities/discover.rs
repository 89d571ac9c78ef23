//! Context rules on the original text: names next to cue words, sentence and case
//! context, and the discovery of companies and persons missing from the gazetteer.
//!
//! Everything here works on byte offsets of the original text and only ever slices
//! at character boundaries (positions come from `char_indices` or from the fold map,
//! and slicing goes through `str::get`), so no input can make it panic.

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

use super::fold::{fold_word, with_folded_word};
use super::lexicon::{
    COMMON_WORDS, COMPANY_NOUNS, EVIDENCE, INSTITUTION_HEADS, INSTITUTION_TAILS, LEGAL_SUFFIXES,
    NON_COMPANY_APPOSITIVES, NON_COMPANY_ORGS, NON_COMPANY_QUALIFIERS, PARTICLES, POLITICAL_CUES,
    STOPWORDS, TITLES,
};
use crate::text::tokenize::is_alnum;

/// Hashed copies of the word lists probed for every candidate word (a linear scan of
/// the 350 stop words was a visible share of the run time).
static STOP_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOPWORDS.iter().copied().collect());
/// Word lists that [`is_non_company_name`] checks for every discovered name (and the
/// learned recogniser for every candidate): hashed rather than scanned.
static COMMON_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| COMMON_WORDS.iter().copied().collect());
static NON_COMPANY_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| NON_COMPANY_ORGS.iter().copied().collect());
static HEAD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| INSTITUTION_HEADS.iter().copied().collect());
static TAIL_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| INSTITUTION_TAILS.iter().copied().collect());
static TITLE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| TITLES.iter().copied().collect());
/// Company nouns and context words: never a given name.
static CONTEXT_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| COMPANY_NOUNS.iter().chain(EVIDENCE).copied().collect());

/// Elided prefixes that can stick to the front of a name (`d'Acme`, `qu'Acme`).
const ELISIONS: &[&str] = &[
    "d'", "l'", "qu'", "c'", "n'", "s'", "j'", "m'", "t'", "jusqu'", "lorsqu'", "puisqu'",
    "quoiqu'",
];

fn is_hspace(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}' || c == '\u{2018}' || c == '\u{02bc}'
}

/// The character ending at byte `pos`, with its start offset.
pub fn char_before(text: &str, pos: usize) -> Option<(usize, char)> {
    text.get(..pos)?.char_indices().next_back()
}

/// The character starting at byte `pos`.
pub fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

/// `pos` moved back over horizontal spaces.
fn skip_hspace_back(text: &str, mut pos: usize) -> usize {
    while let Some((i, c)) = char_before(text, pos) {
        if !is_hspace(c) {
            break;
        }
        pos = i;
    }
    pos
}

/// `pos` moved forward over horizontal spaces.
fn skip_hspace_fwd(text: &str, mut pos: usize) -> usize {
    while let Some(c) = char_at(text, pos) {
        if !is_hspace(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

/// The chunk (maximal run of non-whitespace characters) that ends at `pos`, after
/// skipping horizontal spaces backwards; `None` at a line break or the text start.
pub fn chunk_before(text: &str, pos: usize) -> Option<(usize, usize)> {
    let end = skip_hspace_back(text, pos);
    let mut start = end;
    while let Some((i, c)) = char_before(text, start) {
        if c.is_whitespace() {
            break;
        }
        start = i;
    }
    (start < end).then_some((start, end))
}

/// The chunk that starts after `pos` (skipping horizontal spaces).
pub fn chunk_after(text: &str, pos: usize) -> Option<(usize, usize)> {
    let start = skip_hspace_fwd(text, pos);
    let mut end = start;
    while let Some(c) = char_at(text, end) {
        if c.is_whitespace() {
            break;
        }
        end += c.len_utf8();
    }
    (start < end).then_some((start, end))
}

/// The word (run of letters/digits) that ends right before `pos`, skipping spaces
/// and, when `hyphen` is set, one hyphen (`Léonard-de-Vinci`).
pub fn word_before(text: &str, pos: usize, hyphen: bool) -> Option<(usize, usize)> {
    let mut end = skip_hspace_back(text, pos);
    if hyphen {
        if let Some((i, '-')) = char_before(text, end) {
            end = i;
        }
    }
    let mut start = end;
    while let Some((i, c)) = char_before(text, start) {
        if !c.is_alphanumeric() {
            break;
        }
        start = i;
    }
    (start < end).then_some((start, end))
}

/// The word (run of letters/digits) that starts after `pos`, skipping spaces.
pub fn word_after(text: &str, pos: usize) -> Option<(usize, usize)> {
    let start = skip_hspace_fwd(text, pos);
    let mut end = start;
    while let Some(c) = char_at(text, end) {
        if !c.is_alphanumeric() {
            break;
        }
        end += c.len_utf8();
    }
    (start < end).then_some((start, end))
}

/// The elided determiner/pronoun glued before `pos` (`l'`, `d'`, `qu'`), folded.
pub fn elision_before(text: &str, pos: usize) -> Option<String> {
    let (ap, c) = char_before(text, pos)?;
    if !is_apostrophe(c) {
        return None;
    }
    let (ws, we) = word_before(text, ap, false)?;
    if we != ap {
        return None;
    }
    Some(format!("{}'", fold_word(text.get(ws..we)?)))
}

/// True when `pos` starts a sentence (or a headline / line / quoted segment).
pub fn is_sentence_initial(text: &str, pos: usize) -> bool {
    let mut p = pos;
    loop {
        match char_before(text, p) {
            None => return true,
            Some((i, c))
                if is_hspace(c) || matches!(c, '«' | '"' | '“' | '(' | '[' | '\'' | '‘') =>
            {
                p = i
            }
            Some((_, c)) => {
                return matches!(
                    c,
                    '.' | '!' | '?' | ':' | ';' | '\n' | '\r' | '…' | '|' | '—' | '–' | '•'
                )
            }
        }
    }
}

/// Byte range of the line around `pos`, clipped to ±`radius` bytes (on char boundaries).
/// Byte searches rather than char-by-char walks: this runs for most name hits.
fn line_around(text: &str, pos: usize, radius: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = floor_boundary(text, pos.min(bytes.len()));
    let lo = ceil_boundary(text, pos.saturating_sub(radius));
    let s = memchr::memrchr(b'\n', &bytes[lo..pos]).map_or(lo, |i| lo + i + 1);
    let hi = ceil_boundary(text, (pos + radius + 1).min(bytes.len()));
    let e = memchr::memchr(b'\n', &bytes[pos..hi]).map_or(hi, |i| pos + i);
    (s, e)
}

/// The largest char boundary ≤ `i` (`i` ≤ `text.len()`).
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary ≥ `i` (`i` ≤ `text.len()`).
fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// True when the line around `pos` is written in capitals (a shouting headline), so
/// capitalisation says nothing about proper nouns.
pub fn in_caps_line(text: &str, pos: usize) -> bool {
    let (s, e) = line_around(text, pos, 160);
    let line = text.get(s..e).unwrap_or("");
    // ASCII letters counted in a loop the compiler vectorises; then the few non-ASCII
    // characters (accented letters) decoded one by one from their lead bytes.
    let bytes = line.as_bytes();
    let (mut up, mut low) = (0usize, 0usize);
    for &b in bytes {
        up += usize::from(b.is_ascii_uppercase());
        low += usize::from(b.is_ascii_lowercase());
    }
    if !line.is_ascii() {
        for (i, &b) in bytes.iter().enumerate() {
            if b >= 0xC0 {
                match line.get(i..).and_then(|r| r.chars().next()) {
                    Some(c) if c.is_uppercase() => up += 1,
                    Some(c) if c.is_lowercase() => low += 1,
                    _ => {}
                }
            }
        }
    }
    up >= 8 && low * 5 < up
}

/// True when the sentence around `pos` capitalises most content words (English
/// "Title Case" headlines), so a capital letter is no evidence of a proper noun.
pub fn in_title_case(text: &str, pos: usize, end: usize) -> bool {
    let (s, e) = line_around(text, pos, 160);
    let seg = text.get(s..e).unwrap_or("");
    let (mut cap, mut total) = (0usize, 0usize);
    // Words are runs of letters and digits: (start, first char, chars so far).
    let mut word: Option<(usize, char, usize)> = None;
    let mut close = |w: Option<(usize, char, usize)>| {
        // Skip short words and the candidate name itself.
        if let Some((off, first, n)) = w {
            if n >= 4 && !(off >= pos && off < end) {
                total += 1;
                cap += usize::from(first.is_uppercase());
            }
        }
    };
    for (i, c) in seg.char_indices() {
        if is_alnum(c) {
            match &mut word {
                Some((_, _, n)) => *n += 1,
                None => word = Some((s + i, c, 1)),
            }
        } else {
            close(word.take());
        }
    }
    close(word);
    total >= 4 && cap * 5 >= total * 4
}

/// Is this word a stop word (function word, month, imperative…)?
pub fn is_stopword(word: &str) -> bool {
    with_folded_word(word, |f| STOP_SET.contains(f))
}

/// Is this chunk a legal-form suffix (`SA`, `Inc.`)? Case-sensitive.
pub fn is_legal_suffix(word: &str) -> bool {
    LEGAL_SUFFIXES.contains(&word)
}

/// Does this word look like (part of) a proper name: starts with a capital, or a
/// digit followed by a capital (`3M`), and is not all punctuation?
pub fn is_capitalised(word: &str) -> bool {
    let mut cs = word.chars();
    match cs.next() {
        Some(c) if c.is_uppercase() => true,
        Some(c) if c.is_ascii_digit() => word.chars().any(char::is_uppercase),
        _ => false,
    }
}

/// Strips an elided prefix (`d'`, `l'`…) from the front of a chunk; returns the new start.
fn strip_elision(text: &str, s: usize, e: usize) -> usize {
    let chunk = text.get(s..e).unwrap_or("");
    for (i, c) in chunk.char_indices() {
        if is_apostrophe(c) {
            let head = fold_word(chunk.get(..i).unwrap_or(""));
            let head = format!("{head}'");
            if ELISIONS.contains(&head.as_str()) {
                return s + i + c.len_utf8();
            }
            break;
        }
        if !c.is_alphabetic() {
            break;
        }
    }
    s
}

/// Strips leading opening punctuation; returns the new start.
fn strip_leading(text: &str, mut s: usize, e: usize) -> usize {
    while s < e {
        match char_at(text, s) {
            Some(c) if matches!(c, '«' | '"' | '“' | '(' | '[' | '\'' | '‘') || is_hspace(c) => {
                s += c.len_utf8()
            }
            _ => break,
        }
    }
    s
}

/// Strips trailing punctuation and a possessive `'s`; returns the new end and whether
/// anything was stripped (which ends a name).
fn strip_trailing(text: &str, s: usize, mut e: usize) -> (usize, bool) {
    let orig = e;
    let chunk = text.get(s..e).unwrap_or("");
    for suf in ["'s", "’s", "'", "’"] {
        if chunk.ends_with(suf) && chunk.len() > suf.len() {
            e -= suf.len();
            break;
        }
    }
    while e > s {
        match char_before(text, e) {
            Some((i, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']' | '»' | '"' | '”' | '…')) => {
                e = i
            }
            _ => break,
        }
    }
    (e, e != orig)
}

fn word_ok_in_name(w: &str) -> bool {
    is_capitalised(w) && !is_legal_suffix(w) && w.chars().any(char::is_alphabetic)
}

/// A capitalised name starting after `pos` (`la société Acme Robotics, …` → `Acme
/// Robotics`). Up to `adjectives` lowercase content words may come first (`le
/// constructeur automobile français X`). Stops at punctuation, legal suffixes and
/// lowercase words other than name particles.
pub fn name_after(text: &str, pos: usize, adjectives: usize) -> Option<(usize, usize)> {
    let mut p = pos;
    let mut skipped = 0;
    let mut start: Option<usize> = None;
    let mut end = pos;
    let mut count = 0;
    while let Some((cs, ce)) = chunk_after(text, p) {
        if start.is_none() && text.get(cs..ce).is_some_and(|c| c.starts_with(['(', '['])) {
            // `plan d'épargne entreprise (PEE)`: an abbreviation, not a name.
            break;
        }
        let mut s = strip_leading(text, cs, ce);
        if start.is_none() {
            s = strip_elision(text, s, ce);
        }
        let (e, stopped) = strip_trailing(text, s, ce);
        let w = text.get(s..e).unwrap_or("");
        if w.is_empty() {
            break;
        }
        if start.is_none() {
            if word_ok_in_name(w) && !is_stopword(w) && !is_title(w) {
                start = Some(s);
                end = e;
                count = 1;
                if stopped {
                    break;
                }
                p = ce;
                continue;
            }
            // Lowercase adjective before the name (French word order), or a `de`
            // complement (`le fabricant de jouets X`, `le groupe de luxe X`).
            let lw = w.chars().all(|c| c.is_lowercase() || c == '-');
            let fw = fold_word(w);
            let complement = (fw == "de" || fw == "d'") && skipped < adjectives;
            if complement {
                // Only a bare lowercase noun may follow (`de jouets`): `de Seattle`,
                // `de l'expert X` or `de BTP` do not introduce the company's name.
                let next_ok = chunk_after(text, ce)
                    .and_then(|(a, b)| text.get(a..b))
                    .is_some_and(|n| {
                        n.chars().all(|c| c.is_lowercase() || c == '-') && !is_stopword(n)
                    });
                if !next_ok {
                    break;
                }
            }
            if skipped < adjectives
                && lw
                && (complement || (w.chars().count() >= 3 && !is_stopword(w)))
                && !stopped
            {
                skipped += 1;
                p = ce;
                continue;
            }
            break;
        }
        // Continuing a name.
        if word_ok_in_name(w) && count < 5 {
            end = e;
            count += 1;
            p = ce;
            if stopped {
                break;
            }
            continue;
        }
        let fw = fold_word(w);
        let joiner = w == "&" || ["de", "du", "des", "of", "and"].contains(&fw.as_str());
        if joiner && !stopped && count < 4 {
            // Only if a capitalised word follows.
            if let Some((ns, ne)) = chunk_after(text, ce) {
                let ns2 = strip_leading(text, ns, ne);
                let (ne2, _) = strip_trailing(text, ns2, ne);
                if text
                    .get(ns2..ne2)
                    .is_some_and(|x| word_ok_in_name(x) && !is_stopword(x))
                {
                    p = ce;
                    continue;
                }
            }
        }
        break;
    }
    start.map(|s| (s, end))
}

/// A capitalised name ending at `pos` (`Acme Robotics SA` with `pos` before `SA` →
/// `Acme Robotics`). Stops at stop words, punctuation and lowercase words.
pub fn name_before(text: &str, pos: usize) -> Option<(usize, usize)> {
    let mut p = pos;
    let mut start: Option<usize> = None;
    let mut end: Option<usize> = None;
    let mut count = 0;
    while count < 5 {
        let (cs, ce) = match chunk_before(text, p) {
            Some(c) => c,
            None => break,
        };
        let (e, stopped) = if end.is_none() {
            strip_trailing(text, cs, ce)
        } else {
            (ce, false)
        };
        if end.is_some() && ce != e {
            break;
        }
        // A chunk with trailing punctuation belongs to the previous clause.
        if end.is_some() {
            if let Some((_, c)) = char_before(text, ce) {
                if !c.is_alphanumeric() {
                    break;
                }
            }
        }
        let _ = stopped;
        let s0 = strip_leading(text, cs, e);
        let s = strip_elision(text, s0, e);
        let w = text.get(s..e).unwrap_or("");
        if w.is_empty() {
            break;
        }
        let fw = fold_word(w);
        if word_ok_in_name(w) && !is_stopword(w) && !is_title(w) {
            start = Some(s);
            if end.is_none() {
                end = Some(e);
            }
            count += 1;
            if s != cs {
                break; // leading punctuation or elision: the name starts here
            }
            p = cs;
            continue;
        }
        if end.is_some() && ["de", "du", "des", "of", "&"].contains(&fw.as_str()) {
            // Joiner: keep going only if a capitalised word precedes it.
            if let Some((ps, pe)) = chunk_before(text, cs) {
                let pw = text.get(ps..pe).unwrap_or("");
                if word_ok_in_name(pw) && !is_stopword(pw) {
                    p = cs;
                    continue;
                }
            }
        }
        break;
    }
    match (start, end) {
        (Some(s), Some(e)) if s < e => Some((s, e)),
        _ => None,
    }
}

/// Is this word a person title (`M.`, `Mme`, `Mr`, `président`)?
pub fn is_title(word: &str) -> bool {
    with_folded_word(word, |f| TITLE_SET.contains(f))
}

/// A person name after a title cue (`M. Jean Dupont`, `CEO Jane Doe`): capitalised
/// words, allowing particles inside (`Bruno Le Maire`, `Ursula von der Leyen`).
pub fn person_after(text: &str, pos: usize, min_words: usize) -> Option<(usize, usize)> {
    let mut p = pos;
    // `Le PDG, Jean Dupont, …`
    if let Some(c) = char_at(text, skip_hspace_fwd(text, p)) {
        if c == ',' {
            p = skip_hspace_fwd(text, p) + 1;
        }
    }
    let mut start = None;
    let mut end = 0;
    let mut words = 0;
    let mut pending_particles = 0;
    while words < 4 {
        let (cs, ce) = match chunk_after(text, p) {
            Some(c) => c,
            None => break,
        };
        let s = if start.is_none() {
            strip_leading(text, cs, ce)
        } else {
            cs
        };
        let (e, stopped) = strip_trailing(text, s, ce);
        let w = text.get(s..e).unwrap_or("");
        let fw = fold_word(w);
        let is_name_word = is_capitalised(w)
            && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
            && w.chars().any(char::is_lowercase)
            && (!is_stopword(w) || (start.is_some() && PARTICLES.contains(&fw.as_str())));
        if start.is_some() && PARTICLES.contains(&fw.as_str()) && !stopped && pending_particles < 2
        {
            pending_particles += 1;
            p = ce;
            continue;
        }
        if !is_name_word {
            break;
        }
        pending_particles = 0;
        if start.is_none() {
            start = Some(s);
        }
        end = e;
        words += 1;
        p = ce;
        if stopped {
            break;
        }
    }
    match start {
        Some(s) if words >= min_words && s < end => Some((s, end)),
        _ => None,
    }
}

/// True when a person cue precedes an ambiguous name: a capitalised first name
/// (`Martin Bouygues`, `Harrison Ford`), a first name + particle (`Léonard de
/// Vinci`), or a title (`M. Bouygues`, `la famille Bouygues`).
///
/// A capitalised word whose capital says nothing — the first word of a sentence,
/// headline or quote (`Derrière Nvidia`, `« Soutenir EDF`), or the first half of a
/// hyphenated pair (`Esso-ExxonMobil`) — is a first name only when `is_given` knows
/// it as one (`Martin Bouygues` at the start of a headline still is).
pub fn person_cue_before(
    text: &str,
    pos: usize,
    is_known: impl Fn(usize, usize) -> bool,
    is_given: impl Fn(&str) -> bool,
) -> bool {
    // `M.` ends with a dot, so check abbreviated titles on the whole chunk first.
    let chunk = chunk_before(text, pos).and_then(|(s, e)| text.get(s..e));
    if chunk.is_some_and(|c| matches!(c, "M." | "Mr." | "Mrs." | "Ms." | "Dr.")) {
        return true;
    }
    let Some((ws, we)) = word_before(text, pos, true) else {
        return false;
    };
    // Must be directly adjacent (space or hyphen only).
    let gap = text.get(we..pos).unwrap_or("x");
    if !gap.chars().all(|c| is_hspace(c) || c == '-') {
        return false;
    }
    let w = text.get(ws..we).unwrap_or("");
    /// Words right before a surname: honorifics and family words.
    const BEFORE_SURNAME: &[&str] = &[
        "mme", "mr", "mrs", "ms", "dr", "monsieur", "madame", "famille", "family", "saint",
    ];
    let (honorific, particle) = with_folded_word(w, |fw| {
        (BEFORE_SURNAME.contains(&fw), PARTICLES.contains(&fw))
    });
    if honorific || (is_title(w) && w.chars().next().is_some_and(char::is_lowercase)) {
        return true;
    }
    if particle && w.chars().all(char::is_lowercase) {
        // `Léonard de Vinci`: particle preceded by a capitalised given name.
        if let Some((ps, pe)) = word_before(text, ws, true) {
            let pw = text.get(ps..pe).unwrap_or("");
            return is_given_name_like(pw) && !is_known(ps, pe);
        }
        return false;
    }
    let weak_capital = gap.contains('-') || is_sentence_initial(text, ws);
    is_given_name_like(w) && !is_known(ws, we) && (!weak_capital || is_given(w))
}

/// A capitalised word that could be a given name: not a stop word, not all caps
/// (acronyms such as `PDG`), not a company/context noun.
pub fn is_given_name_like(w: &str) -> bool {
    let n = w.chars().count();
    n >= 2
        && is_capitalised(w)
        && w.chars().skip(1).all(char::is_lowercase)
        && with_folded_word(w, |f| {
            !STOP_SET.contains(f) && !TITLE_SET.contains(f) && !CONTEXT_SET.contains(f)
        })
}

/// Is `folded` (a folded word) in `list`, or is its singular (`colonies` →
/// `colonie`, `fonds` → `fond`) in it?
fn in_list_or_singular(list: &HashSet<&str>, folded: &str) -> bool {
    if list.contains(folded) {
        return true;
    }
    ["s", "x"].iter().any(|suf| {
        folded
            .strip_suffix(suf)
            .is_some_and(|stem| stem.len() >= 3 && list.contains(stem))
    })
}

/// Endings of French and English derived common nouns and adjectives (`Groupement`,
/// `Mécanisme`, `Renaissance`, `Indépendants`): a one-word name built like this is a
/// word, not a brand. Checked on the folded word; `ité` only with its accent.
fn has_common_noun_ending(word: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "isme", "ment", "tion", "sion", "ance", "ence", "oire", "ants", "ents", "ness", "ship",
        "ism",
    ];
    let lower_tail = word.chars().skip(1).all(char::is_lowercase);
    lower_tail
        && word.chars().count() >= 7
        && (word.ends_with("ité")
            || with_folded_word(word, |f| ENDINGS.iter().any(|e| f.ends_with(e))))
}

/// A short acronym (`LR`, `PME`, `A&D`): at most three letters, all capitals. Too
/// many of them are parties, indices or common abbreviations to trust a weak cue.
pub fn is_short_acronym(name: &str) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    !name.contains(' ') && letters <= 3 && !name.chars().any(char::is_lowercase)
}

/// True when a discovered name is a common word, a fragment of an institution's name
/// or a known non-company body, whatever cue introduced it: one-word names that are
/// common nouns (`Agence`, `Colonies`, `Slip`) or built like one (`Groupement`),
/// names headed by an institution word (`Observatoire français…`, `Fonds monétaire…`)
/// or closed by one (`New Standard Institute`), and parties, unions, federations,
/// NGOs and public bodies (`Medef`, `WWF`, `LR-UDI`).
pub fn is_non_company_name(name: &str) -> bool {
    // Called for every candidate span of the learned recogniser: no allocation.
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return true;
    };
    let (mut count, mut last, mut rest_numbers) = (1usize, first, true);
    for w in words {
        count += 1;
        last = w;
        rest_numbers &= w.chars().all(|c| c.is_ascii_digit());
    }
    with_folded_word(first, |ffirst| {
        if HEAD_SET.contains(ffirst) || NON_COMPANY_SET.contains(ffirst) {
            return true;
        }
        if count >= 2 && with_folded_word(last, |f| TAIL_SET.contains(f)) {
            return true;
        }
        if count > 1 && rest_numbers {
            // `Assu 2000`, `CAC 40`: judge the word before the number.
            return is_non_company_name(first);
        }
        if count != 1 {
            return false;
        }
        // `LR-UDI`, `Ecologiste-Nupes`: any part naming a party or body.
        if ffirst.contains('-')
            && ffirst
                .split('-')
                .any(|p| NON_COMPANY_SET.contains(p) || in_list_or_singular(&COMMON_SET, p))
        {
            return true;
        }
        in_list_or_singular(&COMMON_SET, ffirst)
            || CONTEXT_SET.contains(ffirst)
            || TITLE_SET.contains(ffirst)
            || has_common_noun_ending(first)
    })
}

/// True when the name ending at `end` is followed by an appositive naming a
/// non-company body: `X, une association de quartier`, `X, a charity`, `X, l'ONG…`
/// (also after a lowercase completion: `le Potager urbain, une association`).
pub fn non_company_appositive(text: &str, end: usize) -> bool {
    let Some(after) = text.get(end..) else {
        return false;
    };
    // Up to three lowercase words may complete the name first (`Potager urbain, …`).
    let Some(comma) = after.find(',') else {
        return false;
    };
    let between = &after[..comma];
    if between.split_whitespace().count() > 3
        || !between
            .chars()
            .all(|c| c.is_lowercase() || c == ' ' || c == '-' || c == '\'')
    {
        return false;
    }
    let from = end + comma + 1;
    let rest = text.get(from..).unwrap_or("");
    let words = folded_words(text, from, from + rest.len().min(40));
    let mut it = words.iter().map(String::as_str);
    let first = it.next().unwrap_or("");
    let noun = match first {
        "un" | "une" | "a" | "an" | "la" | "le" | "the" => it.next().unwrap_or(""),
        // `l'ONG` folds as one word with its elision.
        w => w.strip_prefix("l'").unwrap_or(w),
    };
    NON_COMPANY_APPOSITIVES.contains(&noun)
}

/// Folded words of `text[a..b]` (clipped to char boundaries).
fn folded_words(text: &str, a: usize, b: usize) -> Vec<String> {
    let mut a = a.min(text.len());
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = b.min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    text.get(a..b)
        .unwrap_or("")
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(fold_word)
        .collect()
}

/// True when `groupe`/`group` at `cue_s..cue_e` introducing the name at `name_s..name_e`
/// is a political, parliamentary or activist group rather than a firm: a qualifier
/// next to the noun (`le groupe parlementaire X`, `un groupe de réflexion`, `the
/// advocacy group X`) or parliamentary words around (`les députés du groupe X`, `le
/// groupe X au Sénat`).
pub fn is_non_company_group(
    text: &str,
    cue_s: usize,
    cue_e: usize,
    name_s: usize,
    name_e: usize,
) -> bool {
    // Two words before the noun, the words between noun and name (or, for an
    // appositive, the three words after the noun).
    let before = folded_words(text, cue_s.saturating_sub(30), cue_s);
    let after_end = if name_s >= cue_e { name_s } else { cue_e + 30 };
    let mut near: Vec<String> = before.into_iter().rev().take(2).collect();
    near.extend(folded_words(text, cue_e, after_end).into_iter().take(3));
    if near
        .iter()
        .any(|w| NON_COMPANY_QUALIFIERS.contains(&w.as_str()))
    {
        return true;
    }
    let lo = cue_s.min(name_s).saturating_sub(100);
    let hi = cue_e.max(name_e) + 60;
    folded_words(text, lo, hi)
        .iter()
        .any(|w| POLITICAL_CUES.contains(&w.as_str()))
}

/// True when the character at `pos` satisfies `f`.
pub fn char_after_is(text: &str, pos: usize, f: impl Fn(char) -> bool) -> bool {
    char_at(text, pos).is_some_and(f)
}

/// `new:<slug>` / `person:<slug>` style slug: folded, non-alphanumerics → `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in fold_word(name).chars() {
        if c.is_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Number of sentence breaks in `text[a..b]` (`.`/`!`/`?` followed by a space, or a
/// line break), for coreference distance.
pub fn sentence_breaks(text: &str, a: usize, b: usize) -> usize {
    let seg = text.get(a..b).unwrap_or("");
    let bytes = seg.as_bytes();
    let mut n = 0;
    // A sentence end followed by line breaks, or a blank line between a title and its
    // text, is one break, not one per character.
    let mut just_broke = false;
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'\n' if !just_broke => {
                n += 1;
                just_broke = true;
            }
            b'\n' | b' ' | b'\t' | b'\r' => {}
            b'.' | b'!' | b'?' if bytes.get(i + 1).is_none_or(|&d| d == b' ' || d == b'\n') => {
                n += 1;
                just_broke = true;
            }
            _ => just_broke = false,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_and_caps_lines() {
        let t = "Acme Shares Jump After Strong Quarterly Results Beat Forecasts";
        assert!(in_title_case(t, 0, 4));
        let t = "les actions d'Acme bondissent après des résultats solides";
        assert!(!in_title_case(t, 14, 18));
        assert!(in_caps_line("ACME BONDIT APRÈS DES RÉSULTATS", 0));
        assert!(!in_caps_line("Acme bondit après des résultats", 0));
    }

    fn span(t: &str, r: Option<(usize, usize)>) -> Option<&str> {
        r.and_then(|(s, e)| t.get(s..e))
    }

    #[test]
    fn names_after_cues() {
        let t = "la start-up lyonnaise Quantix Robotics, fondée en 2019";
        let p = t
            .find("start-up")
            .map(|i| i + "start-up".len())
            .unwrap_or(0);
        assert_eq!(span(t, name_after(t, p, 2)), Some("Quantix Robotics"));
        let t = "le patron d'Héliodyne a démissionné";
        let p = t.find("patron").map(|i| i + 6).unwrap_or(0);
        assert_eq!(span(t, name_after(t, p, 0)), Some("Héliodyne"));
        let t = "the company Brightwave's shares";
        assert_eq!(span(t, name_after(t, 11, 0)), Some("Brightwave"));
        let t = "le groupe a annoncé";
        assert_eq!(name_after(t, 9, 2), None);
    }

    #[test]
    fn names_before_suffixes() {
        let t = "Hier, Norbel Composites SA a annoncé";
        let p = t.find(" SA").unwrap_or(0);
        assert_eq!(span(t, name_before(t, p)), Some("Norbel Composites"));
        let t = "The Zentrix Corp said";
        let p = t.find(" Corp").unwrap_or(0);
        assert_eq!(span(t, name_before(t, p)), Some("Zentrix"));
        let t = "rachat d'Ovalia SAS";
        let p = t.find(" SAS").unwrap_or(0);
        assert_eq!(span(t, name_before(t, p)), Some("Ovalia"));
    }

    #[test]
    fn person_cues_and_titles() {
        let t = "Martin Bouygues a parlé";
        let p = t.find("Bouygues").unwrap_or(0);
        assert!(person_cue_before(t, p, |_, _| false, |w| w == "Martin"));
        let t = "le tableau de Léonard de Vinci";
        let p = t.find("Vinci").unwrap_or(0);
        assert!(person_cue_before(t, p, |_, _| false, |w| w == "Martin"));
        let t = "Selon Vinci, le chantier";
        let p = t.find("Vinci").unwrap_or(0);
        assert!(!person_cue_before(t, p, |_, _| false, |w| w == "Martin"));
        // A sentence's first word or a hyphenated pair's first half is a first name
        // only when known as one.
        for (t, name) in [
            ("Derrière Nvidia, tout le secteur", "Nvidia"),
            ("« Soutenir Acme a du sens »", "Acme"),
            ("Grève chez Esso-Mobil", "Mobil"),
        ] {
            let p = t.find(name).unwrap_or(0);
            assert!(!person_cue_before(t, p, |_, _| false, |_| false), "{t}");
        }
        let t = "le PDG de Vinci";
        let p = t.find("Vinci").unwrap_or(0);
        assert!(!person_cue_before(t, p, |_, _| false, |w| w == "Martin"));
        let t = "M. Jean-Luc Moreau, le directeur, a dit";
        assert_eq!(span(t, person_after(t, 2, 1)), Some("Jean-Luc Moreau"));
        let t = "Bruno Le Maire";
        assert_eq!(span(t, person_after(t, 0, 2)), Some("Bruno Le Maire"));
    }

    #[test]
    fn sentence_and_caps_context() {
        let t = "Il pleut. Orange monte";
        assert!(is_sentence_initial(t, t.find("Orange").unwrap_or(0)));
        assert!(!is_sentence_initial("chez Orange", 5));
        assert!(in_caps_line("ORANGE ET FREE BAISSENT LEURS PRIX", 0));
        assert!(!in_caps_line("Orange et Free baissent leurs prix", 0));
        // Accented capitals count as capitals, accented small letters as small ones.
        assert!(in_caps_line(
            "ÉTÉ MEURTRIER POUR LA SOCIÉTÉ GÉNÉRALE À LA BOURSE",
            3
        ));
        assert!(!in_caps_line(
            "Été meurtrier pour la Société générale à la Bourse",
            3
        ));
        assert!(!in_caps_line(
            "SOCIÉTÉ GÉNÉRALE : été réussi, écarts réduits, élan créé",
            0
        ));
        assert!(in_title_case("Apple Pie Recipes Take Over Kitchens", 0, 5));
        assert!(!in_title_case(
            "M. Dupont a rencontré Martin Bouygues",
            30,
            38
        ));
        assert_eq!(slug("Quantix Robotics"), "quantix-robotics");
        assert_eq!(slug("Ébène & Co"), "ebene-co");
        assert_eq!(sentence_breaks("A. B! C? d\ne", 0, 12), 4);
        // A title, a blank line, then the text: one break.
        let t = "Acme recule\n\nLe groupe";
        assert_eq!(sentence_breaks(t, 0, t.len()), 1);
        let t = "Acme recule.\n\nLe groupe";
        assert_eq!(sentence_breaks(t, 0, t.len()), 1);
    }

    #[test]
    fn non_company_names_are_recognised() {
        // Common nouns, institution heads and tails, parties and federations.
        for n in [
            "Agence",
            "Colonies",
            "Groupement",
            "Mécanisme",
            "Indépendants",
            "Observatoire français des loyers",
            "Fonds monétaire",
            "New Standard Institute",
            "Medef",
            "LR-UDI",
            "Ecologiste-Nupes",
            "CAC 40",
        ] {
            assert!(is_non_company_name(n), "{n}");
        }
        // Brand-like names stay, including numbers and inner capitals.
        for n in [
            "Velmora Textiles",
            "Lumeo 360",
            "Fairphone",
            "WarnerMedia",
            "Kolmi-Hopen",
            "Aubert & Duval",
            "Perenco",
        ] {
            assert!(!is_non_company_name(n), "{n}");
        }
        assert!(is_short_acronym("LR") && is_short_acronym("A&D") && is_short_acronym("PME"));
        assert!(!is_short_acronym("CNIM") && !is_short_acronym("Orv"));
    }

    #[test]
    fn political_groups_and_non_company_appositives() {
        let t = "Les députés du groupe Horizons-Unis ont voté contre.";
        let cs = t.find("groupe").unwrap_or(0);
        let ns = t.find("Horizons").unwrap_or(0);
        assert!(is_non_company_group(t, cs, cs + 6, ns, ns + 13));
        let t = "Le groupe de réflexion Nova Civitas publie une note.";
        let ns = t.find("Nova").unwrap_or(0);
        assert!(is_non_company_group(t, 3, 9, ns, ns + 12));
        let t = "The advocacy group Clean Rivers Now sued the city.";
        let cs = t.find("group ").unwrap_or(0);
        assert!(is_non_company_group(t, cs, cs + 5, cs + 6, cs + 22));
        let t = "Le groupe Vellano, fabricant de jouets, recrute à Lyon.";
        assert!(!is_non_company_group(t, 3, 9, 10, 17));
        let t = "la présidente du Potager urbain, une association de quartier";
        let e = t.find(" urbain").unwrap_or(0);
        assert!(non_company_appositive(t, e));
        let t = "Tarnwell, a charity based in Leeds, said";
        assert!(non_company_appositive(t, 8));
        let t = "Tarnwell, a Leeds-based startup, said";
        assert!(!non_company_appositive(t, 8));
    }

    #[test]
    fn never_panics_on_odd_offsets() {
        let t = "é’«»";
        for p in 0..=t.len() + 2 {
            let _ = name_after(t, p, 2);
            let _ = name_before(t, p);
            let _ = person_after(t, p, 1);
            let _ = is_sentence_initial(t, p);
            let _ = person_cue_before(t, p, |_, _| false, |w| w == "Martin");
            let _ = in_caps_line(t, p);
            let _ = in_title_case(t, p, p + 1);
            let _ = non_company_appositive(t, p);
            let _ = is_non_company_group(t, p, p + 1, p, p + 3);
        }
    }
}
