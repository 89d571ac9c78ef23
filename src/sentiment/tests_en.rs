//! English headline mechanisms on sentences written for these tests, with the shipped
//! lexicons: bounds that look like moves, failures with nothing to negate, and legal
//! threats that end.

use super::*;
use std::path::Path;

fn shipped() -> SentimentModel {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lexicons");
    SentimentModel::load(&dir).expect("shipped lexicons load")
}

/// Label toward one named target (its first occurrence).
fn label(m: &SentimentModel, text: &str, name: &str) -> Label {
    let a = text.find(name).expect("target in test sentence");
    m.targets(text, Lang::En, &[(a, a + name.len())])[0].label
}

#[test]
fn up_to_is_a_bound_not_a_move() {
    let m = shipped();
    let text = "Former Norland traders face up to five years in prison";
    assert_ne!(label(&m, text, "Norland"), Label::Positive);
    let text = "Norland shares up 4% after results";
    assert_eq!(label(&m, text, "Norland"), Label::Positive);
}

#[test]
fn a_failure_with_nothing_to_negate_is_the_news() {
    let m = shipped();
    let text = "Drillmax fails to find new reserves in the North Sea";
    assert_eq!(label(&m, text, "Drillmax"), Label::Negative);
    // With a cue to negate, the failure negates it.
    let text = "Drillmax failed to meet its growth target";
    assert_eq!(label(&m, text, "Drillmax"), Label::Negative);
}

#[test]
fn the_end_of_a_legal_threat_is_good_news() {
    let m = shipped();
    for text in [
        "Investor lawsuit against Corvane dismissed by New York judge",
        "Regulator drops Corvane, Pellix and Ambrose from pricing probe",
        "Charges against Corvane dropped",
        "Court quashes the fraud investigation into Corvane",
    ] {
        assert_eq!(label(&m, text, "Corvane"), Label::Positive, "{text}");
    }
    for text in [
        "Corvane shares drop on fraud probe",
        "Regulator opens a probe into Corvane",
        "Corvane faces lawsuit over data leak",
    ] {
        assert_eq!(label(&m, text, "Corvane"), Label::Negative, "{text}");
    }
}

#[test]
fn the_target_of_a_takeover_gets_a_premium() {
    let m = shipped();
    for (text, name) in [
        ("Pellix to buy Corvane for $4 billion", "Corvane"),
        ("Ambrose considers offer for UK rival Corvane", "Corvane"),
        ("Pellix bids for Corvane after a long pursuit", "Corvane"),
    ] {
        assert_eq!(label(&m, text, name), Label::Positive, "{text}");
    }
    // The buyer's own news stays a fact unless something else is said.
    let text = "Pellix to buy Corvane for $4 billion";
    assert_ne!(label(&m, text, "Pellix"), Label::Negative);
}
