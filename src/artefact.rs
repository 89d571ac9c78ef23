//! Stage artefacts on disk: Parquet parts, manifests and fingerprints.
//!
//! Each stage writes into `<out>/_stages/<stage>.tmp/` and renames the folder to
//! `<out>/_stages/<stage>/` once everything is written, so a crash never leaves a
//! half-written stage that looks complete. The manifest records what the outputs
//! were computed from (fingerprints) so reruns can skip up-to-date stages.

use std::fs;
use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

mod integrity;
mod publish;
pub use integrity::{check_files, file_sum, file_sums, named_sums, FileSum, FileSums};
pub use publish::{
    marker_mismatch, publish, read_marker, remove, tables_state, Published, TablesState, MARKER,
};

/// Version of the code that produced an artefact: a new release invalidates old artefacts.
pub const CODE_VERSION: &str = concat!(
    env!("CARGO_PKG_NAME"),
    " ",
    env!("CARGO_PKG_VERSION"),
    "+",
    env!("NEWSTONE_SOURCE_HASH")
);

/// What a stage records about one run.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Manifest {
    pub stage: String,
    pub code_version: String,
    /// Hash of everything the outputs depend on (inputs, config, data files, code version).
    pub fingerprint: String,
    /// The parts of that fingerprint, for `status` to say *what* changed.
    pub input_fingerprint: String,
    pub config_fingerprint: String,
    pub data_fingerprint: String,
    pub rows_in: u64,
    pub rows_out: u64,
    pub rejects: u64,
    pub duplicates: u64,
    /// Number of Parquet parts (stages keep their parts aligned with the previous stage's).
    pub parts: usize,
    pub finished_at: String,
    pub seconds: f64,
    /// Free-form counters (e.g. mentions per type).
    #[serde(default)]
    pub extra: std::collections::BTreeMap<String, u64>,
    /// Size and checksum of each file of the stage folder (its parts), by name: a stage
    /// whose files do not match is not trusted ([`check_files`]). Empty in older manifests.
    #[serde(default)]
    pub files: FileSums,
    /// The same for the files the stage wrote to the output folder (the export's final
    /// tables), by name relative to that folder.
    #[serde(default, skip_serializing_if = "FileSums::is_empty")]
    pub outputs: FileSums,
    /// The input chunks the stage's parts come from, in input order (see [`ChunkRecord`]):
    /// what an incremental run reuses. Empty for the stages that do not work by chunk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chunks: Vec<ChunkRecord>,
    /// Stage-specific keys of what the outputs were made from (the aggregate's days, the
    /// export's partitions), so the next run rewrites only what changed.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub keys: std::collections::BTreeMap<String, String>,
    /// What the stage rewrote in this run (the export's partitions, `table/partition`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub touched: Vec<String>,
}

/// One chunk of consecutive input files, as a stage recorded it.
///
/// A chunk is the unit an incremental run reuses: the parts a stage wrote for a chunk are
/// kept as they are when the chunk's `input` (what the stage read for it) and the stage's
/// code, settings and reference data are the same as when they were written.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct ChunkRecord {
    /// What the stage read for this chunk (hash of the previous stage's chunk key, or for
    /// ingest of the files' names and contents).
    pub input: String,
    /// What the stage wrote for this chunk: the `input` hashed with the stage's code,
    /// settings and reference data when the parts were computed. The next stage reads it
    /// as its `input`.
    pub key: String,
    /// Number of parts (consecutive, numbered in the stage's order).
    pub parts: usize,
    /// The input files of the chunk, as the tables show them (ingest only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Days (since 1970-01-01) of the chunk's articles, sorted (from normalize on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<i32>,
    /// Rows read and written, rejects and duplicates of the chunk.
    #[serde(default)]
    pub rows_in: u64,
    #[serde(default)]
    pub rows_out: u64,
    #[serde(default)]
    pub rejects: u64,
    #[serde(default)]
    pub duplicates: u64,
    /// Stage-specific counters of the chunk (mentions per type, labels), summed into the
    /// manifest's `extra`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub counts: std::collections::BTreeMap<String, u64>,
}

