//! Tokens and names of the media-outlet rules (see the parent module): a short
//! stretch of text cut into words and punctuation, and the outlet names read forwards
//! or backwards from a token (`« X »`, `de La X`, `France 24`).

use crate::entities::discover::is_stopword;
use crate::entities::fold::with_folded_word;
use crate::text::tokenize::is_alnum as alnum;

/// A word or a punctuation mark of a short stretch of text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    pub(super) s: usize,
    pub(super) e: usize,
    pub(super) word: bool,
}

/// Opening quotes, and the straight quote that cleaned texts use for both.
pub(super) fn is_open_quote(c: char) -> bool {
    matches!(c, '«' | '“' | '„' | '‘' | '"')
}

/// Closing quotes, and the straight quote.
pub(super) fn is_close_quote(c: char) -> bool {
    matches!(c, '»' | '”' | '’' | '"')
}

/// Tokens of `text[lo..hi]` (clipped to char boundaries): words are runs of letters,
/// digits and inner `-`, `&`, `+` or apostrophes; an elided `d'`, `l'`, `qu'` is a word
/// of its own; every other non-space character is a punctuation token.
pub(super) fn tokens(text: &str, lo: usize, hi: usize) -> Vec<Tok> {
    let mut lo = lo.min(text.len());
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = hi.min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let seg = &text[lo..hi];
    let bytes = seg.as_bytes();
    // The char at byte `i` (a char boundary) and its length; ASCII without decoding.
    let char_at = |i: usize| -> Option<(char, usize)> {
        match bytes.get(i) {
            Some(&b) if b.is_ascii() => Some((char::from(b), 1)),
            Some(_) => seg.get(i..)?.chars().next().map(|c| (c, c.len_utf8())),
            None => None,
        }
    };
    // About one token per five bytes of news text.
    let mut out = Vec::with_capacity(seg.len() / 4 + 1);
    let mut i = 0;
    while let Some((c, len)) = char_at(i) {
        if alnum(c) {
            let mut e = i + len;
            while let Some((d, dl)) = char_at(e) {
                if alnum(d) {
                    e += dl;
                    continue;
                }
                let inner = matches!(d, '-' | '&' | '+' | '\'' | '’')
                    && char_at(e + dl).is_some_and(|(n, _)| alnum(n));
                if !inner {
                    break;
                }
                if matches!(d, '\'' | '’') && e - i <= 2 {
                    // `d'OCS`, `l'hebdomadaire`: the elided word ends at the apostrophe.
                    e += dl;
                    break;
                }
                e += dl;
            }
            out.push(Tok {
                s: lo + i,
                e: lo + e,
                word: true,
            });
            i = e;
        } else {
            if !c.is_whitespace() {
                out.push(Tok {
                    s: lo + i,
                    e: lo + i + len,
                    word: false,
                });
            }
            i += len;
        }
    }
    out
}

/// A candidate outlet name: its span and how it is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Name {
    pub(super) s: usize,
    pub(super) e: usize,
    /// Between quotes (`« X »`) or opened by a capital article in mid-sentence (`de La
    /// X`): written as a title.
    pub(super) titled: bool,
}

pub(super) struct Toks<'a> {
    pub(super) text: &'a str,
    pub(super) t: Vec<Tok>,
}

