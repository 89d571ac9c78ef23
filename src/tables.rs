//! The rows that flow between stages, and their (de)serialisation to Polars frames.
//!
//! One struct per table keeps each stage's code about text, not about columns; the
//! conversions live here so the Parquet schema of every artefact is defined once.

use anyhow::{Context as _, Result};
use polars::prelude::*;

/// A record as read by ingest (strings as found in the input): the readers' own type.
pub use crate::sources::RawRecord as RawRow;

/// An input record that did not become an article, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectRow {
    pub source: String,
    pub record: String,
    pub reason: String,
}

/// A normalized article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub article_id: String,
    pub source: String,
    /// The section or category the source files it under, if it says.
    pub section: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub text: String,
    /// Microseconds since the Unix epoch, UTC.
    pub published_at: Option<i64>,
    /// Days since the Unix epoch: the calendar day in the pipeline's timezone.
    pub date: Option<i32>,
    /// `en`, `fr`, or another ISO 639-3 code / `und`.
    pub lang: String,
    pub n_chars: i64,
}

impl Article {
    /// The text the NLP stages analyse: title and body separated by a blank line,
    /// so sentence splitting never glues them together.
    pub fn doc(&self) -> String {
        doc_of(&self.title, &self.text)
    }
    /// [`Article::doc`] written into `buf` (replacing its content), so a worker can
    /// reuse one buffer for all its articles.
    pub fn doc_into(&self, buf: &mut String) {
        doc_into(&self.title, &self.text, buf)
    }
    /// Byte length of the title part of [`Article::doc`] (0 when no title).
    pub fn title_len(&self) -> usize {
        self.title.len()
    }
}

/// See [`Article::doc`].
fn doc_of(title: &str, text: &str) -> String {
    let mut buf = String::new();
    doc_into(title, text, &mut buf);
    buf
}

/// See [`Article::doc_into`].
fn doc_into(title: &str, text: &str, buf: &mut String) {
    buf.clear();
    if title.is_empty() {
        buf.push_str(text);
    } else {
        buf.reserve(title.len() + 2 + text.len());
        buf.push_str(title);
        buf.push_str("\n\n");
        buf.push_str(text);
    }
}

/// The article fields the sentiment stage reads, borrowed from a normalize frame: the
/// bodies are read in place instead of being copied into [`Article`]s first.
#[derive(Debug, Clone, Copy)]
pub struct ArticleText<'a> {
    pub article_id: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    pub date: Option<i32>,
    pub lang: &'a str,
    /// The article's link, whose host names its publisher.
    pub url: Option<&'a str>,
}

impl ArticleText<'_> {
    /// Same as [`Article::doc`].
    pub fn doc(&self) -> String {
        doc_of(self.title, self.text)
    }
    /// Same as [`Article::doc_into`].
    pub fn doc_into(&self, buf: &mut String) {
        doc_into(self.title, self.text, buf)
    }
}

/// The mention fields the sentiment stage reads, borrowed from an entities frame (the
/// stage writes only its scores; export joins them back, see [`scored_frame`]).
#[derive(Debug, Clone, Copy)]
pub struct MentionRef<'a> {
    pub article_id: &'a str,
    pub entity_id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub field: &'a str,
    pub doc_start: i64,
    pub doc_end: i64,
}

/// An entity mention found in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionRow {
    pub article_id: String,
    pub entity_id: String,
    pub name: String,
    /// company, person or location.
    pub kind: String,
    /// gazetteer, discovered or coref.
    pub via: String,
    pub confidence: f64,
    pub surface: String,
    /// `title` or `text`: which field `start`/`end` index into.
    pub field: String,
    /// Unicode character offsets in `field`, end exclusive.
    pub start: i64,
    pub end: i64,
    /// Byte offsets in [`Article::doc`], for the sentiment stage.
    pub doc_start: i64,
    pub doc_end: i64,
}

/// A mention with the sentiment toward its entity.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredMention {
    pub mention: MentionRow,
    pub sentence: String,
    pub sentiment: f64,
    pub label: String,
    pub evidence: String,
}

/// One entity in one article, with the article-level sentiment toward it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleEntity {
    pub article_id: String,
    pub date: Option<i32>,
    pub entity_id: String,
    pub name: String,
    pub kind: String,
    pub mentions: i64,
    pub in_title: bool,
    /// How much the article is about the entity, 0–100 (see [`crate::signals::relevance`]).
    pub relevance: f64,
    /// The article starts its story (see [`crate::signals::stories`]).
    pub novel: bool,
    pub sentiment: f64,
    pub label: String,
    pub evidence: String,
}

/// The tone of a whole article.
#[derive(Debug, Clone, PartialEq)]
pub struct Tone {
    pub article_id: String,
    pub tone: f64,
    pub tone_label: String,
}

/// A column of text cells kept in one buffer: the sentiment stage writes a sentence and
/// an evidence cell for every mention, and one allocation per cell (freed by another
/// thread, the part writer) was a measurable share of the stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    buf: String,
    /// End of each cell in `buf` (a cell starts where the previous one ends).
    ends: Vec<usize>,
}

impl Cells {
    /// Appends a cell.
    pub fn push(&mut self, cell: &str) {
        self.buf.push_str(cell);
        self.ends.push(self.buf.len());
    }

    /// Appends a cell written by `write` into the buffer (no intermediate string).
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.buf);
        self.ends.push(self.buf.len());
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no cell.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        self.buf.get(start..end)
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(it: I) -> Self {
        let mut c = Cells::default();
        for s in it {
            c.push(s.as_ref());
        }
        c
    }
}

