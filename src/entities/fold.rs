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
    pub map: Vec<usize>,
}

impl Folded {
    /// Folds `s`, recording the offset map. ASCII runs take a fast byte path; other
    /// characters go through [`fold_char`].
    pub fn new(s: &str) -> Folded {
        let mut out: Vec<u8> = Vec::with_capacity(s.len() + 8);
        let mut map: Vec<usize> = Vec::with_capacity(s.len() + 9);
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut buf = String::new();
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                out.push(b.to_ascii_lowercase());
                map.push(i);
                i += 1;
                continue;
            }
            // Non-ASCII: decode one char (`i` is always on a char boundary here).
            let c = match s.get(i..).and_then(|r| r.chars().next()) {
                Some(c) => c,
                None => break,
            };
            buf.clear();
            fold_char(c, &mut buf);
            for &fb in buf.as_bytes() {
                out.push(fb);
                map.push(i);
            }
            i += c.len_utf8();
        }
        map.push(s.len());
        // Only valid UTF-8 was pushed; fall back to lossy rather than panic.
        let text = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if text.len() + 1 != map.len() {
            // Cannot happen (lossy conversion only on invalid input); keep invariants anyway.
            return Folded {
                text: String::new(),
                map: vec![s.len()],
            };
        }
        Folded { text, map }
    }

    /// Original byte range for the folded range `start..end`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let os = self.map.get(start).copied().unwrap_or(0);
        // The end maps to the start of the next original char, which is the end of the
        // last char that produced a byte inside the match (boundary checks guarantee the
        // match does not stop in the middle of an expansion such as "œ" → "oe").
        let oe = self.map.get(end).copied().unwrap_or(os);
        (os, oe.max(os))
    }
}

/// Folds a pattern or a word the same way texts are folded (no offset map).
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Appends the folded form of `c` to `out`: lowercase, canonical decomposition with
/// combining marks dropped, ligatures expanded, typographic apostrophes/hyphens/spaces
/// unified. Every output is non-empty, so offsets stay monotone.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '\u{2032}' => out.push('\''),
        '\u{2010}' | '\u{2011}' => out.push('-'),
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
            }
        }
    }
}

/// True for characters that make up words (letters and digits).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_apostrophes() {
        let f = Folded::new("L’Oréal et SOCIÉTÉ GÉNÉRALE");
        assert_eq!(f.text, "l'oreal et societe generale");
        assert_eq!(fold_str("Hermès"), "hermes");
        assert_eq!(fold_str("Moët Hennessy"), "moet hennessy");
        assert_eq!(fold_str("Œuvre"), "oeuvre");
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
    fn empty_and_exotic_input_do_not_panic() {
        assert_eq!(Folded::new("").text, "");
        let f = Folded::new("\u{301}ﬁ日本");
        assert_eq!(f.map.len(), f.text.len() + 1);
    }
}