impl Manifest {
    /// Hash of what a stage's outputs depend on besides its input: the code version, the
    /// settings and the reference data. Chunks are reused only when it is unchanged.
    pub fn base_fingerprint(&self) -> String {
        Fingerprint::new()
            .add("code", self.code_version.as_bytes())
            .add("stage", self.stage.as_bytes())
            .add("config", self.config_fingerprint.as_bytes())
            .add("data", self.data_fingerprint.as_bytes())
            .hex()
    }

    /// The first part number of each chunk, in order.
    pub fn chunk_starts(&self) -> Vec<usize> {
        let mut start = 0;
        self.chunks
            .iter()
            .map(|c| {
                let s = start;
                start += c.parts;
                s
            })
            .collect()
    }
}

impl Manifest {
    /// Reads `<dir>/manifest.json`; `None` if the stage has never completed.
    pub fn read(dir: &Path) -> Option<Manifest> {
        let text = fs::read_to_string(dir.join("manifest.json")).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// Incremental blake3 hasher used for all fingerprints.
#[derive(Default)]
pub struct Fingerprint(blake3::Hasher);

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint(blake3::Hasher::new())
    }
    /// Adds a labelled value (labels keep `("ab","c")` distinct from `("a","bc")`).
    pub fn add(&mut self, label: &str, value: &[u8]) -> &mut Self {
        self.0.update(&(label.len() as u64).to_le_bytes());
        self.0.update(label.as_bytes());
        self.0.update(&(value.len() as u64).to_le_bytes());
        self.0.update(value);
        self
    }
    /// Adds any serializable value (typically a config section).
    pub fn add_json<T: Serialize>(&mut self, label: &str, value: &T) -> &mut Self {
        let json = serde_json::to_vec(value).unwrap_or_default();
        self.add(label, &json)
    }
    /// Adds the content of a file (streamed, so large inputs are fine), labelled with its path.
    pub fn add_file(&mut self, path: &Path) -> Result<&mut Self> {
        self.add_file_as(path, &path.to_string_lossy())
    }
    /// Adds the content of the file at `path`, labelled `name` (so the fingerprint does
    /// not depend on where the file is, only on the name given).
    pub fn add_file_as(&mut self, path: &Path, name: &str) -> Result<&mut Self> {
        let digest = file_digest(path)
            .with_context(|| format!("cannot read {} to fingerprint it", path.display()))?;
        self.add(name, digest.as_bytes());
        Ok(self)
    }
    pub fn hex(&self) -> String {
        self.0.finalize().to_hex()[..32].to_string()
    }
}

/// BLAKE3 digest (hex) of a file's content, read in blocks of up to 1 MB hashed on all
/// threads (BLAKE3 splits a block into independent chunks; same digest as on one thread).
pub fn file_digest(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = blake3::Hasher::new();
    let size = f.metadata().map_or(0, |m| m.len());
    let mut buf = vec![0u8; size.clamp(1 << 12, 1 << 20) as usize];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        // Below 128 KB the threads cost more than they save (BLAKE3's docs).
        if n >= 1 << 17 {
            h.update_rayon(&buf[..n]);
        } else {
            h.update(&buf[..n]);
        }
    }
    Ok(h.finalize().to_hex().to_string())
}

/// A stage's output folder being written: `<stage>.tmp/`, committed by [`StageDir::commit`].
pub struct StageDir {
    tmp: PathBuf,
    fin: PathBuf,
}

