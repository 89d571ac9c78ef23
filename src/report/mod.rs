//! `newstone report`: one self-contained HTML page about an output folder.
//!
//! [`load`] reads the exported tables (any layout) and the run log, [`rows`] turns them
//! into plain rows, [`select`] chooses what to show (top companies, movers, strongest
//! days, top stories), [`html`] writes the page with its data as JSON and the vendored
//! chart library (uPlot, `data/vendor/uplot/`) inline, so it opens without a network.

pub mod html;
pub mod labels;
pub mod load;
pub mod rows;
pub mod select;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context as _, Result};

pub use labels::Lang;
use rows::Rows;
use select::{Appearance, Daily, Mover, Ranked, Sentence};

/// What to put in the report.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    /// IANA time zone for timestamps; default: the one the last run recorded.
    pub timezone: Option<String>,
    /// How many companies get their own section (the top ones by volume, plus those of
    /// the buzz and movers tables).
    pub companies: usize,
    /// Report on a folder without `_SUCCESS` (with a warning on the page).
    pub allow_incomplete: bool,
    /// The last day of the buzz and movers windows (days since 1970-01-01); default:
    /// the last day of `company_daily`.
    pub as_of: Option<i32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: Lang::En,
            timezone: None,
            companies: DEFAULT_COMPANIES,
            allow_incomplete: false,
            as_of: None,
        }
    }
}

/// Companies with a section by default.
pub const DEFAULT_COMPANIES: usize = 30;
/// Rows of the top tables and the movers table.
const TOP_N: usize = 15;
/// Articles a company needs in each of the two weeks to be a mover.
const MOVER_MIN_ARTICLES: i64 = 2;
/// Top stories per company.
const STORIES: usize = 6;
/// Evidence sentences per strongest day.
const EVIDENCE: usize = 3;

/// A built report.
#[derive(Debug)]
pub struct Report {
    pub html: String,
    /// Companies with a section.
    pub companies: usize,
    /// Things the reader of the command's output should know (also on the page).
    pub warnings: Vec<String>,
}

/// A strongest day of a company, with the sentences behind it.
#[derive(Debug, Clone)]
pub struct StrongDay {
    pub date: i32,
    pub articles: i64,
    pub sentiment: f64,
    pub sentences: Vec<Sentence>,
}

/// One company's section.
#[derive(Debug, Clone)]
pub struct CompanyPage {
    pub entity_id: String,
    pub name: String,
    pub articles: i64,
    /// Every day from the company's first to its last row.
    pub days: Vec<i32>,
    pub volume: Vec<i64>,
    pub sentiment: Vec<Option<f64>>,
    /// `sentiment_7d` when the table has it (on its rows' days), else computed
    /// ([`select::trailing_sentiment`]); `None` where the 7 days hold no article.
    pub trend: Vec<Option<f64>>,
    pub stories: Vec<Appearance>,
    pub best: Option<StrongDay>,
    pub worst: Option<StrongDay>,
}

/// Everything the page shows, chosen from the rows.
#[derive(Debug)]
pub struct Content {
    /// The last day of the buzz and movers windows.
    pub end: i32,
    pub first_day: Option<i32>,
    pub last_day: Option<i32>,
    pub articles_per_day: Vec<(i32, i64)>,
    pub top_volume: Vec<Ranked>,
    pub top_buzz: Vec<Ranked>,
    pub movers: Vec<Mover>,
    pub pages: Vec<CompanyPage>,
}

/// Builds the report of the output folder `out`.
pub fn build(out: &Path, opts: &Options) -> Result<Report> {
    let loaded = load::load(out, opts.allow_incomplete)?;
    let (rows, content) = prepare(&loaded, opts.companies, opts.as_of)?;
    let mut warnings = Vec::new();
    let labels = opts.lang.labels();
    if loaded.marker.is_none() {
        warnings.push(labels.incomplete.to_string());
    }
    let recorded = loaded.runs.iter().rev().find_map(|r| r.timezone.clone());
    let tz = match (&opts.timezone, &recorded) {
        (Some(name), _) => Some(name.parse::<chrono_tz::Tz>().map_err(|_| {
            anyhow::anyhow!(
                "--timezone {name:?} is not an IANA time zone name (e.g. \"Europe/Paris\", \"UTC\")"
            )
        })?),
        (None, Some(name)) => match name.parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                warnings.push(format!(
                    "the run log names the time zone {name:?}, unknown here: times are shown \
                     in UTC (give --timezone)"
                ));
                None
            }
        },
        (None, None) => None,
    };
    let html = html::render(&html::Input {
        out,
        loaded: &loaded,
        rows: &rows,
        content: &content,
        labels,
        tz,
        warnings: &warnings,
    })
    .context("writing the report")?;
    Ok(Report {
        html,
        companies: content.pages.len(),
        warnings,
    })
}

/// The rows of the loaded tables and what the page shows of them (see [`choose`]).
pub fn prepare(
    loaded: &load::Loaded,
    n_companies: usize,
    as_of: Option<i32>,
) -> Result<(Rows, Content)> {
    let mut rows = rows::rows(loaded)?;
    let end = as_of
        .or(rows.daily.iter().map(|d| d.date).max())
        .unwrap_or(0);
    let keep: HashSet<String> = section_ids(&rows, n_companies, end).into_iter().collect();
    rows::details(loaded, &mut rows, &keep)?;
    let content = choose(&rows, n_companies, as_of);
    Ok((rows, content))
}

