//! Stories: near-duplicate and follow-up articles grouped under one `story_id`, and the
//! `novel` flag of the article that starts a story.
//!
//! Two steps, so that runs can grow by appending input:
//!
//! 1. [`signature`] (parallel, per article): a MinHash signature of the article's
//!    content words — [`HASHES`] minimums (one permutation hashing) of hashed words from the title and the start of
//!    the body (at most [`MAX_WORDS`] words, so the cost does not grow with article
//!    length), lowercased, without short words and common French and English function
//!    words. Two signatures agree at a position with probability equal to the Jaccard
//!    similarity of the two word sets. The normalize stage stores it with each article.
//! 2. [`Stories::assign`] (sequential, in input order): an article joins the story of the
//!    most similar earlier article dated within `window_days` of it whose estimated
//!    similarity is at least `similarity`; otherwise it starts a story of its own (its
//!    `story_id` is its own `article_id`) and is `novel`. Candidates are found by
//!    locality-sensitive hashing ([`BANDS`] bands of two positions: an article is compared
//!    only with those that agree on a whole band, and only with the [`BUCKET_CAP`]
//!    latest of them), so the pass stays linear.
//!
//! The state holds only the articles dated within `window_days` of the newest date seen,
//! so its memory is bounded by the window, and an article appended later never changes
//! the story or the flag of an earlier one: rebuilding from the stored
//! `(article_id, date, signature)` in the same order gives the same result. The input is
//! expected in about chronological order (feeds, daily files): an article dated more than
//! the window before the newest date seen is compared with the articles held, but not
//! kept for later ones.

use std::collections::BTreeMap;

use crate::sentiment::lexicon::{FastMap, FxHasher};

/// Hash set with [`FxHasher`].
type FastSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// Minimums per signature.
pub const HASHES: usize = 64;
/// Bands of the locality-sensitive index (two positions each).
pub const BANDS: usize = HASHES / 2;
/// Content words read per article (title first, then the body).
pub const MAX_WORDS: usize = 40;
/// Fewer distinct content words than this give no signature: the article is a story of
/// its own (too little text to compare).
pub const MIN_WORDS: usize = 4;
/// Bytes of a stored signature.
pub const SIGNATURE_BYTES: usize = HASHES * 4;
/// Articles kept per band value (the most recent ones): a story copied many times fills
/// its buckets, and comparing each new copy with every earlier one would make the pass
/// quadratic. The latest copies are as good a match as the first.
pub const BUCKET_CAP: usize = 8;

/// A MinHash signature.
pub type Signature = [u32; HASHES];

// A saved article records its buckets in one bit per band ([`Held::bands`]).
const _: () = assert!(BANDS <= 64);

