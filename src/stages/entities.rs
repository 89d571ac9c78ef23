//! Stage 3 — entities: companies, persons and places in each article.
//!
//! The finder runs on `title + "\n\n" + body` so evidence from the body can confirm an
//! ambiguous name in the title (one sense per article). Offsets are converted to
//! Unicode character offsets within the field (`title` or `text`) for the tables, and
//! byte offsets into the whole document are kept for the sentiment stage.

use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::artefact::{part_name, read_parquet, write_parquet, Manifest, StageDir};
use crate::entities::{EntityFinder, Gazetteer, Mention};
use crate::stages::{list_parts, secs, Context, PartWriter, Stage};
use crate::tables::{articles_from_frame, mentions_to_frame, Article, MentionRow};
use crate::text::lang::Lang;

/// Loads the gazetteer named by the pipeline, with a message that says what to fix.
pub fn load_finder(dir: &std::path::Path) -> Result<EntityFinder> {
    let gaz = Gazetteer::load(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the gazetteer from {}: {e} (check entities.gazetteer in the pipeline file)",
            dir.display()
        )
    })?;
    Ok(EntityFinder::new(gaz))
}

/// Converts the finder's mentions of one article into table rows.
pub fn mention_rows(article: &Article, doc: &str, mentions: Vec<Mention>) -> Vec<MentionRow> {
    let title_len = if article.title.is_empty() {
        0
    } else {
        article.title_len()
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
        if m.start >= m.end
            || m.end > doc.len()
            || !doc.is_char_boundary(m.start)
            || !doc.is_char_boundary(m.end)
        {
            continue;
        }
        let s = char_at(m.start);
        let e = char_at(m.end);
        let (field, start, end) = if !article.title.is_empty() && m.end <= title_len {
            ("title", s, e)
        } else {
            (
                "text",
                s.saturating_sub(text_start_char),
                e.saturating_sub(text_start_char),
            )
        };
        rows.push(MentionRow {
            article_id: article.article_id.clone(),
            entity_id: m.entity_id,
            name: m.name,
            kind: m.kind.as_str().to_string(),
            via: m.via.as_str().to_string(),
            confidence: f64::from(m.confidence),
            surface: doc[m.start..m.end].to_string(),
            field: field.to_string(),
            start: start as i64,
            end: end as i64,
            doc_start: m.start as i64,
            doc_end: m.end as i64,
        });
    }
    rows
}

/// True when the article's language is one the pipeline analyses.
pub fn analysed(article: &Article, languages: &[String]) -> bool {
    languages
        .iter()
        .any(|l| l.eq_ignore_ascii_case(&article.lang))
}

/// Runs the entities stage over the normalize parts (one output part per input part).
///
/// The finder's automaton is built on a second thread while the first part is read, and
/// each part is written in the background while the next one is matched.
pub fn run(ctx: &Context, manifest: Manifest) -> Result<Manifest> {
    let t0 = Instant::now();
    let gazetteer = &ctx.pipeline.entities.gazetteer;
    let languages = &ctx.pipeline.normalize.languages;
    let parts = list_parts(&ctx.stage_dir(Stage::Normalize), "articles")?;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Entities.name())?;
    let (mut rows_in, mut rows_out) = (0u64, 0u64);
    let mut by_kind = std::collections::BTreeMap::new();
    let bar = ctx.bar(Stage::Entities, parts.len() as u64, "parts");
    let read_part = |path: &std::path::Path| articles_from_frame(&read_parquet(path)?);
    std::thread::scope(|scope| -> Result<()> {
        // The automaton is built while the first part is read.
        let building = scope.spawn(|| load_finder(gazetteer));
        let mut first = parts.first().map(|p| read_part(p));
        let finder = building.join().map_err(|_| {
            anyhow::anyhow!("internal error: building the entity finder panicked")
        })??;
        let mut writer = PartWriter::new(scope, "entities");
        let mut run_parts = || -> Result<()> {
            for (i, part) in parts.iter().enumerate() {
                let articles = match first.take() {
                    Some(read) => read?,
                    None => read_part(part)?,
                };
                rows_in += articles.len() as u64;
                let rows: Vec<MentionRow> = articles
                    .par_iter()
                    .flat_map_iter(|a| {
                        if !analysed(a, languages) {
                            return Vec::new();
                        }
                        let doc = a.doc();
                        let found = finder.find(&doc, Lang::from_code(&a.lang));
                        mention_rows(a, &doc, found)
                    })
                    .collect();
                drop(articles);
                rows_out += rows.len() as u64;
                for r in &rows {
                    *by_kind
                        .entry(format!("{}_mentions", r.kind))
                        .or_insert(0u64) += 1;
                }
                let path = dir.path(&part_name("mentions", i));
                writer.submit(move || {
                    let mut df = mentions_to_frame(&rows)?;
                    drop(rows);
                    write_parquet(&path, &mut df)
                })?;
                bar.inc(1);
            }
            Ok(())
        };
        let result = run_parts();
        result.and(writer.finish())
    })?;
    bar.finish_and_clear();
    let m = Manifest {
        rows_in,
        rows_out,
        parts: parts.len(),
        seconds: secs(t0),
        extra: by_kind,
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
}
