//! The derived columns of `company_daily`: rolling volume and sentiment over calendar
//! days, and z-scores of today's volume and sentiment against the company's own recent
//! history. A function of the base daily series only ([`enrich`]), so it can be
//! recomputed from the whole series whenever days are added.
//!
//! For company *c* on day *d*, with `n(t)` its articles on day *t* and `s(t)` its
//! `sentiment_mean` (0 on a day without articles):
//!
//! - `articles_Wd` = Σ n(t) over the W calendar days d−W+1 … d (W = 7, 30);
//! - `sentiment_Wd` = Σ n(t)·s(t) / Σ n(t) over the same days (0 when no article);
//! - `buzz_z` = (n(d) − μ) / max(σ, 1): μ, σ the mean and standard deviation of n(t)
//!   over the [`HISTORY_DAYS`] calendar days before d (days without articles count as 0),
//!   from the company's first day on; null with fewer than [`MIN_HISTORY_DAYS`] days of
//!   history. The floor of one article keeps a company named every few weeks from
//!   scoring 5 for its next single article;
//! - `sentiment_z` = (s(d) − μ) / max(σ, [`SENTIMENT_SD_FLOOR`]): μ, σ over the days with
//!   articles among the [`HISTORY_DAYS`] before d; null on a day without articles or with
//!   fewer than [`MIN_SENTIMENT_DAYS`] such days.
//!
//! Calendar days are meant whether the table is dense or not: a sparse series simply
//! has no rows for its zero days.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use polars::prelude::*;

use crate::tables::{date_col, round_float};

/// Days of history behind the z-scores.
pub const HISTORY_DAYS: i32 = 90;
/// Fewer days since the company's first day: no `buzz_z`.
pub const MIN_HISTORY_DAYS: i32 = 7;
/// Fewer earlier days with articles in the history: no `sentiment_z`.
pub const MIN_SENTIMENT_DAYS: usize = 5;
/// Floor of the sentiment standard deviation in `sentiment_z`.
pub const SENTIMENT_SD_FLOOR: f64 = 0.05;
/// Floor of the volume standard deviation in `buzz_z` (articles).
pub const BUZZ_SD_FLOOR: f64 = 1.0;

/// Integer columns of the base table, copied (0 on a filled-in day).
const COUNTS: [&str; 6] = [
    "articles",
    "mentions",
    "positive",
    "negative",
    "neutral",
    "novel_articles",
];
/// Float columns of the base table, copied (0 on a filled-in day).
const MEANS: [&str; 3] = [
    "sentiment_mean",
    "sentiment_weighted",
    "relevance_weighted_sentiment",
];

/// One company's days, for the window sums: prefix sums over its rows in date order.
struct Series {
    days: Vec<i32>,
    /// Prefix sums (length `days.len() + 1`) of n, n², n·s, [n > 0], s·[n > 0], s²·[n > 0].
    n: Vec<f64>,
    n2: Vec<f64>,
    ns: Vec<f64>,
    active: Vec<f64>,
    s: Vec<f64>,
    s2: Vec<f64>,
}

impl Series {
    fn new(rows: &[(i32, i64, f64)]) -> Series {
        let mut out = Series {
            days: rows.iter().map(|r| r.0).collect(),
            n: vec![0.0],
            n2: vec![0.0],
            ns: vec![0.0],
            active: vec![0.0],
            s: vec![0.0],
            s2: vec![0.0],
        };
        for &(_, n, s) in rows {
            let (n, on) = (n as f64, f64::from(u8::from(n > 0)));
            let push = |v: &mut Vec<f64>, x: f64| v.push(v.last().copied().unwrap_or(0.0) + x);
            push(&mut out.n, n);
            push(&mut out.n2, n * n);
            push(&mut out.ns, n * s);
            push(&mut out.active, on);
            push(&mut out.s, s * on);
            push(&mut out.s2, s * s * on);
        }
        out
    }

    /// Rows with day in `lo..=hi`, as a range of prefix indices.
    fn range(&self, lo: i32, hi: i32) -> (usize, usize) {
        (
            self.days.partition_point(|&d| d < lo),
            self.days.partition_point(|&d| d <= hi),
        )
    }

