//! Chunks: the unit an incremental run reuses.
//!
//! Ingest groups consecutive input files (sorted by path) into chunks of about
//! [`CHUNK_BYTES`]; a chunk's parts never hold records of another chunk, and every later
//! stage keeps its parts aligned with ingest's (part *i* of every stage comes from the
//! same records). Each stage records its chunks in its manifest ([`ChunkRecord`]): what it
//! read for the chunk (`input`) and a digest of what it wrote (`key`, from the checksums
//! of the chunk's files). A run then keeps, as hard links, the parts of every chunk whose
//! input is unchanged, provided the stage's code, settings and reference data are the same
//! ([`Manifest::base_fingerprint`]), and computes only the others.
//!
//! Chunk boundaries are kept from one run to the next: the files of a chunk seen before
//! stay one chunk while they are all present and unchanged, and new or changed files form
//! new chunks. A file appended to a daily archive therefore costs its own chunk only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::artefact::{part_name, ChunkRecord, FileSums, Fingerprint, Manifest, StageDir};

/// The day recorded in a chunk's `dates` for articles without a date.
pub const NULL_DAY: i32 = i32::MIN;

/// Input bytes after which a chunk of new files is closed. Bigger chunks mean fewer,
/// fuller parts on a first run; smaller ones less to recompute when one file changes.
pub const CHUNK_BYTES: u64 = 64 << 20;

/// One chunk of the run being planned: which input files it holds (indices into the
/// resolved inputs) and what ingest reads for it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChunk {
    pub files: Vec<usize>,
    /// Hash of the files' names, contents and input settings: ingest's chunk `input`.
    pub input: String,
}

/// The identity of one input file: its name as the tables show it, the digest of its
/// content and the settings of the input it comes from.
pub fn file_key(shown: &str, digest: &str, spec_json: &str) -> String {
    Fingerprint::new()
        .add("file", shown.as_bytes())
        .add("digest", digest.as_bytes())
        .add("spec", spec_json.as_bytes())
        .hex()
}

fn chunk_input(keys: &[&str]) -> String {
    let mut f = Fingerprint::new();
    for k in keys {
        f.add("file", k.as_bytes());
    }
    f.hex()
}

/// Groups the input files (in order; `names[i]`, `keys[i]` and `sizes[i]` describe file
/// *i*) into chunks, keeping the chunks of `previous` (ingest's last manifest) whose files
/// are all still there, unchanged and in the same order.
pub fn plan(
    names: &[String],
    keys: &[String],
    sizes: &[u64],
    previous: Option<&Manifest>,
) -> Vec<PlannedChunk> {
    // The chunks seen before, by their first file.
    let mut by_first: HashMap<&str, Vec<&ChunkRecord>> = HashMap::new();
    for c in previous.map(|m| m.chunks.as_slice()).unwrap_or_default() {
        if let Some(first) = c.files.first() {
            by_first.entry(first.as_str()).or_default().push(c);
        }
    }
    let kept_at = |i: usize| -> Option<(usize, String)> {
        by_first.get(names[i].as_str())?.iter().find_map(|c| {
            let n = c.files.len();
            if i + n > names.len() || names[i..i + n] != c.files[..] {
                return None;
            }
            let ks: Vec<&str> = keys[i..i + n].iter().map(String::as_str).collect();
            let input = chunk_input(&ks);
            (input == c.input).then_some((n, input))
        })
    };
    let mut out = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    let mut bytes = 0u64;
    let close = |pending: &mut Vec<usize>, out: &mut Vec<PlannedChunk>| {
        if pending.is_empty() {
            return;
        }
        let ks: Vec<&str> = pending.iter().map(|&i| keys[i].as_str()).collect();
        out.push(PlannedChunk {
            input: chunk_input(&ks),
            files: std::mem::take(pending),
        });
    };
    let mut i = 0;
    while i < names.len() {
        if let Some((n, input)) = kept_at(i) {
            close(&mut pending, &mut out);
            bytes = 0;
            out.push(PlannedChunk {
                files: (i..i + n).collect(),
                input,
            });
            i += n;
            continue;
        }
        pending.push(i);
        bytes += sizes[i];
        if bytes >= CHUNK_BYTES {
            close(&mut pending, &mut out);
            bytes = 0;
        }
        i += 1;
    }
    close(&mut pending, &mut out);
    out
}

