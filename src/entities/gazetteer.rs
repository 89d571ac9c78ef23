//! Gazetteer: the curated lists of companies, business leaders and places.
//!
//! Loaded from `companies.csv`, `persons.csv` and `locations.csv` (see
//! `data/gazetteer/`). Every entity keeps the surface forms it can be written as; the
//! matcher turns them into one automaton. Forms listed in the `ambiguous` column of
//! `companies.csv` are also common words, places or person names and only count as a
//! company when the context gives evidence.
//!
//! Names change (Facebook → Meta Platforms, Twitter → X): an entity keeps one id across
//! renames, and the optional `company_names.csv` gives the periods of its names, so the
//! tables can show the name in use at an article's date ([`Entity::name_at`]). A
//! company that was acquired, merged or wound up may point to its `successor_id`.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

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
    /// The entity that took over this company (acquired, merged, wound up), if any.
    pub successor_id: Option<String>,
    /// The periods of the names the company went by (from `company_names.csv`), sorted
    /// by start; empty for an entity whose name never changed. They never overlap.
    pub names: Vec<NamePeriod>,
}

/// A name an entity went by from `valid_from` (inclusive) to `valid_to` (exclusive);
/// `None` is unbounded on that side.
#[derive(Debug, Clone, PartialEq)]
pub struct NamePeriod {
    /// The name in use during the period.
    pub name: String,
    /// First day of the period (`None`: since always).
    pub valid_from: Option<NaiveDate>,
    /// First day after the period, i.e. the day the next name took over (`None`: still
    /// in use).
    pub valid_to: Option<NaiveDate>,
    /// Where the period comes from (`sec`, `curated`…), empty if not given.
    pub source: String,
}

impl NamePeriod {
    /// True when `date` falls in `[valid_from, valid_to)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date < t)
    }
}

impl Entity {
    /// The name in use on `date`:
    ///
    /// * the name of the period that contains `date`;
    /// * before the first period, the first period's name (the earliest name known);
    /// * in a gap between two periods, the name of the period before the gap (a name
    ///   stays until a new one is recorded);
    /// * after the last period (a bounded one), and for an unknown date (`None`) or an
    ///   entity without periods, the canonical [`Entity::name`].
    pub fn name_at(&self, date: Option<NaiveDate>) -> &str {
        let (Some(date), Some(first)) = (date, self.names.first()) else {
            return &self.name;
        };
        if first.valid_from.is_some_and(|f| date < f) {
            return &first.name;
        }
        // The last period that started on or before `date` (periods are sorted and
        // disjoint, so it is the only candidate).
        let started = self
            .names
            .iter()
            .rev()
            .find(|p| p.valid_from.is_none_or(|f| f <= date));
        match started {
            Some(p) if p.contains(date) => &p.name,
            // A gap before a later period: the name before the gap.
            Some(p) if self.names.last() != Some(p) => &p.name,
            _ => &self.name,
        }
    }
}

/// The calendar day `days` days after 1970-01-01 (the tables' `Date` encoding).
pub fn epoch_day(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?
        .checked_add_signed(chrono::TimeDelta::try_days(i64::from(days))?)
}

/// Days since 1970-01-01 of `date` (the tables' `Date` encoding).
pub fn days_since_epoch(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days() as i32
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
    /// Successor references to check once every file is loaded: (entity, line).
    successors: Vec<(usize, u64)>,
    /// True when some entity has name periods (lets the stages skip the look-up).
    has_name_history: bool,
}

