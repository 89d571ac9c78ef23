//! Stage 5 — aggregate: per company per date, with Polars.
//!
//! Each sentiment part is reduced to partial sums with a Polars group-by; the partials
//! (at most companies × days rows each) are then reduced again. Memory therefore grows
//! with the aggregates only, never with the number of articles. The rolling and z-score
//! columns are then derived from the daily series ([`signals`]).

pub mod signals;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use anyhow::{Context as _, Result};
use polars::prelude::*;

use crate::artefact::{read_parquet, read_parquet_columns, write_parquet, Manifest, StageDir};
use crate::stages::chunks::{self, Reuse};
use crate::stages::{list_parts, secs, Context, Stage};
use crate::tables::date_col;

/// The `article_entities` columns this stage reads (not the ids or evidence strings).
const COLUMNS: [&str; 9] = [
    "date",
    "entity_id",
    "name",
    "type",
    "mentions",
    "sentiment",
    "label",
    "relevance",
    "novel",
];

/// Names and discovered companies seen so far, filled while reading the parts.
#[derive(Default)]
struct Seen {
    /// First name seen for each company id on each day. A company renamed in the
    /// gazetteer's name history carries, in `article_entities`, the name in use at the
    /// article's date, so one entity can have several names over time (and one per day).
    names: HashMap<String, HashMap<i32, String>>,
    /// Discovered companies: name, first day seen, number of articles.
    discovered: BTreeMap<String, (String, Option<i32>, i64)>,
}

impl Seen {
    fn company(&mut self, id: &str, name: &str, date: Option<i32>) {
        if let Some(day) = date {
            let days = match self.names.get_mut(id) {
                Some(days) => days,
                None => self.names.entry(id.to_string()).or_default(),
            };
            days.entry(day).or_insert_with(|| name.to_string());
        }
        if id.starts_with("new:") {
            let d = self
                .discovered
                .entry(id.to_string())
                .or_insert_with(|| (name.to_string(), date, 0));
            d.1 = match (d.1, date) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            d.2 += 1;
        }
    }

    /// The name of company `id` on `day` in `company_daily`: a discovered company keeps
    /// the first name it was seen with (its surface varies), a gazetteer company takes
    /// the name it had that day.
    fn name(&self, id: &str, day: Option<i32>) -> String {
        if let Some(d) = self.discovered.get(id) {
            return d.0.clone();
        }
        day.and_then(|day| self.names.get(id)?.get(&day))
            .cloned()
            .unwrap_or_default()
    }
}

/// Sums per (date, entity_id) over one part of article-entity rows (the [`COLUMNS`]);
/// also records the companies' names in `seen`. Rows are read borrowed from the frame:
/// turning them into owned structs took most of this stage's time.
fn partial_sums(
    df: &DataFrame,
    seen: &mut Seen,
    keep_day: &dyn Fn(i32) -> bool,
) -> Result<DataFrame> {
    let col = |n: &str| {
        df.column(n).map_err(anyhow::Error::from).with_context(|| {
            format!("artefact has no column {n:?}: it was written by another version; rerun with --force")
        })
    };
    let (kinds, ids, names) = (
        col("type")?.str()?,
        col("entity_id")?.str()?,
        col("name")?.str()?,
    );
    let (dates, mentions) = (col("date")?.date()?.physical(), col("mentions")?.i64()?);
    let (sentiment, labels) = (col("sentiment")?.f64()?, col("label")?.str()?);
    let (relevance, novel) = (col("relevance")?.f64()?, col("novel")?.bool()?);
    let mut rows = Rows::default();
    for i in 0..df.height() {
        if kinds.get(i) != Some("company") {
            continue;
        }
        let (id, date) = (ids.get(i).unwrap_or(""), dates.get(i));
        seen.company(id, names.get(i).unwrap_or(""), date);
        let Some(date) = date.filter(|d| keep_day(*d)) else {
            continue;
        };
        let (m, s) = (
            mentions.get(i).unwrap_or(0),
            sentiment.get(i).unwrap_or(0.0),
        );
        rows.dates.push(Some(date));
        rows.ids.push(id);
        rows.mentions.push(m);
        // In units of the tables' last decimal: whole numbers, whose sums are exact in
        // any order (see `scaled_mean`).
        let units = to_units(s);
        rows.sentiment.push(units);
        rows.weighted.push(units * m as f64);
        // In units too (products of whole numbers below 10^10: their sums are exact).
        let r = to_units(relevance.get(i).unwrap_or(0.0));
        rows.relevance.push(r);
        rows.relevance_weighted.push(r * units);
        rows.novel.push(i64::from(novel.get(i).unwrap_or(false)));
        let label = labels.get(i);
        for (l, v) in ["positive", "negative", "neutral"]
            .iter()
            .zip(&mut rows.labels)
        {
            v.push(i64::from(label == Some(l)));
        }
    }
    reduce(&rows.into_frame()?)
}