/// Common French and English words left out of signatures (three letters or more:
/// shorter words are always left out).
const STOPWORDS: &[&str] = &[
    // French
    "les",
    "des",
    "une",
    "est",
    "par",
    "pour",
    "dans",
    "sur",
    "avec",
    "qui",
    "que",
    "quoi",
    "aux",
    "ces",
    "ses",
    "son",
    "sont",
    "été",
    "être",
    "pas",
    "plus",
    "mais",
    "ont",
    "elle",
    "ils",
    "elles",
    "nous",
    "vous",
    "leur",
    "leurs",
    "cette",
    "cet",
    "comme",
    "entre",
    "après",
    "avant",
    "depuis",
    "sans",
    "sous",
    "tout",
    "tous",
    "toute",
    "toutes",
    "fait",
    "dont",
    "aussi",
    "encore",
    "même",
    "deux",
    "trois",
    "selon",
    "lors",
    "notamment",
    "ainsi",
    "alors",
    "avait",
    "avoir",
    "peut",
    "doit",
    "très",
    "où",
    "quand",
    "contre",
    "vers",
    "chez",
    "non",
    "déjà",
    "autre",
    "autres",
    "celui",
    "celle",
    "ceux",
    "jeudi",
    "lundi",
    "mardi",
    "mercredi",
    "vendredi",
    "samedi",
    "dimanche",
    "année",
    "ans",
    // English
    "the",
    "and",
    "for",
    "that",
    "with",
    "this",
    "from",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "its",
    "his",
    "her",
    "their",
    "they",
    "but",
    "not",
    "will",
    "would",
    "said",
    "says",
    "after",
    "before",
    "about",
    "into",
    "over",
    "more",
    "than",
    "been",
    "which",
    "who",
    "what",
    "when",
    "also",
    "its",
    "our",
    "your",
    "can",
    "could",
    "one",
    "two",
    "new",
    "year",
    "years",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The hash of a (lowercase) word in signatures.
fn word_hash(w: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(w.as_bytes())
}

/// A stop word, by its [`word_hash`] (one binary search instead of comparing strings).
fn is_stopword(hash: u64) -> bool {
    static HASHES: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    HASHES
        .get_or_init(|| {
            let mut v: Vec<u64> = STOPWORDS.iter().map(|w| word_hash(w)).collect();
            v.sort_unstable();
            v
        })
        .binary_search(&hash)
        .is_ok()
}

/// Calls `f` with each word of `s` (a run of alphanumeric characters) until it returns
/// `false`; ASCII bytes are tested without decoding.
fn for_each_word(s: &str, mut f: impl FnMut(&str) -> bool) -> bool {
    let bytes = s.as_bytes();
    let (mut i, mut start) = (0, None);
    while i < bytes.len() {
        let (alnum, len) = if bytes[i] < 0x80 {
            (bytes[i].is_ascii_alphanumeric(), 1)
        } else {
            match s.get(i..).and_then(|t| t.chars().next()) {
                Some(c) => (c.is_alphanumeric(), c.len_utf8()),
                None => (false, 1), // unreachable: `i` is always a char boundary
            }
        };
        match (alnum, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                start = None;
                if !f(s.get(st..i).unwrap_or_default()) {
                    return false;
                }
            }
            _ => {}
        }
        i += len;
    }
    match start {
        Some(st) => f(s.get(st..).unwrap_or_default()),
        None => true,
    }
}

/// Bits of a word hash that pick its bin (`HASHES` = 2^BIN_BITS).
const BIN_BITS: u32 = HASHES.trailing_zeros();
const _: () = assert!(1 << BIN_BITS == HASHES, "HASHES must be a power of two");
/// An empty bin before densification.
const EMPTY: u32 = u32::MAX;

/// The MinHash signature of an article (see the module documentation); `None` when it
/// has fewer than [`MIN_WORDS`] distinct content words.
///
/// One permutation hashing (Li, Owen and Zhang, 2012): each word's 64-bit hash picks a
/// bin with its top bits and competes for the bin's minimum with its low 32 bits, so a
/// word costs one hash instead of one per position. Empty bins (short texts) take the
/// value of the next non-empty bin to their right, shifted by the distance (rotation
/// densification, Shrivastava and Li, 2014), so that two equal sets still agree
/// everywhere and the share of equal positions still estimates the Jaccard similarity.
pub fn signature(title: &str, text: &str) -> Option<Signature> {
    let mut word = String::new();
    let mut hashes: Vec<u64> = Vec::with_capacity(MAX_WORDS);
    let mut add = |w: &str| -> bool {
        if w.len() < 3 {
            return true;
        }
        let h = if w.is_ascii() && w.len() <= 32 {
            // Most words: lowercased on the stack.
            let mut buf = [0u8; 32];
            let buf = &mut buf[..w.len()];
            buf.copy_from_slice(w.as_bytes());
            buf.make_ascii_lowercase();
            xxhash_rust::xxh3::xxh3_64(buf)
        } else {
            word.clear();
            word.extend(w.chars().flat_map(char::to_lowercase));
            if word.chars().count() < 3 {
                return true;
            }
            word_hash(&word)
        };
        if !is_stopword(h) {
            hashes.push(h);
        }
        hashes.len() < MAX_WORDS
    };
    if for_each_word(title, &mut add) {
        for_each_word(text, &mut add);
    }
    hashes.sort_unstable();
    hashes.dedup();
    if hashes.len() < MIN_WORDS {
        return None;
    }
    let mut bins = [EMPTY; HASHES];
    for h in hashes {
        let bin = (h >> (64 - BIN_BITS)) as usize;
        let v = (h as u32).min(EMPTY - 1);
        bins[bin] = bins[bin].min(v);
    }
    let mut sig = bins;
    for (i, s) in sig.iter_mut().enumerate() {
        if *s != EMPTY {
            continue;
        }
        // At least MIN_WORDS bins are filled: the search ends.
        if let Some(k) = (1..HASHES).find(|k| bins[(i + k) % HASHES] != EMPTY) {
            *s = bins[(i + k) % HASHES].wrapping_add((k as u32).wrapping_mul(0x9e37_79b9));
        }
    }
    Some(sig)
}

