//! Input readers: turn files of many shapes (JSON Lines, CSV, RSS/Atom feeds, folders of
//! text/Markdown/HTML articles) into a single stream of [`RawRecord`]s.
//!
//! Readers stay dumb on purpose: values are passed on as raw strings, exactly as found, and
//! the normalize stage decides what is a usable article. Readers only reject records that
//! are structurally broken (a line that is not JSON, a CSV row with the wrong number of
//! fields, …) so that one bad record never stops a batch. Only a file that cannot be read
//! at all is an `Err`.
//!
//! Everything streams (line by line, item by item in a `.json` array, or XML event by event,
//! through gzip when the name ends in `.gz`), except single-article files, which are read
//! whole up to [`MAX_WHOLE_FILE_BYTES`].

pub mod delimited;
pub mod feed;
pub mod folder;
pub mod html_meta;
pub mod json_array;
pub mod jsonl;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

/// Largest file read whole (one article), and largest JSON line or `.json` array item:
/// bigger inputs are almost certainly not a single article and would only hurt memory.
pub const MAX_WHOLE_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Candidate field names per article field; the first present, non-empty one wins.
/// Dotted paths (`meta.published`) reach into nested JSON objects.
///
/// Each field accepts either a list or a single string in the pipeline file
/// (`text = "article_body"`), because one name is the common case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct FieldMap {
    /// Names for the article id (kept to drop duplicates across files).
    #[serde(deserialize_with = "one_or_many")]
    pub id: Vec<String>,
    /// Names for the headline.
    #[serde(deserialize_with = "one_or_many")]
    pub title: Vec<String>,
    /// Names for the article body.
    #[serde(deserialize_with = "one_or_many")]
    pub text: Vec<String>,
    /// Names for the publication date.
    #[serde(deserialize_with = "one_or_many")]
    pub date: Vec<String>,
    /// Names for the article URL.
    #[serde(deserialize_with = "one_or_many")]
    pub url: Vec<String>,
    /// Names for the publisher / wire name.
    #[serde(deserialize_with = "one_or_many")]
    pub source: Vec<String>,
    /// Names for the feed's section or category (`articles.section`).
    #[serde(deserialize_with = "one_or_many")]
    pub section: Vec<String>,
}

impl Default for FieldMap {
    fn default() -> Self {
        fn v(names: &[&str]) -> Vec<String> {
            names.iter().map(|s| (*s).to_string()).collect()
        }
        FieldMap {
            id: v(&["id", "guid"]),
            title: v(&["title", "headline"]),
            text: v(&["text", "body", "content"]),
            date: v(&["date", "published", "published_at", "pubDate"]),
            url: v(&["url", "link"]),
            source: v(&["source"]),
            section: v(&["section", "category"]),
        }
    }
}

/// Field names that declare a record's language; fixed because they are a convention,
/// not something pipelines rename.
pub(crate) const LANG_FIELDS: [&str; 2] = ["lang", "language"];

/// Accepts `"name"` as well as `["a", "b"]`.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// One input record, before normalization (values are raw strings as found).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRecord {
    /// The file the record came from, as given to the reader.
    pub source_file: String,
    /// Where in the file: `"line 12"`, `"row 3"`, `"item 7"`, `"file a.md"`.
    pub record: String,
    /// Declared id (JSON id, feed guid, front-matter id); `None` lets normalize hash content.
    pub id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Body; may still hold HTML (feeds, HTML pages): normalize strips it.
    pub text: Option<String>,
    /// Publication date, unparsed.
    pub date: Option<String>,
    /// Article URL.
    pub url: Option<String>,
    /// Publisher / feed name.
    pub source_name: Option<String>,
    /// Language when the input declares it (JSON `lang`, `<html lang>`, front matter…).
    pub lang: Option<String>,
    /// Section or category the source files the article under (RSS/Atom `<category>`,
    /// several joined by `|`; a `section`/`category` field or column; front matter).
    pub section: Option<String>,
    /// `lang` was set by the pipeline input's `lang` setting: it overrides detection.
    pub lang_fixed: bool,
}