/// Company rows with a date, as the columns to sum.
#[derive(Default)]
struct Rows<'a> {
    dates: Vec<Option<i32>>,
    ids: Vec<&'a str>,
    mentions: Vec<i64>,
    sentiment: Vec<f64>,
    weighted: Vec<f64>,
    relevance: Vec<f64>,
    relevance_weighted: Vec<f64>,
    /// 1 for an article that starts its story.
    novel: Vec<i64>,
    /// Positive, negative, neutral: 1 or 0.
    labels: [Vec<i64>; 3],
}

impl Rows<'_> {
    fn into_frame(self) -> Result<DataFrame> {
        let [positive, negative, neutral] = self.labels;
        let n = self.ids.len();
        Ok(DataFrame::new_infer_height(vec![
            date_col("date", self.dates.into_iter()),
            Column::new("entity_id".into(), self.ids),
            Column::new("articles".into(), vec![1i64; n]),
            Column::new("mentions".into(), self.mentions),
            Column::new("sentiment_sum".into(), self.sentiment),
            Column::new("weighted_sum".into(), self.weighted),
            Column::new("positive".into(), positive),
            Column::new("negative".into(), negative),
            Column::new("neutral".into(), neutral),
            Column::new("relevance_sum".into(), self.relevance),
            Column::new("relevance_weighted_sum".into(), self.relevance_weighted),
            Column::new("novel_articles".into(), self.novel),
        ])?)
    }
}

const SUMMED: [&str; 10] = [
    "articles",
    "mentions",
    "sentiment_sum",
    "weighted_sum",
    "positive",
    "negative",
    "neutral",
    "relevance_sum",
    "relevance_weighted_sum",
    "novel_articles",
];

/// Group by (date, entity_id) and sum the counters, keeping the original column names.
fn reduce(df: &DataFrame) -> Result<DataFrame> {
    if df.height() == 0 {
        return Ok(df.clone());
    }
    // The eager group-by is deprecated in favour of the lazy engine, which would double
    // the build (and CI time) for this one sum; it is still supported in polars 0.55.
    #[allow(deprecated)]
    let mut out = df.group_by(["date", "entity_id"])?.select(SUMMED).sum()?;
    for name in SUMMED {
        out.rename(&format!("{name}_sum"), name.into())?;
    }
    Ok(out)
}

/// The key of each day: the keys of the sentiment chunks that hold articles of that day.
/// A day whose key is unchanged since the last run has the same `company_daily` rows.
fn day_keys(sentiment: &Manifest) -> BTreeMap<String, String> {
    let mut days: BTreeMap<i32, crate::artefact::Fingerprint> = BTreeMap::new();
    for c in &sentiment.chunks {
        for d in c.dates.iter().filter(|d| **d != chunks::NULL_DAY) {
            days.entry(*d).or_default().add("chunk", c.key.as_bytes());
        }
    }
    days.into_iter()
        .map(|(d, f)| (format!("day:{d}"), f.hex()))
        .collect()
}

