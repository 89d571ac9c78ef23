//! The entity finder: one pattern trie (searched leftmost-longest) over the folded article, evidence
//! rules for ambiguous names, then discovery and coreference.
//!
//! * this module holds [`EntityFinder`]: building the patterns, scanning an article
//!   (including tickers and names glued to a section label), the case policy of each
//!   gazetteer form, and the resolution of gazetteer hits;
//! * `evidence` decides the hits that need more than a match: ambiguous names
//!   (context words, coordination with companies, tickers) and person-like names;
//! * `discovery` finds companies the gazetteer does not list (cue nouns, legal forms,
//!   the learned recogniser), persons, and coreference to earlier mentions.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;

use super::discover::{is_legal_suffix, slug, word_before};
use super::fold::{fold_str, fold_word, Folded};
use super::gazetteer::Gazetteer;
use super::lexicon::{
    COMPANY_NOUNS, COREF_NOUNS, EVIDENCE, GIVEN_NAMES, LEADERS, LEGAL_SUFFIXES, NON_COMPANY_ORGS,
    SECTION_LABELS, TITLES,
};
use super::trie::Trie;
use super::{EntityKind, Mention, Via};
use crate::text::lang::Lang;

mod apposition_en;
mod context_fr;
mod contraction;
mod deal_words;
mod discovery;
mod evidence;
mod headline_context;
#[cfg(test)]
mod headline_tests;
mod media;
mod not_company;
#[cfg(test)]
mod tests;

use discovery::{
    coreference, discover_companies, discover_learned, discover_listed, discover_persons,
    discover_taking_objects, trim_legal_tail,
};
use evidence::{cited_as_medium, contraction_before, sponsor_of_venue};

const EVID: u16 = 1;
const NOUN: u16 = 2;
const COREF: u16 = 4;
const LEADER: u16 = 8;
const TITLE: u16 = 16;
const LEGAL: u16 = 32;

/// Confidence of each way of finding a mention.
const CONF_PLAIN: f32 = 0.95;
const CONF_EVIDENCE: f32 = 0.9;
const CONF_OTHER_KIND: f32 = 0.9;
const CONF_ONE_SENSE: f32 = 0.85;
const CONF_CASE: f32 = 0.75;
const CONF_DISCOVERED: f32 = 0.6;
const CONF_DISCOVERED_REPEAT: f32 = 0.55;
const CONF_COREF: f32 = 0.5;

/// Bytes around an ambiguous name searched for company context words.
const WINDOW_BEFORE: usize = 60;
const WINDOW_AFTER: usize = 80;

/// What one automaton pattern stands for (a folded string can be several things at
/// once: `action` is a context word and could be a company name).
#[derive(Debug, Default, Clone)]
struct PatInfo {
    forms: Vec<usize>,
    flags: u16,
}

/// Precomputed case policy of a gazetteer form.
#[derive(Debug, Clone)]
struct FormMeta {
    entity: usize,
    kind: EntityKind,
    ambiguous: bool,
    /// Acronym or very short form: must be written in capitals (`BP`, `EDF`, `SAP`).
    strict: bool,
    /// The gazetteer writes it with a capital first letter, so the text must too.
    first_upper: bool,
    /// The same folded form is also a place or person in the gazetteer.
    conflict: bool,
    /// The form is also a public body's name or acronym (`BCE`): context words of
    /// finance are no evidence, only a listed company beside it or another mention.
    institution: bool,
    /// A `Le …`/`Les …` name looked up without its article (`Parisien`): it counts only
    /// after a contracted article (`du`, `au`, `des`, `aux`).
    contracted: bool,
}

/// Given names (folded, one per line, `#` comments) built by
/// `scripts/build_gazetteer.py` from the US Census first-name lists; compiled in, like
/// the word lists of [`super::lexicon`].
const CENSUS_GIVEN_NAMES: &str = include_str!("../../../data/gazetteer/given_names.txt");

