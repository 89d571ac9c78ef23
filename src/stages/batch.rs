//! In-memory analysis of one batch of records: the normalize, entities and sentiment
//! stages' per-article work without a run folder or artefacts, giving the exported
//! `articles`, `mentions` and `article_entities` rows of the batch.
//!
//! This is what the Python package (`python/`) and its Spark job call. The work is the
//! stages' own ([`normalize_part`], [`find_part`], [`score`], [`articles_table`],
//! [`mentions_table`]): a batch analysed here gives the rows a run gives for the same
//! articles.

use anyhow::Result;
use polars::prelude::DataFrame;

use crate::config::Pipeline;
use crate::entities::EntityFinder;
use crate::sentiment::SentimentModel;
use crate::stages::entities::{
    find_part, load_finder, mentions_frame, Exclusions, PIPELINE_GAZETTEER,
};
use crate::stages::export::{articles_table, mentions_table};
use crate::stages::ingest::{read_one, ResolvedInput};
use crate::stages::normalize::{content_key_hex, normalize_part, Dedup, Normalized};
use crate::stages::reference_data;
use crate::stages::sentiment::{load_model, score, PIPELINE_LEXICONS};
use crate::tables::{
    article_texts_from_frame, articles_to_frame, mention_refs_from_frame, Article, RawRef, RawRow,
    RejectRow,
};

/// The exported tables of one batch (same columns as the exported tables).
#[derive(Debug, Clone)]
pub struct Tables {
    pub articles: DataFrame,
    pub mentions: DataFrame,
    pub article_entities: DataFrame,
}

/// Normalized articles of a batch, before or after de-duplication.
#[derive(Debug, Default)]
pub struct NormalizedBatch {
    pub articles: Vec<Article>,
    /// For each article, the index of its record in the batch.
    pub rows: Vec<usize>,
    /// For each article, its content key (see [`content_key_hex`]).
    pub content_keys: Vec<String>,
    /// The records that did not become articles, and why.
    pub rejects: Vec<RejectRow>,
    /// Articles dropped as duplicates (only when de-duplicating).
    pub duplicates: u64,
}

impl NormalizedBatch {
    /// The normalize stage's `articles` artefact of the batch, plus the columns a
    /// distributed de-duplication needs: `row` (the record's index in the batch) and
    /// `content_key`.
    pub fn frame(&self) -> Result<DataFrame> {
        use polars::prelude::{Column, IntoColumn, NamedFrom, Series};
        let mut df = articles_to_frame(&self.articles)?;
        let rows: Vec<i64> = self.rows.iter().map(|&r| r as i64).collect();
        df.with_column(Series::new("row".into(), rows).into_column())?;
        df.with_column(Column::new(
            "content_key".into(),
            self.content_keys.as_slice(),
        ))?;
        Ok(df)
    }
}

/// The pipeline's analysis, loaded once (building the entity finder takes about a
/// second) and applied to any number of batches, from any number of threads.
pub struct Analyzer {
    pipeline: Pipeline,
    tz: chrono_tz::Tz,
    finder: EntityFinder,
    model: SentimentModel,
    exclusions: Exclusions,
}

impl Analyzer {
    /// Loads the reference data `pipeline` names (the built-in data by default).
    pub fn new(pipeline: Pipeline) -> Result<Self> {
        let reference = reference_data(&pipeline);
        let finder = load_finder(&reference.gazetteer_dir()?, PIPELINE_GAZETTEER)?;
        let model = load_model(&reference.lexicons_dir()?, PIPELINE_LEXICONS)?;
        Ok(Analyzer {
            tz: pipeline.tz()?,
            exclusions: Exclusions::new(&pipeline.entities.exclude),
            pipeline,
            finder,
            model,
        })
    }

