//! French context for companies on no list. A French news item rarely names an unknown
//! company bare: it introduces it with what it is or what happens to it, and that
//! context is enough to take the name even when the learned recogniser alone scores it
//! below its threshold:
//!
//! * a business descriptor before the name, optionally qualified (`la marque Pellix`,
//!   `le studio rwandais Corvane`, `le cabinet d'analyse Fabrikor`, `le spécialiste du
//!   recyclage des métaux Voltix`, `les opérateurs Brewco, …`);
//! * an apposition after it (`Pellix, sous-traitant de Corvane, …`, `Pellix, la
//!   discrète banque russe…`, `Pellix, le numéro un du…`);
//! * the object of a deal or company-finance noun (`vente d'Pellix`, `le rachat de
//!   Simon & Schuster par…`, `la dette de Corvane`);
//! * a name listed before known companies (`Pellix, Lime et Tier`);
//! * a name ending in `'s` / `’s` (`Sotheby’s`), which French has no possessive for.
//!
//! Each cue is a closed class of words; the recogniser's score is still asked, at a low
//! floor per cue, to rule out persons, places and products that take the same slots
//! (`la vente de Picasso`). The rules run on French text only.

use super::{Article, PatInfo, CONF_DISCOVERED, CONF_DISCOVERED_REPEAT};
use crate::entities::discover::{
    char_before, chunk_after, chunk_before, in_caps_line, is_capitalised, is_stopword, name_after,
    name_before, word_after, word_before,
};
use crate::entities::fold::{fold_word, with_folded_word};
use crate::entities::lexicon::NATIONALITY_ADJECTIVES;
use crate::entities::recognizer::{is_public_body, CompanyRecognizer};
use crate::entities::{EntityKind, Via};
use crate::text::lang::Lang;

use super::discovery::{person_shaped, Cue};

/// Automaton flag of [`DESCRIPTORS`].
pub(super) const DESC: u16 = 64;
/// Automaton flag of [`DEAL_NOUNS`].
pub(super) const DEAL: u16 = 128;

/// French business descriptors (folded) that introduce a company's name after them
/// (`la marque X`, `le studio X`), besides the company nouns of
/// [`crate::entities::lexicon::COMPANY_NOUNS`]; they also head an apposition after a
/// name (`X, sous-traitant de…`). Trades named by their agent noun (`le minier X`,
/// `l'armateur X`), the plural of company nouns (`les opérateurs X, Y et Z`) and
/// relational nouns (`sous-traitant`, `fournisseur`, `numéro un`).
#[rustfmt::skip]
pub(super) const DESCRIPTORS: &[&str] = &[
    "marque", "marques", "studio", "studios", "cabinet", "cabinets", "sous-traitant",
    "sous-traitants", "prestataire", "prestataires", "fournisseur", "fournisseurs",
    "operateurs", "enseignes", "constructeurs", "fabricants", "editeurs", "distributeurs",
    "equipementiers", "assureurs", "banques", "compagnies", "laboratoires", "start-up",
    "startups", "jeunes pousses", "boutiques", "magasins", "grand magasin", "grands magasins",
    "minier", "petrolier", "gazier", "armateur", "transporteur",
    "voyagiste", "cimentier", "chimiste", "siderurgiste", "semencier",
    "brasseur", "joaillier", "horloger", "lunetier", "chausseur", "malletier", "volailler",
    "leader", "numero un", "numero deux", "specialiste", "bancassureur", "courtier",
    "negociant", "grossiste", "loueur", "concessionnaire", "exploitant", "promoteur",
    "hebergeur", "reseau social", "licorne", "spin-off", "cooperative", "mutuelle",
    "maison de ventes", "maison de couture", "maison d'edition", "agence de notation",
    "institut de sondage", "institut de sondages", "institut d'etudes", "fonds d'investissement",
    "concurrent", "concurrents", "rival",
];

