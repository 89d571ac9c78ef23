//! The user's own companies (`entities.extra_companies`): a CSV file merged into the
//! gazetteer's `companies.csv` for the run, without editing the shipped data.
//!
//! Columns (header row required; any order): `name` (required), and optionally
//! `entity_id`, `aliases`, `country`, `sector`, `ticker`, `isin`, `parent_id`,
//! `ambiguous`, `successor_id` — the gazetteer's columns (`data/gazetteer/README.md`),
//! multi-valued cells separated by `|`. Per row:
//! - without `entity_id`, the id is made from the name (`Le Petit Fournil` →
//!   `le-petit-fournil`);
//! - a row whose id is already in the gazetteer adds its name and aliases (and ambiguous
//!   forms) to that company, and its other non-empty cells replace the gazetteer's — the
//!   way to teach the finder an alias (`lvmh,Moët Hennessy`);
//! - any other row is a new company.
//!
//! Errors name the user's file, line and column.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context as _, Result};

use crate::entities::gazetteer::{COMPANY_COLS, SUCCESSOR_COL};

/// Every column the user's file may have (the gazetteer's); `name` is required.
const COLUMNS: [&str; 10] = {
    let c = COMPANY_COLS;
    [
        c[0],
        c[1],
        c[2],
        c[3],
        c[4],
        c[5],
        c[6],
        c[7],
        c[8],
        SUCCESSOR_COL,
    ]
};

/// Columns whose cells are `|`-separated lists that a row adds to (not replaces).
const LISTS: [&str; 2] = ["aliases", "ambiguous"];

/// The id made from a name: lowercase ASCII letters and digits, other runs as `-`.
pub fn slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let mut dash = false;
    for c in name.nfd() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if !unicode_normalization::char::is_combining_mark(c) {
            dash = true;
        }
    }
    out
}

fn split(cell: &str) -> Vec<String> {
    cell.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn push_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.iter().any(|x| x == &item) {
            list.push(item);
        }
    }
}

/// `companies.csv` (`base`, the gazetteer's file) with the user's companies of `extra`
/// merged in, as CSV bytes with the gazetteer's header (plus `successor_id` if needed).
pub fn merge(base: &[u8], extra: &Path) -> Result<Vec<u8>> {
    let setting = "entities.extra_companies";
    let user = std::fs::read(extra)
        .with_context(|| format!("cannot read {} ({setting})", extra.display()))?;
    let user = String::from_utf8(user).map_err(|_| {
        anyhow::anyhow!(
            "{}: not UTF-8 text; save the file as UTF-8 ({setting})",
            extra.display()
        )
    })?;
    merge_str(base, &user, &extra.display().to_string())
}

