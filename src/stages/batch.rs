//! In-memory analysis of one batch of records: the normalize, entities and sentiment
//! stages' per-article work without a run folder or artefacts, giving the exported
//! `articles`, `mentions` and `article_entities` rows of the batch.
//!
//! This is what the Python package (`python/`) and its Spark job call. The work is the
//! stages' own ([`normalize_part`], [`find_part`], [`score`], [`articles_table`],
//! [`mentions_table`]): a batch analysed here gives the rows a run gives for the same
//! articles. The two sequential steps of a run, the story assignment (in input order over
//! the kept articles, [`Analyzer::assign_stories`]) and the rolling `company_daily`
//! columns ([`Analyzer::enrich_daily`]), are offered apart, so that a distributed job
//! can run them once over all its batches.

use anyhow::Result;
use polars::prelude::{
    BinaryChunked, Column, DataFrame, IntoColumn, NewChunkedArray, SortMultipleOptions,
};

use crate::config::Pipeline;
use crate::entities::EntityFinder;
use crate::sentiment::SentimentModel;
use crate::signals::stories::{self, Assigned, Signature, Stories};
use crate::stages::aggregate::signals;
use crate::stages::entities::{
    find_part, load_finder, mentions_frame, Exclusions, PIPELINE_GAZETTEER,
};
use crate::stages::export::{articles_table, entities_frame, mentions_table};
use crate::stages::ingest::{read_one, ResolvedInput};
use crate::stages::normalize::{
    content_key_hex, normalize_part, replay_stories, Dedup, Normalized, STORY_COLUMNS,
};
use crate::stages::reference_data;
use crate::stages::sentiment::{load_model, score, PIPELINE_LEXICONS};
use crate::tables::{
    article_texts_from_frame, articles_to_frame, mention_refs_from_frame, rejects_to_frame,
    Article, RawRef, RawRow, RejectRow,
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
    /// For each article, its story signature (see [`stories::signature`]; `None` for too
    /// short a text).
    pub signatures: Vec<Option<Signature>>,
    /// The records that did not become articles, and why.
    pub rejects: Vec<RejectRow>,
    /// For each reject, the index of its record in the batch.
    pub reject_rows: Vec<usize>,
    /// Articles dropped as duplicates (only when de-duplicating).
    pub duplicates: u64,
}

impl NormalizedBatch {
    /// The normalize stage's `articles` artefact of the batch (before its stories are
    /// known), plus the columns a distributed de-duplication and story assignment need:
    /// `row` (the record's index in the batch), `content_key` and `signature` (binary,
    /// as the normalize artefact stores it; null for too short a text).
    pub fn frame(&self) -> Result<DataFrame> {
        use polars::prelude::{NamedFrom, Series};
        let mut df = articles_to_frame(&self.articles)?;
        let rows: Vec<i64> = self.rows.iter().map(|&r| r as i64).collect();
        df.with_column(Series::new("row".into(), rows).into_column())?;
        df.with_column(Column::new(
            "content_key".into(),
            self.content_keys.as_slice(),
        ))?;
        df.with_column(signature_column(&self.signatures))?;
        Ok(df)
    }

    /// The batch's rejects (the exported `rejects` columns: `source`, `record`,
    /// `reason`) plus `row`, the index of each reject's record in the batch, so that a
    /// distributed job can put them back in input order.
    pub fn rejects_frame(&self) -> Result<DataFrame> {
        use polars::prelude::{NamedFrom, Series};
        let mut df = rejects_to_frame(&self.rejects)?;
        let rows: Vec<i64> = self.reject_rows.iter().map(|&r| r as i64).collect();
        df.with_column(Series::new("row".into(), rows).into_column())?;
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
        for (i, (n, id, key, signature)) in normalize_part(raw, &self.pipeline.normalize, self.tz)
            .into_iter()
            .enumerate()
        {
            match n {
                Normalized::Reject(r) => {
                    out.rejects.push(r);
                    out.reject_rows.push(i);
                }
                Normalized::Article(a) => {
                    if let Some(d) = dedup.as_deref_mut() {
                        if !d.keep(id, key, a.date) {
                            out.duplicates += 1;
                            continue;
                        }
                    }
                    out.content_keys.push(content_key_hex(&a));
                    out.signatures.push(signature);
                    out.articles.push(*a);
                    out.rows.push(i);
                }
            }
        }
        out
    }