    fn sum(v: &[f64], (a, b): (usize, usize)) -> f64 {
        v[b] - v[a]
    }

    /// (articles, sentiment) over the `w` days ending on `day`.
    fn window(&self, day: i32, w: i32) -> (i64, f64) {
        let r = self.range(day - w + 1, day);
        let n = Self::sum(&self.n, r);
        let s = if n > 0.0 {
            Self::sum(&self.ns, r) / n
        } else {
            0.0
        };
        (n.round() as i64, s)
    }

    /// `buzz_z` on `day` with `today` articles (see the module documentation).
    fn buzz_z(&self, day: i32, today: i64) -> Option<f64> {
        let first = *self.days.first()?;
        let len = (day - first).min(HISTORY_DAYS);
        if len < MIN_HISTORY_DAYS {
            return None;
        }
        let r = self.range(day - len, day - 1);
        let len = f64::from(len);
        let mean = Self::sum(&self.n, r) / len;
        let var = (Self::sum(&self.n2, r) / len - mean * mean).max(0.0);
        Some((today as f64 - mean) / var.sqrt().max(BUZZ_SD_FLOOR))
    }

    /// `sentiment_z` on `day` with sentiment `s` over `today` articles.
    fn sentiment_z(&self, day: i32, today: i64, s: f64) -> Option<f64> {
        if today == 0 {
            return None;
        }
        let r = self.range(day - HISTORY_DAYS, day - 1);
        let k = Self::sum(&self.active, r);
        if k < MIN_SENTIMENT_DAYS as f64 {
            return None;
        }
        let mean = Self::sum(&self.s, r) / k;
        let var = (Self::sum(&self.s2, r) / k - mean * mean).max(0.0);
        Some((s - mean) / var.sqrt().max(SENTIMENT_SD_FLOOR))
    }
}

/// The `company_daily` table from its base columns (one row per company and day, any
/// order: `date`, `entity_id`, `name`, the [`COUNTS`] and the [`MEANS`]): the same rows
/// (plus, when `dense`, a zero row for every day without articles between a company's
/// first and last day, named as on the day before) sorted by company then date, with
/// `articles_7d`, `articles_30d`, `sentiment_7d`, `sentiment_30d`, `buzz_z` and
/// `sentiment_z` added (see the module documentation).
pub fn enrich(base: &DataFrame, dense: bool) -> Result<DataFrame> {
    derive(base, dense, None)
}

/// What [`enrich`] computes for some companies only, from a day on: for each company of
/// `limits`, the first day whose row is wanted (`base` holds all its rows).
type Limits<'a> = HashMap<&'a str, i32>;

