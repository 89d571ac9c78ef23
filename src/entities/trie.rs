//! A compact byte trie over the matcher's patterns, searched leftmost-longest.
//!
//! Every matcher pattern starts with a space (see [`super::matcher`]), so a match can
//! only start at a space of the folded text: the search jumps from space to space and
//! walks the trie from there. This gives the same matches as a leftmost-longest
//! Aho-Corasick automaton, but the trie is about 1 MB where the DFA was 16 MB, so the
//! walk stays in the CPU caches (the DFA scan was cache-miss bound and a third of the
//! entities stage). [`Trie::find_word_from`] also skips, before any walk, the words that
//! start no pattern (alone or with the next word): two words in three of a news text.

/// No pattern ends at this node (pattern ids have 24 bits: see [`Rec::hi`]).
const NONE: u32 = (1 << 24) - 1;

/// Records are addressed with 24 bits (16 M records, far above any gazetteer).
const MAX_RECS: usize = 1 << 24;

/// Nodes with at most this many children keep their bytes in [`Rec::keys`].
const KEYED: usize = 8;

/// `Rec::kids` of a node with more children: they are a table indexed by byte class.
const DENSE: u8 = u8::MAX;

/// `0x0101…01`: times a byte, that byte in every lane of a `u64`.
use crate::text::swar::{in_range, HIGH, LOW};

/// One node, stored in its parent's child group. Everything a step of the walk needs
/// is in the child's record, so a step costs one memory access (the trie is laid out
/// depth-first: the groups along a long name are next to each other).
///
/// A step finds the child without a search loop (a loop over a child list was half of
/// the walk's instructions and its exit was hard to predict): a node with few children
/// compares their bytes all at once; the others (the first levels, walked for almost
/// every word) have a child table indexed by byte class. Sixteen bytes (the keys
/// doubled the record, but a step still reads one record).
#[derive(Debug, Clone, Copy)]
struct Rec {
    /// The children's bytes, one per byte lane in group order (the unused lanes repeat
    /// the first byte); 0 in a table node.
    keys: u64,
    /// Index of the first child record (low 24 bits) and the high 8 bits of the
    /// pattern id (top byte): see [`Rec::first`] and [`Rec::pattern`].
    hi: u32,
    /// Low 16 bits of the id of the pattern that ends here ([`NONE`] when none).
    lo: u16,
    /// The byte leading to this node (checked in tables: empty slots hold 0).
    byte: u8,
    /// Number of children (their records are `recs[first..first + kids]`), or
    /// [`DENSE`]: the children are `recs[first + class]` for every byte class.
    kids: u8,
}

const EMPTY: Rec = Rec {
    keys: 0,
    hi: NONE >> 16 << 24,
    lo: NONE as u16,
    byte: 0,
    kids: 0,
};

impl Rec {
    /// Index of the first child record.
    #[inline]
    fn first(&self) -> usize {
        (self.hi & 0x00FF_FFFF) as usize
    }

    /// Id of the pattern that ends here, or [`NONE`].
    #[inline]
    fn pattern(&self) -> u32 {
        (self.hi >> 24) << 16 | u32::from(self.lo)
    }

    /// Sets the pattern id (`id` ≤ [`NONE`]).
    fn set_pattern(&mut self, id: u32) {
        self.hi = (self.hi & 0x00FF_FFFF) | (id >> 16) << 24;
        self.lo = id as u16;
    }

    /// Sets the index of the first child (`first` < [`MAX_RECS`]).
    fn set_first(&mut self, first: usize) {
        self.hi = (self.hi & 0xFF00_0000) | first as u32;
    }
}

/// Bits of each word filter's hash: 2^18 bits = 32 KB per set, which stays in the
/// L2 cache; each set holds tens of thousands of keys of the ~100,000 patterns, so
/// about one bit in five is set and four words in five that start no pattern are
/// skipped without a walk.
const WORD_BITS: u32 = 18;

/// Immutable trie; `recs[0]` is the root (the empty string).
#[derive(Debug, Clone)]
pub struct Trie {
    recs: Vec<Rec>,
    /// Byte → class (0: the byte occurs in no pattern); only used by table nodes.
    class: [u16; 256],
    classes: usize,
    /// Word filter of [`Trie::find_word_from`]: bitset over the [`word_key`] of each
    /// pattern's first word (after its first byte), for patterns where that word is not
    /// followed by a space and a second word (`apple`, `at&t`, `inc.`), or is 8 bytes
    /// or longer.
    words: Box<[u64]>,
    /// The same for the other patterns, over their first two words (`de beers`,
    /// `la poste`): function words start many patterns, so their first word alone would
    /// let almost every `de` and `la` of a text walk the trie.
    pairs: Box<[u64]>,
}

