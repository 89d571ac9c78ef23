//! Stage 6 — export: the final tables, each as `<out>/<table>.parquet` and `.csv`.
//!
//! Tables are streamed part by part into one Parquet file (one row group per part) and
//! one CSV file, both written under a temporary name and renamed when complete, so a
//! notebook never opens a half-written table.

mod csv_format;
mod incremental;
mod parquet_sink;
mod partition;
mod undated;

pub use partition::DATED_TABLES;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};
use polars::prelude::*;
use rayon::prelude::*;

use crate::artefact::{
    file_sum, publish, read_parquet, read_parquet_columns, tmp_sibling, FileSums, Manifest,
    Published, StageDir,
};
use crate::config::Partitioning;
use crate::entities::gazetteer::days_since_epoch;
use crate::entities::{Entity, Gazetteer};
use crate::stages::entities::Exclusions;
use crate::stages::{aggregate, list_parts, secs, Context, Stage};
use crate::tables::{
    date_col, rejects_from_frame, rejects_to_frame, scored_frame, scored_to_frame,
    tones_from_frame, RejectRow, SCORE_COLUMNS,
};

/// The tables written by export, in the order they are written.
pub const TABLES: [&str; 7] = [
    "articles",
    "mentions",
    "article_entities",
    "company_daily",
    "entities",
    "discovered_companies",
    "rejects",
];

/// Article columns that export needs (the bodies only with `export.article_text`).
pub const ARTICLE_COLUMNS: [&str; 11] = [
    "article_id",
    "source",
    "section",
    "url",
    "title",
    "published_at",
    "date",
    "lang",
    "n_chars",
    "story_id",
    "novel",
];

/// Writes one table as Parquet (+ CSV) from a sequence of frames with the same schema.
pub struct TableWriter {
    parquet_path: PathBuf,
    csv_path: Option<PathBuf>,
    /// The Parquet file and the encoder of its parts (see [`parquet_sink`]).
    parquet: Option<(parquet_sink::ParquetFile, parquet_sink::PartEncoder)>,
    /// The CSV file: records are formatted into memory first (see [`csv_format::rows`]),
    /// so that parts can be formatted in parallel.
    csv: Option<std::io::BufWriter<fs::File>>,
    rows: u64,
}

impl TableWriter {
    pub fn new(out: &Path, table: &str, with_csv: bool) -> TableWriter {
        TableWriter {
            parquet_path: out.join(format!("{table}.parquet")),
            csv_path: with_csv.then(|| out.join(format!("{table}.csv"))),
            parquet: None,
            csv: None,
            rows: 0,
        }
    }

    /// Creates the files (under temporary names) with the columns of `df`, unless done.
    fn open(&mut self, df: &DataFrame) -> Result<()> {
        if self.parquet.is_some() {
            return Ok(());
        }
        let parquet = parquet_sink::create(&tmp_sibling(&self.parquet_path), df)
            .with_context(|| format!("cannot write {}", self.parquet_path.display()))?;
        self.parquet = Some(parquet);
        if let Some(p) = &self.csv_path {
            let f = fs::File::create(tmp_sibling(p))
                .with_context(|| format!("cannot create {}", p.display()))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            w.write_all(&csv_format::header(df))
                .with_context(|| format!("cannot write {}", p.display()))?;
            self.csv = Some(w);
        }
        Ok(())
    }

    /// The files, borrowed so that a writer thread can append while the workers go on
    /// encoding parts with the (shared) encoder.
    fn sinks(&mut self) -> (Sinks<'_>, Option<&parquet_sink::PartEncoder>) {
        let (file, encoder) = match self.parquet.as_mut() {
            Some((f, e)) => (Some(f), Some(&*e)),
            None => (None, None),
        };
        (
            Sinks {
                parquet: file,
                csv: self.csv.as_mut(),
                parquet_path: &self.parquet_path,
                csv_path: self.csv_path.as_deref(),
            },
            encoder,
        )
    }

