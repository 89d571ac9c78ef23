//! English headline context for companies on no list.
//!
//! Headlines name a company that no listing holds (taken over, private) through the
//! words right next to it: a corporate role (`Pellix CEO`, `Pellix chief Jane Doe`,
//! `Pellix's board`, `CEO of Pellix`), a word of its shares, deals and results
//! (`Pellix shareholders`, `Pellix takeover`, `Pellix share price`, `Pellix Q2 net`,
//! `stake in Pellix`), a corporate verb when the name opens the headline (`Pellix
//! says…`, `Pellix to sell…`, `Pellix in talks with…`) or a company it is listed with
//! (`Corvane and Pellix`). The general recogniser pass looks for context within a
//! window and needs its English threshold; a word right next to the name is stronger
//! evidence, so here the recogniser only has to rule out persons, places and products,
//! at a floor that depends on the kind of context.
//!
//! Title Case headlines capitalise the context words too (`Pellix Sales Plunge as…`,
//! `Voltix Sees Pellix Deal Closing`), so a run of capitalised words is first cut at the
//! words of these closed lists, and each piece is judged on its own.
//!
//! Only the first line of an English text is read (the headline: the pipeline passes
//! `title + "\n\n" + body`), so the cost is one short recogniser pass per article.

use super::discovery::{person_shaped, trim_descriptor, Cue};
use super::Article;
use crate::entities::discover::{in_caps_line, is_legal_suffix, is_non_company_name};
use crate::entities::fold::with_folded_word;
use crate::entities::lexicon::{
    AGENT_VERBS, AUXILIARIES, NATIONALITY_ADJECTIVES, NON_COMPANY_ORGS, SECTION_LABELS,
};
use crate::entities::recognizer::{is_public_body, CompanyRecognizer};
use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

/// English words that running text writes in lower case (`data/gazetteer/
/// en_common_words.txt`, from open NER corpora; see `scripts/build_common_words.py`)
/// and the one-word terms of the English sentiment lexicons.
static COMMON_EN: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let words = include_str!("../../../data/gazetteer/en_common_words.txt")
        .lines()
        .filter(|l| !l.starts_with('#'));
    let lexicons = include_str!("../../../data/lexicons/en_base.tsv")
        .lines()
        .chain(include_str!("../../../data/lexicons/en_finance.tsv").lines())
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .filter(|w| !w.contains(' '));
    words.chain(lexicons).filter(|w| !w.is_empty()).collect()
});

/// `Small`, `Fewer`, `Elections`, `Securitised`: a word of the language rather than a
/// name (folded form, a plural's singular, or a participle, adverb or abstract-noun
/// ending).
fn common_word(w: &str) -> bool {
    with_folded_word(w, |f| {
        let singular = f
            .strip_suffix("ies")
            .map(|st| format!("{st}y"))
            .or_else(|| f.strip_suffix('s').map(str::to_string));
        COMMON_EN.contains(f)
            || singular.is_some_and(|x| COMMON_EN.contains(x.as_str()))
            || f.chars().count() >= 6
                && [
                    "ed", "ing", "ised", "ized", "ally", "ional", "ions", "ment", "ments",
                ]
                .iter()
                .any(|e| f.ends_with(e))
    })
}
use crate::entities::EntityKind;
use crate::text::lang::Lang;

/// Corporate roles and bodies right after a company's name (`Pellix CEO`, `Pellix
/// board`, `Pellix shareholders`).
#[rustfmt::skip]
const ROLE_NOUNS: &[&str] = &[
    "ceo", "ceos", "cfo", "coo", "cto", "cmd", "md", "chief", "chiefs", "boss", "bosses",
    "chairman", "chairwoman", "chair", "founder", "cofounder", "co-founder", "executive",
    "executives", "execs", "directors", "board", "management", "shareholders",
    "shareholder", "investors", "bondholders", "creditors", "staff", "workers",
    "employees", "unions",
];

