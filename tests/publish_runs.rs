//! A run's tables are published together (`_SUCCESS`), and every run is logged
//! (`_runs.jsonl`).

mod common;
use common::*;
use std::fs;
use std::path::Path;

/// Writes a pipeline reading `inputs` (files of `data/sample`) into `dir/out`.
fn pipeline(dir: &Path, name: &str, inputs: &[&str]) -> String {
    let mut text = format!(
        "name = \"publish-test\"\nout = \"{}\"\ntimezone = \"Europe/Paris\"\n",
        path_str(&dir.join("out"))
    );
    for i in inputs {
        let path = repo().join("data/sample").join(i);
        text.push_str(&format!("[[inputs]]\npath = \"{}\"\n", path_str(&path)));
    }
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    path_str(&p)
}

fn status(pipeline: &str) -> String {
    let out = newstone(&["status", pipeline]);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn marker(out: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(out.join("_SUCCESS")).unwrap()).unwrap()
}

/// A kill while the tables are being published (some renamed, the others not yet) leaves
/// no `_SUCCESS`; `status` says the tables may come from two runs, and the next run
/// publishes a complete set again.
#[test]
fn a_run_stopped_while_publishing_is_reported_and_repaired() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let small = pipeline(tmp.path(), "small.toml", &["wire.jsonl"]);
    let full = pipeline(tmp.path(), "full.toml", &["wire.jsonl", "*.xml"]);

    newstone_ok(&["run", &small]);
    let first = marker(&out);
    let old_daily = fs::read(out.join("company_daily.parquet")).unwrap();
    let old_mentions = fs::read(out.join("mentions.csv")).unwrap();
    // Every table file is listed with its size and checksum.
    let files = first["files"].as_object().unwrap();
    assert_eq!(files.len(), 14, "{files:?}");
    for (name, sum) in files {
        let len = fs::metadata(out.join(name)).unwrap().len();
        assert_eq!(sum["size"].as_u64(), Some(len), "{name}");
        assert_eq!(sum["xxh3"].as_str().unwrap().len(), 16, "{name}");
    }
    assert!(status(&small).contains("tables: published together by run"));

    newstone_ok(&["run", &full]);
    let second = marker(&out);
    assert_ne!(first["run_id"], second["run_id"]);
    let new_daily = fs::read(out.join("company_daily.parquet")).unwrap();
    assert_ne!(
        old_daily, new_daily,
        "the feed adds companies to company_daily"
    );

    // What a kill during the second run's publishing leaves: no marker, some tables of
    // the new run (here `articles`, `company_daily`), some of the old one, and the not
    // yet renamed new files under their temporary names.
    fs::remove_file(out.join("_SUCCESS")).unwrap();
    let new_mentions = fs::read(out.join("mentions.csv")).unwrap();
    fs::write(out.join(".mentions.csv.tmp"), &new_mentions).unwrap();
    fs::write(out.join("mentions.csv"), &old_mentions).unwrap();
    let st = status(&full);
    assert!(
        st.contains("tables: INCOMPLETE") && st.contains("may come from two runs"),
        "{st}"
    );
    let export = st.lines().find(|l| l.starts_with("export")).unwrap();
    assert!(export.contains("damaged"), "{st}");
    for stage in ["ingest", "normalize", "entities", "sentiment", "aggregate"] {
        let line = st.lines().find(|l| l.starts_with(stage)).unwrap();
        assert!(line.contains("up to date"), "{st}");
    }

    // The next run publishes the export again (and only the export).
    let log = newstone_ok(&["run", &full]);
    assert!(log.contains("export: rerunning"), "{log}");
    assert!(log.contains("ingest: up to date"), "{log}");
    let third = marker(&out);
    assert_ne!(third["run_id"], second["run_id"]);
    assert_eq!(third["files"], second["files"]);
    assert_eq!(fs::read(out.join("mentions.csv")).unwrap(), new_mentions);
    assert_eq!(
        fs::read(out.join("company_daily.parquet")).unwrap(),
        new_daily
    );
    assert!(!out.join(".mentions.csv.tmp").exists());
    let st = status(&full);
    assert!(st.contains("tables: published together by run"), "{st}");
    assert_eq!(st.matches("up to date").count(), 6, "{st}");

    // Stopped after renaming every table but before writing the marker: the tables are
    // all new, but nothing vouches for them; the next run publishes them again.
    fs::remove_file(out.join("_SUCCESS")).unwrap();
    let st = status(&full);
    assert!(st.contains("tables: INCOMPLETE"), "{st}");
    let export = st.lines().find(|l| l.starts_with("export")).unwrap();
    assert!(
        export.contains("damaged") && export.contains("_SUCCESS is missing"),
        "{st}"
    );
    newstone_ok(&["run", &full]);
    assert!(status(&full).contains("tables: published together by run"));
}

