//! The exported tables as the rows of [`super::select`], and which signal columns they had.

use std::collections::{HashMap, HashSet};

use anyhow::{Context as _, Result};
use polars::prelude::*;

use super::load::Loaded;
use super::select::{Appearance, Daily, Sentence};

/// Which of the optional signal columns the tables had (older output folders have none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals {
    /// `article_entities.relevance`.
    pub relevance: bool,
    /// `articles.story_id` and `articles.novel`.
    pub stories: bool,
    /// `company_daily.relevance_weighted_sentiment`.
    pub weighted_sentiment: bool,
    /// `company_daily.sentiment_7d`.
    pub sentiment_7d: bool,
    /// `company_daily.buzz_z`.
    pub buzz: bool,
}

/// An article as the report shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleInfo {
    pub source: String,
    pub url: Option<String>,
    pub title: String,
    /// Microseconds since the epoch, UTC.
    pub published_at: Option<i64>,
    pub date: Option<i32>,
    pub lang: String,
    pub story_id: Option<String>,
    pub novel: Option<bool>,
}

/// The tables as rows.
#[derive(Debug, Default)]
pub struct Rows {
    pub articles: HashMap<String, ArticleInfo>,
    /// Company appearances, by entity id (companies with a section: [`details`]).
    pub appearances: HashMap<String, Vec<Appearance>>,
    /// Company mention sentences, by entity id (companies with a section: [`details`]).
    pub sentences: HashMap<String, Vec<Sentence>>,
    pub daily: Vec<Daily>,
    /// Reject counts by reason ([`reason_kind`]).
    pub rejects: Vec<(String, u64)>,
    pub signals: Signals,
}

fn has(df: &DataFrame, name: &str) -> bool {
    df.column(name).is_ok()
}

fn strs(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    match df.column(name) {
        Err(_) => Ok(vec![None; df.height()]),
        Ok(c) => Ok(c
            .cast(&DataType::String)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect()),
    }
}

fn f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    match df.column(name) {
        Err(_) => Ok(vec![None; df.height()]),
        Ok(c) => Ok(c.cast(&DataType::Float64)?.f64()?.iter().collect()),
    }
}

fn i64s(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    match df.column(name) {
        Err(_) => Ok(vec![None; df.height()]),
        Ok(c) => Ok(c.cast(&DataType::Int64)?.i64()?.iter().collect()),
    }
}

fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    match df.column(name) {
        Err(_) => Ok(vec![None; df.height()]),
        Ok(c) => Ok(c.cast(&DataType::Boolean)?.bool()?.iter().collect()),
    }
}

fn dates(df: &DataFrame, name: &str) -> Result<Vec<Option<i32>>> {
    match df.column(name) {
        Err(_) => Ok(vec![None; df.height()]),
        Ok(c) => Ok(c.cast(&DataType::Date)?.date()?.physical().iter().collect()),
    }
}

/// Microseconds since the epoch of a `Datetime` column (any unit), UTC.
fn micros(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    match df.column(name) {
        Err(_) => Ok(vec![None; df.height()]),
        Ok(c) => {
            let us = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
            let c = c.cast(&us)?;
            Ok(c.datetime()?.physical().iter().collect())
        }
    }
}

/// A reject reason's kind: its text up to the first `:`, `(` or `"` (the rest names the
/// record or quotes its value).
pub fn reason_kind(reason: &str) -> String {
    let end = reason.find([':', '(', '"']).unwrap_or(reason.len());
    reason[..end].trim().to_string()
}

/// Converts the loaded articles, `company_daily` and rejects; the appearances and
/// sentences, which only the company sections need, are read by [`details`].
pub fn rows(t: &Loaded) -> Result<Rows> {
    let mut r = Rows {
        signals: Signals {
            relevance: has(&t.article_entities, "relevance"),
            stories: has(&t.articles, "story_id"),
            weighted_sentiment: has(&t.company_daily, "relevance_weighted_sentiment"),
            sentiment_7d: has(&t.company_daily, "sentiment_7d"),
            buzz: has(&t.company_daily, "buzz_z"),
        },
        ..Rows::default()
    };
    articles(t, &mut r).context("reading the articles table")?;
    daily(t, &mut r).context("reading the company_daily table")?;
    if let Some(rej) = &t.rejects {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for reason in strs(rej, "reason")?.into_iter().flatten() {
            *counts.entry(reason_kind(&reason)).or_default() += 1;
        }
        let mut v: Vec<(String, u64)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        r.rejects = v;
    }
    Ok(r)
}

fn articles(t: &Loaded, r: &mut Rows) -> Result<()> {
    let df = &t.articles;
    let ids = strs(df, "article_id")?;
    let mut source = strs(df, "source")?.into_iter();
    let mut url = strs(df, "url")?.into_iter();
    let mut title = strs(df, "title")?.into_iter();
    let mut published = micros(df, "published_at")?.into_iter();
    let mut date = dates(df, "date")?.into_iter();
    let mut lang = strs(df, "lang")?.into_iter();
    let mut story = strs(df, "story_id")?.into_iter();
    let mut novel = bools(df, "novel")?.into_iter();
    for id in ids {
        let a = ArticleInfo {
            source: source.next().flatten().unwrap_or_default(),
            url: url.next().flatten(),
            title: title.next().flatten().unwrap_or_default(),
            published_at: published.next().flatten(),
            date: date.next().flatten(),
            lang: lang.next().flatten().unwrap_or_default(),
            story_id: story.next().flatten(),
            novel: novel.next().flatten(),
        };
        if let Some(id) = id {
            r.articles.insert(id, a);
        }
    }
    Ok(())
}

