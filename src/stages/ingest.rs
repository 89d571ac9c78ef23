//! Stage 1 — ingest: every input record becomes a raw row or a reject.
//!
//! Reads the files named by the pipeline (globs, files, folders) with the readers in
//! [`crate::sources`] and writes raw rows in parts of `ingest.batch_size` records, so
//! memory stays flat whatever the corpus size.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::artefact::{part_name, write_parquet, Manifest, StageDir};
use crate::config::{InputSpec, Pipeline};
use crate::sources::{self, Format, Item};
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
                });
            }
        }
    }
    Ok(out)
}

/// Fingerprint of the inputs' contents and of the way they are read.
pub fn input_fingerprint(p: &Pipeline, inputs: &[ResolvedInput]) -> Result<String> {
    let mut fp = crate::artefact::Fingerprint::new();
    for input in inputs {
        fp.add_file_as(&input.path, &input.shown)?;
        fp.add_json("spec", &p.inputs[input.spec]);
    }
    Ok(fp.hex())
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
            self.flush()?;
        }
        Ok(())
    }
    fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() && self.parts > 0 {
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

/// Runs the ingest stage over `inputs`.
pub fn run(ctx: &Context, inputs: &[ResolvedInput], manifest: Manifest) -> Result<Manifest> {
    let t0 = Instant::now();
    let p = ctx.pipeline;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Ingest.name())?;
    let mut rejects: Vec<RejectRow> = Vec::new();
    let (rows, parts) = std::thread::scope(|scope| -> Result<(u64, usize)> {
        let mut w = Writer {
            dir: &dir,
            out: PartWriter::new(scope, "ingest"),
            batch: Vec::new(),
            batch_size: p.ingest.batch_size,
            parts: 0,
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
            // Always at least one part, so downstream stages see a (possibly empty) table.
            if !w.batch.is_empty() || w.parts == 0 {
                w.flush()?;
            }
            Ok(())
        };
        let result = read();
        // Always join the writer, also after an error, so its own error is not lost.
        let written = w.out.finish();
        result.and(written)?;
        Ok((w.rows, w.parts))
    })?;
    let mut rej = rejects_to_frame(&rejects)?;
    write_parquet(&dir.path("rejects.parquet"), &mut rej)?;
    let m = Manifest {
        rows_in: rows + rejects.len() as u64,
        rows_out: rows,
        rejects: rejects.len() as u64,
        parts,
        seconds: secs(t0),
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
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
