//! The export of a partitioned layout (`[export] partitioning = "day"` or `"month"`),
//! rewriting only the partitions whose rows changed.
//!
//! Each partition has a key: for `articles`, `mentions` and `article_entities`, the keys of
//! the input chunks holding articles of its days (the chunks of the normalize, entities and
//! sentiment stages: see [`crate::stages::chunks`]); for `company_daily`, a digest of its
//! rows. The export's manifest records them; a run writes the partitions whose key changed
//! (new days, days of a changed or removed input file, a backfill) and removes those that
//! no longer have rows. The small undated tables (`entities`, `discovered_companies`,
//! `rejects`) are written whole when their key changed ([`super::undated`]).
//!
//! New partitions are written under `<out>/.publish.tmp/`, then published like every
//! table: `_SUCCESS` removed, each changed partition folder swapped in (the old one moved
//! aside), `_SUCCESS` written with every file of the output, the old folders removed. A run
//! stopped half-way leaves no `_SUCCESS`; the next run then writes every partition again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};
use polars::prelude::*;

use super::{articles_part, mentions_part, parquet_sink, partition, undated, TABLES};
use crate::artefact::{
    file_sum, named_sums, read_parquet, remove, write_atomic, FileSums, Fingerprint, Manifest,
    Published, MARKER,
};
use crate::config::Partitioning;
use crate::stages::chunks::{self, Reuse, NULL_DAY};
use crate::stages::{aggregate, list_parts, secs, Context, Stage};

/// The staging folder of a partitioned export, in the output folder (hidden, and removed
/// as a leftover if a run stops).
const STAGING: &str = ".publish.tmp";

/// The dated tables written from the stages' parts (not `company_daily`).
const ROW_TABLES: [&str; 3] = ["articles", "mentions", "article_entities"];

/// Rows buffered across all partitions of a table before they are written out (each
/// flush adds one file per partition): bounds memory on a first run over a big corpus.
const FLUSH_ROWS: usize = 300_000;

/// The partition of a day (or of [`NULL_DAY`]).
fn partition_of(p: Partitioning, day: i32) -> String {
    partition::key(p, (day != NULL_DAY).then_some(day))
}

/// The row numbers of each partition of the rows dated `days`, in row order. The key of
/// a day is formatted once, not once per row.
fn group_rows(
    p: Partitioning,
    days: impl Iterator<Item = Option<i32>>,
) -> BTreeMap<String, Vec<IdxSize>> {
    let mut of_day: HashMap<i32, usize> = HashMap::new();
    let mut of_key: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(String, Vec<IdxSize>)> = Vec::new();
    for (i, day) in days.enumerate() {
        let day = day.unwrap_or(NULL_DAY);
        let g = *of_day.entry(day).or_insert_with(|| {
            let k = partition_of(p, day);
            *of_key.entry(k.clone()).or_insert_with(|| {
                groups.push((k, Vec::new()));
                groups.len() - 1
            })
        });
        groups[g].1.push(i as IdxSize);
    }
    groups.into_iter().collect()
}

/// Rows of one table sorted into partitions and written as
/// `<dir>/<partition>/part-<n>.parquet`.
struct PartitionSink {
    dir: PathBuf,
    partitioning: Partitioning,
    buffers: BTreeMap<String, Vec<DataFrame>>,
    buffered: usize,
    files: BTreeMap<String, usize>,
    rows: BTreeMap<String, u64>,
}

impl PartitionSink {
    fn new(dir: PathBuf, partitioning: Partitioning) -> Self {
        PartitionSink {
            dir,
            partitioning,
            buffers: BTreeMap::new(),
            buffered: 0,
            files: BTreeMap::new(),
            rows: BTreeMap::new(),
        }
    }