impl Toks<'_> {
    pub(super) fn str(&self, i: usize) -> &str {
        self.t
            .get(i)
            .and_then(|t| self.text.get(t.s..t.e))
            .unwrap_or("")
    }

    pub(super) fn folded_in(&self, i: usize, list: &[&str]) -> bool {
        let w = self.str(i).trim_end_matches(['\'', '’']);
        self.t.get(i).is_some_and(|t| t.word) && with_folded_word(w, |f| list.contains(&f))
    }

    pub(super) fn punct(&self, i: usize) -> Option<char> {
        self.t
            .get(i)
            .filter(|t| !t.word)
            .and_then(|_| self.str(i).chars().next())
    }

    pub(super) fn capitalised(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.word)
            && self.str(i).starts_with(char::is_uppercase)
            && !is_stopword(self.str(i))
    }

    pub(super) fn digits(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.word) && self.str(i).bytes().all(|b| b.is_ascii_digit())
    }

    pub(super) fn article(&self, i: usize) -> bool {
        matches!(self.str(i), "Le" | "La" | "Les" | "L'" | "L’" | "The")
    }

    /// A line break between tokens `a` and `b`.
    pub(super) fn broken(&self, a: usize, b: usize) -> bool {
        match (self.t.get(a), self.t.get(b)) {
            (Some(x), Some(y)) => self.text.get(x.e..y.s).is_some_and(|g| g.contains('\n')),
            _ => true,
        }
    }

    /// The name starting at token `i`: a quoted title, a capital article and a
    /// capitalised run, or a capitalised run (`France 24`, `Deutsche Welle`).
    pub(super) fn name_at(&self, i: usize) -> Option<(Name, usize)> {
        if self.punct(i).is_some_and(is_open_quote) {
            let mut j = i + 1;
            while j < self.t.len() && j <= i + 10 && !self.broken(j - 1, j) {
                let closing = self.punct(j).is_some_and(is_close_quote);
                let opened = j > i + 1 && (self.capitalised(i + 1) || self.article(i + 1));
                if closing && opened && !is_stopword(self.str(j - 1)) {
                    let n = Name {
                        s: self.t[i + 1].s,
                        e: self.t[j - 1].e,
                        titled: true,
                    };
                    return Some((n, j + 1));
                }
                j += 1;
            }
            return None;
        }
        let mut j = i;
        let titled = self.article(i) && self.capitalised(i + 1) && !self.broken(i, i + 1);
        if titled {
            j += 1;
        }
        if !self.capitalised(j) {
            return None;
        }
        let start = j;
        j += 1;
        while j < self.t.len() && j - start < 5 && !self.broken(j - 1, j) {
            // Inside a name a capitalised function word belongs to it (`Russia Today`).
            let cap = self.t[j].word && self.str(j).starts_with(char::is_uppercase);
            if cap || self.digits(j) {
                j += 1;
            } else if self.folded_in(j, &["de", "du", "des", "of", "&"])
                && self.capitalised(j + 1)
                && !self.broken(j, j + 1)
            {
                j += 2;
            } else {
                break;
            }
        }
        let n = Name {
            s: self.t[i].s,
            e: self.t[j - 1].e,
            titled,
        };
        Some((n, j))
    }

    /// The name ending at token `j` (inclusive), read backwards.
    pub(super) fn name_ending(&self, j: usize) -> Option<Name> {
        if self.punct(j).is_some_and(is_close_quote) {
            let mut i = j;
            while i > 0 && i + 10 > j {
                i -= 1;
                if self.broken(i, i + 1) {
                    return None;
                }
                if self.punct(i).is_some_and(is_open_quote) {
                    return self
                        .name_at(i)
                        .map(|(n, _)| n)
                        .filter(|n| n.e <= self.t[j].s);
                }
            }
            return None;
        }
        if !(self.capitalised(j) || self.digits(j) && j > 0 && self.capitalised(j - 1)) {
            return None;
        }
        let mut i = j;
        while i > 0 && j - i < 4 && !self.broken(i - 1, i) {
            if self.capitalised(i - 1) {
                i -= 1;
            } else if i >= 2
                && self.folded_in(i - 1, &["de", "du", "des", "of", "&"])
                && self.capitalised(i - 2)
            {
                i -= 2;
            } else {
                break;
            }
        }
        // A capital article in mid-sentence belongs to the title (`de La Provence`).
        let titled = i >= 2
            && self.article(i - 1)
            && self.t.get(i - 2).is_some_and(|t| t.word)
            && self.str(i - 2).starts_with(char::is_lowercase)
            && !self.broken(i - 2, i - 1)
            && !self.broken(i - 1, i);
        if titled {
            i -= 1;
        }
        Some(Name {
            s: self.t[i].s,
            e: self.t[j].e,
            titled,
        })
    }
}