    /// The pipeline the analysis follows.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Normalizes `raw` (cleaning, dates, language, ids). With `dedup`, duplicates (see
    /// [`Dedup`]) are dropped, in the batch's order, against the articles `dedup` has
    /// seen so far; without, every article is kept with its content key.
    pub fn normalize(&self, raw: &[RawRef<'_>], mut dedup: Option<&mut Dedup>) -> NormalizedBatch {
        let mut out = NormalizedBatch::default();
        for (i, (n, id, key, _signature)) in normalize_part(raw, &self.pipeline.normalize, self.tz)
            .into_iter()
            .enumerate()
        {
            match n {
                Normalized::Reject(r) => out.rejects.push(r),
                Normalized::Article(a) => {
                    if let Some(d) = dedup.as_deref_mut() {
                        if !d.keep(id, key, a.date) {
                            out.duplicates += 1;
                            continue;
                        }
                    }
                    out.content_keys.push(content_key_hex(&a));
                    out.articles.push(*a);
                    out.rows.push(i);
                }
            }
        }
        out
    }

    /// The entities and sentiment of normalized articles: `articles` has the columns of
    /// the normalize stage's artefact ([`articles_to_frame`]; `text` is needed, extra
    /// columns are ignored). With `with_text`, the exported `articles` rows keep the
    /// body as their last column (`[export] article_text`).
    pub fn analyze_frame(&self, articles: &DataFrame, with_text: bool) -> Result<Tables> {
        let texts = article_texts_from_frame(articles)?;
        let groups = find_part(
            &self.finder,
            &texts,
            &self.pipeline.normalize.languages,
            &self.exclusions,
        );
        let ids: Vec<String> = texts.iter().map(|a| a.article_id.to_string()).collect();
        let men_df = mentions_frame(&groups, &ids)?;
        drop(groups);
        let refs = mention_refs_from_frame(&men_df)?;
        let scored = score(&self.model, &texts, &refs);
        drop(refs);
        drop(texts);
        let art_keys = articles.select(["article_id", "date"])?;
        let p = scored.merge();
        let scores = p.mention_scores()?;
        let article_entities = p.article_entities(&art_keys, &men_df)?;
        let tones = p.tones(&art_keys)?;
        let mentions = mentions_table(&men_df, &scores, &art_keys)?;
        let mut cols: Vec<&str> = crate::stages::export::ARTICLE_COLUMNS.to_vec();
        if with_text {
            cols.push("text");
        }
        let full = articles.select(cols)?;
        Ok(Tables {
            articles: articles_table(full, &tones, with_text)?,
            mentions,
            article_entities,
        })
    }

    /// Normalizes `raw`, drops its duplicates (within the batch) and analyses the rest.
    pub fn analyze(
        &self,
        raw: &[RawRef<'_>],
        with_text: bool,
    ) -> Result<(Tables, NormalizedBatch)> {
        let mut dedup = Dedup::new(self.pipeline.normalize.duplicate_window_days);
        let batch = self.normalize(raw, Some(&mut dedup));
        let tables = self.analyze_frame(&articles_to_frame(&batch.articles)?, with_text)?;
        Ok((tables, batch))
    }
}

/// The settings of batches analysed without a pipeline file: the pipeline file's
/// defaults (timezone UTC, English and French analysed), except that a record without a
/// date is kept with a null date (`normalize.date_policy = "keep"`): a notebook's table
/// often has none.
pub fn default_pipeline() -> Result<Pipeline> {
    let mut p: Pipeline = toml::from_str("")
        .map_err(|e| anyhow::anyhow!("internal error: the default pipeline: {e}"))?;
    p.normalize.date_policy = crate::config::DatePolicy::Keep;
    Ok(p)
}

/// Reads one input file of `pipeline` as the ingest stage does: its records in file
/// order, and its rejects (a file that cannot be read at all is one reject).
pub fn read_input(
    pipeline: &Pipeline,
    input: &ResolvedInput,
) -> Result<(Vec<RawRow>, Vec<RejectRow>)> {
    let spec = pipeline.inputs.get(input.spec).ok_or_else(|| {
        anyhow::anyhow!(
            "input number {} is not in the pipeline (it has {})",
            input.spec,
            pipeline.inputs.len()
        )
    })?;
    let (mut rows, mut rejects) = (Vec::new(), Vec::new());
    read_one(spec, input, &mut rows, &mut rejects)?;
    Ok((rows, rejects))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: &str, title: &str, text: &str, date: &str) -> RawRow {
        RawRow {
            source_file: "wire.jsonl".into(),
            record: format!("line {id}"),
            id: Some(id.into()),
            title: Some(title.into()),
            text: Some(text.into()),
            date: Some(date.into()),
            source_name: Some("Wire".into()),
            ..RawRow::default()
        }
    }

    #[test]
    fn a_batch_gives_the_exported_columns_and_drops_its_duplicates() {
        let analyzer = Analyzer::new(default_pipeline().unwrap()).unwrap();
        let rows = [
            raw(
                "a1",
                "Airbus wins a record order",
                "Airbus won a record order from an Asian airline on Monday, and its shares rose.",
                "2022-03-07T09:00:00Z",
            ),
            // Same text a day later: a duplicate.
            raw(
                "a2",
                "Airbus wins a record order",
                "Airbus  won a record order from an Asian airline on Monday, and its shares rose.",
                "2022-03-08T09:00:00Z",
            ),
            raw("a3", "", "", "2022-03-08"),
        ];
        let refs: Vec<RawRef> = rows.iter().map(RawRef::from).collect();
        let (t, batch) = analyzer.analyze(&refs, false).unwrap();
        assert_eq!(batch.duplicates, 1);
        assert_eq!(batch.rejects.len(), 1);
        assert_eq!(t.articles.height(), 1);
        let names = |df: &DataFrame| -> Vec<String> {
            df.get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect()
        };
        // The exported columns, with the article's date after its id.
        let mut expected = crate::stages::export::mentions_columns().unwrap();
        expected.insert(1, "date".to_string());
        assert_eq!(names(&t.mentions), expected);
        assert!(names(&t.articles).contains(&"tone".to_string()));
        let ids = t
            .article_entities
            .column("entity_id")
            .unwrap()
            .str()
            .unwrap();
        assert!(
            ids.iter().any(|id| id == Some("airbus")),
            "{:?}",
            t.article_entities
        );
        // Without de-duplication both copies are kept, with the same content key.
        let all = analyzer.normalize(&refs, None);
        assert_eq!(all.articles.len(), 2);
        assert_eq!(all.rows, [0, 1]);
        assert_eq!(all.content_keys[0], all.content_keys[1]);
        let df = all.frame().unwrap();
        assert_eq!(df.column("row").unwrap().i64().unwrap().get(1), Some(1));
        // The frame goes through the analysis as the artefact does.
        let again = analyzer.analyze_frame(&df, true).unwrap();
        assert_eq!(again.articles.height(), 2);
        assert_eq!(
            names(&again.articles).last().map(String::as_str),
            Some("text")
        );
    }
}