/// Descriptors that name a market position or a trade a person can hold too, or a
/// body of persons (`le leader du parti`, `le numéro un du club`, `le cabinet X` of a
/// prime minister): before a name they need a complement or an adjective first (`le
/// leader mondial du pneu X`, `le cabinet d'audit X`); after a name, as an apposition,
/// the name needs [`PERSON_APPOSITION_FLOOR`].
const PERSON_DESCRIPTORS: &[&str] = &[
    "leader",
    "cabinet",
    "cabinets",
    "numero un",
    "numero deux",
    "specialiste",
    "courtier",
    "negociant",
    "promoteur",
    "joaillier",
    "horloger",
    "brasseur",
    "chimiste",
    "concurrent",
    "concurrents",
    "rival",
    "exploitant",
    "concessionnaire",
];

/// Nouns (folded) of a deal or of a company's finances whose `de`/`d'` object is a
/// business (`la vente d'X`, `le rachat de X par Y`, `la dette de X`).
#[rustfmt::skip]
pub(super) const DEAL_NOUNS: &[&str] = &[
    "rachat", "vente", "cession", "reprise", "acquisition", "fusion", "faillite",
    "liquidation", "redressement judiciaire", "dette", "dettes", "capital", "actionnaire",
    "actionnaires", "salaries", "filiale", "filiales", "valorisation", "chiffre d'affaires",
    "benefice", "benefices", "comptes", "privatisation", "nationalisation",
    "introduction en bourse", "prise de controle", "demantelement", "restructuration",
    "maison mere", "offre de rachat", "cotation", "creanciers", "sauvetage",
];

/// Recogniser score from which a name after a descriptor is taken.
const DESCRIPTOR_FLOOR: f32 = 0.05;
/// Recogniser score from which a name before an apposition is taken.
const APPOSITION_FLOOR: f32 = 0.05;
/// Recogniser score from which a name before an apposition headed by a
/// [`PERSON_DESCRIPTORS`] noun is taken (`Pellix, le numéro un du…`).
const PERSON_APPOSITION_FLOOR: f32 = 0.3;
/// Recogniser score from which the object of a deal noun is taken.
const DEAL_FLOOR: f32 = 0.15;
/// Recogniser score from which a name ending in `'s` is taken with no other cue.
const POSSESSIVE_FLOOR: f32 = 0.02;

/// Recogniser score from which a name listed before known companies is taken.
const LIST_FLOOR: f32 = 0.35;

/// Bytes around a deal noun's object searched for business context.
const CONTEXT_BEFORE: usize = 80;
const CONTEXT_AFTER: usize = 100;

/// Lowercase words (adjectives, one `de` + noun complement) allowed between a
/// descriptor and the name (`le fabricant américain de jouets X`).
const MAX_GAP_WORDS: usize = 3;

/// Prepositions that may start a complement inside the gap (`de jouets`, `du luxe`).
const GAP_PREPOSITIONS: &[&str] = &["de", "d'", "du", "des", "en", "a"];

/// Runs every French context rule on the article; `pats` are the automaton's pattern
/// infos (for the [`DESC`] and [`DEAL`] flags). No-op on other languages.
pub(super) fn discover_context_fr(art: &mut Article<'_>, pats: &[PatInfo]) {
    if art.lang != Lang::Fr {
        return;
    }
    let text = art.text;
    let mut found: Vec<(usize, usize, f32)> = Vec::new();
    for h in art.hits.iter() {
        let flags = pats[h.pat].flags;
        if flags & (DESC | DEAL | super::NOUN) == 0 || !lower_word(text, h.s, h.e) {
            continue;
        }
        let noun = fold_word(text.get(h.s..h.e).unwrap_or(""));
        if flags & DESC != 0 && determiner_before(text, h.s) {
            if let Some((s, e)) = name_after_descriptor(text, h.e, &noun) {
                found.push((s, e, DESCRIPTOR_FLOOR));
            }
        }
        if flags & (DESC | super::NOUN) != 0 {
            if let Some((s, e)) = name_before_apposition(text, h.s, h.e) {
                let floor = if PERSON_DESCRIPTORS.contains(&noun.as_str()) {
                    PERSON_APPOSITION_FLOOR
                } else {
                    APPOSITION_FLOOR
                };
                found.push((s, e, floor));
            }
        }
        if flags & DEAL != 0 {
            if let Some((s, e)) = deal_object(text, h.e) {
                if business_context(art, pats, h.s, h.e, s, e) {
                    found.push((s, e, DEAL_FLOOR));
                }
            }
        }
    }
    for (s, e) in possessive_names(text) {
        found.push((s, e, POSSESSIVE_FLOOR));
    }
    if found.is_empty() {
        return;
    }
    let rec = CompanyRecognizer::shipped();
    for (s, e, floor) in found {
        let e = with_possessive(text, e);
        if in_caps_line(text, s) || !plausible(art, s, e) {
            continue;
        }
        let p = rec.score(text, s, e, art.lang);
        if p >= floor {
            art.add_discovered(s, e, CONF_DISCOVERED.max(p.min(0.9)), Cue::Strong);
        }
    }
}

