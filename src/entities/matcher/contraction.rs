//! Newsroom contractions of two-word company names: `StanChart` for Standard Chartered,
//! `StanLife` for Standard Life (invented: `CorvMining` for Corvane Mining). The first
//! part is the opening of the name's first word, the second part the opening (or the
//! whole) of its second word, glued in CamelCase. Listing every such form would mean
//! millions of patterns, so they are resolved when reading instead: a CamelCase token
//! of two parts that no gazetteer form matched is looked up by the first three letters of
//! each part, and it names a company when exactly one company has a two-word name whose
//! words start with the two parts.

use std::collections::HashMap;

use super::{Article, EntityFinder, CONF_CASE};
use crate::entities::discover::is_legal_suffix;
use crate::entities::fold::fold_str;
use crate::entities::gazetteer::Gazetteer;
use crate::entities::{EntityKind, Mention, Via};

/// Letters of each part that form the look-up key; also the shortest part accepted.
const KEY_LEN: usize = 3;

/// Second words that only say what kind of body the first word is (`Centene
/// Corporation`, `Corvane Group`): a contraction with them (`CenCorp`) names anything.
const HOLDING_WORDS: &[&str] = &[
    "corporation",
    "corp",
    "company",
    "companies",
    "group",
    "groupe",
    "holding",
    "holdings",
    "incorporated",
    "limited",
    "partners",
    "enterprises",
    "international",
    "industries",
];

/// A two-word company name, folded, under the key of its words' openings.
#[derive(Debug, Clone)]
struct TwoWords {
    entity: usize,
    first: Box<str>,
    second: Box<str>,
}

/// Two-word company names indexed by the first three letters of each word.
#[derive(Debug, Default)]
pub(super) struct Contractions {
    by_key: HashMap<[u8; 2 * KEY_LEN], Vec<TwoWords>>,
}

impl Contractions {
    /// Indexes every company form of exactly two ASCII words of three letters or more
    /// (`Standard Chartered`, `Standard Life`); a legal suffix is no second word.
    pub(super) fn new(gaz: &Gazetteer) -> Self {
        let mut by_key: HashMap<[u8; 2 * KEY_LEN], Vec<TwoWords>> = HashMap::new();
        for f in gaz.forms() {
            let is_company = gaz
                .entities()
                .get(f.entity)
                .is_some_and(|e| e.kind == EntityKind::Company);
            let words: Vec<&str> = f.surface.split_whitespace().collect();
            if !is_company || words.len() != 2 || is_legal_suffix(words[1]) {
                continue;
            }
            if !words
                .iter()
                .all(|w| w.len() >= KEY_LEN && w.bytes().all(|b| b.is_ascii_alphabetic()))
            {
                continue;
            }
            let (a, b) = (fold_str(words[0]), fold_str(words[1]));
            if HOLDING_WORDS.contains(&b.as_str()) {
                continue;
            }
            let Some(key) = key_of(&a, &b) else { continue };
            let list = by_key.entry(key).or_default();
            if !list
                .iter()
                .any(|t| t.entity == f.entity && *t.first == *a && *t.second == *b)
            {
                list.push(TwoWords {
                    entity: f.entity,
                    first: a.into(),
                    second: b.into(),
                });
            }
        }
        Contractions { by_key }
    }

    /// The one company whose two-word name the parts contract (`stan`, `chart`), if
    /// exactly one company's does. At least one part must be cut short: a token made of
    /// both whole words is the glued name, which the gazetteer spells itself if it is one.
    fn resolve(&self, first: &str, second: &str) -> Option<usize> {
        let key = key_of(first, second)?;
        let mut found: Option<usize> = None;
        for t in self.by_key.get(&key)? {
            let fits = t.first.starts_with(first)
                && t.second.starts_with(second)
                && (t.first.len() > first.len() || t.second.len() > second.len());
            if !fits {
                continue;
            }
            match found {
                None => found = Some(t.entity),
                Some(e) if e == t.entity => {}
                Some(_) => return None,
            }
        }
        found
    }
}

fn key_of(a: &str, b: &str) -> Option<[u8; 2 * KEY_LEN]> {
    let (a, b) = (a.as_bytes().get(..KEY_LEN)?, b.as_bytes().get(..KEY_LEN)?);
    let mut key = [0u8; 2 * KEY_LEN];
    key[..KEY_LEN].copy_from_slice(a);
    key[KEY_LEN..].copy_from_slice(b);
    Some(key)
}

