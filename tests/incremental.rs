//! Incremental runs: a scheduled run over an archive that grows by one file a day gives
//! the same tables as one run over the whole archive, and a backfill rewrites only the
//! partitions of its days.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{newstone_ok, path_str, tempdir};
use polars::prelude::*;

/// Companies of the built-in gazetteer and what the news says about them.
const COMPANIES: [&str; 8] = [
    "Airbus",
    "TotalEnergies",
    "Renault",
    "LVMH",
    "Orange",
    "Danone",
    "Carrefour",
    "Michelin",
];
const GOOD: [&str; 4] = [
    "{c} a relevé ses prévisions annuelles après un trimestre record.",
    "{c} signe un contrat géant et son action bondit en Bourse.",
    "Les ventes de {c} progressent nettement, portées par une forte demande.",
    "{c} shares rose sharply after strong quarterly results beat forecasts.",
];
const BAD: [&str; 4] = [
    "{c} lance un avertissement sur ses résultats et supprime des emplois.",
    "L'action {c} chute lourdement après une amende record des autorités.",
    "{c} enregistre une perte nette et recule face à la concurrence.",
    "{c} shares slumped after the company cut its outlook and warned on profits.",
];

/// One JSON line of an article.
fn article(id: &str, day: u32, title: &str, text: &str) -> String {
    serde_json::json!({
        "id": id,
        "date": format!("2024-03-{day:02}T09:30:00+01:00"),
        "title": title,
        "text": text,
    })
    .to_string()
}

/// The articles written on day `day` (title and text).
fn own_articles(day: u32) -> Vec<(String, String)> {
    (0..5u32)
        .map(|k| {
            let c = COMPANIES[((day * 3 + k) % 8) as usize];
            let other = COMPANIES[((day + k * 5 + 1) % 8) as usize];
            let (a, b) = if (day + k).is_multiple_of(3) {
                (BAD, GOOD)
            } else {
                (GOOD, BAD)
            };
            let title = a[((day + k) % 4) as usize].replace("{c}", c);
            let text = format!(
                "{} {} Jour {day}, dépêche {k}.",
                a[((day * 7 + k) % 4) as usize].replace("{c}", c),
                b[(k % 4) as usize].replace("{c}", other),
            );
            (title, text)
        })
        .collect()
}

/// The archive's file for day `day` (1–30): the day's articles, a copy of the previous
/// day's first article under another id (a duplicate across days, so across runs), the
/// previous day's second article again under its own id, and a record without text (a
/// reject).
fn day_file(day: u32) -> String {
    let mut lines: Vec<String> = own_articles(day)
        .iter()
        .enumerate()
        .map(|(k, (title, text))| article(&format!("d{day}-{k}"), day, title, text))
        .collect();
    if day > 1 {
        let prev = own_articles(day - 1);
        lines.push(article(
            &format!("d{day}-copy"),
            day,
            &prev[0].0,
            &prev[0].1,
        ));
        lines.push(article(
            &format!("d{}-1", day - 1),
            day - 1,
            &prev[1].0,
            &prev[1].1,
        ));
    }
    lines
        .push(serde_json::json!({"id": format!("d{day}-empty"), "date": "2024-03-01"}).to_string());
    lines.join("\n") + "\n"
}

/// A pipeline in `dir` reading `dir/in/*.jsonl` into `dir/out` (paths relative to the
/// pipeline file, so the tables name the input files alike in every folder).
fn pipeline(dir: &Path, partitioning: &str) -> String {
    fs::create_dir_all(dir.join("in")).unwrap();
    let p = dir.join("pipeline.toml");
    fs::write(
        &p,
        format!(
            "name = \"archive\"\nout = \"out\"\ntimezone = \"Europe/Paris\"\n\
             [[inputs]]\npath = \"in/*.jsonl\"\n[export]\npartitioning = \"{partitioning}\"\n"
        ),
    )
    .unwrap();
    path_str(&p)
}

fn write_day(dir: &Path, day: u32) {
    fs::write(
        dir.join("in").join(format!("2024-03-{day:02}.jsonl")),
        day_file(day),
    )
    .unwrap();
}