// ---- building frames --------------------------------------------------------

fn str_col<'a>(name: &str, it: impl Iterator<Item = &'a str>) -> Column {
    Column::new(name.into(), it.collect::<Vec<&str>>())
}
fn opt_str_col<'a>(name: &str, it: impl Iterator<Item = Option<&'a str>>) -> Column {
    Column::new(name.into(), it.collect::<Vec<Option<&str>>>())
}
fn i64_col(name: &str, it: impl Iterator<Item = i64>) -> Column {
    Column::new(name.into(), it.collect::<Vec<i64>>())
}
/// Decimal places kept in every float column of the tables (see [`round_float`]).
pub const FLOAT_DECIMALS: i32 = 4;

/// The one rounding rule of the tables' float columns: round half away from zero to
/// [`FLOAT_DECIMALS`] places, in `f64`. The result is the `f64` nearest that decimal
/// (what parsing its text gives), so a score computed in `f32` (0.9 reads back as
/// 0.8999999761581421) is stored as 0.9 in Parquet and printed as 0.9 in CSV.
pub fn round_float(x: f64) -> f64 {
    const SCALE: f64 = 10_000.0;
    let scaled = (x * SCALE).round();
    if scaled.is_finite() {
        scaled / SCALE
    } else {
        x
    }
}

/// A float column of a table, rounded by [`round_float`].
fn f64_col(name: &str, it: impl Iterator<Item = f64>) -> Column {
    Column::new(name.into(), it.map(round_float).collect::<Vec<f64>>())
}
fn bool_col(name: &str, it: impl Iterator<Item = bool>) -> Column {
    Column::new(name.into(), it.collect::<Vec<bool>>())
}
/// A `Date` column from days since the epoch.
pub fn date_col(name: &str, it: impl Iterator<Item = Option<i32>>) -> Column {
    let ca: Int32Chunked = it.collect();
    ca.with_name(name.into()).into_date().into_series().into()
}
/// A UTC `Datetime[μs]` column from microseconds since the epoch.
fn ts_col(name: &str, it: impl Iterator<Item = Option<i64>>) -> Column {
    let ca: Int64Chunked = it.collect();
    ca.with_name(name.into())
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        .into_series()
        .into()
}

fn frame(cols: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new_infer_height(cols)
        .map_err(anyhow::Error::from)
        .context("internal error: building a table")
}

// ---- reading frames ---------------------------------------------------------

fn get<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("artefact has no column {name:?}: it was written by another version; rerun with --force"))
}
fn strs(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    Ok(get(df, name)?
        .str()?
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}
fn strs_req(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(strs(df, name)?
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}
fn i64s(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    Ok(get(df, name)?.i64()?.iter().collect())
}
fn f64s(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(get(df, name)?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .collect())
}
fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    Ok(get(df, name)?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}
fn dates(df: &DataFrame, name: &str) -> Result<Vec<Option<i32>>> {
    Ok(get(df, name)?.date()?.physical().iter().collect())
}
fn timestamps(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    Ok(get(df, name)?.datetime()?.physical().iter().collect())
}

// ---- per table --------------------------------------------------------------

pub fn raw_to_frame(rows: &[RawRow]) -> Result<DataFrame> {
    frame(vec![
        str_col("source_file", rows.iter().map(|r| r.source_file.as_str())),
        str_col("record", rows.iter().map(|r| r.record.as_str())),
        opt_str_col("id", rows.iter().map(|r| r.id.as_deref())),
        opt_str_col("title", rows.iter().map(|r| r.title.as_deref())),
        opt_str_col("text", rows.iter().map(|r| r.text.as_deref())),
        opt_str_col("date", rows.iter().map(|r| r.date.as_deref())),
        opt_str_col("url", rows.iter().map(|r| r.url.as_deref())),
        opt_str_col("source", rows.iter().map(|r| r.source_name.as_deref())),
        opt_str_col("lang", rows.iter().map(|r| r.lang.as_deref())),
        opt_str_col("section", rows.iter().map(|r| r.section.as_deref())),
        bool_col("lang_fixed", rows.iter().map(|r| r.lang_fixed)),
    ])
}

/// A raw row borrowed from an ingest frame: normalize reads the (large) text fields in
/// place instead of copying every string into a [`RawRow`] first.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawRef<'a> {
    pub source_file: &'a str,
    pub record: &'a str,
    pub id: Option<&'a str>,
    pub title: Option<&'a str>,
    pub text: Option<&'a str>,
    pub date: Option<&'a str>,
    pub url: Option<&'a str>,
    pub source_name: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub section: Option<&'a str>,
    /// `lang` comes from the input's `lang` setting and overrides detection.
    pub lang_fixed: bool,
}

impl<'a> From<&'a RawRow> for RawRef<'a> {
    fn from(r: &'a RawRow) -> Self {
        RawRef {
            source_file: &r.source_file,
            record: &r.record,
            id: r.id.as_deref(),
            title: r.title.as_deref(),
            text: r.text.as_deref(),
            date: r.date.as_deref(),
            url: r.url.as_deref(),
            source_name: r.source_name.as_deref(),
            lang: r.lang.as_deref(),
            section: r.section.as_deref(),
            lang_fixed: r.lang_fixed,
        }
    }
}

