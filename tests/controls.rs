//! The analyst's controls in the pipeline file: entities to exclude, extra companies from
//! the user's own CSV, the feed's section as a column, the article text in `articles`.

mod common;
use common::*;
use std::fs;
use std::path::Path;

const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Le Courrier du Soir</title>
<item>
  <title>Renault relève ses prévisions</title>
  <link>https://www.courrierdusoir.fr/eco/1.html</link>
  <guid>c-1</guid>
  <category>Économie</category><category>Automobile</category>
  <pubDate>Mon, 07 Mar 2022 08:00:00 +0100</pubDate>
  <description>Le constructeur Renault a relevé ses prévisions de marge pour l'année, porté par la demande en Europe, selon Le Courrier du Soir.</description>
</item>
<item>
  <title>La Boulangerie Fournier ouvre dix magasins</title>
  <link>https://www.courrierdusoir.fr/eco/2.html</link>
  <guid>c-2</guid>
  <pubDate>Mon, 07 Mar 2022 09:00:00 +0100</pubDate>
  <description>La Boulangerie Fournier, une chaîne lyonnaise, ouvre dix magasins cette année. Fournier vise aussi la Suisse. Le Losange, de son côté, prépare une nouvelle voiture.</description>
</item>
</channel></rss>
"#;

const WIRE: &str = r#"{"id": "w-1", "title": "TotalEnergies and Airbus sign a fuel deal", "text": "TotalEnergies agreed to supply sustainable aviation fuel to Airbus, the two companies said on Monday.", "date": "2022-03-07T10:00:00Z", "section": "Markets"}
"#;

fn write_job(dir: &Path, controls: &str) -> String {
    fs::create_dir_all(dir.join("feeds")).unwrap();
    fs::write(dir.join("feeds/courrier.xml"), FEED).unwrap();
    fs::write(dir.join("feeds/wire.jsonl"), WIRE).unwrap();
    fs::write(
        dir.join("my-companies.csv"),
        "name,aliases,sector,country\n\
         Boulangerie Fournier,Fournier,Food,FR\n\
         Renault,Le Losange,,\n",
    )
    .unwrap();
    let p = dir.join("job.toml");
    fs::write(
        &p,
        format!(
            "name = \"controls\"\nout = \"out\"\ntimezone = \"Europe/Paris\"\n\
             [[inputs]]\npath = \"feeds\"\n{controls}"
        ),
    )
    .unwrap();
    path_str(&p)
}

fn ids(df: &polars::prelude::DataFrame) -> Vec<String> {
    strings(df, "entity_id")
}