/// A signature as stored (little-endian `u32`s).
pub fn to_bytes(sig: &Signature) -> [u8; SIGNATURE_BYTES] {
    let mut out = [0u8; SIGNATURE_BYTES];
    for (chunk, v) in out.chunks_exact_mut(4).zip(sig) {
        chunk.copy_from_slice(&v.to_le_bytes());
    }
    out
}

/// A stored signature; `None` if it does not have [`SIGNATURE_BYTES`] bytes.
pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
    if bytes.len() != SIGNATURE_BYTES {
        return None;
    }
    let mut sig = [0u32; HASHES];
    for (v, chunk) in sig.iter_mut().zip(bytes.chunks_exact(4)) {
        *v = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    Some(sig)
}

/// Estimated Jaccard similarity of the word sets behind two signatures, in [0, 1].
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / HASHES as f64
}

/// An article's place in the stories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// The `article_id` of the story's first article.
    pub story_id: String,
    /// The article starts its story (no similar article within the window before it).
    pub novel: bool,
}

/// An article kept in the window.
struct Entry {
    sig: Signature,
    date: i32,
    story: std::sync::Arc<str>,
}

/// The sequential story assignment (see the module documentation): feed it every
/// article in input order.
pub struct Stories {
    window_days: u32,
    similarity: f64,
    entries: FastMap<u64, Entry>,
    /// Per band: the entries with that pair of values.
    bands: Vec<FastMap<u64, Vec<u64>>>,
    /// Entries by date, for eviction.
    by_date: BTreeMap<i32, Vec<u64>>,
    newest: Option<i32>,
    next: u64,
    /// Candidates already compared for the current article (reused).
    compared: FastSet<u64>,
}

impl Stories {
    /// `window_days`: how far apart (in days) two articles of one story may be dated;
    /// `similarity`: the least estimated Jaccard similarity of their content words.
    pub fn new(window_days: u32, similarity: f64) -> Stories {
        Stories {
            window_days,
            similarity,
            entries: FastMap::default(),
            bands: (0..BANDS).map(|_| FastMap::default()).collect(),
            by_date: BTreeMap::new(),
            newest: None,
            next: 0,
            compared: FastSet::default(),
        }
    }

