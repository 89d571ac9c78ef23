//! Stage 1 — ingest: every input record becomes a raw row or a reject.
//!
//! Reads the files named by the pipeline (globs, files, folders) with the readers in
//! [`crate::sources`] and writes raw rows in parts of `ingest.batch_size` records, so
//! memory stays flat whatever the corpus size.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::artefact::{part_name, write_parquet, ChunkRecord, FileSums, Manifest, StageDir};
use crate::config::{InputSpec, Pipeline};
use crate::sources::{self, Format, Item};
use crate::stages::chunks::{self, Reuse};
use crate::stages::{secs, Context, PartWriter, Stage};
use crate::tables::{raw_to_frame, rejects_to_frame, RawRow, RejectRow};

/// One file to read, with the pipeline input it came from.
#[derive(Debug, Clone)]
pub struct ResolvedInput {
    pub spec: usize,
    /// The file, to open.
    pub path: PathBuf,
    /// The file as the tables name it (`rejects.source`) and the fingerprint records
    /// it: relative to the folder its input is relative to (the pipeline file's folder,
    /// or the working folder for `--input`), so a run gives the same tables whatever
    /// folder it is started from.
    pub shown: String,
    /// BLAKE3 digest of the content (hex), once computed ([`digest_inputs`]); empty before.
    pub digest: String,
    /// Size in bytes, once the digest is computed.
    pub size: u64,
}

/// Fills each input's `digest` and `size`: from `known` (path as shown → (size, modified
/// time, digest) of a previous run) when the file's size and modification time are the
/// same, else by reading the file (in parallel). A file that cannot be read keeps an
/// empty digest: ingest reports it as a reject.
pub fn digest_inputs(
    inputs: &mut [ResolvedInput],
    known: &(dyn Fn(&str, u64, i64) -> Option<String> + Sync),
) {
    use rayon::prelude::*;
    inputs.par_iter_mut().for_each(|input| {
        let Ok(meta) = std::fs::metadata(&input.path) else {
            return;
        };
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        input.size = meta.len();
        input.digest = match known(&input.shown, meta.len(), modified_ns) {
            Some(d) => d,
            None => crate::artefact::file_digest(&input.path).unwrap_or_default(),
        };
    });
}

/// Expands every pipeline input into files (sorted, each file once).
pub fn resolve_inputs(p: &Pipeline) -> Result<Vec<ResolvedInput>> {
    if p.inputs.is_empty() {
        anyhow::bail!(
            "the pipeline has no inputs: add an [[inputs]] section with a `path`, or pass --input PATH"
        );
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut out: Vec<ResolvedInput> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, spec) in p.inputs.iter().enumerate() {
        let base = spec.base.as_deref().unwrap_or(&cwd);
        let files = sources::expand_input(&spec.path, base).with_context(|| match &spec.base {
            Some(b) => format!(
                "input {:?} (relative to the pipeline file's folder {})",
                spec.path,
                b.display()
            ),
            None => format!(
                "input {:?} (given with --input: relative to the working folder)",
                spec.path
            ),
        })?;
        for path in files {
            let shown = match path.strip_prefix(base) {
                Ok(rel) => display(rel),
                Err(_) => display(&path),
            };
            if seen.insert(path.clone()) {
                out.push(ResolvedInput {
                    spec: i,
                    path,
                    shown,
                    digest: String::new(),
                    size: 0,
                });
            }
        }
    }
    Ok(out)
}

/// Fingerprint of the inputs' contents and of the way they are read (the digests of
/// [`digest_inputs`], or of the files read now when not computed).
pub fn input_fingerprint(p: &Pipeline, inputs: &[ResolvedInput]) -> Result<String> {
    let mut fp = crate::artefact::Fingerprint::new();
    for input in inputs {
        fp.add("file", file_key(p, input)?.as_bytes());
    }
    Ok(fp.hex())
}

/// The identity of one input file: name, content digest and input settings.
fn file_key(p: &Pipeline, input: &ResolvedInput) -> Result<String> {
    let digest = if input.digest.is_empty() {
        crate::artefact::file_digest(&input.path)
            .with_context(|| format!("cannot read {} to fingerprint it", input.path.display()))?
    } else {
        input.digest.clone()
    };
    let spec = serde_json::to_string(&p.inputs[input.spec]).unwrap_or_default();
    Ok(chunks::file_key(&input.shown, &digest, &spec))
}