/// Finds company, person and location mentions in article text. Built once from a
/// [`Gazetteer`]; immutable afterwards, so it is `Send + Sync` and can be shared by
/// all worker threads.
#[derive(Debug)]
pub struct EntityFinder {
    gaz: Gazetteer,
    /// Every folded gazetteer form and cue word, each behind a leading space.
    trie: Option<Trie>,
    pats: Vec<PatInfo>,
    forms: Vec<FormMeta>,
    /// Folded first names of gazetteer persons plus common French/English ones: a
    /// discovered "company" named `Pascal Demurger` is a person.
    given_names: HashSet<String>,
    /// Ticker (capitals, without exchange suffix: `ORA`, `AAPL`) → entities.
    tickers: HashMap<String, Vec<usize>>,
    /// Entity index → its tickers in `tickers` (the ticker evidence looks for them).
    ticker_bases: Vec<Vec<String>>,
    /// Entity index → indices of its gazetteer forms (for exact-spelling checks).
    entity_forms: Vec<Vec<usize>>,
    /// Folded surnames (last words) of the gazetteer's persons: `les Bolloré`, a list
    /// `Bolloré, Arnault, Niel` name persons ([`not_company`]).
    surnames: HashSet<String>,
    /// Run the learned recogniser ([`super::recognizer`]) after pattern discovery.
    learned: bool,
    /// Two-word company names for read-time contractions (`StanChart`).
    contractions: contraction::Contractions,
}

#[derive(Debug, Clone, Copy, Default)]
struct Hit {
    s: usize,
    e: usize,
    pat: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Decision {
    Accept(f32),
    /// Capitalised ambiguous name without evidence: accepted only if the entity is
    /// confirmed elsewhere in the article.
    Undecided,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CaseFit {
    No,
    Yes,
    /// `Axa` for the acronym `AXA`: plausible but needs evidence.
    Weak,
}

/// Per-article working state.
struct Article<'a> {
    text: &'a str,
    lang: Lang,
    given_names: &'a HashSet<String>,
    hits: &'a [Hit],
    /// Spans of company context words.
    evidence: Vec<(usize, usize)>,
    /// Spans of every gazetteer form hit (accepted or not): discovery never claims them.
    form_spans: Vec<(usize, usize)>,
    /// Spans of multi-word cue phrases (`CAC 40`, `Wall Street`): never company names.
    cue_phrases: Vec<(usize, usize)>,
    mentions: Vec<Mention>,
    /// The spans of `mentions` (append-only) indexed for overlap tests, which discovery
    /// runs for every candidate: a linear scan made long texts quadratic.
    taken: RefCell<Taken>,
    /// Company mentions (start, end, via) that passed the not-a-company checks, so a
    /// second pass re-runs only the check that depends on the other mentions.
    not_company_passed: Vec<(usize, usize, Via)>,
}

/// Spans in a sorted set plus the longest span's length: the spans that can overlap
/// `s..e` start in `s - longest .. e`, a range query.
#[derive(Debug, Default)]
struct Taken {
    spans: std::collections::BTreeSet<(usize, usize)>,
    longest: usize,
    /// How many of the article's mentions are in `spans`.
    indexed: usize,
}

impl Taken {
    fn insert(&mut self, s: usize, e: usize) {
        self.spans.insert((s, e));
        self.longest = self.longest.max(e.saturating_sub(s));
    }