/// `Pellix, Lime et Tier`: a capitalised name right before a comma-separated list of
/// companies already found, that ends with `et`/`ou` and another company, is listed
/// with them. The list to its right must hold at least two listed (gazetteer) companies
/// and nothing else,
/// so a name opening a sentence before a single company (`Selon Pellix, Corvane…`)
/// stays out. French text only; runs after the other discoveries.
pub(super) fn discover_listed_before(art: &mut Article<'_>) {
    if art.lang != Lang::Fr {
        return;
    }
    let text = art.text;
    let mut companies: Vec<(usize, usize)> = art
        .mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Company && m.via == Via::Gazetteer)
        .map(|m| (m.start, m.end))
        .collect();
    companies.sort_unstable();
    let mut add: Vec<(usize, usize)> = Vec::new();
    for (i, &(cs, _)) in companies.iter().enumerate() {
        // The list's first known member, after `Name, `.
        let Some(before) = text.get(..cs) else {
            continue;
        };
        let Some(comma) = before.trim_end_matches([' ', '\u{a0}']).strip_suffix(',') else {
            continue;
        };
        let Some((s, e)) = name_before(text, comma.len()) else {
            continue;
        };
        let name = text.get(s..e).unwrap_or("");
        let first = name.split([' ', '-']).next().unwrap_or(name);
        // `La Cinq, France 2…`: a capitalised article before the name is part of it.
        let article = word_before(text, s, false).is_some_and(|(a, b)| {
            text.get(a..b)
                .is_some_and(|w| matches!(w, "La" | "Le" | "Les" | "L"))
        });
        if listed_to_the_right(text, &companies[i..]) >= 2
            && !article
            && !in_caps_line(text, s)
            && !person_shaped(name)
            && !with_folded_word(first, |f| art.given_names.contains(f))
            && plausible(art, s, e)
        {
            add.push((s, e));
        }
    }
    if add.is_empty() {
        return;
    }
    let rec = CompanyRecognizer::shipped();
    for (s, e) in add {
        let p = rec.score(text, s, e, art.lang);
        if p >= LIST_FLOOR {
            art.add_discovered(s, e, CONF_DISCOVERED_REPEAT, Cue::Weak { group: None });
        }
    }
}

/// How many companies of `companies` (sorted, the first one opening the list) form a
/// list joined by commas and closed by `et`/`ou` before another of them; 0 when the
/// list is not closed that way or something else sits between its members.
fn listed_to_the_right(text: &str, companies: &[(usize, usize)]) -> usize {
    let mut n = 1;
    for w in companies.windows(2) {
        let gap = text.get(w[0].1..w[1].0).unwrap_or("x");
        let g = gap.trim_matches([' ', '\u{a0}']);
        if g == "," {
            n += 1;
            continue;
        }
        if matches!(g, "et" | "ou") {
            return n + 1;
        }
        return 0;
    }
    0
}

/// Determiners (folded) before a descriptor that introduces a name (`la marque X`,
/// `des magasins X`, `l'armateur X`); without one the descriptor is most often an
/// adjective (`le projet pétrolier X`) or part of another noun phrase.
const DETERMINERS: &[&str] = &[
    "le", "la", "les", "l'", "un", "une", "des", "du", "au", "aux", "son", "sa", "ses", "leur",
    "leurs", "ce", "cet", "cette", "ces", "notre", "nos", "votre", "vos",
];