    /// Articles held (those dated within the window of the newest date seen).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No article held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn band_key(sig: &Signature, band: usize) -> u64 {
        (u64::from(sig[2 * band]) << 32) | u64::from(sig[2 * band + 1])
    }

    /// The first day kept when `newest` is the newest date seen.
    fn keep_from(&self, newest: i32) -> i32 {
        newest.saturating_sub(self.window_days.min(i32::MAX as u32) as i32)
    }

    /// Drops the articles dated more than the window before `newest`.
    fn evict(&mut self, newest: i32) {
        let kept = self.by_date.split_off(&self.keep_from(newest));
        let old = std::mem::replace(&mut self.by_date, kept);
        for id in old.into_values().flatten() {
            let Some(e) = self.entries.remove(&id) else {
                continue;
            };
            for (band, map) in self.bands.iter_mut().enumerate() {
                let key = Self::band_key(&e.sig, band);
                if let Some(ids) = map.get_mut(&key) {
                    ids.retain(|&x| x != id);
                    if ids.is_empty() {
                        map.remove(&key);
                    }
                }
            }
        }
    }

    /// Puts back the next article of a stored run, with the story it was given then: the
    /// state changes exactly as [`Stories::assign`] changed it, without comparing the
    /// article with the others (what an incremental run does for the parts it keeps).
    pub fn restore(&mut self, date: Option<i32>, sig: Option<&Signature>, story_id: &str) {
        let (Some(date), Some(sig)) = (date, sig) else {
            return;
        };
        if self.newest.is_none_or(|n| date > n) {
            self.newest = Some(date);
            self.evict(date);
        }
        if self.newest.is_some_and(|n| date < self.keep_from(n)) {
            return;
        }
        self.insert(date, sig, std::sync::Arc::from(story_id));
    }

    /// Holds an article of the window, with its story.
    fn insert(&mut self, date: i32, sig: &Signature, story: std::sync::Arc<str>) {
        let id = self.next;
        self.next += 1;
        for (band, map) in self.bands.iter_mut().enumerate() {
            let ids = map.entry(Self::band_key(sig, band)).or_default();
            if ids.len() == BUCKET_CAP {
                ids.remove(0);
            }
            ids.push(id);
        }
        self.by_date.entry(date).or_default().push(id);
        self.entries.insert(
            id,
            Entry {
                sig: *sig,
                date,
                story,
            },
        );
    }

    /// The story of the next article in input order. An article without a date or a
    /// signature is a story of its own.
    pub fn assign(
        &mut self,
        article_id: &str,
        date: Option<i32>,
        sig: Option<&Signature>,
    ) -> Assigned {
        let (Some(date), Some(sig)) = (date, sig) else {
            return Assigned {
                story_id: article_id.to_string(),
                novel: true,
            };
        };
        if self.newest.is_none_or(|n| date > n) {
            self.newest = Some(date);
            self.evict(date);
        }
        // The most similar candidate (the earliest on ties).
        let mut best: Option<(f64, u64)> = None;
        self.compared.clear();
        for (band, map) in self.bands.iter().enumerate() {
            let Some(ids) = map.get(&Self::band_key(sig, band)) else {
                continue;
            };
            for &id in ids {
                if !self.compared.insert(id) {
                    continue;
                }
                let Some(e) = self.entries.get(&id) else {
                    continue;
                };
                if (e.date - date).unsigned_abs() > self.window_days {
                    continue;
                }
                let s = similarity(&e.sig, sig);
                let better = match best {
                    None => true,
                    Some((bs, bid)) => s > bs || (s == bs && id < bid),
                };
                if s >= self.similarity && better {
                    best = Some((s, id));
                }
            }
        }
        let (story, novel) = match best.and_then(|(_, id)| self.entries.get(&id)) {
            Some(e) => (e.story.clone(), false),
            None => (std::sync::Arc::<str>::from(article_id), true),
        };
        let story_id = story.to_string();
        // An article dated before the window of the newest date seen is not kept: the
        // state stays bounded by the window whatever the input order.
        if self.newest.is_some_and(|n| date < self.keep_from(n)) {
            return Assigned { story_id, novel };
        }
        self.insert(date, sig, story);
        Assigned { story_id, novel }
    }
}

/// An article held by a [`Stories`] state, as saved between runs ([`Stories::save`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// Its number in the state (the order it was put in).
    pub entry: u64,
    pub date: i32,
    pub sig: Signature,
    pub story: String,
    /// Bit `b` set: the article is still in its bucket of band `b` (a full bucket drops
    /// its oldest article, see [`BUCKET_CAP`]).
    pub bands: u64,
}

/// A [`Stories`] state as plain data: what a run saves so that the next one goes on
/// from it without putting every earlier article back ([`Stories::load`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Saved {
    /// The articles held, by `entry`.
    pub held: Vec<Held>,
    pub newest: Option<i32>,
    /// The `entry` of the next article put in.
    pub next: u64,
}