    fn overlaps(&self, s: usize, e: usize) -> bool {
        let lo = s.saturating_sub(self.longest);
        self.spans
            .range((lo, 0)..(e, 0))
            .any(|&(a, b)| a < e && s < b)
    }
}

/// The first ASCII capital in `bytes` at or after `from`. Blocks of 16 bytes without
/// one (most of a text) are skipped with a branch-free test that compiles to a few SIMD
/// instructions.
pub(super) fn next_capital(bytes: &[u8], mut from: usize) -> Option<usize> {
    while let Some(block) = bytes.get(from..from + 16) {
        let mut any = false;
        for &b in block {
            any |= b.wrapping_sub(b'A') < 26;
        }
        if any {
            break;
        }
        from += 16;
    }
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(u8::is_ascii_uppercase)
        .map(|p| from + p)
}

/// True when a sorted list of non-overlapping spans has one overlapping `s..e`.
fn sorted_overlap(spans: &[(usize, usize)], s: usize, e: usize) -> bool {
    let k = spans.partition_point(|&(_, b)| b <= s);
    spans.get(k).is_some_and(|&(a, _)| a < e)
}

impl EntityFinder {
    /// The number of distinct patterns (gazetteer forms, tickers, cue words) when there
    /// are more than the pattern trie holds (16,777,214): such a finder finds nothing, so
    /// the pipeline refuses it (see `stages::entities::load_finder`).
    pub fn too_many_patterns(&self) -> Option<usize> {
        self.trie.is_none().then_some(self.pats.len())
    }

    /// Compiles every gazetteer form, ticker and cue word into one automaton.
    pub fn new(gazetteer: Gazetteer) -> Self {
        let mut index: HashMap<String, usize> = HashMap::default();
        let mut pats: Vec<PatInfo> = Vec::new();
        let mut strings: Vec<String> = Vec::new();
        let mut slot = |s: String, pats: &mut Vec<PatInfo>| -> usize {
            if let Some(&i) = index.get(&s) {
                return i;
            }
            let i = pats.len();
            pats.push(PatInfo::default());
            index.insert(s.clone(), i);
            strings.push(s);
            i
        };

        let entities = gazetteer.entities();
        let mut other_kind_forms: HashSet<String> = HashSet::default();
        for f in gazetteer.forms() {
            if entities
                .get(f.entity)
                .is_some_and(|e| e.kind != EntityKind::Company)
            {
                other_kind_forms.insert(fold_str(&f.surface));
            }
        }
        let mut forms = Vec::with_capacity(gazetteer.forms().len());
        for (fi, f) in gazetteer.forms().iter().enumerate() {
            let kind = entities
                .get(f.entity)
                .map(|e| e.kind)
                .unwrap_or(EntityKind::Company);
            let letters: Vec<char> = f.surface.chars().filter(|c| c.is_alphabetic()).collect();
            let no_lower = !letters.iter().any(|c| c.is_lowercase());
            let strict = letters.len() <= 2 || (no_lower && letters.len() <= 5);
            let first_upper = head_letter(&f.surface).is_some_and(char::is_uppercase);
            let folded = fold_str(&f.surface);
            // A company form that is a function word (`Total` in `au total`) needs
            // evidence even if the data forgot to flag it.
            let common = kind == EntityKind::Company
                && !folded.contains(' ')
                && super::discover::is_stopword(&f.surface);
            // A listed company whose name is also a public body's acronym (`BCE`, the
            // ECB in French, is also Bell Canada's) needs evidence too, and a capital
            // alone is none.
            let institution =
                kind == EntityKind::Company && NON_COMPANY_ORGS.contains(&folded.trim());
            forms.push(FormMeta {
                entity: f.entity,
                kind,
                ambiguous: f.ambiguous || common || institution,
                strict,
                first_upper,
                conflict: kind == EntityKind::Company
                    && (institution || other_kind_forms.contains(&folded)),
                institution,
                contracted: false,
            });
            let i = slot(folded.trim().to_string(), &mut pats);
            pats[i].forms.push(fi);
        }
        // `du « Parisien »`, `au Figaro`: French contracts the article of a name that
        // starts with `Le`/`Les` into the preposition before it, so such a company is
        // also looked up without its article, and counts only after `du`, `au`, `des`
        // or `aux` (see `contraction_before`).
        for fi in 0..forms.len() {
            let f = &gazetteer.forms()[fi];
            if forms[fi].kind != EntityKind::Company {
                continue;
            }
            let folded = fold_str(&f.surface);
            let Some(rest) = ["le ", "les "]
                .iter()
                .find_map(|a| folded.trim().strip_prefix(a))
            else {
                continue;
            };
            if rest.is_empty() {
                continue;
            }
            let meta = FormMeta {
                contracted: true,
                ..forms[fi].clone()
            };
            let ci = forms.len();
            forms.push(meta);
            let i = slot(rest.to_string(), &mut pats);
            pats[i].forms.push(ci);
        }
        // Tickers count only when written in capitals (`ORA`, `AAPL`), so they are
        // looked up on capitalised tokens instead of going into the automaton, where
        // three-letter tickers folded to lowercase (`les`, `des`) would add tens of
        // thousands of useless hits.
        let mut tickers: HashMap<String, Vec<usize>> = HashMap::default();
        for (ei, t) in gazetteer.tickers() {
            let base = t.split('.').next().unwrap_or("").to_ascii_uppercase();
            if base.chars().filter(|c| c.is_alphanumeric()).count() >= 3
                && base.chars().any(|c| c.is_ascii_alphabetic())
                && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '&')
            {
                let v = tickers.entry(base).or_default();
                if !v.contains(ei) {
                    v.push(*ei);
                }
            }
        }
        let mut ticker_bases = vec![Vec::new(); gazetteer.entities().len()];
        for (base, ents) in &tickers {
            for &ei in ents {
                if let Some(v) = ticker_bases.get_mut(ei) {
                    v.push(base.clone());
                }
            }
        }
        let mut flag = |words: &[&str], fl: u16, pats: &mut Vec<PatInfo>| {
            for w in words {
                let i = slot(fold_str(w).trim().to_string(), pats);
                pats[i].flags |= fl;
            }
        };
        flag(EVIDENCE, EVID, &mut pats);
        flag(COMPANY_NOUNS, NOUN, &mut pats);
        flag(COREF_NOUNS, COREF, &mut pats);
        flag(LEADERS, LEADER | EVID, &mut pats);
        flag(TITLES, TITLE, &mut pats);
        flag(LEGAL_SUFFIXES, LEGAL, &mut pats);
        let media_words: Vec<&str> = media::media_words().collect();
        flag(&media_words, media::MEDIA, &mut pats);
        flag(context_fr::DESCRIPTORS, context_fr::DESC, &mut pats);
        flag(context_fr::DEAL_NOUNS, context_fr::DEAL, &mut pats);

