//! Case- and accent-folding with a byte-offset map back to the original text.
//!
//! The matcher searches a folded copy of the article ("Hermès" → "hermes",
//! "SOCIÉTÉ GÉNÉRALE" → "societe generale", `’` → `'`) so that one automaton covers
//! every spelling, then maps each hit back to the original bytes so mentions carry
//! offsets into the text the caller gave us.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A folded copy of a text plus what it takes to map folded offsets back to the
/// original text.
///
/// ASCII folds byte for byte, so only the non-ASCII characters (a few per cent of a
/// French article) are recorded: between two of them a folded offset maps to the
/// original by a fixed shift. A dense per-byte map cost more than the folding itself.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// The folded text (lowercase, accents removed, apostrophes and hyphens unified).
    pub text: String,
    /// One entry per character that does not fold to itself byte for byte (the leading
    /// separator, then every non-ASCII character), in text order.
    spans: Vec<Span>,
    /// Length of the original text (the offset an end at the folded end maps to).
    orig_len: u32,
}

/// A character whose folded bytes `folded..folded + folded_len` all map to the
/// original character at `orig..orig + orig_len`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Span {
    folded: u32,
    folded_len: u32,
    orig: u32,
    orig_len: u32,
}

impl Folded {
    /// Folds `s`. ASCII runs take a fast byte path; other characters go through
    /// [`fold_char`]. Offsets are `u32`; a text of 1 GiB or more is cut to its first
    /// GiB (at a character boundary) so folded offsets (folding can expand a character
    /// a few times) always fit.
    pub fn new(s: &str) -> Folded {
        let mut f = Folded::default();
        f.refill(s);
        f
    }

    /// Like [`Folded::new`] but reuses this value's buffers, so a worker folding
    /// article after article does not allocate (and free) buffers per article.
    pub fn refill(&mut self, s: &str) {
        let mut cut = s.len().min(u32::MAX as usize / 4);
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        let s = s.get(..cut).unwrap_or("");
        let mut out: Vec<u8> = std::mem::take(&mut self.text).into_bytes();
        out.clear();
        out.reserve(s.len() + 8);
        self.spans.clear();
        // A leading separator so that a name at the very start is preceded by one,
        // like everywhere else (patterns start with a separator, see the matcher).
        out.push(b' ');
        self.spans.push(Span {
            folded: 0,
            folded_len: 1,
            orig: 0,
            orig_len: 0,
        });
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut buf = String::new();
        while i < bytes.len() {
            // Blocks of 16 ASCII bytes: one test for "all ASCII", then a fold the
            // compiler turns into a few SIMD instructions (a byte-by-byte search for
            // the end of the run cost more than the folding).
            while let Some(block) = bytes
                .get(i..i + 16)
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
            {
                let mut folded = [0u8; 16];
                for (d, &b) in folded.iter_mut().zip(&block) {
                    *d = fold_ascii(b);
                }
                let high = u128::from_le_bytes(block) & ASCII_HIGH_BITS;
                if high != 0 {
                    // Keep the folded ASCII bytes before the first non-ASCII one (the
                    // whole block was folded at once, which beats a loop turn per byte).
                    let n = high.trailing_zeros() as usize / 8;
                    out.extend_from_slice(folded.get(..n).unwrap_or(&[]));
                    i += n;
                    break;
                }
                out.extend_from_slice(&folded);
                i += 16;
            }
            let Some(&b) = bytes.get(i) else {
                break;
            };
            if b < 0x80 {
                out.push(fold_ascii(b));
                i += 1;
                continue;
            }
            // Non-ASCII: decode one char (`i` is always on a char boundary here).
            let c = match s.get(i..).and_then(|r| r.chars().next()) {
                Some(c) => c,
                None => break,
            };
            let folded = match fold_latin(c).or_else(|| fold_special(c)) {
                Some(f) => f,
                None => {
                    buf.clear();
                    fold_char(c, &mut buf);
                    buf.as_str()
                }
            };
            self.spans.push(Span {
                folded: out.len() as u32,
                folded_len: folded.len() as u32,
                orig: i as u32,
                orig_len: c.len_utf8() as u32,
            });
            out.extend_from_slice(folded.as_bytes());
            i += c.len_utf8();
        }
        self.orig_len = s.len() as u32;
        // Only valid UTF-8 was pushed; checked anyway (with SIMD: std's check of every
        // article was 1 % of the entities stage), and no text rather than a panic.
        self.text = match simdutf8::basic::from_utf8(&out) {
            // SAFETY: `out` was validated as UTF-8 just above.
            Ok(_) => unsafe { String::from_utf8_unchecked(out) },
            Err(_) => {
                // Cannot happen; keep the invariants anyway (no text, nothing to map).
                self.spans.truncate(1);
                self.orig_len = 0;
                " ".to_string()
            }
        };
    }

