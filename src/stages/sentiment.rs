//! Stage 4 — sentiment: the sentiment toward each mentioned entity (per mention and per
//! article-entity) and the tone of each article.
//!
//! Reads normalize part *k* and entities part *k* together (the parts are aligned), so a
//! lexicon change reruns only this stage and the ones after it.

use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::artefact::{part_name, read_parquet_columns, write_parquet, Manifest, StageDir};
use crate::sentiment::lexicon::FastMap;
use crate::sentiment::{combine_refs, ArticleScores, Polarity, SentimentModel};
use crate::signals::relevance::{article_relevance, MentionFacts};
use crate::stages::chunks::{self, Reuse};
use crate::stages::{list_parts, secs, Context, PartWriter, ReadAhead, Stage};
use crate::tables::{
    article_entities_frame, article_texts_from_frame, mention_refs_from_frame,
    mention_scores_frame, tones_frame, ArticleEntityScores, ArticleText, Cells, MentionRef,
    ARTICLE_TEXT_COLUMNS, MENTION_REF_COLUMNS,
};
use crate::text::lang::Lang;
use polars::prelude::IdxSize;

/// The normalize columns this stage reads: the texts, and `novel` for
/// `article_entities`.
const ARTICLE_COLUMNS: [&str; 7] = {
    let t = ARTICLE_TEXT_COLUMNS;
    [t[0], t[1], t[2], t[3], t[4], t[5], "novel"]
};

/// Where the pipeline names the lexicons, for error messages.
pub const PIPELINE_LEXICONS: &str = "sentiment.lexicons in the pipeline file";

/// Loads a sentiment model, with a message that says what to fix: `setting` names where
/// the folder was given (`sentiment.lexicons in the pipeline file`, `--lexicons`).
pub fn load_model(dir: &std::path::Path, setting: &str) -> Result<SentimentModel> {
    SentimentModel::load(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the sentiment lexicons from {}: {e} (check {setting})",
            dir.display()
        )
    })
}

/// Evidence words as one cell: `"beat; record profit"`.
pub fn evidence_cell(p: &Polarity) -> String {
    let mut cell = String::new();
    push_evidence(&mut cell, p.evidence.iter().map(String::as_str));
    cell
}

/// Appends evidence words as one cell (see [`evidence_cell`]).
fn push_evidence<'a>(cell: &mut String, words: impl Iterator<Item = &'a str>) {
    for (i, w) in words.enumerate() {
        if i > 0 {
            cell.push_str("; ");
        }
        cell.push_str(w);
    }
}