/// [`merge`] on the user's CSV text; `shown` names it in errors.
fn merge_str(base: &[u8], user: &str, shown: &str) -> Result<Vec<u8>> {
    // The gazetteer: its header and rows, by id.
    let mut rdr = csv::ReaderBuilder::new().from_reader(base);
    let mut header: Vec<String> = rdr
        .headers()
        .context("the gazetteer's companies.csv has no header")?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.context("the gazetteer's companies.csv is not valid CSV")?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    let col = |header: &[String], name: &str| header.iter().position(|h| h == name);
    let (Some(id_at), Some(name_at)) = (col(&header, "entity_id"), col(&header, "name")) else {
        bail!("the gazetteer's companies.csv has no entity_id or name column");
    };
    let mut by_id: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.get(id_at)?.clone(), i)))
        .collect();

    // The user's file.
    let mut urdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(user.as_bytes());
    let uheader: Vec<String> = urdr
        .headers()
        .with_context(|| format!("{shown}: no header row"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for h in &uheader {
        if !COLUMNS.contains(&h.as_str()) {
            bail!(
                "{shown}: unknown column `{h}`; the columns are name (required), {}",
                COLUMNS
                    .iter()
                    .filter(|c| **c != "name")
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    if !uheader.iter().any(|h| h == "name") {
        bail!(
            "{shown}: no `name` column (columns found: {}); name is required, the other gazetteer columns are optional",
            uheader.join(", ")
        );
    }
    if uheader.iter().any(|h| h == "successor_id") && col(&header, "successor_id").is_none() {
        header.push("successor_id".into());
        for r in &mut rows {
            r.push(String::new());
        }
    }
    let width = header.len();
    // References to check once every row is in: (line, column, id).
    let mut refs: Vec<(u64, &'static str, String)> = Vec::new();
    let mut added = 0usize;
    for rec in urdr.records() {
        let rec = rec.with_context(|| format!("{shown}: not valid CSV"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |c: &str| -> &str {
            uheader
                .iter()
                .position(|h| h == c)
                .and_then(|i| rec.get(i))
                .map_or("", str::trim)
        };
        let bad = |c: &str, msg: String| anyhow::anyhow!("{shown}: line {line}: {c}: {msg}");
        let name = cell("name");
        if name.is_empty() {
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            return Err(bad("name", "empty; every row needs a name".into()));
        }
        let id = match cell("entity_id") {
            "" => slug(name),
            id => id.to_string(),
        };
        if id.is_empty()
            || !id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | ':' | '.')
            })
        {
            return Err(bad(
                "entity_id",
                format!("`{id}` is not a lowercase slug (a-z, 0-9, `-_:.`)"),
            ));
        }
        let idx = match by_id.get(&id) {
            Some(&i) => i,
            None => {
                let mut r = vec![String::new(); width];
                r[id_at] = id.clone();
                r[name_at] = name.to_string();
                rows.push(r);
                by_id.insert(id.clone(), rows.len() - 1);
                added += 1;
                rows.len() - 1
            }
        };
        let row = &mut rows[idx];
        // Names and aliases are added (the gazetteer lists the name among the aliases).
        let mut forms = vec![name.to_string()];
        forms.extend(split(cell("aliases")));
        if let Some(at) = col(&header, "aliases") {
            let mut list = split(&row[at]);
            if list.is_empty() {
                list.push(row[name_at].clone());
            }
            push_unique(&mut list, forms.clone());
            row[at] = list.join("|");
        }
        let known: Vec<String> = std::iter::once(row[name_at].clone())
            .chain(col(&header, "aliases").map_or_else(Vec::new, |at| split(&row[at])))
            .map(|f| f.to_lowercase())
            .collect();
        for a in split(cell("ambiguous")) {
            if !known.contains(&a.to_lowercase()) {
                return Err(bad(
                    "ambiguous",
                    format!("`{a}` is neither the name nor an alias of `{id}`"),
                ));
            }
        }
        if let Some(at) = col(&header, "ambiguous") {
            let mut list = split(&row[at]);
            push_unique(&mut list, split(cell("ambiguous")));
            row[at] = list.join("|");
        }
        for c in COLUMNS {
            if c == "entity_id" || c == "name" || LISTS.contains(&c) {
                continue;
            }
            let v = cell(c);
            if v.is_empty() {
                continue;
            }
            if c == "parent_id" || c == "successor_id" {
                refs.push((line, c, v.to_string()));
            }
            if let Some(at) = col(&header, c) {
                row[at] = v.to_string();
            }
        }
    }
    for (line, c, target) in refs {
        if !by_id.contains_key(&target) {
            bail!(
                "{shown}: line {line}: {c}: `{target}` is no company of the gazetteer or of this file"
            );
        }
    }
    tracing::debug!("{shown}: {added} companies added to the gazetteer");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header)?;
    for r in &rows {
        w.write_record(r)?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write the merged gazetteer: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str =
        "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous,successor_id\n\
        lumen-arc,Lumen Arc,Lumen Arc|Lumen,FR,Energy,LUM.PA,,,Lumen,\n\
        vorta,Vorta Group,Vorta Group,DE,Industry,,,,,\n";

    fn merged(user: &str) -> Result<Vec<Vec<String>>> {
        let bytes = merge_str(BASE.as_bytes(), user, "mine.csv")?;
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        Ok(r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect())
    }

    #[test]
    fn new_companies_are_added_and_known_ids_get_aliases() {
        let rows = merged(
            "name,aliases,sector,parent_id\n\
             Le Petit Fournil,Petit Fournil,Food,vorta\n\
             Lumen Arc,Lumenarc|LA Energie,,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        let new = &rows[2];
        assert_eq!(new[0], "le-petit-fournil");
        assert_eq!(new[1], "Le Petit Fournil");
        assert_eq!(new[2], "Le Petit Fournil|Petit Fournil");
        assert_eq!((new[4].as_str(), new[7].as_str()), ("Food", "vorta"));
        // The id made from "Lumen Arc" is a shipped company: aliases added, rest kept.
        assert_eq!(rows[0][2], "Lumen Arc|Lumen|Lumenarc|LA Energie");
        assert_eq!(
            (rows[0][4].as_str(), rows[0][5].as_str()),
            ("Energy", "LUM.PA")
        );
        // The merged file loads as a gazetteer.
        let bytes = merge_str(BASE.as_bytes(), "name\nLe Petit Fournil\n", "x").unwrap();
        let gaz =
            crate::entities::Gazetteer::from_csv_strs(std::str::from_utf8(&bytes).unwrap(), "", "")
                .unwrap();
        assert_eq!(
            gaz.get("le-petit-fournil").map(|e| e.name.as_str()),
            Some("Le Petit Fournil")
        );
    }

    #[test]
    fn explicit_ids_and_references_are_checked() {
        let rows = merged("entity_id,name,ambiguous\nvorta,Vorta,Vorta\n").unwrap();
        assert_eq!(rows[1][2], "Vorta Group|Vorta");
        assert_eq!(rows[1][8], "Vorta");
        let err = |user: &str| format!("{:#}", merged(user).unwrap_err());
        let e = err("name,parent_id\nAcme Bakery,acme-holding\n");
        assert!(
            e.contains("mine.csv: line 2: parent_id: `acme-holding` is no company"),
            "{e}"
        );
        let e = err("entity_id,name\nAcme Bakery,Acme Bakery\n");
        assert!(e.contains("line 2: entity_id") && e.contains("slug"), "{e}");
        let e = err("company,alias\nAcme,ACME\n");
        assert!(e.contains("unknown column `company`"), "{e}");
        let e = err("entity_id,aliases\nacme,Acme\n");
        assert!(e.contains("no `name` column"), "{e}");
        let e = err("name,ambiguous\nAcme Bakery,Bakery\n");
        assert!(e.contains("line 2: ambiguous: `Bakery`"), "{e}");
        let e = err("name,sector\n,Food\n");
        assert!(e.contains("line 2: name: empty"), "{e}");
    }

    #[test]
    fn slugs_fold_accents_and_punctuation() {
        assert_eq!(slug("Société Générale"), "societe-generale");
        assert_eq!(slug("  L'Oréal (Paris) "), "l-oreal-paris");
        assert_eq!(slug("«»"), "");
    }
}