/// A record that could not be turned into a [`RawRecord`], with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The file the record came from.
    pub source_file: String,
    /// Where in the file (same convention as [`RawRecord::record`]).
    pub record: String,
    /// What is wrong, for a human.
    pub reason: String,
}

/// What a reader emits, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A record to normalize.
    Record(RawRecord),
    /// A broken record, kept so the run report can show it.
    Reject(Reject),
}

/// Input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON Lines (`.jsonl`, `.ndjson`), or a `.json` file (lines or one array of objects).
    Jsonl,
    /// CSV / TSV with a header row.
    Csv,
    /// Parquet: read by the ingest stage with polars, not here.
    Parquet,
    /// RSS 2.0 / RSS 1.0 (RDF) feed.
    Rss,
    /// Atom feed.
    Atom,
    /// One plain-text article per file.
    Text,
    /// One Markdown article per file.
    Markdown,
    /// One HTML page per file.
    Html,
}

impl Format {
    /// The name used in pipeline files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Also accepts the names used in pipeline files: "jsonl","csv","parquet","rss","atom",
/// "xml","text","markdown","html" (and a few obvious aliases such as "tsv", "md", "txt").
/// `"xml"` maps to [`Format::Rss`]; the feed reader recognises RSS and Atom by their root
/// element anyway, so the two are interchangeable when reading.
impl FromStr for Format {
    type Err = SourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Ok(match name.as_str() {
            "jsonl" | "json" | "ndjson" | "jsonlines" => Format::Jsonl,
            "csv" | "tsv" => Format::Csv,
            "parquet" => Format::Parquet,
            "rss" | "xml" | "rdf" => Format::Rss,
            "atom" => Format::Atom,
            "text" | "txt" => Format::Text,
            "markdown" | "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            _ => return Err(SourceError::UnknownFormat(s.to_string())),
        })
    }
}

/// Everything that makes a whole input unusable. Messages say which file, what is wrong
/// and what to do, because they end up verbatim in the run report.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened.
    #[error("cannot open {path}: {source} (check that the path exists and is readable)")]
    Open {
        /// The file.
        path: String,
        /// The OS error.
        source: io::Error,
    },
    /// Reading failed before anything useful was read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        source: io::Error,
    },
    /// A `.gz` file whose first bytes do not decompress.
    #[error(
        "{path} is not a valid gzip file ({source}); decompress it or remove the .gz extension"
    )]
    Gzip {
        /// The file.
        path: String,
        /// What flate2 said.
        source: io::Error,
    },
    /// An `.xml`/`.rss`/`.atom` file whose root element is neither `<rss>`, `<rdf:RDF>` nor `<feed>`.
    #[error("{path} is not an RSS or Atom feed ({detail})")]
    NotAFeed {
        /// The file.
        path: String,
        /// What was found instead.
        detail: String,
    },
    /// A CSV file whose header cannot be used.
    #[error("{path}: {detail}")]
    BadCsvHeader {
        /// The file.
        path: String,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// `read_file` was asked for Parquet, which the ingest stage reads with polars.
    #[error("{path}: Parquet files are read by the ingest stage, not by the source readers")]
    Parquet {
        /// The file.
        path: String,
    },
    /// A pipeline names a format this build does not know.
    #[error("unknown input format `{0}`; use one of jsonl, csv, parquet, rss, atom, xml, text, markdown, html")]
    UnknownFormat(String),
    /// An input pattern is not a valid glob.
    #[error("input `{pattern}` is not a valid glob pattern: {detail}")]
    BadPattern {
        /// The pattern as written in the pipeline.
        pattern: String,
        /// What the glob crate said.
        detail: String,
    },
    /// An input matches no file.
    #[error("input `{pattern}` matches no supported file (looked in {looked_in}); check the path")]
    NoMatch {
        /// The pattern as written in the pipeline.
        pattern: String,
        /// The resolved location.
        looked_in: String,
    },
}