/// [`enrich`], with the rows of companies outside `limits` and the days before their
/// `from` left out (see [`Limits`]).
fn derive(base: &DataFrame, dense: bool, limits: Option<&Limits<'_>>) -> Result<DataFrame> {
    let col = |n: &str| {
        base.column(n)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("internal error: company_daily without {n}"))
    };
    // Plain vectors: a chunked array's `get` looks up the chunk at every call.
    let ids: Vec<&str> = col("entity_id")?
        .str()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect();
    let names: Vec<&str> = col("name")?
        .str()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect();
    let dates: Vec<Option<i32>> = col("date")?.date()?.physical().iter().collect();
    let counts: Vec<Vec<i64>> = COUNTS
        .iter()
        .map(|n| -> Result<Vec<i64>> {
            Ok(col(n)?
                .cast(&DataType::Int64)?
                .i64()?
                .iter()
                .map(|v| v.unwrap_or(0))
                .collect())
        })
        .collect::<Result<_>>()?;
    let means: Vec<Vec<f64>> = MEANS
        .iter()
        .map(|n| -> Result<Vec<f64>> {
            Ok(col(n)?.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
        })
        .collect::<Result<_>>()?;
    // Rows with a date, by company then date.
    let mut order: Vec<usize> = (0..base.height()).filter(|&i| dates[i].is_some()).collect();
    order.sort_unstable_by(|&a, &b| (ids[a], dates[a]).cmp(&(ids[b], dates[b])));
    // Output rows: an index into the base, or a filled-in day (`None`) of the row before.
    let mut rows: Vec<(Option<usize>, &str, i32)> = Vec::with_capacity(order.len());
    // The row before, in company then date order.
    let mut last: Option<(&str, i32)> = None;
    for &i in &order {
        let (id, day) = (ids[i], dates[i].unwrap_or(0));
        if let Some((prev_id, prev)) = last.filter(|_| dense) {
            if prev_id == id {
                for d in prev + 1..day {
                    rows.push((None, id, d));
                }
            }
        }
        last = Some((id, day));
        rows.push((Some(i), id, day));
    }
    let n_rows = rows.len();
    let mut out_counts: Vec<Vec<i64>> = vec![Vec::with_capacity(n_rows); COUNTS.len()];
    let mut out_means: Vec<Vec<f64>> = vec![Vec::with_capacity(n_rows); MEANS.len()];
    let mut out_names: Vec<&str> = Vec::with_capacity(n_rows);
    let mut out_days: Vec<i32> = Vec::with_capacity(n_rows);
    let mut out_ids: Vec<&str> = Vec::with_capacity(n_rows);
    let (mut a7, mut a30, mut s7, mut s30) = (
        Vec::with_capacity(n_rows),
        Vec::with_capacity(n_rows),
        Vec::with_capacity(n_rows),
        Vec::with_capacity(n_rows),
    );
    let (mut buzz, mut sent_z) = (Vec::with_capacity(n_rows), Vec::with_capacity(n_rows));
    let articles = &counts[0];
    let sentiment = &means[0];
    for group in rows.chunk_by(|a, b| a.1 == b.1) {
        let id = group[0].1;
        let from = match limits {
            Some(l) => match l.get(id) {
                Some(&from) => from,
                None => continue,
            },
            None => i32::MIN,
        };
        let series = Series::new(
            &group
                .iter()
                .filter_map(|&(i, _, day)| Some((day, articles[i?], sentiment[i?])))
                .collect::<Vec<_>>(),
        );
        let mut name = "";
        for &(i, _, day) in group {
            if let Some(i) = i {
                name = names[i];
            }
            if day < from {
                continue;
            }
            out_names.push(name);
            out_days.push(day);
            out_ids.push(id);
            for (out, v) in out_counts.iter_mut().zip(&counts) {
                out.push(i.map_or(0, |i| v[i]));
            }
            for (out, v) in out_means.iter_mut().zip(&means) {
                out.push(i.map_or(0.0, |i| v[i]));
            }
            let (n, s) = i.map_or((0, 0.0), |i| (articles[i], sentiment[i]));
            let (n7, m7) = series.window(day, 7);
            let (n30, m30) = series.window(day, 30);
            a7.push(n7);
            a30.push(n30);
            s7.push(round_float(m7));
            s30.push(round_float(m30));
            buzz.push(series.buzz_z(day, n).map(round_float));
            sent_z.push(series.sentiment_z(day, n, s).map(round_float));
        }
    }
    let mut cols = vec![
        date_col("date", out_days.into_iter().map(Some)),
        Column::new("entity_id".into(), out_ids),
        Column::new("name".into(), out_names),
    ];
    let count = |name: &str, v: Vec<i64>| Column::new(name.into(), v);
    let mut counts = COUNTS.iter().zip(out_counts);
    let mut means = MEANS.iter().zip(out_means);
    // The base columns in the table's order: articles, mentions, the three means, the
    // labels, novel_articles.
    for (n, v) in counts.by_ref().take(2) {
        cols.push(count(n, v));
    }
    for (n, v) in means.by_ref() {
        cols.push(Column::new((*n).into(), v));
    }
    for (n, v) in counts {
        cols.push(count(n, v));
    }
    cols.extend([
        Column::new("articles_7d".into(), a7),
        Column::new("articles_30d".into(), a30),
        Column::new("sentiment_7d".into(), s7),
        Column::new("sentiment_30d".into(), s30),
        Column::new("buzz_z".into(), buzz),
        Column::new("sentiment_z".into(), sent_z),
    ]);
    Ok(DataFrame::new_infer_height(cols)?)
}