    /// Original byte offset of the character that produced folded byte `i`; the
    /// folded length (or beyond) maps to the original length.
    pub fn original_offset(&self, i: usize) -> usize {
        if i >= self.text.len() {
            return self.orig_len as usize;
        }
        let i = i as u32;
        // The last recorded character at or before `i` (the first span is at 0).
        let k = self.spans.partition_point(|sp| sp.folded <= i);
        let Some(sp) = k.checked_sub(1).and_then(|k| self.spans.get(k)) else {
            return 0;
        };
        let end = sp.folded + sp.folded_len;
        if i < end {
            sp.orig as usize
        } else {
            // Inside the ASCII run that follows: one byte for one byte.
            (sp.orig + sp.orig_len + (i - end)) as usize
        }
    }

    /// Original byte range for the folded range `start..end`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let os = self.original_offset(start);
        // The end maps to the start of the next original char, which is the end of the
        // last char that produced a byte inside the match (boundary checks guarantee the
        // match does not stop in the middle of an expansion such as "œ" → "oe").
        let oe = self.original_offset(end);
        (os, oe.max(os))
    }
}

/// The high bit of each of 16 bytes: a block is all ASCII when none is set.
const ASCII_HIGH_BITS: u128 = u128::from_le_bytes([0x80; 16]);

/// Folds one ASCII byte: letters to lowercase, digits and the punctuation kept inside
/// names (`.&+@`: `AT&T`, `Inc.`, `Sports + Outdoors`) unchanged, everything else to a
/// space. Apostrophes and hyphens fold to spaces too, so `d'Apple`, `L'Oréal`/`L Oréal`
/// and `Coca-Cola`/`Coca Cola` need no special patterns: a name always starts after a
/// space in the folded text. Comparisons rather than a byte table, so the compiler can
/// fold a whole ASCII run with SIMD instructions.
#[inline]
fn fold_ascii(b: u8) -> u8 {
    let upper = b.wrapping_sub(b'A') < 26;
    let keep = b.wrapping_sub(b'a') < 26
        || b.wrapping_sub(b'0') < 10
        || b == b'.'
        || b == b'&'
        || b == b'+'
        || b == b'@';
    if upper {
        b | 0x20
    } else if keep {
        b
    } else {
        b' '
    }
}

/// Folds a pattern or a word the same way texts are folded (no offset map).
pub fn fold_str(s: &str) -> String {
    if s.is_ascii() {
        // Byte by byte: ASCII folds to ASCII, one byte each.
        let bytes: Vec<u8> = s.bytes().map(fold_ascii).collect();
        return String::from_utf8(bytes).unwrap_or_default();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Folds a word for comparison with the word lists: like [`fold_str`] but keeps
/// apostrophes (`'`) and hyphens (`-`), so `qu'` and `start-up` stay recognisable.
pub fn fold_word(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
            '-' | '\u{2010}' | '\u{2011}' => out.push('-'),
            _ => fold_char(c, &mut out),
        }
    }
    out
}