/// Runs the aggregate stage: `company_daily` and `discovered_companies`.
///
/// With `reuse` (the previous run's artefacts, same code), only the days whose articles
/// changed are summed again; the other days' rows are kept from the previous
/// `company_daily`. The discovered companies are kept per chunk and merged in input order.
pub fn run(ctx: &Context, manifest: Manifest, reuse: &Reuse) -> Result<Manifest> {
    let t0 = Instant::now();
    let parts = list_parts(&ctx.stage_dir(Stage::Sentiment), "article_entities")?;
    let sent = chunks::read_manifest(ctx, Stage::Sentiment)?;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Aggregate.name())?;
    let inputs = chunks::next_inputs("aggregate", &[&sent])?;
    let mut prep = chunks::prepare("aggregate", &dir, reuse, &inputs, &[], &["discovered"])?;
    let keys = day_keys(&sent);
    let previous = reuse
        .file("company_daily.parquet")
        .filter(|_| reuse.is_some())
        .map(|p| read_parquet(&p))
        .transpose()?;
    // The days to sum again: all of them without a previous table to keep rows from.
    let touched: std::collections::HashSet<i32> = keys
        .iter()
        .filter(|(k, v)| previous.is_none() || reuse.keys().get(*k) != Some(*v))
        .filter_map(|(k, _)| k.strip_prefix("day:")?.parse().ok())
        .collect();
    let all_days = previous.is_none();
    let keep_day = |d: i32| all_days || touched.contains(&d);
    // Partial sums wait in `pending` and are reduced together once they pass
    // `REDUCE_ROWS` rows (and at the end): one group-by per many parts, while memory
    // stays bounded by the aggregates.
    const REDUCE_ROWS: usize = 1_000_000;
    let mut pending: Option<DataFrame> = None;
    let mut seen = Seen::default();
    let mut rows_in = 0u64;
    let bar = ctx.bar(Stage::Aggregate, parts.len() as u64, "parts");
    let starts = sent.chunk_starts();
    for (c, chunk) in sent.chunks.iter().enumerate() {
        let needed = all_days || chunk.dates.iter().any(|d| touched.contains(d));
        if !needed && !prep.computed[c] {
            continue;
        }
        // Discovered companies of this chunk alone (merged below, in order).
        let mut own = Seen::default();
        for part in parts.iter().skip(starts[c]).take(chunk.parts) {
            let df = read_parquet_columns(part, &COLUMNS)?;
            rows_in += df.height() as u64;
            let p = partial_sums(&df, &mut seen, &keep_day)?;
            if prep.computed[c] {
                partial_sums(&df, &mut own, &|_| false)?;
            }
            let all = match pending {
                None => p,
                Some(mut acc) => {
                    acc.vstack_mut(&p)?;
                    acc
                }
            };
            pending = Some(if all.height() > REDUCE_ROWS {
                reduce(&all)?
            } else {
                all
            });
            bar.inc(1);
        }
        if prep.computed[c] {
            let mut disc = discovered_frame(&own.discovered)?;
            write_parquet(&dir.path(&chunks::chunk_file("discovered", c)), &mut disc)?;
            prep.records[c].rows_in = chunk.rows_out;
        }
    }
    bar.finish_and_clear();
    // The discovered companies of all chunks, in order: the first name, the first day,
    // the articles summed.
    seen.discovered.clear();
    for c in 0..inputs.len() {
        let df = read_parquet(&dir.path(&chunks::chunk_file("discovered", c)))?;
        merge_discovered(&mut seen.discovered, &df)?;
    }
    tracing::debug!("aggregate: parts summed at {:.3} s", secs(t0));
    let sums = match pending {
        Some(p) => reduce(&p)?,
        None => Rows::default().into_frame()?,
    };
    // The base columns of the days summed now, and of the days kept from the previous run
    // (its rows with articles: a dense table's zero rows are made again); the rolling and
    // z-score columns are derived again from the whole series.
    let mut base = finish(&sums, &seen)?;
    let mut derived = None;
    if let Some(old) = previous {
        let days: std::collections::HashSet<i32> = keys
            .keys()
            .filter_map(|k| k.strip_prefix("day:")?.parse().ok())
            .collect();
        let kept = keep_rows(&old, |d| days.contains(&d) && !touched.contains(&d))?;
        let kept = kept.select(base.get_column_names_owned())?;
        let mask = kept.column("articles")?.i64()?.gt(0);
        let kept = rename_discovered(kept.filter(&mask)?, &seen)?;
        base = kept.vstack(&base)?;
        tracing::info!(
            "aggregate: {} of {} days summed again",
            touched.len(),
            keys.len()
        );
        // The derived columns change only after the days summed again and the days
        // that no longer have articles.
        let mut changed = touched.clone();
        changed.extend(
            reuse
                .keys()
                .keys()
                .filter(|k| !keys.contains_key(*k))
                .filter_map(|k| k.strip_prefix("day:")?.parse::<i32>().ok()),
        );
        let old = rename_discovered(old, &seen)?;
        derived = Some(signals::enrich_changed(
            &old,
            &base,
            &changed,
            ctx.pipeline.aggregate.dense,
        )?);
    }
    tracing::debug!("aggregate: base columns at {:.3} s", secs(t0));
    let mut daily = match derived {
        Some(daily) => daily,
        None => {
            let base = base.sort(["date", "entity_id"], SortMultipleOptions::default())?;
            signals::enrich(&base, ctx.pipeline.aggregate.dense)?
                .sort(["date", "entity_id"], SortMultipleOptions::default())
                .map_err(anyhow::Error::from)
                .context("sorting company_daily")?
        }
    };
    tracing::debug!("aggregate: signals derived at {:.3} s", secs(t0));
    let discovered = seen.discovered;
    write_parquet(&dir.path("company_daily.parquet"), &mut daily)?;
    let mut disc = discovered_frame(&discovered)?;
    write_parquet(&dir.path("discovered_companies.parquet"), &mut disc)?;
    let m = Manifest {
        rows_in,
        rows_out: daily.height() as u64,
        parts: 1,
        seconds: secs(t0),
        extra: BTreeMap::from([("discovered_companies".to_string(), discovered.len() as u64)]),
        chunks: prep.records,
        keys,
        ..manifest
    };
    dir.commit_known(&m, prep.known)?;
    Ok(m)
}