/// A string column as a chunked array (`None` when the table has no such column), for
/// reading cells without copying the whole column.
fn str_ca(df: &DataFrame, name: &str) -> Result<Option<StringChunked>> {
    match df.column(name) {
        Err(_) => Ok(None),
        Ok(c) => Ok(Some(c.cast(&DataType::String)?.str()?.clone())),
    }
}

/// Cell `i` of an optional string column.
fn cell(ca: &Option<StringChunked>, i: usize) -> Option<&str> {
    ca.as_ref().and_then(|c| c.get(i))
}

/// Reads the appearances and sentences of the companies in `keep` (those with a section):
/// the other rows of `article_entities` and `mentions` are skipped without being copied.
pub fn details(t: &Loaded, r: &mut Rows, keep: &HashSet<String>) -> Result<()> {
    appearances(t, r, keep).context("reading the article_entities table")?;
    sentences(t, r, keep).context("reading the mentions table")
}

fn appearances(t: &Loaded, r: &mut Rows, keep: &HashSet<String>) -> Result<()> {
    let df = &t.article_entities;
    let kind = str_ca(df, "type")?;
    let ids = str_ca(df, "article_id")?;
    let entity = str_ca(df, "entity_id")?;
    let date = dates(df, "date")?;
    let mentions = i64s(df, "mentions")?;
    let in_title = bools(df, "in_title")?;
    let sentiment = f64s(df, "sentiment")?;
    let relevance = f64s(df, "relevance")?;
    for i in 0..df.height() {
        let Some(entity_id) = cell(&entity, i).filter(|e| keep.contains(*e)) else {
            continue;
        };
        if cell(&kind, i).is_some_and(|k| k != "company") {
            continue;
        }
        let Some(article_id) = cell(&ids, i) else {
            continue;
        };
        let story_id = r.articles.get(article_id).and_then(|a| a.story_id.clone());
        r.appearances
            .entry(entity_id.to_string())
            .or_default()
            .push(Appearance {
                article_id: article_id.to_string(),
                date: date[i],
                mentions: mentions[i].unwrap_or(1),
                in_title: in_title[i].unwrap_or(false),
                sentiment: sentiment[i].unwrap_or(0.0),
                relevance: relevance[i],
                story_id,
            });
    }
    Ok(())
}

fn sentences(t: &Loaded, r: &mut Rows, keep: &HashSet<String>) -> Result<()> {
    let df = &t.mentions;
    let kind = str_ca(df, "type")?;
    let ids = str_ca(df, "article_id")?;
    let entity = str_ca(df, "entity_id")?;
    let sentence = str_ca(df, "sentence")?;
    let sentiment = f64s(df, "sentiment")?;
    let evidence = str_ca(df, "evidence")?;
    for (i, score) in sentiment.into_iter().enumerate() {
        let Some(entity_id) = cell(&entity, i).filter(|e| keep.contains(*e)) else {
            continue;
        };
        if cell(&kind, i).is_some_and(|k| k != "company") {
            continue;
        }
        let (Some(article_id), Some(text), Some(s)) = (cell(&ids, i), cell(&sentence, i), score)
        else {
            continue;
        };
        r.sentences
            .entry(entity_id.to_string())
            .or_default()
            .push(Sentence {
                article_id: article_id.to_string(),
                sentence: text.to_string(),
                sentiment: s,
                evidence: cell(&evidence, i).unwrap_or_default().to_string(),
            });
    }
    Ok(())
}

fn daily(t: &Loaded, r: &mut Rows) -> Result<()> {
    let df = &t.company_daily;
    let date = dates(df, "date")?;
    let entity = strs(df, "entity_id")?;
    let name = strs(df, "name")?;
    let articles = i64s(df, "articles")?;
    let sentiment = if r.signals.weighted_sentiment {
        f64s(df, "relevance_weighted_sentiment")?
    } else {
        f64s(df, "sentiment_mean")?
    };
    let s7 = f64s(df, "sentiment_7d")?;
    let buzz = f64s(df, "buzz_z")?;
    for i in 0..df.height() {
        let (Some(d), Some(id)) = (date[i], &entity[i]) else {
            continue;
        };
        r.daily.push(Daily {
            date: d,
            entity_id: id.clone(),
            name: name[i].clone().unwrap_or_else(|| id.clone()),
            articles: articles[i].unwrap_or(0),
            sentiment: sentiment[i],
            sentiment_7d: s7[i],
            buzz_z: buzz[i],
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reject_reasons_group_by_kind() {
        assert_eq!(
            reason_kind("broken JSON (EOF while parsing at line 1)"),
            "broken JSON"
        );
        assert_eq!(reason_kind("no text: the record has no title"), "no text");
        assert_eq!(
            reason_kind("unparseable date \"sometime last week\" (set normalize.date_policy)"),
            "unparseable date"
        );
        assert_eq!(reason_kind("too short"), "too short");
    }
}
