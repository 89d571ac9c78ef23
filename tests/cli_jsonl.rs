//! The ad-hoc `entities` and `sentiment` commands: JSONL in, JSONL out.

mod common;
use common::*;
use serde_json::Value;
use std::fs;

fn lines(path: &std::path::Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn entities_command_gives_char_offsets_and_survives_bad_lines() {
    let tmp = tempdir();
    let input = tmp.path().join("in.jsonl");
    fs::write(
        &input,
        "{\"id\": 1, \"text\": \"Les résultats d’Airbus ont dépassé les attentes à Toulouse.\"}\n\
         not json\n\
         {\"id\": 3, \"text\": \"Microsoft shares rose after the earnings call.\", \"lang\": \"en\"}\n",
    )
    .unwrap();
    let output = tmp.path().join("out.jsonl");
    newstone_ok(&[
        "entities",
        "--input",
        &path_str(&input),
        "--output",
        &path_str(&output),
    ]);
    let out = lines(&output);
    assert_eq!(out.len(), 3);
    let text = "Les résultats d’Airbus ont dépassé les attentes à Toulouse.";
    let ents = out[0]["entities"].as_array().unwrap();
    let airbus = ents
        .iter()
        .find(|e| e["entity_id"] == "airbus")
        .expect("Airbus found");
    let (s, e) = (
        airbus["start"].as_u64().unwrap() as usize,
        airbus["end"].as_u64().unwrap() as usize,
    );
    let surface: String = text.chars().skip(s).take(e - s).collect();
    assert_eq!(surface, "Airbus");
    assert_eq!(airbus["type"], "company");
    assert!(out[1]["error"].as_str().unwrap().contains("broken JSON"));
    assert!(out[2]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["entity_id"] == "microsoft"));
}

#[test]
fn sentiment_command_scores_each_target() {
    let tmp = tempdir();
    let input = tmp.path().join("in.jsonl");
    fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"Tesla shares soared to a record while Ford shares plunged after a profit warning.\", \"targets\": [{\"text\": \"Tesla\"}, {\"text\": \"Ford\"}]}\n\
         {\"id\": \"b\", \"text\": \"Le groupe Renault a annoncé un plan social et une perte record.\"}\n\
         {\"id\": \"c\", \"text\": \"x\", \"targets\": [{\"start\": 5, \"end\": 2}]}\n",
    )
    .unwrap();
    let output = tmp.path().join("out.jsonl");
    newstone_ok(&[
        "sentiment",
        "--input",
        &path_str(&input),
        "--output",
        &path_str(&output),
    ]);
    let out = lines(&output);
    let t = out[0]["targets"].as_array().unwrap();
    assert_eq!(t[0]["label"], "positive", "{:?}", t[0]);
    assert_eq!(t[1]["label"], "negative", "{:?}", t[1]);
    assert!(!t[1]["evidence"].as_array().unwrap().is_empty());
    // Without targets, the companies found are the targets.
    let t = out[1]["targets"].as_array().unwrap();
    assert_eq!(t[0]["entity_id"], "renault");
    assert_eq!(t[0]["label"], "negative");
    assert!(out[2]["error"].is_string());
}

/// The filters have no pipeline file: a bad folder is blamed on the option that named it.
#[test]
fn filters_name_their_options_when_a_data_folder_is_missing() {
    let tmp = tempdir();
    let missing = path_str(&tmp.path().join("nowhere"));
    for args in [
        vec!["entities", "--gazetteer", &missing],
        vec!["sentiment", "--gazetteer", &missing],
    ] {
        let out = newstone(&args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("check --gazetteer") && !err.contains("pipeline file"),
            "{err}"
        );
    }
    let out = newstone(&["sentiment", "--lexicons", &missing]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("check --lexicons") && !err.contains("pipeline file"),
        "{err}"
    );
}