        // Every pattern starts with a space (the fold turns punctuation, apostrophes
        // and hyphens into spaces), so the automaton never reports a match that starts
        // inside a word and the scan needs no restarts.
        let variants: Vec<String> = strings.iter().map(|st| format!(" {}", st.trim())).collect();
        // Only fails past 16,777,214 patterns; the finder then degrades to "no mentions"
        // rather than aborting the batch.
        let trie = Trie::new(&variants);
        let mut given_names: HashSet<String> =
            GIVEN_NAMES.iter().map(|n| (*n).to_string()).collect();
        given_names.extend(
            CENSUS_GIVEN_NAMES
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
        for e in gazetteer.entities() {
            if e.kind == EntityKind::Person {
                if let Some(first) = e.name.split([' ', '-']).next() {
                    if first.chars().count() >= 3 {
                        given_names.insert(fold_word(first));
                    }
                }
            }
        }
        let surnames: HashSet<String> = gazetteer
            .entities()
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .filter_map(|e| e.name.split_whitespace().last())
            .filter(|last| last.chars().count() >= 3)
            .map(fold_word)
            .collect();
        let mut entity_forms = vec![Vec::new(); gazetteer.entities().len()];
        for (fi, f) in gazetteer.forms().iter().enumerate() {
            if let Some(v) = entity_forms.get_mut(f.entity) {
                v.push(fi);
            }
        }
        EntityFinder {
            learned: true,
            contractions: contraction::Contractions::new(&gazetteer),
            entity_forms,
            surnames,
            tickers,
            ticker_bases,
            given_names,
            gaz: gazetteer,
            trie,
            pats,
            forms,
        }
    }