/// Words of a company's shares, deals, units and results right after its name
/// (`Pellix shares`, `Pellix takeover`, `Pellix drug`, `Pellix sales`).
#[rustfmt::skip]
const BUSINESS_NOUNS: &[&str] = &[
    "shares", "share", "stock", "deal", "deals", "takeover", "merger", "bid", "offer",
    "buyout", "buyback", "stake", "ipo", "float", "listing", "drug", "drugs", "unit",
    "subsidiary", "division", "plant", "factory", "stores", "results", "profit",
    "profits", "sales", "revenue", "revenues", "earnings", "dividend", "payout",
    "turnover", "margins", "orders", "bonds", "debt", "valuation", "tie-up", "venture",
    "net",
];

/// Reporting periods right after a name (`Pellix Q2 net`, `Pellix FY16 profit`): a
/// company's results.
#[rustfmt::skip]
const PERIOD_WORDS: &[&str] = &[
    "q1", "q2", "q3", "q4", "h1", "h2", "1q", "2q", "3q", "4q", "9m", "first-quarter",
    "second-quarter", "third-quarter", "fourth-quarter", "quarterly", "half-year",
    "full-year", "first-half", "annual", "interim",
];

/// Headline verbs of a company besides [`AGENT_VERBS`] (present tense and the bare
/// form after `to`): `Pellix sees`, `Pellix to list`.
#[rustfmt::skip]
const HEADLINE_VERBS: &[&str] = &[
    "sees", "wants", "discloses", "denies", "reveals", "secures", "completes", "inks",
    "bags", "clinches", "extends", "hits", "tops", "pares", "trails", "rallies", "dips",
    "nears", "ends", "halts", "suspends", "resumes", "quits", "exits", "enters", "files",
    "prices", "lists", "debuts", "lowers", "upgrades", "downgrades", "reaffirms",
    "expands", "restructures", "partners", "teams", "snaps", "defends", "fights",
    "declares", "drops", "agrees", "raises", "cuts", "posts", "reports", "announces",
    "list", "raise", "merge", "pay", "shed", "exit", "enter", "expand", "spin", "split",
    "delist", "restructure", "appoint", "name", "seek", "consider", "explore", "resume",
    "sign", "bid", "offer", "challenge", "sue", "settle", "reduce", "boost", "fund",
    "issue", "repay", "acquire", "axe", "slash", "trim", "create", "scrap", "win",
];

/// Verbs of speech, which persons use as much as companies (`X said`).
const REPORTING_VERBS: &[&str] = &["said", "says", "told", "tells", "added", "wrote"];

/// Auxiliaries besides [`AUXILIARIES`] between a name and its verb (`Pellix set to…`,
/// `Pellix might…`).
const MORE_AUXILIARIES: &[&str] = &["might", "should", "must", "plans", "aims", "wants", "seeks"];

/// Words before a name that make it the company of a role or a deal (`CEO of Pellix`,
/// `stake in Pellix`, `talks with Pellix`), by the linking word after them.
#[rustfmt::skip]
const LEFT_CUES: &[(&str, &[&str])] = &[
    ("of", &["ceo", "ceos", "chairman", "boss", "founder", "shareholders", "shares",
             "stake", "owner", "owners", "unit", "division", "subsidiary", "executive"]),
    ("in", &["stake", "stakes", "shares", "investors", "shareholders", "investment"]),
    ("with", &["talks", "deal", "merger", "tie-up", "partnership", "venture", "forces",
               "teams", "pact", "agreement", "alliance"]),
];

/// Nouns right before a name that describe it as a business (`rival Pellix`, `owner
/// Pellix` in `Brewco owner Pellix`).
const LEFT_NOUNS: &[&str] = &["rival", "rivals", "owner", "peer", "peers"];