/// The parts a stage may keep from its previous run.
pub struct Reuse {
    dir: PathBuf,
    chunks: HashMap<String, (usize, usize, ChunkRecord)>,
    files: FileSums,
    /// The previous run's stage-specific keys ([`Manifest::keys`]).
    keys: std::collections::BTreeMap<String, String>,
}

impl Reuse {
    /// Nothing to reuse (a forced run, or no previous run).
    pub fn none() -> Reuse {
        Reuse {
            dir: PathBuf::new(),
            chunks: HashMap::new(),
            files: FileSums::new(),
            keys: Default::default(),
        }
    }

    /// The chunks of the stage's last run in `dir`, when it was made by the same code,
    /// settings and reference data as `template` (the manifest this run will write), or
    /// `adopt` (a backfill keeps the other dates as they are).
    pub fn from_previous(dir: &Path, template: &Manifest, adopt: bool) -> Reuse {
        let Some(old) = Manifest::read(dir) else {
            return Reuse::none();
        };
        if !adopt && old.base_fingerprint() != template.base_fingerprint() {
            return Reuse::none();
        }
        let chunks = old
            .chunk_starts()
            .into_iter()
            .zip(old.chunks)
            .enumerate()
            .map(|(i, (start, c))| (c.input.clone(), (i, start, c)))
            .collect();
        Reuse {
            dir: dir.to_path_buf(),
            chunks,
            files: old.files,
            keys: old.keys,
        }
    }

    /// True when there is a previous run to keep things from.
    pub fn is_some(&self) -> bool {
        !self.dir.as_os_str().is_empty()
    }

    /// The previous run's stage-specific keys (days, partitions).
    pub fn keys(&self) -> &std::collections::BTreeMap<String, String> {
        &self.keys
    }

    /// The file `name` of the previous run, if it recorded one.
    pub fn file(&self, name: &str) -> Option<PathBuf> {
        self.files.contains_key(name).then(|| self.dir.join(name))
    }

    /// The previous run's record of the chunk read from `input`, and its first part.
    pub fn find(&self, input: &str) -> Option<(usize, &ChunkRecord)> {
        self.chunks.get(input).map(|(_, s, c)| (*s, c))
    }

    /// The previous run's number of the chunk read from `input`.
    pub fn index(&self, input: &str) -> Option<usize> {
        self.chunks.get(input).map(|(i, _, _)| *i)
    }

    /// Links the previous run's parts `old_start..old_start + n` of each table as parts
    /// `new_start..` in `dir`, and `extra` files (name in the old folder, name in the new),
    /// recording their sums in `known`. False when a file is missing (then nothing is
    /// reused for the chunk: the caller computes it).
    pub fn link(
        &self,
        dir: &StageDir,
        tables: &[&str],
        (old_start, new_start, n): (usize, usize, usize),
        extra: &[(String, String)],
        known: &mut FileSums,
    ) -> Result<bool> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for t in tables {
            for k in 0..n {
                pairs.push((part_name(t, old_start + k), part_name(t, new_start + k)));
            }
        }
        pairs.extend(extra.iter().cloned());
        if pairs.iter().any(|(old, _)| !self.files.contains_key(old)) {
            return Ok(false);
        }
        for (old, new) in pairs {
            dir.link(&self.dir.join(&old), &new)?;
            if let Some(sum) = self.files.get(&old) {
                known.insert(new, sum.clone());
            }
        }
        Ok(true)
    }
}

