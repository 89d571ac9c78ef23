//! newstone: a batch ETL job that turns French and English news articles into dated
//! tables of which companies the news talks about and how.
//!
//! The pipeline is ingest → normalize → entities → sentiment → aggregate → export
//! ([`stages`]); each stage reads the previous stage's Parquet artefacts. The NLP
//! building blocks ([`text`], [`entities`], [`sentiment`]) are usable on their own.

pub mod artefact;
pub mod cli;
pub mod config;
pub mod entities;
pub mod eval;
pub mod pipeline;
pub mod reference;
pub mod report;
pub mod sentiment;
pub mod signals;
pub mod sources;
pub mod stages;
pub mod tables;

/// Text building blocks: cleaning, dates, language, tokens and sentences.
pub mod text {
    pub mod clean;
    pub mod dates;
    pub mod lang;
    pub mod swar;
    pub mod tokenize;
}