    /// Turns the learned company recogniser on or off (on by default). Its training
    /// script turns it off, so that the distant-supervision labels do not depend on the
    /// previously trained model.
    pub fn set_learned_discovery(&mut self, on: bool) {
        self.learned = on;
    }

    /// The gazetteer the finder was built from.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gaz
    }

    /// All mentions in `text`, sorted by start, non-overlapping. The pipeline calls it
    /// once per article on `title + "\n\n" + body` so one-sense-per-article evidence
    /// can use the whole article. `lang` only selects word-order rules for discovery
    /// (French allows adjectives between `la start-up` and the name); every rule
    /// accepts both languages. Never panics; offsets are on char boundaries.
    pub fn find(&self, text: &str, lang: Lang) -> Vec<Mention> {
        thread_local! {
            /// Per-thread folding and hit buffers, reused across articles.
            static SCRATCH: RefCell<(Folded, Vec<Hit>)> = RefCell::new(Default::default());
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let (folded, hits) = &mut *scratch;
                folded.refill(text);
                self.scan(folded, hits);
                self.scan_glued(text, hits);
                let out = self.find_in(text, lang, hits);
                // Do not keep a huge article's buffers alive for the whole run.
                if folded.text.capacity() > 1 << 20 {
                    *scratch = Default::default();
                }
                out
            }
            // Only if `find` were re-entered on the same thread: use fresh buffers.
            Err(_) => {
                let mut hits = Vec::new();
                self.scan(&Folded::new(text), &mut hits);
                self.scan_glued(text, &mut hits);
                self.find_in(text, lang, &hits)
            }
        })
    }

    /// [`EntityFinder::find`] once the automaton hits are known.
    fn find_in(&self, text: &str, lang: Lang, hits: &[Hit]) -> Vec<Mention> {
        let mut art = Article {
            text,
            lang,
            given_names: &self.given_names,
            hits,
            evidence: Vec::new(),
            form_spans: Vec::new(),
            cue_phrases: Vec::new(),
            mentions: Vec::new(),
            taken: RefCell::new(Taken::default()),
            not_company_passed: Vec::new(),
        };
        for h in hits {
            let info = &self.pats[h.pat];
            if info.flags & EVID != 0 {
                art.evidence.push((h.s, h.e));
            }
            if info.flags != 0 && text.get(h.s..h.e).is_some_and(|t| t.contains(' ')) {
                art.cue_phrases.push((h.s, h.e));
            }
            if info.flags & LEGAL != 0 && text.get(h.s..h.e).is_some_and(is_legal_suffix) {
                art.evidence.push((h.s, h.e));
            }
            if !info.forms.is_empty() {
                art.form_spans.push((h.s, h.e));
            }
        }
        self.resolve_gazetteer(&mut art);
        self.resolve_contractions(&mut art);
        self.resolve_role_tickers(&mut art);
        media::media_outlets(self, &mut art);
        discover_companies(&mut art, &self.pats);
        if self.learned {
            context_fr::discover_context_fr(&mut art, &self.pats);
            discover_learned(&mut art);
            discover_taking_objects(&mut art);
            headline_context::discover_headline_context(&mut art);
        }
        // Places, products, persons… that context shows are no companies: before the
        // listing rule grows lists from them, and again after it.
        not_company::drop_not_companies(&mut art, &self.surnames);
        discover_listed(&mut art);
        context_fr::discover_listed_before(&mut art);
        not_company::drop_not_companies(&mut art, &self.surnames);
        discover_persons(&mut art, &self.pats);
        coreference(&mut art, &self.pats);
        finish(art.mentions)
    }

    /// Whether one of entity `ei`'s tickers appears in `text` as a whole token in
    /// capitals (`ORA`, `AAPL`; not the `ABC` of `xABC` or `ABCé`) of three to eight
    /// characters.
    fn ticker_in_text(&self, text: &str, ei: usize) -> bool {
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'&' || b >= 0x80;
        let Some(bases) = self.ticker_bases.get(ei) else {
            return false;
        };
        bases.iter().any(|t| {
            let t = t.as_bytes();
            (3..=8).contains(&t.len())
                && t.first()
                    .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && memchr::memmem::find_iter(bytes, t).any(|s| {
                    (s == 0 || !word(bytes[s - 1]))
                        && bytes.get(s + t.len()).is_none_or(|&b| !word(b))
                })
        })
    }

    /// Leftmost-longest scan of the folded text; keeps hits with word boundaries on
    /// both sides and maps them back to original offsets. After a rejected hit the scan
    /// restarts one character later so a valid match starting inside it is not lost.
    fn scan(&self, f: &Folded, out: &mut Vec<Hit>) {
        out.clear();
        let hay = f.text.as_bytes();
        let Some(trie) = &self.trie else {
            return;
        };
        let mut pos = 0;
        while pos < hay.len() {
            let Some((sep, e, pid)) = trie.find_word_from(hay, pos, b' ') else {
                break;
            };
            // The first byte is the space the pattern starts with.
            let s = sep + 1;
            let mut found = right_boundary(&f.text, e).then_some((e, pid));
            if found.is_none() {
                // `Nestlé said`: the longest pattern `nestle sa` ends inside a word;
                // retry shorter patterns starting at the same place.
                found = shorter_match(trie, &f.text, sep, e);
            }
            match found {
                Some((e, pid)) if s < e => {
                    let (os, oe) = f.original_span(s, e);
                    out.push(Hit {
                        s: os,
                        e: oe,
                        pat: pid,
                    });
                    // The next pattern may start with the separator ending this one.
                    pos = e;
                }
                _ => pos = sep + 1,
            }
        }
    }

    /// Names glued to a section label at the start of a line, as scraped headlines
    /// have them (`CompaniesAcme sheds…`, `MarketsPellix up 2.5%`): the scan needs a
    /// separator before a name, so each such line start is looked up on its own.
    fn scan_glued(&self, text: &str, out: &mut Vec<Hit>) {
        let Some(trie) = &self.trie else {
            return;
        };
        let before = out.len();
        let mut line = 0;
        loop {
            let rest = text.get(line..).unwrap_or("");
            let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let at = line + lead;
            if let Some(label) = SECTION_LABELS.iter().find(|l| {
                text.get(at..)
                    .and_then(|r| r.strip_prefix(**l))
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
            }) {
                let s = at + label.len();
                let end = text[s..].find('\n').map_or(text.len(), |i| s + i);
                // The fold starts with a separator, which every pattern starts with.
                let sub = Folded::new(&text[s..end]);
                let hay = sub.text.as_bytes();
                if let Some((e, pat)) = trie.longest_at(hay, 0, hay.len()) {
                    if right_boundary(&sub.text, e) && !self.pats[pat].forms.is_empty() {
                        let (os, oe) = sub.original_span(1, e);
                        out.push(Hit {
                            s: s + os,
                            e: s + oe,
                            pat,
                        });
                    }
                }
            }
            match text[line..].find('\n') {
                Some(i) => line += i + 1,
                None => break,
            }
        }
        if out.len() > before {
            out.sort_by_key(|h| (h.s, h.e));
            // A glued hit never overlaps a scanned one (the scan found nothing inside
            // the glued word), but keep the hits non-overlapping whatever happens.
            out.dedup_by(|b, a| b.s < a.e);
        }
    }

    fn case_fit(&self, fm: &FormMeta, surface: &str) -> CaseFit {
        let first = head_letter(surface);
        if fm.strict {
            let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
            if !surface.chars().any(char::is_lowercase) {
                return CaseFit::Yes;
            }
            let title = first.is_some_and(char::is_uppercase)
                && surface
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .skip(1)
                    .all(char::is_lowercase);
            return if title && letters >= 3 && fm.kind == EntityKind::Company {
                CaseFit::Weak
            } else {
                CaseFit::No
            };
        }
        // `easyJet`, `iPhone`-style spellings keep an inner capital.
        let inner_cap = surface.chars().skip(1).any(char::is_uppercase);
        if fm.first_upper && !first.is_some_and(char::is_uppercase) && !inner_cap {
            return CaseFit::No;
        }
        CaseFit::Yes
    }

    /// Decides each gazetteer hit: company (with evidence for ambiguous forms), else
    /// person or place, then applies one-sense-per-article.
    fn resolve_gazetteer(&self, art: &mut Article<'_>) {
        let text = art.text;
        // (hit index, company form, decision, fallback non-company form)
        let mut pending: Vec<(usize, Option<usize>, Decision, Option<usize>)> = Vec::new();
        // Entities with an accepted mention (few per article: a Vec beats hashing).
        let mut confirmed: Vec<usize> = Vec::new();
        let mut persons: Vec<(usize, usize)> = Vec::new();
        for (hi, h) in art.hits.iter().enumerate() {
            let info = &self.pats[h.pat];
            if info.forms.is_empty() {
                continue;
            }
            let surface = text.get(h.s..h.e).unwrap_or("");
            // `consumer advocate Dana Whitfield`, `Florence Parly`: a company or place
            // name that is also a given name, followed by a surname, is a person.
            if let Some(pe) = self.given_name_then_surname(art, h, surface) {
                persons.push((h.s, pe));
                continue;
            }
            let mut best: Option<(usize, Decision)> = None;
            let mut other: Option<usize> = None;
            for &fi in &info.forms {
                let fm = &self.forms[fi];
                let fit = self.case_fit(fm, surface);
                if fit == CaseFit::No
                    || (fm.contracted
                        && !contraction_before(text, h.s)
                        && !media::article_outside_quotes(text, h.s))
                {
                    continue;
                }
                if fm.kind != EntityKind::Company {
                    // `Jean-Christophe Lagarde` is not the gazetteer's `Lagarde`.
                    let other_person = fm.kind == EntityKind::Person
                        && !surface.contains(' ')
                        && word_before(text, h.s, true).is_some_and(|(a, b)| {
                            text.get(a..b)
                                .is_some_and(super::discover::is_given_name_like)
                                && text.get(b..h.s).is_some_and(|g| g == " " || g == "-")
                        });
                    if other.is_none() && !other_person {
                        other = Some(fi);
                    }
                    continue;
                }
                let d = if !fm.ambiguous && fit == CaseFit::Yes {
                    if self.person_like(art, h, surface) {
                        Decision::Reject
                    } else {
                        Decision::Accept(CONF_PLAIN)
                    }
                } else {
                    self.ambiguous_decision(art, h, fm, fit)
                };
                let better = match (best, d) {
                    (None, _) => true,
                    (Some((_, Decision::Accept(a))), Decision::Accept(b)) => b > a,
                    (Some((_, Decision::Accept(_))), _) => false,
                    (Some((_, Decision::Undecided)), Decision::Accept(_)) => true,
                    (Some((_, Decision::Reject)), Decision::Accept(_) | Decision::Undecided) => {
                        true
                    }
                    _ => false,
                };
                if better {
                    best = Some((fi, d));
                }
            }
            if let Some((fi, Decision::Accept(_))) = best {
                confirmed.push(self.forms[fi].entity);
            }
            match best {
                Some((fi, d)) => pending.push((hi, Some(fi), d, other)),
                None if other.is_some() => pending.push((hi, None, Decision::Reject, other)),
                None => {}
            }
        }
        // `De Netflix à Apple ou Amazon`: an undecided name listed with an accepted
        // company (itself accepted on any evidence) is a company too.
        let accepted: Vec<usize> = pending
            .iter()
            .filter(|p| matches!(p.2, Decision::Accept(_)))
            .map(|p| art.hits[p.0].s)
            .collect();
        for p in &mut pending {
            if p.2 == Decision::Undecided
                && !accepted.is_empty()
                && self.coordinated_with(art, &art.hits[p.0], |o: &Hit| accepted.contains(&o.s))
            {
                p.2 = Decision::Accept(CONF_ONE_SENSE);
            }
        }
        self.accept_sector_peers(art, &mut pending);
        self.accept_after_role_noun(art, &mut pending);
        for (hi, fi, d, other) in pending {
            let h = art.hits[hi];
            let d = match (fi, d) {
                (Some(fi), Decision::Undecided) if confirmed.contains(&self.forms[fi].entity) => {
                    Decision::Accept(CONF_ONE_SENSE)
                }
                _ => d,
            };
            let chosen = match (fi, d) {
                (Some(fi), Decision::Accept(c)) => Some((fi, c)),
                _ => other.map(|o| (o, CONF_OTHER_KIND)),
            };
            let Some((fi, conf)) = chosen else { continue };
            let fm = &self.forms[fi];
            let Some(ent) = self.gaz.entities().get(fm.entity) else {
                continue;
            };
            if ent.kind == EntityKind::Company
                && (sponsor_of_venue(text, h.e)
                    || ent.sector.as_deref() == Some("Media")
                        && (cited_as_medium(text, h.s) || media::cited_as_source(text, h.s))
                        && !media::business_event(text, h.s, h.e))
            {
                continue;
            }
            let (s, e) = trim_legal_tail(text, h.s, h.e);
            art.mentions.push(Mention {
                entity_id: ent.id.clone(),
                name: ent.name.clone(),
                kind: ent.kind,
                start: s,
                end: e,
                confidence: conf,
                via: Via::Gazetteer,
            });
        }
        for (s, e) in persons {
            let Some(name) = text.get(s..e) else { continue };
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            art.mentions.push(Mention {
                entity_id: format!("person:{}", slug(&name)),
                name,
                kind: EntityKind::Person,
                start: s,
                end: e,
                confidence: CONF_DISCOVERED,
                via: Via::Discovered,
            });
        }
    }
}

