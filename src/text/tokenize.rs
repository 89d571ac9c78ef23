//! Tokenizer and sentence splitter for French and English news text.
//!
//! Both work in one left-to-right pass over the characters (linear time, no regex
//! backtracking) and report **byte offsets** into the original text, so that every later
//! stage (entities, sentiment, evidence) can slice the text without copying and without
//! ever cutting a character in half.

/// What kind of token a [`Token`] is; the sentiment rules treat numbers and punctuation
/// very differently from words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (possibly with inner hyphens/apostrophes, or dotted abbreviations such as `U.S.`).
    Word,
    /// Digits, with optional sign, decimal/thousand separators and a trailing `%`.
    Number,
    /// Sentence and clause punctuation (`. , ; : ! ? ( ) « »` …).
    Punct,
    /// Anything else that is not whitespace (`$`, `€`, `&`, `@`, emoji …).
    Symbol,
}

/// A token as a byte range of the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Token category.
    pub kind: TokenKind,
}

impl Token {
    /// The token's text (offsets always lie on char boundaries, so this cannot panic for the
    /// text the token came from; returns `""` if used with another text).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// French elided articles/pronouns: `l'entreprise` is split after the apostrophe so that
/// `entreprise` can be looked up in the lexicons.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
    "quelqu",
];

/// Words whose inner apostrophe is part of the word, never an elision.
const APOSTROPHE_WORDS: &[&str] = &["aujourd'hui", "aujourd’hui", "presqu'île", "presqu’île"];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn is_hyphen(c: char) -> bool {
    c == '-' || c == '‐' || c == '‑'
}

/// Whitespace that may separate a number from its `%` sign (French typography uses a
/// (narrow) no-break space).
fn is_inline_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// `char::is_alphanumeric` with a shortcut for ASCII and the Latin-1/Latin Extended-A
/// letters of French text (all alphabetic except `×` and `÷`), which otherwise go
/// through the Unicode table look-up.
#[inline]
pub fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{c0}'..='\u{17f}').contains(&c) {
        c != '×' && c != '÷'
    } else {
        c.is_alphanumeric()
    }
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '\''
            | '«'
            | '»'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '–'
            | '—'
            | '-'
            | '/'
            | '‹'
            | '›'
            | '¿'
            | '¡'
    )
}

/// Cursor over `text` by byte position. ASCII bytes (most of any news text) are read
/// directly; other characters are decoded only where they occur, so no per-character
/// table is built (that table used to cost 16 bytes per byte of text).
struct Chars<'a> {
    text: &'a str,
}

impl Chars<'_> {
    fn len(&self) -> usize {
        self.text.len()
    }
    /// The char starting at byte `p` (`None` at or past the end).
    #[inline]
    fn at(&self, p: usize) -> Option<char> {
        match *self.text.as_bytes().get(p)? {
            b if b.is_ascii() => Some(char::from(b)),
            _ => self.text.get(p..)?.chars().next(),
        }
    }
    /// Byte position of the char after the one at `p` (`p` itself at the end).
    #[inline]
    fn next(&self, p: usize) -> usize {
        p + self.at(p).map_or(0, char::len_utf8)
    }
    /// The char that ends at byte `p`.
    fn before(&self, p: usize) -> Option<char> {
        self.text.get(..p)?.chars().next_back()
    }
    /// Byte position after the run of chars from `p` that satisfy `f`.
    #[inline]
    fn skip_while(&self, mut p: usize, f: impl Fn(char) -> bool) -> usize {
        while let Some(c) = self.at(p).filter(|&c| f(c)) {
            p += c.len_utf8();
        }
        p
    }
}

/// Splits `text` into word, number, punctuation and symbol tokens.
///
/// Handles the cases that matter for news sentiment: French elision (`l'entreprise` →
/// `l'` + `entreprise`, but `aujourd'hui` stays whole), English possessive (`Tesla's` →
/// `Tesla` + `'s`), contractions (`didn't` stays whole so negation is visible), hyphenated
/// names (`Saint-Gobain`), dotted abbreviations (`U.S.`), and signed percentages
/// (`+5 %`, `5%`, `-3,2 %` are single number tokens).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
    out
}