/// Calls `f` with the [`fold_word`] form of `s`. Words of up to 64 folded bytes made
/// of ASCII and common accented letters are folded into a stack buffer: the word-list
/// checks run on every candidate word, and allocating a `String` each time showed up
/// in profiles. Anything else takes the allocating path, with the same result.
pub fn with_folded_word<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    // Most words are already in folded form (lower-case ASCII letters, digits, `'`,
    // `-`, `.&+@`): then the fold is the word itself, with nothing to copy or check.
    if s.bytes().all(|b| {
        b.is_ascii_lowercase()
            || b.is_ascii_digit()
            || matches!(b, b'\'' | b'-' | b'.' | b'&' | b'+' | b'@')
    }) {
        return f(s);
    }
    let mut buf = [0u8; 64];
    // Other ASCII words (`Renault`, `l'Etat`): byte by byte, no char decoding.
    if s.len() <= buf.len() && s.is_ascii() {
        for (d, &b) in buf.iter_mut().zip(s.as_bytes()) {
            *d = match b {
                b'\'' | b'-' => b,
                _ => fold_ascii(b),
            };
        }
        return match std::str::from_utf8(&buf[..s.len()]) {
            Ok(w) => f(w),
            Err(_) => f(&fold_word(s)),
        };
    }
    let mut n = 0;
    for c in s.chars() {
        let mut one = [0u8; 1];
        let piece: &[u8] = match c {
            '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' => b"'",
            '-' | '\u{2010}' | '\u{2011}' => b"-",
            _ if c.is_ascii() => {
                one[0] = fold_ascii(c as u8);
                &one
            }
            _ => match fold_latin(c) {
                Some(x) => x.as_bytes(),
                None => return f(&fold_word(s)),
            },
        };
        let Some(dst) = buf.get_mut(n..n + piece.len()) else {
            return f(&fold_word(s));
        };
        dst.copy_from_slice(piece);
        n += piece.len();
    }
    // Only ASCII and whole UTF-8 sequences were copied.
    match std::str::from_utf8(&buf[..n]) {
        Ok(w) => f(w),
        Err(_) => f(&fold_word(s)),
    }
}

/// Appends the folded form of `c` to `out`: lowercase, canonical decomposition with
/// combining marks dropped, ligatures expanded, typographic apostrophes/hyphens/spaces
/// turned into spaces. Every output is non-empty, so offsets stay monotone.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(fold_ascii(c as u8) as char);
        return;
    }
    if let Some(f) = fold_latin(c) {
        out.push_str(f);
        return;
    }
    if let Some(f) = fold_special(c) {
        out.push_str(f);
        return;
    }
    let before = out.len();
    for l in c.to_lowercase() {
        decompose_canonical(l, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        });
    }
    if out.len() == before {
        // A lone combining mark: keep it so every char produces output.
        out.push(c);
    } else if !c.is_alphanumeric() {
        // Non-ASCII punctuation (`«`, `—`, `…`) separates words like a space.
        out.truncate(before);
        out.push(' ');
    }
}

/// Apostrophes, hyphens and spaces that fold to a space, and ligatures. Not part of
/// [`fold_latin`]: [`fold_word`] keeps apostrophes.
fn fold_special(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '\u{2032}' => " ",
        '\u{2010}' | '\u{2011}' => " ",
        '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}' => " ",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        _ => return None,
    })
}