fn at<'a>(v: &[Option<&'a str>], i: usize) -> Option<&'a str> {
    v.get(i).copied().flatten()
}

/// The rows of an ingest frame as [`RawRef`]s (same values as [`raw_from_frame`]).
pub fn raw_refs_from_frame(df: &DataFrame) -> Result<Vec<RawRef<'_>>> {
    let col =
        |name: &str| -> Result<Vec<Option<&str>>> { Ok(get(df, name)?.str()?.iter().collect()) };
    let source_file = col("source_file")?;
    let record = col("record")?;
    let id = col("id")?;
    let title = col("title")?;
    let text = col("text")?;
    let date = col("date")?;
    let url = col("url")?;
    let source = col("source")?;
    let lang = col("lang")?;
    let section = col("section")?;
    let lang_fixed = bools(df, "lang_fixed")?;
    Ok((0..source_file.len())
        .map(|i| RawRef {
            source_file: at(&source_file, i).unwrap_or_default(),
            record: at(&record, i).unwrap_or_default(),
            id: at(&id, i),
            title: at(&title, i),
            text: at(&text, i),
            date: at(&date, i),
            url: at(&url, i),
            source_name: at(&source, i),
            lang: at(&lang, i),
            section: at(&section, i),
            lang_fixed: lang_fixed.get(i).copied().unwrap_or(false),
        })
        .collect())
}

pub fn raw_from_frame(df: &DataFrame) -> Result<Vec<RawRow>> {
    let source_file = strs_req(df, "source_file")?;
    let record = strs_req(df, "record")?;
    let id = strs(df, "id")?;
    let title = strs(df, "title")?;
    let text = strs(df, "text")?;
    let date = strs(df, "date")?;
    let url = strs(df, "url")?;
    let source = strs(df, "source")?;
    let lang = strs(df, "lang")?;
    let section = strs(df, "section")?;
    let lang_fixed = bools(df, "lang_fixed")?;
    let mut rows = itertools_zip9(
        source_file,
        record,
        id,
        title,
        text,
        date,
        url,
        source,
        lang,
    );
    for ((row, fixed), section) in rows.iter_mut().zip(lang_fixed).zip(section) {
        row.lang_fixed = fixed;
        row.section = section;
    }
    Ok(rows)
}

#[allow(clippy::too_many_arguments)]
fn itertools_zip9(
    source_file: Vec<String>,
    record: Vec<String>,
    id: Vec<Option<String>>,
    title: Vec<Option<String>>,
    text: Vec<Option<String>>,
    date: Vec<Option<String>>,
    url: Vec<Option<String>>,
    source: Vec<Option<String>>,
    lang: Vec<Option<String>>,
) -> Vec<RawRow> {
    let mut id = id.into_iter();
    let mut title = title.into_iter();
    let mut text = text.into_iter();
    let mut date = date.into_iter();
    let mut url = url.into_iter();
    let mut source = source.into_iter();
    let mut lang = lang.into_iter();
    source_file
        .into_iter()
        .zip(record)
        .map(|(source_file, record)| RawRow {
            source_file,
            record,
            id: id.next().flatten(),
            title: title.next().flatten(),
            text: text.next().flatten(),
            date: date.next().flatten(),
            url: url.next().flatten(),
            source_name: source.next().flatten(),
            lang: lang.next().flatten(),
            section: None,
            lang_fixed: false,
        })
        .collect()
}

pub fn rejects_to_frame(rows: &[RejectRow]) -> Result<DataFrame> {
    frame(vec![
        str_col("source", rows.iter().map(|r| r.source.as_str())),
        str_col("record", rows.iter().map(|r| r.record.as_str())),
        str_col("reason", rows.iter().map(|r| r.reason.as_str())),
    ])
}

pub fn rejects_from_frame(df: &DataFrame) -> Result<Vec<RejectRow>> {
    let source = strs_req(df, "source")?;
    let record = strs_req(df, "record")?;
    let reason = strs_req(df, "reason")?;
    Ok(source
        .into_iter()
        .zip(record)
        .zip(reason)
        .map(|((source, record), reason)| RejectRow {
            source,
            record,
            reason,
        })
        .collect())
}

/// Articles with their text (the normalize artefact).
pub fn articles_to_frame(rows: &[Article]) -> Result<DataFrame> {
    frame(vec![
        str_col("article_id", rows.iter().map(|r| r.article_id.as_str())),
        str_col("source", rows.iter().map(|r| r.source.as_str())),
        opt_str_col("section", rows.iter().map(|r| r.section.as_deref())),
        opt_str_col("url", rows.iter().map(|r| r.url.as_deref())),
        str_col("title", rows.iter().map(|r| r.title.as_str())),
        str_col("text", rows.iter().map(|r| r.text.as_str())),
        ts_col("published_at", rows.iter().map(|r| r.published_at)),
        date_col("date", rows.iter().map(|r| r.date)),
        str_col("lang", rows.iter().map(|r| r.lang.as_str())),
        i64_col("n_chars", rows.iter().map(|r| r.n_chars)),
    ])
}

