//! Stage 5 — aggregate: per company per date, with Polars.
//!
//! Each sentiment part is reduced to partial sums with a Polars group-by; the partials
//! (at most companies × days rows each) are then reduced again. Memory therefore grows
//! with the aggregates only, never with the number of articles.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use anyhow::{Context as _, Result};
use polars::prelude::*;

use crate::artefact::{read_parquet, write_parquet, Manifest, StageDir};
use crate::stages::{list_parts, secs, Context, Stage};
use crate::tables::{article_entities_from_frame, date_col, ArticleEntity};

/// Sums per (date, entity_id) over a set of article-entity rows.
fn partial_sums(rows: &[ArticleEntity]) -> Result<DataFrame> {
    let rows: Vec<&ArticleEntity> = rows
        .iter()
        .filter(|r| r.kind == "company" && r.date.is_some())
        .collect();
    let label = |l: &str| -> Vec<i64> { rows.iter().map(|r| i64::from(r.label == l)).collect() };
    let df = DataFrame::new_infer_height(vec![
        date_col("date", rows.iter().map(|r| r.date)),
        Column::new(
            "entity_id".into(),
            rows.iter()
                .map(|r| r.entity_id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new("articles".into(), vec![1i64; rows.len()]),
        Column::new(
            "mentions".into(),
            rows.iter().map(|r| r.mentions).collect::<Vec<_>>(),
        ),
        Column::new(
            "sentiment_sum".into(),
            rows.iter().map(|r| r.sentiment).collect::<Vec<_>>(),
        ),
        Column::new(
            "weighted_sum".into(),
            rows.iter()
                .map(|r| r.sentiment * r.mentions as f64)
                .collect::<Vec<_>>(),
        ),
        Column::new("positive".into(), label("positive")),
        Column::new("negative".into(), label("negative")),
        Column::new("neutral".into(), label("neutral")),
    ])?;
    reduce(&df)
}

const SUMMED: [&str; 7] = [
    "articles",
    "mentions",
    "sentiment_sum",
    "weighted_sum",
    "positive",
    "negative",
    "neutral",
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

/// Runs the aggregate stage: `company_daily` and `discovered_companies`.
pub fn run(ctx: &Context, manifest: Manifest) -> Result<Manifest> {
    let t0 = Instant::now();
    let parts = list_parts(&ctx.stage_dir(Stage::Sentiment), "article_entities")?;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Aggregate.name())?;
    let mut partials: Option<DataFrame> = None;
    let mut names: HashMap<String, String> = HashMap::new();
    // Discovered companies: name, first day seen, number of articles.
    let mut discovered: BTreeMap<String, (String, Option<i32>, i64)> = BTreeMap::new();
    let mut rows_in = 0u64;
    let bar = ctx.bar(Stage::Aggregate, parts.len() as u64, "parts");
    for part in &parts {
        let rows = article_entities_from_frame(&read_parquet(part)?)?;
        rows_in += rows.len() as u64;
        for r in rows.iter().filter(|r| r.kind == "company") {
            names
                .entry(r.entity_id.clone())
                .or_insert_with(|| r.name.clone());
            if r.entity_id.starts_with("new:") {
                let d = discovered
                    .entry(r.entity_id.clone())
                    .or_insert_with(|| (r.name.clone(), r.date, 0));
                d.1 = match (d.1, r.date) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                d.2 += 1;
            }
        }
        let p = partial_sums(&rows)?;
        partials = Some(match partials {
            None => p,
            Some(acc) => reduce(&acc.vstack(&p)?)?,
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    let sums = match partials {
        Some(p) => p,
        None => partial_sums(&[])?,
    };
    let mut daily = finish(&sums, &names)?;
    write_parquet(&dir.path("company_daily.parquet"), &mut daily)?;
    let mut disc = discovered_frame(&discovered)?;
    write_parquet(&dir.path("discovered_companies.parquet"), &mut disc)?;
    let m = Manifest {
        rows_in,
        rows_out: daily.height() as u64,
        parts: 1,
        seconds: secs(t0),
        extra: BTreeMap::from([("discovered_companies".to_string(), discovered.len() as u64)]),
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
}

/// Turns sums into the `company_daily` table, sorted by date then entity.
fn finish(sums: &DataFrame, names: &HashMap<String, String>) -> Result<DataFrame> {
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
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let mean: Vec<f64> = s_sum
        .iter()
        .zip(&articles)
        .map(|(s, n)| if *n > 0 { round(s / *n as f64) } else { 0.0 })
        .collect();
    let weighted: Vec<f64> = w_sum
        .iter()
        .zip(&mentions)
        .map(|(s, n)| if *n > 0 { round(s / *n as f64) } else { 0.0 })
        .collect();
    let df = DataFrame::new_infer_height(vec![
        date_col("date", dates.into_iter()),
        Column::new("entity_id".into(), ids.clone()),
        Column::new(
            "name".into(),
            ids.iter()
                .map(|id| names.get(id).cloned().unwrap_or_default())
                .collect::<Vec<_>>(),
        ),
        Column::new("articles".into(), articles),
        Column::new("mentions".into(), mentions),
        Column::new("sentiment_mean".into(), mean),
        Column::new("sentiment_weighted".into(), weighted),
        Column::new("positive".into(), col_i64("positive")?),
        Column::new("negative".into(), col_i64("negative")?),
        Column::new("neutral".into(), col_i64("neutral")?),
    ])?;
    df.sort(["date", "entity_id"], SortMultipleOptions::default())
        .map_err(anyhow::Error::from)
        .context("sorting company_daily")
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