/// Is the word before `pos` a determiner ([`DETERMINERS`]), or an elided `l'` glued to
/// it?
fn determiner_before(text: &str, pos: usize) -> bool {
    if let Some(el) = crate::entities::discover::elision_before(text, pos) {
        return el == "l'";
    }
    word_before(text, pos, false).is_some_and(|(a, b)| {
        text.get(b..pos)
            .is_some_and(|g| g.trim_matches([' ', '\u{a0}']).is_empty())
            && text
                .get(a..b)
                .is_some_and(|w| with_folded_word(w, |f| DETERMINERS.contains(&f)))
    })
}

/// Is the word at `s..e` written in lowercase (a common noun, not part of a name)?
fn lower_word(text: &str, s: usize, e: usize) -> bool {
    text.get(s..e)
        .and_then(|w| w.chars().find(|c| c.is_alphabetic()))
        .is_some_and(char::is_lowercase)
}

/// The name after a descriptor ending at `pos`: right after it or after up to
/// [`MAX_GAP_WORDS`] lowercase words (adjectives, a `de` + noun complement), all in the
/// same clause, with one complement at most. A complement's preposition must be followed by a lowercase noun, not
/// by the name (`le fabricant de Roubaix`: a place), nor by an article starting a new
/// noun phrase (`le constructeur de la tour Eiffel`). Person-like descriptors
/// ([`PERSON_DESCRIPTORS`]) need at least one word in the gap.
fn name_after_descriptor(text: &str, pos: usize, noun: &str) -> Option<(usize, usize)> {
    let mut p = pos;
    let mut gap = 0;
    let mut prepositions = 0;
    let mut after_preposition = false;
    loop {
        let (cs, ce) = chunk_after(text, p)?;
        let chunk = text.get(cs..ce)?;
        if is_capitalised(chunk.trim_start_matches(['«', '"', '“'])) {
            break;
        }
        // `d'analyse`: the elided preposition is glued to its noun.
        let (prep, word) = match chunk.split_once(['\'', '’']) {
            Some((a, b)) if with_folded_word(a, |f| f == "d" || f == "l") => (true, b),
            _ => (false, chunk),
        };
        if prep && with_folded_word(chunk, |f| f.starts_with("l'")) {
            return None;
        }
        let f = fold_word(word);
        if word.ends_with([',', '.', ';', ':', '!', '?', ')', '»']) || word.is_empty() {
            return None;
        }
        let is_prep = !prep && GAP_PREPOSITIONS.contains(&f.as_str());
        let content = word.chars().all(|c| c.is_lowercase() || c == '-')
            && word.chars().count() >= 3
            && !is_stopword(word);
        if prep || is_prep {
            prepositions += 1;
        }
        if is_prep {
            after_preposition = true;
        } else if content {
            after_preposition = false;
        } else {
            return None;
        }
        gap += 1;
        // One complement at most: with two, the name may belong to the second noun
        // (`les banques russes du système d'échanges X`).
        if gap > MAX_GAP_WORDS || prepositions > 1 {
            return None;
        }
        p = ce;
    }
    if after_preposition || (gap == 0 && PERSON_DESCRIPTORS.contains(&noun)) {
        return None;
    }
    let (s, e) = name_after(text, p, 0)?;
    text.get(p..s)
        .is_some_and(|g| g.trim_matches([' ', '\u{a0}', '«', '"', '“']).is_empty())
        .then_some((s, e))
}