pub fn articles_from_frame(df: &DataFrame) -> Result<Vec<Article>> {
    let article_id = strs_req(df, "article_id")?;
    let source = strs_req(df, "source")?;
    let mut section = strs(df, "section")?.into_iter();
    let mut url = strs(df, "url")?.into_iter();
    let mut title = strs_req(df, "title")?.into_iter();
    // `text` may be left out on purpose (export does not need the bodies).
    let mut text = if df.column("text").is_ok() {
        strs_req(df, "text")?
    } else {
        Vec::new()
    }
    .into_iter();
    let mut published_at = timestamps(df, "published_at")?.into_iter();
    let mut date = dates(df, "date")?.into_iter();
    let mut lang = strs_req(df, "lang")?.into_iter();
    let mut n_chars = i64s(df, "n_chars")?.into_iter();
    Ok(article_id
        .into_iter()
        .zip(source)
        .map(|(article_id, source)| Article {
            article_id,
            source,
            section: section.next().flatten(),
            url: url.next().flatten(),
            title: title.next().unwrap_or_default(),
            text: text.next().unwrap_or_default(),
            published_at: published_at.next().flatten(),
            date: date.next().flatten(),
            lang: lang.next().unwrap_or_default(),
            n_chars: n_chars.next().flatten().unwrap_or(0),
        })
        .collect())
}

/// The exported `articles` table: no body text, plus the article tone.
pub fn articles_export_frame(rows: &[Article], tones: &[Option<f64>]) -> Result<DataFrame> {
    frame(vec![
        str_col("article_id", rows.iter().map(|r| r.article_id.as_str())),
        str_col("source", rows.iter().map(|r| r.source.as_str())),
        opt_str_col("section", rows.iter().map(|r| r.section.as_deref())),
        opt_str_col("url", rows.iter().map(|r| r.url.as_deref())),
        str_col("title", rows.iter().map(|r| r.title.as_str())),
        ts_col("published_at", rows.iter().map(|r| r.published_at)),
        date_col("date", rows.iter().map(|r| r.date)),
        str_col("lang", rows.iter().map(|r| r.lang.as_str())),
        i64_col("n_chars", rows.iter().map(|r| r.n_chars)),
        Column::new("tone".into(), tones.to_vec()),
    ])
}

/// Read access to the columns of a mentions table, so rows built in another shape
/// (the entities stage's compact rows) are written with the same schema.
pub trait MentionFields {
    fn article_id(&self) -> &str;
    fn entity_id(&self) -> &str;
    fn name(&self) -> &str;
    fn kind(&self) -> &str;
    fn via(&self) -> &str;
    fn confidence(&self) -> f64;
    fn surface(&self) -> &str;
    fn field(&self) -> &str;
    fn start(&self) -> i64;
    fn end(&self) -> i64;
    fn doc_start(&self) -> i64;
    fn doc_end(&self) -> i64;
}

