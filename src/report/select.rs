//! What the report shows, chosen from plain rows: the top companies by volume and by
//! buzz, the movers, each company's strongest days and top stories.
//!
//! Every function here is pure (rows in, rows out) so that the choices are tested on
//! small tables; [`super::rows`] turns the exported tables into these rows.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// One row of `company_daily` (the columns the report uses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Daily {
    /// Days since 1970-01-01 (the pipeline's local day).
    pub date: i32,
    pub entity_id: String,
    pub name: String,
    pub articles: i64,
    /// The day's sentiment: `relevance_weighted_sentiment` when the table has it, else
    /// `sentiment_mean`.
    pub sentiment: Option<f64>,
    /// `sentiment_7d`, when the table has it.
    pub sentiment_7d: Option<f64>,
    /// `buzz_z`, when the table has it.
    pub buzz_z: Option<f64>,
}

/// A company with the value it was ranked by.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub entity_id: String,
    pub name: String,
    pub value: f64,
    /// Articles over the whole period.
    pub articles: i64,
}

/// A company whose sentiment changed between two 7-day windows.
#[derive(Debug, Clone, PartialEq)]
pub struct Mover {
    pub entity_id: String,
    pub name: String,
    /// Article-weighted mean sentiment of the 7 days before the last 7.
    pub before: f64,
    /// The same over the last 7 days.
    pub after: f64,
    pub articles_before: i64,
    pub articles_after: i64,
}

impl Mover {
    /// `after - before`.
    pub fn change(&self) -> f64 {
        self.after - self.before
    }
}

/// Length of the movers' and buzz windows, in days.
pub const WINDOW_DAYS: i32 = 7;

/// Descending by value, then by name (a stable order for equal values).
fn by_value_desc(a: &Ranked, b: &Ranked) -> Ordering {
    b.value
        .partial_cmp(&a.value)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.entity_id.cmp(&b.entity_id))
}

/// Articles per company over the whole period (value = articles), every company once.
pub fn volumes(daily: &[Daily]) -> Vec<Ranked> {
    let mut by: BTreeMap<&str, Ranked> = BTreeMap::new();
    for d in daily {
        let r = by.entry(&d.entity_id).or_insert_with(|| Ranked {
            entity_id: d.entity_id.clone(),
            name: d.name.clone(),
            value: 0.0,
            articles: 0,
        });
        r.articles += d.articles;
        r.value = r.articles as f64;
    }
    let mut v: Vec<Ranked> = by.into_values().collect();
    v.sort_by(by_value_desc);
    v
}

/// The `n` companies with the most articles over the whole period.
pub fn top_by_volume(daily: &[Daily], n: usize) -> Vec<Ranked> {
    let mut v = volumes(daily);
    v.truncate(n);
    v
}

/// The `n` companies with the highest buzz over the last [`WINDOW_DAYS`] days up to
/// `end`: the highest `buzz_z` of those days when the rows have it (`has_buzz`),
/// otherwise the number of articles of those days. Companies silent in the window are
/// left out.
pub fn top_by_buzz(daily: &[Daily], end: i32, n: usize, has_buzz: bool) -> Vec<Ranked> {
    let mut totals: HashMap<&str, i64> = HashMap::new();
    for d in daily {
        *totals.entry(d.entity_id.as_str()).or_default() += d.articles;
    }
    let mut by: BTreeMap<&str, Ranked> = BTreeMap::new();
    for d in daily.iter().filter(|d| in_window(d.date, end)) {
        let value = if has_buzz {
            match d.buzz_z {
                Some(z) if z.is_finite() => z,
                _ => continue,
            }
        } else {
            d.articles as f64
        };
        let r = by.entry(&d.entity_id).or_insert_with(|| Ranked {
            entity_id: d.entity_id.clone(),
            name: d.name.clone(),
            value: if has_buzz { f64::NEG_INFINITY } else { 0.0 },
            articles: totals.get(d.entity_id.as_str()).copied().unwrap_or(0),
        });
        if has_buzz {
            r.value = r.value.max(value);
        } else {
            r.value += value;
        }
    }
    let mut v: Vec<Ranked> = by.into_values().filter(|r| r.value > 0.0).collect();
    v.sort_by(by_value_desc);
    v.truncate(n);
    v
}

/// Whether `date` is one of the [`WINDOW_DAYS`] days ending on `end`.
fn in_window(date: i32, end: i32) -> bool {
    date <= end && date > end - WINDOW_DAYS
}

