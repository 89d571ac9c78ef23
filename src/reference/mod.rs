//! The reference data of the entities and sentiment stages: the gazetteer, the lexicons
//! and the optional learned sentiment weights.
//!
//! The files of `data/gazetteer`, `data/lexicons` and `data/models` are built into the
//! binary, so an installed `newstone` works from any folder. A folder named in the
//! pipeline file (`entities.gazetteer`, `sentiment.lexicons`) or by a flag
//! (`--gazetteer`, `--lexicons`) replaces the built-in files. The loaders read folders, so
//! the built-in files are written to a private temporary folder the first time a command
//! needs them (about 4 MB, a few milliseconds), removed when the command ends.
//!
//! A stage's fingerprint covers the names and contents of the files it reads, not where
//! they are: the built-in data and a folder holding the same files give the same
//! fingerprint, so moving a pipeline or running it from another folder reruns nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context as _, Result};

use crate::artefact::Fingerprint;

pub mod extra;

/// The files of the data folders at build time, as `(file name, bytes)`.
mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped.rs"));
}

/// Digest of the data compiled into the entity finder (given names, recogniser weights).
const COMPILED_DATA_HASH: &str = env!("NEWSTONE_COMPILED_DATA_HASH");

/// File of the learned sentiment weights in a models folder that is compiled into the
/// binary rather than read from the folder (so it is no part of the sentiment data).
const COMPILED_MODEL_FILES: [&str; 1] = ["company_ner.bin"];

/// Where one kind of reference data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folder {
    /// The files built into the binary.
    BuiltIn,
    /// A folder given by the user.
    Dir(PathBuf),
}

impl Folder {
    /// `BuiltIn` for `None`.
    pub fn from_option(dir: Option<&Path>) -> Folder {
        dir.map_or(Folder::BuiltIn, |d| Folder::Dir(d.to_path_buf()))
    }
}

/// The gazetteer and sentiment data of one command, with the temporary copies of the
/// built-in files it had to write (removed on drop).
#[derive(Debug)]
pub struct ReferenceData {
    gazetteer: Folder,
    extra_companies: Option<PathBuf>,
    lexicons: Folder,
    gazetteer_dir: OnceLock<Result<Written, String>>,
    lexicons_dir: OnceLock<Result<Written, String>>,
}

/// A temporary folder holding written reference files, and the path the loader reads.
#[derive(Debug)]
struct Written {
    _tmp: tempfile::TempDir,
    path: PathBuf,
}

impl ReferenceData {
    /// Reference data from these folders (`BuiltIn` for the shipped files), with an
    /// optional CSV of extra companies added on top of the gazetteer (see [`extra`]).
    pub fn new(gazetteer: Folder, extra_companies: Option<PathBuf>, lexicons: Folder) -> Self {
        ReferenceData {
            gazetteer,
            extra_companies,
            lexicons,
            gazetteer_dir: OnceLock::new(),
            lexicons_dir: OnceLock::new(),
        }
    }

    /// Only the built-in files.
    pub fn built_in() -> Self {
        Self::new(Folder::BuiltIn, None, Folder::BuiltIn)
    }

