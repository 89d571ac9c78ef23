//! Names over time: a company renamed in the gazetteer's `company_names.csv` keeps one
//! `entity_id`, and the tables show the name in use at each article's date.
//! Every company here is invented.

mod common;
use common::*;
use std::fs;
use std::path::Path;

const COMPANIES: &str =
    "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous,successor_id\n\
    lumen-arc,Lumen Arc,Lumen Arc|Brightwave,FR,Technology,LMNA.PA,,,,\n\
    cobalt-fields,Cobalt Fields,Cobalt Fields,FR,Mining,,,,,lumen-arc\n";

/// Brightwave became Lumen Arc on 9 March 2022.
const NAMES: &str = "entity_id,name,valid_from,valid_to,source\n\
    lumen-arc,Brightwave,,2022-03-09,test\n\
    lumen-arc,Lumen Arc,2022-03-09,,test\n";

/// Three articles: before the rename (under the old name, and one already using the
/// new one), and after it.
const ARTICLES: &str = concat!(
    r#"{"id": "n-1", "title": "Brightwave raises its forecast", "date": "2022-03-07T11:00:00Z", "lang": "en", "text": "Brightwave said on Monday that its sales grew strongly and raised its annual forecast. Shares of Brightwave rose 4% in Paris."}"#,
    "\n",
    r#"{"id": "n-2", "title": "Lumen Arc is the new name", "date": "2022-03-07T15:00:00Z", "lang": "en", "text": "Brightwave will be called Lumen Arc from Wednesday, the company said, as it completes its purchase of Cobalt Fields."}"#,
    "\n",
    r#"{"id": "n-3", "title": "Lumen Arc shares fall", "date": "2022-03-10T11:00:00Z", "lang": "en", "text": "Lumen Arc reported a loss for the quarter and its shares fell 6% in Paris on Thursday."}"#,
    "\n",
);

/// Writes the gazetteer, the articles and a pipeline into `dir`; returns the pipeline.
fn setup(dir: &Path) -> String {
    let gaz = dir.join("gazetteer");
    fs::create_dir_all(&gaz).unwrap();
    fs::write(gaz.join("companies.csv"), COMPANIES).unwrap();
    fs::write(gaz.join("company_names.csv"), NAMES).unwrap();
    fs::write(dir.join("news.jsonl"), ARTICLES).unwrap();
    let pipeline = format!(
        r#"name = "names-test"
out = "{out}"
timezone = "Europe/Paris"
[[inputs]]
path = "{input}"
[entities]
gazetteer = "{gaz}"
[sentiment]
lexicons = "{lex}"
"#,
        out = path_str(&dir.join("out")),
        input = path_str(&dir.join("news.jsonl")),
        gaz = path_str(&gaz),
        lex = path_str(&repo().join("data").join("lexicons")),
    );
    let p = dir.join("pipeline.toml");
    fs::write(&p, pipeline).unwrap();
    path_str(&p)
}

/// (article_id, name) of the `lumen-arc` rows of a table.
fn names_of(out: &Path, table: &str) -> Vec<(String, String)> {
    let df = read(out, table);
    let ids = strings(&df, "entity_id");
    strings(&df, "article_id")
        .into_iter()
        .zip(strings(&df, "name"))
        .zip(&ids)
        .filter(|(_, id)| *id == "lumen-arc")
        .map(|(pair, _)| pair)
        .collect()
}

fn name_in(rows: &[(String, String)], article: &str) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .filter(|(a, _)| a == article)
        .map(|(_, n)| n.clone())
        .collect();
    v.dedup();
    v
}