/// Indices, currencies, commodities and financial authorities that headlines treat
/// like companies (`Sensex rises`, `Rupee falls`, `Gold jumps`, `RBI says`); a name
/// equal to one of them, or ending with one (`Brent crude`), is not a company.
#[rustfmt::skip]
const MARKET_TERMS: &[&str] = &[
    // Indices and exchanges' indices
    "sensex", "nifty", "ftse", "dax", "cac", "nikkei", "hang seng", "kospi", "stoxx",
    "dow", "dow jones", "nasdaq", "s&p", "topix", "sti", "asx", "tsx", "bovespa", "ibex",
    "mib", "smi", "aex", "bankex", "vix", "msci",
    // Currencies
    "rupee", "dollar", "euro", "yen", "yuan", "renminbi", "sterling", "pound", "franc",
    "rouble", "ruble", "won", "peso", "real", "lira", "rand", "ringgit", "baht", "aussie",
    "kiwi", "loonie", "greenback", "bitcoin", "inr", "usd", "gbp", "eur", "jpy", "cny",
    // Commodities
    "gold", "silver", "oil", "crude", "brent", "copper", "zinc", "nickel", "aluminium",
    "aluminum", "platinum", "palladium", "gas", "wheat", "corn", "sugar", "cotton",
    "coffee", "cocoa", "soybean", "soybeans", "soyabean", "rubber", "iron ore", "palm oil",
    "steel", "metals", "guar", "jeera", "chana", "mentha",
    // Financial authorities and central banks
    "rbi", "sebi", "fed", "ecb", "boj", "boe", "pboc", "snb", "rba", "imf", "cci", "trai",
    "irda", "irdai", "fmc", "cbdt", "sec", "fca", "pra", "finra", "cftc", "esma", "doj",
    "treasury", "opec", "nse", "bse", "mcx", "ncdex", "usfda", "fipb", "iea", "sat", "cag",
    "cbi", "nclt", "nclat", "cong",
    // Financial terms written in capitals
    "crr", "slr", "csr", "ebitda", "esop", "spv", "fii", "fiis", "dii", "diis", "fdi",
    "ipo", "nav", "gdp", "cpi", "wpi", "iip", "pmi", "eps", "npa", "npas", "gst", "stt",
    "ltcg", "ofs", "qip", "ncd", "ncds", "etf", "etfs", "ppp", "m&a", "forex", "govt",
];

/// What kind of context a name has; each kind has its own recogniser floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// A role or corporate body right after: `Pellix CEO`, `Pellix board`.
    Role,
    /// A word of shares, deals or results right after: `Pellix shares`, `Pellix deal`.
    Business,
    /// A reporting period right after: `Pellix Q2 net`.
    Period,
    /// A possessive with a role or business word within three words: `Pellix's board`.
    Possessive,
    /// The name opens the headline and a corporate verb follows: `Pellix says`.
    Verb,
    /// A role, deal or rival word right before: `CEO of Pellix`, `stake in Pellix`.
    Before,
    /// Listed with a company found in the headline: `Corvane and Pellix`.
    Listed,
}

impl Context {
    /// The recogniser score from which a name with this context is a company.
    fn floor(self) -> f32 {
        match self {
            Context::Role | Context::Business | Context::Period | Context::Possessive => 0.05,
            Context::Before | Context::Listed => 0.1,
            Context::Verb => 0.12,
        }
    }
}

/// A word of the headline: byte span of its core (without the punctuation around it),
/// whether a possessive `'s` closes it, and whether punctuation follows it (so it does
/// not run on into the next word).
#[derive(Debug, Clone, Copy)]
struct Word {
    s: usize,
    e: usize,
    possessive: bool,
    stop: bool,
}

/// The words of `line` (offsets into `line`).
fn words(line: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let base = line.as_ptr() as usize;
    for chunk in line.split_whitespace() {
        let off = chunk.as_ptr() as usize - base;
        let lead = chunk.len()
            - chunk
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        let mut core = chunk.trim_start_matches(|c: char| !c.is_alphanumeric());
        let trimmed = core.trim_end_matches(|c: char| !c.is_alphanumeric());
        let stop = trimmed.len() < core.len();
        core = trimmed;
        let mut possessive = false;
        for suf in ["'s", "’s"] {
            if let Some(stem) = core.strip_suffix(suf) {
                if !stem.is_empty() {
                    core = stem;
                    possessive = true;
                }
            }
        }
        // Punctuation alone (`Pellix - Corvane`) ends the word before it.
        if core.is_empty() {
            if let Some(prev) = out.last_mut() {
                prev.stop = true;
            }
            continue;
        }
        let s = off + lead;
        out.push(Word {
            s,
            e: s + core.len(),
            possessive,
            stop: stop || possessive,
        });
    }
    out
}

