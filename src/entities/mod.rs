//! Entity stage: finds the companies (and the people and places around them) that an
//! article talks about.
//!
//! * [`gazetteer`] loads the curated lists (`data/gazetteer/*.csv`).
//! * [`matcher`] runs one leftmost-longest pattern search (a byte trie) over a case- and
//!   accent-folded view of the article ([`fold`]), maps hits back to original byte
//!   offsets and decides which ambiguous names ("Orange", "Apple", "Total") are
//!   companies.
//! * [`discover`] adds companies that are not in the gazetteer (`Acme SA`, `la start-up
//!   X`), people introduced by a title (`M. Dupont`, `CEO Jane Doe`) and coreferent
//!   company nouns (`le groupe`, `the company`).
//! * [`recognizer`] scores capitalised spans as companies with a small learned model
//!   (context and shape features, weights embedded in the binary); the matcher turns
//!   confident spans that no list covers into discovered companies.
//!
//! Span convention (what `&text[start..end]` covers): the name itself, with an
//! integral `L'` (`L'Oréal`) but without a legal form (`Apple Inc.` → `Apple`), a
//! lowercase `groupe` (`le groupe Orange` → `Orange`), a possessive `'s` or an elided
//! article (`d'Apple` → `Apple`). Coreference mentions cover the noun phrase
//! (`le groupe`).
//!
//! Ambiguous company names (the gazetteer's `ambiguous` column, Title-case spellings
//! of acronyms such as `Scor`, and names that are function words such as `Total`)
//! count only with evidence: context words within ~60 bytes (`groupe`, `action`,
//! `shares`, `CEO`…), the company's ticker in the article, a coordinated unambiguous
//! company (`Orange et Bouygues Telecom`), a corporate verb right after (`Amazon va
//! construire`, `Meta's`), an accented spelling (`Nestlé`), a capital letter in the
//! middle of a normal sentence, or — one sense per article — another accepted mention
//! of the same company. Person cues (`Martin Bouygues`, `Léonard de Vinci`, `M.
//! Dupont`, `la famille Bouygues`) reject the company reading.

pub mod discover;
pub mod fold;
pub mod gazetteer;
#[cfg(test)]
mod gold_eval;
pub mod lexicon;
pub mod matcher;
pub mod recognizer;
mod trie;

pub use gazetteer::{Entity, Gazetteer, GazetteerError};
pub use matcher::EntityFinder;

/// What kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A company or other business organisation.
    Company,
    /// A person (mostly business leaders).
    Person,
    /// A country, region or city.
    Location,
}

impl EntityKind {
    /// Lowercase name used in the output tables.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Company => "company",
            EntityKind::Person => "person",
            EntityKind::Location => "location",
        }
    }
}

/// How a mention was found; lets analysts filter out the less certain kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// A gazetteer name or alias.
    Gazetteer,
    /// A company or person not in the gazetteer, found from context (`Acme SA`).
    Discovered,
    /// A noun phrase (`le groupe`, `the company`) referring to the last company.
    Coref,
}

impl Via {
    /// Lowercase name used in the output tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Gazetteer => "gazetteer",
            Via::Discovered => "discovered",
            Via::Coref => "coref",
        }
    }
}

/// One mention of an entity in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Gazetteer id, `new:<slug>` for discovered companies, `person:<slug>` for
    /// discovered persons.
    pub entity_id: String,
    /// Canonical name (gazetteer) or surface name (discovered).
    pub name: String,
    /// Company, person or location.
    pub kind: EntityKind,
    /// Byte offset of the first byte of the surface in the text given to `find`.
    pub start: usize,
    /// Byte offset one past the surface; `&text[start..end]` is the surface.
    pub end: usize,
    /// Rough probability that the mention is right (1.0 = certain).
    pub confidence: f32,
    /// How the mention was found.
    pub via: Via,
}