    /// Closes the files, still under their temporary names: the export publishes all
    /// the tables together once every one is written (see [`crate::artefact::publish`]).
    pub fn finish(mut self) -> Result<u64> {
        if let Some((f, _)) = self.parquet.take() {
            f.finish()
                .with_context(|| format!("cannot write {}", self.parquet_path.display()))?;
        }
        if let (Some(mut w), Some(p)) = (self.csv.take(), self.csv_path.as_ref()) {
            w.flush()
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        Ok(self.rows)
    }
}

/// Where a table's parts are appended (by the writer thread): the Parquet file and the
/// CSV file, with the tables' paths for error messages (a full disk names the table).
struct Sinks<'a> {
    parquet: Option<&'a mut parquet_sink::ParquetFile>,
    csv: Option<&'a mut std::io::BufWriter<fs::File>>,
    parquet_path: &'a Path,
    csv_path: Option<&'a Path>,
}

impl Sinks<'_> {
    /// Appends an encoded part and its CSV rows (without header); returns its rows.
    fn append(&mut self, part: Encoded) -> Result<u64> {
        let (rows, csv_rows, groups) = part;
        if let Some(w) = self.parquet.as_mut() {
            w.write(groups)
                .with_context(|| format!("cannot write {}", self.parquet_path.display()))?;
        }
        if let (Some(w), Some(csv_rows)) = (self.csv.as_mut(), csv_rows) {
            // Records are independent: parts formatted apart join into one valid file.
            w.write_all(&csv_rows).with_context(|| {
                let p = self.csv_path.unwrap_or(self.parquet_path);
                format!("cannot write {}", p.display())
            })?;
        }
        Ok(rows as u64)
    }
}

/// A part ready to write: its row count, CSV rows and encoded Parquet row group (the
/// frame itself is dropped once encoded).
type Encoded = (usize, Option<Vec<u8>>, Vec<parquet_sink::EncodedGroup>);

/// Loads one part as a single-chunk frame (one row group).
fn load_part<P>(load: impl Fn(P) -> Result<DataFrame>, p: P) -> Result<DataFrame> {
    let mut df = load(p)?;
    df.rechunk_mut();
    Ok(df)
}

/// One row of the `entities` table per (entity, name period): an entity with a name
/// history has a row per name it went by, with the period's bounds; `current` marks the
/// one row per entity that carries its canonical (present) name.
#[derive(Default)]
struct EntityRows {
    id: Vec<String>,
    name: Vec<String>,
    kind: Vec<&'static str>,
    country: Vec<Option<String>>,
    ticker: Vec<Option<String>>,
    parent: Vec<Option<String>>,
    aliases: Vec<String>,
    successor: Vec<Option<String>>,
    valid_from: Vec<Option<i32>>,
    valid_to: Vec<Option<i32>>,
    current: Vec<bool>,
}

impl EntityRows {
    fn push(&mut self, e: &Entity, name: &str, period: (Option<i32>, Option<i32>), current: bool) {
        self.id.push(e.id.clone());
        self.name.push(name.to_string());
        self.kind.push(e.kind.as_str());
        self.country.push(e.country.clone());
        self.ticker.push(e.ticker.clone());
        self.parent.push(e.parent_id.clone());
        self.aliases.push(e.aliases.join("|"));
        self.successor.push(e.successor_id.clone());
        self.valid_from.push(period.0);
        self.valid_to.push(period.1);
        self.current.push(current);
    }

