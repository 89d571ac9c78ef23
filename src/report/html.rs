//! Writing the report page: HTML with every text from the articles escaped, the chart
//! data as JSON, and the chart library and the page's own script and style inline.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta};
use serde_json::{json, Value};

use super::labels::Labels;
use super::load::Loaded;
use super::rows::Rows;
use super::{CompanyPage, Content, StrongDay};

/// The vendored chart library (uPlot 1.6.32, MIT; see data/README.md).
const UPLOT_JS: &str = include_str!("../../data/vendor/uplot/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../../data/vendor/uplot/uPlot.min.css");
/// The page's own script (draws the charts from the embedded JSON) and style.
const PAGE_JS: &str = include_str!("assets/report.js");
const PAGE_CSS: &str = include_str!("assets/report.css");
/// Collects script errors into the page (see `assets/report.js`); first in `<head>`.
const ERROR_COLLECTOR: &str = include_str!("assets/errors.js");

/// What [`render`] needs.
pub struct Input<'a> {
    pub out: &'a Path,
    pub loaded: &'a Loaded,
    pub rows: &'a Rows,
    pub content: &'a Content,
    pub labels: &'static Labels,
    /// The time zone of timestamps (`None`: not known, UTC shown).
    pub tz: Option<chrono_tz::Tz>,
    pub warnings: &'a [String],
}

/// Text escaped for HTML element content.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_text(s)
}

/// Text escaped for a double-quoted attribute.
fn attr(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
}

/// A link target from the articles, only when it is a web address (never `javascript:`).
fn safe_url(url: &str) -> Option<&str> {
    let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url.trim_start())
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
pub fn fmt_day(day: i32) -> String {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(TimeDelta::days(i64::from(day))))
        .map_or_else(|| day.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// `YYYY-MM-DD HH:MM` of microseconds since the epoch, in `tz` (UTC when `None`).
pub fn fmt_time(micros: i64, tz: Option<chrono_tz::Tz>) -> String {
    let Some(utc) = DateTime::from_timestamp_micros(micros) else {
        return String::new();
    };
    match tz {
        Some(tz) => utc.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        None => utc.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// A run-log time (RFC 3339 UTC) in `tz`.
fn fmt_rfc3339(s: &str, tz: Option<chrono_tz::Tz>) -> String {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_micros())
        .map_or_else(|| s.to_string(), |us| fmt_time(us, tz))
}

/// A sentiment with its sign.
fn fmt_sent(x: f64) -> String {
    format!("{x:+.2}")
}

/// CSS class of a sentiment value.
fn tone(x: f64) -> &'static str {
    if x > 0.05 {
        "pos"
    } else if x < -0.05 {
        "neg"
    } else {
        "neu"
    }
}

/// A float for the chart data, 3 decimals.
fn r3(x: Option<f64>) -> Value {
    match x.filter(|x| x.is_finite()) {
        Some(x) => json!((x * 1000.0).round() / 1000.0),
        None => Value::Null,
    }
}

/// The element id of a company's section.
fn section_id(i: usize) -> String {
    format!("c-{i}")
}

/// Writes the whole page.
pub fn render(inp: &Input<'_>) -> Result<String> {
    let l = inp.labels;
    let mut h = String::with_capacity(256 * 1024);
    let pipeline = inp
        .loaded
        .runs
        .last()
        .map(|r| r.pipeline.clone())
        .unwrap_or_else(|| inp.out.display().to_string());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — {}</title>\n<script>{}</script>\n<style>{}</style>\n<style>{}</style>\n</head>\n<body>\n",
        l.html_lang,
        esc(l.title),
        esc(&pipeline),
        ERROR_COLLECTOR,
        UPLOT_CSS,
        PAGE_CSS
    );
    let _ = write!(
        h,
        "<header id=\"top\"><h1>{} <span class=\"sub\">{}</span></h1>",
        esc(l.title),
        esc(&pipeline)
    );
    nav(&mut h, inp);
    h.push_str("</header>\n<main>\n");
    for w in inp.warnings {
        let _ = writeln!(h, "<p class=\"warning\">{}</p>", esc(w));
    }
    summary(&mut h, inp);
    tops(&mut h, inp);
    movers(&mut h, inp);
    for (i, p) in inp.content.pages.iter().enumerate() {
        company(&mut h, inp, i, p);
    }
    notes(&mut h, inp);
    h.push_str("</main>\n");
    let data = chart_data(inp);
    // `<` never appears raw inside the script element (so no `</script>` or `<!--`).
    let json = serde_json::to_string(&data)?.replace('<', "\\u003c");
    let _ = write!(
        h,
        "<div id=\"nt-status\" data-render=\"pending\" data-errors=\"0\" data-charts=\"0\" hidden></div>\n\
         <script type=\"application/json\" id=\"nt-data\">{json}</script>\n\
         <script>{UPLOT_JS}</script>\n<script>{PAGE_JS}</script>\n</body>\n</html>\n"
    );
    Ok(h)
}