/// The publisher a link's host names: the label before its public suffix, lowercase
/// (`https://www.lemonde.fr/…` → `lemonde`, `uk.reuters.com` → `reuters`,
/// `www.bbc.co.uk` → `bbc`). `None` for a link without a host.
pub fn publisher_key(url: &str) -> Option<String> {
    const SUFFIXES: &[&str] = &[
        "com", "fr", "net", "org", "co", "uk", "de", "it", "es", "be", "ch", "eu", "info", "io",
        "news", "tv", "us", "ca", "au", "in", "jp", "nl", "lu", "ie",
    ];
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let mut end = labels.len();
    while end > 1 && SUFFIXES.contains(&labels[end - 1]) {
        end -= 1;
    }
    (end >= 1 && end < labels.len())
        .then(|| labels[end - 1].to_string())
        .filter(|k| k.len() >= 2)
}

/// Drops the company mentions of the article's own publisher, named by its link
/// (`« Le Monde » a pu consulter` in a lemonde.fr article, `told Reuters` on
/// reuters.com): an outlet naming itself is reporting, not news about a company. A
/// mention is the publisher's when its surface in `text`, folded and without spaces, is
/// the host's label, with or without a leading article (`du « Monde »`); references
/// (`le journal`) to such an entity go too, while the group's other titles (`Télérama`
/// for the Le Monde group) stay.
pub fn drop_publisher_mentions(mentions: &mut Vec<Mention>, text: &str, url: Option<&str>) {
    let Some(key) = url.and_then(publisher_key) else {
        return;
    };
    let squash = |s: &str| -> String {
        fold::fold_str(s)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let bare = ["le", "la", "les", "the"]
        .iter()
        .find_map(|a| key.strip_prefix(a))
        .filter(|b| b.len() >= 3);
    let own = |m: &Mention| {
        m.kind == EntityKind::Company && m.via != Via::Coref && {
            let sq = squash(text.get(m.start..m.end).unwrap_or(""));
            sq == key || bare == Some(sq.as_str())
        }
    };
    let ids: Vec<String> = mentions
        .iter()
        .filter(|m| own(m))
        .map(|m| m.entity_id.clone())
        .collect();
    if !ids.is_empty() {
        mentions.retain(|m| !(own(m) || (m.via == Via::Coref && ids.contains(&m.entity_id))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(id: &str, text: &str, surface: &str, via: Via) -> Mention {
        let start = text.find(surface).unwrap_or(0);
        Mention {
            entity_id: id.into(),
            name: surface.into(),
            kind: EntityKind::Company,
            start,
            end: start + surface.len(),
            confidence: 0.9,
            via,
        }
    }

    #[test]
    fn publishers_come_from_the_link_host() {
        assert_eq!(
            publisher_key("https://www.lemonde.fr/economie/a.html").as_deref(),
            Some("lemonde")
        );
        assert_eq!(
            publisher_key("http://uk.reuters.com/article/x").as_deref(),
            Some("reuters")
        );
        assert_eq!(
            publisher_key("https://www.bbc.co.uk/news").as_deref(),
            Some("bbc")
        );
        assert_eq!(
            publisher_key("https://lefigaro.fr:443/x").as_deref(),
            Some("lefigaro")
        );
        assert_eq!(publisher_key("not a link"), None);
        assert_eq!(publisher_key("https://com/"), None);
    }

    #[test]
    fn an_outlet_naming_itself_is_no_company_mention() {
        let text = "« Le Journal » a pu consulter le rapport du « Journal » sur Acme et Hebdo Plus ; le journal";
        let all = || {
            vec![
                company("le-journal", text, "Le Journal", Via::Gazetteer),
                company("le-journal", text, "Journal", Via::Gazetteer),
                company("acme", text, "Acme", Via::Gazetteer),
                // Another title of the same group stays.
                company("le-journal", text, "Hebdo Plus", Via::Gazetteer),
                company("le-journal", text, "le journal", Via::Coref),
            ]
        };
        let mut ms = all();
        drop_publisher_mentions(&mut ms, text, Some("https://www.lejournal.fr/eco/1.html"));
        let left: Vec<&str> = ms.iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(left, ["Acme", "Hebdo Plus"]);
        // Elsewhere, the same outlet is a company like any other.
        for url in [Some("https://www.autre.fr/1"), None] {
            let mut ms = all();
            drop_publisher_mentions(&mut ms, text, url);
            assert_eq!(ms.len(), 5);
        }
    }
}