    /// The rows of one gazetteer entity.
    fn add(&mut self, e: &Entity) {
        let Some(last) = e.names.last() else {
            self.push(e, &e.name, (None, None), true);
            return;
        };
        // The canonical name's row: the latest period with that name; else, after a
        // bounded last period, a row from its end on (what `Entity::name_at` gives);
        // else (an open last period under another name) the last period.
        let canonical = e.names.iter().rposition(|p| p.name == e.name);
        let after_last = canonical.is_none() && last.valid_to.is_some();
        let current = canonical.or((!after_last).then(|| e.names.len() - 1));
        for (i, p) in e.names.iter().enumerate() {
            let period = (
                p.valid_from.map(days_since_epoch),
                p.valid_to.map(days_since_epoch),
            );
            self.push(e, &p.name, period, current == Some(i));
        }
        if after_last {
            self.push(
                e,
                &e.name,
                (last.valid_to.map(days_since_epoch), None),
                true,
            );
        }
    }
}

/// The `entities` table: the gazetteer (one row per name period, see [`EntityRows`])
/// plus discovered companies (`discovered` has their `entity_id` and `name`).
pub(crate) fn entities_frame(
    gaz: &Gazetteer,
    discovered: &DataFrame,
    exclusions: &Exclusions,
) -> Result<DataFrame> {
    let mut rows = EntityRows::default();
    for e in gaz.entities() {
        if !exclusions.excludes(&e.id, &e.name) {
            rows.add(e);
        }
    }
    let d_ids = discovered.column("entity_id")?.str()?;
    let d_names = discovered.column("name")?.str()?;
    for (i, n) in d_ids.iter().zip(d_names.iter()) {
        rows.id.push(i.unwrap_or_default().to_string());
        rows.name.push(n.unwrap_or_default().to_string());
        rows.kind.push("company");
        rows.country.push(None);
        rows.ticker.push(None);
        rows.parent.push(None);
        rows.aliases.push(String::new());
        rows.successor.push(None);
        rows.valid_from.push(None);
        rows.valid_to.push(None);
        rows.current.push(true);
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("entity_id".into(), rows.id),
        Column::new("name".into(), rows.name),
        Column::new("type".into(), rows.kind),
        Column::new("country".into(), rows.country),
        Column::new("ticker".into(), rows.ticker),
        Column::new("parent_id".into(), rows.parent),
        Column::new("aliases".into(), rows.aliases),
        Column::new("successor_id".into(), rows.successor),
        date_col("valid_from", rows.valid_from.into_iter()),
        date_col("valid_to", rows.valid_to.into_iter()),
        Column::new("current".into(), rows.current),
    ])?)
}

/// Writes a stage's parts of `table`, each turned into a frame by `load`, into one
/// exported table. Parts are loaded, CSV-formatted and Parquet-encoded in parallel, a
/// window of one part per thread at a time (so memory does not grow with the corpus),
/// and appended in order by a writer thread, so that the kernel's copying of the files
/// (the CSV is most of the output) overlaps the next window's work.
fn export_parts<P: Send>(
    out: &Path,
    table: &str,
    csv: bool,
    parts: Vec<P>,
    load: impl Fn(P) -> Result<DataFrame> + Sync,
) -> Result<u64> {
    let mut w = TableWriter::new(out, table, csv);
    let window = rayon::current_num_threads().max(1);
    let mut parts = parts.into_iter();
    // The first window is loaded before the files are opened: they take its schema.
    let first: Vec<P> = parts.by_ref().take(window).collect();
    let first: Vec<Result<DataFrame>> = first
        .into_par_iter()
        .with_max_len(1)
        .map(|p| load_part(&load, p))
        .collect();
    let first: Vec<DataFrame> = first.into_iter().collect::<Result<_>>()?;
    match first.first() {
        Some(df) => w.open(df)?,
        None => return w.finish(),
    }
    w.rows = pipeline_parts(&mut w, first, parts, window, &load, csv)?;
    w.finish()
}