/// Fast path for the accented letters and punctuation of French and English news
/// (the general path through Unicode decomposition is several times slower).
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => "u",
        'ÿ' | 'Ÿ' | 'ý' | 'Ý' => "y",
        'ñ' | 'Ñ' => "n",
        '«' | '»' | '“' | '”' | '—' | '–' | '…' | '€' | '°' | '•' | '·' => " ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_apostrophes() {
        let f = Folded::new("L’Oréal et SOCIÉTÉ GÉNÉRALE");
        assert_eq!(f.text, " l oreal et societe generale");
        assert_eq!(fold_str("«Coca-Cola», AT&T"), " coca cola   at&t");
        assert_eq!(fold_str("Hermès"), "hermes");
        assert_eq!(fold_str("Moët Hennessy"), "moet hennessy");
        assert_eq!(fold_str("Œuvre"), "oeuvre");
        assert_eq!(fold_word("Qu’Élise"), "qu'elise");
        for w in [
            "Qu’Élise",
            "Société",
            "START-UP",
            "Œuvre",
            "日本",
            "",
            "a-b'c",
            // the fast paths: already folded, other ASCII, ASCII punctuation
            "vaccin",
            "l'etat",
            "Renault",
            "L'Etat",
            "AT&T",
            "S.A.",
            "x«y",
        ] {
            assert_eq!(with_folded_word(w, str::to_string), fold_word(w));
        }
        let long = "x".repeat(100);
        assert_eq!(with_folded_word(&long, str::len), 100);
    }

    #[test]
    fn offsets_map_back_to_original_bytes() {
        let s = "Le groupe Hermès a progressé.";
        let f = Folded::new(s);
        let start = f.text.find("hermes").unwrap_or(0);
        let (os, oe) = f.original_span(start, start + "hermes".len());
        assert_eq!(&s[os..oe], "Hermès");
        assert_dense_map(s);
    }

    /// Checks every folded offset of `s` against a per-byte map built char by char.
    fn assert_dense_map(s: &str) {
        let f = Folded::new(s);
        let mut dense = vec![0usize];
        let mut buf = String::new();
        for (o, c) in s.char_indices() {
            buf.clear();
            fold_char(c, &mut buf);
            dense.extend(std::iter::repeat_n(o, buf.len()));
        }
        assert_eq!(dense.len(), f.text.len(), "{s:?}");
        dense.push(s.len());
        for (i, &o) in dense.iter().enumerate() {
            assert_eq!(f.original_offset(i), o, "{s:?} at folded byte {i}");
        }
    }

    #[test]
    fn ascii_fold_keeps_alphanumerics_and_name_punctuation() {
        for b in 0u8..128 {
            let want = if b.is_ascii_alphanumeric() {
                b.to_ascii_lowercase()
            } else if b".&+@".contains(&b) {
                b
            } else {
                b' '
            };
            assert_eq!(fold_ascii(b), want, "byte {b}");
        }
    }

    #[test]
    fn sparse_offsets_match_a_dense_map() {
        for s in [
            "",
            "abc",
            "é",
            "Œuvre ﬁ",
            "L’Oréal et SOCIÉTÉ GÉNÉRALE",
            "«Coca-Cola», AT&T — 5 €…",
            "\u{301}ﬁ日本 x",
            "ends with é",
        ] {
            assert_dense_map(s);
        }
        // Long enough for the 16-byte ASCII blocks, with accents at every alignment.
        let mut long = String::new();
        for i in 0..40 {
            long.push_str(&"Société Générale, L’Oréal et AT&T".repeat(1 + i % 3));
            long.push_str(&"x".repeat(i));
        }
        assert_dense_map(&long);
    }

    #[test]
    fn refill_reuses_buffers_with_the_same_result() {
        let mut f = Folded::new("Une longue phrase sur SOCIÉTÉ GÉNÉRALE et Hermès.");
        for s in ["L’Oréal", "", "Œuvre ﬁ", "abc"] {
            f.refill(s);
            let g = Folded::new(s);
            assert_eq!(
                (&f.text, &f.spans, f.orig_len),
                (&g.text, &g.spans, g.orig_len)
            );
        }
    }

    #[test]
    fn empty_and_exotic_input_do_not_panic() {
        assert_eq!(Folded::new("").text, " ");
        let f = Folded::new("\u{301}ﬁ日本");
        assert_eq!(f.original_offset(f.text.len()), "\u{301}ﬁ日本".len());
    }
}