    /// The folder to load the gazetteer from: the user's folder as it is, or a temporary
    /// folder with the built-in files and/or the extra companies merged in.
    pub fn gazetteer_dir(&self) -> Result<PathBuf> {
        if let (Folder::Dir(d), None) = (&self.gazetteer, &self.extra_companies) {
            return Ok(d.clone());
        }
        let written = self
            .gazetteer_dir
            .get_or_init(|| self.write_gazetteer().map_err(|e| format!("{e:#}")));
        match written {
            Ok(w) => Ok(w.path.clone()),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }

    fn write_gazetteer(&self) -> Result<Written> {
        let mut files = match &self.gazetteer {
            Folder::BuiltIn => shipped_files(shipped::GAZETTEER),
            Folder::Dir(d) => read_folder(d, &[])?,
        };
        if let Some(extra) = &self.extra_companies {
            let Some(companies) = files.iter_mut().find(|(n, _)| n == "companies.csv") else {
                anyhow::bail!(
                    "entities.extra_companies: the gazetteer folder has no companies.csv to add {} to",
                    extra.display()
                );
            };
            companies.1 = extra::merge(&companies.1, extra)?;
        }
        let tmp = temp_folder()?;
        let path = tmp.path().join("gazetteer");
        write_files(&path, &files)?;
        Ok(Written { _tmp: tmp, path })
    }

    /// The folder to load the lexicons from (learned weights, if any, in the `models`
    /// folder beside it): the user's folder, or a temporary copy of the built-in files.
    pub fn lexicons_dir(&self) -> Result<PathBuf> {
        if let Folder::Dir(d) = &self.lexicons {
            return Ok(d.clone());
        }
        let written = self
            .lexicons_dir
            .get_or_init(|| write_built_in_lexicons().map_err(|e| format!("{e:#}")));
        match written {
            Ok(w) => Ok(w.path.clone()),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }

    /// Fingerprint of what the entity finder reads: the gazetteer files, the extra
    /// companies and the data compiled into the finder.
    pub fn gazetteer_fingerprint(&self) -> Result<String> {
        let mut fp = Fingerprint::new();
        fp.add("compiled", COMPILED_DATA_HASH.as_bytes());
        match &self.gazetteer {
            Folder::BuiltIn => add_files(&mut fp, "gazetteer", &shipped_files(shipped::GAZETTEER)),
            Folder::Dir(d) => add_files(&mut fp, "gazetteer", &read_folder(d, &[])?),
        }
        if let Some(extra) = &self.extra_companies {
            let bytes = std::fs::read(extra).with_context(|| {
                format!(
                    "cannot read the extra companies {} (entities.extra_companies)",
                    extra.display()
                )
            })?;
            fp.add("extra_companies", blake3::hash(&bytes).as_bytes());
        }
        Ok(fp.hex())
    }

    /// Fingerprint of what the sentiment model reads: the lexicons and the learned weights.
    pub fn sentiment_fingerprint(&self) -> Result<String> {
        let mut fp = Fingerprint::new();
        match &self.lexicons {
            Folder::BuiltIn => {
                add_files(&mut fp, "lexicons", &shipped_files(shipped::LEXICONS));
                add_files(&mut fp, "models", &shipped_files(shipped::MODELS));
            }
            Folder::Dir(d) => {
                add_files(&mut fp, "lexicons", &read_folder(d, &[])?);
                add_files(
                    &mut fp,
                    "models",
                    &read_folder(&models_beside(d), &COMPILED_MODEL_FILES)?,
                );
            }
        }
        Ok(fp.hex())
    }
}

/// `<lexicons>/../models`, where the sentiment loader looks for learned weights.
fn models_beside(lexicons: &Path) -> PathBuf {
    lexicons
        .parent()
        .map_or_else(|| PathBuf::from("models"), |p| p.join("models"))
}

fn write_built_in_lexicons() -> Result<Written> {
    let tmp = temp_folder()?;
    let path = tmp.path().join("lexicons");
    write_files(&path, &shipped_files(shipped::LEXICONS))?;
    write_files(&tmp.path().join("models"), &shipped_files(shipped::MODELS))?;
    Ok(Written { _tmp: tmp, path })
}

type Files = Vec<(String, Vec<u8>)>;

fn shipped_files(list: &[(&str, &[u8])]) -> Files {
    list.iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect()
}

/// The regular, non-hidden files directly in `dir` (sorted; `skip` left out); an absent
/// folder has none (the loader then says what is missing).
fn read_folder(dir: &Path, skip: &[&str]) -> Result<Files> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || skip.contains(&name.as_str()) || !path.is_file() {
            continue;
        }
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push((name, bytes));
    }
    files.sort();
    Ok(files)
}

fn add_files(fp: &mut Fingerprint, label: &str, files: &Files) {
    fp.add(label, &(files.len() as u64).to_le_bytes());
    for (name, bytes) in files {
        fp.add(name, blake3::hash(bytes).as_bytes());
    }
}

fn temp_folder() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("newstone-data-")
        .tempdir()
        .context("cannot create a temporary folder for the built-in reference data (set TMPDIR to a writable folder)")
}

fn write_files(dir: &Path, files: &Files) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_data(folder: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(folder)
    }

    #[test]
    fn built_in_data_is_the_data_folder_with_the_same_fingerprints() {
        let built_in = ReferenceData::built_in();
        let from_repo = ReferenceData::new(
            Folder::Dir(repo_data("gazetteer")),
            None,
            Folder::Dir(repo_data("lexicons")),
        );
        assert_eq!(
            built_in.gazetteer_fingerprint().unwrap(),
            from_repo.gazetteer_fingerprint().unwrap()
        );
        assert_eq!(
            built_in.sentiment_fingerprint().unwrap(),
            from_repo.sentiment_fingerprint().unwrap()
        );
        let gaz = built_in.gazetteer_dir().unwrap();
        assert!(gaz.join("companies.csv").is_file());
        assert_eq!(
            std::fs::read(gaz.join("companies.csv")).unwrap(),
            std::fs::read(repo_data("gazetteer").join("companies.csv")).unwrap()
        );
        let lex = built_in.lexicons_dir().unwrap();
        assert!(lex.join("en_finance.tsv").is_file());
        // Asked again: the same folder, written once.
        assert_eq!(built_in.lexicons_dir().unwrap(), lex);
        // Removed with the reference data.
        drop(built_in);
        assert!(!gaz.exists() && !lex.exists());
    }

    #[test]
    fn a_user_folder_is_read_in_place_and_fingerprinted_by_content() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a/lexicons"), tmp.path().join("b/lexicons"));
        for d in [&a, &b] {
            std::fs::create_dir_all(d).unwrap();
            std::fs::write(d.join("en_finance.tsv"), "rally\t0.6\n").unwrap();
        }
        let data = |d: &Path| ReferenceData::new(Folder::BuiltIn, None, Folder::Dir(d.into()));
        assert_eq!(data(&a).lexicons_dir().unwrap(), a);
        let fp = data(&a).sentiment_fingerprint().unwrap();
        // Same files elsewhere: same fingerprint; another score: another one.
        assert_eq!(data(&b).sentiment_fingerprint().unwrap(), fp);
        std::fs::write(b.join("en_finance.tsv"), "rally\t0.7\n").unwrap();
        assert_ne!(data(&b).sentiment_fingerprint().unwrap(), fp);
        // Learned weights beside the lexicons count too.
        std::fs::create_dir_all(tmp.path().join("a/models")).unwrap();
        std::fs::write(tmp.path().join("a/models/sentiment_en.tsv"), "bias\t0\n").unwrap();
        assert_ne!(data(&a).sentiment_fingerprint().unwrap(), fp);
    }
}