#[test]
fn renamed_company_keeps_its_id_and_shows_the_name_of_the_day() {
    let tmp = tempdir();
    let pipeline = setup(tmp.path());
    newstone_ok(&["--threads", "1", "run", &pipeline]);
    let out = tmp.path().join("out");

    // mentions and article_entities: the name at the article's date, whatever the
    // surface (n-2 writes "Lumen Arc" before the rename: it is still Brightwave then).
    for table in ["mentions", "article_entities"] {
        let rows = names_of(&out, table);
        assert_eq!(name_in(&rows, "n-1"), ["Brightwave"], "{table}: {rows:?}");
        assert_eq!(name_in(&rows, "n-2"), ["Brightwave"], "{table}: {rows:?}");
        assert_eq!(name_in(&rows, "n-3"), ["Lumen Arc"], "{table}: {rows:?}");
    }
    let mentions = read(&out, "mentions");
    let surfaces = strings(&mentions, "surface");
    assert!(surfaces.iter().any(|s| s == "Lumen Arc"), "{surfaces:?}");
    assert!(surfaces.iter().any(|s| s == "Brightwave"), "{surfaces:?}");

    // company_daily: one entity, one row per day, each with that day's name.
    let daily = read(&out, "company_daily");
    let rows: Vec<(Option<String>, String, String, i64)> = dates(&daily, "date")
        .into_iter()
        .zip(strings(&daily, "entity_id"))
        .zip(strings(&daily, "name"))
        .zip(ints(&daily, "articles"))
        .map(|(((d, id), n), a)| (d, id, n, a))
        .filter(|r| r.1 == "lumen-arc")
        .collect();
    assert_eq!(
        rows,
        [
            (
                Some("2022-03-07".to_string()),
                "lumen-arc".to_string(),
                "Brightwave".to_string(),
                2
            ),
            (
                Some("2022-03-10".to_string()),
                "lumen-arc".to_string(),
                "Lumen Arc".to_string(),
                1
            ),
        ]
    );

    // entities: one row per name period, the current name flagged, the successor kept.
    let ents = read(&out, "entities");
    let ids = strings(&ents, "entity_id");
    let names = strings(&ents, "name");
    let from = dates(&ents, "valid_from");
    let to = dates(&ents, "valid_to");
    let current: Vec<bool> = ents
        .column("current")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    let succ: Vec<Option<String>> = ents
        .column("successor_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect();
    let lumen: Vec<(String, Option<String>, Option<String>, bool)> = (0..ents.height())
        .filter(|&i| ids[i] == "lumen-arc")
        .map(|i| (names[i].clone(), from[i].clone(), to[i].clone(), current[i]))
        .collect();
    assert_eq!(
        lumen,
        [
            (
                "Brightwave".to_string(),
                None,
                Some("2022-03-09".to_string()),
                false
            ),
            (
                "Lumen Arc".to_string(),
                Some("2022-03-09".to_string()),
                None,
                true
            ),
        ]
    );
    let cobalt = ids.iter().position(|i| i == "cobalt-fields").unwrap();
    assert_eq!(succ[cobalt].as_deref(), Some("lumen-arc"));
    assert!(current[cobalt] && from[cobalt].is_none());

    // Same tables with two threads.
    let tmp2 = tempdir();
    let pipeline2 = setup(tmp2.path());
    newstone_ok(&["--threads", "2", "run", &pipeline2]);
    for table in ["mentions", "article_entities", "company_daily", "entities"] {
        let a = fs::read_to_string(out.join(format!("{table}.csv"))).unwrap();
        let b = fs::read_to_string(tmp2.path().join("out").join(format!("{table}.csv"))).unwrap();
        assert_eq!(a, b, "{table} differs between 1 and 2 threads");
    }

    // Moving the rename earlier reruns from the entities stage and renames n-1 and n-2.
    let names_csv = tmp.path().join("gazetteer").join("company_names.csv");
    fs::write(&names_csv, NAMES.replace("2022-03-09", "2022-03-01")).unwrap();
    let status = newstone(&["status", &pipeline]);
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    let line = status.lines().find(|l| l.starts_with("entities")).unwrap();
    assert!(line.contains("stale"), "{status}");
    newstone_ok(&["run", &pipeline]);
    let rows = names_of(&out, "article_entities");
    for article in ["n-1", "n-2", "n-3"] {
        assert_eq!(name_in(&rows, article), ["Lumen Arc"], "{rows:?}");
    }

    // Without the file, every article has the canonical name.
    fs::remove_file(&names_csv).unwrap();
    newstone_ok(&["run", &pipeline]);
    let rows = names_of(&out, "mentions");
    assert!(rows.iter().all(|(_, n)| n == "Lumen Arc"), "{rows:?}");
    assert_eq!(
        strings(&read(&out, "entities"), "entity_id")
            .iter()
            .filter(|i| *i == "lumen-arc")
            .count(),
        1
    );
}