impl MentionFields for MentionRow {
    fn article_id(&self) -> &str {
        &self.article_id
    }
    fn entity_id(&self) -> &str {
        &self.entity_id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &str {
        &self.kind
    }
    fn via(&self) -> &str {
        &self.via
    }
    fn confidence(&self) -> f64 {
        self.confidence
    }
    fn surface(&self) -> &str {
        &self.surface
    }
    fn field(&self) -> &str {
        &self.field
    }
    fn start(&self) -> i64 {
        self.start
    }
    fn end(&self) -> i64 {
        self.end
    }
    fn doc_start(&self) -> i64 {
        self.doc_start
    }
    fn doc_end(&self) -> i64 {
        self.doc_end
    }
}

/// The mention columns of `rows` (an iterator cloned once per column, so callers can
/// pass rows held inside other rows without collecting references first).
fn mention_cols<'a, R: MentionFields + 'a>(
    rows: impl Iterator<Item = &'a R> + Clone,
) -> Vec<Column> {
    let col = || rows.clone();
    vec![
        str_col("article_id", col().map(|r| r.article_id())),
        str_col("entity_id", col().map(|r| r.entity_id())),
        str_col("name", col().map(|r| r.name())),
        str_col("type", col().map(|r| r.kind())),
        str_col("via", col().map(|r| r.via())),
        f64_col("confidence", col().map(|r| r.confidence())),
        str_col("surface", col().map(|r| r.surface())),
        str_col("field", col().map(|r| r.field())),
        i64_col("start", col().map(|r| r.start())),
        i64_col("end", col().map(|r| r.end())),
        i64_col("doc_start", col().map(|r| r.doc_start())),
        i64_col("doc_end", col().map(|r| r.doc_end())),
    ]
}

pub fn mentions_to_frame(rows: &[MentionRow]) -> Result<DataFrame> {
    frame(mention_cols(rows.iter()))
}

/// [`mentions_to_frame`] for any row type (the entities stage's compact rows).
pub fn mention_fields_to_frame<R: MentionFields>(rows: &[R]) -> Result<DataFrame> {
    frame(mention_cols(rows.iter()))
}

pub fn mentions_from_frame(df: &DataFrame) -> Result<Vec<MentionRow>> {
    let article_id = strs_req(df, "article_id")?;
    let mut entity_id = strs_req(df, "entity_id")?.into_iter();
    let mut name = strs_req(df, "name")?.into_iter();
    let mut kind = strs_req(df, "type")?.into_iter();
    let mut via = strs_req(df, "via")?.into_iter();
    let mut confidence = f64s(df, "confidence")?.into_iter();
    let mut surface = strs_req(df, "surface")?.into_iter();
    let mut field = strs_req(df, "field")?.into_iter();
    let mut start = i64s(df, "start")?.into_iter();
    let mut end = i64s(df, "end")?.into_iter();
    let mut doc_start = i64s(df, "doc_start")?.into_iter();
    let mut doc_end = i64s(df, "doc_end")?.into_iter();
    Ok(article_id
        .into_iter()
        .map(|article_id| MentionRow {
            article_id,
            entity_id: entity_id.next().unwrap_or_default(),
            name: name.next().unwrap_or_default(),
            kind: kind.next().unwrap_or_default(),
            via: via.next().unwrap_or_default(),
            confidence: confidence.next().unwrap_or(0.0),
            surface: surface.next().unwrap_or_default(),
            field: field.next().unwrap_or_default(),
            start: start.next().flatten().unwrap_or(0),
            end: end.next().flatten().unwrap_or(0),
            doc_start: doc_start.next().flatten().unwrap_or(0),
            doc_end: doc_end.next().flatten().unwrap_or(0),
        })
        .collect())
}

/// Scored mentions. `export` drops the internal `doc_*` columns.
pub fn scored_to_frame(rows: &[ScoredMention], export: bool) -> Result<DataFrame> {
    let mut cols = mention_cols(rows.iter().map(|r| &r.mention));
    if export {
        cols.retain(|c| !c.name().starts_with("doc_"));
    }
    cols.push(str_col(
        "sentence",
        rows.iter().map(|r| r.sentence.as_str()),
    ));
    cols.push(f64_col("sentiment", rows.iter().map(|r| r.sentiment)));
    cols.push(str_col("label", rows.iter().map(|r| r.label.as_str())));
    cols.push(str_col(
        "evidence",
        rows.iter().map(|r| r.evidence.as_str()),
    ));
    frame(cols)
}

/// The sentiment columns of a scored mention, after the entities stage's columns.
pub const SCORE_COLUMNS: [&str; 4] = ["sentence", "sentiment", "label", "evidence"];

/// The sentiment stage's artefact for mentions: per scored mention, its row in the
/// entities stage's part (`mention`; `rows`, or every row in order when `None`) and the
/// sentiment columns. The entities columns are not copied: rewriting them cost the stage
/// more than scoring needs; [`scored_frame`] joins the two.
pub fn mention_scores_frame(
    rows: Option<&[IdxSize]>,
    sentence: &Cells,
    sentiment: &[f64],
    label: &[&str],
    evidence: &Cells,
) -> Result<DataFrame> {
    let mention: Vec<i64> = match rows {
        Some(rows) => rows.iter().map(|&r| i64::from(r)).collect(),
        None => (0..sentence.len() as i64).collect(),
    };
    frame(vec![
        Column::new("mention".into(), mention),
        str_col("sentence", sentence.iter()),
        f64_col("sentiment", sentiment.iter().copied()),
        str_col("label", label.iter().copied()),
        str_col("evidence", evidence.iter()),
    ])
}

/// The scored mentions table: the entities stage's `mentions` rows named by a
/// [`mention_scores_frame`], then its sentiment columns. Same table as
/// [`scored_to_frame`] of the same rows, without a row type in between.
pub fn scored_frame(mentions: &DataFrame, scores: &DataFrame) -> Result<DataFrame> {
    let idx = get(scores, "mention")?.i64()?;
    let in_order =
        idx.len() == mentions.height() && idx.iter().enumerate().all(|(i, v)| v == Some(i as i64));
    let mut df = if in_order {
        mentions.clone()
    } else {
        let rows: Vec<IdxSize> = idx
            .iter()
            .map(|v| match v {
                Some(v) if v >= 0 && (v as usize) < mentions.height() => Ok(v as IdxSize),
                _ => anyhow::bail!(
                    "the sentiment artefact names mention row {v:?}, which the entities artefact does not have: rerun with --from sentiment"
                ),
            })
            .collect::<Result<_>>()?;
        mentions.take(&IdxCa::from_vec("".into(), rows))?
    };
    for name in SCORE_COLUMNS {
        df.with_column(get(scores, name)?.clone())?;
    }
    Ok(df)
}

/// The normalize columns that [`article_texts_from_frame`] reads (stages read only these
/// from the artefact).
pub const ARTICLE_TEXT_COLUMNS: [&str; 6] = ["article_id", "title", "text", "lang", "date", "url"];

/// The entities and sentiment stages' article inputs as borrowed rows (see
/// [`ArticleText`]).
pub fn article_texts_from_frame(df: &DataFrame) -> Result<Vec<ArticleText<'_>>> {
    let col =
        |name: &str| -> Result<Vec<Option<&str>>> { Ok(get(df, name)?.str()?.iter().collect()) };
    let article_id = col("article_id")?;
    let title = col("title")?;
    let text = col("text")?;
    let lang = col("lang")?;
    let date = dates(df, "date")?;
    // Artefacts written before the column was read have it anyway (`articles` has
    // always carried the URL); a frame without it gives no URLs.
    let url = match df.column("url") {
        Ok(c) => c.str()?.iter().collect(),
        Err(_) => vec![None; article_id.len()],
    };
    Ok((0..article_id.len())
        .map(|i| ArticleText {
            article_id: at(&article_id, i).unwrap_or_default(),
            title: at(&title, i).unwrap_or_default(),
            text: at(&text, i).unwrap_or_default(),
            date: date.get(i).copied().flatten(),
            lang: at(&lang, i).unwrap_or_default(),
            url: at(&url, i),
        })
        .collect())
}

/// See [`MentionRef`].
/// The entities `mentions` columns that [`mention_refs_from_frame`] reads.
pub const MENTION_REF_COLUMNS: [&str; 7] = [
    "article_id",
    "entity_id",
    "name",
    "type",
    "field",
    "doc_start",
    "doc_end",
];