/// Splits a token of exactly two CamelCase parts (`StanChart` → `Stan`, `Chart`), each a
/// capital and at least two lowercase ASCII letters.
fn camel_parts(token: &str) -> Option<(&str, &str)> {
    let b = token.as_bytes();
    if b.len() < 2 * KEY_LEN || !b.first()?.is_ascii_uppercase() {
        return None;
    }
    let mut split = None;
    for (i, &c) in b.iter().enumerate().skip(1) {
        if c.is_ascii_uppercase() {
            if split.is_some() {
                return None;
            }
            split = Some(i);
        } else if !c.is_ascii_lowercase() {
            return None;
        }
    }
    let i = split?;
    (i >= KEY_LEN && b.len() - i >= KEY_LEN).then(|| (&token[..i], &token[i..]))
}

impl EntityFinder {
    /// Adds a company mention for each CamelCase contraction of a known two-word name
    /// (`StanChart`) that no gazetteer form or earlier mention covers.
    pub(super) fn resolve_contractions(&self, art: &mut Article<'_>) {
        let text = art.text;
        let bytes = text.as_bytes();
        let mut found: Vec<Mention> = Vec::new();
        let mut i = 1;
        while let Some(c) = super::next_capital(bytes, i) {
            i = c;
            // A lowercase letter right before a capital: the only place a contraction's
            // second part starts, so most text is skipped at capital-search speed.
            if !bytes[i - 1].is_ascii_lowercase() {
                i += 1;
                continue;
            }
            let mut s = i;
            while s > 0 && bytes[s - 1].is_ascii_alphanumeric() {
                s -= 1;
            }
            let mut e = i;
            while e < bytes.len() && bytes[e].is_ascii_alphanumeric() {
                e += 1;
            }
            i = e + 1;
            // Whole tokens only: not glued to accented letters.
            let glued_before = text
                .get(..s)
                .and_then(|t| t.chars().next_back())
                .is_some_and(char::is_alphanumeric);
            let glued_after = text
                .get(e..)
                .and_then(|t| t.chars().next())
                .is_some_and(char::is_alphanumeric);
            if glued_before || glued_after {
                continue;
            }
            let Some((p1, p2)) = text.get(s..e).and_then(camel_parts) else {
                continue;
            };
            if covered(art, s, e) {
                continue;
            }
            let Some(ent) = self
                .contractions
                .resolve(&fold_str(p1), &fold_str(p2))
                .and_then(|ei| self.gaz.entities().get(ei))
            else {
                continue;
            };
            found.push(Mention {
                entity_id: ent.id.clone(),
                name: ent.name.clone(),
                kind: ent.kind,
                start: s,
                end: e,
                confidence: CONF_CASE,
                via: Via::Gazetteer,
            });
        }
        art.mentions.extend(found);
    }
}