/// The `company_daily` table (sorted by date then company) after the rows of some days
/// changed: `old` is the previous table (every column, sorted by date then company, its
/// discovered companies already renamed), `base` the base columns of every row now (as
/// for [`enrich`]), `changed` the days whose base rows may differ from those `old` was
/// derived from. The same table as `enrich(base, dense)` sorted by date and company, but
/// the derived columns are computed only where a changed day can change them: for a
/// company with a row on a changed day, its rows from its first such day on (in a dense
/// table, from the day after its last row before: the quiet days in between take the
/// name of that row and end at the new row).
/// The other rows are kept from `old`.
pub fn enrich_changed(
    old: &DataFrame,
    base: &DataFrame,
    changed: &std::collections::HashSet<i32>,
    dense: bool,
) -> Result<DataFrame> {
    fn days_of(df: &DataFrame) -> Result<Vec<Option<i32>>> {
        Ok(df.column("date")?.date()?.physical().iter().collect())
    }
    fn ids_of(df: &DataFrame) -> Result<Vec<Option<&str>>> {
        Ok(df.column("entity_id")?.str()?.iter().collect())
    }
    let (base_ids, base_days) = (ids_of(base)?, days_of(base)?);
    let (old_ids, old_days) = (ids_of(old)?, days_of(old)?);
    // Per company: its first row on a changed day (now or before).
    let mut start: HashMap<&str, i32> = HashMap::new();
    for (id, d) in base_ids.iter().zip(&base_days) {
        if let (Some(id), Some(d)) = (*id, *d) {
            if changed.contains(&d) {
                let s = start.entry(id).or_insert(d);
                *s = (*s).min(d);
            }
        }
    }
    for (id, d) in old_ids.iter().zip(&old_days) {
        if let (Some(id), Some(d)) = (*id, *d) {
            if changed.contains(&d) {
                let s = start.entry(id).or_insert(d);
                *s = (*s).min(d);
            }
        }
    }
    if dense {
        // From the day after the last row before: the quiet days since then change too.
        let mut before: HashMap<&str, i32> = HashMap::new();
        for (id, d) in base_ids.iter().zip(&base_days) {
            if let (Some(id), Some(d)) = (*id, *d) {
                if start.get(id).is_some_and(|&s| d < s) {
                    let b = before.entry(id).or_insert(d);
                    *b = (*b).max(d);
                }
            }
        }
        for (id, s) in start.iter_mut() {
            *s = before.get(id).map_or(i32::MIN, |b| b + 1);
        }
    }
    let Some(&lowest) = start.values().min() else {
        return Ok(old.clone());
    };
    // The base rows the new rows are derived from: every row of their companies, so that
    // the window sums (differences of prefix sums from the company's first day) are the
    // very floats a whole derivation gives.
    let mask: BooleanChunked = base_ids
        .iter()
        .zip(&base_days)
        .map(|(id, d)| Some(d.is_some() && id.is_some_and(|id| start.contains_key(id))))
        .collect();
    let new_rows = derive(&base.filter(&mask)?, dense, Some(&start))?;
    // The rows kept from `old`: before `lowest`, a prefix in date order; from it on,
    // sorted again with the new rows.
    let keep = |i: usize| match (old_ids[i], old_days[i]) {
        (Some(id), Some(d)) => start.get(id).is_none_or(|&s| d < s),
        _ => false,
    };
    let head: BooleanChunked = (0..old.height())
        .map(|i| Some(keep(i) && old_days[i].is_some_and(|d| d < lowest)))
        .collect();
    let tail: BooleanChunked = (0..old.height())
        .map(|i| Some(keep(i) && old_days[i].is_some_and(|d| d >= lowest)))
        .collect();
    let mut tail = old.filter(&tail)?;
    tail.vstack_mut(&new_rows.select(old.get_column_names_owned())?)
        .map_err(anyhow::Error::from)
        .context("company_daily: the previous table's columns differ")?;
    let tail = tail.sort(["date", "entity_id"], SortMultipleOptions::default())?;
    let mut out = old.filter(&head)?;
    out.vstack_mut(&tail)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base table of one company: (day, articles, sentiment_mean).
    fn base(id: &str, days: &[(i32, i64, f64)]) -> DataFrame {
        let n = days.len();
        let mut cols = vec![
            date_col("date", days.iter().map(|d| Some(d.0))),
            Column::new("entity_id".into(), vec![id; n]),
            Column::new("name".into(), vec![format!("{id} SA"); n]),
        ];
        for c in COUNTS {
            let v: Vec<i64> = days
                .iter()
                .map(|d| if c == "articles" { d.1 } else { 1 })
                .collect();
            cols.push(Column::new(c.into(), v));
        }
        for c in MEANS {
            cols.push(Column::new(
                c.into(),
                days.iter().map(|d| d.2).collect::<Vec<_>>(),
            ));
        }
        DataFrame::new_infer_height(cols).unwrap()
    }

    fn i64s(df: &DataFrame, c: &str) -> Vec<i64> {
        df.column(c)
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    }
    fn f64s(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
        df.column(c).unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn rolling_windows_count_calendar_days_dense_or_not() {
        // Day 0: 2 articles at 0.5; day 3: 1 at -0.4; day 10: 1 at 0.1.
        let b = base("acme", &[(10, 1, 0.1), (0, 2, 0.5), (3, 1, -0.4)]);
        let sparse = enrich(&b, false).unwrap();
        assert_eq!(sparse.height(), 3);
        assert_eq!(i64s(&sparse, "articles_7d"), [2, 3, 1]);
        assert_eq!(i64s(&sparse, "articles_30d"), [2, 3, 4]);
        // (2·0.5 − 0.4) / 3 = 0.2 over days 0–3; day 10's week holds day 10 alone.
        assert_eq!(
            f64s(&sparse, "sentiment_7d"),
            [Some(0.5), Some(0.2), Some(0.1)]
        );
        assert_eq!(f64s(&sparse, "sentiment_30d")[2], Some(0.175));

        let dense = enrich(&b, true).unwrap();
        assert_eq!(dense.height(), 11);
        let days: Vec<i32> = dense
            .column("date")
            .unwrap()
            .date()
            .unwrap()
            .physical()
            .iter()
            .flatten()
            .collect();
        assert_eq!(days, (0..=10).collect::<Vec<_>>());
        // Quiet days: zero counts, the name of the day before, the window still full.
        assert_eq!(i64s(&dense, "articles")[1], 0);
        assert_eq!(i64s(&dense, "mentions")[1], 0);
        assert_eq!(
            dense.column("name").unwrap().str().unwrap().get(5),
            Some("acme SA")
        );
        assert_eq!(i64s(&dense, "articles_7d")[5], 3);
        assert_eq!(i64s(&dense, "articles_7d")[9], 1, "day 9: days 3..=9");
        assert_eq!(i64s(&dense, "articles_7d")[10], 1);
        assert_eq!(f64s(&dense, "sentiment_7d")[7], Some(-0.4));
    }

    #[test]
    fn buzz_is_volume_against_the_company_s_own_trailing_days() {
        // One article a day for 20 days, then 6.
        let mut days: Vec<(i32, i64, f64)> = (0..20).map(|d| (d, 1, 0.1)).collect();
        days.push((20, 6, 0.1));
        let df = enrich(&base("acme", &days), false).unwrap();
        let z = f64s(&df, "buzz_z");
        // No z-score in the first week.
        assert!(z[..7].iter().all(Option::is_none), "{z:?}");
        // A steady day: 0; σ = 0 is floored at one article: (6 − 1) / 1.
        assert_eq!(z[19], Some(0.0));
        assert_eq!(z[20], Some(5.0));

        // Alternating 0 and 4 articles (μ = 2, σ = 2 over 10 days), then 8: z = 3.
        let mut days: Vec<(i32, i64, f64)> = (0..10)
            .filter(|d| d % 2 == 1)
            .map(|d| (d, 4, 0.0))
            .collect();
        days.insert(0, (0, 0, 0.0));
        days.push((10, 8, 0.0));
        let df = enrich(&base("acme", &days), true).unwrap();
        assert_eq!(f64s(&df, "buzz_z").last().copied().flatten(), Some(3.0));
    }

    #[test]
    fn sentiment_z_needs_five_earlier_days_with_articles() {
        // Sentiments 0.1, 0.3 alternating (μ = 0.2, σ = 0.1), then 0.5: z = 3.
        let mut days: Vec<(i32, i64, f64)> = (0..6)
            .map(|d| (d * 2, 1, if d % 2 == 0 { 0.1 } else { 0.3 }))
            .collect();
        days.push((12, 2, 0.5));
        let df = enrich(&base("acme", &days), true).unwrap();
        let z = f64s(&df, "sentiment_z");
        assert!(z[..10].iter().all(Option::is_none), "{z:?}");
        // Day 11 has no article: no sentiment z-score.
        assert_eq!(z[11], None);
        assert_eq!(z[12], Some(3.0));
        // σ floored: a flat history at 0.2, then 0.3: (0.3 − 0.2) / 0.05.
        let mut flat: Vec<(i32, i64, f64)> = (0..6).map(|d| (d, 1, 0.2)).collect();
        flat.push((6, 1, 0.3));
        let df = enrich(&base("acme", &flat), false).unwrap();
        assert_eq!(f64s(&df, "sentiment_z")[6], Some(2.0));
    }

    /// A base table of several companies from (company, day, articles, sentiment).
    fn bases(rows: &[(usize, i32, i64, f64)]) -> DataFrame {
        let mut df: Option<DataFrame> = None;
        for &(c, d, n, s) in rows {
            let b = base(&format!("c{c}"), &[(d, n, s)]);
            match &mut df {
                None => df = Some(b),
                Some(df) => {
                    df.vstack_mut(&b).unwrap();
                }
            }
        }
        df.unwrap()
    }

    #[test]
    fn changed_days_give_the_table_of_a_whole_derivation() {
        let mut x = 11u64;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for round in 0..40 {
            let dense = round % 2 == 0;
            // Five companies over 300 days, some days without articles.
            let mut before: Vec<(usize, i32, i64, f64)> = Vec::new();
            for c in 0..5 {
                let from = next(60) as i32;
                for d in from..300 {
                    if next(3) == 0 {
                        before.push((c, d, 1 + next(4) as i64, (next(21) as f64 - 10.0) / 10.0));
                    }
                }
            }
            // Changed days: appended (the usual run), in the middle, before a company's
            // first day; rows added, removed, changed; a new company.
            let changed: std::collections::HashSet<i32> = match round % 4 {
                0 => (296..305).collect(),
                1 => [150, 151, 220].into(),
                2 => [0, 1, 2, 40].into(),
                _ => (0..300).filter(|_| next(30) == 0).collect(),
            };
            let mut after: Vec<(usize, i32, i64, f64)> = Vec::new();
            for &r in &before {
                if !changed.contains(&r.1) {
                    after.push(r);
                } else if next(3) != 0 {
                    after.push(if next(2) == 0 {
                        (r.0, r.1, r.2 + 1, -r.3)
                    } else {
                        r
                    });
                }
            }
            for &d in &changed {
                for c in 0..6 {
                    let exists = after.iter().any(|r| r.0 == c && r.1 == d);
                    if !exists && next(3) == 0 {
                        after.push((c, d, 1 + next(3) as i64, 0.3));
                    }
                }
            }
            let sorted = |df: DataFrame| {
                df.sort(["date", "entity_id"], SortMultipleOptions::default())
                    .unwrap()
            };
            let old = sorted(enrich(&bases(&before), dense).unwrap());
            let whole = sorted(enrich(&bases(&after), dense).unwrap());
            let part = enrich_changed(&old, &bases(&after), &changed, dense).unwrap();
            assert!(
                part.equals_missing(&whole),
                "round {round} (dense {dense}):\n{part}\n{whole}"
            );
        }
    }

    #[test]
    fn companies_are_separate_series() {
        let mut b = base("acme", &[(0, 3, 0.5), (2, 1, 0.5)]);
        b.vstack_mut(&base("zeta", &[(1, 5, -0.5)])).unwrap();
        let df = enrich(&b, true).unwrap();
        let ids: Vec<&str> = df
            .column("entity_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(ids, ["acme", "acme", "acme", "zeta"]);
        assert_eq!(i64s(&df, "articles_7d"), [3, 3, 4, 5]);
        assert_eq!(f64s(&df, "sentiment_7d")[3], Some(-0.5));
    }
}