impl StageDir {
    /// Starts a fresh temporary folder for `stage` under `stages_dir`.
    pub fn create(stages_dir: &Path, stage: &str) -> Result<StageDir> {
        let fin = stages_dir.join(stage);
        let tmp = stages_dir.join(format!("{stage}.tmp"));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).with_context(|| format!("cannot clear {}", tmp.display()))?;
        }
        fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(StageDir { tmp, fin })
    }
    /// Path of a file inside the folder being written.
    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }
    /// Writes the manifest (with the finish time, and the sizes and checksums of the
    /// files written) and swaps the folder into place.
    pub fn commit(self, manifest: &Manifest) -> Result<()> {
        self.commit_known(manifest, FileSums::new())
    }

    /// Links `from` (a part kept from the stage's previous run) as `name` in the folder
    /// being written: a hard link, or a copy where links are not supported.
    pub fn link(&self, from: &Path, name: &str) -> Result<()> {
        let to = self.tmp.join(name);
        if fs::hard_link(from, &to).is_err() {
            fs::copy(from, &to)
                .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        }
        Ok(())
    }

    /// [`StageDir::commit_known`] for a stage that works by chunk: sets each chunk's key
    /// from the checksums of its parts of `tables` and of the files `extra(chunk)` names
    /// (see [`crate::stages::chunks`]). Returns the manifest as committed.
    pub fn commit_chunked(
        self,
        manifest: &Manifest,
        known: FileSums,
        tables: &[&str],
        extra: impl Fn(usize) -> Vec<String>,
    ) -> Result<Manifest> {
        let files = self.sums(known)?;
        let mut m = manifest.clone();
        set_chunk_keys(&mut m.chunks, &files, tables, extra);
        self.commit_known(&m, files)?;
        Ok(m)
    }

    /// The sizes and checksums of the folder's files: those of `known` as they are, the
    /// others read back.
    fn sums(&self, known: FileSums) -> Result<FileSums> {
        let names: Vec<String> = integrity::stage_files(&self.tmp)?
            .into_iter()
            .filter(|n| !known.contains_key(n))
            .collect();
        let mut files = named_sums(&self.tmp, &names)?;
        files.extend(known);
        Ok(files)
    }

    /// [`StageDir::commit`], taking the sizes and checksums of the files in `known` (parts
    /// linked from the previous run, already checksummed) as they are.
    pub fn commit_known(self, manifest: &Manifest, known: FileSums) -> Result<()> {
        let t0 = std::time::Instant::now();
        let files = self.sums(known)?;
        tracing::debug!(
            "{}: {} files checksummed in {:.3} s",
            manifest.stage,
            files.len(),
            t0.elapsed().as_secs_f64()
        );
        let manifest = Manifest {
            files,
            finished_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ..manifest.clone()
        };
        let json = serde_json::to_string_pretty(&manifest)?;
        let path = self.tmp.join("manifest.json");
        fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?;
        if self.fin.exists() {
            fs::remove_dir_all(&self.fin)
                .with_context(|| format!("cannot replace {}", self.fin.display()))?;
        }
        fs::rename(&self.tmp, &self.fin)
            .with_context(|| format!("cannot move stage output into {}", self.fin.display()))?;
        Ok(())
    }
}

/// Sets each chunk's `key` from the checksums of its files: parts `start..start + parts`
/// of each of `tables`, plus the files `extra(chunk index)` names.
fn set_chunk_keys(
    chunks: &mut [ChunkRecord],
    files: &FileSums,
    tables: &[&str],
    extra: impl Fn(usize) -> Vec<String>,
) {
    let mut start = 0;
    for (c, chunk) in chunks.iter_mut().enumerate() {
        let mut f = Fingerprint::new();
        let mut names: Vec<String> = Vec::new();
        for t in tables {
            for k in 0..chunk.parts {
                names.push(part_name(t, start + k));
            }
        }
        names.extend(extra(c));
        for name in names {
            let sum = files
                .get(&name)
                .and_then(|s| s.xxh3.clone())
                .unwrap_or_default();
            // The file's role, not its number: a chunk moved along keeps its key.
            let role = name.split('-').next().unwrap_or("");
            f.add(role, sum.as_bytes());
        }
        chunk.key = f.hex();
        start += chunk.parts;
    }
}

/// Name of part `i` of a table inside a stage folder.
pub fn part_name(table: &str, i: usize) -> String {
    format!("{table}-{i:05}.parquet")
}