pub fn mention_refs_from_frame(df: &DataFrame) -> Result<Vec<MentionRef<'_>>> {
    let col =
        |name: &str| -> Result<Vec<Option<&str>>> { Ok(get(df, name)?.str()?.iter().collect()) };
    let article_id = col("article_id")?;
    let entity_id = col("entity_id")?;
    let name = col("name")?;
    let kind = col("type")?;
    let field = col("field")?;
    let doc_start = i64s(df, "doc_start")?;
    let doc_end = i64s(df, "doc_end")?;
    Ok((0..article_id.len())
        .map(|i| MentionRef {
            article_id: at(&article_id, i).unwrap_or_default(),
            entity_id: at(&entity_id, i).unwrap_or_default(),
            name: at(&name, i).unwrap_or_default(),
            kind: at(&kind, i).unwrap_or_default(),
            field: at(&field, i).unwrap_or_default(),
            doc_start: doc_start.get(i).copied().flatten().unwrap_or(0),
            doc_end: doc_end.get(i).copied().flatten().unwrap_or(0),
        })
        .collect())
}

pub fn scored_from_frame(df: &DataFrame) -> Result<Vec<ScoredMention>> {
    let mentions = mentions_from_frame(df)?;
    let mut sentence = strs_req(df, "sentence")?.into_iter();
    let mut sentiment = f64s(df, "sentiment")?.into_iter();
    let mut label = strs_req(df, "label")?.into_iter();
    let mut evidence = strs_req(df, "evidence")?.into_iter();
    Ok(mentions
        .into_iter()
        .map(|mention| ScoredMention {
            mention,
            sentence: sentence.next().unwrap_or_default(),
            sentiment: sentiment.next().unwrap_or(0.0),
            label: label.next().unwrap_or_default(),
            evidence: evidence.next().unwrap_or_default(),
        })
        .collect())
}

/// The `article_entities` table built from rows: the tests' reference for
/// [`article_entities_frame`], which the pipeline uses.
#[cfg(test)]
pub fn article_entities_to_frame(rows: &[ArticleEntity]) -> Result<DataFrame> {
    frame(vec![
        str_col("article_id", rows.iter().map(|r| r.article_id.as_str())),
        date_col("date", rows.iter().map(|r| r.date)),
        str_col("entity_id", rows.iter().map(|r| r.entity_id.as_str())),
        str_col("name", rows.iter().map(|r| r.name.as_str())),
        str_col("type", rows.iter().map(|r| r.kind.as_str())),
        i64_col("mentions", rows.iter().map(|r| r.mentions)),
        bool_col("in_title", rows.iter().map(|r| r.in_title)),
        f64_col("relevance", rows.iter().map(|r| r.relevance)),
        bool_col("novel", rows.iter().map(|r| r.novel)),
        f64_col("sentiment", rows.iter().map(|r| r.sentiment)),
        str_col("label", rows.iter().map(|r| r.label.as_str())),
        str_col("evidence", rows.iter().map(|r| r.evidence.as_str())),
    ])
}

/// The sentiment stage's article-entities of one part, by column: each row names its
/// article and the entity's first mention by row index into the part's frames, which
/// give the ids, date and names (no string copied per row until the table is built).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ArticleEntityScores {
    /// Row of the article in the part's articles frame.
    pub article: Vec<IdxSize>,
    /// Row of the entity's first mention in the part's mentions frame.
    pub first_mention: Vec<IdxSize>,
    pub mentions: Vec<i64>,
    pub in_title: Vec<bool>,
    pub relevance: Vec<f64>,
    pub sentiment: Vec<f64>,
    pub label: Vec<&'static str>,
    pub evidence: Cells,
}

/// The `article_entities` table (same columns as the tests' `article_entities_to_frame`) from the
/// part's articles frame (`article_id`, `date`, `novel`), its mentions frame (`entity_id`,
/// `name`, `type`) and the scores. Taking rows of string columns shares their bytes.
pub fn article_entities_frame(
    articles: &DataFrame,
    mentions: &DataFrame,
    s: &ArticleEntityScores,
) -> Result<DataFrame> {
    let take = |df: &DataFrame, name: &str, rows: &[IdxSize]| -> Result<Column> {
        let c = get(df, name)?;
        if let Some(&bad) = rows.iter().find(|&&r| r as usize >= c.len()) {
            anyhow::bail!("internal error: row {bad} of {name} out of range");
        }
        Ok(c.take_slice(rows)?)
    };
    let mut date = take(articles, "date", &s.article)?;
    if date.dtype() != &DataType::Date {
        date = date.cast(&DataType::Date)?;
    }
    frame(vec![
        take(articles, "article_id", &s.article)?,
        date,
        take(mentions, "entity_id", &s.first_mention)?,
        take(mentions, "name", &s.first_mention)?,
        take(mentions, "type", &s.first_mention)?,
        i64_col("mentions", s.mentions.iter().copied()),
        bool_col("in_title", s.in_title.iter().copied()),
        f64_col("relevance", s.relevance.iter().copied()),
        take(articles, "novel", &s.article)?,
        f64_col("sentiment", s.sentiment.iter().copied()),
        str_col("label", s.label.iter().copied()),
        str_col("evidence", s.evidence.iter()),
    ])
}

