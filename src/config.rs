//! The pipeline file (`pipelines/*.toml`): typed, validated, with defaults.
//!
//! Every relative path in a pipeline file is relative to the folder of the pipeline file,
//! so a scheduler can run `newstone run /jobs/news.toml` from any folder. Paths given on
//! the command line (`--input`, `--out`) are relative to the working folder, as usual.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::sources::FieldMap;

/// A whole pipeline definition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Name shown in logs.
    #[serde(default = "default_name")]
    pub name: String,
    /// Output folder: final tables in it, stage artefacts in `<out>/_stages/`.
    #[serde(default = "default_out")]
    pub out: PathBuf,
    /// IANA timezone for the `date` column (calendar day of publication).
    #[serde(default = "default_tz")]
    pub timezone: String,
    /// The inputs read by the ingest stage.
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    /// Stage settings.
    #[serde(default)]
    pub ingest: IngestConfig,
    #[serde(default)]
    pub normalize: NormalizeConfig,
    #[serde(default)]
    pub entities: EntitiesConfig,
    #[serde(default)]
    pub sentiment: SentimentConfig,
    #[serde(default)]
    pub aggregate: AggregateConfig,
    #[serde(default)]
    pub export: ExportConfig,
}

/// Aggregate settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AggregateConfig {
    /// `company_daily` has a row for every day of each company's active range (first to
    /// last day it is mentioned), with zero counts on quiet days; `false`: only the days
    /// it is mentioned. The rolling columns count calendar days either way.
    pub dense: bool,
}

/// One input: a file, a folder or a glob, with its format and field names.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// File, folder (read recursively) or glob pattern.
    pub path: String,
    /// `auto` (from the extension and content) or one of jsonl, csv, parquet, rss, atom,
    /// xml, text, markdown, html.
    #[serde(default = "default_format")]
    pub format: String,
    /// Value for the `source` column when records do not carry their own.
    #[serde(default)]
    pub source: Option<String>,
    /// Field names to read (defaults: id, title, text|body|content, date|published|…).
    #[serde(default)]
    pub fields: FieldMap,
    /// Language of every record of this input (`"en"` or `"fr"`): overrides detection
    /// and what the records declare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The folder a relative `path` is relative to: the pipeline file's folder (absolute),
    /// or `None` for an input given on the command line (the working folder).
    #[serde(skip)]
    pub base: Option<PathBuf>,
}

/// Ingest settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Records per artefact part: bounds memory whatever the corpus size.
    pub batch_size: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig { batch_size: 2500 }
    }
}

/// What to do with an article whose date is missing or cannot be parsed.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DatePolicy {
    /// Put it in `rejects` with the reason.
    Reject,
    /// Keep it with a null `published_at`/`date` (it then appears in no daily aggregate).
    Keep,
}

/// Normalize settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NormalizeConfig {
    /// Missing or unparseable dates: `reject` (default) or `keep`.
    pub date_policy: DatePolicy,
    /// Articles with fewer characters of text (title + body) are rejected as "no text".
    pub min_chars: usize,
    /// Articles longer than this are truncated (and counted) so one huge record cannot
    /// stall the run.
    pub max_chars: usize,
    /// Articles with the same normalized title and text are duplicates when published
    /// within this many days of the first copy (same-id copies always are).
    pub duplicate_window_days: u32,
    /// Languages analysed by the entities and sentiment stages; articles in other
    /// languages stay in `articles` (with their language) but get no mentions.
    pub languages: Vec<String>,
    /// Articles of one story (near-duplicates, follow-ups) are dated at most this many
    /// days apart; the story assignment holds only this window in memory.
    pub story_window_days: u32,
    /// The least estimated similarity (Jaccard, of the content words of the title and the
    /// start of the body) for an article to join an earlier article's story.
    pub story_similarity: f64,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            date_policy: DatePolicy::Reject,
            min_chars: 20,
            max_chars: 200_000,
            duplicate_window_days: 7,
            languages: vec!["en".into(), "fr".into()],
            story_window_days: 3,
            story_similarity: 0.3,
        }
    }
}

/// Entities settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesConfig {
    /// Folder with `companies.csv`, `persons.csv`, `locations.csv` (and the optional
    /// `company_names.csv`); `None`: the gazetteer built into the binary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gazetteer: Option<PathBuf>,
    /// Entities dropped from every output: entity ids (`le-monde`) or canonical names
    /// (`"Le Monde"`, case and accents ignored), e.g. a publisher citing itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// The user's CSV of companies and aliases, added on top of the gazetteer without
    /// editing it (columns: see [`crate::reference::extra`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_companies: Option<PathBuf>,
}