impl Stories {
    /// The state as plain data (see [`Saved`]).
    pub fn save(&self) -> Saved {
        let mut held: Vec<Held> = self
            .entries
            .iter()
            .map(|(&entry, e)| Held {
                entry,
                date: e.date,
                sig: e.sig,
                story: e.story.to_string(),
                bands: 0,
            })
            .collect();
        held.sort_unstable_by_key(|h| h.entry);
        for h in &mut held {
            for (band, map) in self.bands.iter().enumerate() {
                let in_bucket = map
                    .get(&Self::band_key(&h.sig, band))
                    .is_some_and(|ids| ids.contains(&h.entry));
                h.bands |= u64::from(in_bucket) << band;
            }
        }
        Saved {
            held,
            newest: self.newest,
            next: self.next,
        }
    }

    /// The state [`Stories::save`] saved, with the same window and similarity: it assigns
    /// the next articles exactly as the saved state would have.
    ///
    /// A bucket holds its articles in the order they were put in, which is the order of
    /// their `entry`; so the buckets are rebuilt from the articles' band bits.
    pub fn load(window_days: u32, similarity: f64, mut saved: Saved) -> Stories {
        let mut s = Stories::new(window_days, similarity);
        saved.held.sort_unstable_by_key(|h| h.entry);
        for h in saved.held {
            for (band, map) in s.bands.iter_mut().enumerate() {
                if h.bands >> band & 1 == 1 {
                    map.entry(Self::band_key(&h.sig, band))
                        .or_default()
                        .push(h.entry);
                }
            }
            s.by_date.entry(h.date).or_default().push(h.entry);
            s.entries.insert(
                h.entry,
                Entry {
                    sig: h.sig,
                    date: h.date,
                    story: std::sync::Arc::from(h.story),
                },
            );
        }
        s.newest = saved.newest;
        s.next = saved.next;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AIRBUS: &str = "Airbus a livré 661 avions commerciaux en 2022, un chiffre inférieur \
        à son objectif initial de 720 appareils, en raison de difficultés persistantes chez \
        ses fournisseurs de moteurs et de pièces détachées.";
    const AIRBUS_EDITED: &str = "Airbus a livré 661 avions commerciaux en 2022, un chiffre \
        inférieur à son objectif initial de 720 appareils, à cause de difficultés persistantes \
        chez ses fournisseurs de moteurs et de pièces.";
    const WHEAT: &str = "Les cours du blé ont reculé sur le marché européen, les récoltes \
        abondantes en Australie et en Argentine pesant sur les prix malgré la guerre.";

    fn sig(title: &str, text: &str) -> Signature {
        signature(title, text).expect("enough words")
    }

    #[test]
    fn an_edited_copy_is_similar_and_another_story_is_not() {
        let a = sig("Airbus manque son objectif de livraisons", AIRBUS);
        let b = sig("Airbus rate son objectif de livraisons", AIRBUS_EDITED);
        let c = sig("Le prix du blé recule", WHEAT);
        assert!(similarity(&a, &b) >= 0.6, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) <= 0.2, "{}", similarity(&a, &c));
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(from_bytes(&to_bytes(&a)), Some(a));
        assert_eq!(from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn too_little_text_has_no_signature() {
        assert_eq!(signature("En direct", "Le point à 18 h"), None);
        // Case and function words do not matter.
        assert_eq!(
            signature("AIRBUS LIVRE DES AVIONS", "et les moteurs"),
            signature("airbus livre les avions", "moteurs")
        );
    }

    #[test]
    fn copies_join_the_first_story_within_the_window_only() {
        let a = sig("Airbus manque son objectif de livraisons", AIRBUS);
        let b = sig("Airbus rate son objectif de livraisons", AIRBUS_EDITED);
        let c = sig("Le prix du blé recule", WHEAT);
        let mut s = Stories::new(3, 0.5);
        let first = s.assign("a1", Some(100), Some(&a));
        assert_eq!(
            first,
            Assigned {
                story_id: "a1".into(),
                novel: true
            }
        );
        assert!(s.assign("w1", Some(100), Some(&c)).novel);
        let copy = s.assign("a2", Some(102), Some(&b));
        assert_eq!(
            copy,
            Assigned {
                story_id: "a1".into(),
                novel: false
            }
        );
        // Chained: a copy of the copy, three days after it (five after the first).
        let later = s.assign("a3", Some(105), Some(&b));
        assert_eq!(later.story_id, "a1");
        // Weeks later the same text is news again.
        let again = s.assign("a4", Some(130), Some(&a));
        assert_eq!(
            again,
            Assigned {
                story_id: "a4".into(),
                novel: true
            }
        );
        // The window bounds the state: only the articles of days 127–130 are held.
        assert_eq!(s.len(), 1);
        // No date or no signature: a story of its own.
        assert!(s.assign("x", None, Some(&a)).novel);
        assert!(s.assign("y", Some(130), None).novel);
    }

    #[test]
    fn appending_never_changes_earlier_assignments() {
        let a = sig("Airbus manque son objectif de livraisons", AIRBUS);
        let b = sig("Airbus rate son objectif de livraisons", AIRBUS_EDITED);
        let c = sig("Le prix du blé recule", WHEAT);
        let input = [
            ("a1", Some(10), Some(a)),
            ("w1", Some(11), Some(c)),
            ("a2", Some(11), Some(b)),
            ("n1", None, None),
            ("w2", Some(9), Some(c)),
        ];
        let run = |n: usize| -> Vec<Assigned> {
            let mut s = Stories::new(3, 0.5);
            input[..n]
                .iter()
                .map(|(id, d, sig)| s.assign(id, *d, sig.as_ref()))
                .collect()
        };
        let all = run(input.len());
        for n in 1..input.len() {
            assert_eq!(run(n)[..], all[..n]);
        }
        // An article dated before its story's first one still joins it.
        assert_eq!(all[4].story_id, "w1");
    }

    #[test]
    fn a_saved_and_loaded_state_goes_on_as_the_original() {
        // Signatures from a small alphabet: many articles share band values, so buckets
        // fill up (and drop their oldest) while days pass and evict articles.
        let mut x = 7u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as u32
        };
        let input: Vec<(String, i32, Signature)> = (0..400)
            .map(|i| {
                let base = next() % 5;
                let sig: Signature = std::array::from_fn(|_| {
                    let v = next();
                    if v % 3 == 0 {
                        v % 4
                    } else {
                        base
                    }
                });
                // About chronological, some articles a few days late.
                let day = 100 + i / 25 - (next() % 4) as i32 * i32::from(i % 7 == 0);
                (format!("a{i}"), day, sig)
            })
            .collect();
        let mut whole = Stories::new(3, 0.3);
        let expected: Vec<Assigned> = input
            .iter()
            .map(|(id, d, sig)| whole.assign(id, Some(*d), Some(sig)))
            .collect();
        assert!(expected.iter().any(|a| !a.novel));
        for cut in [1, 37, 200, 399] {
            let mut first = Stories::new(3, 0.3);
            for (id, d, sig) in &input[..cut] {
                first.assign(id, Some(*d), Some(sig));
            }
            let saved = first.save();
            assert!(saved.held.iter().any(|h| h.bands != (1 << BANDS) - 1) || cut < 50);
            let mut loaded = Stories::load(3, 0.3, saved.clone());
            assert_eq!(loaded.save(), saved);
            let rest: Vec<Assigned> = input[cut..]
                .iter()
                .map(|(id, d, sig)| loaded.assign(id, Some(*d), Some(sig)))
                .collect();
            assert_eq!(rest[..], expected[cut..], "cut at {cut}");
            assert_eq!(loaded.save(), whole.save());
        }
    }

    #[test]
    fn old_articles_out_of_order_are_not_kept() {
        let a = sig("Airbus manque son objectif de livraisons", AIRBUS);
        let b = sig("Airbus rate son objectif de livraisons", AIRBUS_EDITED);
        let mut s = Stories::new(3, 0.5);
        assert!(s.assign("new", Some(100), Some(&b)).novel);
        // Far older: compared (nothing that old is held), not kept.
        assert!(s.assign("old", Some(50), Some(&a)).novel);
        assert!(s.assign("old-copy", Some(51), Some(&b)).novel);
        assert_eq!(s.len(), 1);
        // Within the window of the newest date: kept, and it joins the newest's story.
        assert_eq!(s.assign("recent", Some(98), Some(&a)).story_id, "new");
        assert_eq!(s.len(), 2);
    }
}