    /// The entities and sentiment of normalized articles: `articles` has the columns of
    /// the normalize stage's artefact ([`articles_to_frame`]; `text` is needed, extra
    /// columns are ignored). Its `story_id` and `novel` columns are taken as they are;
    /// without them, the stories are assigned over the frame's rows in their order (as
    /// [`Analyzer::assign_stories`], from the `signature` column when there is one).
    /// With `with_text`, the exported `articles` rows keep the body as their last column
    /// (`[export] article_text`).
    pub fn analyze_frame(&self, articles: &DataFrame, with_text: bool) -> Result<Tables> {
        let with_stories;
        let articles = if articles.column("story_id").is_ok() && articles.column("novel").is_ok() {
            articles
        } else {
            with_stories = self.with_stories(articles)?;
            &with_stories
        };
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
        let art_keys = articles.select(["article_id", "date", "novel"])?;
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
        // The stories of the kept articles, in the batch's order.
        let tables = self.analyze_frame(&batch.frame()?, with_text)?;
        Ok((tables, batch))
    }

    /// The story state of the pipeline's `[normalize]` settings, empty.
    fn stories(&self) -> Stories {
        let cfg = &self.pipeline.normalize;
        Stories::new(cfg.story_window_days, cfg.story_similarity)
    }

    /// The stories of kept articles given in input order (the normalize stage's sequential
    /// pass): `df` has `article_id`, `date` (a date) and `signature` (binary, as
    /// [`NormalizedBatch::frame`] gives it). Gives `article_id`, `story_id` and `novel`,
    /// one row per row of `df`, in its order.
    pub fn assign_stories(&self, df: &DataFrame) -> Result<DataFrame> {
        let assigned = replay_stories(&mut self.stories(), &df.select(STORY_COLUMNS)?)?;
        let mut out = df.select(["article_id"])?;
        out.hstack_mut(&story_columns(&assigned))?;
        Ok(out)
    }

    /// `df` with `story_id` and `novel` assigned over its rows in order (see
    /// [`Analyzer::analyze_frame`]).
    fn with_stories(&self, df: &DataFrame) -> Result<DataFrame> {
        let mut df = df.clone();
        if df.column("signature").is_err() {
            let (titles, texts) = (df.column("title")?.str()?, df.column("text")?.str()?);
            let sigs: Vec<Option<Signature>> = titles
                .iter()
                .zip(texts.iter())
                .map(|(t, x)| stories::signature(t.unwrap_or(""), x.unwrap_or("")))
                .collect();
            df.with_column(signature_column(&sigs))?;
        }
        let assigned = replay_stories(&mut self.stories(), &df)?;
        for c in story_columns(&assigned) {
            df.with_column(c)?;
        }
        Ok(df)
    }

    /// The exported `entities` table: the pipeline's gazetteer (one row per name period,
    /// without the `entities.exclude` entities) followed by the discovered companies
    /// (`discovered` has their `entity_id` and `name`, as the `discovered_companies`
    /// table, in its order), as the export stage writes it. Loads the gazetteer (about a
    /// second).
    pub fn entities_table(&self, discovered: &DataFrame) -> Result<DataFrame> {
        let reference = reference_data(&self.pipeline);
        let dir = reference.gazetteer_dir()?;
        let gazetteer = crate::entities::Gazetteer::load(&dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot load the gazetteer from {}: {e} (check {PIPELINE_GAZETTEER})",
                dir.display()
            )
        })?;
        entities_frame(&gazetteer, discovered, &self.exclusions)
    }

    /// The `company_daily` table from its base columns, as the aggregate stage finishes
    /// it: the rolling and z-score columns added by [`signals::enrich`] (with the
    /// pipeline's `[aggregate] dense`), sorted by date and company. `base` has one row
    /// per company and day (`date`, `entity_id`, `name`, `articles`, `mentions`,
    /// `sentiment_mean`, `sentiment_weighted`, `relevance_weighted_sentiment`,
    /// `positive`, `negative`, `neutral`, `novel_articles`), in any order.
    pub fn enrich_daily(&self, base: &DataFrame) -> Result<DataFrame> {
        Ok(signals::enrich(base, self.pipeline.aggregate.dense)?
            .sort(["date", "entity_id"], SortMultipleOptions::default())?)
    }
}

