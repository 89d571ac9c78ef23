//! A compact byte trie over the matcher's patterns, searched leftmost-longest.
//!
//! Every matcher pattern starts with a space (see [`super::matcher`]), so a match can
//! only start at a space of the folded text: the search jumps from space to space and
//! walks the trie from there. This gives the same matches as a leftmost-longest
//! Aho-Corasick automaton, but the trie is about 1 MB where the DFA was 16 MB, so the
//! walk stays in the CPU caches (the DFA scan was cache-miss bound and a third of the
//! entities stage).

/// No pattern ends at this node.
const NONE: u16 = u16::MAX;

/// Nodes with at most this many children keep their bytes in [`Rec::keys`].
const KEYED: usize = 8;

/// `Rec::kids` of a node with more children: they are a table indexed by byte class.
const DENSE: u8 = u8::MAX;

/// `0x0101…01`: times a byte, that byte in every lane of a `u64`.
const LOW: u64 = u64::from_le_bytes([0x01; 8]);
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

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
    /// Index of the first child record.
    first: u32,
    /// Id of the pattern that ends here, or [`NONE`].
    pattern: u16,
    /// The byte leading to this node (checked in tables: empty slots hold 0).
    byte: u8,
    /// Number of children (their records are `recs[first..first + kids]`), or
    /// [`DENSE`]: the children are `recs[first + class]` for every byte class.
    kids: u8,
}

const EMPTY: Rec = Rec {
    keys: 0,
    first: 0,
    pattern: NONE,
    byte: 0,
    kids: 0,
};

/// Immutable trie; `recs[0]` is the root (the empty string).
#[derive(Debug, Clone)]
pub struct Trie {
    recs: Vec<Rec>,
    /// Byte → class (0: the byte occurs in no pattern); only used by table nodes.
    class: [u16; 256],
    classes: usize,
}

impl Trie {
    /// Builds the trie; pattern `i` of `patterns` is reported as id `i`. If a pattern
    /// occurs twice the first id wins. Empty patterns are ignored. `None` beyond 65,534
    /// patterns or 4 G nodes (the matcher has about 9,000 patterns).
    pub fn new<S: AsRef<[u8]>>(patterns: &[S]) -> Option<Trie> {
        // A plain trie first: children lists and the pattern ending at each node.
        let mut children: Vec<Vec<(u8, usize)>> = vec![Vec::new()];
        let mut pattern: Vec<u16> = vec![NONE];
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
                pattern[n] = u16::try_from(id).ok().filter(|&i| i != NONE)?;
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
        let mut trie = Trie {
            recs: vec![Rec {
                keys: 0,
                first: 0,
                pattern: pattern[0],
                byte: 0,
                kids: 0,
            }],
            class,
            classes,
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
                let rec = Rec {
                    pattern: pattern[to],
                    byte: b,
                    ..EMPTY
                };
                if dense {
                    trie.recs[first + trie.class[b as usize] as usize] = rec;
                } else {
                    lanes[k] = b;
                    trie.recs.push(rec);
                }
            }
            let r = &mut trie.recs[at];
            r.first = u32::try_from(first).ok()?;
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
        let first = r.first as usize;
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
                (c.byte == b && (c.kids != 0 || c.pattern != NONE)).then_some(c)
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
            if r.pattern != NONE {
                best = Some((start + i + 1, r.pattern as usize));
            }
        }
        best
    }

    /// Leftmost-longest match starting at or after `from` among positions where `hay`
    /// holds `first` (the byte every pattern starts with): `(start, end, pattern id)`.
    #[inline]
    pub fn find_from(&self, hay: &[u8], from: usize, first: u8) -> Option<(usize, usize, usize)> {
        // Every walk takes the same first step: take it once.
        let head = self.child(self.recs.first()?, first)?;
        let head_match =
            |s: usize| (head.pattern != NONE).then_some((s + 1, head.pattern as usize));
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

    #[test]
    fn same_matches_on_random_patterns_and_texts() {
        // A small alphabet makes shared prefixes, nested and overlapping patterns
        // common; a large one makes nodes with a child table (and odd bytes).
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
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
}