/// Collects raw rows into parts. Each full part is converted and written on a
/// background thread while the reader fills the next one; at most one part is being
/// written at a time, so memory stays at two parts.
struct Writer<'scope, 'env> {
    dir: &'env StageDir,
    out: PartWriter<'scope, 'env>,
    batch: Vec<RawRow>,
    batch_size: usize,
    parts: usize,
    rows: u64,
}

impl Writer<'_, '_> {
    fn push(&mut self, row: RawRow) -> Result<()> {
        self.batch.push(row);
        self.rows += 1;
        if self.batch.len() >= self.batch_size {
            self.flush(usize::MAX)?;
        }
        Ok(())
    }
    /// Writes the rows collected so far as the next part (an empty part only when no
    /// part was written since `first`).
    fn flush(&mut self, first: usize) -> Result<()> {
        if self.batch.is_empty() && self.parts != first {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let path = self.dir.path(&part_name("raw", self.parts));
        self.out.submit(move || {
            let mut df = raw_to_frame(&batch)?;
            drop(batch);
            write_parquet(&path, &mut df)
        })?;
        self.parts += 1;
        Ok(())
    }
}

/// Runs the ingest stage over `inputs`, keeping the parts of the chunks `reuse` holds.
pub fn run(
    ctx: &Context,
    inputs: &[ResolvedInput],
    manifest: Manifest,
    reuse: &Reuse,
) -> Result<Manifest> {
    let t0 = Instant::now();
    let p = ctx.pipeline;
    let names: Vec<String> = inputs.iter().map(|i| i.shown.clone()).collect();
    let keys: Vec<String> = inputs
        .iter()
        .map(|i| file_key(p, i))
        .collect::<Result<_>>()?;
    let sizes: Vec<u64> = inputs.iter().map(|i| i.size).collect();
    // A forced run chunks the files afresh; otherwise the chunks seen before are kept.
    let previous = reuse
        .is_some()
        .then(|| Manifest::read(&ctx.stage_dir(Stage::Ingest)))
        .flatten();
    let planned = chunks::plan(&names, &keys, &sizes, previous.as_ref());
    let dir = StageDir::create(&ctx.stages_dir, Stage::Ingest.name())?;
    let mut known = FileSums::new();
    let mut records: Vec<ChunkRecord> = Vec::with_capacity(planned.len());
    let mut parts = 0usize;
    let mut read_files = 0usize;
    for (c, chunk) in planned.iter().enumerate() {
        let files: Vec<String> = chunk.files.iter().map(|&i| names[i].clone()).collect();
        if let Some((old_start, old)) = reuse.find(&chunk.input) {
            let extra = [(
                chunks::chunk_file("rejects", old_index(reuse, &chunk.input)),
                chunks::chunk_file("rejects", c),
            )];
            if reuse.link(
                &dir,
                &["raw"],
                (old_start, parts, old.parts),
                &extra,
                &mut known,
            )? {
                parts += old.parts;
                records.push(ChunkRecord {
                    files,
                    ..old.clone()
                });
                continue;
            }
        }
        let chunk_inputs: Vec<&ResolvedInput> = chunk.files.iter().map(|&i| &inputs[i]).collect();
        read_files += chunk_inputs.len();
        let (rows, n, rejects) = read_chunk(ctx, &chunk_inputs, &dir, parts, c)?;
        parts += n;
        records.push(ChunkRecord {
            input: chunk.input.clone(),
            parts: n,
            files,
            rows_in: rows + rejects,
            rows_out: rows,
            rejects,
            ..ChunkRecord::default()
        });
    }
    if read_files < inputs.len() {
        tracing::info!(
            "ingest: {} of {} input files unchanged since the last run, kept",
            inputs.len() - read_files,
            inputs.len()
        );
    }
    let (rows_in, rows_out, rejects, _) = chunks::totals(&records);
    let m = Manifest {
        rows_in,
        rows_out,
        rejects,
        parts,
        seconds: secs(t0),
        chunks: records,
        ..manifest
    };
    dir.commit_chunked(&m, known, &["raw"], |c| {
        vec![chunks::chunk_file("rejects", c)]
    })?;
    Ok(m)
}

/// The chunk number, in the previous run, of the chunk read from `input`.
fn old_index(reuse: &Reuse, input: &str) -> usize {
    reuse.index(input).unwrap_or(usize::MAX)
}

/// Reads the files of one chunk into parts numbered from `first_part`, and its rejects
/// into the chunk's rejects file. Returns the rows, parts and rejects written.
fn read_chunk(
    ctx: &Context,
    inputs: &[&ResolvedInput],
    dir: &StageDir,
    first_part: usize,
    chunk: usize,
) -> Result<(u64, usize, u64)> {
    let p = ctx.pipeline;
    let mut rejects: Vec<RejectRow> = Vec::new();
    let (rows, parts) = std::thread::scope(|scope| -> Result<(u64, usize)> {
        let mut w = Writer {
            dir,
            out: PartWriter::new(scope, "ingest"),
            batch: Vec::new(),
            batch_size: p.ingest.batch_size,
            parts: first_part,
            rows: 0,
        };
        let bar = ctx.bar(Stage::Ingest, inputs.len() as u64, "files");
        let mut read = || -> Result<()> {
            for input in inputs {
                let spec = &p.inputs[input.spec];
                read_one(spec, input, &mut w, &mut rejects)?;
                bar.inc(1);
            }
            bar.finish_and_clear();
            // Always at least one part per chunk, so later stages see a (possibly empty)
            // table for it.
            if !w.batch.is_empty() || w.parts == first_part {
                w.flush(first_part)?;
            }
            Ok(())
        };
        let result = read();
        // Always join the writer, also after an error, so its own error is not lost.
        let written = w.out.finish();
        result.and(written)?;
        Ok((w.rows, w.parts - first_part))
    })?;
    let mut rej = rejects_to_frame(&rejects)?;
    write_parquet(&dir.path(&chunks::chunk_file("rejects", chunk)), &mut rej)?;
    Ok((rows, parts, rejects.len() as u64))
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Where [`read_one`] puts the rows it reads: the stage's part writer, or a vector (a
/// Spark task reading one file).
pub trait RowSink {
    /// Takes the next row in file order.
    fn push_row(&mut self, row: RawRow) -> Result<()>;
}

impl RowSink for Writer<'_, '_> {
    fn push_row(&mut self, row: RawRow) -> Result<()> {
        self.push(row)
    }
}

impl RowSink for Vec<RawRow> {
    fn push_row(&mut self, row: RawRow) -> Result<()> {
        self.push(row);
        Ok(())
    }
}

/// Reads one file; problems with the whole file become one reject row.
pub fn read_one(
    spec: &InputSpec,
    input: &ResolvedInput,
    w: &mut dyn RowSink,
    rejects: &mut Vec<RejectRow>,
) -> Result<()> {
    let (path, shown) = (input.path.as_path(), input.shown.as_str());
    let file_reject = |reason: String| RejectRow {
        source: shown.to_string(),
        record: "file".into(),
        reason,
    };
    let format = if spec.format == "auto" {
        match sources::detect_format(path) {
            Ok(Some(f)) => f,
            Ok(None) => {
                rejects.push(file_reject(
                    "unsupported file type: set `format` on this input in the pipeline file".into(),
                ));
                return Ok(());
            }
            Err(e) => {
                rejects.push(file_reject(e.to_string()));
                return Ok(());
            }
        }
    } else {
        // Validated when the pipeline was loaded.
        spec.format
            .parse::<Format>()
            .map_err(|_| anyhow::anyhow!("unknown format {:?}", spec.format))?
    };
    if matches!(format, Format::Parquet) {
        return read_parquet_input(spec, path, shown, w, rejects);
    }
    let mut err: Option<anyhow::Error> = None;
    let result = sources::read_file(path, format, &spec.fields, &mut |item| {
        if err.is_some() {
            return;
        }
        match item {
            Item::Record(mut row) => {
                if row.source_file != shown {
                    row.source_file = shown.to_string();
                }
                row.source_name = row.source_name.or_else(|| spec.source.clone());
                fix_lang(spec, &mut row);
                if let Err(e) = w.push_row(row) {
                    err = Some(e);
                }
            }
            Item::Reject(r) => rejects.push(RejectRow {
                source: shown.to_string(),
                record: r.record,
                reason: r.reason,
            }),
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    if let Err(e) = result {
        rejects.push(file_reject(e.to_string()));
    }
    Ok(())
}

/// Parquet inputs: columns are picked with the same field map as JSON/CSV inputs.
fn read_parquet_input(
    spec: &InputSpec,
    path: &Path,
    shown: &str,
    w: &mut dyn RowSink,
    rejects: &mut Vec<RejectRow>,
) -> Result<()> {
    use polars::prelude::*;
    let df = match crate::artefact::read_parquet(path) {
        Ok(df) => df,
        Err(e) => {
            rejects.push(RejectRow {
                source: shown.to_string(),
                record: "file".into(),
                reason: format!("cannot read as Parquet: {e:#}"),
            });
            return Ok(());
        }
    };
    // The first candidate column that exists, cast to strings (ids and dates may be numbers).
    let pick = |names: &[String]| -> Option<Vec<Option<String>>> {
        let name = names.iter().find(|n| df.column(n).is_ok())?;
        let col = df.column(name).ok()?;
        // Typed timestamps become RFC 3339 so the date parser sees an unambiguous instant.
        if let DataType::Datetime(unit, _) = col.dtype() {
            let per_sec: i64 = match unit {
                TimeUnit::Nanoseconds => 1_000_000_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Milliseconds => 1_000,
            };
            let ca = col.datetime().ok()?;
            return Some(
                ca.physical()
                    .iter()
                    .map(|v| {
                        let v = v?;
                        let secs = v.div_euclid(per_sec);
                        let nanos = (v.rem_euclid(per_sec) * (1_000_000_000 / per_sec)) as u32;
                        chrono::DateTime::from_timestamp(secs, nanos).map(|d| d.to_rfc3339())
                    })
                    .collect(),
            );
        }
        let col = col.cast(&DataType::String).ok()?;
        let ca = col.str().ok()?;
        Some(ca.iter().map(|v| v.map(str::to_owned)).collect())
    };
    let f = &spec.fields;
    let n = df.height();
    let take = |v: &mut Option<Vec<Option<String>>>, i: usize| -> Option<String> {
        v.as_mut().and_then(|v| v.get_mut(i).and_then(Option::take))
    };
    let (mut id, mut title, mut text, mut date, mut url, mut source, mut lang) = (
        pick(&f.id),
        pick(&f.title),
        pick(&f.text),
        pick(&f.date),
        pick(&f.url),
        pick(&f.source),
        pick(&["lang".to_string(), "language".to_string()]),
    );
    let mut section = pick(&f.section);
    if text.is_none() && title.is_none() {
        rejects.push(RejectRow {
            source: shown.to_string(),
            record: "file".into(),
            reason: format!(
                "no text column: looked for {:?}; set `fields.text` on this input",
                f.text
            ),
        });
        return Ok(());
    }
    for i in 0..n {
        let mut row = RawRow {
            source_file: shown.to_string(),
            record: format!("row {}", i + 1),
            id: take(&mut id, i),
            title: take(&mut title, i),
            text: take(&mut text, i),
            date: take(&mut date, i),
            url: take(&mut url, i),
            source_name: take(&mut source, i).or_else(|| spec.source.clone()),
            lang: take(&mut lang, i),
            section: take(&mut section, i),
            lang_fixed: false,
        };
        fix_lang(spec, &mut row);
        w.push_row(row)?;
    }
    Ok(())
}

/// An input's `lang` setting replaces whatever its records declare, and marks it fixed
/// so that normalize does not detect the language.
fn fix_lang(spec: &InputSpec, row: &mut RawRow) {
    if let Some(code) = &spec.lang {
        row.lang = Some(code.to_ascii_lowercase());
        row.lang_fixed = true;
    }
}