/// The loop of [`export_parts`] once the files are open: encodes `first`, then each next
/// window of `parts`, on the workers, and hands the encoded parts in order to a writer
/// thread through a bounded channel (at most one part waiting: each waiting part holds
/// its CSV rows, ~6 MB for a `mentions` part of 2,500 articles). Returns the rows
/// written. An error on either side stops both and is returned.
fn pipeline_parts<P: Send>(
    w: &mut TableWriter,
    first: Vec<DataFrame>,
    mut parts: impl Iterator<Item = P>,
    window: usize,
    load: &(impl Fn(P) -> Result<DataFrame> + Sync),
    csv: bool,
) -> Result<u64> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Encoded>(1);
    let (mut sinks, encoder) = w.sinks();
    // A part's CSV rows and its Parquet row group are made at once: a worker left idle
    // at the end of a window (or once the other tables are done) takes one half.
    let encode = |df: DataFrame| -> Result<Encoded> {
        let writer = encoder
            .ok_or_else(|| anyhow::anyhow!("internal error: table written before it is open"))?;
        let (rows, groups) = rayon::join(
            || csv.then(|| csv_format::rows(&df)).transpose(),
            || writer.encode(&df),
        );
        Ok((df.height(), rows?, groups?))
    };
    std::thread::scope(|s| {
        let writer = s.spawn(move || -> Result<u64> {
            let mut rows = 0;
            for part in rx {
                rows += sinks.append(part)?;
            }
            Ok(rows)
        });
        // Sends a window in order; `false` if the writer has stopped (its error says why).
        let send = |ready: Vec<Result<Encoded>>| -> Result<bool> {
            for part in ready {
                if tx.send(part?).is_err() {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        let produced = (|| -> Result<()> {
            let ready: Vec<Result<Encoded>> =
                first.into_par_iter().with_max_len(1).map(encode).collect();
            if !send(ready)? {
                return Ok(());
            }
            loop {
                let chunk: Vec<P> = parts.by_ref().take(window).collect();
                if chunk.is_empty() {
                    return Ok(());
                }
                let ready: Vec<Result<Encoded>> = chunk
                    .into_par_iter()
                    .with_max_len(1)
                    .map(|p| encode(load_part(load, p)?))
                    .collect();
                if !send(ready)? {
                    return Ok(());
                }
            }
        })();
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("internal error: the table writer panicked"))?;
        // The writer's error first: it is the cause when the workers stopped early.
        let rows = written?;
        produced?;
        Ok(rows)
    })
}

/// Writes one frame as an exported table.
fn export_one(out: &Path, table: &str, csv: bool, df: Result<DataFrame>) -> Result<u64> {
    export_parts(out, table, csv, vec![df], |df| df)
}

/// The exported `articles` part: the normalize artefact, plus the tone of each article
/// from the sentiment artefact (null when it has none), plus the body as the last column
/// when `with_text`.
fn articles_part(articles: &Path, tones: &Path, with_text: bool) -> Result<DataFrame> {
    let mut columns = ARTICLE_COLUMNS.to_vec();
    if with_text {
        columns.push("text");
    }
    let full = read_parquet_columns(articles, &columns)?;
    articles_table(full, &read_parquet(tones)?, with_text)
}

/// The exported `articles` rows of a part: its normalize artefact's rows (the
/// [`ARTICLE_COLUMNS`], and `text` when `with_text`), plus the tone of each article from
/// the sentiment stage's `tones` frame (null when it has none), plus the body as the last
/// column when `with_text`.
pub fn articles_table(full: DataFrame, tones: &DataFrame, with_text: bool) -> Result<DataFrame> {
    let tones = tones_from_frame(tones)?;
    let by_id: std::collections::HashMap<&str, f64> = tones
        .iter()
        .map(|t| (t.article_id.as_str(), t.tone))
        .collect();
    let tone: Vec<Option<f64>> = full
        .column("article_id")?
        .str()?
        .iter()
        .map(|id| id.and_then(|id| by_id.get(id).copied()))
        .collect();
    let mut extra = vec![Column::new("tone".into(), tone)];
    if with_text {
        extra.push(full.column("text")?.clone());
    }
    Ok(full.select(ARTICLE_COLUMNS)?.hstack(&extra)?)
}

/// The exported `mentions` rows of a part: the entities stage's rows joined with the
/// sentiment stage's scores, with the date of each article (from `articles`: its
/// `article_id` and `date`) after the article id, and without the internal `doc_*`
/// offsets.
pub fn mentions_table(
    mentions: &DataFrame,
    scores: &DataFrame,
    articles: &DataFrame,
) -> Result<DataFrame> {
    let names = mentions_columns()?;
    let joined = scored_frame(mentions, scores)?;
    let mut df = joined.select(names.iter().map(String::as_str))?;
    let by_id: std::collections::HashMap<&str, Option<i32>> = articles
        .column("article_id")?
        .str()?
        .iter()
        .zip(articles.column("date")?.date()?.physical().iter())
        .filter_map(|(id, d)| Some((id?, d)))
        .collect();
    let dates: Vec<Option<i32>> = df
        .column("article_id")?
        .str()?
        .iter()
        .map(|id| id.and_then(|id| by_id.get(id).copied().flatten()))
        .collect();
    df.insert_column(1, date_col("date", dates.into_iter()))?;
    Ok(df)
}

/// The columns of the entities and sentiment stages' mention rows that the exported
/// `mentions` table keeps (those of `scored_to_frame(.., true)`: without the internal
/// `doc_*` offsets; [`mentions_table`] adds the `date`).
pub fn mentions_columns() -> Result<Vec<String>> {
    Ok(scored_to_frame(&[], true)?
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect())
}

/// The exported `mentions` part: the entities stage's `mentions` part `m`, the sentiment
/// stage's scores (part `s`) and the normalize part `a` (see [`mentions_table`]).
pub(crate) fn mentions_part(m: &Path, s: &Path, a: &Path) -> Result<DataFrame> {
    let names = mentions_columns()?;
    let entity_names: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|c| !SCORE_COLUMNS.contains(c))
        .collect();
    mentions_table(
        &read_parquet_columns(m, &entity_names)?,
        &read_parquet(s)?,
        &read_parquet_columns(a, &["article_id", "date"])?,
    )
}