/// [`tokenize`] into a vector that is cleared first, so that a caller tokenizing many
/// texts reuses one buffer (it stays warm in cache, and nothing is allocated per text).
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let cs = Chars { text };
    let n = cs.len();
    out.clear();
    // About one token per 5–6 bytes of news text: room for one per 4, so the vector is
    // not reallocated (and copied) half-way.
    out.reserve(n / 4 + 8);
    // `i` is always a byte position on a char boundary.
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < n {
        // Fast paths for the two commonest cases, taken exactly as the general code
        // below would: ASCII whitespace (`char::is_whitespace` on ASCII is these six
        // bytes), and a word starting with an ASCII letter.
        match bytes[i] {
            b' ' | b'\t'..=b'\r' => {
                i += 1;
                continue;
            }
            b if b.is_ascii_alphabetic() => {
                i = scan_word(&cs, i, out);
                continue;
            }
            _ => {}
        }
        let Some(c) = cs.at(i) else { break };
        let after = i + c.len_utf8();
        if c.is_whitespace() {
            i = after;
            continue;
        }
        // Signed number: sign at token start followed by a digit.
        let signed = (c == '+' || c == '-' || c == '−')
            && cs.at(after).is_some_and(|d| d.is_ascii_digit())
            && out
                .last()
                .is_none_or(|t: &Token| t.end < i || t.kind == TokenKind::Punct);
        if c.is_ascii_digit() || signed {
            let start = i;
            let mut j = scan_number(&cs, if signed { after } else { i });
            // Alphanumeric such as "3M", "Q3" handled in word branch; "5bn", "2nd" here.
            if cs.at(j).is_some_and(|d| d.is_alphabetic()) {
                j = cs.skip_while(j, char::is_alphanumeric);
                out.push(Token {
                    start,
                    end: j,
                    kind: TokenKind::Word,
                });
                i = j;
                continue;
            }
            // Trailing percent sign, possibly after one space.
            if cs.at(j) == Some('%') {
                j += 1;
            } else if let Some(s) = cs.at(j).filter(|&s| is_inline_space(s)) {
                if cs.at(j + s.len_utf8()) == Some('%') {
                    j += s.len_utf8() + 1;
                }
            }
            out.push(Token {
                start,
                end: j,
                kind: TokenKind::Number,
            });
            i = j;
            continue;
        }
        if is_alnum(c) {
            i = scan_word(&cs, i, out);
            continue;
        }
        // (`s` is ASCII: the char after it starts at `after + 1`.)
        if is_apostrophe(c)
            && cs.at(after).is_some_and(|d| d == 's' || d == 'S')
            && !cs.at(after + 1).is_some_and(|d| d.is_alphanumeric())
            && cs.before(i).is_some_and(|d| d.is_alphanumeric())
        {
            // Possessive after a token that ended on a non-letter is unusual; keep simple.
            out.push(Token {
                start: i,
                end: after + 1,
                kind: TokenKind::Word,
            });
            i = after + 1;
            continue;
        }
        if is_punct(c) {
            // Runs of the same mark ("...", "!!!", "--") are one token.
            let j = cs.skip_while(after, |d| d == c);
            out.push(Token {
                start: i,
                end: j,
                kind: TokenKind::Punct,
            });
            i = j;
            continue;
        }
        out.push(Token {
            start: i,
            end: after,
            kind: TokenKind::Symbol,
        });
        i = after;
    }
}

