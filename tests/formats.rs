//! Input formats beyond the bundled sample: CSV, Parquet (typed timestamps), gzip JSONL,
//! Atom, and field names set in the pipeline file.

mod common;
use common::*;
use polars::prelude::*;
use std::fs;
use std::io::Write;

#[test]
fn csv_parquet_gzip_and_atom_inputs() {
    let tmp = tempdir();
    let dir = tmp.path();

    // CSV with ';' delimiter, a quoted multi-line body and a French date.
    fs::write(
        dir.join("notes.csv"),
        "id;title;body;published\n\
         c1;Danone relève ses prévisions;\"Danone a relevé jeudi ses prévisions annuelles.\nL'action a gagné 4 % à Paris.\";12 janvier 2022\n",
    )
    .unwrap();

    // Parquet with a typed UTC timestamp column.
    let ts: Int64Chunked = [Some(1_641_981_600_000_000i64)].into_iter().collect();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("id".into(), ["p1"]),
        Column::new("headline".into(), ["Airbus wins a record order"]),
        Column::new("text".into(), ["Airbus won a record order for 120 jets from an Indian airline, lifting its shares 3%."]),
        ts.with_name("published_at".into())
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_series()
            .into(),
    ])
    .unwrap();
    let f = fs::File::create(dir.join("wire.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();

    // gzip JSONL.
    let gz = fs::File::create(dir.join("feed.jsonl.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::default());
    writeln!(enc, r#"{{"id": "g1", "title": "Renault cuts jobs", "text": "Renault said it would cut 2,000 jobs in France, sending its shares lower.", "date": "2022-01-13"}}"#).unwrap();
    enc.finish().unwrap();

    // Atom feed.
    fs::write(
        dir.join("atom.xml"),
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Tech wire</title>
<entry><id>urn:a1</id><title>Microsoft beats estimates</title>
<link rel="alternate" href="https://example.org/a1"/>
<published>2022-01-14T08:00:00+01:00</published>
<content type="html">&lt;p&gt;Microsoft reported quarterly profit above analysts&amp;#8217; estimates.&lt;/p&gt;</content></entry>
</feed>"#,
    )
    .unwrap();

    let pipeline = dir.join("p.toml");
    fs::write(
        &pipeline,
        format!(
            r#"out = "{out}"
timezone = "Europe/Paris"
[[inputs]]
path = "{d}/notes.csv"
source = "Notes"
[inputs.fields]
text = "body"
date = "published"
[[inputs]]
path = "{d}/wire.parquet"
[[inputs]]
path = "{d}/feed.jsonl.gz"
lang = "fr"
[[inputs]]
path = "{d}/atom.xml"
"#,
            out = path_str(&dir.join("out")),
            d = path_str(dir)
        ),
    )
    .unwrap();
    newstone_ok(&["run", &path_str(&pipeline)]);
    let out = dir.join("out");
    let articles = read(&out, "articles");
    let ids = strings(&articles, "article_id");
    assert_eq!(
        ids,
        vec!["c1", "p1", "g1", "urn:a1"],
        "inputs are read in pipeline order"
    );
    let days = dates(&articles, "date");
    let day = |id: &str| days[ids.iter().position(|i| i == id).unwrap()].clone();
    assert_eq!(day("c1").as_deref(), Some("2022-01-12"));
    assert_eq!(day("p1").as_deref(), Some("2022-01-12"));
    assert_eq!(day("g1").as_deref(), Some("2022-01-13"));
    assert_eq!(day("urn:a1").as_deref(), Some("2022-01-14"));
    let sources = strings(&articles, "source");
    assert_eq!(
        sources[ids.iter().position(|i| i == "c1").unwrap()],
        "Notes"
    );
    assert_eq!(
        sources[ids.iter().position(|i| i == "urn:a1").unwrap()],
        "Tech wire"
    );
    // The input's `lang` setting overrides detection (the gzip text is English).
    let langs = strings(&articles, "lang");
    let lang = |id: &str| langs[ids.iter().position(|i| i == id).unwrap()].clone();
    assert_eq!(lang("g1"), "fr");
    assert_eq!(lang("p1"), "en");
    let titles = strings(&articles, "title");
    assert_eq!(
        titles[ids.iter().position(|i| i == "p1").unwrap()],
        "Airbus wins a record order"
    );

    let ae = read(&out, "article_entities");
    let pairs: Vec<(String, String)> = strings(&ae, "article_id")
        .into_iter()
        .zip(strings(&ae, "entity_id"))
        .collect();
    for (a, e) in [
        ("c1", "danone"),
        ("p1", "airbus"),
        ("g1", "renault"),
        ("urn:a1", "microsoft"),
    ] {
        assert!(
            pairs.contains(&(a.to_string(), e.to_string())),
            "{e} in {a}: {pairs:?}"
        );
    }
}