/// The `n` companies whose sentiment changed most (in absolute value) between the 7 days
/// before the last 7 and the last 7 days up to `end`. A window's sentiment is the mean of
/// the daily sentiment weighted by the day's articles; a company needs `min_articles`
/// articles with a sentiment in each window.
pub fn movers(daily: &[Daily], end: i32, min_articles: i64, n: usize) -> Vec<Mover> {
    #[derive(Default)]
    struct Sums {
        name: String,
        w: [f64; 2],
        n: [i64; 2],
    }
    let mut by: BTreeMap<&str, Sums> = BTreeMap::new();
    for d in daily {
        let Some(s) = d.sentiment.filter(|s| s.is_finite()) else {
            continue;
        };
        let window = if in_window(d.date, end) {
            1
        } else if in_window(d.date, end - WINDOW_DAYS) {
            0
        } else {
            continue;
        };
        let e = by.entry(&d.entity_id).or_default();
        e.name.clone_from(&d.name);
        e.w[window] += s * d.articles as f64;
        e.n[window] += d.articles;
    }
    let mut v: Vec<Mover> = by
        .into_iter()
        .filter(|(_, s)| s.n[0] >= min_articles.max(1) && s.n[1] >= min_articles.max(1))
        .map(|(id, s)| Mover {
            entity_id: id.to_string(),
            name: s.name,
            before: s.w[0] / s.n[0] as f64,
            after: s.w[1] / s.n[1] as f64,
            articles_before: s.n[0],
            articles_after: s.n[1],
        })
        .collect();
    v.sort_by(|a, b| {
        b.change()
            .abs()
            .partial_cmp(&a.change().abs())
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.name.cmp(&b.name))
    });
    v.truncate(n);
    v
}

/// The strongest positive and negative days of one company's rows: the days with the
/// largest and the smallest net sentiment (the day's sentiment times its articles, i.e.
/// the sum over its articles), if above 0 and below 0. Ties go to the earlier day.
pub fn strongest_days(rows: &[&Daily]) -> (Option<i32>, Option<i32>) {
    let net = |d: &Daily| {
        d.sentiment
            .filter(|s| s.is_finite())
            .map(|s| s * d.articles as f64)
    };
    let mut best: Option<(f64, i32)> = None;
    let mut worst: Option<(f64, i32)> = None;
    for d in rows {
        let Some(x) = net(d) else { continue };
        if x > 0.0 && best.is_none_or(|(b, day)| x > b || (x == b && d.date < day)) {
            best = Some((x, d.date));
        }
        if x < 0.0 && worst.is_none_or(|(w, day)| x < w || (x == w && d.date < day)) {
            worst = Some((x, d.date));
        }
    }
    (best.map(|b| b.1), worst.map(|w| w.1))
}

/// One company in one article (the `article_entities` columns the report uses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Appearance {
    pub article_id: String,
    pub date: Option<i32>,
    pub mentions: i64,
    pub in_title: bool,
    pub sentiment: f64,
    /// `relevance` (0–100) when the table has it.
    pub relevance: Option<f64>,
    /// The article's `story_id` when `articles` has it.
    pub story_id: Option<String>,
}

/// The company's `n` top stories: its appearances ordered by relevance when known, else
/// by title first then mentions, then by the strength of the sentiment and the most
/// recent date; one article per story when stories are known.
pub fn top_stories<'a>(apps: &[&'a Appearance], n: usize) -> Vec<&'a Appearance> {
    let mut v: Vec<&Appearance> = apps.to_vec();
    v.sort_by(|a, b| {
        let rel = b
            .relevance
            .unwrap_or(-1.0)
            .partial_cmp(&a.relevance.unwrap_or(-1.0))
            .unwrap_or(Ordering::Equal);
        rel.then_with(|| b.in_title.cmp(&a.in_title))
            .then_with(|| b.mentions.cmp(&a.mentions))
            .then_with(|| {
                b.sentiment
                    .abs()
                    .partial_cmp(&a.sentiment.abs())
                    .unwrap_or(Ordering::Equal)
            })
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.article_id.cmp(&b.article_id))
    });
    let mut seen_stories = std::collections::HashSet::new();
    v.retain(|a| match &a.story_id {
        Some(s) => seen_stories.insert(s.as_str()),
        None => true,
    });
    v.truncate(n);
    v
}

/// A mention's sentence with its sentiment (the `mentions` columns the report uses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sentence {
    pub article_id: String,
    pub sentence: String,
    pub sentiment: f64,
    pub evidence: String,
}

/// Up to `n` distinct sentences of `candidates` whose sentiment has the sign of
/// `positive`, strongest first.
pub fn evidence<'a>(candidates: &[&'a Sentence], positive: bool, n: usize) -> Vec<&'a Sentence> {
    let mut v: Vec<&Sentence> = candidates
        .iter()
        .copied()
        .filter(|s| {
            if positive {
                s.sentiment > 0.0
            } else {
                s.sentiment < 0.0
            }
        })
        .collect();
    v.sort_by(|a, b| {
        b.sentiment
            .abs()
            .partial_cmp(&a.sentiment.abs())
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.article_id.cmp(&b.article_id))
    });
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.sentence.as_str()));
    v.truncate(n);
    v
}