/// Every row of `table` in `out` as sorted strings, whatever the layout: one file, or
/// Hive folders (`date=` puts the day back as the `date` column).
fn rows(out: &Path, table: &str) -> Vec<String> {
    let single = out.join(format!("{table}.parquet"));
    let mut frames: Vec<DataFrame> = Vec::new();
    if single.exists() {
        frames.push(common::read(out, table));
    } else {
        let mut files: Vec<PathBuf> = Vec::new();
        for part in fs::read_dir(out.join(table)).unwrap().flatten() {
            for f in fs::read_dir(part.path()).unwrap().flatten() {
                files.push(f.path());
            }
        }
        files.sort();
        for f in files {
            let mut df = ParquetReader::new(fs::File::open(&f).unwrap())
                .finish()
                .unwrap();
            let folder = f.parent().unwrap().file_name().unwrap().to_string_lossy();
            if let Some(day) = folder.strip_prefix("date=") {
                let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
                let n = df.height();
                let days: Vec<Option<i32>> = vec![
                    d.map(
                        |d| (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
                            as i32
                    );
                    n
                ];
                let col = Column::new("date".into(), days)
                    .cast(&DataType::Date)
                    .unwrap();
                df.with_column(col).unwrap();
            }
            frames.push(df);
        }
    }
    let mut out_rows = Vec::new();
    for df in frames {
        let mut names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        names.sort();
        // Timestamps as their physical value (formatting them needs time zone support).
        let cols: Vec<Column> = names
            .iter()
            .map(|c| {
                let col = df.column(c).unwrap();
                match col.dtype() {
                    DataType::Datetime(_, _) => col.cast(&DataType::Int64).unwrap(),
                    _ => col.clone(),
                }
            })
            .collect();
        for i in 0..df.height() {
            let row: Vec<String> = names
                .iter()
                .zip(&cols)
                .map(|(c, col)| format!("{c}={}", col.get(i).unwrap()))
                .collect();
            out_rows.push(row.join("|"));
        }
    }
    out_rows.sort();
    out_rows
}

use newstone::stages::export::TABLES;

fn run_log(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join("_runs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn thirty_daily_runs_give_the_tables_of_one_run_over_the_thirty_files() {
    let tmp = tempdir();
    // One run over the 30 files, written as single files.
    let whole = tmp.path().join("whole");
    let whole_p = pipeline(&whole, "none");
    for day in 1..=30 {
        write_day(&whole, day);
    }
    newstone_ok(&["run", &whole_p]);
    // The same archive arriving one day at a time, partitioned by day.
    let daily = tmp.path().join("daily");
    let daily_p = pipeline(&daily, "day");
    for day in 1..=30 {
        write_day(&daily, day);
        let log = newstone_ok(&["run", &daily_p]);
        if day > 1 {
            assert!(
                log.contains(&format!("{} of {day} input files unchanged", day - 1)),
                "day {day}: {log}"
            );
        }
    }
    let (daily_out, whole_out) = (daily.join("out"), whole.join("out"));
    for table in TABLES {
        let (a, b) = (rows(&daily_out, table), rows(&whole_out, table));
        assert!(!a.is_empty() || table == "discovered_companies", "{table}");
        assert_eq!(a.len(), b.len(), "{table}");
        assert_eq!(a, b, "{table}");
    }
    // Duplicates across days are found across runs too.
    let articles = rows(&daily_out, "articles");
    assert_eq!(articles.len(), 30 * 5);
    assert!(!articles.iter().any(|r| r.contains("-copy")));
    assert_eq!(rows(&daily_out, "rejects").len(), 30);
    // Each daily run computed only its day: its log line counts one new file and writes the
    // partitions of that day.
    let runs = run_log(&daily_out);
    assert_eq!(runs.len(), 30);
    let last = &runs[29];
    assert_eq!(last["status"], "ok");
    assert_eq!(
        (last["inputs_new"].as_u64(), last["inputs_seen"].as_u64()),
        (Some(1), Some(30))
    );
    assert_eq!(last["articles_added"].as_i64(), Some(5));
    let touched: Vec<&str> = last["partitions_touched"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(touched.contains(&"articles/date=2024-03-30"), "{touched:?}");
    assert!(
        touched.iter().all(|p| p.ends_with("date=2024-03-30")),
        "{touched:?}"
    );
}

#[test]
fn a_changed_or_removed_file_replaces_what_came_from_it() {
    let tmp = tempdir();
    let dir = tmp.path().join("run");
    let p = pipeline(&dir, "day");
    for day in 1..=6 {
        write_day(&dir, day);
    }
    let out = dir.join("out");
    newstone_ok(&["run", &p]);
    // Day 3 is corrected (one article less) and day 5 withdrawn.
    let day3: Vec<String> = day_file(3).lines().skip(1).map(str::to_owned).collect();
    fs::write(dir.join("in/2024-03-03.jsonl"), day3.join("\n") + "\n").unwrap();
    fs::remove_file(dir.join("in/2024-03-05.jsonl")).unwrap();
    newstone_ok(&["run", &p]);
    let runs = run_log(&out);
    let last = runs.last().unwrap();
    assert_eq!(
        (
            last["inputs_changed"].as_u64(),
            last["inputs_removed"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // The same tables as a run from scratch over the files as they are now.
    let fresh = tmp.path().join("fresh");
    let fresh_p = pipeline(&fresh, "day");
    for f in fs::read_dir(dir.join("in")).unwrap().flatten() {
        fs::copy(f.path(), fresh.join("in").join(f.file_name())).unwrap();
    }
    newstone_ok(&["run", &fresh_p]);
    for table in TABLES {
        assert_eq!(
            rows(&out, table),
            rows(&fresh.join("out"), table),
            "{table}"
        );
    }
    // Day 5's articles went with its file, except the one day 6 sent again.
    let articles = rows(&out, "articles");
    let has = |id: &str| {
        articles
            .iter()
            .any(|r| r.contains(&format!("article_id=\"{id}\"")))
    };
    assert!(!has("d5-0") && !has("d5-2") && has("d5-1") && has("d6-0"));
    assert!(!has("d3-0") && has("d3-1"));
    // `--force` rebuilds everything, with the same result.
    newstone_ok(&["run", &p, "--force"]);
    for table in TABLES {
        assert_eq!(
            rows(&out, table),
            rows(&fresh.join("out"), table),
            "{table}"
        );
    }
}

#[test]
fn a_backfill_rewrites_only_the_partitions_of_its_days() {
    let tmp = tempdir();
    let dir = tmp.path().join("run");
    let p = pipeline(&dir, "day");
    // Daily runs: one chunk per day.
    for day in 1..=4 {
        write_day(&dir, day);
        newstone_ok(&["run", &p]);
    }
    let out = dir.join("out");
    let stamp = |day: u32| {
        fs::metadata(out.join(format!("articles/date=2024-03-{day:02}/part-0.parquet")))
            .and_then(|m| m.modified())
            .unwrap()
    };
    let before: BTreeMap<u32, _> = (1..=4).map(|d| (d, stamp(d))).collect();
    let rows_before = rows(&out, "mentions");
    assert!(!rows_before.is_empty());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let log = newstone_ok(&["run", &p, "--dates", "2024-03-02..2024-03-03"]);
    assert!(log.contains("backfill"), "{log}");
    let runs = run_log(&out);
    let last = runs.last().unwrap();
    assert_eq!(last["status"], "ok");
    let stages: Vec<&str> = last["stages_run"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(stages, ["entities", "sentiment", "aggregate", "export"]);
    // Days 1 and 4 are untouched; the recomputed days give the same rows (nothing changed
    // in the reference data).
    assert_eq!(stamp(1), before[&1]);
    assert_eq!(stamp(4), before[&4]);
    assert_eq!(rows(&out, "mentions"), rows_before);
    // A bad range is an error that says how to write it.
    let bad = common::newstone(&["run", &p, "--dates", "2024-03-09..2024-03-02"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("FROM..TO"));
}

#[test]
fn a_daily_run_goes_on_from_the_saved_state_and_keeps_unchanged_undated_tables() {
    let tmp = tempdir();
    let dir = tmp.path().join("run");
    let p = pipeline(&dir, "day");
    let out = dir.join("out");
    for day in 1..=2 {
        write_day(&dir, day);
        newstone_ok(&["run", &p]);
    }
    let entities = out.join("entities.parquet");
    let written = fs::metadata(&entities).unwrap().modified().unwrap();
    let discovered = fs::read(out.join("discovered_companies.parquet")).unwrap();
    write_day(&dir, 3);
    let log = newstone_ok(&["-v", "run", &p]);
    // The de-duplication and story state of days 1 and 2 is loaded, not rebuilt.
    assert!(log.contains("normalize: state of 2 chunks loaded"), "{log}");
    // `entities` shows the gazetteer and the discovered companies: unchanged, not written.
    if fs::read(out.join("discovered_companies.parquet")).unwrap() == discovered {
        assert_eq!(
            fs::metadata(&entities).unwrap().modified().unwrap(),
            written
        );
    }
    // Day 3 brings a reject: that table is written again.
    assert_eq!(rows(&out, "rejects").len(), 3);
    // What a run over the three files gives.
    let fresh = tmp.path().join("fresh");
    let fresh_p = pipeline(&fresh, "day");
    for day in 1..=3 {
        write_day(&fresh, day);
    }
    newstone_ok(&["run", &fresh_p]);
    for table in TABLES {
        assert_eq!(
            rows(&out, table),
            rows(&fresh.join("out"), table),
            "{table}"
        );
    }
}
