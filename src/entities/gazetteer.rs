//! Gazetteer: the curated lists of companies, business leaders and places.
//!
//! Loaded from `companies.csv`, `persons.csv` and `locations.csv` (see
//! `data/gazetteer/`). Every entity keeps the surface forms it can be written as; the
//! matcher turns them into one automaton. Forms listed in the `ambiguous` column of
//! `companies.csv` are also common words, places or person names and only count as a
//! company when the context gives evidence.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::fold::fold_str;
use super::EntityKind;

/// One gazetteer entry, as exported in the `entities` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Stable lowercase slug (`apple`, `bnp-paribas`), unique across all three files.
    pub id: String,
    /// Canonical display name.
    pub name: String,
    /// Company, person or location.
    pub kind: EntityKind,
    /// ISO-2 country (companies and locations).
    pub country: Option<String>,
    /// Sector (companies); for persons, their role (`CEO`, `PDG`…); for locations,
    /// their kind (`country`, `city`, `region`). Kept in one column so the
    /// `entities` table stays flat.
    pub sector: Option<String>,
    /// Main ticker (first of the `|`-separated list).
    pub ticker: Option<String>,
    /// Main ISIN (first of the `|`-separated list).
    pub isin: Option<String>,
    /// Parent company id; for persons, the company they lead (`company_id`).
    pub parent_id: Option<String>,
    /// Other names (not including `name`).
    pub aliases: Vec<String>,
}

/// A surface form of an entity, as the matcher needs it.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    /// Index into [`Gazetteer::entities`].
    pub entity: usize,
    /// The form as written in the gazetteer (its capitalisation drives the case policy).
    pub surface: String,
    /// Needs contextual evidence before it counts (companies only).
    pub ambiguous: bool,
}

