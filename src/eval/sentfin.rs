//! SEntFiN 1.0 (financial headlines, entity-level sentiment): sentiment toward each gold
//! entity (target given and end to end) and the share of gold entities the entity
//! finder finds, over all entities and over those that are companies.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde_json::json;

use super::metrics::{class, find_span, fold_key, label_class, ratio, report, toward};
use super::{decode, read_bytes, skipped, DatasetReport, EvalError, Evaluation};
use crate::entities::{EntityFinder, EntityKind, Mention};
use crate::sentiment::SentimentModel;
use crate::text::lang::Lang;

/// One headline and its gold (entity, class) pairs.
type Row = (String, Vec<(String, usize)>);

fn read_rows(path: &Path) -> Result<Vec<Row>, EvalError> {
    let text = decode(&read_bytes(path)?);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| EvalError::Csv {
            path: path.display().to_string(),
            source: e,
        })?;
        let title = rec.get(1).unwrap_or("").to_string();
        let dec: serde_json::Value =
            serde_json::from_str(rec.get(2).unwrap_or("{}")).map_err(|e| EvalError::Format {
                path: path.display().to_string(),
                msg: format!("bad Decisions JSON: {e}"),
            })?;
        let mut ents = Vec::new();
        if let Some(obj) = dec.as_object() {
            for (k, v) in obj {
                if let Some(c) = v.as_str().and_then(label_class) {
                    ents.push((k.clone(), c));
                }
            }
        }
        rows.push((title, ents));
    }
    Ok(rows)
}

/// Scores SEntFiN dev; pushes its reports (and, with a finder, its missed companies).
pub fn eval(
    path: &Path,
    model: &SentimentModel,
    finder: Option<&EntityFinder>,
    out: &mut Evaluation,
) -> Result<(), EvalError> {
    let name = "SEntFiN dev (target given)";
    if !path.exists() {
        out.reports.push(skipped(name, path));
        return Ok(());
    }
    let rows = read_rows(path)?;
    // Target given: the entity string is the target.
    let per_row: Vec<(Vec<(usize, usize)>, usize)> = rows
        .par_iter()
        .map(|(title, ents)| {
            let targets: Vec<Vec<String>> = ents.iter().map(|(e, _)| vec![e.clone()]).collect();
            let pols = toward(model, title, Lang::En, &targets);
            let missing = pols.iter().filter(|p| !p.1).count();
            let pairs = ents
                .iter()
                .zip(pols)
                .map(|((_, gold), (p, _))| (*gold, class(p.label)))
                .collect();
            (pairs, missing)
        })
        .collect();
    let pairs: Vec<(usize, usize)> = per_row.iter().flat_map(|r| r.0.iter().copied()).collect();
    let missing: usize = per_row.iter().map(|r| r.1).sum();
    out.reports.push(report(
        name,
        &pairs,
        format!(
            "{} headlines; {} of {} gold entities not found verbatim in the headline (scored with the headline tone)",
            rows.len(),
            missing,
            pairs.len()
        ),
    ));
    if let Some(finder) = finder {
        end_to_end(&rows, model, finder, out);
    }
    Ok(())
}

/// Whole-entity names that are not companies, by category. SEntFiN labels sentiment
/// toward anything a headline is about; these categories are never businesses.
const NOT_COMPANIES: &[&str] = &[
    // Market indices and the exchange names used for them.
    "sensex",
    "nifty",
    "bank nifty",
    "nifty50",
    "nifty 50",
    "cnx it",
    "bse",
    "nse",
    "bse sensex",
    "nse nifty",
    "ftse",
    "ftse 100",
    "nikkei",
    "dow",
    "dow jones",
    "nasdaq",
    "s p",
    "s p 500",
    "msci",
    "hang seng",
    "dax",
    "cac 40",
    "kospi",
    "topix",
    "wall street",
    "dalal street",
    // Currencies.
    "rupee",
    "dollar",
    "us dollar",
    "euro",
    "yen",
    "yuan",
    "china yuan",
    "won",
    "sterling",
    "pound",
    "franc",
    "ringgit",
    "rouble",
    "ruble",
    "real",
    "peso",
    "bitcoin",
    "asia fx",
    // Commodities.
    "gold",
    "silver",
    "platinum",
    "oil",
    "crude",
    "crude oil",
    "brent",
    "copper",
    "nickel",
    "zinc",
    "aluminium",
    "aluminum",
    "lead",
    "tin",
    "natural gas",
    "sugar",
    "gur",
    "cotton",
    "wheat",
    "rice",
    "soybean",
    "soyabean",
    "coffee",
    "cocoa",
    "turmeric",
    "chilli",
    "jeera",
    "cardamom",
    "pepper",
    "guar",
    "metals",
    "bond",
    "bonds",
    // Regulators, central banks, courts, governments.
    "sebi",
    "rbi",
    "reserve bank of india",
    "fed",
    "federal reserve",
    "us fed",
    "ecb",
    "boj",
    "pboc",
    "imf",
    "world bank",
    "sat",
    "securities appellate tribunal",
    "forward markets commission",
    "fmc",
    "cci",
    "irda",
    "irdai",
    "trai",
    "pfrda",
    "cbdt",
    "sec",
    "government",
    "govt",
    "centre",
    "supreme court",
    "high court",
    // Sectors and the market as a whole.
    "market",
    "markets",
    "it",
    "pharma",
    "fmcg",
    "auto",
    "realty",
    "telecom",
    "banking",
    "metal",
    "infra",
    "psu",
    "midcaps",
    "smallcaps",
    "india inc",
    "economy",
];