/// The companies with a section: the top `n_companies` by articles, then those of the
/// buzz and movers tables ending on `end`, in that order.
fn section_ids(rows: &Rows, n_companies: usize, end: i32) -> Vec<String> {
    let mut ids: Vec<String> = select::volumes(&rows.daily)
        .into_iter()
        .take(n_companies)
        .map(|r| r.entity_id)
        .collect();
    let buzz = select::top_by_buzz(&rows.daily, end, TOP_N, rows.signals.buzz);
    let movers = select::movers(&rows.daily, end, MOVER_MIN_ARTICLES, TOP_N);
    for id in buzz
        .into_iter()
        .map(|r| r.entity_id)
        .chain(movers.into_iter().map(|m| m.entity_id))
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Chooses what the page shows from rows whose [`rows::details`] were read for the
/// companies with a section; `as_of` ends the buzz and movers windows (default: the
/// last day of the rows).
pub fn choose(rows: &Rows, n_companies: usize, as_of: Option<i32>) -> Content {
    let last_day = rows.daily.iter().map(|d| d.date).max();
    let first_day = rows.daily.iter().map(|d| d.date).min();
    let mut per_day: HashMap<i32, i64> = HashMap::new();
    for a in rows.articles.values() {
        if let Some(d) = a.date {
            *per_day.entry(d).or_default() += 1;
        }
    }
    let mut articles_per_day: Vec<(i32, i64)> = per_day.into_iter().collect();
    articles_per_day.sort();
    let end = as_of.or(last_day).unwrap_or(0);
    let volumes = select::volumes(&rows.daily);
    let top_volume: Vec<Ranked> = volumes.iter().take(TOP_N).cloned().collect();
    let top_buzz = select::top_by_buzz(&rows.daily, end, TOP_N, rows.signals.buzz);
    let movers = select::movers(&rows.daily, end, MOVER_MIN_ARTICLES, TOP_N);
    let ids = section_ids(rows, n_companies, end);
    let mut by_company: HashMap<&str, Vec<&Daily>> = HashMap::new();
    for d in &rows.daily {
        by_company.entry(&d.entity_id).or_default().push(d);
    }
    let pages = ids
        .iter()
        .filter_map(|id| Some(company_page(rows, id, by_company.get(id.as_str())?)))
        .collect();
    Content {
        end,
        first_day,
        last_day,
        articles_per_day,
        top_volume,
        top_buzz,
        movers,
        pages,
    }
}

/// One company's section from its daily rows (non-empty).
fn company_page(rows: &Rows, id: &str, daily: &[&Daily]) -> CompanyPage {
    let first = daily.iter().map(|d| d.date).min().unwrap_or(0);
    let last = daily.iter().map(|d| d.date).max().unwrap_or(first);
    let days: Vec<i32> = (first..=last).collect();
    let mut volume = vec![0i64; days.len()];
    let mut sentiment = vec![None; days.len()];
    let mut trend7 = vec![None; days.len()];
    for d in daily {
        let i = (d.date - first) as usize;
        volume[i] += d.articles;
        if d.articles > 0 {
            sentiment[i] = d.sentiment;
        }
        trend7[i] = d.sentiment_7d;
    }
    // The table's `sentiment_7d` on the days it has a row; the same mean computed here on
    // the other days (a sparse table has no row on quiet days); none where the 7 days hold
    // no article (a dense table's rows say 0 there).
    let computed = select::trailing_sentiment(daily, &days);
    let trend = if rows.signals.sentiment_7d {
        computed
            .iter()
            .zip(trend7)
            .map(|(c, t)| c.and(t.or(*c)))
            .collect()
    } else {
        computed
    };
    let apps: Vec<&Appearance> = rows
        .appearances
        .get(id)
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    let stories = select::top_stories(&apps, STORIES)
        .into_iter()
        .cloned()
        .collect();
    let (best, worst) = select::strongest_days(daily);
    let strong = |day: Option<i32>, positive: bool| -> Option<StrongDay> {
        let day = day?;
        let row = daily.iter().find(|d| d.date == day)?;
        let candidates: Vec<&Sentence> = rows
            .sentences
            .get(id)
            .map(|v| {
                v.iter()
                    .filter(|s| {
                        rows.articles
                            .get(&s.article_id)
                            .is_some_and(|a| a.date == Some(day))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(StrongDay {
            date: day,
            articles: row.articles,
            sentiment: row.sentiment.unwrap_or(0.0),
            sentences: select::evidence(&candidates, positive, EVIDENCE)
                .into_iter()
                .cloned()
                .collect(),
        })
    };
    CompanyPage {
        entity_id: id.to_string(),
        name: daily.first().map(|d| d.name.clone()).unwrap_or_default(),
        articles: daily.iter().map(|d| d.articles).sum(),
        days,
        volume,
        sentiment,
        trend,
        stories,
        best: strong(best, true),
        worst: strong(worst, false),
    }
}
