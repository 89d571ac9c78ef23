//! The de-duplication and story state saved at the end of the normalize stage.
//!
//! Which copy of an article is kept, and which story it joins, depends on every article
//! read before it. A run that adds a day's file to the archive therefore needs the state
//! after all the parts it keeps. Putting every kept article back into the state costs a
//! time that grows with the archive; instead the stage saves the state once it has read
//! every part ([`save`]), and the next run starts from it ([`load`]) when the chunks it
//! covers are the same (same input chunks, in the same order, made by the same code and
//! settings). Otherwise the next run puts the kept parts back as before.
//!
//! The state is two files of the stage folder ([`DEDUP_FILE`], [`STORIES_FILE`]) and
//! what they cover is recorded in the stage's manifest (its `keys`, see [`KEY_COVERS`]):
//! they are written into the folder being built and published with it, so a run killed
//! at any moment leaves either the previous folder with its state or the new one with
//! its own.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use polars::prelude::{BinaryChunked, Column, DataFrame, IntoColumn, NewChunkedArray};

use super::Dedup;
use crate::artefact::{read_parquet, write_parquet, Fingerprint, StageDir};
use crate::signals::stories::{self, Held, Saved, Stories};
use crate::stages::chunks::{ChunkInput, Reuse};

/// The ids seen and the contents kept ([`Dedup`]).
pub const DEDUP_FILE: &str = "state-dedup.parquet";
/// The articles the story assignment holds ([`stories::Saved`]).
pub const STORIES_FILE: &str = "state-stories.parquet";
/// Manifest key: the hash of the stage's code and settings and of the inputs of the
/// chunks the saved state covers ([`covers`]).
pub const KEY_COVERS: &str = "state:covers";
/// Manifest key: how many chunks (the first ones) the saved state covers.
pub const KEY_CHUNKS: &str = "state:chunks";
/// Manifest keys: the story state's next entry number and newest date.
const KEY_NEXT: &str = "state:next";
const KEY_NEWEST: &str = "state:newest";

/// The hash a state after the chunks `inputs` (the first chunks of a run, in order)
/// is recorded under, for a stage with base fingerprint `base`
/// ([`crate::artefact::Manifest::base_fingerprint`]).
pub fn covers(base: &str, inputs: &[ChunkInput]) -> String {
    let mut f = Fingerprint::new();
    f.add("base", base.as_bytes());
    for c in inputs {
        f.add("chunk", c.input.as_bytes());
        f.add("parts", &(c.parts as u64).to_le_bytes());
    }
    f.hex()
}

/// The state at the start of a run, restored from the previous run's saved state.
pub struct Loaded {
    pub dedup: Dedup,
    pub stories: Stories,
    /// The number of chunks (the first ones) whose articles it holds.
    pub chunks: usize,
}

/// The state the previous run saved, if it covers the first chunks of this run's
/// `inputs` and those chunks are all kept (the first `kept` chunks). `None` when there
/// is none to use (then the caller puts the kept parts back into a fresh state).
pub fn load(
    reuse: &Reuse,
    base: &str,
    inputs: &[ChunkInput],
    kept: usize,
    (duplicate_window, story_window, similarity): (u32, u32, f64),
) -> Result<Option<Loaded>> {
    let keys = reuse.keys();
    let Some(n) = keys.get(KEY_CHUNKS).and_then(|v| v.parse::<usize>().ok()) else {
        return Ok(None);
    };
    if n == 0 || n > kept || n > inputs.len() {
        return Ok(None);
    }
    if keys.get(KEY_COVERS) != Some(&covers(base, &inputs[..n])) {
        return Ok(None);
    }
    let (Some(dedup_path), Some(stories_path)) = (reuse.file(DEDUP_FILE), reuse.file(STORIES_FILE))
    else {
        return Ok(None);
    };
    let next = keys
        .get(KEY_NEXT)
        .and_then(|v| v.parse::<u64>().ok())
        .context("the saved story state has no next entry number")?;
    let newest = match keys.get(KEY_NEWEST) {
        Some(v) => Some(v.parse::<i32>().context("the saved newest date")?),
        None => None,
    };
    let dedup = read_dedup(&read_parquet(&dedup_path)?, duplicate_window)?;
    let held = read_held(&read_parquet(&stories_path)?)?;
    let saved = Saved { held, newest, next };
    Ok(Some(Loaded {
        dedup,
        stories: Stories::load(story_window, similarity, saved),
        chunks: n,
    }))
}

/// Writes the state after the chunks `inputs` (all the run's chunks) into the stage
/// folder being built; returns the manifest keys that record it.
pub fn save(
    dir: &StageDir,
    base: &str,
    inputs: &[ChunkInput],
    dedup: &Dedup,
    stories: &Stories,
) -> Result<BTreeMap<String, String>> {
    write_parquet(&dir.path(DEDUP_FILE), &mut dedup_frame(dedup)?)?;
    let saved = stories.save();
    write_parquet(&dir.path(STORIES_FILE), &mut held_frame(&saved.held)?)?;
    let mut keys = BTreeMap::from([
        (KEY_COVERS.to_string(), covers(base, inputs)),
        (KEY_CHUNKS.to_string(), inputs.len().to_string()),
        (KEY_NEXT.to_string(), saved.next.to_string()),
    ]);
    if let Some(d) = saved.newest {
        keys.insert(KEY_NEWEST.to_string(), d.to_string());
    }
    Ok(keys)
}

