//! Stage 2 — normalize: clean text, detect language, parse dates, give each article a
//! stable id, and drop duplicates.
//!
//! Cleaning is parallel within a part (rayon, order preserved); de-duplication is a
//! sequential pass in input order, so the first occurrence always wins whatever the
//! thread count. The only state kept across parts is a set of 128-bit digests (and
//! the day of each kept text).

mod state;

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::{BinaryChunked, Column, DataFrame, IntoColumn, NewChunkedArray};
use rayon::prelude::*;

use crate::artefact::{part_name, read_parquet, write_parquet, Manifest, StageDir};
use crate::config::{DatePolicy, NormalizeConfig};
use crate::sentiment::lexicon::{FastMap, FxHasher};
use crate::signals::stories::{self, Assigned, Signature, Stories};
use crate::stages::chunks::{self, ChunkInput, Reuse};
use crate::stages::{list_parts, secs, Context, PartWriter, ReadAhead, Stage};
use crate::tables::{
    articles_to_frame, raw_refs_from_frame, rejects_to_frame, Article, RawRef, RawRow, RejectRow,
};
use crate::text::clean::{clean_line, clean_text};
use crate::text::dates::{local_day, parse_date};
use crate::text::lang::{detect_among, Lang};

/// Hash set with [`FxHasher`]: the keys are digests already.
type FastSet<K> = HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// Days from 0001-01-01 (chrono's CE day 1) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Days since the Unix epoch, the physical value of a Polars/Arrow `Date`.
pub fn epoch_days(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

/// Outcome of normalizing one raw record.
#[derive(Debug)]
pub enum Normalized {
    Article(Box<Article>),
    Reject(RejectRow),
}

/// Normalizes one record (pure function: the unit of parallel work).
pub fn normalize_record(raw: &RawRow, cfg: &NormalizeConfig, tz: chrono_tz::Tz) -> Normalized {
    normalize_ref(RawRef::from(raw), cfg, tz)
}

/// [`normalize_record`] on a row borrowed from the ingest frame.
fn normalize_ref(raw: RawRef<'_>, cfg: &NormalizeConfig, tz: chrono_tz::Tz) -> Normalized {
    let reject = |reason: String| {
        Normalized::Reject(RejectRow {
            source: raw.source_file.to_string(),
            record: raw.record.to_string(),
            reason,
        })
    };
    let title = raw.title.map(clean_line).unwrap_or_default();
    let mut text = raw.text.map(clean_text).unwrap_or_default();
    let n_title = title.chars().count();
    let mut n_text = text.chars().count();
    if n_text == 0 && n_title == 0 {
        return reject("no text: the record has no title and no body".into());
    }
    if n_title + n_text < cfg.min_chars {
        return reject(format!(
            "no text: {} characters, fewer than normalize.min_chars = {}",
            n_title + n_text,
            cfg.min_chars
        ));
    }
    if n_text > cfg.max_chars {
        if let Some((cut, _)) = text.char_indices().nth(cfg.max_chars) {
            text.truncate(cut);
            n_text = cfg.max_chars;
        }
    }
    let (published_at, date) = match raw.date.map(str::trim) {
        Some(s) if !s.is_empty() => match parse_date(s, tz) {
            Some(d) => (
                Some(d.utc.timestamp_micros()),
                Some(epoch_days(local_day(d.utc, tz))),
            ),
            None if cfg.date_policy == DatePolicy::Reject => {
                return reject(format!(
                    "unparseable date {:?} (set normalize.date_policy = \"keep\" to keep such articles with a null date)",
                    crate::text::lang::prefix_chars(s, 60)
                ))
            }
            None => (None, None),
        },
        _ if cfg.date_policy == DatePolicy::Reject => {
            return reject(
                "no date (set normalize.date_policy = \"keep\" to keep such articles with a null date)"
                    .into(),
            )
        }
        _ => (None, None),
    };
    let lang = match raw.lang {
        // The input's `lang` setting overrides detection (validated: "en" or "fr").
        Some(fixed) if raw.lang_fixed => Lang::from_code(fixed).code().to_string(),
        declared => {
            // The title and the start of the text are enough to tell the language, and
            // keep detection cost independent of article length.
            let head = crate::text::lang::prefix_chars(&text, 600);
            let sample = format!("{title}\n{head}");
            let allowed: Vec<Lang> = cfg
                .languages
                .iter()
                .filter_map(|c| Lang::from_pipeline_code(c))
                .collect();
            let (detected, code) = detect_among(&sample, &allowed);
            match (detected, declared.map(Lang::from_code)) {
                (Lang::En | Lang::Fr, _) => detected.code().to_string(),
                // Too short or unclear to detect: trust what the source declares.
                (_, Some(l @ (Lang::En | Lang::Fr))) if code == "und" || sample.len() < 200 => {
                    l.code().to_string()
                }
                _ => code.to_string(),
            }
        }
    };
    let article_id = match raw
        .id
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| raw.url.map(str::trim).filter(|s| !s.is_empty()))
    {
        Some(id) => id.to_string(),
        None => {
            let h = blake3::hash(format!("{title}\u{0}{text}").as_bytes());
            format!("h:{}", &h.to_hex()[..16])
        }
    };
    let source = raw
        .source_name
        .map(clean_line)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            std::path::Path::new(raw.source_file)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    Normalized::Article(Box::new(Article {
        article_id,
        source,
        section: raw.section.map(clean_line).filter(|s| !s.is_empty()),
        url: raw
            .url
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        title,
        text,
        published_at,
        date,
        lang,
        n_chars: (n_title + n_text) as i64,
    }))
}

