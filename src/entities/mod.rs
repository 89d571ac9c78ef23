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
