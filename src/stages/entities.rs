//! Stage 3 — entities: companies, persons and places in each article.
//!
//! The finder runs on `title + "\n\n" + body` so evidence from the body can confirm an
//! ambiguous name in the title (one sense per article). Offsets are converted to
//! Unicode character offsets within the field (`title` or `text`) for the tables, and
//! byte offsets into the whole document are kept for the sentiment stage.

use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::artefact::{part_name, read_parquet_columns, write_parquet, Manifest, StageDir};
use crate::entities::{drop_publisher_mentions, EntityFinder, EntityKind, Gazetteer, Mention, Via};
use crate::stages::chunks::{self, Reuse};
use crate::stages::{list_parts, secs, Context, PartWriter, ReadAhead, Stage};
use crate::tables::{
    article_texts_from_frame, mention_fields_to_frame, ArticleText, MentionFields,
    ARTICLE_TEXT_COLUMNS,
};
use crate::text::lang::Lang;

/// Where the pipeline names the gazetteer, for error messages.
pub const PIPELINE_GAZETTEER: &str = "entities.gazetteer in the pipeline file";

/// An entity finder being built ahead of the stage ([`build_ahead`]): the run it is for,
/// the gazetteer folder, and the thread building it.
type Ahead = (
    String,
    std::path::PathBuf,
    std::thread::JoinHandle<Result<EntityFinder>>,
);

static AHEAD: std::sync::Mutex<Option<Ahead>> = std::sync::Mutex::new(None);

/// Starts building the run's entity finder on a thread of its own, for [`run`] to take.
///
/// Building the finder is a fixed cost (about 0.2 s with the built-in gazetteer); a run
/// that adds a day's file to an archive computes little else, so the pipeline starts it
/// while the earlier stages work on the new file. Nothing is lost if the stage does not
/// run: the finder is dropped with the process.
pub fn build_ahead(ctx: &Context) -> Result<()> {
    let gazetteer = ctx.reference.gazetteer_dir()?;
    let dir = gazetteer.clone();
    let handle = std::thread::Builder::new()
        .name("entity-finder".into())
        .spawn(move || load_finder(&dir, PIPELINE_GAZETTEER))?;
    if let Ok(mut slot) = AHEAD.lock() {
        *slot = Some((ctx.run_id.clone(), gazetteer, handle));
    }
    Ok(())
}

/// The thread [`build_ahead`] started for this run and gazetteer, if any.
fn take_ahead(
    ctx: &Context,
    gazetteer: &std::path::Path,
) -> Option<std::thread::JoinHandle<Result<EntityFinder>>> {
    let (run, dir, handle) = AHEAD.lock().ok()?.take()?;
    (run == ctx.run_id && dir == gazetteer).then_some(handle)
}

/// Loads a gazetteer, with a message that says what to fix: `setting` names where the
/// folder was given (`entities.gazetteer in the pipeline file`, `--gazetteer`).
pub fn load_finder(dir: &std::path::Path, setting: &str) -> Result<EntityFinder> {
    let gaz = Gazetteer::load(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the gazetteer from {}: {e} (check {setting})",
            dir.display()
        )
    })?;
    let finder = EntityFinder::new(gaz);
    if let Some(n) = finder.too_many_patterns() {
        anyhow::bail!(
            "the gazetteer in {} gives {n} distinct names, tickers and cue words; the entity finder handles at most 16,777,214: remove rarely useful aliases or split the gazetteer",
            dir.display()
        );
    }
    Ok(finder)
}

/// The entities the pipeline file's `entities.exclude` drops from every output: by id
/// (exact) or by canonical name (case and accents ignored), so a publisher citing itself
/// (« Le Monde ») or a name that is never a company in the corpus can be left out.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    ids: std::collections::HashSet<String>,
    names: std::collections::HashSet<String>,
}

impl Exclusions {
    /// From the `entities.exclude` list.
    pub fn new(list: &[String]) -> Self {
        let mut x = Exclusions::default();
        for item in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            x.ids.insert(item.to_string());
            x.names.insert(crate::entities::fold::fold_str(item));
        }
        x
    }

    /// True when nothing is excluded.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// True when the entity with this id and canonical name is excluded.
    pub fn excludes(&self, id: &str, name: &str) -> bool {
        !self.is_empty()
            && (self.ids.contains(id)
                || self.names.contains(&crate::entities::fold::fold_str(name)))
    }
}