/// ASCII bytes as they enter the content key: lowercase, whitespace as a space.
const KEY_ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b == b' ' || (b >= b'\t' && b <= b'\r') {
            b' '
        } else {
            b.to_ascii_lowercase()
        };
        i += 1;
    }
    t
};

/// Digest of the normalized content, for "same title + text" duplicates: each part
/// lowercased, runs of whitespace as one space (none at the end), then a NUL.
fn content_key(a: &Article) -> u128 {
    let mut buf: Vec<u8> = Vec::with_capacity(a.title.len() + a.text.len() + 16);
    for part in [&a.title, &a.text] {
        push_key_part(&mut buf, part);
        buf.push(0);
    }
    digest(&buf)
}

/// 128-bit digest of a duplicate key. The keys live only in this run's memory, so a fast
/// non-cryptographic hash is enough (XXH3: a chance collision is ~2⁻¹²⁸ per pair); BLAKE3
/// here cost a tenth of the stage.
fn digest(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Appends one part of the content key (see [`content_key`]).
///
/// Runs of eight bytes of ASCII and two-byte Latin-1 letters (most of the text) are
/// lowercased and their whitespace turned into spaces with word-wide arithmetic, and
/// written at once; a run with two whitespace bytes in a row, or other characters, takes
/// the byte-by-byte path. This loop was a third of the
/// stage's time when it worked word by word.
fn push_key_part(buf: &mut Vec<u8>, part: &str) {
    use crate::text::swar::{lanes_equal, HIGH};
    let bytes = part.as_bytes();
    let mut j = buf.len();
    // ASCII maps to one byte; anything else makes room for itself below.
    buf.resize(j + bytes.len(), 0);
    let mut space = false;
    let mut i = 0;
    #[inline(always)]
    fn step(out: &mut [u8], j: &mut usize, space: &mut bool, x: u8) {
        let y = KEY_ASCII[usize::from(x & 0x7f)];
        let is_space = y == b' ';
        out[*j] = y;
        *j += usize::from(!(is_space & *space));
        *space = is_space;
    }
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
            // ASCII, possibly mixed with two-byte Latin-1 letters (`é`, `À`: lead byte
            // 0xC3, each followed by its continuation byte in the same word), as in most
            // words of French text. Pure ASCII skips the Latin-1 tests.
            let latin = if x & HIGH == 0 {
                Some(0)
            } else {
                let lead = lanes_equal(x, 0xC3);
                let cont = (x & HIGH) & !lead;
                (lead << 8 == cont && lead >> 63 == 0).then_some(cont)
            };
            if let Some((y, ends_in_space)) = latin.and_then(|cont| key_word(x, cont, space)) {
                buf[j..j + 8].copy_from_slice(&y.to_le_bytes());
                j += 8;
                space = ends_in_space;
                i += 8;
                continue;
            }
            // The ASCII bytes before the first non-ASCII one, without reloading the word
            // for each (accented letters every few words in French).
            let ascii = ((x & HIGH).trailing_zeros() / 8) as usize;
            for &x in &chunk[..ascii] {
                step(buf, &mut j, &mut space, x);
            }
            i += ascii;
            if ascii == 8 {
                continue; // an all-ASCII run with doubled whitespace
            }
        }
        let x = bytes[i];
        if x < 0x80 {
            step(buf, &mut j, &mut space, x);
            i += 1;
            continue;
        }
        let Some(c) = part.get(i..).and_then(|t| t.chars().next()) else {
            break; // unreachable: `i` is always a char boundary
        };
        i += c.len_utf8();
        // Its key bytes: a space, or its lowercase (at most 3 chars of 4 bytes).
        let mut low = [0u8; 12];
        let mut len = 0;
        if c.is_whitespace() {
            if !space {
                low[0] = b' ';
                len = 1;
            }
            space = true;
        } else {
            space = false;
            // U+00DF..=U+00FF (ß, à…ÿ, ÷) are their own lowercase: skip the table lookup.
            let lower = ('\u{DF}'..='\u{FF}').contains(&c);
            for l in std::iter::once(c)
                .filter(|_| lower)
                .chain(c.to_lowercase().filter(|_| !lower))
            {
                len += l.encode_utf8(&mut low[len..]).len();
            }
        }
        // Room for these bytes and one per byte still to read (rarely short: only when
        // a lowercase is longer than its capital, as for `İ`).
        let need = j + len + (bytes.len() - i);
        if buf.len() < need {
            buf.resize(need, 0);
        }
        buf[j..j + len].copy_from_slice(&low[..len]);
        j += len;
    }
    // No trailing space.
    buf.truncate(j - usize::from(space));
}

