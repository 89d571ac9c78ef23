//! Signals derived from articles and their entities: relevance of an entity to an
//! article ([`relevance`]) and stories of near-duplicate and follow-up articles
//! ([`stories`]). Pure functions and small state, used by the stages and by `eval`.

pub mod relevance;
pub mod stories;
