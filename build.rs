//! Fingerprints the source code so stage artefacts made by other code are rerun, and
//! builds the shipped reference data (gazetteer, lexicons, models) into the binary.
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn visit(dir: &Path, files: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                visit(&p, files);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
}

/// The regular, non-hidden files directly in `dir` (not its sub-folders), sorted by name.
fn top_level_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    files.sort();
    files
}

/// `pub static NAME: &[(&str, &[u8])]` listing every file of `data/<folder>` (but `skip`).
fn embed(out: &mut String, name: &str, folder: &str, skip: &[&str]) {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = root.join("data").join(folder);
    println!("cargo:rerun-if-changed={}", dir.display());
    let _ = writeln!(out, "/// The files of `data/{folder}` at build time.");
    let _ = writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[");
    for (file, path) in top_level_files(&dir) {
        if skip.contains(&file.as_str()) {
            continue;
        }
        let _ = writeln!(
            out,
            "    ({file:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    let _ = writeln!(out, "];");
}

fn main() {
    let mut files = Vec::new();
    visit(Path::new("src"), &mut files);
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        f.hash(&mut h);
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=NEWSTONE_SOURCE_HASH={:016x}", h.finish());
    println!("cargo:rerun-if-changed=src");

    // Whatever files the data folders hold when the binary is built; a pipeline file or a
    // command-line flag naming a folder replaces them. The recogniser's weights
    // (`company_ner.bin`) are compiled into the entity finder itself.
    let mut shipped = String::new();
    embed(&mut shipped, "GAZETTEER", "gazetteer", &[]);
    embed(&mut shipped, "LEXICONS", "lexicons", &[]);
    embed(&mut shipped, "MODELS", "models", &["company_ner.bin"]);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("shipped.rs");
    if let Err(e) = std::fs::write(&out, shipped) {
        panic!("cannot write {}: {e}", out.display());
    }
    // The data compiled into the entity finder: part of its stage's fingerprint.
    let mut compiled = std::collections::hash_map::DefaultHasher::new();
    for f in [
        "data/models/company_ner.bin",
        "data/gazetteer/given_names.txt",
        "data/gazetteer/subdivisions.txt",
        "data/gazetteer/en_common_words.txt",
        "data/lexicons/en_base.tsv",
        "data/lexicons/en_finance.tsv",
    ] {
        println!("cargo:rerun-if-changed={f}");
        std::fs::read(f).unwrap_or_default().hash(&mut compiled);
    }
    println!(
        "cargo:rustc-env=NEWSTONE_COMPILED_DATA_HASH={:016x}",
        compiled.finish()
    );
}