fn folded_in(w: &str, list: &[&str]) -> bool {
    with_folded_word(w, |f| list.contains(&f))
}

/// A word that can be part of a name: a capital first letter, or a digit-led word with
/// a capital (`3G`, `1MDB`).
fn name_word(w: &str) -> bool {
    let mut cs = w.chars();
    match cs.next() {
        Some(c) if c.is_uppercase() => true,
        Some(c) if c.is_ascii_digit() => w.chars().any(char::is_uppercase),
        _ => false,
    }
}

/// Words inside a name between capitalised words (`Bank of Pellix`, `Pellix & Co`).
fn connector(w: &str) -> bool {
    matches!(w, "of" | "&" | "de" | "du" | "la" | "von" | "van" | "der")
}

/// A context word that ends a name inside a capitalised run: a role, business or
/// period word, a verb in a Title Case headline, and the descriptor at its start.
fn splitter(w: &str, title_case: bool) -> bool {
    let acronym = w.len() >= 2 && !w.chars().any(char::is_lowercase);
    with_folded_word(w, |f| {
        PERIOD_WORDS.contains(&f)
            || f == "net"
            || (acronym && ROLE_NOUNS.contains(&f))
            || (title_case
                && (ROLE_NOUNS.contains(&f)
                    || BUSINESS_NOUNS.contains(&f) && f != "stock"
                    || AGENT_VERBS.contains(&f)
                    || HEADLINE_VERBS.contains(&f)))
    })
}

/// Where the headline's words start: after a section label glued to the first word
/// (`CompaniesPellix`) or standing before it (`Companies Pellix`), or a wire tag
/// (`UPDATE 1-Pellix`, `BRIEF-Pellix`).
fn headline_start(line: &str) -> usize {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    for l in SECTION_LABELS {
        if let Some(r) = rest.strip_prefix(l) {
            let r2 = r.strip_prefix(' ').unwrap_or(r);
            if r2.starts_with(|c: char| c.is_uppercase()) {
                return line.len() - r2.len();
            }
        }
    }
    if let Some((tag, r)) = rest.split_once('-') {
        let wire = tag.len() >= 4
            && tag
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
            && tag.bytes().any(|b| b.is_ascii_uppercase());
        if wire && r.starts_with(|c: char| c.is_uppercase()) {
            return line.len() - r.len();
        }
    }
    lead
}

/// Companies named with headline context in the first line of an English text (see the
/// module docs).
pub(super) fn discover_headline_context(art: &mut Article<'_>) {
    if art.lang != Lang::En {
        return;
    }
    let text = art.text;
    let end = text.find('\n').unwrap_or(text.len());
    let line = &text[..end];
    if line.len() > 400 || line.trim().is_empty() || in_caps_line(text, 0) {
        return;
    }
    let rec = CompanyRecognizer::shipped();
    let start = headline_start(line);
    let mut ws = words(line);
    // `CompaniesPellix`: the glued label is not part of the first word.
    for w in &mut ws {
        if w.s < start && start < w.e {
            w.s = start;
        }
    }
    let title_case = crate::entities::discover::in_title_case(text, 0, 0);
    for (s, e, ctx) in named_with_context(line, &ws, start, title_case, art) {
        let Some(name) = line.get(s..e) else { continue };
        let by_position = s == start
            || title_case
            || ctx == Context::Listed
            || crate::entities::discover::is_sentence_initial(line, s);
        if !acceptable(name, ctx, by_position, art) {
            continue;
        }
        let p = rec.score(line, s, e, Lang::En);
        if p >= ctx.floor() {
            let s = trim_descriptor(text, s, e);
            art.add_discovered(s, e, p, Cue::Strong);
        }
    }
}

