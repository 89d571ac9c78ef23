//! Stage 4 — sentiment: the sentiment toward each mentioned entity (per mention and per
//! article-entity) and the tone of each article.
//!
//! Reads normalize part *k* and entities part *k* together (the parts are aligned), so a
//! lexicon change reruns only this stage and the ones after it.

use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::artefact::{part_name, read_parquet, write_parquet, Manifest, StageDir};
use crate::sentiment::lexicon::FastMap;
use crate::sentiment::{combine, ArticleScores, Polarity, SentimentModel};
use crate::stages::{list_parts, secs, Context, PartWriter, Stage};
use crate::tables::{
    article_entities_to_frame, articles_from_frame, mentions_from_frame, scored_to_frame,
    tones_to_frame, Article, ArticleEntity, MentionRow, ScoredMention, Tone,
};
use crate::text::lang::Lang;

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
    pub tone: Tone,
    /// One per mention, in order: [`score_part`] moves the mention rows in.
    pub mentions: Vec<MentionScore>,
    pub entities: Vec<ArticleEntity>,
}

/// A [`ScoredMention`] without its mention row.
pub struct MentionScore {
    pub sentence: String,
    pub sentiment: f64,
    pub label: String,
    pub evidence: String,
}

/// Scores one article and its mentions.
pub fn score_article(
    model: &SentimentModel,
    a: &Article,
    mentions: &[MentionRow],
) -> ArticleSentiment {
    let doc = a.doc();
    let lang = Lang::from_code(&a.lang);
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
    } = model.article(&doc, lang, &spans);
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
    let mut groups: FastMap<&str, (Vec<Polarity>, bool, &MentionRow)> = FastMap::default();
    for (m, p) in mentions.iter().zip(polarities) {
        scored.push(MentionScore {
            sentence: sentence_of(m.doc_start as usize),
            sentiment: f64::from(p.score),
            label: p.label.as_str().to_string(),
            evidence: evidence_cell(&p),
        });
        let g = groups.entry(m.entity_id.as_str()).or_insert_with(|| {
            order.push(m.entity_id.as_str());
            (Vec::new(), false, m)
        });
        g.0.push(p);
        g.1 |= m.field == "title";
    }
    let entities = order
        .iter()
        .filter_map(|id| groups.get(id))
        .map(|(ps, in_title, first)| {
            let c = combine(ps);
            ArticleEntity {
                article_id: a.article_id.clone(),
                date: a.date,
                entity_id: first.entity_id.clone(),
                name: first.name.clone(),
                kind: first.kind.clone(),
                mentions: ps.len() as i64,
                in_title: *in_title,
                sentiment: f64::from(c.score),
                label: c.label.as_str().to_string(),
                evidence: evidence_cell(&c),
            }
        })
        .collect();
    ArticleSentiment {
        tone: Tone {
            article_id: a.article_id.clone(),
            tone: f64::from(tone.score),
            tone_label: tone.label.as_str().to_string(),
        },
        mentions: scored,
        entities,
    }
}

/// Scores every article of one part: (tones, scored mentions, article-entities), in
/// article order.
fn score_part(
    model: &SentimentModel,
    articles: &[Article],
    mentions: Vec<MentionRow>,
) -> (Vec<Tone>, Vec<ScoredMention>, Vec<ArticleEntity>) {
    // Mentions are stored in article order: slice them per article.
    let mut by_article: FastMap<&str, (usize, usize)> = FastMap::default();
    let mut s = 0;
    while s < mentions.len() {
        let id = mentions[s].article_id.as_str();
        let mut e = s + 1;
        while e < mentions.len() && mentions[e].article_id == id {
            e += 1;
        }
        by_article.insert(id, (s, e));
        s = e;
    }
    let ranges: Vec<(usize, usize)> = articles
        .iter()
        .map(|a| {
            by_article
                .get(a.article_id.as_str())
                .copied()
                .unwrap_or((0, 0))
        })
        .collect();
    drop(by_article);
    let results: Vec<ArticleSentiment> = articles
        .par_iter()
        .zip(&ranges)
        .map(|(a, &(s, e))| score_article(model, a, &mentions[s..e]))
        .collect();
    // The output rows take the mention rows over instead of copying their strings; a
    // range shared by several articles (repeated article id) is copied for all but its
    // last use.
    let mut uses = vec![0u32; mentions.len()];
    for &(s, e) in &ranges {
        if s < e {
            uses[s] += 1;
        }
    }
    let mut rows: Vec<Option<MentionRow>> = mentions.into_iter().map(Some).collect();
    let mut tones = Vec::with_capacity(results.len());
    let mut scored = Vec::with_capacity(rows.len());
    let mut ents = Vec::new();
    for (r, &(s, e)) in results.into_iter().zip(&ranges) {
        tones.push(r.tone);
        let last = s < e && {
            uses[s] -= 1;
            uses[s] == 0
        };
        for (k, ms) in (s..e).zip(r.mentions) {
            let mention = if last {
                rows[k].take()
            } else {
                rows[k].clone()
            };
            let Some(mention) = mention else { continue };
            scored.push(ScoredMention {
                mention,
                sentence: ms.sentence,
                sentiment: ms.sentiment,
                label: ms.label,
                evidence: ms.evidence,
            });
        }
        ents.extend(r.entities);
    }
    (tones, scored, ents)
}

/// Runs the sentiment stage.
pub fn run(ctx: &Context, manifest: Manifest) -> Result<Manifest> {
    let t0 = Instant::now();
    let model = load_model(&ctx.pipeline.sentiment.lexicons)?;
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
    // part is scored.
    std::thread::scope(|scope| -> Result<()> {
        let mut writer = PartWriter::new(scope, "sentiment");
        let mut run_parts = || -> Result<()> {
            for (i, (ap, mp)) in art_parts.iter().zip(&men_parts).enumerate() {
                let articles = articles_from_frame(&read_parquet(ap)?)?;
                let mentions = mentions_from_frame(&read_parquet(mp)?)?;
                rows_in += mentions.len() as u64;
                let (tones, scored, ents) = score_part(&model, &articles, mentions);
                for e in &ents {
                    *labels
                        .entry(format!("{}_{}", e.kind, e.label))
                        .or_insert(0u64) += 1;
                }
                rows_out += scored.len() as u64;
                let paths = [
                    dir.path(&part_name("mentions", i)),
                    dir.path(&part_name("article_entities", i)),
                    dir.path(&part_name("tones", i)),
                ];
                writer.submit(move || {
                    write_parquet(&paths[0], &mut scored_to_frame(&scored, false)?)?;
                    drop(scored);
                    write_parquet(&paths[1], &mut article_entities_to_frame(&ents)?)?;
                    write_parquet(&paths[2], &mut tones_to_frame(&tones)?)
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
        parts: art_parts.len(),
        seconds: secs(t0),
        extra: labels,
        ..manifest
    };
    dir.commit(&m)?;
    Ok(m)
}
