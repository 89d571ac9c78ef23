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