/// Lower-cased file name without a trailing `.gz`, plus whether it was gzipped.
fn plain_name(path: &Path) -> (String, bool) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match name.strip_suffix(".gz") {
        Some(stem) => (stem.to_string(), true),
        None => (name, false),
    }
}

/// Lower-cased extension of the file once `.gz` is removed (`"jsonl"` for `a.jsonl.gz`).
pub(crate) fn plain_extension(path: &Path) -> String {
    let (name, _) = plain_name(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_string(),
        _ => String::new(),
    }
}

/// Opens a file for streaming, through gzip when the name ends in `.gz`. The first buffer is
/// filled here so that a corrupt gzip header is a file-level error, not a record-level one.
pub(crate) fn open_input(path: &Path) -> Result<Box<dyn BufRead + Send>, SourceError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| SourceError::Open {
        path: shown.clone(),
        source,
    })?;
    let (_, gz) = plain_name(path);
    if gz {
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        let mut reader = BufReader::with_capacity(64 * 1024, decoder);
        if let Err(source) = reader.fill_buf() {
            return Err(SourceError::Gzip {
                path: shown,
                source,
            });
        }
        Ok(Box::new(reader))
    } else {
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        if let Err(source) = reader.fill_buf() {
            return Err(SourceError::Read {
                path: shown,
                source,
            });
        }
        Ok(Box::new(reader))
    }
}