/// Everything the sentiment stage produces for one article.
pub struct ArticleSentiment {
    /// Tone of the article: score and label.
    pub tone: (f64, &'static str),
    /// One per mention, in order.
    pub mentions: Vec<MentionScore>,
    pub entities: Vec<EntityScore>,
    /// The text cells of the rows above, in one buffer: each mention's sentence and
    /// evidence (cells `2k` and `2k + 1`), then each entity's evidence. Private so that
    /// only [`score_article`] lays it out; read it with the accessors below.
    cells: Cells,
}

impl ArticleSentiment {
    /// Sentence of mention `k`.
    pub fn sentence(&self, k: usize) -> &str {
        self.cells.get(2 * k).unwrap_or_default()
    }
    /// Evidence cell of mention `k`.
    pub fn mention_evidence(&self, k: usize) -> &str {
        self.cells.get(2 * k + 1).unwrap_or_default()
    }
    /// Evidence cell of entity `j`.
    pub fn entity_evidence(&self, j: usize) -> &str {
        self.cells
            .get(2 * self.mentions.len() + j)
            .unwrap_or_default()
    }
}

/// One entity of an article: where its first mention is and its combined sentiment.
pub struct EntityScore {
    /// Index of the entity's first mention in the mentions given to [`score_article`].
    pub first_mention: usize,
    /// Number of mentions of the entity in the article.
    pub mentions: i64,
    pub in_title: bool,
    /// 0–100 (see [`crate::signals::relevance`]).
    pub relevance: f64,
    pub sentiment: f64,
    pub label: &'static str,
}

/// The sentiment columns of one mention row (its text cells are in the article's cell
/// buffer: see [`ArticleSentiment::sentence`]).
pub struct MentionScore {
    pub sentiment: f64,
    pub label: &'static str,
}

/// Scores one article and its mentions; `doc` is a buffer for the article's text
/// (one per worker, reused).
pub fn score_article(
    model: &SentimentModel,
    a: &ArticleText<'_>,
    mentions: &[MentionRef<'_>],
    doc: &mut String,
) -> ArticleSentiment {
    a.doc_into(doc);
    let doc = doc.as_str();
    let lang = Lang::from_code(a.lang);
    let spans: Vec<(usize, usize)> = mentions
        .iter()
        .map(|m| (m.doc_start as usize, m.doc_end as usize))
        .collect();
    // One analysis of the text gives the tone, the mentions' polarities and the
    // sentences (to quote each mention's sentence).
    let ArticleScores {
        tone,
        targets: polarities,
        sentences,
    } = model.article(doc, lang, &spans);
    let sentence_of = |start: usize| -> &str {
        // Spans are sorted: binary search for the one that holds `start`.
        let i = sentences.partition_point(|(_, e)| *e <= start);
        sentences
            .get(i)
            .filter(|(s, _)| *s <= start)
            .and_then(|(s, e)| doc.get(*s..*e))
            .map_or("", str::trim)
    };
    let mut cells = Cells::default();
    let mut scored = Vec::with_capacity(mentions.len());
    // Article-entities in order of first mention: the group of each mention.
    let mut groups: FastMap<&str, u32> = FastMap::default();
    let mut group_of: Vec<u32> = Vec::with_capacity(mentions.len());
    for (m, p) in mentions.iter().zip(&polarities) {
        cells.push(sentence_of(m.doc_start as usize));
        cells.push_with(|c| push_evidence(c, p.evidence.iter().map(String::as_str)));
        scored.push(MentionScore {
            sentiment: f64::from(p.score),
            label: p.label.as_str(),
        });
        let next = groups.len() as u32;
        group_of.push(*groups.entry(m.entity_id).or_insert(next));
    }
    // Relevance of each group: where its mentions are and which got sentiment cues.
    let facts: Vec<MentionFacts<'_>> = mentions
        .iter()
        .zip(&polarities)
        .zip(&group_of)
        .map(|((m, p), &g)| MentionFacts {
            start: m.doc_start as usize,
            end: m.doc_end as usize,
            entity: g as usize,
            kind: m.kind,
            in_title: m.field == "title",
            cue: !p.evidence.is_empty(),
        })
        .collect();
    let body_start = if a.title.is_empty() {
        0
    } else {
        a.title.len() + 2
    };
    let relevance = article_relevance(doc, body_start, &sentences, &facts, groups.len());
    // Mentions by group (stable: each group's mentions stay in text order).
    let mut members: Vec<usize> = (0..group_of.len()).collect();
    members.sort_by_key(|&k| group_of[k]);
    let entities = members
        .chunk_by(|&x, &y| group_of[x] == group_of[y])
        .map(|ks| {
            let c = combine_refs(
                ks.iter().filter_map(|&k| polarities.get(k)),
                model.target_threshold(lang),
            );
            cells.push_with(|cell| push_evidence(cell, c.evidence.iter().copied()));
            EntityScore {
                first_mention: ks[0],
                mentions: ks.len() as i64,
                in_title: ks
                    .iter()
                    .any(|&k| mentions.get(k).is_some_and(|m| m.field == "title")),
                relevance: relevance
                    .get(group_of[ks[0]] as usize)
                    .copied()
                    .unwrap_or(0.0),
                sentiment: f64::from(c.score),
                label: c.label.as_str(),
            }
        })
        .collect();
    ArticleSentiment {
        tone: (f64::from(tone.score), tone.label.as_str()),
        mentions: scored,
        entities,
        cells,
    }
}

/// The outputs of one part. Ids and names are not copied: rows point into the part's
/// frames (see [`ArticleEntityScores`]).
pub struct PartScores {
    tone: Vec<f64>,
    tone_label: Vec<&'static str>,
    entities: ArticleEntityScores,
    /// Mention rows to output, as indices into the part's mentions; `None` when that is
    /// every row in order (always, for artefacts this pipeline wrote).
    rows: Option<Vec<IdxSize>>,
    sentence: Cells,
    sentiment: Vec<f64>,
    label: Vec<&'static str>,
    evidence: Cells,
}

/// One part's articles scored (in parallel), not yet laid out as table columns: that
/// copy is sequential, so the stage does it on the writer thread while the workers score
/// the next part (see [`Scored::merge`]).
pub struct Scored {
    results: Vec<ArticleSentiment>,
    /// Each article's range of mentions in the part's mention rows.
    ranges: Vec<(usize, usize)>,
    /// The mention rows in output order, when it differs from the input order.
    rows: Option<Vec<IdxSize>>,
    /// Article-entities per `<type>_<label>` (the stage's summary).
    labels: Vec<(String, u64)>,
}

/// Scores every article of one part (the results stay per article).
pub fn score(
    model: &SentimentModel,
    articles: &[ArticleText<'_>],
    mentions: &[MentionRef<'_>],
) -> Scored {
    // Mentions are stored in article order: slice them per article.
    let mut by_article: FastMap<&str, (usize, usize)> = FastMap::default();
    let mut s = 0;
    while s < mentions.len() {
        let id = mentions[s].article_id;
        let mut e = s + 1;
        while e < mentions.len() && mentions[e].article_id == id {
            e += 1;
        }
        by_article.insert(id, (s, e));
        s = e;
    }
    let ranges: Vec<(usize, usize)> = articles
        .iter()
        .map(|a| by_article.get(a.article_id).copied().unwrap_or((0, 0)))
        .collect();
    drop(by_article);
    let results: Vec<ArticleSentiment> = articles
        .par_iter()
        .zip(&ranges)
        .map_init(String::new, |doc, (a, &(s, e))| {
            score_article(model, a, &mentions[s..e], doc)
        })
        .collect();
    // The output rows are the ranges in article order: normally all mentions in order.
    let mut expected = 0;
    let in_order = ranges.iter().filter(|(s, e)| s < e).all(|&(s, e)| {
        let ok = s == expected;
        expected = e;
        ok
    }) && expected == mentions.len();
    let rows = (!in_order).then(|| {
        ranges
            .iter()
            .flat_map(|&(s, e)| s as IdxSize..e as IdxSize)
            .collect()
    });
    let mut labels: FastMap<(&str, &str), u64> = FastMap::default();
    for (r, &(first, _)) in results.iter().zip(&ranges) {
        for x in &r.entities {
            let kind = mentions.get(first + x.first_mention).map_or("", |m| m.kind);
            *labels.entry((kind, x.label)).or_insert(0) += 1;
        }
    }
    let labels = labels
        .into_iter()
        .map(|((kind, label), n)| (format!("{kind}_{label}"), n))
        .collect();
    Scored {
        results,
        ranges,
        rows,
        labels,
    }
}

/// The sentiment stage's three artefacts of a part, from its [`score`]s laid out as
/// columns ([`Scored::merge`]).
impl PartScores {
    /// `mention_scores`: the sentiment columns of each mention row.
    pub fn mention_scores(&self) -> Result<polars::prelude::DataFrame> {
        mention_scores_frame(
            self.rows.as_deref(),
            &self.sentence,
            &self.sentiment,
            &self.label,
            &self.evidence,
        )
    }

    /// `article_entities`, given the part's articles (`article_id`, `date`) and its
    /// entities stage `mentions` frame.
    pub fn article_entities(
        &self,
        art_keys: &polars::prelude::DataFrame,
        mentions: &polars::prelude::DataFrame,
    ) -> Result<polars::prelude::DataFrame> {
        article_entities_frame(art_keys, mentions, &self.entities)
    }

    /// `tones`: the tone of each article (`art_keys` as above).
    pub fn tones(
        &self,
        art_keys: &polars::prelude::DataFrame,
    ) -> Result<polars::prelude::DataFrame> {
        tones_frame(art_keys, &self.tone, &self.tone_label)
    }
}

impl Scored {
    /// Mention rows written for this part.
    pub fn mention_rows(&self) -> usize {
        self.results.iter().map(|r| r.mentions.len()).sum()
    }

    /// Lays the per-article results out as the part's table columns, in article order.
    pub fn merge(self) -> PartScores {
        let n = self.mention_rows();
        let Scored {
            results,
            ranges,
            rows,
            ..
        } = self;
        let mut out = PartScores {
            tone: Vec::with_capacity(results.len()),
            tone_label: Vec::with_capacity(results.len()),
            entities: ArticleEntityScores::default(),
            rows,
            sentence: Cells::default(),
            sentiment: Vec::with_capacity(n),
            label: Vec::with_capacity(n),
            evidence: Cells::default(),
        };
        let e = &mut out.entities;
        for (article, (r, &(first, _))) in results.into_iter().zip(&ranges).enumerate() {
            out.tone.push(r.tone.0);
            out.tone_label.push(r.tone.1);
            for (k, m) in r.mentions.iter().enumerate() {
                out.sentence.push(r.sentence(k));
                out.sentiment.push(m.sentiment);
                out.label.push(m.label);
                out.evidence.push(r.mention_evidence(k));
            }
            for (j, x) in r.entities.iter().enumerate() {
                e.article.push(article as IdxSize);
                e.first_mention.push((first + x.first_mention) as IdxSize);
                e.mentions.push(x.mentions);
                e.in_title.push(x.in_title);
                e.relevance.push(x.relevance);
                e.sentiment.push(x.sentiment);
                e.label.push(x.label);
                e.evidence.push(r.entity_evidence(j));
            }
        }
        out
    }
}

/// Runs the sentiment stage, keeping the chunks `reuse` holds.
pub fn run(ctx: &Context, manifest: Manifest, reuse: &Reuse) -> Result<Manifest> {
    let t0 = Instant::now();
    let lexicons = &ctx.reference.lexicons_dir()?;
    let art_parts = list_parts(&ctx.stage_dir(Stage::Normalize), "articles")?;
    let men_parts = list_parts(&ctx.stage_dir(Stage::Entities), "mentions")?;
    if art_parts.len() != men_parts.len() {
        anyhow::bail!(
            "the normalize and entities artefacts do not match ({} vs {} parts): rerun with --from entities",
            art_parts.len(),
            men_parts.len()
        );
    }
    let norm = chunks::read_manifest(ctx, Stage::Normalize)?;
    let ents = chunks::read_manifest(ctx, Stage::Entities)?;
    let dir = StageDir::create(&ctx.stages_dir, Stage::Sentiment.name())?;
    let inputs = chunks::backfill(ctx, chunks::next_inputs("sentiment", &[&norm, &ents])?);
    const TABLES: [&str; 3] = ["mention_scores", "article_entities", "tones"];
    let mut prep = chunks::prepare("sentiment", &dir, reuse, &inputs, &TABLES, &[])?;
    let bar = ctx.bar(Stage::Sentiment, prep.todo.len() as u64, "parts");
    // Each part's three tables are built and written in the background while the next
    // part is scored, and the part after it is read.
    let (art_ref, men_ref, todo) = (&art_parts, &men_parts, &prep.todo);
    let read_part = move |j: usize| match todo
        .get(j)
        .and_then(|&i| Some((art_ref.get(i)?, men_ref.get(i)?)))
    {
        Some((a, m)) => Ok((
            read_parquet_columns(a, &ARTICLE_COLUMNS)?,
            read_parquet_columns(m, &MENTION_REF_COLUMNS)?,
        )),
        None => anyhow::bail!("internal error: no sentiment input part {j}"),
    };
    let (chunk_of, records) = (&prep.chunk_of, &mut prep.records);
    std::thread::scope(|scope| -> Result<()> {
        // The lexicons are loaded while the first part is read.
        let loading = scope.spawn(|| load_model(lexicons, PIPELINE_LEXICONS));
        let mut frames = ReadAhead::new(scope, "sentiment", todo.len(), read_part);
        let model = loading
            .join()
            .map_err(|_| anyhow::anyhow!("internal error: loading the lexicons panicked"))??;
        PartWriter::run(scope, "sentiment", |writer| {
            for (j, frames) in frames.by_ref().enumerate() {
                let (i, (art_df, men_df)) = (todo[j], frames?);
                let record = &mut records[chunk_of[i]];
                // Two independent column walks (the workers are otherwise idle here).
                let (articles, mentions) = rayon::join(
                    || article_texts_from_frame(&art_df),
                    || mention_refs_from_frame(&men_df),
                );
                let (articles, mentions) = (articles?, mentions?);
                record.rows_in += mentions.len() as u64;
                let scored = score(&model, &articles, &mentions);
                drop(articles);
                drop(mentions);
                for (key, n) in &scored.labels {
                    *record.counts.entry(key.clone()).or_insert(0u64) += n;
                }
                record.rows_out += scored.mention_rows() as u64;
                // The tables take the ids and names from the frames: only those columns
                // are kept for the writer (not the article texts).
                let art_keys = art_df.select(["article_id", "date", "novel"])?;
                drop(art_df);
                let paths = [
                    dir.path(&part_name("mention_scores", i)),
                    dir.path(&part_name("article_entities", i)),
                    dir.path(&part_name("tones", i)),
                ];
                writer.submit(move || {
                    let p = scored.merge();
                    let mut scores = p.mention_scores()?;
                    write_parquet(&paths[0], &mut scores)?;
                    drop(scores);
                    let mut entities = p.article_entities(&art_keys, &men_df)?;
                    write_parquet(&paths[1], &mut entities)?;
                    write_parquet(&paths[2], &mut p.tones(&art_keys)?)
                })?;
                bar.inc(1);
            }
            Ok(())
        })
    })?;
    bar.finish_and_clear();
    let (rows_in, rows_out, _, _) = chunks::totals(&prep.records);
    let m = Manifest {
        rows_in,
        rows_out,
        parts: art_parts.len(),
        seconds: secs(t0),
        extra: chunks::sum_counts(&prep.records),
        chunks: prep.records,
        ..manifest
    };
    dir.commit_chunked(&m, prep.known, &TABLES, |_| Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article<'a>(id: &'a str, text: &'a str) -> ArticleText<'a> {
        ArticleText {
            article_id: id,
            title: "",
            text,
            date: Some(19_000),
            lang: "en",
            url: None,
        }
    }

    fn mention<'a>(article_id: &'a str, entity_id: &'a str, at: (usize, usize)) -> MentionRef<'a> {
        MentionRef {
            article_id,
            entity_id,
            name: entity_id,
            kind: "company",
            field: "text",
            doc_start: at.0 as i64,
            doc_end: at.1 as i64,
        }
    }

    /// The shipped model (`data/lexicons`).
    fn model() -> SentimentModel {
        load_model(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lexicons"),
            "--lexicons",
        )
        .unwrap()
    }

    #[test]
    fn mentions_keep_their_order_and_odd_artefacts_are_reordered() {
        let model = model();
        let t1 = "Tesla shares soared after record deliveries.";
        let t2 = "Ford shares plunged after a profit warning.";
        let articles = [article("a1", t1), article("a2", t2)];
        let mentions = [
            mention("a1", "tesla", (0, 5)),
            mention("a2", "ford", (0, 4)),
        ];
        let scored = score(&model, &articles, &mentions);
        assert_eq!(scored.mention_rows(), 2);
        let mut labels = scored.labels.clone();
        let p = scored.merge();
        assert!(p.rows.is_none(), "in order: the frame is passed through");
        assert_eq!(p.label, ["positive", "negative"]);
        assert_eq!(p.sentence.get(1), Some(t2));
        assert_eq!(p.entities.article, [0, 1]);
        assert_eq!(p.entities.first_mention, [0, 1]);
        assert_eq!(p.entities.label, ["positive", "negative"]);
        assert_eq!(p.tone.len(), 2);
        labels.sort();
        assert_eq!(
            labels,
            [
                ("company_negative".to_string(), 1),
                ("company_positive".to_string(), 1)
            ]
        );
        // Articles listed in another order than their mentions: rows follow the articles.
        let swapped = [article("a2", t2), article("a1", t1)];
        let p = score(&model, &swapped, &mentions).merge();
        assert_eq!(p.rows, Some(vec![1, 0]));
        assert_eq!(p.label, ["negative", "positive"]);
        // Article-entities point at the article's row and at its mention's row.
        assert_eq!(p.entities.article, [0, 1]);
        assert_eq!(p.entities.first_mention, [1, 0]);
    }

    #[test]
    fn an_entity_mentioned_apart_is_one_article_entity_with_all_its_evidence() {
        let model = model();
        let title = "Tesla beats forecasts";
        let body = "Tesla shares soared. Ford shares plunged. Tesla also won a record contract.";
        let a = ArticleText {
            article_id: "a1",
            title,
            text: body,
            date: Some(19_000),
            lang: "en",
            url: None,
        };
        let mut doc = String::new();
        a.doc_into(&mut doc);
        let at = |needle: &str, from: usize| {
            let s = from + doc[from..].find(needle).unwrap();
            (s, s + needle.len())
        };
        let body_at = doc.find("Tesla shares").unwrap();
        let mut title_m = mention("a1", "tesla", at("Tesla", 0));
        title_m.field = "title";
        let mentions = [
            title_m,
            mention("a1", "tesla", at("Tesla", body_at)),
            mention("a1", "ford", at("Ford", body_at)),
            mention("a1", "tesla", at("Tesla also", body_at)),
        ];
        let r = score_article(&model, &a, &mentions, &mut String::new());
        let labels: Vec<&str> = r.mentions.iter().map(|m| m.label).collect();
        assert_eq!(labels, ["positive", "positive", "negative", "positive"]);
        assert_eq!(r.sentence(2), "Ford shares plunged.");
        assert!(
            r.mention_evidence(2).contains("plunged"),
            "{}",
            r.mention_evidence(2)
        );
        // Two article-entities, in order of first mention.
        assert_eq!(r.entities.len(), 2);
        let (tesla, ford) = (&r.entities[0], &r.entities[1]);
        assert_eq!(
            (tesla.first_mention, tesla.mentions, tesla.in_title),
            (0, 3, true)
        );
        assert_eq!(
            (ford.first_mention, ford.mentions, ford.in_title),
            (2, 1, false)
        );
        assert_eq!((tesla.label, ford.label), ("positive", "negative"));
        // Tesla's evidence merges its three mentions' (each word once).
        let ev = r.entity_evidence(0);
        for w in ["beats", "soared", "record"] {
            assert!(ev.contains(w), "{w} in {ev}");
        }
        assert_eq!(r.entity_evidence(1), r.mention_evidence(2));
        // Tesla is what the article is about; Ford is named once, outside the title.
        assert!(tesla.relevance >= 80.0, "{}", tesla.relevance);
        assert!(ford.relevance < 40.0, "{}", ford.relevance);
    }
}
