//! The real Le Monde 2022 RSS corpus from ../shared (skipped when it is absent).

mod common;
use common::*;

#[test]
fn lemonde_corpus_end_to_end() {
    let corpus = repo().join("../shared/corpora/lemonde-2022");
    if !corpus.is_dir() {
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let stderr = newstone_ok(&["run", "pipelines/lemonde.toml", "--out", &path_str(&out)]);
    assert!(!stderr.contains("NOT add up"), "{stderr}");

    let articles = read(&out, "articles");
    let n = articles.height();
    assert!((5916..=5918).contains(&n), "distinct items: {n}");

    // Dates: all within Dec 2021 – Dec 2022.
    let days = dates(&articles, "date");
    assert!(
        days.iter().all(|d| d
            .as_deref()
            .is_some_and(|d| ("2021-12-01".."2023-01-01").contains(&d))),
        "dates out of range: {:?}",
        days.iter()
            .filter(|d| !d
                .as_deref()
                .is_some_and(|d| ("2021-12-01".."2023-01-01").contains(&d)))
            .take(5)
            .collect::<Vec<_>>()
    );

    // Language: ≥ 98 % French.
    let fr = strings(&articles, "lang")
        .iter()
        .filter(|l| *l == "fr")
        .count();
    assert!(
        fr as f64 >= 0.98 * n as f64,
        "{fr} of {n} detected as French"
    );

    // Known companies appear in company_daily on the right day.
    let daily = read(&out, "company_daily");
    let ids = strings(&daily, "entity_id");
    let ddays = dates(&daily, "date");
    let has = |id: &str, day: &str| {
        ids.iter()
            .zip(&ddays)
            .any(|(i, d)| i == id && d.as_deref() == Some(day))
    };
    assert!(has("pfizer", "2022-01-01"), "Pfizer on 2022-01-01");
    for id in ["apple", "meta", "totalenergies", "renault"] {
        assert!(
            ids.iter().any(|i| i == id),
            "{id} never appears in company_daily"
        );
    }
    // Counts are consistent: every article-entity of a company with a date is counted.
    let total: i64 = ints(&daily, "articles").iter().sum();
    let pos: i64 = ints(&daily, "positive").iter().sum();
    let neg: i64 = ints(&daily, "negative").iter().sum();
    let neu: i64 = ints(&daily, "neutral").iter().sum();
    assert_eq!(total, pos + neg + neu);
    assert!(pos > 0 && neg > 0, "both polarities occur: +{pos} -{neg}");
}