fn nav(h: &mut String, inp: &Input<'_>) {
    let l = inp.labels;
    let _ = write!(
        h,
        "<nav><a href=\"#summary\">{}</a> <a href=\"#top-companies\">{}</a> <a href=\"#movers\">{}</a> \
         <details><summary>{} ({})</summary><ul class=\"companies\">",
        esc(l.summary),
        esc(l.companies),
        esc(l.movers),
        esc(l.company),
        inp.content.pages.len()
    );
    for (i, p) in inp.content.pages.iter().enumerate() {
        let _ = write!(
            h,
            "<li><a href=\"#{}\">{}</a></li>",
            section_id(i),
            esc(&p.name)
        );
    }
    h.push_str("</ul></details></nav>");
}

/// A `<table>` from a header and rows of already-escaped cells.
fn table(h: &mut String, head: &[&str], rows: &[Vec<String>], class: &str) {
    let _ = write!(h, "<table class=\"{class}\"><thead><tr>");
    for c in head {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            let _ = write!(h, "<td>{c}</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>\n");
}

fn summary(h: &mut String, inp: &Input<'_>) {
    let l = inp.labels;
    let c = inp.content;
    let rows = inp.rows;
    let _ = write!(
        h,
        "<section id=\"summary\"><h2>{}</h2><div class=\"cards\">",
        esc(l.summary)
    );
    let card = |h: &mut String, k: &str, v: &str| {
        let _ = write!(
            h,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
            esc(k),
            esc(v)
        );
    };
    card(h, l.articles, &rows.articles.len().to_string());
    if let Some(d) = inp.loaded.duplicates {
        card(h, l.duplicates, &d.to_string());
    }
    let mut sources: std::collections::HashMap<&str, u64> = Default::default();
    let mut langs: std::collections::HashMap<&str, u64> = Default::default();
    for a in rows.articles.values() {
        *sources.entry(a.source.as_str()).or_default() += 1;
        *langs.entry(a.lang.as_str()).or_default() += 1;
    }
    card(h, l.sources, &sources.len().to_string());
    card(
        h,
        l.companies,
        &super::select::volumes(&rows.daily).len().to_string(),
    );
    let rejected: u64 = rows.rejects.iter().map(|r| r.1).sum();
    card(h, l.rejects, &rejected.to_string());
    if let (Some(a), Some(b)) = (c.first_day, c.last_day) {
        card(h, l.period, &format!("{} – {}", fmt_day(a), fmt_day(b)));
    }
    h.push_str("</div>\n<dl class=\"run\">");
    let tz_text = match inp.tz {
        Some(tz) => tz.name().to_string(),
        None => format!("UTC — {}", l.tz_unknown),
    };
    if let Some(r) = inp.loaded.runs.iter().rev().find(|r| r.succeeded()) {
        let _ = write!(
            h,
            "<dt>{}</dt><dd>{} ({})</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{:.1} s</dd>",
            esc(l.run),
            esc(&r.run_id),
            esc(&r.newstone),
            esc(l.finished),
            esc(&fmt_rfc3339(&r.finished, inp.tz)),
            esc(l.duration),
            r.seconds
        );
    }
    let _ = writeln!(
        h,
        "<dt>{}</dt><dd>{}</dd></dl>",
        esc(l.timezone),
        esc(&tz_text)
    );
    let _ = write!(
        h,
        "<h3>{}</h3><div class=\"chart\" data-chart=\"summary\"></div>\n<div class=\"cols\"><div>",
        esc(l.articles_per_day)
    );
    let mut s: Vec<(&str, u64)> = sources.into_iter().collect();
    s.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let s_rows: Vec<Vec<String>> = s
        .iter()
        .take(15)
        .map(|(k, n)| vec![esc(k).into_owned(), n.to_string()])
        .collect();
    let _ = write!(h, "<h3>{}</h3>", esc(l.sources));
    table(h, &[l.source, l.articles], &s_rows, "num2");
    let mut g: Vec<(&str, u64)> = langs.into_iter().collect();
    g.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let g_rows: Vec<Vec<String>> = g
        .iter()
        .map(|(k, n)| vec![esc(k).into_owned(), n.to_string()])
        .collect();
    let _ = write!(h, "</div><div><h3>{}</h3>", esc(l.languages));
    table(h, &[l.language, l.articles], &g_rows, "num2");
    let _ = write!(h, "</div><div><h3>{}</h3>", esc(l.rejects));
    if rows.rejects.is_empty() {
        let _ = write!(h, "<p>{}</p>", esc(l.no_rejects));
    } else {
        let r_rows: Vec<Vec<String>> = rows
            .rejects
            .iter()
            .map(|(k, n)| vec![esc(k).into_owned(), n.to_string()])
            .collect();
        table(h, &[l.reason, l.count], &r_rows, "num2");
    }
    h.push_str("</div></div></section>\n");
}

/// A link to a company's section when it has one, else its escaped name.
fn company_link(inp: &Input<'_>, id: &str, name: &str) -> String {
    match inp.content.pages.iter().position(|p| p.entity_id == id) {
        Some(i) => format!("<a href=\"#{}\">{}</a>", section_id(i), esc(name)),
        None => esc(name).into_owned(),
    }
}

fn tops(h: &mut String, inp: &Input<'_>) {
    let l = inp.labels;
    let c = inp.content;
    let _ = write!(
        h,
        "<section id=\"top-companies\"><div class=\"cols\"><div><h2>{}</h2>",
        esc(l.top_volume)
    );
    let rows: Vec<Vec<String>> = c
        .top_volume
        .iter()
        .map(|r| {
            vec![
                company_link(inp, &r.entity_id, &r.name),
                r.articles.to_string(),
            ]
        })
        .collect();
    table(h, &[l.company, l.articles], &rows, "num2");
    let _ = write!(h, "</div><div><h2>{}</h2>", esc(l.top_buzz));
    let buzz = inp.rows.signals.buzz;
    let rows: Vec<Vec<String>> = c
        .top_buzz
        .iter()
        .map(|r| {
            let v = if buzz {
                format!("{:.1}", r.value)
            } else {
                format!("{}", r.value)
            };
            vec![
                company_link(inp, &r.entity_id, &r.name),
                v,
                r.articles.to_string(),
            ]
        })
        .collect();
    let head = if buzz { l.buzz } else { l.recent_articles };
    table(h, &[l.company, head, l.articles], &rows, "num2 num3");
    let note = format!(
        "{} ({} – {})",
        if buzz {
            l.buzz_z_note
        } else {
            l.buzz_fallback_note
        },
        fmt_day(c.end - 6),
        fmt_day(c.end)
    );
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p></div></div></section>",
        esc(&note)
    );
}

