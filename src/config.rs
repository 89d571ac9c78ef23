//! The pipeline file (`pipelines/*.toml`): typed, validated, with defaults.
//!
//! Every path in a pipeline file is relative to the directory the command is run
//! from (like `cargo`), so `newstone run pipelines/default.toml` works from the repo root.

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
    pub export: ExportConfig,
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
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            date_policy: DatePolicy::Reject,
            min_chars: 20,
            max_chars: 200_000,
            duplicate_window_days: 7,
            languages: vec!["en".into(), "fr".into()],
        }
    }
}

/// Entities settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesConfig {
    /// Folder with `companies.csv`, `persons.csv`, `locations.csv`.
    pub gazetteer: PathBuf,
}

impl Default for EntitiesConfig {
    fn default() -> Self {
        EntitiesConfig {
            gazetteer: PathBuf::from("data/gazetteer"),
        }
    }
}

/// Sentiment settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SentimentConfig {
    /// Folder with the lexicons. Learned weights, if any, are read from the `models`
    /// folder next to it (`<lexicons>/../models/`).
    pub lexicons: PathBuf,
}

impl SentimentConfig {
    /// Where the optional learned weights live (part of the stage fingerprint).
    pub fn models_dir(&self) -> PathBuf {
        self.lexicons
            .parent()
            .map_or_else(|| PathBuf::from("models"), |p| p.join("models"))
    }
}

impl Default for SentimentConfig {
    fn default() -> Self {
        SentimentConfig {
            lexicons: PathBuf::from("data/lexicons"),
        }
    }
}

/// Export settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// Write `<table>.csv` next to each `<table>.parquet`.
    pub csv: bool,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig { csv: true }
    }
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
    /// Reads and validates a pipeline file; errors name the file and what to fix.
    pub fn load(path: &Path) -> Result<Pipeline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read pipeline file {}", path.display()))?;
        let p: Pipeline = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("pipeline file {} is not valid: {}", path.display(), e))?;
        p.validate()
            .with_context(|| format!("pipeline file {}", path.display()))?;
        Ok(p)
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
        if self.ingest.batch_size == 0 {
            bail!("ingest.batch_size must be at least 1");
        }
        if self.normalize.max_chars < self.normalize.min_chars {
            bail!("normalize.max_chars must be ≥ normalize.min_chars");
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