/// The `tones` table from the part's articles frame (one tone per article, in order).
pub fn tones_frame(articles: &DataFrame, tone: &[f64], tone_label: &[&str]) -> Result<DataFrame> {
    let ids = get(articles, "article_id")?;
    if ids.len() != tone.len() {
        anyhow::bail!(
            "internal error: {} tones for {} articles",
            tone.len(),
            ids.len()
        );
    }
    frame(vec![
        ids.clone(),
        f64_col("tone", tone.iter().copied()),
        str_col("tone_label", tone_label.iter().copied()),
    ])
}

pub fn article_entities_from_frame(df: &DataFrame) -> Result<Vec<ArticleEntity>> {
    let article_id = strs_req(df, "article_id")?;
    let mut date = dates(df, "date")?.into_iter();
    let mut entity_id = strs_req(df, "entity_id")?.into_iter();
    let mut name = strs_req(df, "name")?.into_iter();
    let mut kind = strs_req(df, "type")?.into_iter();
    let mut mentions = i64s(df, "mentions")?.into_iter();
    let mut in_title = bools(df, "in_title")?.into_iter();
    let mut relevance = f64s(df, "relevance")?.into_iter();
    let mut novel = bools(df, "novel")?.into_iter();
    let mut sentiment = f64s(df, "sentiment")?.into_iter();
    let mut label = strs_req(df, "label")?.into_iter();
    let mut evidence = strs_req(df, "evidence")?.into_iter();
    Ok(article_id
        .into_iter()
        .map(|article_id| ArticleEntity {
            article_id,
            date: date.next().flatten(),
            entity_id: entity_id.next().unwrap_or_default(),
            name: name.next().unwrap_or_default(),
            kind: kind.next().unwrap_or_default(),
            mentions: mentions.next().flatten().unwrap_or(0),
            in_title: in_title.next().unwrap_or(false),
            relevance: relevance.next().unwrap_or(0.0),
            novel: novel.next().unwrap_or(true),
            sentiment: sentiment.next().unwrap_or(0.0),
            label: label.next().unwrap_or_default(),
            evidence: evidence.next().unwrap_or_default(),
        })
        .collect())
}

/// The `tones` table built from rows: the tests' reference for [`tones_frame`].
#[cfg(test)]
pub fn tones_to_frame(rows: &[Tone]) -> Result<DataFrame> {
    frame(vec![
        str_col("article_id", rows.iter().map(|r| r.article_id.as_str())),
        f64_col("tone", rows.iter().map(|r| r.tone)),
        str_col("tone_label", rows.iter().map(|r| r.tone_label.as_str())),
    ])
}