fn movers(h: &mut String, inp: &Input<'_>) {
    let l = inp.labels;
    let c = inp.content;
    let _ = write!(h, "<section id=\"movers\"><h2>{}</h2>", esc(l.movers));
    if c.last_day.is_some() {
        let end = c.end;
        let _ = write!(
            h,
            "<p class=\"note\">{} – {} / {} – {}</p>",
            fmt_day(end - 13),
            fmt_day(end - 7),
            fmt_day(end - 6),
            fmt_day(end)
        );
    }
    if c.movers.is_empty() {
        let _ = write!(h, "<p>{}</p>", esc(l.no_movers));
    } else {
        let rows: Vec<Vec<String>> = c
            .movers
            .iter()
            .map(|m| {
                vec![
                    company_link(inp, &m.entity_id, &m.name),
                    format!(
                        "{} <small>({})</small>",
                        fmt_sent(m.before),
                        m.articles_before
                    ),
                    format!(
                        "{} <small>({})</small>",
                        fmt_sent(m.after),
                        m.articles_after
                    ),
                    format!(
                        "<span class=\"{}\">{}</span>",
                        tone(m.change()),
                        fmt_sent(m.change())
                    ),
                ]
            })
            .collect();
        table(
            h,
            &[l.company, l.before, l.after, l.change],
            &rows,
            "num2 num3 num4",
        );
    }
    let _ = writeln!(h, "<p class=\"note\">{}</p></section>", esc(l.movers_note));
}

