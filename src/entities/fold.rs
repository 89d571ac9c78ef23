//! Case- and accent-folding with a byte-offset map back to the original text.
//!
//! The matcher searches a folded copy of the article ("Hermès" → "hermes",
//! "SOCIÉTÉ GÉNÉRALE" → "societe generale", `’` → `'`) so that one automaton covers
//! every spelling, then maps each hit back to the original bytes so mentions carry
//! offsets into the text the caller gave us.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A folded copy of a text plus, for every folded byte, the byte offset in the
/// original text of the character it came from.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// The folded text (lowercase, accents removed, apostrophes and hyphens unified).
    pub text: String,
    /// `map[i]` = original byte offset of the character that produced folded byte `i`;
    /// `map[text.len()]` = original length, so `map[end]` is valid for any end offset.
    pub map: Vec<u32>,
}

impl Folded {
    /// Folds `s`, recording the offset map. ASCII runs take a fast byte path; other
    /// characters go through [`fold_char`]. Offsets are `u32` (half the memory traffic
    /// of `usize`); a text of 4 GiB or more is cut to its first 4 GiB (at a character
    /// boundary) so offsets always fit.
    pub fn new(s: &str) -> Folded {
        let mut f = Folded::default();
        f.refill(s);
        f
    }

    /// Like [`Folded::new`] but reuses this value's buffers, so a worker folding
    /// article after article does not allocate (and free) two buffers per article.
    pub fn refill(&mut self, s: &str) {
        let mut cut = s.len().min(u32::MAX as usize - 1);
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        let s = s.get(..cut).unwrap_or("");
        let mut out: Vec<u8> = std::mem::take(&mut self.text).into_bytes();
        let mut map: Vec<u32> = std::mem::take(&mut self.map);
        out.clear();
        map.clear();
        out.reserve(s.len() + 8);
        map.reserve(s.len() + 9);
        // A leading separator so that a name at the very start is preceded by one,
        // like everywhere else (patterns start with a separator, see the matcher).
        out.push(b' ');
        map.push(0u32);
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut buf = String::new();
        while i < bytes.len() {
            if bytes[i] < 0x80 {
                // Whole ASCII run at once (vectorisable table lookup and offset range).
                let run = bytes[i..]
                    .iter()
                    .position(|&b| b >= 0x80)
                    .unwrap_or(bytes.len() - i);
                let j = i + run;
                out.extend(bytes[i..j].iter().map(|&b| ASCII_FOLD[(b & 0x7f) as usize]));
                map.extend(i as u32..j as u32);
                i = j;
                continue;
            }
            // Non-ASCII: decode one char (`i` is always on a char boundary here).
            let c = match s.get(i..).and_then(|r| r.chars().next()) {
                Some(c) => c,
                None => break,
            };
            let folded = match fold_latin(c) {
                Some(f) => f,
                None => {
                    buf.clear();
                    fold_char(c, &mut buf);
                    buf.as_str()
                }
            };
            for &fb in folded.as_bytes() {
                out.push(fb);
                map.push(i as u32);
            }
            i += c.len_utf8();
        }
        map.push(s.len() as u32);
        // Only valid UTF-8 was pushed; fall back to lossy rather than panic.
        let text = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if text.len() + 1 != map.len() {
            // Cannot happen (lossy conversion only on invalid input); keep invariants anyway.
            self.text = String::new();
            self.map = vec![s.len() as u32];
            return;
        }
        self.text = text;
        self.map = map;
    }

    /// Original byte range for the folded range `start..end`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let os = self.map.get(start).copied().unwrap_or(0) as usize;
        // The end maps to the start of the next original char, which is the end of the
        // last char that produced a byte inside the match (boundary checks guarantee the
        // match does not stop in the middle of an expansion such as "œ" → "oe").
        let oe = self.map.get(end).map(|&x| x as usize).unwrap_or(os);
        (os, oe.max(os))
    }
}

/// Punctuation kept inside names (`AT&T`, `Inc.`, `Sports + Outdoors`); every other
/// non-alphanumeric character folds to a space. Apostrophes and hyphens fold to spaces
/// too, so `d'Apple`, `L'Oréal`/`L Oréal` and `Coca-Cola`/`Coca Cola` need no special
/// patterns: a name always starts after a space in the folded text.
const KEEP: &[u8] = b".&+@";

/// Byte table for the ASCII fast path: lowercase letters, digits and [`KEEP`]
/// unchanged, everything else a space.
const ASCII_FOLD: [u8; 128] = {
    let mut t = [b' '; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            t[i] = b.to_ascii_lowercase();
        } else {
            let mut k = 0;
            while k < KEEP.len() {
                if KEEP[k] == b {
                    t[i] = b;
                }
                k += 1;
            }
        }
        i += 1;
    }
    t
};

/// Folds a pattern or a word the same way texts are folded (no offset map).
pub fn fold_str(s: &str) -> String {
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
    let mut buf = [0u8; 64];
    let mut n = 0;
    for c in s.chars() {
        let mut one = [0u8; 1];
        let piece: &[u8] = match c {
            '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' => b"'",
            '-' | '\u{2010}' | '\u{2011}' => b"-",
            _ if c.is_ascii() => {
                one[0] = ASCII_FOLD[c as usize];
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
        out.push(ASCII_FOLD[c as usize] as char);
        return;
    }
    if let Some(f) = fold_latin(c) {
        out.push_str(f);
        return;
    }
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '\u{2032}' => out.push(' '),
        '\u{2010}' | '\u{2011}' => out.push(' '),
        '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}' => out.push(' '),
        'œ' | 'Œ' => out.push_str("oe"),
        'æ' | 'Æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        _ => {
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
    }
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
        // The map always has one more entry than the folded text.
        assert_eq!(f.map.len(), f.text.len() + 1);
    }

    #[test]
    fn refill_reuses_buffers_with_the_same_result() {
        let mut f = Folded::new("Une longue phrase sur SOCIÉTÉ GÉNÉRALE et Hermès.");
        for s in ["L’Oréal", "", "Œuvre ﬁ", "abc"] {
            f.refill(s);
            let g = Folded::new(s);
            assert_eq!((&f.text, &f.map), (&g.text, &g.map));
        }
    }

    #[test]
    fn empty_and_exotic_input_do_not_panic() {
        assert_eq!(Folded::new("").text, " ");
        let f = Folded::new("\u{301}ﬁ日本");
        assert_eq!(f.map.len(), f.text.len() + 1);
    }
}