fn runs(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join("_runs.jsonl"))
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn n(v: &serde_json::Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// Every run, failed ones included, appends a line to `_runs.jsonl`, comparing its input
/// files with the last run that did not fail; `status` shows the last runs.
#[test]
fn every_run_is_logged_with_its_inputs_articles_and_stages() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let inputs = tmp.path().join("in");
    fs::create_dir_all(&inputs).unwrap();
    let sample = repo().join("data/sample");
    let wire = fs::read_to_string(sample.join("wire.jsonl")).unwrap();
    // Day 1: the first 10 wire stories.
    let first_lines: String = wire.lines().take(10).map(|l| format!("{l}\n")).collect();
    fs::write(inputs.join("wire.jsonl"), &first_lines).unwrap();
    let p = tmp.path().join("folder.toml");
    fs::write(
        &p,
        format!(
            "name = \"runlog-test\"\nout = \"{}\"\n[[inputs]]\npath = \"{}\"\n",
            path_str(&out),
            path_str(&inputs)
        ),
    )
    .unwrap();
    let p = path_str(&p);
    let check = |r: &serde_json::Value, status: &str, io: [i64; 4]| {
        assert_eq!(r["status"], status, "{r}");
        let got = [
            n(r, "inputs_seen"),
            n(r, "inputs_new"),
            n(r, "inputs_changed"),
            n(r, "inputs_removed"),
        ];
        assert_eq!(got, io, "{r}");
        for key in ["started", "finished"] {
            let t = r[key].as_str().unwrap();
            assert!(chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{t}");
        }
        assert!(
            r["newstone"].as_str().unwrap().starts_with("newstone "),
            "{r}"
        );
    };

    newstone_ok(&["run", &p]);
    let log = runs(&out);
    assert_eq!(log.len(), 1);
    let r = &log[0];
    check(r, "ok", [1, 1, 0, 0]);
    let day1 = n(r, "articles");
    assert!(day1 > 0);
    assert_eq!(n(r, "articles_added"), day1);
    assert_eq!(r["stages_run"].as_array().unwrap().len(), 6, "{r}");
    assert_eq!(n(&r["rows"], "articles"), day1);
    assert_eq!(r["rows"].as_object().unwrap().len(), 7, "{r}");
    // The run id is the one in `_SUCCESS`.
    assert_eq!(r["run_id"], marker(&out)["run_id"]);

    // Nothing changed: nothing run, nothing added.
    newstone_ok(&["run", &p]);
    let r = &runs(&out)[1];
    check(r, "ok", [1, 0, 0, 0]);
    assert_eq!(n(r, "articles_added"), 0);
    assert!(r["stages_run"].as_array().unwrap().is_empty(), "{r}");
    assert_eq!(r["stages_reused"].as_array().unwrap().len(), 6, "{r}");
    assert!(r["rows"].as_object().unwrap().is_empty(), "{r}");

    // Day 2: the rest of the wire in a new file, and a feed.
    let rest: String = wire.lines().skip(10).map(|l| format!("{l}\n")).collect();
    fs::write(inputs.join("wire-2.jsonl"), rest).unwrap();
    fs::copy(sample.join("feed-economie.xml"), inputs.join("feed.xml")).unwrap();
    newstone_ok(&["run", &p]);
    let r = &runs(&out)[2];
    check(r, "ok", [3, 2, 0, 0]);
    let day2 = n(r, "articles");
    assert!(day2 > day1);
    assert_eq!(n(r, "articles_added"), day2 - day1);

    // A file changed (one story fewer) and one removed.
    let fewer: String = wire.lines().take(9).map(|l| format!("{l}\n")).collect();
    fs::write(inputs.join("wire.jsonl"), fewer).unwrap();
    fs::remove_file(inputs.join("feed.xml")).unwrap();
    newstone_ok(&["run", &p]);
    let r = &runs(&out)[3];
    check(r, "ok", [2, 0, 1, 1]);
    assert!(n(r, "articles_added") < 0, "{r}");

    // A failed run (here refused: another run holds the lock) is logged too, with its
    // message; it is not what the next run compares with.
    let stages = out.join("_stages");
    let held = fs::File::create(stages.join(".lock")).unwrap();
    held.try_lock().unwrap();
    let refused = newstone(&["run", &p]);
    assert_eq!(refused.status.code(), Some(1));
    drop(held);
    let log = runs(&out);
    let r = log.last().unwrap();
    assert_eq!(r["status"], "error");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("locked by another newstone run"),
        "{r}"
    );
    assert!(r["inputs_seen"].is_null() && r["articles"].is_null(), "{r}");

    // A kill in the middle of writing a line leaves a partial line: skipped by readers,
    // and the next line starts on its own.
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(out.join("_runs.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut f, br#"{"run_id":"x","start"#).unwrap();
    drop(f);
    let before = runs(&out).len();
    newstone_ok(&["run", &p]);
    let log = runs(&out);
    assert_eq!(log.len(), before + 1);
    // Compared with the last run that did not fail, not with the refused one.
    check(log.last().unwrap(), "ok", [2, 0, 0, 0]);

    let st = status(&p);
    assert!(
        st.contains(&format!("last 5 of {} runs", before + 1)) && st.contains("_runs.jsonl"),
        "{st}"
    );
    assert!(
        st.contains("error") && st.contains("locked by another newstone run"),
        "{st}"
    );
    assert!(st.contains("nothing to do"), "{st}");
}

/// The partition files of `table` under `out`, each read with the date its folder names
/// added back, as sorted CSV-like lines of (`key` columns, date) for comparison.
fn partitioned_rows(out: &Path, table: &str, key: &[&str]) -> Vec<String> {
    let mut rows = Vec::new();
    for entry in fs::read_dir(out.join(table)).unwrap().flatten() {
        let folder = entry.file_name().to_string_lossy().into_owned();
        let date = folder.strip_prefix("date=").unwrap().to_string();
        let df = newstone::artefact::read_parquet(&entry.path().join("part-0.parquet")).unwrap();
        assert!(df.column("date").is_err(), "the date is the folder's");
        let cols: Vec<Vec<String>> = key.iter().map(|c| strings(&df, c)).collect();
        for i in 0..df.height() {
            let mut line: Vec<String> = cols.iter().map(|c| c[i].clone()).collect();
            line.push(date.clone());
            rows.push(line.join(","));
        }
    }
    rows.sort();
    rows
}

fn single_rows(out: &Path, table: &str, key: &[&str]) -> Vec<String> {
    let df = read(out, table);
    let cols: Vec<Vec<String>> = key.iter().map(|c| strings(&df, c)).collect();
    let days = dates(&df, "date");
    let mut rows: Vec<String> = (0..df.height())
        .map(|i| {
            let mut line: Vec<String> = cols.iter().map(|c| c[i].clone()).collect();
            line.push(
                days[i]
                    .clone()
                    .unwrap_or("__HIVE_DEFAULT_PARTITION__".into()),
            );
            line.join(",")
        })
        .collect();
    rows.sort();
    rows
}

/// `[export] partitioning = "day"` writes the dated tables as Hive-style folders with the
/// same rows as the single files; `_SUCCESS` lists every partition file; going back to
/// `"none"` removes the folders.
#[test]
fn day_partitions_hold_the_same_rows_as_the_single_files() {
    let tmp = tempdir();
    let write = |name: &str, out: &str, partitioning: &str| {
        let sample = repo().join("data/sample");
        let p = tmp.path().join(name);
        fs::write(
            &p,
            format!(
                "name = \"partitions\"\nout = \"{}\"\ntimezone = \"Europe/Paris\"\n\
                 [[inputs]]\npath = \"{}\"\n[[inputs]]\npath = \"{}\"\n\
                 [normalize]\ndate_policy = \"keep\"\n[export]\npartitioning = \"{partitioning}\"\n",
                path_str(&tmp.path().join(out)),
                path_str(&sample.join("wire.jsonl")),
                path_str(&sample.join("notes")),
            ),
        )
        .unwrap();
        path_str(&p)
    };
    let single = tmp.path().join("single");
    let parts = tmp.path().join("parts");
    newstone_ok(&["run", &write("single.toml", "single", "none")]);
    let by_day = write("day.toml", "parts", "day");
    newstone_ok(&["run", &by_day]);

    for (table, key) in [
        ("articles", vec!["article_id", "title"]),
        ("article_entities", vec!["article_id", "entity_id"]),
        ("company_daily", vec!["entity_id"]),
    ] {
        assert!(!parts.join(format!("{table}.parquet")).exists());
        let got = partitioned_rows(&parts, table, &key);
        assert!(!got.is_empty(), "{table}");
        assert_eq!(got, single_rows(&single, table, &key), "{table}");
    }
    // Notes without a date are kept: their partition is Hive's null one.
    assert!(parts
        .join("articles/date=__HIVE_DEFAULT_PARTITION__/part-0.parquet")
        .exists());
    // Mentions carry their article's date and are partitioned too; the undated tables stay
    // single files.
    assert!(parts.join("mentions").is_dir() && !parts.join("mentions.parquet").exists());
    assert_eq!(
        partitioned_rows(&parts, "mentions", &["article_id", "surface"]),
        single_rows(&single, "mentions", &["article_id", "surface"])
    );
    assert!(parts.join("entities.parquet").exists() && !parts.join("entities").exists());
    let files = marker(&parts)["files"].as_object().unwrap().clone();
    assert!(
        files
            .keys()
            .any(|f| f.starts_with("articles/date=2022-03-")),
        "{files:?}"
    );
    for name in files.keys() {
        assert!(parts.join(name).is_file(), "{name}");
    }
    assert!(status(&by_day).contains("tables: published together"));

    // Readable as one dataset by Polars and DuckDB (when the Python tools are there).
    let python = std::env::var("NEWSTONE_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_libs = std::process::Command::new(&python)
        .args(["-c", "import polars, duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_libs {
        let script = r#"
import sys, polars as pl, duckdb
out = sys.argv[1]
single = pl.read_parquet(sys.argv[2] + "/articles.parquet")
lazy = pl.scan_parquet(out + "/articles/**/*.parquet", hive_partitioning=True)
df = lazy.collect()
assert df.schema["date"] == pl.Date, df.schema
assert df.height == single.height, (df.height, single.height)
day = lazy.filter(pl.col("date") == pl.date(2022, 3, 7)).collect()
assert day.height == single.filter(pl.col("date") == pl.date(2022, 3, 7)).height > 0
n = duckdb.connect().execute(f"select count(*), count(date) from read_parquet('{out}/articles/**/*.parquet', hive_partitioning=true)").fetchone()
assert n == (single.height, single["date"].count()), n
print("ok")
"#;
        let check = std::process::Command::new(&python)
            .args(["-c", script, &path_str(&parts), &path_str(&single)])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    } else {
        eprintln!("skipped the Polars/DuckDB check: {python} lacks polars or duckdb");
    }

    // By month, then back to single files: the other layout goes.
    newstone_ok(&["run", &write("month.toml", "parts", "month")]);
    assert!(parts.join("articles/month=2022-03/part-0.parquet").exists());
    newstone_ok(&["run", &write("none.toml", "parts", "none")]);
    assert!(!parts.join("articles").exists());
    assert!(parts.join("articles.parquet").exists());
}
