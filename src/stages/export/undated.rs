//! The keys of the tables without a date (`entities`, `discovered_companies`, `rejects`)
//! in a partitioned export: a table whose key is the one recorded by the last export is
//! left as it is, so a run that adds a day's file does not load the gazetteer or write
//! these tables again unless what they show changed.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::DataFrame;

use super::incremental::frame_digest;
use crate::artefact::{Fingerprint, Manifest};
use crate::stages::{chunks, Context, Stage};

/// The tables without a date, in the order they are written.
pub const TABLES: [&str; 3] = ["entities", "discovered_companies", "rejects"];

/// The prefix of an undated table's key in the export's manifest (`keys`).
pub const KEY: &str = "undated:";
/// The prefix of an undated table's row count in the export's manifest (`keys`).
pub const ROWS: &str = "undated_rows:";

/// The key of each undated table: what it is made from, with the export's code and
/// settings (`manifest`, the export's manifest for this run):
///
/// - `entities`: the gazetteer (the export's reference data) and the discovered
///   companies' ids and names;
/// - `discovered_companies`: its rows (`discovered`, the aggregate's table);
/// - `rejects`: the checksums of the ingest and normalize stages' rejects files.
pub fn keys(
    ctx: &Context,
    manifest: &Manifest,
    discovered: &DataFrame,
) -> Result<BTreeMap<&'static str, String>> {
    let base = || {
        let mut f = Fingerprint::new();
        f.add("code", manifest.code_version.as_bytes())
            .add("config", manifest.config_fingerprint.as_bytes());
        f
    };
    let entities = base()
        .add("data", manifest.data_fingerprint.as_bytes())
        .add(
            "discovered",
            frame_digest(&discovered.select(["entity_id", "name"])?)?.as_bytes(),
        )
        .hex();
    let disc = base()
        .add("rows", frame_digest(discovered)?.as_bytes())
        .hex();
    let mut rejects = base();
    for stage in [Stage::Ingest, Stage::Normalize] {
        let m = chunks::read_manifest(ctx, stage)?;
        for (name, sum) in m.files.iter().filter(|(n, _)| n.starts_with("rejects")) {
            rejects.add(name, sum.xxh3.as_deref().unwrap_or("?").as_bytes());
            rejects.add("size", &sum.size.to_le_bytes());
        }
    }
    Ok(BTreeMap::from([
        ("entities", entities),
        ("discovered_companies", disc),
        ("rejects", rejects.hex()),
    ]))
}