/// One row of the mentions table as the entities stage builds it. Kind, via and field
/// are enums and the article id an index into the part's ids, so a mention costs one
/// allocation here (the surface) on top of the finder's two, instead of seven strings.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    /// Index of the article in its part.
    pub article: usize,
    pub entity_id: String,
    pub name: String,
    pub kind: EntityKind,
    pub via: Via,
    pub confidence: f64,
    pub surface: String,
    /// In the title (`title`) rather than the body (`text`).
    pub in_title: bool,
    pub start: i64,
    pub end: i64,
    pub doc_start: i64,
    pub doc_end: i64,
}

impl EntityRow {
    /// The table row, given the article ids of the part.
    pub fn with_id<'a>(&'a self, ids: &'a [String]) -> RowWithId<'a> {
        RowWithId {
            row: self,
            article_id: ids.get(self.article).map_or("", String::as_str),
        }
    }
}

/// An [`EntityRow`] with its article id: what the mentions table is written from.
pub struct RowWithId<'a> {
    row: &'a EntityRow,
    article_id: &'a str,
}

impl MentionFields for RowWithId<'_> {
    fn article_id(&self) -> &str {
        self.article_id
    }
    fn entity_id(&self) -> &str {
        &self.row.entity_id
    }
    fn name(&self) -> &str {
        &self.row.name
    }
    fn kind(&self) -> &str {
        self.row.kind.as_str()
    }
    fn via(&self) -> &str {
        self.row.via.as_str()
    }
    fn confidence(&self) -> f64 {
        self.row.confidence
    }
    fn surface(&self) -> &str {
        &self.row.surface
    }
    fn field(&self) -> &str {
        if self.row.in_title {
            "title"
        } else {
            "text"
        }
    }
    fn start(&self) -> i64 {
        self.row.start
    }
    fn end(&self) -> i64 {
        self.row.end
    }
    fn doc_start(&self) -> i64 {
        self.row.doc_start
    }
    fn doc_end(&self) -> i64 {
        self.row.doc_end
    }
}

/// Converts the finder's mentions of article number `index` into table rows.
pub fn mention_rows(
    index: usize,
    article: &ArticleText<'_>,
    doc: &str,
    mentions: Vec<Mention>,
) -> Vec<EntityRow> {
    let title_len = if article.title.is_empty() {
        0
    } else {
        article.title.len()
    };
    let text_start = if article.title.is_empty() {
        0
    } else {
        title_len + 2
    };
    let mut rows = Vec::with_capacity(mentions.len());
    // Walk the document once, counting characters, to turn byte offsets into char offsets.
    let mut cursor_byte = 0usize;
    let mut cursor_char = 0usize;
    let mut char_at = |b: usize| -> usize {
        let b = b.min(doc.len());
        if b < cursor_byte {
            cursor_byte = 0;
            cursor_char = 0;
        }
        let seg = doc.get(cursor_byte..b).unwrap_or("");
        cursor_char += seg.chars().count();
        cursor_byte = b;
        cursor_char
    };
    let text_start_char = doc.get(..text_start).map_or(0, |s| s.chars().count());
    for m in mentions {
        let Some(surface) = doc.get(m.start..m.end).filter(|_| m.start < m.end) else {
            continue;
        };
        let s = char_at(m.start);
        let e = char_at(m.end);
        let in_title = !article.title.is_empty() && m.end <= title_len;
        let (start, end) = if in_title {
            (s, e)
        } else {
            (
                s.saturating_sub(text_start_char),
                e.saturating_sub(text_start_char),
            )
        };
        rows.push(EntityRow {
            article: index,
            entity_id: m.entity_id,
            name: m.name,
            kind: m.kind,
            via: m.via,
            confidence: f64::from(m.confidence),
            surface: surface.to_string(),
            in_title,
            start: start as i64,
            end: end as i64,
            doc_start: m.start as i64,
            doc_end: m.end as i64,
        });
    }
    rows
}