/// The `signature` column of the normalize artefact (see [`stories::to_bytes`]).
fn signature_column(sigs: &[Option<Signature>]) -> Column {
    let bytes: Vec<Option<[u8; stories::SIGNATURE_BYTES]>> = sigs
        .iter()
        .map(|s| s.as_ref().map(stories::to_bytes))
        .collect();
    BinaryChunked::from_iter_options(
        "signature".into(),
        bytes.iter().map(|b| b.as_ref().map(|b| &b[..])),
    )
    .into_column()
}

/// The `story_id` and `novel` columns of assigned articles.
fn story_columns(assigned: &[Assigned]) -> [Column; 2] {
    [
        Column::new(
            "story_id".into(),
            assigned
                .iter()
                .map(|a| a.story_id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "novel".into(),
            assigned.iter().map(|a| a.novel).collect::<Vec<_>>(),
        ),
    ]
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
        // The reject keeps its record's place in the batch.
        assert_eq!(batch.reject_rows, [2]);
        let rej = batch.rejects_frame().unwrap();
        assert_eq!(rej.column("row").unwrap().i64().unwrap().get(0), Some(2));
        assert_eq!(
            rej.column("reason").unwrap().str().unwrap().get(0),
            Some("no text: the record has no title and no body")
        );
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

    #[test]
    fn stories_are_assigned_in_input_order_and_reach_the_entity_rows() {
        let analyzer = Analyzer::new(default_pipeline().unwrap()).unwrap();
        let rows = [
            raw(
                "s1",
                "Renault recalls its electric vans",
                "Renault is recalling thousands of electric delivery vans after a battery fault \
                 caused fires in depots near Lyon and Lille, the carmaker said on Tuesday.",
                "2022-05-10T08:00:00Z",
            ),
            // The same story told again the next day, with a few words changed.
            raw(
                "s2",
                "Renault recalls its electric vans",
                "Renault is recalling thousands of electric delivery vans after a battery fault \
                 caused fires in depots near Lyon and Lille, the carmaker confirmed on Wednesday.",
                "2022-05-11T08:00:00Z",
            ),
            raw(
                "s3",
                "Danone raises its dividend",
                "Danone will raise its dividend this year as yogurt sales in Europe and bottled \
                 water in Asia grew faster than analysts had expected.",
                "2022-05-11T09:00:00Z",
            ),
        ];
        let refs: Vec<RawRef> = rows.iter().map(RawRef::from).collect();
        let (t, batch) = analyzer.analyze(&refs, false).unwrap();
        let strs = |df: &DataFrame, c: &str| -> Vec<String> {
            df.column(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.unwrap_or("").to_string())
                .collect()
        };
        let bools = |df: &DataFrame, c: &str| -> Vec<bool> {
            df.column(c)
                .unwrap()
                .bool()
                .unwrap()
                .iter()
                .map(|v| v.unwrap())
                .collect()
        };
        assert_eq!(strs(&t.articles, "story_id"), ["s1", "s1", "s3"]);
        assert_eq!(bools(&t.articles, "novel"), [true, false, true]);
        // The entity rows carry their article's flag, and a relevance.
        let ae = &t.article_entities;
        for (id, novel) in strs(ae, "article_id").iter().zip(bools(ae, "novel")) {
            assert_eq!(novel, id != "s2", "{ae:?}");
        }
        assert!(ae
            .column("relevance")
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .is_some());
        // The same from the normalized frame (its `signature`), in input order...
        let frame = batch.frame().unwrap();
        assert_eq!(
            frame
                .column("signature")
                .unwrap()
                .binary()
                .unwrap()
                .get(0)
                .map(<[u8]>::len),
            Some(stories::SIGNATURE_BYTES)
        );
        let st = analyzer.assign_stories(&frame).unwrap();
        assert_eq!(strs(&st, "story_id"), ["s1", "s1", "s3"]);
        assert_eq!(bools(&st, "novel"), [true, false, true]);
        // ...and the follow-up alone, seen first, starts its own story.
        let st = analyzer.assign_stories(&frame.slice(1, 2)).unwrap();
        assert_eq!(strs(&st, "story_id"), ["s2", "s3"]);
    }

    #[test]
    fn the_entities_table_is_the_gazetteer_without_exclusions_then_the_discovered() {
        let mut p = default_pipeline().unwrap();
        p.entities.exclude = vec!["Renault".into()];
        let analyzer = Analyzer::new(p).unwrap();
        let discovered = DataFrame::new_infer_height(vec![
            Column::new("entity_id".into(), ["new:acme-robotique"]),
            Column::new("name".into(), ["Acme Robotique"]),
        ])
        .unwrap();
        let t = analyzer.entities_table(&discovered).unwrap();
        let ids: Vec<&str> = t
            .column("entity_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert!(ids.len() > 1000, "{} rows", ids.len());
        assert!(ids.contains(&"airbus"));
        assert!(!ids.contains(&"renault"), "excluded by name");
        // The discovered company comes last, a current company without a ticker.
        assert_eq!(ids.last(), Some(&"new:acme-robotique"));
        let last = t.height() - 1;
        assert_eq!(
            t.column("type").unwrap().str().unwrap().get(last),
            Some("company")
        );
        assert_eq!(
            t.column("current").unwrap().bool().unwrap().get(last),
            Some(true)
        );
        assert_eq!(t.column("ticker").unwrap().str().unwrap().get(last), None);
    }

    #[test]
    fn a_base_daily_table_gets_the_rolling_columns() {
        use crate::tables::date_col;
        let analyzer = Analyzer::new(default_pipeline().unwrap()).unwrap();
        let n = 3;
        let mut cols = vec![
            date_col("date", [19000, 19002, 19001].into_iter().map(Some)),
            Column::new("entity_id".into(), vec!["renault"; n]),
            Column::new("name".into(), vec!["Renault"; n]),
        ];
        for c in [
            "articles",
            "mentions",
            "positive",
            "negative",
            "neutral",
            "novel_articles",
        ] {
            cols.push(Column::new(c.into(), vec![2i64, 1, 1]));
        }
        for c in [
            "sentiment_mean",
            "sentiment_weighted",
            "relevance_weighted_sentiment",
        ] {
            cols.push(Column::new(c.into(), vec![0.5f64, -0.25, 0.0]));
        }
        let base = DataFrame::new_infer_height(cols).unwrap();
        let daily = analyzer.enrich_daily(&base).unwrap();
        let days: Vec<i32> = daily
            .column("date")
            .unwrap()
            .date()
            .unwrap()
            .physical()
            .iter()
            .flatten()
            .collect();
        assert_eq!(days, [19000, 19001, 19002]);
        let a7: Vec<i64> = daily
            .column("articles_7d")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(a7, [2, 3, 4]);
        // (2 × 0.5 + 1 × 0 + 1 × -0.25) / 4
        let s7 = daily.column("sentiment_7d").unwrap().f64().unwrap().get(2);
        assert_eq!(s7, Some(0.1875));
        assert!(daily.column("buzz_z").is_ok() && daily.column("sentiment_z").is_ok());
    }
}
