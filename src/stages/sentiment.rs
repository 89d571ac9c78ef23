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
use crate::sentiment::{combine, ArticleScores, Polarity, SentimentModel};
use crate::stages::{list_parts, secs, Context, PartWriter, ReadAhead, Stage};
use crate::tables::{
    article_entities_frame, article_texts_from_frame, mention_refs_from_frame,
    mention_scores_frame, tones_frame, ArticleEntityScores, ArticleText, MentionRef,
    ARTICLE_TEXT_COLUMNS, MENTION_REF_COLUMNS,
};
use crate::text::lang::Lang;
use polars::prelude::IdxSize;

/// Loads the sentiment model named by the pipeline.
pub fn load_model(dir: &std::path::Path) -> Result<SentimentModel> {
    SentimentModel::load(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the sentiment lexicons from {}: {e} (check sentiment.lexicons in the pipeline file)",
            dir.display()
        )
    })
}

/// Evidence words as one cell: `"beat; record profit"`.
pub fn evidence_cell(p: &Polarity) -> String {
    p.evidence.join("; ")
}

/// Everything the sentiment stage produces for one article.
pub struct ArticleSentiment {
    /// Tone of the article: score and label.
    pub tone: (f64, &'static str),
    /// One per mention, in order.
    pub mentions: Vec<MentionScore>,
    pub entities: Vec<EntityScore>,
}

/// One entity of an article: where its first mention is and its combined sentiment.
pub struct EntityScore {
    /// Index of the entity's first mention in the mentions given to [`score_article`].
    pub first_mention: usize,
    /// Number of mentions of the entity in the article.
    pub mentions: i64,
    pub in_title: bool,
    pub sentiment: f64,
    pub label: &'static str,
    pub evidence: String,
}

/// The sentiment columns of one mention row.
pub struct MentionScore {
    pub sentence: String,
    pub sentiment: f64,
    pub label: &'static str,
    pub evidence: String,
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
    let sentence_of = |start: usize| -> String {
        // Spans are sorted: binary search for the one that holds `start`.
        let i = sentences.partition_point(|(_, e)| *e <= start);
        sentences
            .get(i)
            .filter(|(s, _)| *s <= start)
            .and_then(|(s, e)| doc.get(*s..*e))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut scored = Vec::with_capacity(mentions.len());
    // Article-entities in order of first mention; index by entity id.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: FastMap<&str, (Vec<Polarity>, bool, usize)> = FastMap::default();
    for (k, (m, p)) in mentions.iter().zip(polarities).enumerate() {
        scored.push(MentionScore {
            sentence: sentence_of(m.doc_start as usize),
            sentiment: f64::from(p.score),
            label: p.label.as_str(),
            evidence: evidence_cell(&p),
        });
        let g = groups.entry(m.entity_id).or_insert_with(|| {
            order.push(m.entity_id);
            (Vec::new(), false, k)
        });
        g.0.push(p);
        g.1 |= m.field == "title";
    }
    let entities = order
        .iter()
        .filter_map(|id| groups.get(id))
        .map(|(ps, in_title, first)| {
            let c = combine(ps);
            EntityScore {
                first_mention: *first,
                mentions: ps.len() as i64,
                in_title: *in_title,
                sentiment: f64::from(c.score),
                label: c.label.as_str(),
                evidence: evidence_cell(&c),
            }
        })
        .collect();
    ArticleSentiment {
        tone: (f64::from(tone.score), tone.label.as_str()),
        mentions: scored,
        entities,
    }
}

/// The outputs of one part. Ids and names are not copied: rows point into the part's
/// frames (see [`ArticleEntityScores`]).
struct PartScores {
    tone: Vec<f64>,
    tone_label: Vec<&'static str>,
    entities: ArticleEntityScores,
    /// Article-entities per `(type, label)`, for the manifest.
    labels: Vec<(String, u64)>,
    /// Mention rows to output, as indices into the part's mentions; `None` when that is
    /// every row in order (always, for artefacts this pipeline wrote).
    rows: Option<Vec<IdxSize>>,
    sentence: Vec<String>,
    sentiment: Vec<f64>,
    label: Vec<&'static str>,
    evidence: Vec<String>,
}

/// Scores every article of one part, in article order.
fn score_part(
    model: &SentimentModel,
    articles: &[ArticleText<'_>],
    mentions: &[MentionRef<'_>],
) -> PartScores {
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
    let n = mentions.len();
    let mut out = PartScores {
        tone: Vec::with_capacity(results.len()),
        tone_label: Vec::with_capacity(results.len()),
        entities: ArticleEntityScores::default(),
        labels: Vec::new(),
        rows,
        sentence: Vec::with_capacity(n),
        sentiment: Vec::with_capacity(n),
        label: Vec::with_capacity(n),
        evidence: Vec::with_capacity(n),
    };
    let mut labels: FastMap<(&str, &str), u64> = FastMap::default();
    let e = &mut out.entities;
    for (article, (r, &(first, _))) in results.into_iter().zip(&ranges).enumerate() {
        out.tone.push(r.tone.0);
        out.tone_label.push(r.tone.1);
        for m in r.mentions {
            out.sentence.push(m.sentence);
            out.sentiment.push(m.sentiment);
            out.label.push(m.label);
            out.evidence.push(m.evidence);
        }
        for x in r.entities {
            let mention = first + x.first_mention;
            let kind = mentions.get(mention).map_or("", |m| m.kind);
            *labels.entry((kind, x.label)).or_insert(0) += 1;
            e.article.push(article as IdxSize);
            e.first_mention.push(mention as IdxSize);
            e.mentions.push(x.mentions);
            e.in_title.push(x.in_title);
            e.sentiment.push(x.sentiment);
            e.label.push(x.label);
            e.evidence.push(x.evidence);
        }
    }
    out.labels = labels
        .into_iter()
        .map(|((kind, label), n)| (format!("{kind}_{label}"), n))
        .collect();
    out
}

/// Runs the sentiment stage.
pub fn run(ctx: &Context, manifest: Manifest) -> Result<Manifest> {
    let t0 = Instant::now();
    let lexicons = &ctx.pipeline.sentiment.lexicons;
    let art_parts = list_parts(&ctx.stage_dir(Stage::Normalize), "articles")?;
    let men_parts = list_parts(&ctx.stage_dir(Stage::Entities), "mentions")?;
    if art_parts.len() != men_parts.len() {
        anyhow::bail!(
            "the normalize and entities artefacts do not match ({} vs {} parts): rerun with --from entities",
            art_parts.len(),
            men_parts.len()
        );
    }
    let dir = StageDir::create(&ctx.stages_dir, Stage::Sentiment.name())?;
    let (mut rows_in, mut rows_out) = (0u64, 0u64);
    let mut labels = std::collections::BTreeMap::new();
    let bar = ctx.bar(Stage::Sentiment, art_parts.len() as u64, "parts");
    // Each part's three tables are built and written in the background while the next
    // part is scored, and the part after it is read.
    let (art_ref, men_ref) = (&art_parts, &men_parts);
    let read_part = move |i: usize| match (art_ref.get(i), men_ref.get(i)) {
        (Some(a), Some(m)) => Ok((
            read_parquet_columns(a, &ARTICLE_TEXT_COLUMNS)?,
            read_parquet_columns(m, &MENTION_REF_COLUMNS)?,
        )),
        _ => anyhow::bail!("internal error: no sentiment input part {i}"),
    };
    std::thread::scope(|scope| -> Result<()> {
        // The lexicons are loaded while the first part is read.
        let loading = scope.spawn(|| load_model(lexicons));
        let mut frames = ReadAhead::new(scope, "sentiment", art_parts.len(), read_part);
        let model = loading
            .join()
            .map_err(|_| anyhow::anyhow!("internal error: loading the lexicons panicked"))??;
        PartWriter::run(scope, "sentiment", |writer| {
            for (i, frames) in frames.by_ref().enumerate() {
                let (art_df, men_df) = frames?;
                let articles = article_texts_from_frame(&art_df)?;
                let mentions = mention_refs_from_frame(&men_df)?;
                rows_in += mentions.len() as u64;
                let p = score_part(&model, &articles, &mentions);
                drop(articles);
                drop(mentions);
                for (key, n) in &p.labels {
                    *labels.entry(key.clone()).or_insert(0u64) += n;
                }
                rows_out += p.sentence.len() as u64;
                // The tables take the ids and names from the frames: only those columns
                // are kept for the writer (not the article texts).
                let art_keys = art_df.select(["article_id", "date"])?;
                drop(art_df);
                let paths = [
                    dir.path(&part_name("mention_scores", i)),
                    dir.path(&part_name("article_entities", i)),
                    dir.path(&part_name("tones", i)),
                ];
                writer.submit(move || {
                    let mut scores = mention_scores_frame(
                        p.rows.as_deref(),
                        &p.sentence,
                        &p.sentiment,
                        &p.label,
                        &p.evidence,
                    )?;
                    write_parquet(&paths[0], &mut scores)?;
                    drop(scores);
                    let mut entities = article_entities_frame(&art_keys, &men_df, &p.entities)?;
                    write_parquet(&paths[1], &mut entities)?;
                    write_parquet(
                        &paths[2],
                        &mut tones_frame(&art_keys, &p.tone, &p.tone_label)?,
                    )
                })?;
                bar.inc(1);
            }
            Ok(())
        })
    })?;
    bar.finish_and_clear();
    let m = Manifest {
        rows_in,
        rows_out,
        parts: art_parts.len(),
        seconds: secs(t0),
        extra: labels,
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
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

    #[test]
    fn mentions_keep_their_order_and_odd_artefacts_are_reordered() {
        let model =
            load_model(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lexicons"))
                .unwrap();
        let t1 = "Tesla shares soared after record deliveries.";
        let t2 = "Ford shares plunged after a profit warning.";
        let articles = [article("a1", t1), article("a2", t2)];
        let mentions = [
            mention("a1", "tesla", (0, 5)),
            mention("a2", "ford", (0, 4)),
        ];
        let p = score_part(&model, &articles, &mentions);
        assert!(p.rows.is_none(), "in order: the frame is passed through");
        assert_eq!(p.label, ["positive", "negative"]);
        assert_eq!(p.sentence[1], t2);
        assert_eq!(p.entities.article, [0, 1]);
        assert_eq!(p.entities.first_mention, [0, 1]);
        assert_eq!(p.entities.label, ["positive", "negative"]);
        assert_eq!(p.tone.len(), 2);
        let mut labels = p.labels.clone();
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
        let p = score_part(&model, &swapped, &mentions);
        assert_eq!(p.rows, Some(vec![1, 0]));
        assert_eq!(p.label, ["negative", "positive"]);
        // Article-entities point at the article's row and at its mention's row.
        assert_eq!(p.entities.article, [0, 1]);
        assert_eq!(p.entities.first_mention, [1, 0]);
    }
}