/// What the export publishes, once every table is written under its temporary name:
/// the temporary files with their final names, the size and checksum of every final file
/// (by its path relative to `out`), and the outputs of the other layout (`<table>/`
/// folders of a partitioned layout) to remove.
type Staged = (Vec<(PathBuf, String)>, FileSums, Vec<PathBuf>);

/// Checksums every single-file table to publish (see [`Staged`]).
fn stage_tables(out: &Path, csv: bool) -> Result<Staged> {
    let mut staged = Vec::new();
    let mut sums = FileSums::new();
    let mut obsolete = Vec::new();
    let file = |name: String, sums: &mut FileSums| -> Result<(PathBuf, String)> {
        let tmp = tmp_sibling(&out.join(&name));
        let sum = file_sum(&tmp).with_context(|| format!("cannot read {} back", tmp.display()))?;
        sums.insert(name.clone(), sum);
        Ok((tmp, name))
    };
    for t in TABLES {
        staged.push(file(format!("{t}.parquet"), &mut sums)?);
        if partition::DATED_TABLES.contains(&t) {
            obsolete.push(out.join(t));
        }
        if csv {
            staged.push(file(format!("{t}.csv"), &mut sums)?);
        }
    }
    Ok((staged, sums, obsolete))
}

/// Writes the tables without a date ([`undated::TABLES`]) named in `tables` under their
/// temporary names; returns their rows. `discovered` is the aggregate's
/// `discovered_companies`.
fn write_undated(
    ctx: &Context,
    discovered: &DataFrame,
    tables: &[&str],
) -> Result<std::collections::BTreeMap<String, u64>> {
    let (p, out, csv) = (ctx.pipeline, &ctx.pipeline.out, ctx.pipeline.export.csv);
    let mut rows = std::collections::BTreeMap::new();
    if tables.contains(&"entities") {
        let gazetteer = ctx.reference.gazetteer_dir()?;
        let finder_gaz = Gazetteer::load(&gazetteer).map_err(|e| {
            anyhow::anyhow!(
                "cannot load the gazetteer from {}: {e}",
                gazetteer.display()
            )
        })?;
        let entities = entities_frame(
            &finder_gaz,
            discovered,
            &Exclusions::new(&p.entities.exclude),
        );
        rows.insert(
            "entities".to_string(),
            export_one(out, "entities", csv, entities)?,
        );
    }
    if tables.contains(&"discovered_companies") {
        rows.insert(
            "discovered_companies".to_string(),
            export_one(out, "discovered_companies", csv, Ok(discovered.clone()))?,
        );
    }
    if tables.contains(&"rejects") {
        let mut rejects: Vec<RejectRow> = Vec::new();
        // Chunk by chunk, those of ingest then those of normalize, as one run would.
        for stage in [Stage::Ingest, Stage::Normalize] {
            for part in list_parts(&ctx.stage_dir(stage), "rejects")? {
                rejects.extend(rejects_from_frame(&read_parquet(&part)?)?);
            }
        }
        rows.insert(
            "rejects".to_string(),
            export_one(out, "rejects", csv, rejects_to_frame(&rejects))?,
        );
    }
    Ok(rows)
}