pub fn tones_from_frame(df: &DataFrame) -> Result<Vec<Tone>> {
    let article_id = strs_req(df, "article_id")?;
    let mut tone = f64s(df, "tone")?.into_iter();
    let mut tone_label = strs_req(df, "tone_label")?.into_iter();
    Ok(article_id
        .into_iter()
        .map(|article_id| Tone {
            article_id,
            tone: tone.next().unwrap_or(0.0),
            tone_label: tone_label.next().unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_columns_hold_the_decimal_value() {
        assert_eq!(10f64.powi(FLOAT_DECIMALS), 10_000.0);
        // A confidence computed in f32 is the decimal it was meant to be.
        assert_eq!(f64::from(0.9f32), 0.8999999761581421);
        assert_eq!(round_float(f64::from(0.9f32)), 0.9);
        assert_eq!(round_float(f64::from(0.85f32)), 0.85);
        assert_eq!(round_float(-0.123456), -0.1235);
        assert_eq!(round_float(0.00004), 0.0);
        assert!(round_float(f64::NAN).is_nan());
        assert_eq!(round_float(f64::INFINITY), f64::INFINITY);
        // Every 4-decimal value is the f64 its text parses to.
        for k in -10_000i32..=10_000 {
            let x = round_float(f64::from(k as f32 / 10_000.0));
            let text = format!("{:.4}", f64::from(k) / 10_000.0);
            assert_eq!(x, text.parse::<f64>().unwrap(), "{text}");
        }
        let col = f64_col("confidence", [f64::from(0.9f32), 1.0].into_iter());
        let got: Vec<Option<f64>> = col.f64().unwrap().iter().collect();
        assert_eq!(got, [Some(0.9), Some(1.0)]);
    }

    #[test]
    fn cells_keep_each_cell_apart_including_empty_ones() {
        let mut c = Cells::default();
        assert!(c.is_empty() && c.get(0).is_none());
        c.push("Le titre bondit de 5 %");
        c.push("");
        c.push_with(|b| {
            b.push_str("hausse");
            b.push_str("; record");
        });
        c.push("«\u{a0}chute\u{a0}»");
        assert_eq!(c.len(), 4);
        let all: Vec<&str> = c.iter().collect();
        assert_eq!(
            all,
            [
                "Le titre bondit de 5 %",
                "",
                "hausse; record",
                "«\u{a0}chute\u{a0}»"
            ]
        );
        assert_eq!(c.get(2), Some("hausse; record"));
        assert_eq!(c.get(4), None);
        assert_eq!(
            ["a", "", "b"].into_iter().collect::<Cells>().get(1),
            Some("")
        );
    }

    fn mention(article: &str, entity: &str, start: i64) -> MentionRow {
        MentionRow {
            article_id: article.into(),
            entity_id: entity.into(),
            name: entity.to_uppercase(),
            kind: "company".into(),
            via: "gazetteer".into(),
            confidence: 0.9,
            surface: entity.into(),
            field: "text".into(),
            start,
            end: start + 5,
            doc_start: start + 2,
            doc_end: start + 7,
        }
    }

    fn scored(m: &MentionRow, k: usize) -> ScoredMention {
        ScoredMention {
            mention: m.clone(),
            sentence: format!("sentence {k}"),
            sentiment: k as f64 / 10.0,
            label: ["negative", "neutral", "positive"][k % 3].into(),
            evidence: format!("cue {k}"),
        }
    }

    /// The article-entities and tones tables built from the part's frames and row
    /// indices are the row-built ones, and read back as the same rows.
    #[test]
    fn article_entity_and_tone_tables_match_the_row_built_ones() {
        let texts = [
            ArticleText {
                article_id: "a1",
                title: "Orange",
                text: "Orange et Vinci progressent.",
                date: Some(19_000),
                lang: "fr",
                url: None,
            },
            ArticleText {
                article_id: "a2",
                title: "",
                text: "Tesla falls.",
                date: None,
                lang: "en",
                url: None,
            },
        ];
        let articles = frame(vec![
            str_col("article_id", texts.iter().map(|a| a.article_id)),
            date_col("date", texts.iter().map(|a| a.date)),
            str_col("text", texts.iter().map(|a| a.text)),
            bool_col("novel", [true, false].into_iter()),
        ])
        .unwrap();
        let rows = vec![
            mention("a1", "orange", 0),
            mention("a1", "vinci", 30),
            mention("a1", "orange", 40),
            mention("a2", "tesla", 4),
        ];
        let mentions = mentions_to_frame(&rows).unwrap();
        let scores = ArticleEntityScores {
            article: vec![0, 0, 1],
            first_mention: vec![0, 1, 3],
            mentions: vec![2, 1, 1],
            in_title: vec![true, false, false],
            relevance: vec![91.25, 12.5, 75.0],
            sentiment: vec![0.5, 0.0, -0.25],
            label: vec!["positive", "neutral", "negative"],
            evidence: ["progressent", "", "falls"].into_iter().collect(),
        };
        let expected: Vec<ArticleEntity> = (0..3)
            .map(|k| {
                let a = &texts[scores.article[k] as usize];
                let m = &rows[scores.first_mention[k] as usize];
                ArticleEntity {
                    article_id: a.article_id.into(),
                    date: a.date,
                    entity_id: m.entity_id.clone(),
                    name: m.name.clone(),
                    kind: m.kind.clone(),
                    mentions: scores.mentions[k],
                    in_title: scores.in_title[k],
                    relevance: scores.relevance[k],
                    novel: scores.article[k] == 0,
                    sentiment: scores.sentiment[k],
                    label: scores.label[k].into(),
                    evidence: scores.evidence.get(k).unwrap().to_string(),
                }
            })
            .collect();
        let got = article_entities_frame(&articles, &mentions, &scores).unwrap();
        assert!(got.equals_missing(&article_entities_to_frame(&expected).unwrap()));
        assert_eq!(article_entities_from_frame(&got).unwrap(), expected);

        let tones = vec![
            Tone {
                article_id: "a1".into(),
                tone: 0.4,
                tone_label: "positive".into(),
            },
            Tone {
                article_id: "a2".into(),
                tone: -0.1,
                tone_label: "neutral".into(),
            },
        ];
        let got = tones_frame(&articles, &[0.4, -0.1], &["positive", "neutral"]).unwrap();
        assert!(got.equals_missing(&tones_to_frame(&tones).unwrap()));
        assert_eq!(tones_from_frame(&got).unwrap(), tones);

        // A row index past the frame is an error, not a panic.
        let mut bad = scores.clone();
        bad.first_mention[2] = 9;
        assert!(article_entities_frame(&articles, &mentions, &bad).is_err());
        assert!(tones_frame(&articles, &[0.4], &["positive"]).is_err());
    }

    /// The joined entities + sentiment table is the row-built one, in order and for a
    /// reordered/repeated selection of rows.
    #[test]
    fn scored_frame_matches_the_row_built_table() {
        let rows = vec![
            mention("a1", "orange", 0),
            mention("a1", "vinci", 30),
            mention("a2", "tesla", 4),
        ];
        let df = mentions_to_frame(&rows).unwrap();
        let refs = mention_refs_from_frame(&df).unwrap();
        assert_eq!(refs[1].entity_id, "vinci");
        assert_eq!((refs[2].doc_start, refs[2].doc_end), (6, 11));
        for pick in [None, Some(vec![2, 0, 0])] {
            let order: Vec<usize> = match &pick {
                None => vec![0, 1, 2],
                Some(p) => p.iter().map(|&i| i as usize).collect(),
            };
            let expected: Vec<ScoredMention> = order
                .iter()
                .enumerate()
                .map(|(k, &i)| scored(&rows[i], k))
                .collect();
            let sentence: Cells = expected.iter().map(|r| &r.sentence).collect();
            let sentiment: Vec<f64> = expected.iter().map(|r| r.sentiment).collect();
            let label: Vec<&str> = expected.iter().map(|r| r.label.as_str()).collect();
            let evidence: Cells = expected.iter().map(|r| &r.evidence).collect();
            let scores =
                mention_scores_frame(pick.as_deref(), &sentence, &sentiment, &label, &evidence)
                    .unwrap();
            let got = scored_frame(&df, &scores).unwrap();
            assert!(got.equals_missing(&scored_to_frame(&expected, false).unwrap()));
            assert_eq!(scored_from_frame(&got).unwrap(), expected);
        }
    }
}