fn company(h: &mut String, inp: &Input<'_>, i: usize, p: &CompanyPage) {
    let l = inp.labels;
    let _ = write!(
        h,
        "<section class=\"company\" id=\"{}\"><h2>{} <span class=\"sub\">{} {} · <code>{}</code></span> <a class=\"up\" href=\"#top\">↑ {}</a></h2>",
        section_id(i),
        esc(&p.name),
        p.articles,
        esc(&l.articles.to_lowercase()),
        esc(&p.entity_id),
        esc(l.back_to_top)
    );
    let _ = write!(
        h,
        "<p class=\"note\">{}</p><div class=\"chart\" data-chart=\"{i}\"></div>",
        esc(l.volume_sentiment)
    );
    let _ = write!(
        h,
        "<div class=\"cols\"><div><h3>{}</h3><ul class=\"stories\">",
        esc(l.top_stories)
    );
    for s in &p.stories {
        let a = inp.rows.articles.get(&s.article_id);
        let title = a.map_or(s.article_id.as_str(), |a| a.title.as_str());
        let link = match a.and_then(|a| a.url.as_deref()).and_then(safe_url) {
            Some(u) => format!(
                "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                attr(u),
                esc(title)
            ),
            None => esc(title).into_owned(),
        };
        let when = match a.and_then(|a| a.published_at) {
            Some(us) => fmt_time(us, inp.tz),
            None => s.date.map(fmt_day).unwrap_or_default(),
        };
        let source = a.map_or("", |a| a.source.as_str());
        let mut meta = format!("{} · {}", esc(&when), esc(source));
        if let Some(r) = s.relevance {
            let _ = write!(meta, " · {} {r:.0}", esc(l.relevance));
        } else if s.in_title {
            let _ = write!(meta, " · {}", esc(l.in_title));
        }
        let _ = write!(
            h,
            "<li>{link}<div class=\"meta\">{meta} · {} {} · <span class=\"{}\">{}</span></div></li>",
            s.mentions,
            esc(l.mentions),
            tone(s.sentiment),
            fmt_sent(s.sentiment)
        );
    }
    h.push_str("</ul></div><div>");
    strong_day(h, inp, l.strongest_positive, p.best.as_ref());
    strong_day(h, inp, l.strongest_negative, p.worst.as_ref());
    h.push_str("</div></div></section>\n");
}