#[test]
fn exclude_extra_companies_section_and_text() {
    let tmp = tempdir();
    let job = tmp.path();
    let pipeline = write_job(
        job,
        "[entities]\nexclude = [\"totalenergies\"]\n\
         extra_companies = \"my-companies.csv\"\n[export]\narticle_text = true\n",
    );
    newstone_ok(&["run", &pipeline]);
    let out = job.join("out");

    // Excluded by id: in no table.
    let mentions = read(&out, "mentions");
    let names = strings(&mentions, "name");
    for table in ["mentions", "article_entities", "company_daily", "entities"] {
        assert!(
            !ids(&read(&out, table)).iter().any(|i| i == "totalenergies"),
            "{table} still has totalenergies"
        );
    }
    // Other companies of the same article are kept.
    assert!(ids(&mentions).contains(&"airbus".to_string()), "{names:?}");

    // The user's company is found, with its alias, and listed in `entities`.
    let found: Vec<(String, String)> = ids(&mentions)
        .into_iter()
        .zip(strings(&mentions, "surface"))
        .collect();
    assert!(
        found.contains(&("boulangerie-fournier".into(), "Boulangerie Fournier".into()))
            && found.contains(&("boulangerie-fournier".into(), "Fournier".into())),
        "{found:?}"
    );
    // An alias added to a shipped company.
    assert!(
        found.contains(&("renault".into(), "Le Losange".into())),
        "{found:?}"
    );
    let entities = read(&out, "entities");
    let row = ids(&entities)
        .iter()
        .position(|i| i == "boulangerie-fournier")
        .expect("the user's company is in entities");
    assert_eq!(strings(&entities, "country")[row], "FR");

    // Sections: RSS categories joined by `|`, the JSON `section` field, null otherwise.
    let articles = read(&out, "articles");
    let by_id: Vec<(String, Option<String>)> = strings(&articles, "article_id")
        .into_iter()
        .zip(
            articles
                .column("section")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|s| s.map(str::to_string)),
        )
        .collect();
    assert!(
        by_id.contains(&("c-1".into(), Some("Économie|Automobile".into())))
            && by_id.contains(&("c-2".into(), None))
            && by_id.contains(&("w-1".into(), Some("Markets".into()))),
        "{by_id:?}"
    );
    // The text, as the last column.
    let cols: Vec<String> = articles
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(cols.last().map(String::as_str), Some("text"), "{cols:?}");
    assert!(strings(&articles, "text")
        .iter()
        .any(|t| t.contains("sustainable aviation fuel")));
    let header = fs::read_to_string(out.join("articles.csv")).unwrap();
    assert!(header.lines().next().unwrap().ends_with(",tone,text"));

    // Changing the exclusions reruns from entities, not before.
    let text = fs::read_to_string(&pipeline)
        .unwrap()
        .replace("exclude = [\"totalenergies\"]", "exclude = []");
    fs::write(&pipeline, text).unwrap();
    let stderr = newstone_ok(&["run", &pipeline]);
    assert!(
        stderr.contains("normalize: up to date") && stderr.contains("entities: rerunning"),
        "{stderr}"
    );
    assert!(ids(&read(&out, "mentions")).contains(&"totalenergies".to_string()));
}

#[test]
fn by_default_articles_have_no_text_and_extra_companies_errors_name_the_file() {
    let tmp = tempdir();
    let job = tmp.path();
    let pipeline = write_job(job, "");
    newstone_ok(&["run", &pipeline]);
    let articles = read(&job.join("out"), "articles");
    assert!(articles.column("text").is_err());
    assert!(articles.column("section").is_ok());
    // Without the user's list, the bakery is a discovered company.
    let discovered = "new:boulangerie-fournier".to_string();
    assert!(ids(&read(&job.join("out"), "mentions")).contains(&discovered));

    // Excluded by name (case and accents ignored): in no table.
    let text = fs::read_to_string(&pipeline).unwrap()
        + "[entities]\nexclude = [\"BOULANGERIE FOURNIÉR\"]\n";
    fs::write(&pipeline, text).unwrap();
    newstone_ok(&["run", &pipeline]);
    for table in [
        "mentions",
        "article_entities",
        "company_daily",
        "entities",
        "discovered_companies",
    ] {
        assert!(
            !ids(&read(&job.join("out"), table)).contains(&discovered),
            "{table} still has the bakery"
        );
    }
    assert!(ids(&read(&job.join("out"), "mentions")).contains(&"renault".to_string()));

    fs::write(
        job.join("bad-companies.csv"),
        "name,parent\nBoulangerie Fournier,x\n",
    )
    .unwrap();
    let text = fs::read_to_string(&pipeline).unwrap().replace(
        "[entities]\n",
        "[entities]\nextra_companies = \"bad-companies.csv\"\n",
    );
    fs::write(&pipeline, text).unwrap();
    let out = newstone(&["run", &pipeline]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bad-companies.csv") && err.contains("unknown column `parent`"),
        "{err}"
    );
    // A typo in a key is an error naming it.
    fs::write(&pipeline, "[entities]\nexclude_ids = [\"x\"]\n").unwrap();
    let err = String::from_utf8_lossy(&newstone(&["run", &pipeline]).stderr).into_owned();
    assert!(err.contains("unknown field `exclude_ids`"), "{err}");
}