/// A chunk as a later stage sees it: what it reads for the chunk and how many parts.
#[derive(Debug, Clone)]
pub struct ChunkInput {
    pub input: String,
    pub parts: usize,
    /// Days of the chunk's articles (from normalize on).
    pub dates: Vec<i32>,
    /// Computed even if it could be kept (a backfill of its dates).
    pub force: bool,
}

/// The work of a stage that keeps its parts aligned with its input's: chunks kept from
/// the previous run (their files linked) and parts to compute.
#[derive(Debug, Default)]
pub struct Prepared {
    /// One record per chunk, in order: as recorded before for a kept chunk; with the
    /// input, parts and dates (counts to fill in) for a computed one.
    pub records: Vec<ChunkRecord>,
    /// Whether each chunk is computed (else kept).
    pub computed: Vec<bool>,
    /// The parts to compute, in order.
    pub todo: Vec<usize>,
    /// The chunk of each part.
    pub chunk_of: Vec<usize>,
    /// Sums of the linked files.
    pub known: FileSums,
}

/// Links the files of every chunk of `inputs` that `reuse` holds (parts of `tables`, and
/// the per-chunk files `per_chunk`), and lists the parts to compute.
pub fn prepare(
    stage: &str,
    dir: &StageDir,
    reuse: &Reuse,
    inputs: &[ChunkInput],
    tables: &[&str],
    per_chunk: &[&str],
) -> Result<Prepared> {
    let mut p = Prepared::default();
    let mut start = 0;
    for (c, chunk) in inputs.iter().enumerate() {
        p.chunk_of.extend(std::iter::repeat_n(c, chunk.parts));
        let kept = match reuse.find(&chunk.input) {
            Some((old_start, old)) if !chunk.force && old.parts == chunk.parts => {
                let old_c = reuse.index(&chunk.input).unwrap_or(usize::MAX);
                let extra: Vec<(String, String)> = per_chunk
                    .iter()
                    .map(|t| (chunk_file(t, old_c), chunk_file(t, c)))
                    .collect();
                reuse
                    .link(
                        dir,
                        tables,
                        (old_start, start, chunk.parts),
                        &extra,
                        &mut p.known,
                    )?
                    .then(|| old.clone())
            }
            _ => None,
        };
        match kept {
            Some(old) => {
                p.records.push(old);
                p.computed.push(false);
            }
            None => {
                p.records.push(ChunkRecord {
                    input: chunk.input.clone(),
                    parts: chunk.parts,
                    dates: chunk.dates.clone(),
                    ..ChunkRecord::default()
                });
                p.computed.push(true);
                p.todo.extend(start..start + chunk.parts);
            }
        }
        start += chunk.parts;
    }
    let kept = p.computed.iter().filter(|c| !**c).count();
    if kept > 0 {
        tracing::info!(
            "{stage}: {kept} of {} input chunks unchanged, kept; computing {} parts",
            inputs.len(),
            p.todo.len()
        );
    }
    Ok(p)
}

/// The chunks of a stage's manifest as the next stage's inputs: each chunk's `input` is
/// the hash of `label` and of the keys of `upstream` (the records of the stages it reads,
/// all with the same chunks).
pub fn next_inputs(label: &str, upstream: &[&Manifest]) -> Result<Vec<ChunkInput>> {
    let Some(first) = upstream.first() else {
        return Ok(Vec::new());
    };
    for m in upstream {
        let same = m.chunks.len() == first.chunks.len()
            && m.chunks
                .iter()
                .zip(&first.chunks)
                .all(|(a, b)| a.parts == b.parts);
        if !same {
            anyhow::bail!(
                "the artefacts of the {} and {} stages do not match: rerun with --force",
                first.stage,
                m.stage
            );
        }
    }
    Ok((0..first.chunks.len())
        .map(|c| {
            let mut f = Fingerprint::new();
            f.add("stage", label.as_bytes());
            for m in upstream {
                f.add(&m.stage, m.chunks[c].key.as_bytes());
            }
            ChunkInput {
                input: f.hex(),
                parts: first.chunks[c].parts,
                dates: upstream
                    .iter()
                    .map(|m| &m.chunks[c].dates)
                    .find(|d| !d.is_empty())
                    .cloned()
                    .unwrap_or_default(),
                force: false,
            }
        })
        .collect())
}