/// Writes a stage artefact to a Parquet file. Uncompressed: artefacts are written once
/// and read once by the next stage, and LZ4 alone cost a third of the ingest stage's CPU
/// for a ~40 % size saving on text (the final tables in `<out>` use zstd).
///
/// Every column is plain-encoded. Polars' writer tries a dictionary for every string and
/// integer column, which means estimating the cardinality of, and then hashing, every
/// value (article text included) to save space in a file read once; that was 2.4 % of a
/// run's instructions, for artefacts 1.5 times smaller. No min/max statistics either:
/// the next stage reads every row.
pub fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    use polars_parquet::write::{
        get_dtype_encoding, row_group_iter, CompressionOptions, Encoding, FileWriter,
        StatisticsOptions, Version, WriteOptions,
    };
    let f = fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    // Buffered: the writer issues one small write per page header and page otherwise.
    let mut f = std::io::BufWriter::with_capacity(1 << 20, f);
    let mut write = |f: &mut std::io::BufWriter<fs::File>| -> Result<()> {
        // One chunk per column, so that each batch below is one aligned row group.
        df.rechunk_mut();
        let schema = df.schema().to_arrow(CompatLevel::newest());
        let options = WriteOptions {
            statistics: StatisticsOptions::empty(),
            compression: CompressionOptions::Uncompressed,
            version: Version::V1,
            data_page_size: None,
        };
        let mut writer = FileWriter::try_new(&mut *f, schema, options)?;
        let fields = writer.parquet_schema().fields().to_vec();
        // Plain for every leaf column of every field (every Arrow type can be written
        // plain, so the writer's own `unwrap` on the encoding cannot fail here).
        let encodings: polars_buffer::Buffer<Vec<Encoding>> = writer
            .schema()
            .iter_values()
            .map(|f| vec![Encoding::Plain; get_dtype_encoding(&f.dtype).len()])
            .collect::<Vec<_>>()
            .into();
        for batch in df.iter_chunks(CompatLevel::newest(), false) {
            if batch.is_empty() {
                continue;
            }
            let rows = batch.len() as u64;
            let group = row_group_iter(batch, encodings.clone(), fields.clone(), options);
            writer.write(rows, group)?;
        }
        writer.end(None)?;
        f.flush()?;
        Ok(())
    };
    write(&mut f).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a whole Parquet file.
pub fn read_parquet(path: &Path) -> Result<DataFrame> {
    let f = fs::File::open(path).with_context(|| {
        format!(
            "cannot open {} (run the previous stage first, e.g. `newstone run PIPELINE --from <stage>`)",
            path.display()
        )
    })?;
    ParquetReader::new(f)
        .finish()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot read {} as Parquet", path.display()))
}

