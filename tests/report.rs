//! `newstone report`: the HTML page of a real run of the sample pipeline, its layouts and
//! refusals, and the page opened in headless Chromium (skipped when Chromium is absent).

mod common;
use common::*;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the default pipeline into `out`.
fn sample_run(out: &Path) {
    newstone_ok(&["run", "pipelines/default.toml", "--out", &path_str(out)]);
}

/// Runs the sample pipeline (JSON lines and notes) with the given export `partitioning`.
fn sample_run_partitioned(dir: &Path, name: &str, partitioning: &str) -> PathBuf {
    let sample = repo().join("data/sample");
    let out = dir.join(name);
    let p = dir.join(format!("{name}.toml"));
    fs::write(
        &p,
        format!(
            "name = \"{name}\"\nout = \"{}\"\ntimezone = \"Europe/Paris\"\n\
             [[inputs]]\npath = \"{}\"\n[[inputs]]\npath = \"{}\"\n\
             [export]\ncsv = false\npartitioning = \"{partitioning}\"\n",
            path_str(&out),
            path_str(&sample.join("wire.jsonl")),
            path_str(&sample.join("notes")),
        ),
    )
    .unwrap();
    newstone_ok(&["run", &path_str(&p)]);
    out
}

#[test]
fn report_of_the_sample_run_is_self_contained_and_labelled() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    sample_run(&out);
    let stderr = newstone_ok(&["report", &path_str(&out)]);
    assert!(stderr.contains("report.html"), "{stderr}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.len() < 5_000_000);
    // Nothing is fetched at view time: no external script, style or image.
    for external in ["<script src", "<link ", "<img ", "@import", "url(http"] {
        assert!(!html.contains(external), "{external} in the page");
    }
    // The run's summary, the sections and the companies of the sample.
    for part in [
        "id=\"summary\"",
        "id=\"top-companies\"",
        "id=\"movers\"",
        "<h2>Airbus ",
        "<h2>Apple ",
        "Europe/Paris",
        "Articles per day",
        "Strongest negative day",
        "https://example.org/wire/w-001",
    ] {
        assert!(html.contains(part), "{part} missing");
    }
    // The rejects of the sample, by reason.
    assert!(html.contains("<td>broken JSON</td>"), "rejects by reason");
    // Every chart has its data and the page its error collector.
    assert!(html.matches("data-chart=").count() >= 10);
    assert!(html.contains("id=\"nt-status\" data-render=\"pending\""));

    // French labels, to another file.
    let fr = tmp.path().join("rapport.html");
    newstone_ok(&[
        "report",
        &path_str(&out),
        "--lang",
        "fr",
        "--output",
        &path_str(&fr),
    ]);
    let html = fs::read_to_string(&fr).unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Jour le plus négatif") && html.contains("Articles par jour"));
}