/// Whether a gazetteer form hit or a mention already overlaps `s..e`.
pub(super) fn covered(art: &Article<'_>, s: usize, e: usize) -> bool {
    art.form_spans.iter().any(|&(a, b)| a < e && s < b)
        || art.mentions.iter().any(|m| m.start < e && s < m.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::gazetteer::Gazetteer;
    use crate::text::lang::Lang;

    const COMPANIES: &str =
        "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
        corvane-mining,Corvane Mining,Corvane Mining|Corvane Mining plc,GB,Mining,,,,\n\
        pellix-life,Pellix Life,Pellix Life,GB,Insurance,,,,Pellix Life\n\
        norvane-lifestyle,Norvane Lifestyle,Norvane Lifestyle,GB,Retail,,,,\n\
        norvel-lifts,Norvel Lifts,Norvel Lifts,GB,Industry,,,,\n\
        brewco,Brewco Inc,Brewco Inc|Brewco|Brewco Corporation,US,Drinks,,,,\n";
    const PERSONS: &str = "entity_id,name,aliases,role,company_id\n";
    const LOCATIONS: &str = "entity_id,name,aliases,kind,country\n\
        loc:london,London,,city,GB\n";

    fn finder() -> EntityFinder {
        let g = Gazetteer::from_csv_strs(COMPANIES, PERSONS, LOCATIONS).expect("test gazetteer");
        EntityFinder::new(g)
    }

    fn companies(text: &str) -> Vec<(String, String)> {
        finder()
            .find(text, Lang::En)
            .into_iter()
            // Only gazetteer companies: the recogniser may still discover an unknown
            // CamelCase name as a new company.
            .filter(|m| m.kind == EntityKind::Company && !m.entity_id.starts_with("new:"))
            .map(|m| (text[m.start..m.end].to_string(), m.entity_id))
            .collect()
    }

    #[test]
    fn splits_two_camel_parts_only() {
        assert_eq!(camel_parts("StanChart"), Some(("Stan", "Chart")));
        assert_eq!(camel_parts("CorvMin"), Some(("Corv", "Min")));
        assert_eq!(camel_parts("Corvane"), None);
        assert_eq!(camel_parts("GlaxoSmithKline"), None);
        assert_eq!(camel_parts("McDonald"), None);
        assert_eq!(camel_parts("StanCHART"), None);
        assert_eq!(camel_parts("Stan2Chart"), None);
        assert_eq!(camel_parts(""), None);
    }

    #[test]
    fn a_contraction_names_the_one_company_it_shortens() {
        assert_eq!(
            companies("CorvMining shares slide after a profit warning"),
            [("CorvMining".to_string(), "corvane-mining".to_string())]
        );
        assert_eq!(
            companies("Investors cheer as CorvMin lifts its dividend"),
            [("CorvMin".to_string(), "corvane-mining".to_string())]
        );
        // A context-dependent name (`Pellix Life`) is no obstacle: the contraction is
        // no ordinary phrase.
        assert_eq!(
            companies("PellLife leads the FTSE after strong earnings"),
            [("PellLife".to_string(), "pellix-life".to_string())]
        );
    }

    #[test]
    fn ambiguous_or_unknown_contractions_are_left_alone() {
        // `Norv` + `Lif…` fits both Norvane Lifestyle and Norvel Lifts.
        assert!(companies("NorvLif shares rise").is_empty());
        // No two-word company starts with these.
        assert!(companies("PowerPoint slides and a YouTube channel").is_empty());
        // A legal suffix is no second word (`Brewco Inc` gives no `BrewInc`).
        assert!(companies("BrewInc results").is_empty());
        // Nor a holding word (`Brewco Corporation` gives no `BrewCorp`).
        assert!(companies("BrewCorp results").is_empty());
        // Inside a longer token or glued to accented letters.
        assert!(companies("xCorvMining and CorvMiningé").is_empty());
    }

    #[test]
    fn the_whole_name_glued_is_not_a_contraction() {
        assert!(companies("CorvaneMining opens a mine").is_empty());
    }

    /// The shipped gazetteer with its press forms (`scripts/gazetteer_forms.py`) and the
    /// read-time contractions, on headlines written for this test.
    #[test]
    fn shipped_gazetteer_finds_press_forms_of_listed_names() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let gaz = Gazetteer::load(&root.join("data/gazetteer")).expect("gazetteer loads");
        let finder = EntityFinder::new(gaz);
        let cases = [
            (
                "StanChart posts a quarterly loss",
                "StanChart",
                "standard-chartered",
            ),
            (
                "L&G lifts its dividend after a strong year",
                "L&G",
                "legal-and-general",
            ),
            ("Shares in Glaxo rise after a drug approval", "Glaxo", "gsk"),
            (
                "Zurich weighs an offer for RSA Insurance",
                "RSA Insurance",
                "rsa-insurance-group",
            ),
            ("Investors dump Barclay's shares", "Barclay's", "barclays"),
            (
                "IHG profit beats forecasts as hotel bookings rise",
                "IHG",
                "ihg-hotels-and-resorts",
            ),
            (
                "M&S and Tesco report Christmas sales",
                "M&S",
                "marks-and-spencer",
            ),
        ];
        for (text, surface, id) in cases {
            let found: Vec<(&str, String)> = finder
                .find(text, Lang::En)
                .into_iter()
                .map(|m| (&text[m.start..m.end], m.entity_id))
                .collect();
            assert!(
                found.iter().any(|(s, e)| *s == surface && e == id),
                "{text}: {found:?}"
            );
        }
        // The CamelCase head needs company evidence: a bare one stays unknown.
        let bare = finder.find("Glaxo", Lang::En);
        assert!(bare.iter().all(|m| m.entity_id != "gsk"), "{bare:?}");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for t in [
            "",
            "A",
            "aB",
            "éStanChart",
            "StanChart",
            "x\u{301}CorvMin",
            "CorvMin\u{2019}s",
        ] {
            let _ = companies(t);
        }
        assert_eq!(
            companies("CorvMin\u{2019}s chief"),
            [("CorvMin".to_string(), "corvane-mining".to_string())]
        );
    }
}