/// Reads only some columns of a Parquet file (export skips the article bodies).
pub fn read_parquet_columns(path: &Path, columns: &[&str]) -> Result<DataFrame> {
    let f = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    ParquetReader::new(f)
        .with_columns(Some(columns.iter().map(|c| c.to_string()).collect()))
        .finish()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot read {} as Parquet", path.display()))
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, then rename).
///
/// Not fsynced, like every other output of a run (and like Polars, DuckDB or pandas
/// writes): a killed or failed run never leaves a partial file; after a power loss or
/// kernel crash recent files may be incomplete and the README says to rerun with
/// `--force`. An fsync here made the filesystem flush everything the stage had just
/// written: 0.3–0.4 s of waiting after the export.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = tmp_sibling(path);
    fs::write(&tmp, bytes).with_context(|| format!("cannot create {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// `dir/.name.tmp` next to `path`: same filesystem, so the rename is atomic.
pub fn tmp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// What a run that failed or was killed may leave in an output folder `out`: stage folders
/// being written (`_stages/<stage>.tmp/`), hidden temporary files (`.<name>.tmp`, from
/// [`tmp_sibling`]) in `out`, `_stages` and the stage folders, and hidden temporary
/// folders (`.<table>.tmp/`, partitioned tables) in `out`. Sorted.
pub fn leftovers(out: &Path) -> Vec<PathBuf> {
    let is_tmp_file = |p: &Path| {
        p.is_file()
            && p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"))
    };
    let list = |dir: &Path| -> Vec<PathBuf> {
        fs::read_dir(dir)
            .map(|it| it.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let stages = out.join("_stages");
    // In `out`, a hidden `.<table>.tmp` folder is a partitioned table being written.
    let is_tmp_dir = |p: &Path| {
        p.is_dir()
            && p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"))
    };
    let mut found: Vec<PathBuf> = list(out)
        .into_iter()
        .filter(|p| is_tmp_file(p) || is_tmp_dir(p))
        .collect();
    for p in list(&stages) {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_link = fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            continue;
        }
        if p.is_dir() && name.ends_with(".tmp") {
            found.push(p);
        } else if p.is_dir() {
            found.extend(list(&p).into_iter().filter(|f| is_tmp_file(f)));
        } else if is_tmp_file(&p) {
            found.push(p);
        }
    }
    found.sort();
    found
}

/// Removes the [`leftovers`] of earlier runs in `out`; returns what was removed. Only call
/// it while holding the run lock: another run's temporary files are not leftovers.
pub fn remove_leftovers(out: &Path) -> Result<Vec<PathBuf>> {
    let found = leftovers(out);
    for p in &found {
        let removed = if p.is_dir() {
            fs::remove_dir_all(p)
        } else {
            fs::remove_file(p)
        };
        removed.with_context(|| format!("cannot remove the leftover {}", p.display()))?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Artefacts are written with our own encoding choices (plain, no dictionary): every
    /// column type the stages use must read back exactly, nulls and empty parts included.
    #[test]
    fn artefacts_round_trip_every_column_type() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part-00000.parquet");
        let text = "Le groupe d’Oracle « progresse » — Apple’s shares fell.\nSecond line";
        let mut df = df!(
            "article_id" => ["a1", "a2", "a3"],
            "text" => [Some(text), None, Some("")],
            "n_chars" => [Some(66i64), None, Some(0)],
            "sentiment" => [0.5f64, -1.0, 0.0],
            "in_title" => [true, false, true],
        )
        .unwrap();
        let dates = Series::new("date".into(), [Some(18993i32), None, Some(19357)])
            .cast(&DataType::Date)
            .unwrap();
        let times = Series::new(
            "published_at".into(),
            [Some(1_641_031_200_000_000i64), None, Some(0)],
        )
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .unwrap();
        df.with_column(dates.into()).unwrap();
        df.with_column(times.into()).unwrap();
        write_parquet(&path, &mut df.clone()).unwrap();
        let back = read_parquet(&path).unwrap();
        assert_eq!(back.schema(), df.schema());
        assert!(back.equals_missing(&df), "{back:?}\n{df:?}");

        // A part with no rows keeps its columns.
        let empty_path = dir.path().join("rejects.parquet");
        let mut empty = df.head(Some(0));
        write_parquet(&empty_path, &mut empty).unwrap();
        let back = read_parquet(&empty_path).unwrap();
        assert_eq!(back.height(), 0);
        assert_eq!(back.schema(), df.schema());
    }
}

#[cfg(test)]
mod leftover_tests {
    use super::*;

    #[test]
    fn leftovers_are_found_and_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let stages = out.join("_stages");
        for d in ["ingest", "ingest.tmp", "entities.tmp"] {
            fs::create_dir_all(stages.join(d)).unwrap();
        }
        fs::write(stages.join("ingest.tmp/articles-00000.parquet"), b"x").unwrap();
        fs::write(stages.join("ingest/manifest.json"), b"{}").unwrap();
        fs::write(stages.join("ingest/.manifest.json.tmp"), b"{").unwrap();
        fs::write(out.join(".company_daily.parquet.tmp"), b"x").unwrap();
        fs::write(out.join("company_daily.parquet"), b"x").unwrap();
        // A partitioned table being written, and an old one moved aside.
        fs::create_dir_all(out.join(".articles.tmp/date=2022-03-07")).unwrap();
        fs::create_dir_all(out.join(".mentions.old.tmp")).unwrap();
        fs::create_dir_all(out.join("article_entities/date=2022-03-07")).unwrap();
        fs::write(out.join("notes.tmp"), b"mine").unwrap();
        fs::write(stages.join(".lock"), b"1").unwrap();
        let expected = vec![
            out.join(".articles.tmp"),
            out.join(".company_daily.parquet.tmp"),
            out.join(".mentions.old.tmp"),
            stages.join("entities.tmp"),
            stages.join("ingest/.manifest.json.tmp"),
            stages.join("ingest.tmp"),
        ];
        assert_eq!(leftovers(out), expected);
        assert_eq!(remove_leftovers(out).unwrap(), expected);
        assert!(leftovers(out).is_empty());
        for kept in [
            stages.join("ingest/manifest.json"),
            out.join("company_daily.parquet"),
            out.join("notes.tmp"),
            out.join("article_entities/date=2022-03-07"),
            stages.join(".lock"),
        ] {
            assert!(kept.exists(), "{}", kept.display());
        }
        // No output folder yet: nothing to find.
        assert!(leftovers(&out.join("nowhere")).is_empty());
    }
}