/// Scans digits with inner `.`/`,` separators (and `1 000` style groups) from byte `j`;
/// returns the byte position after the number.
fn scan_number(cs: &Chars<'_>, mut j: usize) -> usize {
    let digit_at = |p: usize| cs.at(p).is_some_and(|d| d.is_ascii_digit());
    loop {
        match cs.at(j) {
            Some(d) if d.is_ascii_digit() => j += 1,
            Some('.') | Some(',') if digit_at(j + 1) => j += 1,
            // French thousands: "1 000" (exactly three digits after a no-break space;
            // digits are ASCII, one byte each).
            Some(s) if s == '\u{a0}' || s == '\u{202f}' => {
                let k = j + s.len_utf8();
                if (k..k + 3).all(digit_at) && !digit_at(k + 3) {
                    j = k + 3;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    j
}

/// `u8::is_ascii_alphanumeric` as a table.
static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// Position after the run of ASCII letters and digits that starts at byte `j`, eight
/// bytes at a time: words are a few bytes long, and a loop of one table look-up per byte
/// was the tokenizer's main cost.
#[inline]
fn ascii_alnum_run(bytes: &[u8], mut j: usize) -> usize {
    use crate::text::swar::{in_range, HIGH, LOW};
    while let Some(chunk) = bytes.get(j..j + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let x = u64::from_le_bytes(a);
        // High bits cleared for the range tests (see `swar`).
        let y = x & !HIGH;
        // `| 0x20` folds A–Z onto a–z and sends no other 7-bit byte into a–z.
        let letter = in_range(y | (LOW * 0x20), b'a', b'z');
        let digit = in_range(y, b'0', b'9');
        // Bytes >= 0x80 (non-ASCII) are never in the run.
        let stop = !(letter | digit) & HIGH | (x & HIGH);
        if stop != 0 {
            return j + (stop.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while bytes.get(j).is_some_and(|&b| ASCII_ALNUM[usize::from(b)]) {
        j += 1;
    }
    j
}

/// Scans a word starting at byte `i`, pushing one or more tokens; returns the byte
/// position after them.
fn scan_word(cs: &Chars<'_>, i: usize, out: &mut Vec<Token>) -> usize {
    let start = i;
    let mut j = cs.next(i);
    loop {
        // Fast path: a run of ASCII letters and digits (the common case).
        j = ascii_alnum_run(cs.text.as_bytes(), j);
        let Some(c) = cs.at(j) else { break };
        // Most words end on an ASCII space or punctuation that none of the branches
        // below continues with: stop without the Unicode checks.
        if c.is_ascii() && !matches!(c, '-' | '\'' | '.') {
            break;
        }
        let after = j + c.len_utf8();
        if is_alnum(c) {
            j = after;
        } else if is_hyphen(c) && cs.at(after).is_some_and(is_alnum) {
            j = cs.next(after);
        } else if is_apostrophe(c) && cs.at(after).is_some_and(|d| d.is_alphabetic()) {
            // Elision, possessive or contraction?
            // Case-insensitive comparisons without allocating (this runs for every
            // French elision, i.e. several times per sentence).
            let head = cs.text.get(start..j).unwrap_or("");
            let head_is_elision = ELISIONS.iter().any(|e| head.eq_ignore_ascii_case(e));
            // Look ahead to the end of the following letters.
            let k = cs.skip_while(after, char::is_alphabetic);
            let whole = cs.text.get(start..k).unwrap_or("");
            // Per-char lowercase comparison, without allocating (no special case of
            // `to_lowercase` can produce these words' letters).
            if APOSTROPHE_WORDS.iter().any(|w| {
                w.len() == whole.len() && whole.chars().flat_map(char::to_lowercase).eq(w.chars())
            }) {
                j = k;
                continue;
            }
            if head_is_elision {
                out.push(Token {
                    start,
                    end: after,
                    kind: TokenKind::Word,
                });
                return after;
            }
            let tail = cs.text.get(after..k).unwrap_or("");
            if tail.eq_ignore_ascii_case("s") {
                // Possessive: "Tesla's" → "Tesla" + "'s".
                out.push(Token {
                    start,
                    end: j,
                    kind: TokenKind::Word,
                });
                out.push(Token {
                    start: j,
                    end: k,
                    kind: TokenKind::Word,
                });
                return k;
            }
            // Contraction ("didn't", "o'clock"): keep whole.
            j = k;
        } else if c == '.'
            // At most 3 chars so far.
            && cs.text.get(start..j).is_some_and(|w| w.chars().nth(3).is_none())
            && cs.at(after).is_some_and(|d| d.is_alphabetic())
            && dotted_abbrev_follows(cs, after)
        {
            // "U.S.", "p.ex.", "S.A.": short letter groups joined by dots.
            let mut k = j;
            while cs.at(k) == Some('.') {
                let m = letters_upto_3(cs, k + 1);
                if m == k + 1 || cs.at(m).is_some_and(|d| d.is_alphabetic()) {
                    break;
                }
                k = m;
            }
            if cs.at(k) == Some('.') {
                k += 1;
            }
            out.push(Token {
                start,
                end: k,
                kind: TokenKind::Word,
            });
            return k;
        } else {
            break;
        }
    }
    out.push(Token {
        start,
        end: j,
        kind: TokenKind::Word,
    });
    j
}

/// Byte position after at most 3 letters from byte `k`.
fn letters_upto_3(cs: &Chars<'_>, k: usize) -> usize {
    let mut m = k;
    for _ in 0..3 {
        match cs.at(m) {
            Some(d) if d.is_alphabetic() => m += d.len_utf8(),
            _ => break,
        }
    }
    m
}

/// True if, from byte `k`, there is a 1–3 letter group followed by a `.` (so that
/// `U.S.` is an abbreviation but `end.Next` is not glued).
fn dotted_abbrev_follows(cs: &Chars<'_>, k: usize) -> bool {
    let m = letters_upto_3(cs, k);
    m > k && cs.at(m) == Some('.')
}

/// Abbreviations after which a `.` does not end a sentence (compared lowercase, without
/// the dot).
const ABBREVIATIONS: &[&str] = &[
    "m", "mm", "mme", "mmes", "mlle", "mr", "mrs", "ms", "dr", "pr", "prof", "st", "ste", "sr",
    "jr", "inc", "corp", "co", "ltd", "plc", "cie", "etc", "vs", "no", "nº", "art", "av", "bd",
    "fig", "jan", "feb", "fév", "apr", "avr", "aug", "sept", "oct", "nov", "dec", "déc", "env",
    "cf", "p", "ex", "vol", "gen", "gén", "gov", "sen", "rep", "min", "max", "approx", "dept",
];

/// Splits `text` into sentences, returned as byte ranges (trimmed of surrounding
/// whitespace).
///
/// A sentence ends at `.`, `!`, `?` or `…` (plus closing quotes/brackets), except after
/// known abbreviations (`M.`, `Mme.`, `Inc.`, `Corp.`, `etc.`), single-letter initials and
/// dotted abbreviations (`U.S.`, `p.ex.`); decimals never split because they are single
/// number tokens. A blank line (`\n\n`) always ends a sentence, so titles and paragraphs
/// without final punctuation stay separate.
pub fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let toks = tokenize(text);
    sentence_token_ranges(text, &toks)
        .into_iter()
        .map(|(s, e)| (toks[s].start, toks[e - 1].end))
        .collect()
}

/// Same rules as [`sentence_spans`], but over tokens already computed by [`tokenize`]
/// (so the sentiment model tokenizes a document only once). Returns token index ranges
/// `[first, last + 1)`, never empty.
pub fn sentence_token_ranges(text: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    sentence_token_ranges_into(text, toks, &mut spans);
    spans
}

/// [`sentence_token_ranges`] into a vector that is cleared first (see [`tokenize_into`]).
pub fn sentence_token_ranges_into(text: &str, toks: &[Token], spans: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    spans.clear();
    spans.reserve(toks.len() / 16 + 1);
    // First token of the open sentence (`usize::MAX`: none open).
    const NONE: usize = usize::MAX;
    let mut sent_start = NONE;
    // End of the token before `i` (a copy: most tokens only compare their start to it).
    let mut prev_end = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        // Paragraph break before this token? A blank line needs at least 2 bytes of gap
        // (most gaps are one space); `\n` is ASCII, so it never occurs inside a
        // multi-byte char.
        if sent_start != NONE && i > sent_start && t.start.saturating_sub(prev_end) >= 2 {
            let gap = bytes.get(prev_end..t.start).unwrap_or(&[]);
            if gap.iter().filter(|&&b| b == b'\n').count() >= 2 {
                spans.push((sent_start, i));
                sent_start = NONE;
            }
        }
        if sent_start == NONE {
            sent_start = i;
        }
        // Only punctuation can end a sentence.
        if t.kind == TokenKind::Punct {
            let tt = t.text(text);
            let is_end =
                tt.starts_with('.') || tt.starts_with('!') || tt.starts_with('?') || tt == "…";
            if is_end && !(tt == "." && abbreviation_before(text, toks, i)) {
                let j = absorb_closers(text, toks, i + 1);
                spans.push((sent_start, j));
                sent_start = NONE;
                prev_end = toks[j - 1].end;
                i = j;
                continue;
            }
        }
        prev_end = t.end;
        i += 1;
    }
    if sent_start != NONE && sent_start < toks.len() {
        spans.push((sent_start, toks.len()));
    }
}

/// Index after the closing quotes/brackets and further end marks that follow a
/// sentence end, from token `j`.
fn absorb_closers(text: &str, toks: &[Token], mut j: usize) -> usize {
    while j < toks.len()
        && toks[j].kind == TokenKind::Punct
        && matches!(
            toks[j].text(text),
            "\"" | "»" | "”" | "’" | "'" | ")" | "]" | "!" | "?" | "." | "…"
        )
        && (toks[j].start == toks[j - 1].end || matches!(toks[j].text(text), "»" | "\"" | ")"))
    {
        j += 1;
    }
    j
}

/// Whether the `.` token at index `i` follows (without space) an abbreviation or initial.
fn abbreviation_before(text: &str, toks: &[Token], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let prev = toks[i - 1];
    if prev.end != toks[i].start || prev.kind != TokenKind::Word {
        return false;
    }
    let w = prev.text(text);
    // Single capital initial: "J. Smith".
    let mut chars = w.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return true;
        }
    }
    if !is_abbreviation(w) {
        return false;
    }
    // "etc." and month abbreviations end a sentence when a capitalised word follows a
    // clear sentence boundary; titles and company suffixes never do.
    if w.eq_ignore_ascii_case("etc") {
        return !toks.get(i + 1).is_some_and(|n| {
            n.text(text)
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase())
        });
    }
    true
}

/// Byte length of the longest entry of [`ABBREVIATIONS`].
const MAX_ABBREVIATION_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        if ABBREVIATIONS[i].len() > max {
            max = ABBREVIATIONS[i].len();
        }
        i += 1;
    }
    max
};