/// Required columns of `companies.csv`, in order.
pub const COMPANY_COLS: [&str; 9] = [
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
/// Optional last column of `companies.csv` (files without it keep working).
pub const SUCCESSOR_COL: &str = "successor_id";
/// Required columns of `company_names.csv` (`source` is optional).
const NAME_COLS: [&str; 4] = ["entity_id", "name", "valid_from", "valid_to"];
/// File name of the optional name history.
pub const NAMES_FILE: &str = "company_names.csv";
const PERSON_COLS: [&str; 5] = ["entity_id", "name", "aliases", "role", "company_id"];
const LOCATION_COLS: [&str; 5] = ["entity_id", "name", "aliases", "kind", "country"];

impl Gazetteer {
    /// Loads `companies.csv` (required), `persons.csv`, `locations.csv` and
    /// `company_names.csv` (optional: a missing file means an empty list) from `dir`.
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
        let names = read(NAMES_FILE, false)?;
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
        if let Some((p, s)) = names {
            g.add_names_csv(&p, &s)?;
        }
        Ok(g)
    }

    /// Adds the name periods of `company_names.csv` given as a string (same format as
    /// the file; `""` adds nothing), for tests and embedded lists.
    pub fn with_names_csv(mut self, names: &str) -> Result<Self, GazetteerError> {
        if !names.trim().is_empty() {
            self.add_names_csv(Path::new(NAMES_FILE), names)?;
        }
        Ok(self)
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

    /// The name in use on day `day` (days since 1970-01-01, the tables' `Date`) of the
    /// entity `id`, when it has a name history; `None` for an unknown id or an entity
    /// whose name never changed (its mentions keep their name). See [`Entity::name_at`].
    pub fn renamed_at(&self, id: &str, day: Option<i32>) -> Option<&str> {
        if !self.has_name_history {
            return None;
        }
        let e = self.get(id)?;
        if e.names.is_empty() {
            return None;
        }
        Some(e.name_at(day.and_then(epoch_day)))
    }

    /// True when some entity has name periods.
    pub fn has_name_history(&self) -> bool {
        self.has_name_history
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
        let mut rdr = csv_reader(data);
        let csv_err = |e: csv::Error| csv_error(path, e);
        let headers = rdr.headers().map_err(csv_err)?.clone();
        let successor_pos = (kind == EntityKind::Company)
            .then(|| {
                headers
                    .iter()
                    .position(|h| h.trim().trim_start_matches('\u{feff}') == SUCCESSOR_COL)
            })
            .flatten();
        let mut pos = Vec::with_capacity(cols.len());
        for &c in cols {
            match headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == c)
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
                    successor_id: successor_pos
                        .and_then(|i| rec.get(i))
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_string),
                    names: Vec::new(),
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
                    successor_id: None,
                    names: Vec::new(),
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
                    successor_id: None,
                    names: Vec::new(),
                },
            };
            let idx = self.entities.len();
            if entity.successor_id.is_some() {
                self.successors.push((idx, line));
            }
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
        for &(i, line) in &self.successors {
            let Some(e) = self.entities.get(i) else {
                continue;
            };
            let Some(succ) = e.successor_id.as_deref() else {
                continue;
            };
            let bad = |message: String| GazetteerError::Field {
                path: PathBuf::from("companies.csv"),
                line,
                field: SUCCESSOR_COL,
                message,
            };
            match self.get(succ) {
                None => return Err(bad(format!("`{}` refers to unknown entity `{succ}`", e.id))),
                Some(s) if s.kind != EntityKind::Company => {
                    return Err(bad(format!(
                        "`{}`'s successor `{succ}` is not a company",
                        e.id
                    )))
                }
                Some(_) if succ == e.id => {
                    return Err(bad(format!("`{}` is its own successor", e.id)))
                }
                Some(_) => {}
            }
            // Following successors must end somewhere: a cycle has no current company.
            let mut cur = e;
            for _ in 0..self.entities.len() {
                match cur.successor_id.as_deref().and_then(|s| self.get(s)) {
                    Some(next) if next.id == e.id => {
                        return Err(bad(format!("the successors of `{}` form a cycle", e.id)))
                    }
                    Some(next) => cur = next,
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// Loads the name periods of `company_names.csv` (header
    /// `entity_id,name,valid_from,valid_to[,source]`, ISO dates, empty = unbounded).
    /// Each row must name a known company; a period must start before it ends, and the
    /// periods of one company must not overlap (`valid_to` is exclusive: a period may
    /// start the day the previous one ends).
    fn add_names_csv(&mut self, path: &Path, data: &str) -> Result<(), GazetteerError> {
        let mut rdr = csv_reader(data);
        let csv_err = |e: csv::Error| csv_error(path, e);
        let headers = rdr.headers().map_err(csv_err)?.clone();
        let find = |c: &str| {
            headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == c)
        };
        let mut pos = [0usize; 4];
        for (p, c) in pos.iter_mut().zip(NAME_COLS) {
            *p = find(c).ok_or_else(|| GazetteerError::MissingColumn {
                path: path.to_path_buf(),
                column: c,
            })?;
        }
        let source_pos = find("source");
        // Entity index → its periods with their line numbers.
        let mut periods: HashMap<usize, Vec<(NamePeriod, u64)>> = HashMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let field = |i: usize| rec.get(pos[i]).unwrap_or("").trim();
            let bad = |f: &'static str, m: String| GazetteerError::Field {
                path: path.to_path_buf(),
                line,
                field: f,
                message: m,
            };
            let id = field(0);
            let idx = match self.index.get(id) {
                Some(&i) if self.entities[i].kind == EntityKind::Company => i,
                Some(_) => return Err(bad("entity_id", format!("`{id}` is not a company"))),
                None => return Err(bad("entity_id", format!("unknown entity `{id}`"))),
            };
            let name = field(1);
            if name.is_empty() {
                return Err(bad("name", "empty name".into()));
            }
            let date = |i: usize, f: &'static str| -> Result<Option<NaiveDate>, GazetteerError> {
                let v = field(i);
                if v.is_empty() {
                    return Ok(None);
                }
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|e| bad(f, format!("`{v}` is not a date YYYY-MM-DD ({e})")))
            };
            let valid_from = date(2, "valid_from")?;
            let valid_to = date(3, "valid_to")?;
            if let (Some(f), Some(t)) = (valid_from, valid_to) {
                if f >= t {
                    return Err(bad(
                        "valid_to",
                        format!("the period of `{name}` ends ({t}) before it starts ({f}) or on the same day (valid_to is exclusive)"),
                    ));
                }
            }
            let source = source_pos
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .trim()
                .to_string();
            periods.entry(idx).or_default().push((
                NamePeriod {
                    name: name.to_string(),
                    valid_from,
                    valid_to,
                    source,
                },
                line,
            ));
        }
        // Sorted by entity so the first error reported does not depend on hashing.
        let mut periods: Vec<(usize, Vec<(NamePeriod, u64)>)> = periods.into_iter().collect();
        periods.sort_by_key(|(i, _)| *i);
        for (idx, mut ps) in periods {
            // Unbounded starts first (`None < Some`), then by start, then by line.
            ps.sort_by_key(|(p, line)| (p.valid_from, *line));
            for w in ps.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                let overlaps = match (a.0.valid_to, b.0.valid_from) {
                    (None, _) | (_, None) => true,
                    (Some(end), Some(start)) => start < end,
                };
                if overlaps {
                    let (first, second) = if a.1 <= b.1 { (a, b) } else { (b, a) };
                    return Err(GazetteerError::Field {
                        path: path.to_path_buf(),
                        line: second.1,
                        field: "valid_from",
                        message: format!(
                            "the period of `{}` overlaps the period of `{}` on line {} (same entity `{}`)",
                            second.0.name, first.0.name, first.1, self.entities[idx].id
                        ),
                    });
                }
            }
            self.entities[idx].names = ps.into_iter().map(|(p, _)| p).collect();
            self.has_name_history = true;
        }
        Ok(())
    }
}