/// A score of the tables (a multiple of 10^-[`FLOAT_DECIMALS`](crate::tables::FLOAT_DECIMALS))
/// in units of its last decimal: a whole number.
fn to_units(score: f64) -> f64 {
    (score * 10f64.powi(crate::tables::FLOAT_DECIMALS)).round()
}

/// The mean of scores from the sum of their [`to_units`] (a whole number, exact whatever
/// the order of the additions) and their count, rounded as every float of the tables
/// (half away from zero): `sum / n` is the correctly rounded quotient, so a tie (`….5`
/// units) is seen exactly and a mean does not depend on how the rows were split into
/// parts. 0 when `n` is 0. A distributed aggregation (the Spark job) computes the same.
fn scaled_mean(sum: f64, n: i64) -> f64 {
    if n <= 0 {
        return 0.0;
    }
    (sum / n as f64).round() / 10f64.powi(crate::tables::FLOAT_DECIMALS)
}

/// The rows of `df` whose `date` passes `keep`.
fn keep_rows(df: &DataFrame, keep: impl Fn(i32) -> bool) -> Result<DataFrame> {
    let mask: BooleanChunked = df
        .column("date")?
        .date()?
        .physical()
        .iter()
        .map(|d| Some(d.is_some_and(&keep)))
        .collect();
    Ok(df.filter(&mask)?)
}

/// Gives the discovered companies of `df` (rows kept from the previous run) the name
/// they have now: the first one seen in input order, which an inserted or removed input
/// file can change.
fn rename_discovered(mut df: DataFrame, seen: &Seen) -> Result<DataFrame> {
    let ids = df.column("entity_id")?.str()?.clone();
    let names = df.column("name")?.str()?.clone();
    let renamed: Vec<Option<String>> = ids
        .iter()
        .zip(names.iter())
        .map(
            |(id, name)| match id.and_then(|id| seen.discovered.get(id)) {
                Some(d) => Some(d.0.clone()),
                None => name.map(str::to_owned),
            },
        )
        .collect();
    df.replace("name", Column::new("name".into(), renamed))?;
    Ok(df)
}