/// The export of a partitioned layout ([`incremental`]): only the partitions whose rows
/// changed are written.
fn run_partitioned(
    ctx: &Context,
    manifest: Manifest,
    reuse: &crate::stages::chunks::Reuse,
) -> Result<Manifest> {
    let t0 = Instant::now();
    fs::create_dir_all(&ctx.pipeline.out)
        .with_context(|| format!("cannot create {}", ctx.pipeline.out.display()))?;
    let w = incremental::run(ctx, &manifest, reuse, |discovered, tables| {
        write_undated(ctx, discovered, tables)
    })?;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Export.name())?;
    let total: u64 = w.rows.values().sum();
    let m = Manifest {
        rows_in: total,
        rows_out: total,
        parts: 1,
        seconds: secs(t0),
        extra: w.rows,
        outputs: w.outputs,
        keys: w.keys,
        touched: w.touched,
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
}

/// Runs the export stage. The tables are independent: they are written concurrently
/// (each also formats its parts in parallel), which keeps both cores busy while the
/// biggest table (`mentions`) compresses.
pub fn run(
    ctx: &Context,
    manifest: Manifest,
    reuse: &crate::stages::chunks::Reuse,
) -> Result<Manifest> {
    if ctx.pipeline.export.partitioning != Partitioning::None {
        return run_partitioned(ctx, manifest, reuse);
    }
    let t0 = Instant::now();
    let p = ctx.pipeline;
    let out = p.out.clone();
    let csv = p.export.csv;
    fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let norm = ctx.stage_dir(Stage::Normalize);
    let sent = ctx.stage_dir(Stage::Sentiment);
    let art_parts = list_parts(&norm, "articles")?;
    let tone_parts = list_parts(&sent, "tones")?;
    let mention_parts = list_parts(&ctx.stage_dir(Stage::Entities), "mentions")?;
    let score_parts = list_parts(&sent, "mention_scores")?;
    let entity_parts = list_parts(&sent, "article_entities")?;
    let bar = ctx.bar(Stage::Export, TABLES.len() as u64, "tables");
    let counts = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let done = |table: &str, n: Result<u64>| -> Result<()> {
        let n = n?;
        tracing::debug!("export: {table} written ({n} rows) at {:.2} s", secs(t0));
        counts
            .lock()
            .map_err(|_| anyhow::anyhow!("internal error: export counters poisoned"))?
            .insert(table.to_string(), n);
        bar.inc(1);
        Ok(())
    };

    let articles = || {
        let pairs: Vec<(PathBuf, PathBuf)> = art_parts
            .iter()
            .cloned()
            .zip(tone_parts.iter().cloned())
            .collect();
        let with_text = p.export.article_text;
        let n = export_parts(&out, "articles", csv, pairs, |(a, t)| {
            articles_part(&a, &t, with_text)
        });
        done("articles", n)
    };
    // Mentions: the entities stage's rows joined with the sentiment stage's scores,
    // part by part, without the internal `doc_*` offsets (the exported columns are those
    // of `scored_to_frame(.., true)`).
    let mentions = || {
        let n = (|| {
            if score_parts.len() != mention_parts.len() || art_parts.len() != mention_parts.len() {
                anyhow::bail!(
                    "the normalize, entities and sentiment artefacts do not match ({}, {} and {} parts): rerun with --from entities",
                    art_parts.len(),
                    mention_parts.len(),
                    score_parts.len()
                );
            }
            let triples: Vec<[PathBuf; 3]> = (0..mention_parts.len())
                .map(|i| {
                    [
                        mention_parts[i].clone(),
                        score_parts[i].clone(),
                        art_parts[i].clone(),
                    ]
                })
                .collect();
            export_parts(&out, "mentions", csv, triples, |[m, s, a]| {
                mentions_part(&m, &s, &a)
            })
        })();
        done("mentions", n)
    };
    let article_entities = || {
        let n = export_parts(&out, "article_entities", csv, entity_parts, |p| {
            read_parquet(&p)
        });
        done("article_entities", n)
    };
    let small = || -> Result<()> {
        let (daily, discovered) = aggregate::read_outputs(&ctx.stage_dir(Stage::Aggregate))?;
        done(
            "company_daily",
            export_one(&out, "company_daily", csv, Ok(daily)),
        )?;
        for (table, n) in write_undated(ctx, &discovered, &undated::TABLES)? {
            done(&table, Ok(n))?;
        }
        Ok(())
    };
    let ((a, m), (e, s)) = rayon::join(
        || rayon::join(mentions, articles),
        || rayon::join(article_entities, small),
    );
    a.and(m).and(e).and(s)?;
    bar.finish_and_clear();
    let extra = counts
        .into_inner()
        .map_err(|_| anyhow::anyhow!("internal error: export counters poisoned"))?;

    // A marker stage folder so `status` and reruns know the export is complete; its
    // manifest records the tables' sizes and checksums, so a damaged table is written again.
    let dir = StageDir::create(&ctx.stages_dir, Stage::Export.name())?;
    let total: u64 = extra.values().sum();
    // Every table is written (under its temporary name): split the dated ones into
    // partitions if asked, checksum them, then publish them together with `_SUCCESS`.
    let t_sums = Instant::now();
    let (staged, outputs, obsolete) = stage_tables(&out, csv)?;
    tracing::debug!(
        "export: {} table files checksummed in {:.3} s",
        outputs.len(),
        secs(t_sums)
    );
    let marker = Published {
        run_id: ctx.run_id.clone(),
        newstone: crate::artefact::CODE_VERSION.to_string(),
        published: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        rows: extra.clone(),
        files: outputs.clone(),
    };
    publish(&out, &staged, &obsolete, &marker, |_| Ok(()))?;
    let m = Manifest {
        rows_in: total,
        rows_out: total,
        parts: 1,
        seconds: secs(t0),
        extra,
        outputs,
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that fails (a full disk: `/dev/full`) names the table it was writing.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_names_the_table() {
        let full = || {
            let f = fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            std::io::BufWriter::with_capacity(1 << 10, f)
        };
        let (parquet_path, csv_path) = (
            Path::new("out/mentions.parquet"),
            Path::new("out/mentions.csv"),
        );
        let mut csv = full();
        let mut sinks = Sinks {
            parquet: None,
            csv: Some(&mut csv),
            parquet_path,
            csv_path: Some(csv_path),
        };
        let rows = "Apple,2024-01-02,0.5\n".repeat(200).into_bytes();
        let err = sinks.append((200, Some(rows), Vec::new())).unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.starts_with("cannot write out/mentions.csv: No space left on device"),
            "{msg}"
        );

        // The CSV header, and the last buffered rows at the end, name it too.
        let dir = tempfile::tempdir().unwrap();
        let mut w = TableWriter::new(dir.path(), "mentions", true);
        w.csv_path = Some(dir.path().join("mentions.csv"));
        w.csv = Some(full());
        w.csv.as_mut().unwrap().write_all(b"entity_id\n").unwrap();
        let err = format!("{:#}", w.finish().unwrap_err());
        assert!(
            err.contains("cannot write")
                && err.contains("mentions.csv")
                && err.contains("No space left"),
            "{err}"
        );
    }

    /// entity_id, name, valid_from, valid_to, current.
    type Row = (String, String, Option<i32>, Option<i32>, bool);

    fn frame_rows(df: &DataFrame) -> Vec<Row> {
        let s = |c: &str| -> Vec<String> {
            df.column(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.unwrap_or("").to_string())
                .collect()
        };
        let d = |c: &str| -> Vec<Option<i32>> {
            df.column(c)
                .unwrap()
                .date()
                .unwrap()
                .physical()
                .iter()
                .collect()
        };
        let cur: Vec<bool> = df
            .column("current")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or(false))
            .collect();
        let (ids, names, from, to) = (s("entity_id"), s("name"), d("valid_from"), d("valid_to"));
        (0..df.height())
            .map(|i| (ids[i].clone(), names[i].clone(), from[i], to[i], cur[i]))
            .collect()
    }

    #[test]
    fn entities_table_has_a_row_per_name_period() {
        let companies =
            "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous,successor_id\n\
            lumen-arc,Lumen Arc,Brightwave,FR,,,,,,\n\
            old-mill,Old Mill Works,Millworks,GB,,,,,,lumen-arc\n\
            plain-co,Plain Co,,FR,,,,,,\n";
        // Old Mill Works: a bounded former name, then the canonical name after it.
        let names = "entity_id,name,valid_from,valid_to,source\n\
            lumen-arc,Lumen Arc,2022-03-09,,t\n\
            lumen-arc,Brightwave,,2022-03-09,t\n\
            old-mill,Millworks,1990-01-01,2001-01-01,t\n";
        let g = Gazetteer::from_csv_strs(companies, "", "")
            .and_then(|g| g.with_names_csv(names))
            .unwrap();
        let discovered = DataFrame::new_infer_height(vec![
            Column::new("entity_id".into(), ["new:acme"]),
            Column::new("name".into(), ["Acme SA"]),
        ])
        .unwrap();
        let df = entities_frame(&g, &discovered, &Exclusions::default()).unwrap();
        let day = |s: &str| {
            Some(days_since_epoch(
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap(),
            ))
        };
        let row = |id: &str, n: &str, f, t, c| (id.to_string(), n.to_string(), f, t, c);
        assert_eq!(
            frame_rows(&df),
            [
                row("lumen-arc", "Brightwave", None, day("2022-03-09"), false),
                row("lumen-arc", "Lumen Arc", day("2022-03-09"), None, true),
                row(
                    "old-mill",
                    "Millworks",
                    day("1990-01-01"),
                    day("2001-01-01"),
                    false
                ),
                row("old-mill", "Old Mill Works", day("2001-01-01"), None, true),
                row("plain-co", "Plain Co", None, None, true),
                row("new:acme", "Acme SA", None, None, true),
            ]
        );
        let succ = df.column("successor_id").unwrap().str().unwrap();
        assert_eq!(succ.get(2), Some("lumen-arc"));
        assert_eq!(succ.get(3), Some("lumen-arc"));
        assert_eq!(succ.get(0), None);
    }
}