/// The pieces of capitalised runs of `line` that have context, with its kind.
fn named_with_context(
    line: &str,
    ws: &[Word],
    start: usize,
    title_case: bool,
    art: &Article<'_>,
) -> Vec<(usize, usize, Context)> {
    let text = |w: &Word| line.get(w.s..w.e).unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if ws[i].s < start || !name_word(text(&ws[i])) || splitter(text(&ws[i]), title_case) {
            i += 1;
            continue;
        }
        // A piece: capitalised words (with inner connectors), up to a splitter, a
        // possessive, punctuation or a lower-case word.
        let a = i;
        let mut b = i + 1;
        while b < ws.len() && !ws[b - 1].stop {
            let t = text(&ws[b]);
            if name_word(t) && !splitter(t, title_case) {
                b += 1;
            } else if connector(t)
                && ws
                    .get(b + 1)
                    .is_some_and(|n| name_word(text(n)) && !splitter(text(n), title_case))
            {
                b += 2;
            } else {
                break;
            }
        }
        i = b;
        if b - a > 5 {
            continue;
        }
        let (s, e) = (ws[a].s, ws[b - 1].e);
        if art.covered(s, e) {
            continue;
        }
        if let Some(ctx) = context_of(line, ws, a, b, start, art) {
            out.push((s, e, ctx));
        }
    }
    out
}

/// The context of the piece `ws[a..b]`, strongest first.
fn context_of(
    line: &str,
    ws: &[Word],
    a: usize,
    b: usize,
    start: usize,
    art: &Article<'_>,
) -> Option<Context> {
    let text = |k: usize| ws.get(k).and_then(|w| line.get(w.s..w.e)).unwrap_or("");
    let last = &ws[b - 1];
    let next = (!last.stop || last.possessive).then(|| text(b));
    if last.possessive {
        for w in ws.iter().skip(b).take(3) {
            let t = line.get(w.s..w.e).unwrap_or("");
            if folded_in(t, ROLE_NOUNS)
                || folded_in(t, BUSINESS_NOUNS)
                || folded_in(t, PERIOD_WORDS)
            {
                return Some(Context::Possessive);
            }
            if w.stop {
                break;
            }
        }
        return None;
    }
    if let Some(n) = next {
        if folded_in(n, ROLE_NOUNS) {
            return Some(Context::Role);
        }
        if folded_in(n, PERIOD_WORDS) {
            return Some(Context::Period);
        }
        if folded_in(n, BUSINESS_NOUNS) {
            return Some(Context::Business);
        }
    }
    // Before: `CEO of X`, `stake in X`, `rival X`.
    if a >= 1 && !ws[a - 1].stop {
        let w1 = text(a - 1);
        if folded_in(w1, LEFT_NOUNS) {
            return Some(Context::Before);
        }
        if a >= 2 && !ws[a - 2].stop {
            let w2 = text(a - 2);
            let hit = LEFT_CUES
                .iter()
                .any(|(link, heads)| with_folded_word(w1, |f| f == *link) && folded_in(w2, heads));
            if hit {
                return Some(Context::Before);
            }
        }
    }
    if ws[a].s == start && next.is_some() && verb_follows(line, ws, b) {
        return Some(Context::Verb);
    }
    if listed_with_company(line, ws, a, b, art) {
        return Some(Context::Listed);
    }
    None
}

/// A corporate verb at `ws[k]`, after up to two auxiliaries (`to`, `set to`, `may`), or
/// `in talks`.
fn verb_follows(line: &str, ws: &[Word], mut k: usize) -> bool {
    let text = |k: usize| ws.get(k).and_then(|w| line.get(w.s..w.e)).unwrap_or("");
    if with_folded_word(text(k), |f| f == "in") && with_folded_word(text(k + 1), |f| f == "talks") {
        return true;
    }
    for _ in 0..3 {
        let t = text(k);
        // Persons say and tell as much as companies do.
        if folded_in(t, REPORTING_VERBS) {
            return false;
        }
        if folded_in(t, AGENT_VERBS) || folded_in(t, HEADLINE_VERBS) {
            return true;
        }
        let aux = folded_in(t, AUXILIARIES) || folded_in(t, MORE_AUXILIARIES);
        if !aux || ws.get(k).is_none_or(|w| w.stop) {
            return false;
        }
        k += 1;
    }
    false
}