/// Sentiment settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SentimentConfig {
    /// Folder with the lexicons; learned weights, if any, are read from the `models`
    /// folder next to it (`<lexicons>/../models/`). `None`: the lexicons and weights built
    /// into the binary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lexicons: Option<PathBuf>,
}

/// Export settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// Write `<table>.csv` next to each `<table>.parquet`.
    pub csv: bool,
    /// Add the cleaned article text as the last column of `articles` (off by default: it
    /// makes the table about as large as the corpus).
    pub article_text: bool,
    /// How the tables with a `date` column are split into Parquet files.
    pub partitioning: Partitioning,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            csv: true,
            article_text: false,
            partitioning: Partitioning::None,
        }
    }
}

/// How the dated tables' Parquet files are laid out (`[export] partitioning`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Partitioning {
    /// One file per table, `<out>/<table>.parquet`.
    None,
    /// A Hive-style folder per table, one `date=YYYY-MM-DD/part-0.parquet` per day (the
    /// `date` column is then the folder's name, not a column of the files).
    Day,
    /// The same by month, `month=YYYY-MM/part-0.parquet` (the files keep their `date`).
    Month,
}

fn default_name() -> String {
    "pipeline".into()
}
fn default_out() -> PathBuf {
    PathBuf::from("out")
}
fn default_tz() -> String {
    "UTC".into()
}
fn default_format() -> String {
    "auto".into()
}

/// The absolute folder of a pipeline file, symbolic links resolved (so `..` in its paths
/// means the real parent folder).
fn folder_of(pipeline: &Path) -> PathBuf {
    let parent = match pipeline.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::canonicalize(&parent).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(&parent))
            .unwrap_or(parent)
    })
}

/// `rel`, a path written in a pipeline file whose folder is `base`: `base/rel`, with the
/// leading `..` of `rel` applied to `base`, shown relative to the working folder when it
/// lies inside it (so logs say `out/default`, not `/home/…/pipelines/../out/default`).
/// Absolute paths are returned as they are.
pub fn resolve(base: &Path, rel: &Path) -> PathBuf {
    use std::path::Component;
    if rel.is_absolute() {
        return rel.to_path_buf();
    }
    let mut full = base.to_path_buf();
    let mut rest = rel.components().peekable();
    while let Some(c) = rest.peek() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // The parent of `/` is `/`.
                full.pop();
            }
            _ => break,
        }
        rest.next();
    }
    full.extend(rest);
    match std::env::current_dir() {
        Ok(cwd) => match full.strip_prefix(&cwd) {
            Ok(inside) if inside.as_os_str().is_empty() => PathBuf::from("."),
            Ok(inside) => inside.to_path_buf(),
            Err(_) => full,
        },
        Err(_) => full,
    }
}

/// A language code of the pipeline file must be one the stages analyse.
fn check_lang_code(setting: &str, code: &str) -> Result<()> {
    use crate::text::lang::{Lang, ANALYSED_CODES};
    if Lang::from_pipeline_code(code).is_none() {
        bail!(
            "{setting}: {code:?} is not a language code newstone analyses; accepted codes: {}",
            ANALYSED_CODES.map(|c| format!("{c:?}")).join(", ")
        );
    }
    Ok(())
}