/// Last words that make a phrase a group of securities or actors rather than one
/// company (`IT stocks`, `PSU banks`, `Asian shares`, `gold futures`).
const COLLECTIVE_HEADS: &[&str] = &[
    "stocks",
    "shares",
    "equities",
    "markets",
    "banks",
    "companies",
    "firms",
    "lenders",
    "funds",
    "bonds",
    "futures",
    "prices",
    "sector",
    "index",
    "indices",
    "investors",
    "traders",
    "exporters",
    "importers",
    "midcaps",
    "smallcaps",
];

/// Whether a SEntFiN entity counts as a company: not a person or place the gazetteer
/// knows (unless it also knows it as a company), not an index, currency, commodity,
/// authority, sector or market term (`NOT_COMPANIES`), and not a plural group of
/// securities or firms (`COLLECTIVE_HEADS`).
pub fn is_company(entity: &str, known: &HashMap<String, [bool; 3]>) -> bool {
    let key = fold_key(entity);
    if let Some(k) = known.get(&key) {
        if !k[0] && (k[1] || k[2]) {
            return false;
        }
    }
    if NOT_COMPANIES.contains(&key.as_str()) {
        return false;
    }
    !key.rsplit(' ')
        .next()
        .is_some_and(|w| COLLECTIVE_HEADS.contains(&w))
}

/// Folded gazetteer names and aliases → whether they name a company, a person, a place.
pub fn known_kinds(finder: &EntityFinder) -> HashMap<String, [bool; 3]> {
    let mut m: HashMap<String, [bool; 3]> = HashMap::new();
    for e in finder.gazetteer().entities() {
        let k = match e.kind {
            EntityKind::Company => 0,
            EntityKind::Person => 1,
            EntityKind::Location => 2,
        };
        for n in std::iter::once(&e.name).chain(&e.aliases) {
            m.entry(fold_key(n)).or_default()[k] = true;
        }
    }
    m
}

/// Whether the finder's company mentions in `title` include the gold entity: a mention
/// overlapping the entity's first occurrence, or a mention whose surface or canonical
/// name folds to the entity.
fn found_entity(title: &str, entity: &str, found: &[Mention]) -> Option<usize> {
    let span = find_span(title, entity);
    if let Some((a, b)) = span {
        if let Some(k) = found
            .iter()
            .position(|m| (m.start, m.end) == (a, b))
            .or_else(|| found.iter().position(|m| m.start < b && a < m.end))
        {
            return Some(k);
        }
    }
    let key = fold_key(entity);
    found.iter().position(|m| {
        fold_key(&m.name) == key
            || title
                .get(m.start..m.end)
                .is_some_and(|s| fold_key(s) == key)
    })
}