/// A reader of one gazetteer CSV file: a header row, fixed width. The callers trim the
/// headers and fields they use (`Trim::All` copied every record).
fn csv_reader(data: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(data.as_bytes())
}

/// A CSV error of the gazetteer file `path`, with its line.
fn csv_error(path: &Path, e: csv::Error) -> GazetteerError {
    GazetteerError::Csv {
        path: path.to_path_buf(),
        line: e.position().map(|p| p.line()).unwrap_or(0),
        message: e.to_string(),
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
    fn spaces_around_headers_and_fields_are_ignored() {
        let spaced =
            "\u{feff}entity_id , name,aliases ,country,sector,ticker,isin,parent_id,ambiguous\n\
            dior ,  Christian Dior , Dior | CD ,FR,Luxury,CDI.PA,,, Dior\n";
        let g = Gazetteer::from_csv_strs(spaced, "", "").expect("spaces are trimmed");
        let dior = g.get("dior").expect("id trimmed");
        assert_eq!(dior.name, "Christian Dior");
        assert_eq!(dior.aliases, ["Dior", "CD"]);
        assert!(g.forms().iter().any(|f| f.surface == "Dior" && f.ambiguous));
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

    /// Invented companies: Brightwave renamed itself Lumen Arc; Cobalt Fields was
    /// taken over by Lumen Arc.
    const RENAMED: &str =
        "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous,successor_id\n\
        lumen-arc,Lumen Arc,Lumen Arc|Brightwave,FR,Tech,,,,,\n\
        cobalt-fields,Cobalt Fields,,FR,Mining,,,,,lumen-arc\n";
    const NAMES: &str = "entity_id,name,valid_from,valid_to,source\n\
        lumen-arc,Lumen Arc,2021-10-27,,test\n\
        lumen-arc,Brightwave,,2021-10-27,test\n";

    fn day(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date"))
    }

    #[test]
    fn successor_column_is_optional_and_checked() {
        // The 9-column header (no successor_id) still loads, with no successor.
        let g = Gazetteer::from_csv_strs(COMPANIES, "", "").expect("old header");
        assert_eq!(g.get("dior").and_then(|e| e.successor_id.clone()), None);
        assert!(!g.has_name_history());

        let g = Gazetteer::from_csv_strs(RENAMED, "", "").expect("new header");
        assert_eq!(
            g.get("cobalt-fields")
                .and_then(|e| e.successor_id.as_deref()),
            Some("lumen-arc")
        );
        assert_eq!(
            g.get("lumen-arc").and_then(|e| e.successor_id.clone()),
            None
        );

        let unknown = RENAMED.replace(",lumen-arc\n", ",nowhere-inc\n");
        let msg = Gazetteer::from_csv_strs(&unknown, "", "")
            .expect_err("unknown successor")
            .to_string();
        for part in ["companies.csv", "line 3", "successor_id", "nowhere-inc"] {
            assert!(msg.contains(part), "{part} missing in: {msg}");
        }
        let own = RENAMED.replace(",lumen-arc\n", ",cobalt-fields\n");
        let msg = Gazetteer::from_csv_strs(&own, "", "")
            .expect_err("self")
            .to_string();
        assert!(msg.contains("its own successor"), "{msg}");
        let cycle = RENAMED.replace("Tech,,,,,\n", "Tech,,,,,cobalt-fields\n");
        let msg = Gazetteer::from_csv_strs(&cycle, "", "")
            .expect_err("cycle")
            .to_string();
        assert!(msg.contains("cycle"), "{msg}");
        let persons = "entity_id,name,aliases,role,company_id\nperson:ada-vale,Ada Vale,,CEO,\n";
        let to_person = RENAMED.replace(",lumen-arc\n", ",person:ada-vale\n");
        let msg = Gazetteer::from_csv_strs(&to_person, persons, "")
            .expect_err("person successor")
            .to_string();
        assert!(msg.contains("not a company"), "{msg}");
    }

    #[test]
    fn name_periods_load_sorted_and_resolve_by_date() {
        let g = Gazetteer::from_csv_strs(RENAMED, "", "")
            .and_then(|g| g.with_names_csv(NAMES))
            .expect("valid names");
        assert!(g.has_name_history());
        let e = g.get("lumen-arc").expect("entity");
        assert_eq!(e.names.len(), 2);
        assert_eq!(e.names[0].name, "Brightwave"); // the unbounded start sorts first
        assert_eq!(e.names[0].source, "test");
        // `valid_to` is exclusive: the day of the rename already has the new name.
        assert_eq!(e.name_at(day("2021-10-26")), "Brightwave");
        assert_eq!(e.name_at(day("2021-10-27")), "Lumen Arc");
        assert_eq!(e.name_at(day("1990-01-01")), "Brightwave");
        assert_eq!(e.name_at(day("2030-01-01")), "Lumen Arc");
        assert_eq!(e.name_at(None), "Lumen Arc");
        // The same through the table encoding (days since 1970-01-01).
        let d = |s: &str| day(s).map(days_since_epoch);
        assert_eq!(d("1970-01-02"), Some(1));
        assert_eq!(epoch_day(1), day("1970-01-02"));
        assert_eq!(
            g.renamed_at("lumen-arc", d("2021-10-26")),
            Some("Brightwave")
        );
        assert_eq!(
            g.renamed_at("lumen-arc", d("2021-10-27")),
            Some("Lumen Arc")
        );
        // No history, or no such entity: the mention keeps its name.
        assert_eq!(g.renamed_at("cobalt-fields", d("2000-01-01")), None);
        assert_eq!(g.renamed_at("nobody", d("2000-01-01")), None);
        // Entities without periods answer their canonical name.
        let c = g.get("cobalt-fields").expect("entity");
        assert_eq!(c.name_at(day("2000-01-01")), "Cobalt Fields");

        // An empty file (header only) and no file at all add nothing.
        let header = "entity_id,name,valid_from,valid_to,source\r\n";
        for names in [header, ""] {
            let g = Gazetteer::from_csv_strs(RENAMED, "", "")
                .and_then(|g| g.with_names_csv(names))
                .expect("empty names");
            assert!(!g.has_name_history());
        }
    }

    #[test]
    fn name_at_before_between_and_after_bounded_periods() {
        // Bounded periods with a gap, and a canonical name used after the last one.
        let names = "entity_id,name,valid_from,valid_to\n\
            lumen-arc,Second Light,2012-01-01,2015-01-01\n\
            lumen-arc,First Light,2005-06-01,2010-01-01\n";
        let g = Gazetteer::from_csv_strs(RENAMED, "", "")
            .and_then(|g| g.with_names_csv(names))
            .expect("no source column is fine");
        let e = g.get("lumen-arc").expect("entity");
        assert_eq!(e.name_at(day("2000-01-01")), "First Light"); // before the first
        assert_eq!(e.name_at(day("2005-06-01")), "First Light"); // first day included
        assert_eq!(e.name_at(day("2009-12-31")), "First Light");
        assert_eq!(e.name_at(day("2011-03-01")), "First Light"); // gap: the name before
        assert_eq!(e.name_at(day("2012-01-01")), "Second Light");
        assert_eq!(e.name_at(day("2014-12-31")), "Second Light");
        assert_eq!(e.name_at(day("2015-01-01")), "Lumen Arc"); // after the last: canonical
        assert_eq!(e.names[0].source, "");
    }

    #[test]
    fn bad_name_periods_are_clear_errors() {
        let load = |names: &str| {
            Gazetteer::from_csv_strs(RENAMED, "", "")
                .and_then(|g| g.with_names_csv(names))
                .expect_err("must fail")
                .to_string()
        };
        let head = "entity_id,name,valid_from,valid_to,source\n";
        let cases: [(&str, &[&str]); 6] = [
            (
                "lumen-arc,Brightwave,2021-13-01,,x\n",
                &["company_names.csv", "line 2", "valid_from", "2021-13-01"],
            ),
            (
                "lumen-arc,Brightwave,,27/10/2021,x\n",
                &["line 2", "valid_to", "27/10/2021"],
            ),
            (
                "lumen-arc,Lumen Arc,2021-10-27,,x\nlumen-arc,Brightwave,2022-01-01,2020-01-01,x\n",
                &["line 3", "valid_to", "before it starts"],
            ),
            (
                "lumen-arc,Lumen Arc,2021-10-27,,x\nghost-co,Ghost,,2020-01-01,x\n",
                &["line 3", "entity_id", "unknown entity `ghost-co`"],
            ),
            (
                "lumen-arc,Brightwave,,2021-10-28,x\nlumen-arc,Lumen Arc,2021-10-27,,x\n",
                &["line 3", "overlaps", "Brightwave", "line 2"],
            ),
            (
                "lumen-arc,Lumen Arc,2021-10-27,,x\nlumen-arc,Brightwave,2010-01-01,,x\n",
                &["line 3", "overlaps", "lumen-arc"],
            ),
        ];
        for (rows, parts) in cases {
            let msg = load(&format!("{head}{rows}"));
            for part in parts {
                assert!(msg.contains(part), "{part} missing in: {msg}");
            }
        }
        // A person is not a company; a missing column is named.
        let persons = "entity_id,name,aliases,role,company_id\nperson:ada-vale,Ada Vale,,CEO,\n";
        let msg = Gazetteer::from_csv_strs(RENAMED, persons, "")
            .and_then(|g| g.with_names_csv(&format!("{head}person:ada-vale,Ada,,2020-01-01,x\n")))
            .expect_err("person")
            .to_string();
        assert!(msg.contains("not a company"), "{msg}");
        let msg = load("entity_id,name,valid_from\nlumen-arc,Brightwave,\n");
        assert!(msg.contains("valid_to"), "{msg}");
        // Touching periods (one ends the day the next starts) are fine.
        let ok = format!(
            "{head}lumen-arc,Brightwave,,2021-10-27,x\nlumen-arc,Lumen Arc,2021-10-27,,x\n"
        );
        assert!(Gazetteer::from_csv_strs(RENAMED, "", "")
            .and_then(|g| g.with_names_csv(&ok))
            .is_ok());
    }

    #[test]
    fn load_reads_company_names_csv_when_present() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("companies.csv"), RENAMED).expect("write");
        let g = Gazetteer::load(dir.path()).expect("no names file");
        assert!(!g.has_name_history());
        fs::write(dir.path().join(NAMES_FILE), NAMES).expect("write");
        let g = Gazetteer::load(dir.path()).expect("names file");
        assert_eq!(g.get("lumen-arc").map(|e| e.names.len()), Some(2));
        fs::write(
            dir.path().join(NAMES_FILE),
            "entity_id,name,valid_from,valid_to,source\nlumen-arc,X,2020-02-30,,t\n",
        )
        .expect("write");
        let msg = Gazetteer::load(dir.path())
            .expect_err("bad date")
            .to_string();
        assert!(msg.contains(NAMES_FILE) && msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn missing_directory_is_a_clear_io_error() {
        let err = Gazetteer::load(Path::new("/nonexistent/gazetteer")).expect_err("no dir");
        assert!(err.to_string().contains("companies.csv"));
    }
}
