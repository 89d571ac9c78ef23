//! Bad input never stops a run: each bad record is a row in `rejects`, with a reason.

mod common;
use common::*;
use std::fs;

#[test]
fn bad_records_become_rejects_and_the_run_goes_on() {
    let tmp = tempdir();
    let dir = tmp.path();
    let mut jsonl = Vec::new();
    jsonl.extend_from_slice(br#"{"id": "ok-1", "title": "Airbus wins a large order", "text": "Airbus won an order for 60 aircraft from an Asian airline on Monday, its biggest this year.", "date": "2022-03-07T09:00:00Z"}"#);
    jsonl.push(b'\n');
    jsonl.extend_from_slice(b"{\"id\": \"broken\", \"title\": \"oops\"\n");
    jsonl.extend_from_slice(b"{\"id\": \"latin1\", \"text\": \"Soci\xe9t\xe9 G\xe9n\xe9rale\"}\n");
    jsonl
        .extend_from_slice(br#"{"id": "empty", "title": "", "text": "   ", "date": "2022-03-07"}"#);
    jsonl.push(b'\n');
    jsonl.extend_from_slice(r#"{"id": "nodate", "title": "Renault", "text": "Renault a présenté mardi sa nouvelle stratégie électrique devant les investisseurs.", "date": "sometime last week"}"#.as_bytes());
    jsonl.push(b'\n');
    jsonl.extend_from_slice(br#"[1, 2, 3]"#);
    jsonl.push(b'\n');
    fs::write(dir.join("in.jsonl"), &jsonl).unwrap();
    fs::write(dir.join("empty.jsonl"), b"").unwrap();
    fs::write(
        dir.join("feed.xml"),
        b"<rss><channel><title>T</title><item><title>A",
    )
    .unwrap();
    let out = dir.join("out");
    let stderr = newstone_ok(&[
        "run",
        "pipelines/default.toml",
        "--input",
        &path_str(&dir.join("*.jsonl")),
        "--input",
        &path_str(&dir.join("feed.xml")),
        "--out",
        &path_str(&out),
    ]);
    let articles = read(&out, "articles");
    assert_eq!(strings(&articles, "article_id"), vec!["ok-1"]);
    let rejects = read(&out, "rejects");
    let reasons = strings(&rejects, "reason");
    let records = strings(&rejects, "record");
    let find = |needle: &str| {
        reasons
            .iter()
            .zip(&records)
            .find(|(r, _)| r.contains(needle))
            .map(|(_, rec)| rec.clone())
            .unwrap_or_else(|| panic!("no reject mentioning {needle:?} in {reasons:?}"))
    };
    assert_eq!(find("broken JSON"), "line 2");
    assert_eq!(find("UTF-8"), "line 3");
    assert!(find("no text").contains('4'));
    assert_eq!(find("unparseable date"), "line 5");
    assert_eq!(find("not a JSON object"), "line 6");
    assert!(find("ends inside this item").starts_with("item"));
    // 6 JSONL records + the truncated feed; count in = articles + rejects + duplicates.
    assert!(stderr.contains("balance:"), "{stderr}");
    assert!(!stderr.contains("NOT add up"), "{stderr}");
}

#[test]
fn a_run_without_articles_exits_3_and_rejects_name_the_fields_seen() {
    let tmp = tempdir();
    let dir = tmp.path();
    fs::write(
        dir.join("other.jsonl"),
        "{\"uid\": 1, \"headline_text\": \"Brewer lifts dividend as sales rise\", \"day\": \"2022-03-07\"}\n\
         {\"uid\": 2, \"headline_text\": \"Insurer names new chief executive\", \"day\": \"2022-03-08\"}\n",
    )
    .unwrap();
    let out = dir.join("out");
    let run = newstone(&[
        "run",
        "pipelines/default.toml",
        "--input",
        &path_str(&dir.join("other.jsonl")),
        "--out",
        &path_str(&out),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("produced no articles"), "{stderr}");
    assert!(stderr.contains("rejects.csv"), "{stderr}");
    let rejects = read(&out, "rejects");
    let reasons = strings(&rejects, "reason");
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("uid") && r.contains("headline_text")),
        "{reasons:?}"
    );
    assert_eq!(read(&out, "articles").height(), 0);
}

#[test]
fn missing_pipeline_file_is_a_clear_error() {
    let out = newstone(&["run", "pipelines/does-not-exist.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read pipeline file pipelines/does-not-exist.toml"),
        "{err}"
    );
}

#[test]
fn invalid_pipeline_settings_are_named() {
    let tmp = tempdir();
    let p = tmp.path().join("bad.toml");
    fs::write(
        &p,
        "timezone = \"Mars/Olympus\"\n[[inputs]]\npath = \"x\"\n",
    )
    .unwrap();
    let out = newstone(&["run", &path_str(&p)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Mars/Olympus") && err.contains("IANA"),
        "{err}"
    );

    // A language name instead of a code: the message lists the accepted codes.
    fs::write(
        &p,
        "[[inputs]]\npath = \"x\"\n[normalize]\nlanguages = [\"english\", \"fr\"]\n",
    )
    .unwrap();
    let out = newstone(&["run", &path_str(&p)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("normalize.languages")
            && err.contains("\"english\"")
            && err.contains("\"en\", \"fr\""),
        "{err}"
    );
    fs::write(&p, "[[inputs]]\npath = \"x\"\nlang = \"de\"\n").unwrap();
    let err = String::from_utf8_lossy(&newstone(&["run", &path_str(&p)]).stderr).into_owned();
    assert!(
        err.contains("inputs[0].lang") && err.contains("\"de\""),
        "{err}"
    );

    fs::write(&p, "[[inputs]]\npath = \"x\"\nformatt = \"csv\"\n").unwrap();
    let out = newstone(&["run", &path_str(&p)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("formatt"), "{err}");
}

#[test]
fn input_that_matches_nothing_fails_with_the_pattern() {
    let out = newstone(&[
        "run",
        "pipelines/default.toml",
        "--input",
        "no/such/*.jsonl",
        "--out",
        "/tmp/newstone-never",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/*.jsonl"), "{err}");
}