fn end_to_end(rows: &[Row], model: &SentimentModel, finder: &EntityFinder, out: &mut Evaluation) {
    let known = known_kinds(finder);
    struct RowOut {
        pairs: Vec<(usize, usize)>,
        /// (is a company, found) per gold entity.
        hits: Vec<(bool, bool)>,
        errors: Vec<serde_json::Value>,
    }
    let per_row: Vec<RowOut> = rows
        .par_iter()
        .map(|(title, ents)| {
            let found: Vec<Mention> = finder
                .find(title, Lang::En)
                .into_iter()
                .filter(|m| m.kind == EntityKind::Company && m.start < m.end)
                .filter(|m| title.get(m.start..m.end).is_some())
                .collect();
            let spans: Vec<(usize, usize)> = found.iter().map(|m| (m.start, m.end)).collect();
            let pols = if spans.is_empty() {
                Vec::new()
            } else {
                model.targets(title, Lang::En, &spans)
            };
            let mut r = RowOut {
                pairs: Vec::new(),
                hits: Vec::new(),
                errors: Vec::new(),
            };
            for (e, gold) in ents {
                let k = found_entity(title, e, &found);
                let company = is_company(e, &known);
                r.pairs.push((
                    *gold,
                    k.and_then(|k| pols.get(k)).map_or(1, |p| class(p.label)),
                ));
                r.hits.push((company, k.is_some()));
                if company && k.is_none() {
                    r.errors.push(json!({
                        "set": "sentfin", "kind": "missed", "gold": e, "title": title,
                        "found": found.iter().map(|m| json!({
                            "name": m.name, "surface": title.get(m.start..m.end),
                            "via": m.via.as_str(),
                        })).collect::<Vec<_>>(),
                    }));
                }
            }
            r
        })
        .collect();
    let pairs: Vec<(usize, usize)> = per_row
        .iter()
        .flat_map(|r| r.pairs.iter().copied())
        .collect();
    let hits: Vec<(bool, bool)> = per_row
        .iter()
        .flat_map(|r| r.hits.iter().copied())
        .collect();
    let all_found = hits.iter().filter(|h| h.1).count();
    let companies = hits.iter().filter(|h| h.0).count();
    let companies_found = hits.iter().filter(|h| h.0 && h.1).count();
    out.reports.push(report(
        "SEntFiN dev (end-to-end)",
        &pairs,
        format!(
            "entity finder found {}/{} gold entities ({:.1} %); misses count as neutral",
            all_found,
            pairs.len(),
            100.0 * ratio(all_found, pairs.len())
        ),
    ));
    out.reports.push(DatasetReport::scores(
        "SEntFiN dev entities found (all)",
        hits.len(),
        &[("recall", ratio(all_found, hits.len()))],
        format!(
            "{all_found}/{} gold entities among the companies found in their headline",
            hits.len()
        ),
    ));
    out.reports.push(DatasetReport::scores(
        "SEntFiN dev entities found (companies)",
        companies,
        &[("recall", ratio(companies_found, companies))],
        format!(
            "{companies_found}/{companies}; companies = not a gazetteer person/place, index, currency, commodity, authority, sector or plural group"
        ),
    ));
    out.errors
        .extend(per_row.into_iter().flat_map(|r| r.errors));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::testutil;

    #[test]
    fn companies_are_told_from_indices_commodities_people_and_groups() {
        let finder = testutil::finder();
        let known = known_kinds(&finder);
        assert!(is_company("Acme", &known));
        assert!(is_company("Unlisted Widgets", &known));
        assert!(is_company("Quillby Bank", &known));
        assert!(!is_company("Jane Quillby", &known));
        assert!(!is_company("Vorland", &known));
        assert!(!is_company("Sensex", &known));
        assert!(!is_company("gold", &known));
        assert!(!is_company("RBI", &known));
        assert!(!is_company("Widget stocks", &known));
        assert!(!is_company("PSU banks", &known));
    }

    #[test]
    fn entity_recall_over_all_entities_and_companies() {
        let dir = testutil::tempdir();
        let path = dir.path().join("dev.csv");
        // Gold: Acme (found), Zorblex Financial (found, name differs from surface),
        // Widgetco (a company the finder cannot find: written in lowercase), Sensex (not a company).
        std::fs::write(
            &path,
            "S No.,Title,Decisions,Words\n\
             1,Acme shares jump as Sensex rises,\"{\"\"Acme\"\": \"\"positive\"\", \"\"Sensex\"\": \"\"positive\"\"}\",6\n\
             3,Zorblex Financial falls as widgetco shares drop,\"{\"\"Zorblex Financial\"\": \"\"negative\"\", \"\"Widgetco\"\": \"\"negative\"\"}\",5\n",
        )
        .unwrap();
        let out = testutil::evaluate(eval, &path);
        let by = |n: &str| out.reports.iter().find(|r| r.name == n).unwrap();
        let all = by("SEntFiN dev entities found (all)");
        assert_eq!((all.n, all.metric("recall")), (4, Some(0.5)));
        let comp = by("SEntFiN dev entities found (companies)");
        assert_eq!(comp.n, 3);
        assert!((comp.metric("recall").unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0]["gold"], "Widgetco");
    }
}