/// `Pellix, sous-traitant de Corvane, …`, `Pellix, la discrète banque russe…`: the
/// name before a comma that opens an apposition headed by the company noun or
/// descriptor at `ns..ne` (after an optional article and up to two adjectives). The
/// apposition must not go on to introduce a name of its own (`Pour Pellix, le groupe
/// chinois Corvane…`: that is Corvane's descriptor).
fn name_before_apposition(text: &str, ns: usize, ne: usize) -> Option<(usize, usize)> {
    // Walk back from the noun to the comma over an article and two adjectives.
    let mut p = ns;
    let mut words = 0;
    let comma_at = loop {
        let (cs, ce) = chunk_before(text, p)?;
        let chunk = text.get(cs..ce)?;
        if let Some(head) = chunk.strip_suffix(',') {
            if !head.is_empty() {
                break cs + head.len();
            }
            break cs;
        }
        // `l'opérateur`: an elided article glued to the noun itself.
        words += 1;
        let ok = with_folded_word(chunk, |f| {
            matches!(f, "le" | "la" | "les" | "un" | "une" | "ce" | "cette")
        }) || (chunk.chars().all(|c| c.is_lowercase() || c == '-')
            && chunk.chars().count() >= 3
            && !is_stopword(chunk));
        if !ok || words > 3 {
            return None;
        }
        p = cs;
    };
    // The apposition introduces no name itself (`le groupe chinois Corvane`); a
    // complement does not count (`sous-traitant d'Orange`, `filiale de Corvane`).
    if name_after(text, ne, 2).is_some_and(|(s, _)| {
        text.get(ne..s).is_some_and(|g| {
            !g.contains([',', '.', ';', ':'])
                && g.split_whitespace().count() <= 2
                && !g
                    .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
                    .any(|w| with_folded_word(w, |f| matches!(f, "de" | "d" | "du" | "des")))
        })
    }) {
        return None;
    }
    let (s, e) = name_before(text, comma_at)?;
    // The name opens a clause: sentence start, or after a preposition or conjunction.
    let opens = match char_before(text, s) {
        None => true,
        Some(_) if crate::entities::discover::is_sentence_initial(text, s) => true,
        Some(_) => word_before(text, s, false).is_some_and(|(a, b)| {
            text.get(a..b).is_some_and(|w| {
                with_folded_word(w, |f| {
                    matches!(
                        f,
                        "et" | "chez" | "avec" | "pour" | "par" | "contre" | "a" | "de" | "que"
                    )
                })
            })
        }),
    };
    opens.then_some((s, e))
}

/// The `de`/`d'` object of a deal noun ending at `pos` (`vente d'Pellix`, `rachat de
/// Corvane par…`): a capitalised name right after the preposition.
fn deal_object(text: &str, pos: usize) -> Option<(usize, usize)> {
    let (cs, ce) = chunk_after(text, pos)?;
    if text.get(pos..cs).is_some_and(|g| g.contains('\n')) {
        return None;
    }
    let chunk = text.get(cs..ce)?;
    let start = if with_folded_word(chunk, |f| f == "de") {
        ce
    } else if chunk.len() > 2
        && chunk.get(..1).is_some_and(|d| d.eq_ignore_ascii_case("d"))
        && chunk[1..].starts_with(['\'', '’'])
    {
        cs // `name_after` strips the elision
    } else {
        return None;
    };
    let (s, e) = name_after(text, start, 0)?;
    text.get(start..s)
        .is_some_and(|g| {
            g.trim_matches([' ', '\u{a0}', '«', '"', '“', '\'', '’'])
                .len()
                <= 1
        })
        .then_some((s, e))
}

/// Is there business context around the object `s..e` of the deal noun at `cs..ce`,
/// other than that noun: a company context word, another company noun, descriptor or
/// deal noun, or a company already found (`le rachat de X par Corvane`)? A deal noun
/// alone also takes artworks, places and persons (`la vente de Picasso`, `la cession
/// de Kherson`).
fn business_context(
    art: &Article<'_>,
    pats: &[PatInfo],
    cs: usize,
    ce: usize,
    s: usize,
    e: usize,
) -> bool {
    let lo = cs.min(s).saturating_sub(CONTEXT_BEFORE);
    let hi = e + CONTEXT_AFTER;
    let outside = |a: usize, b: usize| (b <= cs || a >= ce) && (b <= s || a >= e);
    let cue = art.hits.iter().any(|h| {
        h.s >= lo
            && h.e <= hi
            && outside(h.s, h.e)
            && pats[h.pat].flags & (super::EVID | super::NOUN | DESC | DEAL) != 0
    });
    cue || art.mentions.iter().any(|m| {
        m.kind == EntityKind::Company && m.start >= lo && m.end <= hi && outside(m.start, m.end)
    })
}