/// `Corvane and Pellix`, `Pellix, Corvane`: the piece is coordinated with a company
/// mention already found in the headline, on either side.
fn listed_with_company(line: &str, ws: &[Word], a: usize, b: usize, art: &Article<'_>) -> bool {
    let text = |k: usize| ws.get(k).and_then(|w| line.get(w.s..w.e)).unwrap_or("");
    let company_at = |k: usize| {
        ws.get(k).is_some_and(|w| {
            art.mentions
                .iter()
                .any(|m| m.kind == EntityKind::Company && m.start == w.s)
        })
    };
    let company_ending = |k: usize| {
        ws.get(k).is_some_and(|w| {
            art.mentions
                .iter()
                .any(|m| m.kind == EntityKind::Company && m.end == w.e)
        })
    };
    let and = |k: usize| with_folded_word(text(k), |f| f == "and" || f == "&");
    // Right: `Pellix and Corvane`, `Pellix, Corvane`.
    let last = &ws[b - 1];
    let comma_after = line.get(last.e..).is_some_and(|r| r.starts_with(','));
    let right = (and(b) && company_at(b + 1)) || (comma_after && company_at(b));
    // Left: `Corvane and Pellix`, `Corvane, Pellix`.
    let left = a >= 1
        && ((a >= 2 && and(a - 1) && company_ending(a - 2))
            || (company_ending(a - 1)
                && line
                    .get(ws[a - 1].e..ws[a].s)
                    .is_some_and(|g| g.trim() == ",")));
    right || left
}

/// Whether a piece with context may be a company by its own shape: not a person (a
/// given name first; person-shaped names only with a role, business or period word
/// right after), not a nationality, public body, index, currency, commodity or
/// common word.
fn acceptable(name: &str, ctx: Context, by_position: bool, art: &Article<'_>) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || is_legal_suffix(name) {
        return false;
    }
    let first_bare = first.split('-').next().unwrap_or(first);
    if with_folded_word(first_bare, |f| art.given_names.contains(f)) {
        return false;
    }
    // `U K Sinha`, `V Balakrishnan`: initials open a person's name.
    if words.len() >= 2 && first.chars().count() == 1 {
        return false;
    }
    let strong = matches!(ctx, Context::Business | Context::Period);
    // `Mayor Dana Whitfield`: a given name anywhere makes a person.
    if !strong
        && words
            .iter()
            .any(|w| w.chars().count() >= 3 && with_folded_word(w, |f| art.given_names.contains(f)))
    {
        return false;
    }
    if person_shaped(name) && !strong {
        return false;
    }
    // A one-word name capitalised only by its place (first in the headline, or in a
    // Title Case headline) must not be a word of the language (`Small investors…`).
    let title_word = words.len() == 1 && name.chars().skip(1).all(|c| !c.is_uppercase());
    let parts_common = name.split('-').all(common_word);
    if title_word && by_position && parts_common {
        return false;
    }
    // `Q1FY13`, `FY16`, `October-March`, `FDI-funded`: periods and compounds.
    let period = with_folded_word(name, |f| {
        let f = f.trim_start_matches(['q', 'h']);
        f.starts_with(|c: char| c.is_ascii_digit()) && f.contains("fy")
            || f.starts_with("fy") && f[2..].chars().all(|c| c.is_ascii_digit())
    });
    let months = name.split('-').all(|p| {
        with_folded_word(p, |f| {
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
            .contains(&f)
        })
    });
    let lower_part = name
        .split('-')
        .skip(1)
        .any(|p| p.starts_with(char::is_lowercase));
    if period || months || lower_part {
        return false;
    }
    if words.iter().any(|w| folded_in(w, NATIONALITY_ADJECTIVES)) {
        return false;
    }
    let acronym = words.len() == 1 && !name.chars().any(char::is_lowercase);
    if acronym && letters < 3 {
        return false;
    }
    let folded = crate::entities::fold::fold_str(name);
    let folded = folded.trim();
    let last = folded.rsplit(' ').next().unwrap_or(folded);
    if MARKET_TERMS.contains(&folded) || MARKET_TERMS.contains(&last) {
        return false;
    }
    if words.len() == 1
        && (folded_in(name, NATIONALITY_ADJECTIVES) || folded_in(name, NON_COMPANY_ORGS))
    {
        return false;
    }
    !is_public_body(name) && !is_non_company_name(name)
}
