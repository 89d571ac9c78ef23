//! The signal columns on the bundled sample: relevance in `article_entities`, stories in
//! `articles`, the derived `company_daily` columns, sparse and dense.

mod common;
use common::*;
use polars::prelude::*;
use std::fs;

fn floats(df: &DataFrame, col: &str) -> Vec<Option<f64>> {
    df.column(col)
        .unwrap_or_else(|e| panic!("{col}: {e}"))
        .f64()
        .unwrap()
        .iter()
        .collect()
}

fn bools(df: &DataFrame, col: &str) -> Vec<bool> {
    df.column(col)
        .unwrap_or_else(|e| panic!("{col}: {e}"))
        .bool()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect()
}

/// The default pipeline, with `extra` appended, written next to the sample data.
fn pipeline(dir: &std::path::Path, extra: &str) -> String {
    let sample = repo().join("data/sample");
    let text = format!(
        "name = \"signals\"\nout = \"out\"\ntimezone = \"Europe/Paris\"\n\
         [[inputs]]\npath = \"{}\"\nsource = \"Sample Wire\"\n\
         [[inputs]]\npath = \"{}\"\n\
         [[inputs]]\npath = \"{}\"\nsource = \"Sample Notes\"\n{extra}",
        sample.join("wire.jsonl").display(),
        sample.join("*.xml").display(),
        sample.join("notes").display(),
    );
    let path = dir.join("signals.toml");
    fs::write(&path, text).unwrap();
    path_str(&path)
}

#[test]
fn signal_columns_exist_with_sane_values() {
    let tmp = tempdir();
    let job = pipeline(tmp.path(), "");
    newstone_ok(&["run", &job]);
    let out = tmp.path().join("out");

    // articles: every article has a story; the first of each story is novel.
    let articles = read(&out, "articles");
    let ids = strings(&articles, "article_id");
    let stories = strings(&articles, "story_id");
    let novel = bools(&articles, "novel");
    assert_eq!(stories.len(), ids.len());
    for ((id, story), novel) in ids.iter().zip(&stories).zip(&novel) {
        assert_eq!(*novel, id == story, "{id} in story {story}");
        assert!(ids.contains(story), "{story} is not an article");
    }
    assert!(novel.iter().filter(|n| **n).count() >= ids.len() / 2);

    // article_entities: relevance in [0, 100]; an entity in the title scores at least
    // 45, and entities in titles score higher on average than the others.
    let ae = read(&out, "article_entities");
    let relevance: Vec<f64> = floats(&ae, "relevance")
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let in_title = bools(&ae, "in_title");
    let ae_articles = strings(&ae, "article_id");
    assert!(
        relevance.iter().all(|r| (0.0..=100.0).contains(r)),
        "{relevance:?}"
    );
    assert!(in_title.iter().any(|t| *t) && in_title.iter().any(|t| !*t));
    for i in 0..ae.height() {
        if in_title[i] {
            assert!(relevance[i] >= 45.0, "row {i}: {}", relevance[i]);
        }
    }
    let mean = |title: bool| {
        let v: Vec<f64> = (0..ae.height())
            .filter(|&i| in_title[i] == title)
            .map(|i| relevance[i])
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        mean(true) > mean(false) + 20.0,
        "{} vs {}",
        mean(true),
        mean(false)
    );
    // `novel` is the article's.
    let ae_novel = bools(&ae, "novel");
    for (a, n) in ae_articles.iter().zip(&ae_novel) {
        let k = ids.iter().position(|id| id == a).unwrap();
        assert_eq!(*n, novel[k], "{a}");
    }

    // company_daily: the new columns, with values that follow from the base ones.
    let daily = read(&out, "company_daily");
    let n = ints(&daily, "articles");
    let n7 = ints(&daily, "articles_7d");
    let n30 = ints(&daily, "articles_30d");
    let novel_articles = ints(&daily, "novel_articles");
    for i in 0..daily.height() {
        assert!(n[i] <= n7[i] && n7[i] <= n30[i], "row {i}");
        assert!(novel_articles[i] <= n[i], "row {i}");
    }
    for col in [
        "relevance_weighted_sentiment",
        "sentiment_7d",
        "sentiment_30d",
    ] {
        assert!(
            floats(&daily, col)
                .iter()
                .all(|x| x.is_some_and(|x| (-1.0..=1.0).contains(&x))),
            "{col}"
        );
    }
    // Six days of sample: too short a history for any z-score.
    for col in ["buzz_z", "sentiment_z"] {
        assert!(floats(&daily, col).iter().all(Option::is_none), "{col}");
    }

    // Dense: one row per day of each company's range, the same totals.
    let text = fs::read_to_string(&job).unwrap() + "[aggregate]\ndense = true\n";
    fs::write(&job, text).unwrap();
    let stderr = newstone_ok(&["run", &job]);
    assert!(stderr.contains("aggregate: rerunning"), "{stderr}");
    assert!(!stderr.contains("sentiment: rerunning"), "{stderr}");
    let dense = read(&out, "company_daily");
    assert!(dense.height() > daily.height());
    let sum = |df: &DataFrame, c: &str| ints(df, c).iter().sum::<i64>();
    assert_eq!(sum(&dense, "articles"), sum(&daily, "articles"));
    let days = dates(&dense, "date");
    let ents = strings(&dense, "entity_id");
    let mut per: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (e, d) in ents.iter().zip(&days) {
        per.entry(e).or_default().push(d.as_deref().unwrap());
    }
    for (e, mut ds) in per {
        ds.sort();
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let span = (day(ds[ds.len() - 1]) - day(ds[0])).num_days() + 1;
        assert_eq!(span as usize, ds.len(), "{e}: {ds:?}");
    }
}