/// Words that may follow a name in `'s` in a French sentence: auxiliaries, verbs'
/// clitics, conjunctions and prepositions (`Sotheby’s a vendu`, `chez Moody's et…`).
const AFTER_POSSESSIVE: &[&str] = &[
    "a", "avait", "aura", "est", "etait", "sera", "va", "vient", "doit", "peut", "et", "ou", "qui",
    "que", "dont", "de", "du", "des", "pour", "sur", "au", "aux", "en", "dans", "avec", "par",
    "chez", "ne", "n", "se", "s", "l", "y", "lui", "leur", "le", "la", "les",
];

/// One-word capitalised names ending in `'s`/`’s` (`Sotheby’s`, `Moody's`): French has
/// no such possessive, so the ending is the name's own. Only before
/// a French function word or punctuation (not `Trump's` in a quoted English phrase,
/// where a noun follows).
fn possessive_names(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut from = 0;
    // The next `'` or `’` (bytes E2 80 99): a byte search, then a check of the bytes
    // after E2 (the lead byte of other punctuation too).
    while let Some(off) = b.get(from..).and_then(|r| memchr::memchr2(b'\'', 0xE2, r)) {
        let at = from + off;
        let apos_len = if b[at] == b'\'' {
            1
        } else if b.get(at + 1..at + 3) == Some(&[0x80, 0x99]) {
            3
        } else {
            from = at + 1;
            continue;
        };
        from = at + apos_len;
        if b.get(at + apos_len) != Some(&b's') {
            continue;
        }
        let end = at + apos_len + 1;
        if b.get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80)
        {
            continue;
        }
        let Some((ws, we)) = word_before(text, at, false) else {
            continue;
        };
        if we != at || !text.get(ws..we).is_some_and(is_capitalised) {
            continue;
        }
        // One word, not inside a longer capitalised run (`Schindler's List` is a title).
        if char_before(text, ws).is_some_and(|(_, c)| c.is_alphanumeric() || c == '-') {
            continue;
        }
        // What follows: punctuation or a French function word (not `Trump's wall`).
        let next_ok = match word_after(text, end) {
            Some((a, z)) if text.get(end..a).is_some_and(|g| g.trim().is_empty()) => text
                .get(a..z)
                .is_some_and(|w| with_folded_word(w, |f| AFTER_POSSESSIVE.contains(&f))),
            _ => true,
        };
        if next_ok {
            out.push((ws, at));
        }
    }
    out
}

/// `Sotheby’s`: a one-word name directly followed by `'s`/`’s` (then no letter) keeps
/// it in French; returns the possibly extended end.
fn with_possessive(text: &str, e: usize) -> usize {
    for suf in ["'s", "’s"] {
        if let Some(rest) = text.get(e..).and_then(|r| r.strip_prefix(suf)) {
            if !rest.starts_with(char::is_alphanumeric) {
                let one_word = char_before(text, e).is_some_and(|(_, c)| c.is_alphabetic());
                if one_word {
                    return e + suf.len();
                }
            }
        }
    }
    e
}

/// The checks every context name passes before it is scored: not a nationality
/// adjective, a public body, a person-shaped two-word name (`Jean Dupont`), nor a name
/// already covered by a list match or a mention.
fn plausible(art: &Article<'_>, s: usize, e: usize) -> bool {
    let Some(name) = art.text.get(s..e) else {
        return false;
    };
    let nationality =
        !name.contains(' ') && with_folded_word(name, |f| NATIONALITY_ADJECTIVES.contains(&f));
    !nationality && !is_public_body(name) && !person_shaped(name) && !art.covered(s, e)
}

#[cfg(test)]
#[path = "context_fr_tests.rs"]
mod tests;