impl Pipeline {
    /// Reads and validates a pipeline file; errors name the file and what to fix. Its
    /// relative paths are made relative to its folder (see [`resolve`]).
    pub fn load(path: &Path) -> Result<Pipeline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read pipeline file {}", path.display()))?;
        let mut p: Pipeline = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("pipeline file {} is not valid: {}", path.display(), e))?;
        p.validate()
            .with_context(|| format!("pipeline file {}", path.display()))?;
        p.rebase(&folder_of(path));
        Ok(p)
    }

    /// Makes the file's relative paths relative to `base`, the pipeline file's folder
    /// (absolute). Input paths keep their text (it is part of the ingest fingerprint and
    /// names the files in `rejects`) and record `base`.
    pub fn rebase(&mut self, base: &Path) {
        self.out = resolve(base, &self.out);
        for input in &mut self.inputs {
            input.base = Some(base.to_path_buf());
        }
        if let Some(g) = &mut self.entities.gazetteer {
            *g = resolve(base, g);
        }
        if let Some(x) = &mut self.entities.extra_companies {
            *x = resolve(base, x);
        }
        if let Some(l) = &mut self.sentiment.lexicons {
            *l = resolve(base, l);
        }
    }

    /// Checks what serde cannot: timezone names, formats, sizes, language codes.
    pub fn validate(&self) -> Result<()> {
        self.tz()?;
        for code in &self.normalize.languages {
            check_lang_code("normalize.languages", code)?;
        }
        for (i, input) in self.inputs.iter().enumerate() {
            if let Some(code) = &input.lang {
                check_lang_code(&format!("inputs[{i}].lang"), code)?;
            }
            if input.format != "auto" {
                input.format.parse::<crate::sources::Format>().map_err(|_| {
                    anyhow::anyhow!(
                        "inputs[{i}].format = {:?} is not a known format (use auto, jsonl, csv, parquet, rss, atom, xml, text, markdown or html)",
                        input.format
                    )
                })?;
            }
        }
        if self.entities.exclude.iter().any(|x| x.trim().is_empty()) {
            bail!("entities.exclude: an empty entry; list entity ids (\"le-monde\") or names (\"Le Monde\")");
        }
        if self.ingest.batch_size == 0 {
            bail!("ingest.batch_size must be at least 1");
        }
        if self.normalize.max_chars < self.normalize.min_chars {
            bail!("normalize.max_chars must be ≥ normalize.min_chars");
        }
        let sim = self.normalize.story_similarity;
        if !(sim > 0.0 && sim <= 1.0) {
            bail!("normalize.story_similarity = {sim} must be in (0, 1] (0.3: about a third of the content words shared)");
        }
        Ok(())
    }

    /// The pipeline's timezone.
    pub fn tz(&self) -> Result<chrono_tz::Tz> {
        self.timezone.parse::<chrono_tz::Tz>().map_err(|_| {
            anyhow::anyhow!(
                "timezone = {:?} is not an IANA timezone name (e.g. \"UTC\", \"Europe/Paris\")",
                self.timezone
            )
        })
    }

    /// Where the stage artefacts live.
    pub fn stages_dir(&self) -> PathBuf {
        self.out.join("_stages")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_a_pipeline_file_are_relative_to_its_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let jobs = tmp.path().join("jobs");
        std::fs::create_dir_all(&jobs).unwrap();
        let file = jobs.join("news.toml");
        std::fs::write(
            &file,
            r#"
out = "../results/news"
[[inputs]]
path = "feeds/*.xml"
[entities]
gazetteer = "./my-gazetteer"
[sentiment]
lexicons = "/opt/lexicons"
"#,
        )
        .unwrap();
        let p = Pipeline::load(&file).unwrap();
        let base = std::fs::canonicalize(&jobs).unwrap();
        let top = base.parent().unwrap();
        assert_eq!(p.out, top.join("results/news"));
        assert_eq!(p.inputs[0].path, "feeds/*.xml");
        assert_eq!(p.inputs[0].base.as_deref(), Some(base.as_path()));
        assert_eq!(p.entities.gazetteer, Some(base.join("my-gazetteer")));
        assert_eq!(p.sentiment.lexicons, Some(PathBuf::from("/opt/lexicons")));
        // Defaults: output next to the pipeline file, built-in reference data.
        std::fs::write(&file, "[[inputs]]\npath = \"a.jsonl\"\n").unwrap();
        let p = Pipeline::load(&file).unwrap();
        assert_eq!(p.out, base.join("out"));
        assert!(p.entities.gazetteer.is_none() && p.sentiment.lexicons.is_none());
    }

    #[test]
    fn resolved_paths_inside_the_working_folder_are_shown_relative() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            resolve(&cwd.join("pipelines"), Path::new("../out/default")),
            PathBuf::from("out/default")
        );
        assert_eq!(resolve(&cwd, Path::new(".")), PathBuf::from("."));
        assert_eq!(
            resolve(Path::new("/"), Path::new("../x")),
            PathBuf::from("/x")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_naming_the_key() {
        let err = |text: &str| {
            let p: Result<Pipeline, _> = toml::from_str(text);
            match p {
                Err(e) => e.to_string(),
                Ok(p) => format!("{:#}", p.validate().unwrap_err()),
            }
        };
        assert!(err("[entities]\ngazeteer = \"g\"\n").contains("unknown field `gazeteer`"));
        assert!(err("[normalize]\nlanguages = [\"english\"]\n").contains("normalize.languages"));
        assert!(err("[normalize]\nstory_similarity = 0.0\n").contains("normalize.story_similarity"));
        assert!(err("[normalize]\nstory_similarity = 1.5\n").contains("must be in (0, 1]"));
        assert!(err("[aggregate]\ndense = \"yes\"\n").contains("dense"));
        assert!(err("[aggregate]\nsparse = true\n").contains("unknown field `sparse`"));
    }
}