fn strong_day(h: &mut String, inp: &Input<'_>, title: &str, day: Option<&StrongDay>) {
    let l = inp.labels;
    let _ = write!(h, "<h3>{}</h3>", esc(title));
    let Some(d) = day else {
        let _ = write!(h, "<p>{}</p>", esc(l.no_day));
        return;
    };
    let _ = write!(
        h,
        "<p><b>{}</b> · {} {} · {} <span class=\"{}\">{}</span></p><ul class=\"evidence\">",
        fmt_day(d.date),
        d.articles,
        esc(&l.articles.to_lowercase()),
        esc(l.sentiment),
        tone(d.sentiment),
        fmt_sent(d.sentiment)
    );
    for s in &d.sentences {
        let a = inp.rows.articles.get(&s.article_id);
        let src = match (
            a.map(|a| a.title.as_str()),
            a.and_then(|a| a.url.as_deref()).and_then(safe_url),
        ) {
            (Some(t), Some(u)) => format!(
                "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                attr(u),
                esc(t)
            ),
            (Some(t), None) => esc(t).into_owned(),
            _ => esc(&s.article_id).into_owned(),
        };
        let cues = if s.evidence.is_empty() {
            String::new()
        } else {
            format!(" · {}: <i>{}</i>", esc(l.evidence), esc(&s.evidence))
        };
        let _ = write!(
            h,
            "<li><q>{}</q><div class=\"meta\"><span class=\"{}\">{}</span>{cues} · {src}</div></li>",
            esc(&s.sentence),
            tone(s.sentiment),
            fmt_sent(s.sentiment)
        );
    }
    h.push_str("</ul>");
}

fn notes(h: &mut String, inp: &Input<'_>) {
    let l = inp.labels;
    let sig = inp.rows.signals;
    let _ = write!(h, "<section id=\"notes\"><h2>{}</h2><ul>", esc(l.notes));
    let mut note = |t: &str| {
        let _ = write!(h, "<li>{}</li>", esc(t));
    };
    note(l.strongest_note);
    if sig.weighted_sentiment {
        note(l.weighted_note);
    }
    if !sig.sentiment_7d {
        note(l.trend_computed_note);
    }
    if !sig.buzz {
        note(l.buzz_fallback_note);
    }
    if !sig.relevance {
        note(l.relevance_fallback_note);
    }
    if sig.stories {
        note(l.stories_note);
    }
    note(l.made_with);
    h.push_str("</ul></section>\n");
}

/// The data the charts draw: days as numbers (days since 1970-01-01, local days).
fn chart_data(inp: &Input<'_>) -> Value {
    let l = inp.labels;
    let c = inp.content;
    let summary = match (c.articles_per_day.first(), c.articles_per_day.last()) {
        (Some(&(a, _)), Some(&(b, _))) => {
            let mut v = vec![0i64; (b - a + 1) as usize];
            for &(d, n) in &c.articles_per_day {
                v[(d - a) as usize] = n;
            }
            json!({"x0": a, "v": v})
        }
        _ => json!({"x0": 0, "v": []}),
    };
    let companies: Vec<Value> = c
        .pages
        .iter()
        .map(|p| {
            json!({
                "x0": p.days.first().copied().unwrap_or(0),
                "v": p.volume,
                "s": p.sentiment.iter().map(|x| r3(*x)).collect::<Vec<_>>(),
                "t": p.trend.iter().map(|x| r3(*x)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "labels": {
            "date": l.date,
            "articles": l.articles,
            "sentiment": l.sentiment,
            "sentiment_7d": l.sentiment_7d,
        },
        "summary": summary,
        "companies": companies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(
            safe_url("https://www.lemonde.fr/a"),
            Some("https://www.lemonde.fr/a")
        );
        assert_eq!(safe_url("HTTP://x.org"), Some("HTTP://x.org"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,hi"), None);
    }

    #[test]
    fn days_and_times() {
        assert_eq!(fmt_day(19_058), "2022-03-07");
        // 2022-03-07T23:30:00Z is already the 8th in Paris.
        let us = 1_646_695_800_000_000;
        assert_eq!(
            fmt_time(us, Some(chrono_tz::Europe::Paris)),
            "2022-03-08 00:30"
        );
        assert_eq!(fmt_time(us, None), "2022-03-07 23:30 UTC");
    }
}