/// Eight bytes of the content key at once: `x` holds ASCII bytes and, at the lanes set
/// in `cont` (bit 7), the continuation bytes of two-byte Latin-1 letters (lead 0xC3,
/// itself in `x` just before). The key word and whether it ends in a space, or `None`
/// when it would hold two spaces in a row (`space`: the key so far ends in one), which
/// the byte-by-byte path collapses.
///
/// Lowercase of a Latin-1 letter is the same two bytes with 0x20 set in the second one
/// for `À`..`Þ` (except `×`), and none of them is whitespace.
#[inline(always)]
fn key_word(x: u64, cont: u64, space: bool) -> Option<(u64, bool)> {
    use crate::text::swar::{at_least, in_range, lanes_equal, HIGH};
    let ascii = !x & HIGH;
    // High bits cleared for the range tests (see `swar`).
    let y = x & !HIGH;
    let upper = in_range(y, b'A', b'Z') & ascii;
    // Continuation bytes 0x80..=0x9E are the capitals `À`..`Þ`; 0x97 is `×`.
    let cont_upper = cont & !at_least(y, 0x1f) & !lanes_equal(y, 0x17);
    let ws = (lanes_equal(y, b' ') | in_range(y, b'\t', b'\r')) & ascii;
    if ws & (ws << 8) != 0 || (space && ws & 0x80 != 0) {
        return None;
    }
    let lower = x | ((upper | cont_upper) >> 2);
    // Whitespace bytes become b' ': clear them, then set 0x20.
    let ws_bytes = (ws >> 7) * 0xff;
    Some(((lower & !ws_bytes) | ((ws >> 7) * 0x20), ws >> 63 != 0))
}

fn id_key(id: &str) -> u128 {
    digest(id.as_bytes())
}

/// True when a copy dated `date` falls within `window` days of the kept copy dated
/// `first`: the same text republished much later is news again on its new date.
fn within_window(first: Option<i32>, date: Option<i32>, window: u32) -> bool {
    match (first, date) {
        (Some(a), Some(b)) => (a - b).unsigned_abs() <= window,
        _ => true,
    }
}

/// Normalizes one part's records in parallel (order preserved), each with its duplicate
/// keys: the digests of its id and of its content (see [`content_key`]), `(0, 0)` for a
/// reject, and its story signature (see [`stories::signature`]). The keys are computed
/// here so that only [`Dedup::check`] and the story assignment run in input order.
pub fn normalize_part(
    raw: &[RawRef<'_>],
    cfg: &NormalizeConfig,
    tz: chrono_tz::Tz,
) -> Vec<(Normalized, u128, u128, Option<Signature>)> {
    raw.par_iter()
        .map(|r| {
            let n = normalize_ref(*r, cfg, tz);
            let (id, content, sig) = match &n {
                Normalized::Article(a) => (
                    id_key(&a.article_id),
                    content_key(a),
                    stories::signature(&a.title, &a.text),
                ),
                Normalized::Reject(_) => (0, 0, None),
            };
            (n, id, content, sig)
        })
        .collect()
}

/// The content key of an article as 32 hexadecimal digits: equal for two articles when
/// their titles and texts are the same up to case and spacing (the key a distributed
/// run de-duplicates on, see `newstone.spark`).
pub fn content_key_hex(a: &Article) -> String {
    format!("{:032x}", content_key(a))
}

/// What [`Dedup::check`] says of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its id was seen before: a duplicate, and its content does not count.
    SeenId,
    /// A new id, but the same content as a kept copy within the window: a duplicate.
    SameContent,
    /// Kept; its content is the reference for later copies.
    Kept,
}

/// The de-duplication rule, applied to articles in input order, and what it remembers
/// across parts: the ids seen, and the normalized contents kept with the day of their
/// kept copy. An article whose id was seen before is a duplicate; so is one with the same
/// content (title and text up to case and spacing) as a kept article dated within
/// `duplicate_window_days` of it. A copy outside the window is kept and becomes the
/// reference for later copies.
///
/// Every article's id counts, kept or not: a later copy of a known id (e.g. a feed
/// snapshot with an edited title) must not shadow a different article that happens to
/// match the edit. Only a kept article's content counts.
#[derive(Debug, Default)]
pub struct Dedup {
    ids: FastSet<u128>,
    content: FastMap<u128, Option<i32>>,
    window: u32,
}

impl Dedup {
    /// An empty state for a window of `window` days.
    pub fn new(window: u32) -> Self {
        Dedup {
            window,
            ..Dedup::default()
        }
    }