/// The first up-to-8 bytes of the run of ASCII lowercase letters and digits that starts
/// at `hay[p]`, zero-padded into a `u64` (0 for an empty run), and the run's length, 8
/// meaning "8 or more". Branch-free: the bytes are classified 8 at a time.
#[inline]
fn word_key(hay: &[u8], p: usize) -> (u64, usize) {
    let x = match hay.get(p..p + 8) {
        Some(b) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            u64::from_le_bytes(a)
        }
        None => {
            let rest = hay.get(p..).unwrap_or(&[]);
            let mut a = [0u8; 8];
            a[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(a)
        }
    };
    // High bits cleared for the range tests (see `swar`); non-ASCII bytes never count.
    let y = x & !HIGH;
    let alnum = (in_range(y, b'a', b'z') | in_range(y, b'0', b'9')) & !x;
    let stop = !alnum & HIGH;
    if stop == 0 {
        return (x, 8);
    }
    // `stop`'s lowest set bit is bit 7 of the first byte not in the run.
    let len_bits = stop.trailing_zeros() & !7;
    (x & ((1u64 << len_bits) - 1), len_bits as usize / 8)
}

/// Bit index of a first-word key in [`Trie::words`].
#[inline]
fn word_bit(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - WORD_BITS)) as usize
}

/// Bit index of a pair of word keys in [`Trie::pairs`].
#[inline]
fn pair_bit(first: u64, second: u64) -> usize {
    ((first.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ second).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> (64 - WORD_BITS)) as usize
}

/// Sets or tests bit `bit` of a bitset.
#[inline]
fn set_bit(set: &mut [u64], bit: usize) {
    if let Some(w) = set.get_mut(bit / 64) {
        *w |= 1 << (bit % 64);
    }
}

#[inline]
fn has_bit(set: &[u64], bit: usize) -> bool {
    set.get(bit / 64)
        .is_some_and(|w| w & (1 << (bit % 64)) != 0)
}

/// Whether a text position passes the filters: the word at `hay[p..]` alone, or with
/// the word after it. Patterns are filed the same way, so a position where a pattern
/// matches and the match ends at a word end always passes. Also returns the length of
/// the word's run of letters and digits (up to 8), which the search can skip.
#[inline]
fn passes(words: &[u64], pairs: &[u64], hay: &[u8], p: usize) -> (bool, usize) {
    let (k1, len) = word_key(hay, p);
    if has_bit(words, word_bit(k1)) {
        return (true, len);
    }
    let pair = len < 8
        && hay.get(p + len) == Some(&b' ')
        && has_bit(pairs, pair_bit(k1, word_key(hay, p + len + 1).0));
    (pair, len)
}