/// The chunks' counters summed (a manifest's `extra`).
pub fn sum_counts(chunks: &[ChunkRecord]) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    for c in chunks {
        for (k, v) in &c.counts {
            *out.entry(k.clone()).or_insert(0) += v;
        }
    }
    out
}

/// The manifest of a completed stage, or an error saying to run it.
pub fn read_manifest(
    ctx: &crate::stages::Context,
    stage: crate::stages::Stage,
) -> Result<Manifest> {
    let dir = ctx.stage_dir(stage);
    Manifest::read(&dir).ok_or_else(|| {
        anyhow::anyhow!(
            "no {} manifest in {}: run the whole pipeline first (without --stage)",
            stage.name(),
            dir.display()
        )
    })
}

/// Marks the chunks holding a day of the run's backfill range (`--dates`) to be computed.
pub fn backfill(ctx: &crate::stages::Context, mut inputs: Vec<ChunkInput>) -> Vec<ChunkInput> {
    if let Some((from, to)) = ctx.backfill {
        for c in &mut inputs {
            c.force = c.dates.iter().any(|d| (from..=to).contains(d));
        }
    }
    inputs
}

/// Totals of a stage's chunks: rows in, rows out, rejects, duplicates.
pub fn totals(chunks: &[ChunkRecord]) -> (u64, u64, u64, u64) {
    chunks.iter().fold((0, 0, 0, 0), |t, c| {
        (
            t.0 + c.rows_in,
            t.1 + c.rows_out,
            t.2 + c.rejects,
            t.3 + c.duplicates,
        )
    })
}

/// Name of the per-chunk file `table` of chunk `c` (rejects, de-duplication keys).
pub fn chunk_file(table: &str, c: usize) -> String {
    part_name(table, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("2024-01-{:02}.jsonl", i + 1))
            .collect()
    }

    #[test]
    fn appended_files_make_a_new_chunk_and_earlier_chunks_are_kept() {
        let n = names(4);
        let keys: Vec<String> = n.iter().map(|f| file_key(f, "d", "{}")).collect();
        let sizes = vec![10u64; 4];
        let first = plan(&n[..3], &keys[..3], &sizes[..3], None);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].files, [0, 1, 2]);
        let previous = Manifest {
            chunks: vec![ChunkRecord {
                input: first[0].input.clone(),
                files: n[..3].to_vec(),
                parts: 1,
                ..ChunkRecord::default()
            }],
            ..Manifest::default()
        };
        let second = plan(&n, &keys, &sizes, Some(&previous));
        assert_eq!(second.len(), 2);
        assert_eq!(second[0], first[0]);
        assert_eq!(second[1].files, [3]);
        // A changed file breaks its chunk: its files are chunked again.
        let mut changed = keys.clone();
        changed[1] = file_key(&n[1], "other", "{}");
        let third = plan(&n, &changed, &sizes, Some(&previous));
        assert_eq!(third.len(), 1);
        assert_eq!(third[0].files, [0, 1, 2, 3]);
        assert_ne!(third[0].input, first[0].input);
    }

    #[test]
    fn new_files_are_cut_into_chunks_of_about_chunk_bytes() {
        let n = names(5);
        let keys: Vec<String> = n.iter().map(|f| file_key(f, "d", "{}")).collect();
        let sizes = vec![CHUNK_BYTES / 2; 5];
        let chunks = plan(&n, &keys, &sizes, None);
        let files: Vec<Vec<usize>> = chunks.into_iter().map(|c| c.files).collect();
        assert_eq!(files, [vec![0, 1], vec![2, 3], vec![4]]);
    }
}