    /// The verdict on the next article in input order, with these keys (see
    /// [`normalize_part`]) and date; remembers it.
    pub fn check(&mut self, id: u128, content: u128, date: Option<i32>) -> Verdict {
        if !self.ids.insert(id) {
            return Verdict::SeenId;
        }
        match self.content.get(&content) {
            Some(&first) if within_window(first, date, self.window) => Verdict::SameContent,
            _ => {
                self.content.insert(content, date);
                Verdict::Kept
            }
        }
    }

    /// True when the next article in input order is kept (see [`Dedup::check`]).
    pub fn keep(&mut self, id: u128, content: u128, date: Option<i32>) -> bool {
        self.check(id, content, date) == Verdict::Kept
    }
}

/// The columns of a part's de-duplication keys (`keys-NNNNN.parquet`): one row per
/// article whose id was new, with its content key, day and whether its content was kept.
/// A later run replays them to know what was seen without reading the articles again.
fn keys_frame(rows: &[(u128, u128, Option<i32>, bool)]) -> Result<DataFrame> {
    let hi = |v: u128| (v >> 64) as u64 as i64;
    let lo = |v: u128| v as u64 as i64;
    Ok(DataFrame::new_infer_height(vec![
        Column::new(
            "id_hi".into(),
            rows.iter().map(|r| hi(r.0)).collect::<Vec<_>>(),
        ),
        Column::new(
            "id_lo".into(),
            rows.iter().map(|r| lo(r.0)).collect::<Vec<_>>(),
        ),
        Column::new(
            "key_hi".into(),
            rows.iter().map(|r| hi(r.1)).collect::<Vec<_>>(),
        ),
        Column::new(
            "key_lo".into(),
            rows.iter().map(|r| lo(r.1)).collect::<Vec<_>>(),
        ),
        crate::tables::date_col("date", rows.iter().map(|r| r.2)),
        Column::new("kept".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
    ])?)
}

/// Adds the keys of a part written by an earlier run to `seen`.
fn replay(path: &std::path::Path, seen: &mut Dedup) -> Result<()> {
    let df = read_parquet(path)?;
    let col = |n: &str| -> Result<Vec<u64>> {
        Ok(df
            .column(n)?
            .i64()?
            .iter()
            .map(|v| v.unwrap_or(0) as u64)
            .collect())
    };
    let (ih, il, kh, kl) = (col("id_hi")?, col("id_lo")?, col("key_hi")?, col("key_lo")?);
    let dates: Vec<Option<i32>> = df.column("date")?.date()?.physical().iter().collect();
    let kept: Vec<bool> = df
        .column("kept")?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    for i in 0..df.height() {
        seen.ids.insert(((ih[i] as u128) << 64) | il[i] as u128);
        if kept[i] {
            seen.content
                .insert(((kh[i] as u128) << 64) | kl[i] as u128, dates[i]);
        }
    }
    Ok(())
}

/// The chunks normalize reads: each chunk's input is its ingest key together with the keys
/// of every chunk before it, since which copy of an article is kept depends on all the
/// records read before.
fn chunk_inputs(ingest: &Manifest) -> Vec<ChunkInput> {
    let mut prefix = crate::artefact::Fingerprint::new();
    ingest
        .chunks
        .iter()
        .map(|c| {
            let input = crate::artefact::Fingerprint::new()
                .add("chunk", c.key.as_bytes())
                .add("before", prefix.hex().as_bytes())
                .hex();
            prefix.add("chunk", c.key.as_bytes());
            ChunkInput {
                input,
                parts: c.parts,
                dates: Vec::new(),
                force: false,
            }
        })
        .collect()
}

/// The story columns of the normalize artefact, after the article columns: `signature`
/// (binary, see [`stories::signature`]; null for too short a text), `story_id`, `novel`.
fn with_stories(mut df: DataFrame, rows: &[(Option<Signature>, Assigned)]) -> Result<DataFrame> {
    if rows.len() != df.height() {
        anyhow::bail!(
            "internal error: {} story rows for {} articles",
            rows.len(),
            df.height()
        );
    }
    let bytes: Vec<Option<[u8; stories::SIGNATURE_BYTES]>> = rows
        .iter()
        .map(|(s, _)| s.as_ref().map(stories::to_bytes))
        .collect();
    let sig = BinaryChunked::from_iter_options(
        "signature".into(),
        bytes.iter().map(|b| b.as_ref().map(|b| &b[..])),
    );
    df.hstack_mut(&[
        sig.into_column(),
        Column::new(
            "story_id".into(),
            rows.iter()
                .map(|(_, a)| a.story_id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "novel".into(),
            rows.iter().map(|(_, a)| a.novel).collect::<Vec<_>>(),
        ),
    ])?;
    Ok(df)
}

/// The normalize columns that [`replay_stories`] reads.
pub const STORY_COLUMNS: [&str; 3] = ["article_id", "date", "signature"];

/// Feeds the articles of a stored normalize part (its [`STORY_COLUMNS`]) to `state`, as
/// the stage did when it wrote them: the state after the stored parts, for assigning the
/// stories of articles appended later, without reading the texts again.
pub fn replay_stories(state: &mut Stories, df: &DataFrame) -> Result<Vec<Assigned>> {
    let ids = df.column("article_id")?.str()?;
    let dates = df.column("date")?.date()?.physical();
    let sigs = df.column("signature")?.binary()?;
    Ok((0..df.height())
        .map(|i| {
            let sig = sigs.get(i).and_then(stories::from_bytes);
            state.assign(ids.get(i).unwrap_or(""), dates.get(i), sig.as_ref())
        })
        .collect())
}

/// A kept part's state: its de-duplication keys replayed and its stories restored.
fn restore_part(dir: &StageDir, i: usize, seen: &mut Dedup, stories: &mut Stories) -> Result<()> {
    replay(&dir.path(&part_name("keys", i)), seen)?;
    restore_stories(stories, &dir.path(&part_name("articles", i)))
}

/// Puts the articles of a kept normalize part back into `state` with the stories they
/// were given ([`Stories::restore`]): the state a run that computed the part would have,
/// without comparing signatures again.
fn restore_stories(state: &mut Stories, part: &std::path::Path) -> Result<()> {
    let df = crate::artefact::read_parquet_columns(part, &["date", "signature", "story_id"])?;
    let dates = df.column("date")?.date()?.physical();
    let sigs = df.column("signature")?.binary()?;
    let stories_col = df.column("story_id")?.str()?;
    for i in 0..df.height() {
        let sig = sigs.get(i).and_then(stories::from_bytes);
        state.restore(dates.get(i), sig.as_ref(), stories_col.get(i).unwrap_or(""));
    }
    Ok(())
}

/// Runs the normalize stage over the ingest parts, keeping the chunks `reuse` holds.
pub fn run(ctx: &Context, manifest: Manifest, reuse: &Reuse) -> Result<Manifest> {
    let t0 = Instant::now();
    let cfg = &ctx.pipeline.normalize;
    let tz = ctx.pipeline.tz()?;
    let input_dir = ctx.stage_dir(Stage::Ingest);
    let ingest = Manifest::read(&input_dir).ok_or_else(|| {
        anyhow::anyhow!(
            "no ingest manifest in {}: run the whole pipeline first",
            input_dir.display()
        )
    })?;
    let parts = list_parts(&input_dir, "raw")?;
    if parts.len() != ingest.parts {
        anyhow::bail!(
            "the ingest stage lists {} parts but {} holds {}: rerun with --force",
            ingest.parts,
            input_dir.display(),
            parts.len()
        );
    }
    let dir = StageDir::create(&ctx.stages_dir, Stage::Normalize.name())?;
    let inputs = chunk_inputs(&ingest);
    let mut prep = chunks::prepare(
        "normalize",
        &dir,
        reuse,
        &inputs,
        &["articles", "keys"],
        &["rejects"],
    )?;
    // The state after the kept chunks: the one the previous run saved when it covers
    // them, else a fresh one into which kept parts are put back before the next part to
    // compute (`replayed`: the parts done so far).
    let base = manifest.base_fingerprint();
    let kept_prefix = prep.computed.iter().take_while(|c| !**c).count();
    let windows = (
        cfg.duplicate_window_days,
        cfg.story_window_days,
        cfg.story_similarity,
    );
    let t_state = Instant::now();
    let loaded = match state::load(reuse, &base, &inputs, kept_prefix, windows) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!("normalize: the saved state cannot be read ({e:#}); rebuilding it from the kept parts");
            None
        }
    };
    let (mut seen, mut story_state, covered) = match loaded {
        Some(l) => (l.dedup, l.stories, l.chunks),
        None => (
            Dedup::new(cfg.duplicate_window_days),
            Stories::new(cfg.story_window_days, cfg.story_similarity),
            0,
        ),
    };
    if covered > 0 {
        tracing::debug!(
            "normalize: state of {covered} chunks loaded in {:.3} s",
            secs(t_state)
        );
    }
    let mut replayed: usize = inputs[..covered].iter().map(|c| c.parts).sum();
    let mut rejects: Vec<Vec<RejectRow>> = vec![Vec::new(); inputs.len()];
    let mut dates: Vec<std::collections::BTreeSet<i32>> = vec![Default::default(); inputs.len()];
    let bar = ctx.bar(Stage::Normalize, prep.todo.len() as u64, "parts");
    // Each part's frame is built and written on a background thread while the next part
    // is cleaned; at most one part is being written at a time (memory stays flat).
    let (parts_ref, todo) = (&parts, &prep.todo);
    let read_part = move |j: usize| match todo.get(j).and_then(|&i| parts_ref.get(i)) {
        Some(p) => read_parquet(p),
        None => anyhow::bail!("internal error: no normalize input part {j}"),
    };
    let (chunk_of, computed) = (&prep.chunk_of, &prep.computed);
    let records = &mut prep.records;
    std::thread::scope(|scope| -> Result<()> {
        // The next part is read while this one is cleaned.
        let mut frames = ReadAhead::new(scope, "normalize", todo.len(), read_part);
        PartWriter::run(scope, "normalize", |writer| {
            for (j, frame) in frames.by_ref().enumerate() {
                let i = todo[j];
                while replayed < i {
                    if !computed[chunk_of[replayed]] {
                        restore_part(&dir, replayed, &mut seen, &mut story_state)?;
                    }
                    replayed += 1;
                }
                replayed = i + 1;
                let c = chunk_of[i];
                let frame = frame?;
                let raw = raw_refs_from_frame(&frame)?;
                records[c].rows_in += raw.len() as u64;
                let results = normalize_part(&raw, cfg, tz);
                drop(raw);
                drop(frame);
                let mut articles = Vec::with_capacity(results.len());
                let mut keys = Vec::with_capacity(results.len());
                let mut story_rows = Vec::with_capacity(results.len());
                for (r, id, key, sig) in results {
                    match r {
                        Normalized::Reject(rej) => rejects[c].push(rej),
                        Normalized::Article(a) => match seen.check(id, key, a.date) {
                            Verdict::SeenId => records[c].duplicates += 1,
                            Verdict::SameContent => {
                                records[c].duplicates += 1;
                                keys.push((id, key, a.date, false));
                            }
                            Verdict::Kept => {
                                keys.push((id, key, a.date, true));
                                dates[c].insert(a.date.unwrap_or(chunks::NULL_DAY));
                                // Stories: in input order, over kept articles only.
                                let st = story_state.assign(&a.article_id, a.date, sig.as_ref());
                                *records[c].counts.entry("stories".to_string()).or_insert(0) +=
                                    u64::from(st.novel);
                                story_rows.push((sig, st));
                                articles.push(*a);
                            }
                        },
                    }
                }
                records[c].rows_out += articles.len() as u64;
                let path = dir.path(&part_name("articles", i));
                let keys_path = dir.path(&part_name("keys", i));
                writer.submit(move || {
                    write_parquet(&keys_path, &mut keys_frame(&keys)?)?;
                    let mut df = with_stories(articles_to_frame(&articles)?, &story_rows)?;
                    drop(articles);
                    write_parquet(&path, &mut df)
                })?;
                bar.inc(1);
            }
            Ok(())
        })
    })?;
    bar.finish_and_clear();
    // The state after every chunk, for the next run: kept as it is when it already
    // covers them all, else completed with the kept parts after the last computed one.
    let state_keys = if covered == inputs.len() && covered > 0 {
        let files =
            [state::DEDUP_FILE, state::STORIES_FILE].map(|f| (f.to_string(), f.to_string()));
        if reuse.link(&dir, &[], (0, 0, 0), &files, &mut prep.known)? {
            state::keys_of(reuse.keys())
        } else {
            Default::default()
        }
    } else {
        let t_replay = Instant::now();
        while replayed < parts.len() {
            if !prep.computed[prep.chunk_of[replayed]] {
                restore_part(&dir, replayed, &mut seen, &mut story_state)?;
            }
            replayed += 1;
        }
        let keys = state::save(&dir, &base, &inputs, &seen, &story_state)?;
        tracing::debug!(
            "normalize: state completed and saved in {:.3} s",
            secs(t_replay)
        );
        keys
    };
    drop((seen, story_state));
    for (c, record) in prep.records.iter_mut().enumerate() {
        if prep.computed[c] {
            record.rejects = rejects[c].len() as u64;
            record.dates = dates[c].iter().copied().collect();
            let mut rej = rejects_to_frame(&rejects[c])?;
            write_parquet(&dir.path(&chunks::chunk_file("rejects", c)), &mut rej)?;
        }
    }
    let (rows_in, rows_out, n_rejects, duplicates) = chunks::totals(&prep.records);
    let m = Manifest {
        rows_in,
        rows_out,
        rejects: n_rejects,
        duplicates,
        parts: parts.len(),
        seconds: secs(t0),
        extra: chunks::sum_counts(&prep.records),
        chunks: prep.records,
        keys: state_keys,
        ..manifest
    };
    dir.commit_chunked(&m, prep.known, &["articles"], |c| {
        vec![chunks::chunk_file("rejects", c)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: Option<&str>, title: &str, text: &str, date: Option<&str>) -> RawRow {
        RawRow {
            source_file: "wire.jsonl".into(),
            record: "line 1".into(),
            id: id.map(str::to_owned),
            title: Some(title.into()),
            text: Some(text.into()),
            date: date.map(str::to_owned),
            url: None,
            source_name: Some("Wire".into()),
            lang: None,
            section: None,
            lang_fixed: false,
        }
    }

    fn article(n: Normalized) -> Article {
        match n {
            Normalized::Article(a) => *a,
            Normalized::Reject(r) => panic!("unexpected reject: {}", r.reason),
        }
    }

    #[test]
    fn cleans_dates_and_detects_french() {
        let r = raw(
            Some("a1"),
            "Renault&nbsp;: l&rsquo;action bondit",
            "<p>Le constructeur automobile a annoncé jeudi des résultats meilleurs que prévu, et l’action a bondi de 8&nbsp;% à la Bourse de Paris.</p>",
            Some("Thu, 10 Mar 2022 23:30:00 +0000"),
        );
        let tz: chrono_tz::Tz = "Europe/Paris".parse().unwrap();
        let a = article(normalize_record(&r, &NormalizeConfig::default(), tz));
        assert_eq!(a.article_id, "a1");
        assert_eq!(a.title, "Renault : l'action bondit");
        assert!(a.text.starts_with("Le constructeur automobile"));
        assert!(a.text.contains("l'action a bondi de 8 %"));
        assert_eq!(a.lang, "fr");
        // 23:30 UTC is already the next day in Paris.
        let d = NaiveDate::from_ymd_opt(2022, 3, 11).unwrap();
        assert_eq!(a.date, Some(epoch_days(d)));
        assert_eq!(a.published_at, Some(1_646_955_000_000_000));
    }

    #[test]
    fn short_titles_get_an_analysed_language_and_an_input_lang_overrides() {
        let mut r = raw(
            Some("h1"),
            "Apple beat estimates but Samsung slumped",
            "",
            Some("2022-03-10"),
        );
        let cfg = NormalizeConfig::default();
        assert_eq!(
            article(normalize_record(&r, &cfg, chrono_tz::UTC)).lang,
            "en"
        );
        // Only French analysed: the short headline is taken as French.
        let fr_only = NormalizeConfig {
            languages: vec!["fr".into()],
            ..NormalizeConfig::default()
        };
        assert_eq!(
            article(normalize_record(&r, &fr_only, chrono_tz::UTC)).lang,
            "fr"
        );
        // The input's `lang` wins over detection, even on a clearly English text.
        r.text = Some("The company reported higher quarterly revenue on Thursday, driven by strong demand for its cloud services and a weaker dollar.".into());
        r.lang = Some("fr".into());
        assert_eq!(
            article(normalize_record(&r, &cfg, chrono_tz::UTC)).lang,
            "en"
        );
        r.lang_fixed = true;
        assert_eq!(
            article(normalize_record(&r, &cfg, chrono_tz::UTC)).lang,
            "fr"
        );
    }

    #[test]
    fn date_policy_rejects_or_keeps() {
        let r = raw(
            None,
            "Apple shares rise",
            "Apple shares rose on Monday after the company reported strong iPhone sales.",
            Some("sometime last week"),
        );
        let mut cfg = NormalizeConfig::default();
        match normalize_record(&r, &cfg, chrono_tz::UTC) {
            Normalized::Reject(rej) => assert!(rej.reason.contains("unparseable date")),
            Normalized::Article(_) => panic!("should be rejected"),
        }
        cfg.date_policy = DatePolicy::Keep;
        let a = article(normalize_record(&r, &cfg, chrono_tz::UTC));
        assert_eq!(a.date, None);
        assert_eq!(a.lang, "en");
        assert!(
            a.article_id.starts_with("h:"),
            "content hash id: {}",
            a.article_id
        );
    }

    #[test]
    fn empty_text_is_rejected() {
        let r = raw(Some("x"), "", "   ", Some("2022-03-07"));
        match normalize_record(&r, &NormalizeConfig::default(), chrono_tz::UTC) {
            Normalized::Reject(rej) => assert!(rej.reason.starts_with("no text")),
            Normalized::Article(_) => panic!("should be rejected"),
        }
    }

    /// The straightforward `chars()` version `content_key` must stay equal to.
    fn content_key_reference(a: &Article) -> u128 {
        let mut buf = String::new();
        for part in [&a.title, &a.text] {
            let mut space = false;
            for c in part.chars() {
                if c.is_whitespace() {
                    space = true;
                    continue;
                }
                if space {
                    buf.push(' ');
                    space = false;
                }
                buf.extend(c.to_lowercase());
            }
            buf.push('\u{0}');
        }
        digest(buf.as_bytes())
    }

    #[test]
    fn content_key_matches_reference() {
        let texts = [
            "",
            "Plain  ASCII\ttext\r\nwith\x0Bcontrols\x0C end ",
            "Été À L'ÉCOLE ß ÿ Ÿ ÷ ×",
            "İstanbul ΣΑΣ Ǆ\u{85}x\u{A0}y\u{2028}z\u{3000}",
            "  leading and trailing  ",
            "日本語 テキスト \u{1F600}",
            // Every char from U+0080 to U+017F, alone and inside ASCII words.
            &(0x80u32..0x180)
                .filter_map(char::from_u32)
                .collect::<String>(),
            &(0x80u32..0x180)
                .filter_map(char::from_u32)
                .map(|c| format!("ab{c}cd {c}{c}xy  É{c}"))
                .collect::<String>(),
        ];
        // Plus pseudo-random mixes of the characters the fast path treats apart.
        let pool = [
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\x1c",
            "\x7f",
            "A",
            "z",
            "É",
            "é",
            "ß",
            "İ",
            "\u{A0}",
            "\u{3000}",
            "Ǆ",
            ".",
            "’",
            "@",
            "[",
            "`",
            "{",
            "Z",
            "\x08",
            "\x0e",
            "\x1f",
            "!",
            "Quote",
            "longer words",
            "À",
            "Þ",
            "×",
            "÷",
            "ÿ",
            "à",
            "Ā",
            "\u{85}",
            "\u{9f}",
            "éléphant",
            "ÉTÉ",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut mixes = Vec::new();
        for _ in 0..2000 {
            let mut t = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(pool[(seed % pool.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9e37_79b9);
            mixes.push(t);
        }
        for t in texts
            .iter()
            .copied()
            .chain(mixes.iter().map(String::as_str))
        {
            for title in ["", "Titre ÉLU", " x "] {
                let a = Article {
                    article_id: "a".into(),
                    source: "s".into(),
                    section: None,
                    url: None,
                    title: title.into(),
                    text: t.into(),
                    published_at: None,
                    date: None,
                    lang: "fr".into(),
                    n_chars: 0,
                };
                assert_eq!(
                    content_key(&a),
                    content_key_reference(&a),
                    "{title:?} {t:?}"
                );
            }
        }
    }

    #[test]
    fn stories_are_stored_and_replayed_from_the_signatures() {
        let cfg = NormalizeConfig::default();
        let texts = [
            ("a1", "Airbus manque son objectif de livraisons", "Airbus a livré 661 avions commerciaux en 2022, sous son objectif de 720 appareils, faute de moteurs livrés à temps par ses fournisseurs.", "2022-03-07"),
            ("a2", "Airbus rate son objectif de livraisons", "Airbus a livré 661 avions commerciaux en 2022, sous son objectif de 720 appareils, faute de moteurs livrés à temps.", "2022-03-08"),
            ("w1", "Le prix du blé recule", "Les cours du blé ont reculé sur le marché européen, les récoltes abondantes en Australie pesant sur les prix.", "2022-03-08"),
            ("s1", "Bref", "Le point à midi.", "2022-03-08"),
        ];
        let mut state = Stories::new(cfg.story_window_days, cfg.story_similarity);
        let mut articles = Vec::new();
        let mut rows = Vec::new();
        for (id, title, text, date) in texts {
            let a = article(normalize_record(
                &raw(Some(id), title, text, Some(date)),
                &cfg,
                chrono_tz::UTC,
            ));
            let sig = stories::signature(&a.title, &a.text);
            rows.push((sig, state.assign(&a.article_id, a.date, sig.as_ref())));
            articles.push(a);
        }
        let df = with_stories(articles_to_frame(&articles).unwrap(), &rows).unwrap();
        let story: Vec<&str> = df
            .column("story_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(story, ["a1", "a1", "w1", "s1"]);
        let novel: Vec<bool> = df
            .column("novel")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(novel, [true, false, true, true]);
        // Too short a text: a null signature.
        assert_eq!(
            df.column("signature").unwrap().binary().unwrap().get(3),
            None
        );
        // The stored columns alone give the same stories, and the state to go on with.
        let mut again = Stories::new(cfg.story_window_days, cfg.story_similarity);
        let replayed = replay_stories(&mut again, &df.select(STORY_COLUMNS).unwrap()).unwrap();
        assert_eq!(
            replayed,
            rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>()
        );
        let next = article(normalize_record(
            &raw(Some("a3"), texts[1].1, texts[1].2, Some("2022-03-09")),
            &cfg,
            chrono_tz::UTC,
        ));
        let sig = stories::signature(&next.title, &next.text);
        assert_eq!(again.assign("a3", next.date, sig.as_ref()).story_id, "a1");
    }

    #[test]
    fn republication_weeks_later_is_news_again() {
        assert!(within_window(Some(100), Some(103), 7));
        assert!(!within_window(Some(100), Some(130), 7));
        assert!(within_window(None, Some(130), 7));
    }

    #[test]
    fn epoch_days_matches_arrow() {
        assert_eq!(epoch_days(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()), 0);
        assert_eq!(
            epoch_days(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap()),
            18993
        );
    }

    #[test]
    fn same_content_same_key_whatever_the_spacing() {
        let tz = chrono_tz::UTC;
        let cfg = NormalizeConfig::default();
        let a = article(normalize_record(
            &raw(
                Some("1"),
                "Airbus wins order",
                "Airbus won a large order  from an airline.",
                Some("2022-03-07"),
            ),
            &cfg,
            tz,
        ));
        let b = article(normalize_record(
            &raw(
                Some("2"),
                "Airbus wins order",
                "Airbus won a large order from an airline.",
                Some("2022-03-08"),
            ),
            &cfg,
            tz,
        ));
        assert_eq!(content_key(&a), content_key(&b));
    }
}