impl Trie {
    /// Builds the trie; pattern `i` of `patterns` is reported as id `i`. If a pattern
    /// occurs twice the first id wins. Empty patterns are ignored. `None` beyond 16,777,214
    /// patterns or 16 M nodes (the matcher has about 100,000 patterns).
    pub fn new<S: AsRef<[u8]>>(patterns: &[S]) -> Option<Trie> {
        // A plain trie first: children lists and the pattern ending at each node.
        let mut children: Vec<Vec<(u8, usize)>> = vec![Vec::new()];
        let mut pattern: Vec<u32> = vec![NONE];
        let mut used = [false; 256];
        for (id, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            if p.is_empty() {
                continue;
            }
            let mut n = 0usize;
            for &b in p {
                used[b as usize] = true;
                n = match children[n].iter().find(|&&(c, _)| c == b) {
                    Some(&(_, to)) => to,
                    None => {
                        let to = children.len();
                        children.push(Vec::new());
                        pattern.push(NONE);
                        children[n].push((b, to));
                        to
                    }
                };
            }
            if pattern[n] == NONE {
                pattern[n] = u32::try_from(id).ok().filter(|&i| i < NONE)?;
            }
        }
        for c in &mut children {
            c.sort_unstable_by_key(|&(b, _)| b);
        }
        let mut class = [0u16; 256];
        let mut classes = 1usize;
        for (b, &u) in used.iter().enumerate() {
            if u {
                class[b] = classes as u16;
                classes += 1;
            }
        }
        let mut words = vec![0u64; (1 << WORD_BITS) / 64].into_boxed_slice();
        let mut pairs = words.clone();
        for p in patterns {
            let p = p.as_ref();
            let (k1, len) = word_key(p, 1);
            if len < 8 && p.get(1 + len) == Some(&b' ') {
                set_bit(&mut pairs, pair_bit(k1, word_key(p, len + 2).0));
            } else {
                set_bit(&mut words, word_bit(k1));
            }
        }
        let mut trie = Trie {
            recs: vec![{
                let mut r = EMPTY;
                r.set_pattern(pattern[0]);
                r
            }],
            class,
            classes,
            words,
            pairs,
        };
        // Depth-first: place a node's child group, then recurse into each child.
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)]; // (old node, its record)
        while let Some((old, at)) = stack.pop() {
            let kids = &children[old];
            if kids.is_empty() {
                continue;
            }
            let first = trie.recs.len();
            let dense = kids.len() > KEYED;
            if dense {
                trie.recs.resize(first + trie.classes, EMPTY);
            }
            let mut lanes = [kids[0].0; 8];
            for (k, &(b, to)) in kids.iter().enumerate() {
                let mut rec = Rec { byte: b, ..EMPTY };
                rec.set_pattern(pattern[to]);
                if dense {
                    trie.recs[first + trie.class[b as usize] as usize] = rec;
                } else {
                    lanes[k] = b;
                    trie.recs.push(rec);
                }
            }
            if first >= MAX_RECS {
                return None;
            }
            let r = &mut trie.recs[at];
            r.set_first(first);
            if dense {
                r.kids = DENSE;
            } else {
                r.keys = u64::from_le_bytes(lanes);
                r.kids = kids.len() as u8;
            }
            // Reversed so the first child's group is placed next.
            for (k, &(b, to)) in kids.iter().enumerate().rev() {
                let slot = if dense {
                    first + trie.class[b as usize] as usize
                } else {
                    first + k
                };
                stack.push((to, slot));
            }
        }
        Some(trie)
    }

    /// The record of the child of `r` along byte `b`.
    #[inline]
    fn child(&self, r: &Rec, b: u8) -> Option<&Rec> {
        let first = r.first();
        match r.kids as usize {
            0 => None,
            1..=KEYED => {
                // Zero lanes of `v` hold `b`; the lowest bit set in `z` marks the first
                // of them exactly (a borrow only spoils the lanes above it).
                let v = r.keys ^ LOW.wrapping_mul(u64::from(b));
                let z = v.wrapping_sub(LOW) & !v & HIGH;
                if z == 0 {
                    return None;
                }
                self.recs.get(first + z.trailing_zeros() as usize / 8)
            }
            _ => {
                let c = self.recs.get(first + self.class[b as usize] as usize)?;
                // Empty slots are neither a pattern end nor an inner node.
                (c.byte == b && (c.kids != 0 || c.pattern() != NONE)).then_some(c)
            }
        }
    }

    /// The longest pattern that starts at `hay[start]` and ends at or before `end`:
    /// `(end of the match, pattern id)`.
    #[inline]
    pub fn longest_at(&self, hay: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
        self.longest_from(self.recs.first()?, hay, start, end, None)
    }

    /// The walk of [`Trie::longest_at`] from node `r`, which was reached at `start`;
    /// `best` is the match found before it.
    #[inline]
    fn longest_from<'a>(
        &'a self,
        mut r: &'a Rec,
        hay: &[u8],
        start: usize,
        end: usize,
        mut best: Option<(usize, usize)>,
    ) -> Option<(usize, usize)> {
        for (i, &b) in hay.get(start..end.min(hay.len()))?.iter().enumerate() {
            let Some(c) = self.child(r, b) else {
                break;
            };
            r = c;
            let p = r.pattern();
            if p != NONE {
                best = Some((start + i + 1, p as usize));
            }
        }
        best
    }

    /// Leftmost-longest match starting at or after `from` among positions where `hay`
    /// holds `first` (the byte every pattern starts with): `(start, end, pattern id)`.
    /// The unfiltered search: the reference [`Trie::find_word_from`] is tested against.
    #[cfg(test)]
    pub fn find_from(&self, hay: &[u8], from: usize, first: u8) -> Option<(usize, usize, usize)> {
        // Every walk takes the same first step: take it once.
        let head = self.child(self.recs.first()?, first)?;
        let head_match =
            |s: usize| (head.pattern() != NONE).then_some((s + 1, head.pattern() as usize));
        let mut pos = from;
        while let Some(off) = hay
            .get(pos..)
            .and_then(|h| h.iter().position(|&b| b == first))
        {
            let s = pos + off;
            if let Some((e, id)) = self.longest_from(head, hay, s + 1, hay.len(), head_match(s)) {
                return Some((s, e, id));
            }
            pos = s + 1;
        }
        None
    }

    /// Like `Trie::find_from` (the test-only unfiltered search), but skips the positions where no match can end at the
    /// end of a word: those whose word (the run of ASCII lowercase letters and digits
    /// after `first`) does not start any pattern, alone or with the next word. A match
    /// that ends where the next byte is not an ASCII letter or digit starts with its
    /// pattern's words, so for callers that only accept such matches the result is the
    /// same, and most words of a text never walk the trie (the walk was cache-miss
    /// bound).
    #[inline]
    pub fn find_word_from(
        &self,
        hay: &[u8],
        from: usize,
        first: u8,
    ) -> Option<(usize, usize, usize)> {
        let head = self.child(self.recs.first()?, first)?;
        let head_match =
            |s: usize| (head.pattern() != NONE).then_some((s + 1, head.pattern() as usize));
        // The run of letters and digits after a position holds no other start, unless
        // `first` is itself a letter or digit.
        let skips = !first.is_ascii_alphanumeric();
        let mut pos = from;
        while let Some(off) = hay
            .get(pos..)
            .and_then(|h| h.iter().position(|&b| b == first))
        {
            let s = pos + off;
            let (pass, run) = passes(&self.words, &self.pairs, hay, s + 1);
            if pass {
                if let Some((e, id)) = self.longest_from(head, hay, s + 1, hay.len(), head_match(s))
                {
                    return Some((s, e, id));
                }
            }
            pos = s + 1 + if skips { run } else { 0 };
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, Input, MatchKind};

    /// Leftmost-longest matches from `pos` on, restarting after each match, with the
    /// trie and with the Aho-Corasick crate.
    fn all(trie: &Trie, ac: &AhoCorasick, hay: &[u8]) {
        for from in 0..hay.len() {
            let want = ac
                .find(Input::new(hay).range(from..))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()));
            assert_eq!(trie.find_from(hay, from, b' '), want, "{from}");
            for end in from..=hay.len() {
                let want = ac
                    .find(Input::new(hay).range(from..end))
                    .filter(|m| m.start() == from)
                    .map(|m| (m.end(), m.pattern().as_usize()));
                let got = trie.longest_at(hay, from, end);
                let got = if hay[from] == b' ' { got } else { None };
                assert_eq!(got, want, "{from}..{end}");
            }
        }
    }

    #[test]
    fn same_matches_as_leftmost_longest_aho_corasick() {
        let pats = [
            " apple",
            " apple inc",
            " apple inc.",
            " a",
            " ab",
            " abc d",
            " l oreal",
            " l",
            " orange sa",
            " orange",
            " sa",
            " bank of america",
            " bank",
            " of",
            " ",
        ];
        let trie = Trie::new(&pats).expect("trie");
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pats)
            .expect("automaton");
        for hay in [
            " apple inc. and the bank of americas",
            " l oreal  orange sa  orange sat abc  abc d ab a",
            "apple  apple",
            "",
            " ",
            "  bank ofx bank of america",
        ] {
            all(&trie, &ac, hay.as_bytes());
        }
    }

    /// A small deterministic generator: `next(n)` is in `0..n`.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    #[test]
    fn same_matches_on_random_patterns_and_texts() {
        // A small alphabet makes shared prefixes, nested and overlapping patterns
        // common; a large one makes nodes with a child table (and odd bytes).
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
        let small: &[u8] = b" ab.c";
        let large: &[u8] = b" abcdefghijklmnopq.\x00\x01\x80\xff";
        for alphabet in [small, large] {
            let size = alphabet.len() as u64;
            for _ in 0..20 {
                let mut word = |len: u64| -> Vec<u8> {
                    let n = 1 + next(len);
                    (0..n).map(|_| alphabet[next(size) as usize]).collect()
                };
                let pats: Vec<Vec<u8>> = (0..60)
                    .map(|_| [b" ".as_slice(), &word(4)].concat())
                    .collect();
                let hay = word(60);
                let trie = Trie::new(&pats).expect("trie");
                let ac = AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&pats)
                    .expect("automaton");
                all(&trie, &ac, &hay);
            }
        }
    }

    /// Matches that end before a byte that is not an ASCII letter or digit (or at the
    /// end), restarting after each, found with `find` plus shorter retries at the same
    /// start (as the matcher does).
    fn word_matches(
        trie: &Trie,
        hay: &[u8],
        find: impl Fn(&[u8], usize) -> Option<(usize, usize, usize)>,
    ) -> Vec<(usize, usize, usize)> {
        let ends_word = |e: usize| hay.get(e).is_none_or(|b| !b.is_ascii_alphanumeric());
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some((s, e, id)) = find(hay, pos) {
            let mut found = ends_word(e).then_some((e, id));
            let mut limit = e;
            while found.is_none() && limit > s + 1 {
                limit -= 1;
                match trie.longest_at(hay, s, limit) {
                    Some((e, id)) if ends_word(e) => found = Some((e, id)),
                    Some((e, _)) => limit = e,
                    None => break,
                }
            }
            match found {
                Some((e, id)) => {
                    out.push((s, e, id));
                    pos = e.max(s + 1);
                }
                None => pos = s + 1,
            }
        }
        out
    }

    #[test]
    fn word_filter_keeps_every_match_that_ends_a_word() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        let alphabet: &[u8] = b"  ab9z.&\x80\xc3";
        let size = alphabet.len() as u64;
        let mut skipped = 0;
        for round in 0..300 {
            let mut word = |len: u64| -> Vec<u8> {
                let n = 1 + next(len);
                (0..n).map(|_| alphabet[next(size) as usize]).collect()
            };
            // Long words too, so keys cut at 8 bytes are exercised.
            let max = if round % 2 == 0 { 5 } else { 14 };
            let pats: Vec<Vec<u8>> = (0..40)
                .map(|_| [b" ".as_slice(), &word(max)].concat())
                .collect();
            let hay = word(200);
            let trie = Trie::new(&pats).expect("trie");
            let all = word_matches(&trie, &hay, |h, p| trie.find_from(h, p, b' '));
            let filtered = word_matches(&trie, &hay, |h, p| trie.find_word_from(h, p, b' '));
            assert_eq!(filtered, all, "round {round}");
            skipped +=
                usize::from(trie.find_word_from(&hay, 0, b' ') != trie.find_from(&hay, 0, b' '));
        }
        // The filter did skip positions (else this test would prove nothing).
        assert!(skipped > 0);
    }

    #[test]
    fn word_keys_stop_at_the_first_byte_outside_letters_and_digits() {
        let k = |s: &str| {
            let (k, n) = word_key(s.as_bytes(), 0);
            (k.to_le_bytes(), n)
        };
        assert_eq!(k("apple inc"), (*b"apple\0\0\0", 5));
        assert_eq!(k("at&t"), (*b"at\0\0\0\0\0\0", 2));
        assert_eq!(k("volkswagen ag"), (*b"volkswag", 8));
        assert_eq!(k("a9z"), (*b"a9z\0\0\0\0\0", 3));
        assert_eq!(k(" x"), ([0; 8], 0));
        assert_eq!(k("caf\u{e9}s"), (*b"caf\0\0\0\0\0", 3));
        assert_eq!(word_key(b"ab", 5), (0, 0));
        // Upper case never occurs in folded text: it is not part of a word here.
        assert_eq!(k("aB"), (*b"a\0\0\0\0\0\0\0", 1));
    }

    #[test]
    fn pattern_ids_beyond_sixteen_bits_are_reported_whole() {
        // 200,000 distinct patterns: ids above 65,535 need the record's high byte.
        let pats: Vec<String> = (0..200_000).map(|i| format!(" w{i:06}")).collect();
        let trie = Trie::new(&pats).expect("trie");
        for id in [0usize, 65_535, 65_536, 131_071, 199_999] {
            let hay = format!("x w{id:06} y");
            assert_eq!(
                trie.find_from(hay.as_bytes(), 0, b' '),
                Some((1, 9, id)),
                "pattern {id}"
            );
        }
        assert_eq!(trie.find_from(b" w2000000", 0, b' '), None);
    }
}