/// Whether the lowercase form of `w` is in [`ABBREVIATIONS`]; without building it for an
/// ASCII word (nearly all of them: this runs before every `.`).
fn is_abbreviation(w: &str) -> bool {
    if w.is_ascii() {
        // Most words before a `.` are longer than any abbreviation.
        if w.len() > MAX_ABBREVIATION_LEN {
            return false;
        }
        return ABBREVIATIONS
            .iter()
            .any(|a| a.len() == w.len() && a.eq_ignore_ascii_case(w));
    }
    ABBREVIATIONS.contains(&w.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward version of [`sentence_token_ranges`] (before its per-token
    /// path was made lean), kept to check the fast one against.
    fn sentence_token_ranges_reference(text: &str, toks: &[Token]) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut sent_start: Option<usize> = None; // token index
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            // Paragraph break before this token?
            if let Some(s) = sent_start {
                if i > s {
                    // Byte scan: `\n` is ASCII, so it never occurs inside a multi-byte char.
                    let gap = text.as_bytes().get(toks[i - 1].end..t.start).unwrap_or(&[]);
                    // Most gaps are one space: no blank line fits in fewer than 2 bytes.
                    if gap.len() >= 2 && gap.iter().filter(|&&b| b == b'\n').count() >= 2 {
                        spans.push((s, i));
                        sent_start = None;
                    }
                }
            }
            if sent_start.is_none() {
                sent_start = Some(i);
            }
            // Only punctuation can end a sentence: other tokens skip the text look-up.
            let tt = if t.kind == TokenKind::Punct {
                t.text(text)
            } else {
                ""
            };
            let is_end = t.kind == TokenKind::Punct
                && (tt.starts_with('.') || tt.starts_with('!') || tt.starts_with('?') || tt == "…");
            if is_end && !(tt == "." && abbreviation_before(text, toks, i)) {
                // Absorb closing quotes/brackets and further end marks.
                let mut j = i + 1;
                while j < toks.len()
                    && toks[j].kind == TokenKind::Punct
                    && matches!(
                        toks[j].text(text),
                        "\"" | "»" | "”" | "’" | "'" | ")" | "]" | "!" | "?" | "." | "…"
                    )
                    && (toks[j].start == toks[j - 1].end
                        || matches!(toks[j].text(text), "»" | "\"" | ")"))
                {
                    j += 1;
                }
                if let Some(s) = sent_start {
                    spans.push((s, j));
                }
                sent_start = None;
                i = j;
                continue;
            }
            i += 1;
        }
        if let Some(s) = sent_start {
            if s < toks.len() {
                spans.push((s, toks.len()));
            }
        }
        spans
    }

    #[test]
    fn sentence_ranges_match_the_reference() {
        let texts = [
            "Le CAC 40 a gagné 1,2 %. M. Dupont (PDG) l'a dit… « Bravo ! » Puis:\n\nNouveau titre\nsuite.",
            "Apple Inc. rose 3% in the U.S. on Monday!!! \"Great,\" said J. Smith. Sales (up 5%).",
            "\n\n  Titre sans point\n\n\nParagraphe. Fin etc. Et puis etc. la suite ?!",
            "",
            "...",
            "Un. Deux.\n \n Trois",
            "Mme. Durand, Corp. et Cie. Déc. 2022 fut bon.\r\n\r\nOui.",
        ];
        for text in texts {
            let toks = tokenize(text);
            assert_eq!(
                sentence_token_ranges(text, &toks),
                sentence_token_ranges_reference(text, &toks),
                "{text:?}"
            );
        }
        // Tokens from another text (offsets out of order or out of range) must not panic
        // and must agree too.
        let odd = [
            Token {
                start: 5,
                end: 9,
                kind: TokenKind::Word,
            },
            Token {
                start: 2,
                end: 3,
                kind: TokenKind::Punct,
            },
            Token {
                start: 40,
                end: 41,
                kind: TokenKind::Punct,
            },
            Token {
                start: 0,
                end: 1,
                kind: TokenKind::Word,
            },
        ];
        let text = "a.\n\nb. c";
        assert_eq!(
            sentence_token_ranges(text, &odd),
            sentence_token_ranges_reference(text, &odd)
        );
    }

    #[test]
    fn alnum_run_is_the_byte_loop() {
        // Every byte value at every position of a 16-byte window, after runs of every
        // length (so both the 8-byte and the tail paths see it).
        let reference = |b: &[u8], mut j: usize| {
            while b.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
                j += 1;
            }
            j
        };
        for stop in 0..=255u8 {
            for pos in 0..16 {
                let mut b = b"Az09zZaa0Qq9xyzW".to_vec();
                b[pos] = stop;
                for from in 0..=b.len() {
                    assert_eq!(
                        ascii_alnum_run(&b, from),
                        reference(&b, from),
                        "{stop:#x} at {pos} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn alnum_table_is_is_ascii_alphanumeric() {
        for b in 0..=255u8 {
            assert_eq!(
                ASCII_ALNUM[usize::from(b)],
                b.is_ascii_alphanumeric(),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn abbreviation_check_is_the_lowercase_lookup() {
        let words = [
            "Inc", "INC", "inc", "Déc", "DÉC", "NºX", "Nº", "Mme", "mmes", "İ", "Approx",
        ];
        for w in words.iter().chain(ABBREVIATIONS) {
            let expected = ABBREVIATIONS.contains(&w.to_lowercase().as_str());
            assert_eq!(is_abbreviation(w), expected, "{w}");
        }
        assert!(!is_abbreviation("Incorporated"));
    }

    #[test]
    fn ascii_whitespace_fast_path_is_char_is_whitespace() {
        for b in 0u8..128 {
            let fast = matches!(b, b' ' | b'\t'..=b'\r');
            assert_eq!(fast, char::from(b).is_whitespace(), "{b:#x}");
        }
        // Vertical tab and form feed separate tokens like any whitespace.
        assert_eq!(words("a\x0bb\x0cc"), ["a", "b", "c"]);
    }

    #[test]
    fn is_alnum_agrees_with_std() {
        for c in ('\0'..='\u{2fff}').chain(['\u{1f600}', '\u{10400}']) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn french_elision_is_split_but_aujourdhui_is_not() {
        assert_eq!(
            words("L'entreprise qu'il dirige publie aujourd'hui ses comptes."),
            vec![
                "L'",
                "entreprise",
                "qu'",
                "il",
                "dirige",
                "publie",
                "aujourd'hui",
                "ses",
                "comptes",
                "."
            ]
        );
        assert_eq!(
            words("d’après l’analyste"),
            vec!["d’", "après", "l’", "analyste"]
        );
    }

    #[test]
    fn percentages_are_single_number_tokens() {
        let text = "Le titre gagne +5 % puis recule de -3,2 % ; Renault prend 5%.";
        let toks = tokenize(text);
        let nums: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokenKind::Number)
            .map(|t| t.text(text))
            .collect();
        assert_eq!(nums, vec!["+5 %", "-3,2 %", "5%"]);
        let fr = "une baisse de 12,5\u{a0}% sur 1\u{a0}000 salariés";
        let nums: Vec<&str> = tokenize(fr)
            .iter()
            .filter(|t| t.kind == TokenKind::Number)
            .map(|t| t.text(fr))
            .collect();
        assert_eq!(nums, vec!["12,5\u{a0}%", "1\u{a0}000"]);
    }

    #[test]
    fn english_possessive_contraction_and_abbreviation() {
        assert_eq!(
            words("Tesla's profit didn't rise in the U.S. market"),
            vec!["Tesla", "'s", "profit", "didn't", "rise", "in", "the", "U.S.", "market"]
        );
        assert_eq!(
            words("Saint-Gobain year-on-year"),
            vec!["Saint-Gobain", "year-on-year"]
        );
        let t = tokenize("$AAPL up 3.5%");
        assert_eq!(t[0].kind, TokenKind::Symbol);
        assert_eq!(t[3].kind, TokenKind::Number);
    }

    #[test]
    fn offsets_are_char_boundaries_on_odd_input() {
        let text = "Élan ’ « déçu » — 😀 l' 3. -+ %% 'ş ’s x’";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.start < t.end);
        }
        assert!(tokenize("").is_empty());
        assert!(sentence_spans("   \n\n ").is_empty());
    }

    #[test]
    fn sentences_respect_abbreviations_and_decimals() {
        let text = "M. Dupont, PDG de Foo Inc., a vu le titre gagner 3.5 % aux U.S. hier. \
                    Les ventes reculent! Pourquoi? Mme. Martin n'a rien dit, etc. Fin";
        let s: Vec<&str> = sentence_spans(text)
            .iter()
            .map(|&(a, b)| &text[a..b])
            .collect();
        assert_eq!(
            s,
            vec![
                "M. Dupont, PDG de Foo Inc., a vu le titre gagner 3.5 % aux U.S. hier.",
                "Les ventes reculent!",
                "Pourquoi?",
                "Mme. Martin n'a rien dit, etc.",
                "Fin"
            ]
        );
    }

    #[test]
    fn blank_line_always_splits_and_quotes_stay_attached() {
        let text = "Airbus livre plus d'avions\n\nLe constructeur a dit « c'est record. » Ensuite";
        let s: Vec<&str> = sentence_spans(text)
            .iter()
            .map(|&(a, b)| &text[a..b])
            .collect();
        assert_eq!(
            s,
            vec![
                "Airbus livre plus d'avions",
                "Le constructeur a dit « c'est record. »",
                "Ensuite"
            ]
        );
    }
}