/// The manifest keys of a saved state (to keep it as it is).
pub fn keys_of(previous: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    previous
        .iter()
        .filter(|(k, _)| k.starts_with("state:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn hi(v: u128) -> i64 {
    (v >> 64) as u64 as i64
}

fn lo(v: u128) -> i64 {
    v as u64 as i64
}

fn join(hi: Option<i64>, lo: Option<i64>) -> u128 {
    (u128::from(hi.unwrap_or(0) as u64) << 64) | u128::from(lo.unwrap_or(0) as u64)
}

/// One row per id seen (`content` false), then one per content kept with the day of its
/// kept copy (`content` true): columns `hi`, `lo` (the 128-bit digest), `date`, `content`.
fn dedup_frame(d: &Dedup) -> Result<DataFrame> {
    let n = d.ids.len() + d.content.len();
    let (mut his, mut los, mut dates, mut content) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for &id in &d.ids {
        his.push(hi(id));
        los.push(lo(id));
        dates.push(None);
        content.push(false);
    }
    for (&key, &date) in &d.content {
        his.push(hi(key));
        los.push(lo(key));
        dates.push(date);
        content.push(true);
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("hi".into(), his),
        Column::new("lo".into(), los),
        crate::tables::date_col("date", dates.into_iter()),
        Column::new("content".into(), content),
    ])?)
}

fn read_dedup(df: &DataFrame, window: u32) -> Result<Dedup> {
    let his = df.column("hi")?.i64()?;
    let los = df.column("lo")?.i64()?;
    let dates = df.column("date")?.date()?.physical();
    let content = df.column("content")?.bool()?;
    let mut d = Dedup::new(window);
    let n_content = content.sum().unwrap_or(0) as usize;
    d.ids.reserve(df.height().saturating_sub(n_content));
    d.content.reserve(n_content);
    for (((h, l), date), c) in his
        .iter()
        .zip(los.iter())
        .zip(dates.iter())
        .zip(content.iter())
    {
        if c == Some(true) {
            d.content.insert(join(h, l), date);
        } else {
            d.ids.insert(join(h, l));
        }
    }
    Ok(d)
}

/// The articles a story state holds: `entry`, `date`, `signature`, `story_id`, `bands`
/// (see [`stories::Held`]).
fn held_frame(held: &[Held]) -> Result<DataFrame> {
    let sigs: Vec<[u8; stories::SIGNATURE_BYTES]> =
        held.iter().map(|h| stories::to_bytes(&h.sig)).collect();
    Ok(DataFrame::new_infer_height(vec![
        Column::new(
            "entry".into(),
            held.iter().map(|h| h.entry as i64).collect::<Vec<_>>(),
        ),
        crate::tables::date_col("date", held.iter().map(|h| Some(h.date))),
        BinaryChunked::from_iter_values("signature".into(), sigs.iter().map(|s| &s[..]))
            .into_column(),
        Column::new(
            "story_id".into(),
            held.iter().map(|h| h.story.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "bands".into(),
            held.iter().map(|h| h.bands as i64).collect::<Vec<_>>(),
        ),
    ])?)
}

fn read_held(df: &DataFrame) -> Result<Vec<Held>> {
    let entries = df.column("entry")?.i64()?;
    let dates = df.column("date")?.date()?.physical();
    let sigs = df.column("signature")?.binary()?;
    let story = df.column("story_id")?.str()?;
    let bands = df.column("bands")?.i64()?;
    (0..df.height())
        .map(|i| {
            let bad = || anyhow::anyhow!("row {i} of the saved story state is incomplete");
            Ok(Held {
                entry: entries.get(i).ok_or_else(bad)? as u64,
                date: dates.get(i).ok_or_else(bad)?,
                sig: sigs.get(i).and_then(stories::from_bytes).ok_or_else(bad)?,
                story: story.get(i).ok_or_else(bad)?.to_string(),
                bands: bands.get(i).ok_or_else(bad)? as u64,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dedup_state_reads_back_as_written() {
        let mut d = Dedup::new(7);
        assert!(d.keep(1, 10, Some(100)));
        assert!(!d.keep(2, 10, Some(102)));
        assert!(d.keep(3, 11, None));
        assert!(d.keep(u128::MAX, u128::MAX - 1, Some(-5)));
        let back = read_dedup(&dedup_frame(&d).unwrap(), 7).unwrap();
        assert_eq!(back.ids, d.ids);
        assert_eq!(back.content, d.content);
        assert_eq!(back.window, 7);
    }

    #[test]
    fn covers_depends_on_the_chunks_and_their_order() {
        let c = |input: &str| ChunkInput {
            input: input.to_string(),
            parts: 1,
            dates: Vec::new(),
            force: false,
        };
        let (a, b) = (c("a"), c("b"));
        let ab = covers("base", &[a.clone(), b.clone()]);
        assert_ne!(ab, covers("base", &[b.clone(), a.clone()]));
        assert_ne!(ab, covers("other", &[a.clone(), b.clone()]));
        assert_ne!(ab, covers("base", std::slice::from_ref(&a)));
        assert_eq!(ab, covers("base", &[a, b]));
    }
}