/// Reads a whole (possibly gzipped) file, refusing more than `limit` bytes. `Ok(None)` means
/// too large; the caller decides whether that is a reject or an error.
pub(crate) fn read_whole(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, SourceError> {
    let reader = open_input(path)?;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| SourceError::Read {
            path: path.display().to_string(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// From the extension (`.jsonl`, `.ndjson`, `.json` lines, `.csv`, `.tsv`, `.parquet`, `.xml`,
/// `.rss`, `.atom`, `.txt`, `.md`, `.html`, `.htm`, each optionally `.gz`); for `.xml`/`.rss`/`.atom`
/// sniff the root element (`<rss`, `<rdf:RDF` → Rss, `<feed` → Atom). `None` = unsupported.
///
/// A `.rss`/`.atom` file whose root cannot be recognised keeps the format its extension
/// says (the reader then explains what is wrong); an unrecognised `.xml` is `None`.
pub fn detect_format(path: &Path) -> Result<Option<Format>, SourceError> {
    let ext = plain_extension(path);
    let by_ext = match ext.as_str() {
        "jsonl" | "ndjson" | "json" => Format::Jsonl,
        "csv" | "tsv" => Format::Csv,
        "parquet" => Format::Parquet,
        "txt" | "text" => Format::Text,
        "md" | "markdown" => Format::Markdown,
        "html" | "htm" | "xhtml" => Format::Html,
        "xml" | "rss" | "atom" | "rdf" => {
            let sniffed = feed::sniff_root(path)?;
            return Ok(match (sniffed, ext.as_str()) {
                (Some(f), _) => Some(f),
                (None, "rss" | "rdf") => Some(Format::Rss),
                (None, "atom") => Some(Format::Atom),
                (None, _) => None,
            });
        }
        _ => return Ok(None),
    };
    Ok(Some(by_ext))
}

/// Streams the records of one file to `emit`, in file order. Record-level problems are
/// `Item::Reject`s and reading goes on; only problems that make the whole file unreadable
/// (cannot open, gzip corrupt at start, not a feed at all) are `Err` — the lead turns those into
/// one reject row for the file.
pub fn read_file(
    path: &Path,
    format: Format,
    fields: &FieldMap,
    emit: &mut dyn FnMut(Item),
) -> Result<(), SourceError> {
    match format {
        Format::Jsonl => jsonl::read(path, fields, emit),
        Format::Csv => delimited::read(path, fields, emit),
        Format::Rss | Format::Atom => feed::read(path, emit),
        Format::Text | Format::Markdown | Format::Html => folder::read(path, format, emit),
        Format::Parquet => Err(SourceError::Parquet {
            path: path.display().to_string(),
        }),
    }
}

/// Expands a pipeline input (file, folder — recursively, every supported file — or glob) into a
/// sorted, de-duplicated list of files. Clear error when nothing matches.
///
/// A file named explicitly is returned even if its format is unsupported (so the run report
/// can say so). Folder walks and glob matches skip hidden entries (`.git`, `.DS_Store`) and
/// documentation files (`README*`, `LICENSE*`, `CHANGELOG*`), which sit next to data but are
/// not articles; folder walks also skip unsupported files.
pub fn expand_input(pattern: &str, base_dir: &Path) -> Result<Vec<PathBuf>, SourceError> {
    let trimmed = pattern.trim();
    let full = if Path::new(trimmed).is_absolute() {
        PathBuf::from(trimmed)
    } else {
        base_dir.join(trimmed)
    };
    let mut walk = Walk::default();
    if trimmed.contains(['*', '?', '[']) {
        // The base folder is taken literally: only the pipeline's pattern is a glob.
        let pattern_str = if Path::new(trimmed).is_absolute() {
            trimmed.to_string()
        } else {
            let base = glob::Pattern::escape(&base_dir.to_string_lossy());
            format!("{}/{}", base.trim_end_matches('/'), trimmed)
        };
        let glob = glob::Pattern::new(&pattern_str).map_err(|e| SourceError::BadPattern {
            pattern: pattern.to_string(),
            detail: e.to_string(),
        })?;
        // Unreadable entries are skipped: the pattern says "whatever matches".
        for path in glob_matches(&glob, &pattern_str) {
            if is_skipped_name(&path) {
                continue;
            }
            if path.is_dir() {
                walk.dir(&path, 0);
            } else if path.is_file() {
                walk.push_file(path);
            }
        }
    } else if full.is_dir() {
        walk.dir(&full, 0);
    } else if full.is_file() {
        walk.push_file(full.clone());
    }
    let mut out: Vec<PathBuf> = walk
        .out
        .into_iter()
        .map(|p| p.components().collect::<PathBuf>())
        .collect();
    out.sort();
    out.dedup();
    if out.is_empty() {
        return Err(SourceError::NoMatch {
            pattern: pattern.to_string(),
            looked_in: full.display().to_string(),
        });
    }
    Ok(out)
}

/// The paths that match `glob` (whose text is `pattern`), in name order: the folders under
/// the pattern's literal leading folder are walked each once (by device and inode, so
/// symlink loops end; `**` goes at most [`MAX_WALK_DEPTH`] deep, other patterns only as
/// deep as they have components), and every path is matched against the pattern.
fn glob_matches(glob: &glob::Pattern, pattern: &str) -> Vec<PathBuf> {
    let components: Vec<&str> = pattern.split('/').collect();
    let literal = components
        .iter()
        .take_while(|c| !c.contains(['*', '?', '[']))
        .count();
    let base = if literal == 0 {
        PathBuf::from(".")
    } else if components[..literal].join("/").is_empty() {
        PathBuf::from("/")
    } else {
        PathBuf::from(components[..literal].join("/"))
    };
    let depth = if pattern.contains("**") {
        MAX_WALK_DEPTH
    } else {
        components.len() - literal
    };
    let options = glob::MatchOptions {
        require_literal_separator: true,
        ..glob::MatchOptions::new()
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut stack = vec![(base, 0usize)];
    while let Some((dir, d)) = stack.pop() {
        if d >= depth || !file_id(&dir).is_none_or(|id| seen.insert(id)) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        // Depth first, in name order (the stack takes the last first).
        for path in entries.iter().rev() {
            if path.is_dir() {
                stack.push((path.clone(), d + 1));
            }
        }
        for path in entries {
            let shown = if literal == 0 {
                path.strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or(path.clone())
            } else {
                path.clone()
            };
            if glob.matches_path_with(&shown, options) {
                out.push(path);
            }
        }
    }
    out
}

/// Hidden files and documentation sitting next to the data.
fn is_skipped_name(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    name.starts_with('.')
        || name.starts_with("readme")
        || name.starts_with("license")
        || name.starts_with("licence")
        || name.starts_with("changelog")
}

/// Deep enough for any real corpus; a second guard after the walk's identity check.
const MAX_WALK_DEPTH: usize = 32;

/// What a walk has collected so far. Directories and files are remembered by identity
/// (device and inode), so a symlink loop or two links to one folder are walked once and
/// no file is listed twice under two paths. Without inodes (not Unix), symlinks to
/// directories are not followed.
#[derive(Default)]
struct Walk {
    seen: std::collections::HashSet<FileId>,
    out: Vec<PathBuf>,
}

#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = ();

/// The identity of what `path` points to (symlinks followed); `None` when unknown.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<FileId> {
    None
}

impl Walk {
    /// True the first time the file or folder behind `path` is met.
    fn first_visit(&mut self, path: &Path) -> bool {
        file_id(path).is_none_or(|id| self.seen.insert(id))
    }

    /// Adds a file, unless the same file was already added under another path.
    fn push_file(&mut self, path: PathBuf) {
        if self.first_visit(&path) {
            self.out.push(path);
        }
    }

    /// Recursively collects the supported files under `dir`, in name order, each folder once.
    fn dir(&mut self, dir: &Path, depth: usize) {
        if depth > MAX_WALK_DEPTH || !self.first_visit(dir) {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        // Name order, so which of two paths to one file is kept does not depend on the
        // file system's listing order.
        let mut entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            if is_skipped_name(&path) {
                continue;
            }
            if path.is_dir() {
                let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
                if is_link && cfg!(not(unix)) {
                    continue;
                }
                self.dir(&path, depth + 1);
            } else if path.is_file() {
                // An .xml that cannot even be opened is kept: the run report will say why.
                match detect_format(&path) {
                    Ok(Some(_)) | Err(_) => self.push_file(path),
                    Ok(None) => {}
                }
            }
        }
    }
}

/// Trims a value; empty or whitespace-only values count as absent.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// The name a `record` label uses for a single-file article (`file a.md`).
pub(crate) fn file_label(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    format!("file {name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn field_map_defaults_and_single_string_from_toml() {
        let d = FieldMap::default();
        assert_eq!(d.text, ["text", "body", "content"]);
        assert_eq!(d.date, ["date", "published", "published_at", "pubDate"]);

        let m: FieldMap =
            toml::from_str("text = \"article_body\"\ndate = [\"meta.published\", \"ts\"]").unwrap();
        assert_eq!(m.text, ["article_body"]);
        assert_eq!(m.date, ["meta.published", "ts"]);
        // Untouched fields keep their defaults.
        assert_eq!(m.id, ["id", "guid"]);
        assert_eq!(m.url, ["url", "link"]);
    }

    #[test]
    fn format_names_parse() {
        assert_eq!("JSONL".parse::<Format>().unwrap(), Format::Jsonl);
        assert_eq!("xml".parse::<Format>().unwrap(), Format::Rss);
        assert_eq!("markdown".parse::<Format>().unwrap(), Format::Markdown);
        assert_eq!("parquet".parse::<Format>().unwrap(), Format::Parquet);
        let err = "docx".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("docx") && err.contains("jsonl"), "{err}");
    }

    #[test]
    fn detect_format_by_extension_and_sniffing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let rss = write(
            d,
            "a.xml",
            b"<?xml version=\"1.0\"?>\n<!-- feed --><rss version=\"2.0\"><channel/></rss>",
        );
        let rdf = write(d, "b.xml", b"<rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>");
        let atom = write(
            d,
            "c.xml",
            b"\xEF\xBB\xBF<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
        );
        let other = write(d, "d.xml", b"<catalog><book/></catalog>");
        assert_eq!(detect_format(&rss).unwrap(), Some(Format::Rss));
        assert_eq!(detect_format(&rdf).unwrap(), Some(Format::Rss));
        assert_eq!(detect_format(&atom).unwrap(), Some(Format::Atom));
        assert_eq!(detect_format(&other).unwrap(), None);
        assert_eq!(
            detect_format(Path::new("x/News.JSONL.gz")).unwrap(),
            Some(Format::Jsonl)
        );
        assert_eq!(
            detect_format(Path::new("x/a.tsv")).unwrap(),
            Some(Format::Csv)
        );
        assert_eq!(
            detect_format(Path::new("x/a.htm")).unwrap(),
            Some(Format::Html)
        );
        assert_eq!(
            detect_format(Path::new("x/a.parquet")).unwrap(),
            Some(Format::Parquet)
        );
        assert_eq!(detect_format(Path::new("x/a.docx")).unwrap(), None);
        assert_eq!(detect_format(Path::new("x/gz")).unwrap(), None);
        // A gzipped feed is sniffed through the decompressor.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<feed></feed>").unwrap();
        let gzp = write(d, "e.atom.gz", &gz.finish().unwrap());
        assert_eq!(detect_format(&gzp).unwrap(), Some(Format::Atom));
        // A missing .xml cannot be sniffed: that is an error naming the file.
        let err = detect_format(&d.join("missing.xml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.xml"), "{err}");
    }

    #[test]
    fn expand_folder_glob_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "corpus/b.jsonl", b"{}\n");
        write(d, "corpus/a.md", b"# Titre\n");
        write(d, "corpus/sub/c.html", b"<html></html>");
        write(d, "corpus/sub/notes.docx", b"x");
        write(d, "corpus/README.md", b"about");
        write(d, "corpus/.hidden.jsonl", b"{}");
        write(d, "corpus/not-a-feed.xml", b"<catalog/>");

        let all = expand_input("corpus", d).unwrap();
        let names: Vec<_> = all
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            [
                PathBuf::from("corpus/a.md"),
                "corpus/b.jsonl".into(),
                "corpus/sub/c.html".into()
            ]
        );

        let globbed = expand_input("corpus/**/*.html", d).unwrap();
        assert_eq!(globbed.len(), 1);
        // Glob characters in the base folder are not a pattern.
        let odd = d.join("odd[1]");
        write(&odd, "x.jsonl", b"{}");
        assert_eq!(
            expand_input("*.jsonl", &odd).unwrap(),
            [odd.join("x.jsonl")]
        );
        // The same file twice through `./` collapses to one.
        let one = expand_input("./corpus/b.jsonl", d).unwrap();
        assert_eq!(one, [d.join("corpus/b.jsonl")]);
        // An explicit unsupported file is returned: the caller reports it.
        assert_eq!(expand_input("corpus/sub/notes.docx", d).unwrap().len(), 1);

        let err = expand_input("corpus/*.csv", d).unwrap_err().to_string();
        assert!(
            err.contains("corpus/*.csv") && err.contains("matches no"),
            "{err}"
        );
        let err = expand_input("nowhere", d).unwrap_err().to_string();
        assert!(err.contains("nowhere"), "{err}");
        assert!(matches!(
            expand_input("corpus/[", d),
            Err(SourceError::BadPattern { .. })
        ));
    }

    /// A folder holding one file and two links back to itself: the walk ends and
    /// lists the file once; links to a sibling folder or to a file do not list it twice.
    #[cfg(unix)]
    #[test]
    fn expand_folder_with_symlink_loops_lists_each_file_once() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "corpus/a.jsonl", b"{}\n");
        write(d, "corpus/sub/b.md", b"# Titre\n");
        symlink(".", d.join("corpus/loop1")).unwrap();
        symlink(".", d.join("corpus/loop2")).unwrap();
        symlink("..", d.join("corpus/sub/up")).unwrap();
        symlink("sub", d.join("corpus/again")).unwrap();
        symlink("a.jsonl", d.join("corpus/z.jsonl")).unwrap();
        let rel = |v: Vec<PathBuf>| -> Vec<PathBuf> {
            v.iter()
                .map(|p| p.strip_prefix(d).unwrap().to_path_buf())
                .collect()
        };
        // `again` (a link to `sub`) sorts before `sub`: the first path met is kept.
        assert_eq!(
            rel(expand_input("corpus", d).unwrap()),
            [PathBuf::from("corpus/a.jsonl"), "corpus/again/b.md".into()]
        );
        // The same through a glob naming the folder, and a link to the root folder.
        assert_eq!(
            rel(expand_input("corp*", d).unwrap()),
            [PathBuf::from("corpus/a.jsonl"), "corpus/again/b.md".into()]
        );
        // A `**` glob walks each folder once too (it would follow the loops forever).
        assert_eq!(
            rel(expand_input("corpus/**/*.jsonl", d).unwrap()),
            [PathBuf::from("corpus/a.jsonl")]
        );
        assert_eq!(
            rel(expand_input("**/*.md", d).unwrap()),
            [PathBuf::from("corpus/again/b.md")]
        );
        symlink("corpus", d.join("link")).unwrap();
        assert_eq!(
            rel(expand_input("link", d).unwrap()),
            [PathBuf::from("link/a.jsonl"), "link/again/b.md".into()]
        );
    }

    /// The bundled sample corpus (`data/sample`), found from the manifest dir or, when this
    /// file is compiled from elsewhere, from this file's own path.
    fn sample_dir() -> PathBuf {
        let from_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        if from_manifest.is_dir() {
            return from_manifest;
        }
        Path::new(file!())
            .parent()
            .unwrap_or(Path::new("."))
            .join("../../data/sample")
    }

    #[test]
    fn sample_corpus_reads_with_documented_counts() {
        let dir = sample_dir();
        let mut files = Vec::new();
        for input in ["wire.jsonl", "*.xml", "notes"] {
            files.extend(expand_input(input, &dir).unwrap());
        }
        assert_eq!(files.len(), 6, "{files:?}");
        let (mut records, mut rejects) = (Vec::new(), Vec::new());
        for f in &files {
            let format = detect_format(f).unwrap().unwrap();
            read_file(f, format, &FieldMap::default(), &mut |it| match it {
                Item::Record(r) => records.push(r),
                Item::Reject(r) => rejects.push(r),
            })
            .unwrap();
        }
        assert_eq!(records.len(), 25);
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].record, "line 6");
        assert!(rejects[0].reason.starts_with("broken JSON"));
        let dup: Vec<_> = records
            .iter()
            .filter(|r| r.id.as_deref() == Some("eco-2022-0309-renault"))
            .collect();
        assert_eq!(dup.len(), 2);
        assert!(records
            .iter()
            .any(|r| r.date.as_deref() == Some("sometime last week")));
        assert_eq!(records.iter().filter(|r| r.text.is_none()).count(), 1);
        // Only the deliberately empty record (line 9) lacks a title.
        assert_eq!(records.iter().filter(|r| r.title.is_none()).count(), 1);
    }

    #[test]
    fn parquet_is_not_read_here() {
        let mut n = 0;
        let r = read_file(
            Path::new("a.parquet"),
            Format::Parquet,
            &FieldMap::default(),
            &mut |_| n += 1,
        );
        assert!(matches!(r, Err(SourceError::Parquet { .. })));
        assert_eq!(n, 0);
    }

    #[test]
    fn corrupt_gzip_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "a.jsonl.gz", b"this is not gzip at all");
        let r = read_file(&p, Format::Jsonl, &FieldMap::default(), &mut |_| {});
        let err = r.unwrap_err();
        assert!(matches!(err, SourceError::Gzip { .. }), "{err}");
        assert!(err.to_string().contains("a.jsonl.gz"));
    }
}