/// Gives each gazetteer company mention (and coreference to one) the name the company
/// went by on the article's day `day` (days since 1970-01-01), for companies with a
/// name history; other mentions keep their name. A no-op without any name history.
pub fn date_names(gaz: &Gazetteer, mentions: &mut [Mention], day: Option<i32>) {
    if !gaz.has_name_history() {
        return;
    }
    for m in mentions {
        if m.kind != EntityKind::Company || m.via == Via::Discovered {
            continue;
        }
        if let Some(name) = gaz.renamed_at(&m.entity_id, day) {
            if name != m.name {
                m.name = name.to_string();
            }
        }
    }
}

/// True when the article's language is one the pipeline analyses.
pub fn analysed(article: &ArticleText<'_>, languages: &[String]) -> bool {
    languages
        .iter()
        .any(|l| l.eq_ignore_ascii_case(article.lang))
}

/// The entities of each article of a part (in parallel, order preserved): the finder's
/// mentions, without the publisher's own name and the excluded entities, named as on the
/// article's day. Articles in a language the pipeline does not analyse have none.
pub fn find_part(
    finder: &EntityFinder,
    articles: &[ArticleText<'_>],
    languages: &[String],
    exclusions: &Exclusions,
) -> Vec<Vec<EntityRow>> {
    // One group of rows per article (an exact-size collect: growing one big vector of
    // rows cost reallocations and fresh pages).
    articles
        .par_iter()
        .enumerate()
        .map_init(String::new, |doc, (i, a)| {
            if !analysed(a, languages) {
                return Vec::new();
            }
            a.doc_into(doc);
            let mut found = finder.find(doc, Lang::from_code(a.lang));
            drop_publisher_mentions(&mut found, doc, a.url);
            if !exclusions.is_empty() {
                found.retain(|m| !exclusions.excludes(&m.entity_id, &m.name));
            }
            date_names(finder.gazetteer(), &mut found, a.date);
            mention_rows(i, a, doc, found)
        })
        .collect()
}

/// The entities stage's `mentions` artefact of a part from [`find_part`]'s rows and the
/// part's article ids.
pub fn mentions_frame(
    groups: &[Vec<EntityRow>],
    ids: &[String],
) -> Result<polars::prelude::DataFrame> {
    let rows: Vec<RowWithId> = groups.iter().flatten().map(|r| r.with_id(ids)).collect();
    mention_fields_to_frame(&rows)
}

/// Runs the entities stage over the normalize parts (one output part per input part).
///
/// The finder's automaton is built while the first part is read; each part is read ahead
/// and written in the background while its neighbour is matched.
pub fn run(ctx: &Context, manifest: Manifest, reuse: &Reuse) -> Result<Manifest> {
    let t0 = Instant::now();
    let gazetteer = &ctx.reference.gazetteer_dir()?;
    let languages = &ctx.pipeline.normalize.languages;
    let exclusions = &Exclusions::new(&ctx.pipeline.entities.exclude);
    let norm = chunks::read_manifest(ctx, Stage::Normalize)?;
    let all_parts = list_parts(&ctx.stage_dir(Stage::Normalize), "articles")?;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Entities.name())?;
    let inputs = chunks::backfill(ctx, chunks::next_inputs("entities", &[&norm])?);
    let mut prep = chunks::prepare("entities", &dir, reuse, &inputs, &["mentions"], &[])?;
    let bar = ctx.bar(Stage::Entities, prep.todo.len() as u64, "parts");
    // Only the columns the finder needs, borrowed from the frame (the bodies are most of
    // the bytes: copying them into owned rows cost more than reading them).
    let (all_parts, todo) = (&all_parts, &prep.todo);
    let read_part = move |j: usize| match todo.get(j).and_then(|&i| all_parts.get(i)) {
        Some(path) => read_parquet_columns(path, &ARTICLE_TEXT_COLUMNS),
        None => anyhow::bail!("internal error: no entities input part {j}"),
    };
    let (chunk_of, records) = (&prep.chunk_of, &mut prep.records);
    std::thread::scope(|scope| -> Result<()> {
        // The automaton is built while the first part is read; each next part is read
        // while the current one is matched.
        // (Or it is already being built: see `build_ahead`.)
        let ahead = take_ahead(ctx, gazetteer);
        let building = ahead
            .is_none()
            .then(|| scope.spawn(|| load_finder(gazetteer, PIPELINE_GAZETTEER)));
        let mut frames = ReadAhead::new(scope, "entities", todo.len(), read_part);
        let panicked = |_| anyhow::anyhow!("internal error: building the entity finder panicked");
        let finder = match (ahead, building) {
            (Some(ahead), _) => ahead.join().map_err(panicked)??,
            (None, Some(building)) => building.join().map_err(panicked)??,
            (None, None) => anyhow::bail!("internal error: no entity finder"),
        };
        PartWriter::run(scope, "entities", |writer| {
            for (j, frame) in frames.by_ref().enumerate() {
                let (i, frame) = (todo[j], frame?);
                let record = &mut records[chunk_of[i]];
                let articles = article_texts_from_frame(&frame)?;
                record.rows_in += articles.len() as u64;
                let groups = find_part(&finder, &articles, languages, exclusions);
                let ids: Vec<String> = articles.iter().map(|a| a.article_id.to_string()).collect();
                drop(articles);
                drop(frame);
                let mut counts = [0u64; 3];
                for r in groups.iter().flatten() {
                    counts[match r.kind {
                        EntityKind::Company => 0,
                        EntityKind::Person => 1,
                        EntityKind::Location => 2,
                    }] += 1;
                }
                for (kind, n) in [
                    EntityKind::Company,
                    EntityKind::Person,
                    EntityKind::Location,
                ]
                .into_iter()
                .zip(counts)
                {
                    if n > 0 {
                        *record
                            .counts
                            .entry(format!("{}_mentions", kind.as_str()))
                            .or_insert(0u64) += n;
                    }
                }
                record.rows_out += counts.iter().sum::<u64>();
                let path = dir.path(&part_name("mentions", i));
                writer.submit(move || {
                    let mut df = mentions_frame(&groups, &ids)?;
                    drop(groups);
                    write_parquet(&path, &mut df)
                })?;
                bar.inc(1);
            }
            Ok(())
        })
    })?;
    bar.finish_and_clear();
    let by_kind = chunks::sum_counts(&prep.records);
    let (rows_in, rows_out, _, _) = chunks::totals(&prep.records);
    let m = Manifest {
        rows_in,
        rows_out,
        parts: all_parts.len(),
        seconds: secs(t0),
        extra: by_kind,
        chunks: prep.records,
        ..manifest
    };
    dir.commit_chunked(&m, prep.known, &["mentions"], |_| Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(id: &str, name: &str, kind: EntityKind, via: Via) -> Mention {
        Mention {
            entity_id: id.into(),
            name: name.into(),
            kind,
            start: 0,
            end: 1,
            confidence: 1.0,
            via,
        }
    }

    #[test]
    fn company_mentions_take_the_name_of_the_day() {
        let companies = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
            lumen-arc,Lumen Arc,Brightwave,FR,,,,,\n";
        let names = "entity_id,name,valid_from,valid_to,source\n\
            lumen-arc,Brightwave,,1970-01-11,t\n\
            lumen-arc,Lumen Arc,1970-01-11,,t\n";
        let g = Gazetteer::from_csv_strs(companies, "", "")
            .and_then(|g| g.with_names_csv(names))
            .unwrap();
        let found = || {
            vec![
                mention(
                    "lumen-arc",
                    "Lumen Arc",
                    EntityKind::Company,
                    Via::Gazetteer,
                ),
                mention("lumen-arc", "Lumen Arc", EntityKind::Company, Via::Coref),
                mention(
                    "lumen-arc",
                    "Lumen Arc",
                    EntityKind::Company,
                    Via::Discovered,
                ),
            ]
        };
        let names_on = |day| {
            let mut m = found();
            date_names(&g, &mut m, day);
            m.into_iter().map(|m| m.name).collect::<Vec<_>>()
        };
        // Day 9 is 1970-01-10, the last day of the old name.
        assert_eq!(names_on(Some(9)), ["Brightwave", "Brightwave", "Lumen Arc"]);
        assert_eq!(names_on(Some(10)), ["Lumen Arc"; 3]);
        assert_eq!(names_on(None), ["Lumen Arc"; 3]);
    }
}