/// The letter that carries a name's capital: the first one, or the one after an
/// elided article (`l'Oréal` and `L'Oréal` are both written with a capital `O`).
fn head_letter(s: &str) -> Option<char> {
    // `groupe Orange` / `Groupe Orange`: the generic head says nothing about case.
    for head in ["groupe ", "Groupe ", "group ", "Group "] {
        if let Some(rest) = s.strip_prefix(head) {
            return head_letter(rest);
        }
    }
    let mut cs = s.chars();
    if let (Some(a), Some(b)) = (cs.next(), cs.next()) {
        if (a == 'l' || a == 'L') && matches!(b, '\'' | '’') {
            return cs.next();
        }
    }
    s.chars().find(|c| c.is_alphabetic())
}

/// Longest match starting at `s` that ends before `e` on a word boundary.
fn shorter_match(trie: &Trie, t: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    let hay = t.as_bytes();
    let mut limit = e;
    for _ in 0..8 {
        // Largest p in (s, limit) where a word ends (the next char is not alphanumeric).
        let mut p = limit.checked_sub(1)?;
        while p > s + 1
            && (!t.is_char_boundary(p)
                || t.get(p..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_alphanumeric))
        {
            p -= 1;
        }
        if p <= s + 1 {
            return None;
        }
        match trie.longest_at(hay, s, p) {
            Some((end, pid)) if right_boundary(t, end) => return Some((end, pid)),
            Some((end, _)) => limit = end,
            None => return None,
        }
    }
    None
}

fn right_boundary(t: &str, e: usize) -> bool {
    t.get(e..)
        .and_then(|p| p.chars().next())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Sorts by start and removes overlaps (earlier first, then longer, then more confident).
fn finish(mut ms: Vec<Mention>) -> Vec<Mention> {
    ms.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let mut out: Vec<Mention> = Vec::with_capacity(ms.len());
    for m in ms {
        if m.start >= m.end {
            continue;
        }
        if out.last().is_some_and(|l| m.start < l.end) {
            continue;
        }
        out.push(m);
    }
    out
}
