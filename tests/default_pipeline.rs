//! The default pipeline on the bundled sample: checks the tables' contents.

mod common;
use common::*;
use polars::prelude::*;

fn label_of(ae: &DataFrame, article: &str, entity: &str) -> String {
    let ids = strings(ae, "article_id");
    let ents = strings(ae, "entity_id");
    let labels = strings(ae, "label");
    ids.iter()
        .zip(&ents)
        .zip(&labels)
        .find(|((a, e), _)| *a == article && *e == entity)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| panic!("{entity} not found in {article}"))
}

#[test]
fn default_pipeline_tables() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let stderr = newstone_ok(&["run", "pipelines/default.toml", "--out", &path_str(&out)]);
    assert!(
        stderr.contains("balance: 26 records in = 22 articles + 3 rejects + 1 duplicates"),
        "{stderr}"
    );

    // articles: 22 distinct, 11 per language, typed columns, dates over six days.
    let articles = read(&out, "articles");
    assert_eq!(articles.height(), 22);
    let langs = strings(&articles, "lang");
    assert_eq!(langs.iter().filter(|l| *l == "fr").count(), 11);
    assert_eq!(langs.iter().filter(|l| *l == "en").count(), 11);
    let schema = articles.schema();
    assert_eq!(schema.get("date"), Some(&DataType::Date));
    assert!(matches!(
        schema.get("published_at"),
        Some(DataType::Datetime(TimeUnit::Microseconds, Some(tz))) if tz.as_str() == "UTC"
    ));
    assert_eq!(schema.get("n_chars"), Some(&DataType::Int64));
    let mut days: Vec<String> = dates(&articles, "date").into_iter().flatten().collect();
    days.sort();
    days.dedup();
    assert_eq!(days.first().map(String::as_str), Some("2022-03-07"));
    assert_eq!(days.last().map(String::as_str), Some("2022-03-12"));
    assert_eq!(days.len(), 6);
    // The duplicate (same id in wire.jsonl and the feed) is kept once, from the first input.
    let ids = strings(&articles, "article_id");
    assert_eq!(
        ids.iter().filter(|i| *i == "eco-2022-0309-renault").count(),
        1
    );
    // Titles are cleaned: typographic apostrophes and entities normalised.
    let titles = strings(&articles, "title");
    assert!(
        titles.iter().all(|t| !t.contains('’') && !t.contains("&#")),
        "{titles:?}"
    );
    // A French long date (front matter "8 mars 2022") lands on the right day.
    let i = ids.iter().position(|i| i == "note-renault-flins").unwrap();
    assert_eq!(dates(&articles, "date")[i].as_deref(), Some("2022-03-08"));

    // rejects: the three bad records, with the line and the reason.
    let rejects = read(&out, "rejects");
    let rows: Vec<(String, String)> = strings(&rejects, "record")
        .into_iter()
        .zip(strings(&rejects, "reason"))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows
        .iter()
        .any(|(r, why)| r == "line 6" && why.starts_with("broken JSON")));
    assert!(rows
        .iter()
        .any(|(r, why)| r == "line 9" && why.starts_with("no text")));
    assert!(rows
        .iter()
        .any(|(r, why)| r == "line 12" && why.contains("unparseable date")));

    // mentions: character offsets point at the surface in the title or the text.
    let mentions = read(&out, "mentions");
    let normalized =
        newstone::artefact::read_parquet(&out.join("_stages/normalize/articles-00000.parquet"))
            .unwrap();
    let n_ids = strings(&normalized, "article_id");
    let n_titles = strings(&normalized, "title");
    let n_texts = strings(&normalized, "text");
    let m_ids = strings(&mentions, "article_id");
    let fields = strings(&mentions, "field");
    let surfaces = strings(&mentions, "surface");
    let starts = ints(&mentions, "start");
    let ends = ints(&mentions, "end");
    assert!(mentions.height() > 50);
    for k in 0..mentions.height() {
        let a = n_ids.iter().position(|x| *x == m_ids[k]).unwrap();
        let field = if fields[k] == "title" {
            &n_titles[a]
        } else {
            &n_texts[a]
        };
        let got: String = field
            .chars()
            .skip(starts[k] as usize)
            .take((ends[k] - starts[k]) as usize)
            .collect();
        assert_eq!(got, surfaces[k], "offsets of mention {k} in {}", m_ids[k]);
    }
    let labels = strings(&mentions, "label");
    let evidence = strings(&mentions, "evidence");
    for (l, e) in labels.iter().zip(&evidence) {
        assert!(["positive", "negative", "neutral"].contains(&l.as_str()));
        if l != "neutral" {
            assert!(!e.is_empty(), "a non-neutral mention needs evidence");
        }
    }

    // article_entities: the clear-cut stances of the sample.
    let ae = read(&out, "article_entities");
    for (article, entity, label) in [
        ("w-001", "apple", "positive"),
        ("w-007", "apple", "negative"),
        ("w-002", "meta", "negative"),
        ("eco-2022-0307-totalenergies", "totalenergies", "positive"),
        ("eco-2022-0308-stellantis", "stellantis", "positive"),
        ("eco-2022-0308-stellantis", "renault", "negative"),
        ("eco-2022-0310-bnp", "bnp-paribas", "negative"),
        ("eco-2022-0311-airbus", "airbus", "positive"),
        ("note-tesla-recall", "tesla", "negative"),
        ("w-006", "ford", "negative"),
    ] {
        assert_eq!(
            label_of(&ae, article, entity),
            label,
            "{entity} in {article}"
        );
    }

    // company_daily: one row per company per day, counts that add up.
    let daily = read(&out, "company_daily");
    let d_ids = strings(&daily, "entity_id");
    let d_days = dates(&daily, "date");
    let days_of = |id: &str| -> Vec<String> {
        d_ids
            .iter()
            .zip(&d_days)
            .filter(|(i, _)| *i == id)
            .filter_map(|(_, d)| d.clone())
            .collect()
    };
    assert_eq!(days_of("apple"), vec!["2022-03-07", "2022-03-11"]);
    assert_eq!(
        days_of("tesla"),
        vec!["2022-03-08", "2022-03-09", "2022-03-12"]
    );
    let renault_day = d_ids
        .iter()
        .zip(&d_days)
        .position(|(i, d)| i == "renault" && d.as_deref() == Some("2022-03-08"))
        .unwrap();
    assert_eq!(
        ints(&daily, "articles")[renault_day],
        2,
        "two Renault articles on 03-08"
    );
    let arts = ints(&daily, "articles");
    let sum: Vec<i64> = ints(&daily, "positive")
        .iter()
        .zip(ints(&daily, "negative"))
        .zip(ints(&daily, "neutral"))
        .map(|((p, n), z)| p + n + z)
        .collect();
    assert_eq!(arts, sum);
    assert_eq!(daily.schema().get("articles"), Some(&DataType::Int64));

    // entities: the gazetteer is exported.
    let entities = read(&out, "entities");
    let types = strings(&entities, "type");
    assert!(types.iter().filter(|t| *t == "company").count() >= 2500);

    // Every table exists as CSV too, with the same number of rows.
    for table in newstone::stages::export::TABLES {
        let df = read(&out, table);
        assert_eq!(
            csv_rows(&out.join(format!("{table}.csv"))),
            df.height(),
            "{table}"
        );
        // One rounding rule: every float in Parquet is its 4-decimal value (no float32
        // noise such as 0.8999999761581421), the value the CSV prints.
        for col in df.columns() {
            if let Ok(ca) = col.f64() {
                for x in ca.iter().flatten() {
                    assert_eq!(
                        x,
                        newstone::tables::round_float(x),
                        "{table}.{}",
                        col.name()
                    );
                    assert_eq!(x, format!("{x:.4}").parse::<f64>().unwrap());
                }
            }
        }
    }
}