/// Adds one chunk's discovered companies (a `discovered_companies` frame) to `into`:
/// a company seen before keeps its name, takes the earlier first day, adds the articles.
fn merge_discovered(
    into: &mut BTreeMap<String, (String, Option<i32>, i64)>,
    df: &DataFrame,
) -> Result<()> {
    let ids = df.column("entity_id")?.str()?;
    let names = df.column("name")?.str()?;
    let first = df.column("first_seen")?.date()?.physical().clone();
    let articles = df.column("articles")?.i64()?;
    for i in 0..df.height() {
        let (Some(id), name) = (ids.get(i), names.get(i).unwrap_or("")) else {
            continue;
        };
        let (day, n) = (first.get(i), articles.get(i).unwrap_or(0));
        let d = into
            .entry(id.to_string())
            .or_insert_with(|| (name.to_string(), day, 0));
        d.1 = match (d.1, day) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        d.2 += n;
    }
    Ok(())
}

/// Turns sums into the base columns of `company_daily` (one row per company and day it
/// is mentioned, in no particular order; see [`signals::enrich`] for the others).
fn finish(sums: &DataFrame, seen: &Seen) -> Result<DataFrame> {
    let col_i64 = |n: &str| -> Result<Vec<i64>> {
        Ok(sums
            .column(n)?
            .cast(&DataType::Int64)?
            .i64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let col_f64 = |n: &str| -> Result<Vec<f64>> {
        Ok(sums
            .column(n)?
            .f64()?
            .iter()
            .map(|v| v.unwrap_or(0.0))
            .collect())
    };
    let ids: Vec<String> = sums
        .column("entity_id")?
        .str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect();
    let dates: Vec<Option<i32>> = sums.column("date")?.date()?.physical().iter().collect();
    let articles = col_i64("articles")?;
    let mentions = col_i64("mentions")?;
    let s_sum = col_f64("sentiment_sum")?;
    let w_sum = col_f64("weighted_sum")?;
    let mean: Vec<f64> = s_sum
        .iter()
        .zip(&articles)
        .map(|(s, n)| scaled_mean(*s, *n))
        .collect();
    let weighted: Vec<f64> = w_sum
        .iter()
        .zip(&mentions)
        .map(|(s, n)| scaled_mean(*s, *n))
        .collect();
    // Relevance-weighted: Σ relevance × sentiment / Σ relevance (0 when every article
    // has relevance 0), from exact sums of units, so that it does not depend on the order
    // of the additions either (see `scaled_mean`).
    let by_relevance: Vec<f64> = col_f64("relevance_weighted_sum")?
        .iter()
        .zip(col_f64("relevance_sum")?)
        .map(|(s, r)| {
            if r > 0.0 {
                (s / r).round() / 10f64.powi(crate::tables::FLOAT_DECIMALS)
            } else {
                0.0
            }
        })
        .collect();
    let names: Vec<String> = ids
        .iter()
        .zip(&dates)
        .map(|(id, day)| seen.name(id, *day))
        .collect();
    let df = DataFrame::new_infer_height(vec![
        date_col("date", dates.into_iter()),
        Column::new("entity_id".into(), ids),
        Column::new("name".into(), names),
        Column::new("articles".into(), articles),
        Column::new("mentions".into(), mentions),
        Column::new("sentiment_mean".into(), mean),
        Column::new("sentiment_weighted".into(), weighted),
        Column::new("relevance_weighted_sentiment".into(), by_relevance),
        Column::new("positive".into(), col_i64("positive")?),
        Column::new("negative".into(), col_i64("negative")?),
        Column::new("neutral".into(), col_i64("neutral")?),
        Column::new("novel_articles".into(), col_i64("novel_articles")?),
    ])?;
    Ok(df)
}

fn discovered_frame(d: &BTreeMap<String, (String, Option<i32>, i64)>) -> Result<DataFrame> {
    Ok(DataFrame::new_infer_height(vec![
        Column::new("entity_id".into(), d.keys().cloned().collect::<Vec<_>>()),
        Column::new(
            "name".into(),
            d.values().map(|v| v.0.clone()).collect::<Vec<_>>(),
        ),
        date_col("first_seen", d.values().map(|v| v.1)),
        Column::new(
            "articles".into(),
            d.values().map(|v| v.2).collect::<Vec<_>>(),
        ),
    ])?)
}

/// Reads the aggregate artefacts (for export).
pub fn read_outputs(dir: &std::path::Path) -> Result<(DataFrame, DataFrame)> {
    Ok((
        read_parquet(&dir.join("company_daily.parquet"))?,
        read_parquet(&dir.join("discovered_companies.parquet"))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_are_exact_whatever_the_order_of_the_sums() {
        // -0.3389 and -0.339 average to -0.33895, a tie: half away from zero gives
        // -0.339 in every order of the additions (float sums could land either side).
        let scores = [-0.3389, 0.1, -0.339, -0.1];
        let sum_a: f64 = scores.iter().map(|&s| to_units(s)).sum();
        let sum_b: f64 = scores.iter().rev().map(|&s| to_units(s)).sum();
        assert_eq!(sum_a, sum_b);
        assert_eq!(
            scaled_mean(sum_a - to_units(0.1) - to_units(-0.1), 2),
            -0.339
        );
        assert_eq!(scaled_mean(to_units(0.1234) + to_units(0.1235), 2), 0.1235);
        assert_eq!(scaled_mean(to_units(0.9), 1), 0.9);
        assert_eq!(scaled_mean(0.0, 0), 0.0);
    }

    #[test]
    fn the_relevance_weighted_sentiment_does_not_depend_on_the_row_order() {
        // (relevance, sentiment) of four articles naming one company on one day.
        let rows = [
            (87.3512, -0.4021),
            (12.0004, 0.7313),
            (55.5, 0.1),
            (3.2417, -0.9999),
        ];
        let frame = |order: &[usize]| {
            let n = order.len();
            let pick =
                |f: fn(&(f64, f64)) -> f64| order.iter().map(|&i| f(&rows[i])).collect::<Vec<_>>();
            DataFrame::new_infer_height(vec![
                date_col("date", std::iter::repeat_n(Some(19000), n)),
                Column::new("entity_id".into(), vec!["renault"; n]),
                Column::new("name".into(), vec!["Renault"; n]),
                Column::new("type".into(), vec!["company"; n]),
                Column::new("mentions".into(), vec![1i64; n]),
                Column::new("sentiment".into(), pick(|r| r.1)),
                Column::new("label".into(), vec!["neutral"; n]),
                Column::new("relevance".into(), pick(|r| r.0)),
                Column::new("novel".into(), vec![true; n]),
            ])
            .unwrap()
        };
        let value = |order: &[usize]| {
            let mut seen = Seen::default();
            let sums = partial_sums(&frame(order), &mut seen, &|_| true).unwrap();
            let df = finish(&sums, &seen).unwrap();
            let v = df
                .column("relevance_weighted_sentiment")
                .unwrap()
                .f64()
                .unwrap()
                .get(0);
            v.unwrap()
        };
        let a = value(&[0, 1, 2, 3]);
        assert_eq!(a, value(&[3, 2, 1, 0]));
        assert_eq!(a, value(&[2, 0, 3, 1]));
        let exact: f64 =
            rows.iter().map(|(r, s)| r * s).sum::<f64>() / rows.iter().map(|r| r.0).sum::<f64>();
        assert!((a - exact).abs() <= 0.00005 + 1e-12, "{a} vs {exact}");
        assert_eq!(a, (a * 10_000.0).round() / 10_000.0);
    }

    #[test]
    fn company_names_are_per_day_and_discovered_ones_keep_their_first_name() {
        let mut seen = Seen::default();
        seen.company("lumen-arc", "Brightwave", Some(10));
        seen.company("lumen-arc", "Lumen Arc", Some(12));
        seen.company("lumen-arc", "Lumen Arc", Some(10)); // not the first of day 10
        seen.company("lumen-arc", "Lumen Arc", None);
        seen.company("new:acme", "Acme SA", Some(12));
        seen.company("new:acme", "ACME", Some(11));
        assert_eq!(seen.name("lumen-arc", Some(10)), "Brightwave");
        assert_eq!(seen.name("lumen-arc", Some(12)), "Lumen Arc");
        assert_eq!(seen.name("lumen-arc", Some(11)), "");
        assert_eq!(seen.name("new:acme", Some(11)), "Acme SA");
        assert_eq!(
            seen.discovered.get("new:acme").map(|d| (d.1, d.2)),
            Some((Some(11), 2))
        );
    }
}