/// Trailing article-weighted mean sentiment over the [`WINDOW_DAYS`] calendar days ending
/// on each of `days` (sorted), from one company's rows; `None` on days whose window has
/// no article with a sentiment.
pub fn trailing_sentiment(rows: &[&Daily], days: &[i32]) -> Vec<Option<f64>> {
    let mut sorted: Vec<&Daily> = rows.to_vec();
    sorted.sort_by_key(|d| d.date);
    days.iter()
        .map(|&day| {
            let (mut w, mut n) = (0.0, 0i64);
            for d in sorted.iter().filter(|d| in_window(d.date, day)) {
                if let Some(s) = d.sentiment.filter(|s| s.is_finite()) {
                    w += s * d.articles as f64;
                    n += d.articles;
                }
            }
            (n > 0).then(|| w / n as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2022-03-01 is day 19052.
    const MAR1: i32 = 19_052;

    fn day(date: i32, id: &str, articles: i64, sentiment: f64) -> Daily {
        Daily {
            date,
            entity_id: id.to_string(),
            name: id.to_uppercase(),
            articles,
            sentiment: Some(sentiment),
            ..Daily::default()
        }
    }

    fn table() -> Vec<Daily> {
        vec![
            // Airbus: much talked about, turns negative in the last week.
            day(MAR1, "airbus", 4, 0.5),
            day(MAR1 + 3, "airbus", 2, 0.2),
            day(MAR1 + 8, "airbus", 3, -0.4),
            day(MAR1 + 13, "airbus", 1, -0.8),
            // Danone: steady, slightly better.
            day(MAR1 + 1, "danone", 2, 0.1),
            day(MAR1 + 10, "danone", 2, 0.2),
            // Kering: quiet, then a burst in the last week, only then.
            day(MAR1 + 12, "kering", 6, 0.3),
            day(MAR1 + 13, "kering", 1, 0.3),
        ]
    }

    #[test]
    fn top_by_volume_sums_articles_and_breaks_ties_by_name() {
        let t = table();
        let top = top_by_volume(&t, 2);
        let got: Vec<(&str, i64)> = top.iter().map(|r| (r.name.as_str(), r.articles)).collect();
        assert_eq!(got, [("AIRBUS", 10), ("KERING", 7)]);
        let mut tie = vec![day(MAR1, "zodiac", 3, 0.0), day(MAR1, "accor", 3, 0.0)];
        tie.push(day(MAR1 + 1, "bic", 1, 0.0));
        let names: Vec<String> = top_by_volume(&tie, 3).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["ACCOR", "ZODIAC", "BIC"]);
    }

    #[test]
    fn buzz_uses_the_z_score_when_present_and_recent_volume_otherwise() {
        let end = MAR1 + 13;
        let t = table();
        // Without buzz_z: articles of the last 7 days (days 7..=13).
        let top = top_by_buzz(&t, end, 5, false);
        let got: Vec<(&str, f64)> = top
            .iter()
            .map(|r| (r.entity_id.as_str(), r.value))
            .collect();
        assert_eq!(got, [("kering", 7.0), ("airbus", 4.0), ("danone", 2.0)]);
        // With buzz_z: the highest z of the window; a negative z is not buzz.
        let mut t = t;
        for d in &mut t {
            d.buzz_z = Some(match (d.entity_id.as_str(), d.date - MAR1) {
                ("kering", 12) => 4.5,
                ("danone", 10) => 1.0,
                ("airbus", 3) => 9.0, // outside the window
                _ => -0.5,
            });
        }
        let top = top_by_buzz(&t, end, 5, true);
        let got: Vec<(&str, f64, i64)> = top
            .iter()
            .map(|r| (r.entity_id.as_str(), r.value, r.articles))
            .collect();
        assert_eq!(got, [("kering", 4.5, 7), ("danone", 1.0, 4)]);
    }

    #[test]
    fn movers_compare_two_article_weighted_weeks() {
        // Last week: days 7..=13; the week before: days 0..=6.
        let m = movers(&table(), MAR1 + 13, 1, 10);
        let got: Vec<&str> = m.iter().map(|m| m.entity_id.as_str()).collect();
        // Kering has no article in the week before: not a mover.
        assert_eq!(got, ["airbus", "danone"]);
        // Airbus before: (4×0.5 + 2×0.2) / 6 = 0.4; after: (3×(-0.4) + 1×(-0.8)) / 4 = -0.5.
        assert!((m[0].before - 0.4).abs() < 1e-9, "{:?}", m[0]);
        assert!((m[0].after + 0.5).abs() < 1e-9, "{:?}", m[0]);
        assert!((m[0].change() + 0.9).abs() < 1e-9);
        assert_eq!((m[0].articles_before, m[0].articles_after), (6, 4));
        assert!((m[1].change() - 0.1).abs() < 1e-9);
        // One day later the week before is days 1..=7: Airbus keeps only day 3.
        let m = movers(&table(), MAR1 + 14, 1, 10);
        assert!((m[0].before - 0.2).abs() < 1e-9, "{:?}", m[0]);
        // Requiring 3 articles in each week leaves Danone out (2 a week).
        let ids: Vec<String> = movers(&table(), MAR1 + 13, 3, 10)
            .into_iter()
            .map(|m| m.entity_id)
            .collect();
        assert_eq!(ids, ["airbus"]);
        // A week without any article: no mover.
        assert!(movers(&table(), MAR1 + 27, 1, 10).is_empty());
    }

    #[test]
    fn strongest_days_weigh_sentiment_by_articles() {
        let t = table();
        let airbus: Vec<&Daily> = t.iter().filter(|d| d.entity_id == "airbus").collect();
        // +2.0 on day 0 beats +0.4 on day 3; -1.2 on day 8 beats -0.8 on day 13.
        assert_eq!(strongest_days(&airbus), (Some(MAR1), Some(MAR1 + 8)));
        let kering: Vec<&Daily> = t.iter().filter(|d| d.entity_id == "kering").collect();
        assert_eq!(strongest_days(&kering), (Some(MAR1 + 12), None));
        let neutral = day(MAR1, "bic", 3, 0.0);
        assert_eq!(strongest_days(&[&neutral]), (None, None));
    }

    #[test]
    fn top_stories_prefer_relevance_then_title_and_keep_one_article_per_story() {
        let app = |id: &str, title: bool, mentions: i64, rel: Option<f64>, story: Option<&str>| {
            Appearance {
                article_id: id.into(),
                date: Some(MAR1),
                mentions,
                in_title: title,
                sentiment: 0.3,
                relevance: rel,
                story_id: story.map(str::to_string),
            }
        };
        // Without relevance: the title mention first, then the most mentions.
        let a = app("a", false, 5, None, None);
        let b = app("b", true, 1, None, None);
        let c = app("c", false, 2, None, None);
        let ids: Vec<&str> = top_stories(&[&a, &b, &c], 2)
            .iter()
            .map(|a| a.article_id.as_str())
            .collect();
        assert_eq!(ids, ["b", "a"]);
        // With relevance and stories: the copy of story s1 is dropped.
        let a = app("a", false, 5, Some(40.0), Some("s1"));
        let b = app("b", true, 1, Some(90.0), Some("s1"));
        let c = app("c", false, 2, Some(60.0), Some("s2"));
        let ids: Vec<&str> = top_stories(&[&a, &b, &c], 5)
            .iter()
            .map(|a| a.article_id.as_str())
            .collect();
        assert_eq!(ids, ["b", "c"]);
    }

    #[test]
    fn evidence_keeps_strongest_distinct_sentences_of_the_sign() {
        let s = |id: &str, text: &str, v: f64| Sentence {
            article_id: id.into(),
            sentence: text.into(),
            sentiment: v,
            evidence: String::new(),
        };
        let rows = [
            s("a", "Airbus raised its delivery target.", 0.6),
            s("b", "Airbus raised its delivery target.", 0.6),
            s("c", "Airbus shares slumped after the recall.", -0.7),
            s("d", "Airbus won a record order from IndiGo.", 0.9),
        ];
        let refs: Vec<&Sentence> = rows.iter().collect();
        let pos: Vec<&str> = evidence(&refs, true, 5)
            .iter()
            .map(|s| s.article_id.as_str())
            .collect();
        assert_eq!(pos, ["d", "a"]);
        let neg: Vec<&str> = evidence(&refs, false, 5)
            .iter()
            .map(|s| s.article_id.as_str())
            .collect();
        assert_eq!(neg, ["c"]);
    }

    #[test]
    fn trailing_sentiment_spans_calendar_days() {
        let t = table();
        let airbus: Vec<&Daily> = t.iter().filter(|d| d.entity_id == "airbus").collect();
        let got = trailing_sentiment(&airbus, &[MAR1, MAR1 + 3, MAR1 + 7, MAR1 + 11]);
        assert_eq!(got[0], Some(0.5));
        assert!((got[1].unwrap() - (4.0 * 0.5 + 2.0 * 0.2) / 6.0).abs() < 1e-9);
        // Day 7's window is days 1..=7: day 3 only.
        assert_eq!(got[2], Some(0.2));
        assert!((got[3].unwrap() + 0.4).abs() < 1e-9, "{got:?}");
        // No article in the window: no value (the line breaks).
        assert_eq!(trailing_sentiment(&airbus, &[MAR1 + 30]), [None]);
    }
}