    /// Adds the rows of `df` whose partition is in `wanted`.
    fn push(&mut self, df: DataFrame, wanted: &BTreeSet<String>) -> Result<()> {
        let groups = group_rows(
            self.partitioning,
            df.column("date")?.date()?.physical().iter(),
        );
        for (k, rows) in groups.into_iter().filter(|(k, _)| wanted.contains(k)) {
            let part = df.take(&IdxCa::from_vec("rows".into(), rows))?;
            self.buffered += part.height();
            *self.rows.entry(k.clone()).or_insert(0) += part.height() as u64;
            self.buffers.entry(k).or_default().push(part);
        }
        if self.buffered >= FLUSH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows, one new file per partition.
    fn flush(&mut self) -> Result<()> {
        for (k, frames) in std::mem::take(&mut self.buffers) {
            let mut it = frames.into_iter();
            let Some(mut df) = it.next() else { continue };
            for f in it {
                df.vstack_mut(&f)?;
            }
            if self.partitioning == Partitioning::Day {
                df = df.drop("date")?;
            }
            df.rechunk_mut();
            let n = self.files.entry(k.clone()).or_insert(0);
            let folder = self.dir.join(&k);
            fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            let path = folder.join(format!("part-{n}.parquet"));
            *n += 1;
            let write = || -> Result<()> {
                let (mut f, encoder) = parquet_sink::create(&path, &df)?;
                f.write(encoder.encode(&df)?)?;
                f.finish()
            };
            write().with_context(|| format!("cannot write {}", path.display()))?;
        }
        self.buffered = 0;
        Ok(())
    }

    /// Writes what is left; returns the rows written per partition.
    fn finish(mut self) -> Result<BTreeMap<String, u64>> {
        self.flush()?;
        Ok(self.rows)
    }
}

/// A digest of a frame's rows (for `company_daily`'s partitions): each column's values
/// in their own type, nulls marked.
pub(super) fn frame_digest(df: &DataFrame) -> Result<String> {
    let mut f = Fingerprint::new();
    for col in df.columns() {
        let mut bytes: Vec<u8> = Vec::with_capacity(col.len() * 9);
        fn put(bytes: &mut Vec<u8>, v: Option<u64>) {
            match v {
                Some(v) => {
                    bytes.push(1);
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                None => bytes.push(0),
            }
        }
        let b = &mut bytes;
        match col.dtype() {
            DataType::Float64 => col.f64()?.iter().for_each(|v| put(b, v.map(f64::to_bits))),
            DataType::Int64 => col.i64()?.iter().for_each(|v| put(b, v.map(|v| v as u64))),
            DataType::Date => col
                .date()?
                .physical()
                .iter()
                .for_each(|v| put(b, v.map(|v| v as u64))),
            DataType::Boolean => col.bool()?.iter().for_each(|v| put(b, v.map(u64::from))),
            DataType::String => {
                for v in col.str()?.iter() {
                    match v {
                        Some(v) => {
                            put(b, Some(v.len() as u64));
                            b.extend_from_slice(v.as_bytes());
                        }
                        None => put(b, None),
                    }
                }
            }
            _ => {
                let s = col.cast(&DataType::String)?;
                for v in s.str()?.iter() {
                    put(b, v.map(|v| v.len() as u64));
                    b.extend_from_slice(v.unwrap_or("").as_bytes());
                }
            }
        }
        f.add(col.name().as_str(), &bytes);
    }
    Ok(f.hex())
}

/// The partitions of `df` (a table with a `date` column), each with its rows.
/// A partition whose rows follow each other (`company_daily` is sorted by date) is a
/// slice of `df`, not a copy.
fn split_frame(df: &DataFrame, p: Partitioning) -> Result<BTreeMap<String, DataFrame>> {
    group_rows(p, df.column("date")?.date()?.physical().iter())
        .into_iter()
        .map(|(k, rows)| {
            let (first, last) = (rows.first().copied(), rows.last().copied());
            let part = match (first, last) {
                (Some(a), Some(b)) if (b - a) as usize + 1 == rows.len() => {
                    df.slice(a as i64, rows.len())
                }
                _ => df.take(&IdxCa::from_vec("rows".into(), rows))?,
            };
            Ok((k, part))
        })
        .collect()
}

/// What the partitioned export publishes and records.
pub struct Written {
    /// Rows per table (all partitions, after this run).
    pub rows: BTreeMap<String, u64>,
    /// Every output file with its size and checksum.
    pub outputs: FileSums,
    /// The partition keys and row counts, for the next run.
    pub keys: BTreeMap<String, String>,
    /// The partitions written or removed by this run (`table/partition`).
    pub touched: Vec<String>,
}

/// Runs the export of a partitioned layout. `write_small` writes the undated tables under
/// their temporary names and returns their rows.
pub fn run(
    ctx: &Context,
    manifest: &Manifest,
    reuse: &Reuse,
    write_small: impl FnOnce(&DataFrame, &[&str]) -> Result<BTreeMap<String, u64>> + Send,
) -> Result<Written> {
    let t0 = Instant::now();
    let p = ctx.pipeline;
    let part = p.export.partitioning;
    let out = &p.out;
    let norm = chunks::read_manifest(ctx, Stage::Normalize)?;
    let ents = chunks::read_manifest(ctx, Stage::Entities)?;
    let sent = chunks::read_manifest(ctx, Stage::Sentiment)?;
    chunks::next_inputs("export", &[&norm, &ents, &sent])?;
    // The export's code and settings, not its reference data (the gazetteer only feeds the
    // `entities` table, written every time).
    let base = Fingerprint::new()
        .add("code", manifest.code_version.as_bytes())
        .add("config", manifest.config_fingerprint.as_bytes())
        .hex();

    // Keys of the row tables' partitions, from the chunks that hold their days.
    let mut fps: BTreeMap<String, Fingerprint> = BTreeMap::new();
    let mut chunk_parts: Vec<BTreeSet<String>> = Vec::with_capacity(sent.chunks.len());
    for c in 0..sent.chunks.len() {
        let parts: BTreeSet<String> = norm.chunks[c]
            .dates
            .iter()
            .map(|d| partition_of(part, *d))
            .collect();
        for k in &parts {
            let f = fps.entry(k.clone()).or_insert_with(|| {
                let mut f = Fingerprint::new();
                f.add("base", base.as_bytes());
                f
            });
            for m in [&norm, &ents, &sent] {
                f.add(&m.stage, m.chunks[c].key.as_bytes());
            }
        }
        chunk_parts.push(parts);
    }
    let mut keys: BTreeMap<String, String> = fps
        .into_iter()
        .map(|(k, f)| (format!("rows:{k}"), f.hex()))
        .collect();
    let (daily, discovered) = aggregate::read_outputs(&ctx.stage_dir(Stage::Aggregate))?;
    let daily_parts = split_frame(&daily, part)?;
    for (k, df) in &daily_parts {
        keys.insert(format!("daily:{k}"), frame_digest(df)?);
    }

    tracing::debug!(
        "export: company_daily partitions digested at {:.3} s",
        secs(t0)
    );
    // What changed since the last export (everything without one).
    let old = reuse.keys();
    let full = !reuse.is_some() || old.is_empty();
    let changed = |prefix: &str| -> BTreeSet<String> {
        let now = keys.iter().filter(|(k, _)| k.starts_with(prefix));
        let before = old.iter().filter(|(k, _)| k.starts_with(prefix));
        now.filter(|(k, v)| full || old.get(*k) != Some(*v))
            .chain(before.filter(|(k, _)| !keys.contains_key(*k)))
            .map(|(k, _)| k[prefix.len()..].to_string())
            .collect()
    };
    let (rows_changed, daily_changed) = (changed("rows:"), changed("daily:"));

    // The files of the previous export (none without one).
    let previous: FileSums = if full {
        FileSums::new()
    } else {
        Manifest::read(&ctx.stage_dir(Stage::Export))
            .map(|m| m.outputs)
            .unwrap_or_default()
    };
    // The undated tables: kept as they are when their key is unchanged and their files
    // are there.
    let files_of = |t: &str| -> Vec<String> {
        let mut f = vec![format!("{t}.parquet")];
        if p.export.csv {
            f.push(format!("{t}.csv"));
        }
        f
    };
    let undated_keys = undated::keys(ctx, manifest, &discovered)?;
    let mut kept_rows: BTreeMap<String, u64> = BTreeMap::new();
    let mut to_write: Vec<&str> = Vec::new();
    for (t, key) in &undated_keys {
        let key_name = format!("{}{t}", undated::KEY);
        let rows_name = format!("{}{t}", undated::ROWS);
        let old_rows = old.get(&rows_name).and_then(|v| v.parse::<u64>().ok());
        let unchanged = !full
            && old.get(&key_name) == Some(key)
            && files_of(t)
                .iter()
                .all(|f| previous.contains_key(f) && out.join(f).is_file());
        match old_rows.filter(|_| unchanged) {
            Some(n) => {
                kept_rows.insert(t.to_string(), n);
            }
            None => to_write.push(t),
        }
        keys.insert(key_name, key.clone());
    }

    let staging = out.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot clear {}", staging.display()))?;
    }
    fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;

    // The row tables: only the chunks with a changed partition are read.
    let norm_dir = ctx.stage_dir(Stage::Normalize);
    let sent_dir = ctx.stage_dir(Stage::Sentiment);
    let art_parts = list_parts(&norm_dir, "articles")?;
    let tone_parts = list_parts(&sent_dir, "tones")?;
    let mention_parts = list_parts(&ctx.stage_dir(Stage::Entities), "mentions")?;
    let score_parts = list_parts(&sent_dir, "mention_scores")?;
    let entity_parts = list_parts(&sent_dir, "article_entities")?;
    let starts = sent.chunk_starts();
    let todo: Vec<usize> = (0..sent.chunks.len())
        .filter(|&c| chunk_parts[c].iter().any(|k| rows_changed.contains(k)))
        .flat_map(|c| starts[c]..starts[c] + sent.chunks[c].parts)
        .collect();
    let with_text = p.export.article_text;
    let table = |name: &str| -> Result<BTreeMap<String, u64>> {
        let mut sink = PartitionSink::new(staging.join(name), part);
        for &i in &todo {
            let missing = || anyhow::anyhow!("internal error: no export input part {i}");
            let df = match name {
                "articles" => articles_part(
                    art_parts.get(i).ok_or_else(missing)?,
                    tone_parts.get(i).ok_or_else(missing)?,
                    with_text,
                )?,
                "mentions" => mentions_part(
                    mention_parts.get(i).ok_or_else(missing)?,
                    score_parts.get(i).ok_or_else(missing)?,
                    art_parts.get(i).ok_or_else(missing)?,
                )?,
                _ => read_parquet(entity_parts.get(i).ok_or_else(missing)?)?,
            };
            sink.push(df, &rows_changed)?;
        }
        sink.finish()
    };
    let ((articles, mentions), (entities, small)) = rayon::join(
        || rayon::join(|| table("articles"), || table("mentions")),
        || {
            rayon::join(
                || table("article_entities"),
                || write_small(&discovered, &to_write),
            )
        },
    );
    let written = [
        ("articles", articles?),
        ("mentions", mentions?),
        ("article_entities", entities?),
    ];
    let small = small?;
    for k in &daily_changed {
        if let Some(df) = daily_parts.get(k) {
            let mut df = df.clone();
            if part == Partitioning::Day {
                df = df.drop("date")?;
            }
            let folder = staging.join("company_daily").join(k);
            fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            let path = folder.join("part-0.parquet");
            let (mut f, encoder) = parquet_sink::create(&path, &df)?;
            f.write(encoder.encode(&df)?)?;
            f.finish()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    // Row counts per partition, kept for the next run's totals.
    for (t, rows) in &written {
        for (k, n) in rows {
            keys.insert(format!("count:{t}/{k}"), n.to_string());
        }
    }
    for (k, df) in &daily_parts {
        keys.insert(format!("count:company_daily/{k}"), df.height().to_string());
    }
    for (k, v) in old.iter().filter(|(k, _)| k.starts_with("count:")) {
        let (t, part_key) = k["count:".len()..].split_once('/').unwrap_or(("", ""));
        let rewritten = if t == "company_daily" {
            daily_changed.contains(part_key)
        } else {
            rows_changed.contains(part_key)
        };
        if !full && !rewritten && !keys.contains_key(k) {
            keys.insert(k.clone(), v.clone());
        }
    }
    let mut rows: BTreeMap<String, u64> = small;
    rows.extend(kept_rows);
    for (t, n) in &rows {
        if undated::TABLES.contains(&t.as_str()) {
            keys.insert(format!("{}{t}", undated::ROWS), n.to_string());
        }
    }
    for (k, v) in keys.iter().filter(|(k, _)| k.starts_with("count:")) {
        let t = k["count:".len()..].split('/').next().unwrap_or("");
        *rows.entry(t.to_string()).or_insert(0) += v.parse::<u64>().unwrap_or(0);
    }
    for t in partition::DATED_TABLES {
        rows.entry(t.to_string()).or_insert(0);
    }
    tracing::debug!("export: partitions written at {:.2} s", secs(t0));

    // The output files: the previous ones outside the rewritten partitions and undated
    // tables, and the new.
    let mut outputs = FileSums::new();
    let kept_files: HashSet<String> = undated::TABLES
        .iter()
        .filter(|t| !to_write.contains(t))
        .flat_map(|t| files_of(t))
        .collect();
    let partition_of_file = |name: &str| -> Option<(String, String)> {
        let mut it = name.splitn(3, '/');
        let (t, k) = (it.next()?, it.next()?);
        it.next()?;
        Some((t.to_string(), k.to_string()))
    };
    for (name, sum) in previous {
        let keep = match partition_of_file(&name) {
            Some((t, k)) if t == "company_daily" => !daily_changed.contains(&k),
            Some((t, k)) if ROW_TABLES.contains(&t.as_str()) => !rows_changed.contains(&k),
            _ => kept_files.contains(&name),
        };
        if keep {
            outputs.insert(name, sum);
        }
    }
    let mut touched = Vec::new();
    for t in partition::DATED_TABLES {
        let changed = if t == "company_daily" {
            &daily_changed
        } else {
            &rows_changed
        };
        for k in changed {
            touched.push(format!("{t}/{k}"));
            let dir = staging.join(t).join(k);
            if dir.is_dir() {
                let names: Vec<String> = fs::read_dir(&dir)
                    .with_context(|| format!("cannot list {}", dir.display()))?
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                for (n, sum) in named_sums(&dir, &names)? {
                    outputs.insert(format!("{t}/{k}/{n}"), sum);
                }
            }
        }
    }
    let small_files: Vec<String> = TABLES
        .iter()
        .filter(|t| !partition::DATED_TABLES.contains(t) && to_write.contains(t))
        .flat_map(|t| files_of(t))
        .collect();
    for name in &small_files {
        let tmp = crate::artefact::tmp_sibling(&out.join(name));
        let sum = file_sum(&tmp).with_context(|| format!("cannot read {} back", tmp.display()))?;
        outputs.insert(name.clone(), sum);
    }

    // Publish: no `_SUCCESS` while the files change.
    let marker_path = out.join(MARKER);
    match fs::remove_file(&marker_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot remove {}", marker_path.display()))
        }
        _ => {}
    }
    let aside = staging.join(".old");
    for t in partition::DATED_TABLES {
        // The other layout's files go.
        for ext in ["parquet", "csv"] {
            remove(&out.join(format!("{t}.{ext}")))?;
        }
        let dest = out.join(t);
        if full {
            if dest.exists() {
                fs::create_dir_all(&aside)?;
                fs::rename(&dest, aside.join(t))
                    .with_context(|| format!("cannot move {} aside", dest.display()))?;
            }
            let staged = staging.join(t);
            if staged.exists() {
                fs::rename(&staged, &dest)
                    .with_context(|| format!("cannot write {}", dest.display()))?;
            }
            continue;
        }
        let changed = if t == "company_daily" {
            &daily_changed
        } else {
            &rows_changed
        };
        for k in changed {
            let (new, dest) = (staging.join(t).join(k), out.join(t).join(k));
            if dest.exists() {
                let to = aside.join(t).join(k);
                fs::create_dir_all(aside.join(t))?;
                fs::rename(&dest, &to)
                    .with_context(|| format!("cannot move {} aside", dest.display()))?;
            }
            if new.exists() {
                fs::create_dir_all(out.join(t))
                    .with_context(|| format!("cannot create {}", out.join(t).display()))?;
                fs::rename(&new, &dest)
                    .with_context(|| format!("cannot write {}", dest.display()))?;
            }
        }
    }
    for name in &small_files {
        let tmp = crate::artefact::tmp_sibling(&out.join(name));
        fs::rename(&tmp, out.join(name))
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    let marker = Published {
        run_id: ctx.run_id.clone(),
        newstone: crate::artefact::CODE_VERSION.to_string(),
        published: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        rows: rows.clone(),
        files: outputs.clone(),
    };
    write_atomic(
        &marker_path,
        serde_json::to_string_pretty(&marker)?.as_bytes(),
    )?;
    remove(&staging)?;
    tracing::info!(
        "export: {} of {} partitions written",
        touched.len(),
        keys.keys()
            .filter(|k| k.starts_with("rows:") || k.starts_with("daily:"))
            .count()
    );
    let unique: HashSet<&String> = touched.iter().collect();
    debug_assert_eq!(unique.len(), touched.len());
    Ok(Written {
        rows,
        outputs,
        keys,
        touched,
    })
}