/// Errors from [`Gazetteer::load`]; each names the file and, where relevant, the line
/// and field so a data fix is a one-line edit.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    /// The file could not be read.
    #[error("cannot read gazetteer file {path}: {source}")]
    Io {
        /// File path.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The CSV is malformed (bad quoting, wrong number of fields…).
    #[error("{path}: line {line}: malformed CSV: {message}")]
    Csv {
        /// File path.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// CSV parser message.
        message: String,
    },
    /// A required column is missing from the header.
    #[error("{path}: missing column `{column}` in header")]
    MissingColumn {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: &'static str,
    },
    /// A field has an invalid value.
    #[error("{path}: line {line}: field `{field}`: {message}")]
    Field {
        /// File path.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// Column name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// The loaded gazetteer: entities plus the surface forms the matcher searches for.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entities: Vec<Entity>,
    index: HashMap<String, usize>,
    forms: Vec<Form>,
    tickers: Vec<(usize, String)>,
}

const COMPANY_COLS: [&str; 9] = [
    "entity_id",
    "name",
    "aliases",
    "country",
    "sector",
    "ticker",
    "isin",
    "parent_id",
    "ambiguous",
];
const PERSON_COLS: [&str; 5] = ["entity_id", "name", "aliases", "role", "company_id"];
const LOCATION_COLS: [&str; 5] = ["entity_id", "name", "aliases", "kind", "country"];

impl Gazetteer {
    /// Loads `companies.csv` (required), `persons.csv` and `locations.csv` (optional:
    /// a missing file means an empty list) from `dir`.
    pub fn load(dir: &Path) -> Result<Self, GazetteerError> {
        let read =
            |name: &str, required: bool| -> Result<Option<(PathBuf, String)>, GazetteerError> {
                let path = dir.join(name);
                match fs::read_to_string(&path) {
                    Ok(s) => Ok(Some((path, s))),
                    Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(GazetteerError::Io { path, source }),
                }
            };
        let companies = read("companies.csv", true)?;
        let persons = read("persons.csv", false)?;
        let locations = read("locations.csv", false)?;
        let mut g = Gazetteer::default();
        if let Some((p, s)) = companies {
            g.add_csv(&p, &s, EntityKind::Company)?;
        }
        if let Some((p, s)) = persons {
            g.add_csv(&p, &s, EntityKind::Person)?;
        }
        if let Some((p, s)) = locations {
            g.add_csv(&p, &s, EntityKind::Location)?;
        }
        g.check_references()?;
        Ok(g)
    }

    /// Builds a gazetteer from CSV strings (same formats as the files); used by tests
    /// and by callers that embed a small list. Pass `""` for an absent file.
    pub fn from_csv_strs(
        companies: &str,
        persons: &str,
        locations: &str,
    ) -> Result<Self, GazetteerError> {
        let mut g = Gazetteer::default();
        for (name, s, kind) in [
            ("companies.csv", companies, EntityKind::Company),
            ("persons.csv", persons, EntityKind::Person),
            ("locations.csv", locations, EntityKind::Location),
        ] {
            if !s.trim().is_empty() {
                g.add_csv(Path::new(name), s, kind)?;
            }
        }
        g.check_references()?;
        Ok(g)
    }

    /// All entities (companies, then persons, then locations), for the `entities` table.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index.get(id).and_then(|&i| self.entities.get(i))
    }

    pub(crate) fn forms(&self) -> &[Form] {
        &self.forms
    }

    pub(crate) fn tickers(&self) -> &[(usize, String)] {
        &self.tickers
    }

    fn add_csv(&mut self, path: &Path, data: &str, kind: EntityKind) -> Result<(), GazetteerError> {
        let cols: &[&'static str] = match kind {
            EntityKind::Company => &COMPANY_COLS,
            EntityKind::Person => &PERSON_COLS,
            EntityKind::Location => &LOCATION_COLS,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(data.as_bytes());
        let csv_err = |e: csv::Error| GazetteerError::Csv {
            path: path.to_path_buf(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: e.to_string(),
        };
        let headers = rdr.headers().map_err(csv_err)?.clone();
        let mut pos = Vec::with_capacity(cols.len());
        for &c in cols {
            match headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == c)
            {
                Some(i) => pos.push(i),
                None => {
                    return Err(GazetteerError::MissingColumn {
                        path: path.to_path_buf(),
                        column: c,
                    })
                }
            }
        }
        for rec in rdr.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let field = |i: usize| rec.get(pos[i]).unwrap_or("").trim();
            let opt = |i: usize| {
                let v = field(i);
                (!v.is_empty()).then(|| v.to_string())
            };
            let first = |i: usize| split_list(field(i)).into_iter().next();
            let bad = |f: &'static str, m: String| GazetteerError::Field {
                path: path.to_path_buf(),
                line,
                field: f,
                message: m,
            };
            let id = field(0).to_string();
            if id.is_empty() {
                return Err(bad("entity_id", "empty id".into()));
            }
            if !id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | ':' | '.')
            }) {
                return Err(bad(
                    "entity_id",
                    format!("`{id}` is not a lowercase slug (a-z, 0-9, `-_:.`)"),
                ));
            }
            if self.index.contains_key(&id) {
                return Err(bad("entity_id", format!("duplicate id `{id}`")));
            }
            let name = field(1).to_string();
            if name.is_empty() {
                return Err(bad("name", "empty name".into()));
            }
            let aliases: Vec<String> = split_list(field(2))
                .into_iter()
                .filter(|a| *a != name)
                .collect();
            let entity = match kind {
                EntityKind::Company => Entity {
                    id: id.clone(),
                    name: name.clone(),
                    kind,
                    country: opt(3),
                    sector: opt(4),
                    ticker: first(5),
                    isin: first(6),
                    parent_id: opt(7),
                    aliases: aliases.clone(),
                },
                EntityKind::Person => Entity {
                    id: id.clone(),
                    name: name.clone(),
                    kind,
                    country: None,
                    sector: opt(3),
                    ticker: None,
                    isin: None,
                    parent_id: opt(4),
                    aliases: aliases.clone(),
                },
                EntityKind::Location => Entity {
                    id: id.clone(),
                    name: name.clone(),
                    kind,
                    country: opt(4),
                    sector: opt(3),
                    ticker: None,
                    isin: None,
                    parent_id: None,
                    aliases: aliases.clone(),
                },
            };
            let idx = self.entities.len();
            let ambiguous: HashSet<String> = if kind == EntityKind::Company {
                split_list(field(8)).iter().map(|a| fold_str(a)).collect()
            } else {
                HashSet::new()
            };
            if kind == EntityKind::Company {
                for a in &ambiguous {
                    let known = fold_str(&name) == *a || aliases.iter().any(|x| fold_str(x) == *a);
                    if !known {
                        return Err(bad(
                            "ambiguous",
                            format!("`{a}` is neither the name nor an alias of `{id}`"),
                        ));
                    }
                }
                for t in split_list(field(5)) {
                    self.tickers.push((idx, t));
                }
            }
            let mut seen = HashSet::new();
            for surface in std::iter::once(name.clone()).chain(aliases) {
                if surface.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                    continue; // single letters would match everywhere
                }
                // Case variants of one form are one form (the first spelling decides the case policy).
                if !seen.insert(surface.clone()) {
                    continue;
                }
                let folded = fold_str(&surface);
                self.forms.push(Form {
                    entity: idx,
                    ambiguous: ambiguous.contains(&folded),
                    surface,
                });
            }
            self.index.insert(id, idx);
            self.entities.push(entity);
        }
        Ok(())
    }

    /// Parent and company references must point to known companies; a dangling id
    /// would silently break the parent roll-up in the aggregate stage.
    fn check_references(&self) -> Result<(), GazetteerError> {
        for e in &self.entities {
            if let Some(p) = &e.parent_id {
                if !self.index.contains_key(p) {
                    let (file, field) = match e.kind {
                        EntityKind::Person => ("persons.csv", "company_id"),
                        _ => ("companies.csv", "parent_id"),
                    };
                    return Err(GazetteerError::Field {
                        path: PathBuf::from(file),
                        line: 0,
                        field,
                        message: format!("`{}` refers to unknown entity `{p}`", e.id),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Splits a `|`-separated list, trimming items and dropping empty ones.
fn split_list(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPANIES: &str =
        "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
        lvmh,LVMH,Moët Hennessy Louis Vuitton,FR,Luxury,MC.PA,FR0000121014,,\n\
        dior,Christian Dior,Dior,FR,Luxury,CDI.PA,,lvmh,Dior\n";

    #[test]
    fn loads_companies_with_lists_and_parents() {
        let g = Gazetteer::from_csv_strs(COMPANIES, "", "").expect("valid csv");
        assert_eq!(g.entities().len(), 2);
        let dior = g.get("dior").expect("dior present");
        assert_eq!(dior.parent_id.as_deref(), Some("lvmh"));
        assert_eq!(dior.aliases, vec!["Dior".to_string()]);
        assert_eq!(dior.kind, EntityKind::Company);
        assert!(g.forms().iter().any(|f| f.surface == "Dior" && f.ambiguous));
        assert!(g
            .forms()
            .iter()
            .any(|f| f.surface == "Christian Dior" && !f.ambiguous));
        assert_eq!(
            g.get("lvmh").and_then(|e| e.isin.clone()).as_deref(),
            Some("FR0000121014")
        );
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let bad = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
            apple,Apple,,US,Tech,AAPL,,,\n\
            Bad Id,Foo,,US,,,,,\n";
        let err = Gazetteer::from_csv_strs(bad, "", "").expect_err("bad id must fail");
        let msg = err.to_string();
        assert!(msg.contains("companies.csv"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("entity_id"), "{msg}");

        let missing = "entity_id,name\napple,Apple\n";
        let err = Gazetteer::from_csv_strs(missing, "", "").expect_err("missing column");
        assert!(err.to_string().contains("aliases"));

        let dangling = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
            dior,Dior,,FR,,,,lvmh,\n";
        let err = Gazetteer::from_csv_strs(dangling, "", "").expect_err("dangling parent");
        assert!(err.to_string().contains("lvmh"));

        let wrong_ambiguous =
            "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
            apple,Apple Inc.,,US,,,,,Pear\n";
        assert!(Gazetteer::from_csv_strs(wrong_ambiguous, "", "").is_err());
    }

    #[test]
    fn persons_and_locations_share_the_id_space() {
        let persons = "entity_id,name,aliases,role,company_id\n\
            bernard-arnault,Bernard Arnault,,PDG,lvmh\n";
        let locations = "entity_id,name,aliases,kind,country\n\
            london,Londres,London,city,GB\n\
            lvmh,Lvmh town,,city,FR\n";
        let err = Gazetteer::from_csv_strs(COMPANIES, persons, locations).expect_err("dup id");
        assert!(err.to_string().contains("duplicate id `lvmh`"));
        let locations = "entity_id,name,aliases,kind,country\nlondon,Londres,London,city,GB\n";
        let g = Gazetteer::from_csv_strs(COMPANIES, persons, locations).expect("valid");
        assert_eq!(g.get("london").map(|e| e.kind), Some(EntityKind::Location));
        assert_eq!(
            g.get("london").and_then(|e| e.sector.clone()).as_deref(),
            Some("city")
        );
        assert_eq!(
            g.get("bernard-arnault")
                .and_then(|e| e.parent_id.clone())
                .as_deref(),
            Some("lvmh")
        );
    }

    #[test]
    fn missing_directory_is_a_clear_io_error() {
        let err = Gazetteer::load(Path::new("/nonexistent/gazetteer")).expect_err("no dir");
        assert!(err.to_string().contains("companies.csv"));
    }
}