#[test]
fn text_from_articles_is_escaped_and_links_are_web_links_only() {
    let tmp = tempdir();
    let input = tmp.path().join("hostile.jsonl");
    let title = "Airbus </script><script>alert(1)</script> wins a record order";
    let body = "Airbus won a record order from a large Asian airline on Tuesday, its \
                biggest this year, and its shares rose strongly in Paris.";
    let records = [
        serde_json::json!({"id": "h1", "title": title, "text": body, "lang": "en",
            "date": "2022-03-08T09:00:00Z", "url": "javascript:alert(2)"}),
        serde_json::json!({"id": "h2", "title": "Airbus \"quotes\" & <b>bold</b> claims",
            "text": "Airbus shares fell sharply after a profit warning on Wednesday, \
                     and analysts cut their targets.", "lang": "en",
            "date": "2022-03-09T09:00:00Z", "url": "https://example.org/a?x=1&y=\"2\""}),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = tmp.path().join("out");
    newstone_ok(&[
        "run",
        "pipelines/default.toml",
        "--input",
        &path_str(&input),
        "--out",
        &path_str(&out),
    ]);
    newstone_ok(&["report", &path_str(&out)]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Airbus "), "Airbus has a section");
    assert!(!html.contains("<script>alert"), "a title became markup");
    assert!(!html.contains("<b>bold"), "a title became markup");
    assert!(!html.contains("javascript:alert"), "a javascript: link");
    // The web link is kept, with its quote escaped inside the attribute.
    assert!(
        html.contains("href=\"https://example.org/a?x=1&amp;y=&quot;2&quot;\""),
        "escaped link"
    );
}

#[test]
fn partitioned_tables_give_the_same_report_as_single_files() {
    use newstone::report::{load, prepare};
    let tmp = tempdir();
    let mut contents = Vec::new();
    for (name, partitioning) in [("single", "none"), ("day", "day"), ("month", "month")] {
        let out = sample_run_partitioned(tmp.path(), name, partitioning);
        if partitioning != "none" {
            assert!(out.join("company_daily").is_dir(), "{name} is partitioned");
        }
        let loaded = load::load(&out, false).unwrap();
        let (rows, c) = prepare(&loaded, 30, None).unwrap();
        contents.push((
            name,
            rows.articles.len(),
            c.top_volume,
            c.movers,
            c.articles_per_day,
            c.pages.len(),
        ));
        newstone_ok(&["report", &path_str(&out)]);
        assert!(out.join("report.html").is_file());
    }
    let (_, n, top, movers, per_day, pages) = &contents[0];
    assert!(*n > 10 && !top.is_empty() && *pages > 0);
    for (name, n2, top2, movers2, per_day2, pages2) in &contents[1..] {
        assert_eq!(
            (n, top, movers, per_day, pages),
            (n2, top2, movers2, per_day2, pages2),
            "{name}"
        );
    }
}

#[test]
fn an_incomplete_folder_is_refused_unless_allowed() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    sample_run(&out);
    fs::remove_file(out.join("_SUCCESS")).unwrap();
    let o = newstone(&["report", &path_str(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("_SUCCESS is missing") && err.contains("--allow-incomplete"),
        "{err}"
    );
    newstone_ok(&["report", &path_str(&out), "--allow-incomplete"]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("class=\"warning\""));
    // Not an output folder at all.
    let o = newstone(&["report", &path_str(tmp.path())]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
}

// ---- the page in a real browser ---------------------------------------------------

/// The Chromium binary: `NEWSTONE_CHROMIUM`, else `chromium` or `chromium-browser` on
/// the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NEWSTONE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `args`; returns stdout. Killed after 90 s.
fn headless(chrome: &Path, profile: &Path, page: &Path, args: &[&str]) -> String {
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("waiting for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 90 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().expect("reader thread")
}

/// The attribute `name` of the status element in a dumped DOM.
fn status_attr(dom: &str, name: &str) -> String {
    let start = dom
        .find("id=\"nt-status\"")
        .expect("status element in the DOM");
    let tag = &dom[start..start + dom[start..].find('>').unwrap_or(0)];
    let key = format!("{name}=\"");
    let from = tag
        .find(&key)
        .map(|i| i + key.len())
        .unwrap_or_else(|| panic!("no {name} in {tag}"));
    tag[from..from + tag[from..].find('"').unwrap_or(0)].to_string()
}

#[test]
fn report_renders_in_headless_chromium_without_script_errors() {
    let Some(chrome) = chromium() else {
        eprintln!(
            "skipped: Chromium not found (install the OS package `chromium`, as .ci/run does, \
             or set NEWSTONE_CHROMIUM)"
        );
        return;
    };
    let tmp = tempdir();
    let out = tmp.path().join("out");
    sample_run(&out);
    newstone_ok(&["report", &path_str(&out)]);
    let page = out.join("report.html");
    let html = fs::read_to_string(&page).unwrap();
    let charts = html.matches("data-chart=\"").count();
    let profile = tmp.path().join("profile");

    let dom = headless(&chrome, &profile, &page, &["--dump-dom"]);
    assert_eq!(
        status_attr(&dom, "data-render"),
        "ok",
        "{}",
        &dom[dom.len().saturating_sub(2000)..]
    );
    assert_eq!(status_attr(&dom, "data-errors"), "0");
    assert_eq!(status_attr(&dom, "data-charts"), charts.to_string());
    // uPlot draws on canvases: at least one per chart.
    assert!(
        dom.matches("<canvas").count() >= charts,
        "charts were not drawn"
    );

    let png = tmp.path().join("report.png");
    headless(
        &chrome,
        &profile,
        &page,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,1600",
        ],
    );
    let bytes = fs::read(&png).expect("a screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
        "{} bytes",
        bytes.len()
    );
    let kept = std::env::temp_dir().join("newstone-report-sample.png");
    fs::copy(&png, &kept).ok();
    eprintln!("screenshot of the sample report: {}", kept.display());

    // The collector is not vacuous: a page with a failing script says so.
    let broken = tmp.path().join("broken.html");
    fs::write(
        &broken,
        html.replace("</body>", "<script>undefinedFunction();</script></body>"),
    )
    .unwrap();
    let dom = headless(&chrome, &profile, &broken, &["--dump-dom"]);
    assert_eq!(status_attr(&dom, "data-render"), "errors");
    assert!(dom.contains("undefinedFunction"), "the error is shown");
}

/// Adds `col` to the single-file table `table` of `out` (rewriting the file).
fn add_column(out: &Path, table: &str, col: polars::prelude::Column) {
    use polars::prelude::*;
    let path = out.join(format!("{table}.parquet"));
    let mut df = read(out, table);
    df.with_column(col).unwrap();
    let f = fs::File::create(&path).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
}

/// Removes the columns `cols` (those present) from the single-file table `table` of `out`.
fn drop_columns(out: &Path, table: &str, cols: &[&str]) {
    use polars::prelude::*;
    let path = out.join(format!("{table}.parquet"));
    let mut df = read(out, table);
    for c in cols {
        if df.column(c).is_ok() {
            df = df.drop(c).unwrap();
        }
    }
    let f = fs::File::create(&path).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
}

/// With the signal columns (relevance, stories, buzz, rolling sentiment) the page uses
/// them, and says nothing of the fallbacks.
#[test]
fn signal_columns_are_used_when_present() {
    use polars::prelude::*;
    let tmp = tempdir();
    let out = tmp.path().join("out");
    sample_run(&out);
    let cd = read(&out, "company_daily");
    let n = cd.height();
    let articles: Vec<f64> = ints(&cd, "articles").iter().map(|&a| a as f64).collect();
    let mean = cd.column("sentiment_mean").unwrap().clone();
    add_column(
        &out,
        "company_daily",
        mean.with_name("relevance_weighted_sentiment".into()),
    );
    add_column(
        &out,
        "company_daily",
        Column::new(
            "buzz_z".into(),
            articles.iter().map(|a| a * 1.5).collect::<Vec<f64>>(),
        ),
    );
    add_column(
        &out,
        "company_daily",
        Column::new("sentiment_7d".into(), vec![0.25f64; n]),
    );
    let ae = read(&out, "article_entities");
    let rel: Vec<f64> = ints(&ae, "mentions")
        .iter()
        .map(|&m| (m as f64 * 20.0).min(100.0))
        .collect();
    add_column(
        &out,
        "article_entities",
        Column::new("relevance".into(), rel),
    );
    let a = read(&out, "articles");
    let stories: Vec<String> = strings(&a, "article_id")
        .iter()
        .map(|id| format!("s-{id}"))
        .collect();
    add_column(&out, "articles", Column::new("story_id".into(), stories));
    add_column(
        &out,
        "articles",
        Column::new("novel".into(), vec![true; a.height()]),
    );

    newstone_ok(&["report", &path_str(&out)]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<th>Buzz (z)</th>"), "buzz column");
    assert!(
        html.contains("relevance_weighted_sentiment"),
        "weighted note"
    );
    assert!(html.contains("One article per story"), "stories note");
    assert!(
        html.contains(" · Relevance "),
        "relevance of the top stories"
    );
    for fallback in ["has no buzz_z", "has no sentiment_7d", "has no relevance"] {
        assert!(!html.contains(fallback), "{fallback}");
    }
    // The 7-day line is the table's sentiment_7d (0.25 on every row).
    assert!(html.contains("\"t\":[0.25"), "sentiment_7d drawn");
    // Without them (an output written before they existed), the page says which
    // fallbacks it used.
    let plain = tmp.path().join("plain");
    sample_run(&plain);
    for (table, cols) in [
        ("articles", &["story_id", "novel"][..]),
        ("article_entities", &["relevance", "novel"][..]),
        (
            "company_daily",
            &[
                "relevance_weighted_sentiment",
                "novel_articles",
                "sentiment_7d",
                "sentiment_30d",
                "articles_7d",
                "articles_30d",
                "buzz_z",
                "sentiment_z",
            ][..],
        ),
    ] {
        drop_columns(&plain, table, cols);
    }
    newstone_ok(&["report", &path_str(&plain)]);
    let html = fs::read_to_string(plain.join("report.html")).unwrap();
    for fallback in ["has no buzz_z", "has no sentiment_7d", "has no relevance"] {
        assert!(html.contains(fallback), "{fallback}");
    }
}

/// The report of the Le Monde 2022 run (skipped without ../shared): under 5 MB, in both
/// languages, and (with Chromium) drawn without a script error.
#[test]
fn lemonde_report_is_small_and_renders() {
    let corpus = repo().join("../shared/corpora/lemonde-2022");
    if !corpus.is_dir() {
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let tmp = tempdir();
    let out = tmp.path().join("out");
    newstone_ok(&["run", "pipelines/lemonde.toml", "--out", &path_str(&out)]);
    newstone_ok(&["report", &path_str(&out), "--lang", "fr"]);
    let page = out.join("report.html");
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.len() < 5_000_000, "{} bytes", html.len());
    assert!(html.contains("Europe/Paris") && html.contains("<h2>TotalEnergies "));
    let Some(chrome) = chromium() else {
        eprintln!("skipped the browser part: Chromium not found");
        return;
    };
    let dom = headless(&chrome, &tmp.path().join("profile"), &page, &["--dump-dom"]);
    assert_eq!(status_attr(&dom, "data-render"), "ok");
    assert_eq!(
        status_attr(&dom, "data-charts"),
        html.matches("data-chart=\"").count().to_string()
    );
}
