//! Trains the learned company recogniser (`src/entities/recognizer.rs`) with the very
//! feature code the binary runs, and picks its threshold on a held-out split of the
//! training data.
//!
//! Usage (from the crate root; registered as the `train_company_ner` example):
//!
//! ```text
//! cargo run --release --example train_company_ner -- \
//!     /work/shared/reference/ner /work/shared/corpora/lemonde-2022 \
//!     /work/shared/eval/lemonde-companies/dev.jsonl data/gazetteer data/models/company_ner.bin \
//!     --fin-news /work/shared/train/twitter-financial-news
//! ```
//!
//! Data (see data/README.md):
//! * NER corpora under `<ner dir>`: europeana-fr (CC0, `I-ORG`), wikigold-en (CC BY 4.0,
//!   ORG), wnut17-en (CC BY 4.0, `corporation` positive, `group` negative), btc-en (CC BY
//!   4.0, ORG). ORG covers more than companies, so ORG spans get half weight and ORG
//!   spans with a public-body head or tail (`Ministry`, `University`, `Party`…) are
//!   negatives. Every other candidate span (persons, places, nothing) is a negative.
//! * Distant supervision on the unlabelled Le Monde RSS (title + description): candidate
//!   spans that the gazetteer finder accepts as an unambiguous company are positives;
//!   gazetteer persons and places, names opening with a given name and names with a
//!   non-company head (`Banque de France`, `ministère`, `Autorité`, `Caisse des`,
//!   `parti`, `syndicat`, `Assemblée`, `Conseil`, `Cour`, `Agence`, `Institut`,
//!   `Université`…) are negatives. Items whose `guid` is in the evaluation file given
//!   as third argument are skipped. The features never include the span's own words,
//!   so the list is masked: the model learns the contexts.
//!
//! Only the weights are written; no text. Deterministic (fixed seed, fixed order).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use newstone::entities::discover::{is_legal_suffix, is_stopword};
use newstone::entities::fold::fold_word;
use newstone::entities::lexicon::GIVEN_NAMES;
use newstone::entities::recognizer::{
    is_public_body, sigmoid, span_features, CompanyRecognizer, HASH_BITS,
};
use newstone::entities::{EntityFinder, EntityKind, Gazetteer, Via};
use newstone::text::lang::Lang;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// One training example: feature buckets, label, weight, held out or not, source.
struct Ex {
    feats: Vec<u32>,
    y: f32,
    w: f32,
    held: bool,
    src: usize,
    /// A light negative from an unlabelled span (not used to pick the threshold).
    unl: bool,
}

const SOURCES: [&str; 6] = [
    "europeana",
    "wikigold",
    "wnut17",
    "btc",
    "lemonde",
    "finnews",
];

fn bucket(text: &str, s: usize, e: usize, lang: Lang) -> Vec<u32> {
    let mask = (1u64 << HASH_BITS) - 1;
    let mut v = Vec::with_capacity(48);
    span_features(text, s, e, lang, &mut |h| v.push((h & mask) as u32));
    v
}

/// First names and surnames of gazetteer persons.
struct People<'a> {
    given: &'a HashSet<String>,
    surnames: &'a HashSet<String>,
}

/// `Prénom Nom`: two or more words opening with a common given name or the first
/// name of a gazetteer person.
fn starts_with_given_name(name: &str, given: &HashSet<String>) -> bool {
    let mut ws = name.split_whitespace();
    match (ws.next(), ws.next()) {
        (Some(f), Some(_)) => {
            let f = fold_word(f);
            GIVEN_NAMES.contains(&f.as_str()) || given.contains(&f)
        }
        _ => false,
    }
}

/// Gold span in a token sentence: (first token, end token, label).
type Gold = (usize, usize, String);

/// CoNLL/BIO sentences: tokens and gold spans (`B-`/`I-` or IO tagging).
fn read_conll(path: &Path, chunk_at_period: bool) -> Res<Vec<(Vec<String>, Vec<Gold>)>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    let mut toks: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let flush = |toks: &mut Vec<String>, tags: &mut Vec<String>, out: &mut Vec<_>| {
        if toks.is_empty() {
            return;
        }
        let mut gold: Vec<Gold> = Vec::new();
        let mut cur: Option<(usize, String)> = None;
        for (i, t) in tags.iter().enumerate() {
            let (bio, ty) = t.split_once('-').unwrap_or(("O", ""));
            let cont = bio == "I" && cur.as_ref().is_some_and(|(_, c)| c == ty);
            if !cont {
                if let Some((s, c)) = cur.take() {
                    gold.push((s, i, c));
                }
                if bio == "B" || bio == "I" {
                    cur = Some((i, ty.to_string()));
                }
            }
        }
        if let Some((s, c)) = cur.take() {
            gold.push((s, tags.len(), c));
        }
        out.push((std::mem::take(toks), gold));
        tags.clear();
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with("-DOCSTART-") {
            flush(&mut toks, &mut tags, &mut out);
            continue;
        }
        let mut parts = line.split(['\t', ' ']).filter(|p| !p.is_empty());
        let (Some(tok), Some(tag)) = (parts.next(), parts.next_back()) else {
            continue;
        };
        if tok.starts_with("http") || tok.starts_with('@') {
            toks.push("@user".into());
        } else {
            toks.push(tok.to_string());
        }
        tags.push(tag.to_string());
        if chunk_at_period && (tok == "." && toks.len() >= 8 || toks.len() >= 60) {
            flush(&mut toks, &mut tags, &mut out);
        }
    }
    flush(&mut toks, &mut tags, &mut out);
    Ok(out)
}

/// Examples from one annotated corpus: candidates matching a positive gold span are
/// positives, candidates overlapping no positive span are negatives.
fn from_conll(
    sents: &[(Vec<String>, Vec<Gold>)],
    lang: Lang,
    src: usize,
    positive: &dyn Fn(&str) -> Option<f32>,
    out: &mut Vec<Ex>,
) {
    let rec = CompanyRecognizer::shipped();
    for (si, (toks, gold)) in sents.iter().enumerate() {
        let mut text = String::new();
        let mut offs = Vec::with_capacity(toks.len());
        for t in toks {
            if !text.is_empty() {
                text.push(' ');
            }
            offs.push((text.len(), text.len() + t.len()));
            text.push_str(t);
        }
        let spans: Vec<(usize, usize, f32)> = gold
            .iter()
            .filter_map(|(a, b, ty)| {
                let w = positive(ty)?;
                // Our span convention: no leading article, no trailing legal form.
                let (mut a, mut b) = (*a, *b);
                while b - a > 1 && is_stopword(&toks[a]) {
                    a += 1;
                }
                while b - a > 1
                    && (is_legal_suffix(&toks[b - 1]) || matches!(toks[b - 1].as_str(), "." | ","))
                {
                    b -= 1;
                }
                Some((offs[a].0, offs[b - 1].1, w))
            })
            .collect();
        let held = si.is_multiple_of(10);
        for (s, e) in rec.candidates(&text, lang) {
            let name = &text[s..e];
            let exact = spans.iter().find(|&&(a, b, _)| a == s && b == e);
            let overlap = spans.iter().any(|&(a, b, _)| a < e && s < b);
            let (y, w) = match exact {
                Some(&(_, _, w)) if is_public_body(name) => (0.0, w),
                Some(&(_, _, w)) => (1.0, w),
                None if overlap => continue,
                None => (0.0, 0.5),
            };
            out.push(Ex {
                feats: bucket(&text, s, e, lang),
                y,
                w,
                held,
                src,
                unl: false,
            });
        }
    }
}

/// `(guid, title, description)` of every RSS item under `dir`, deduplicated by guid.
fn read_lemonde(dir: &Path) -> Res<Vec<(String, String, String)>> {
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in std::fs::read_dir(dir)? {
        let sub = sub?.path();
        if sub.is_dir() {
            for f in std::fs::read_dir(&sub)? {
                let f = f?.path();
                if f.extension().is_some_and(|x| x == "xml") {
                    files.push(f);
                }
            }
        }
    }
    files.sort();
    let item = regex::Regex::new(r"(?s)<item>(.*?)</item>")?;
    let field = |name: &str| {
        regex::Regex::new(&format!(
            r"(?s)<{name}[^>]*>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</{name}>"
        ))
    };
    let (title, desc, guid) = (field("title")?, field("description")?, field("guid")?);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for f in files {
        let xml = std::fs::read_to_string(&f)?;
        for it in item.captures_iter(&xml) {
            let body = &it[1];
            let get = |re: &regex::Regex| {
                re.captures(body)
                    .map(|c| html_escape::decode_html_entities(&c[1]).trim().to_string())
                    .unwrap_or_default()
            };
            let g = get(&guid);
            if g.is_empty() || !seen.insert(g.clone()) {
                continue;
            }
            out.push((g, get(&title), get(&desc)));
        }
    }
    Ok(out)
}

/// Distant supervision on unlabelled news `(id, text)` in `lang` (see the module docs).
#[allow(clippy::too_many_arguments)]
fn from_news(
    items: &[(String, String)],
    lang: Lang,
    src: usize,
    excluded: &HashSet<String>,
    finder: &EntityFinder,
    unlabelled: f32,
    people: &People<'_>,
    out: &mut Vec<Ex>,
) -> usize {
    let rec = CompanyRecognizer::shipped();
    let mut used = 0;
    for (guid, text) in items {
        if excluded.contains(guid) {
            continue;
        }
        used += 1;
        let held = newstone_hash(guid).is_multiple_of(10);
        let ms = finder.find(text, lang);
        for (s, e) in rec.candidates(text, lang) {
            let name = &text[s..e];
            let exact = ms.iter().find(|m| m.start == s && m.end == e);
            let overlap = ms.iter().any(|m| m.start < e && s < m.end);
            let y: f32 = match exact {
                Some(m)
                    if m.kind == EntityKind::Company
                        && m.via == Via::Gazetteer
                        && m.confidence >= 0.9 =>
                {
                    if is_public_body(name) {
                        0.0
                    } else {
                        1.0
                    }
                }
                Some(m) if m.kind != EntityKind::Company => 0.0,
                Some(_) => continue,
                None if is_public_body(name)
                    || starts_with_given_name(name, people.given)
                    || (!name.contains(' ') && people.surnames.contains(&fold_word(name))) =>
                {
                    0.0
                }
                None if overlap => continue,
                // Unlabelled: most capitalised spans in news are not companies
                // (people, places, events, titles), so a light negative.
                None => -1.0,
            };
            out.push(Ex {
                feats: bucket(text, s, e, lang),
                y: y.max(0.0),
                w: if y < 0.0 { unlabelled } else { 1.0 },
                held,
                src,
                unl: y < 0.0,
            });
        }
    }
    used
}

fn newstone_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn predict(w: &[f32], bias: f32, x: &Ex) -> f32 {
    let z: f32 = bias + x.feats.iter().map(|&i| w[i as usize]).sum::<f32>();
    sigmoid(z)
}

/// Logistic regression by SGD with AdaGrad steps and L2, fixed-seed shuffles.
fn train(exs: &[&Ex], epochs: usize, l2: f32) -> (Vec<f32>, f32) {
    let n = 1usize << HASH_BITS;
    let mut w = vec![0f32; n];
    let mut g2 = vec![1e-8f32; n];
    let (mut bias, mut bg2) = (0f32, 1e-8f32);
    let lr = 0.1f32;
    let mut order: Vec<usize> = (0..exs.len()).collect();
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &k in &order {
            let x = exs[k];
            let p = predict(&w, bias, x);
            let g = (p - x.y) * x.w;
            for &i in &x.feats {
                let i = i as usize;
                let gi = g + l2 * w[i];
                g2[i] += gi * gi;
                w[i] -= lr * gi / g2[i].sqrt();
            }
            bg2 += g * g;
            bias -= lr * g / bg2.sqrt();
        }
    }
    (w, bias)
}

/// Precision, recall, F1 at threshold `t`.
fn prf(scored: &[(f32, f32)], t: f32) -> (f32, f32, f32) {
    let (mut tp, mut fp, mut fneg) = (0f32, 0f32, 0f32);
    for &(p, y) in scored {
        match (p >= t, y > 0.5) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fneg += 1.0,
            _ => {}
        }
    }
    let pr = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let rc = if tp + fneg > 0.0 {
        tp / (tp + fneg)
    } else {
        0.0
    };
    let f = if pr + rc > 0.0 {
        2.0 * pr * rc / (pr + rc)
    } else {
        0.0
    };
    (pr, rc, f)
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        eprintln!(
            "usage: train_company_ner <ner dir> <lemonde dir> <eval dev.jsonl to exclude> \
             <gazetteer dir> <out.bin> [--epochs N] [--l2 X] [--min-precision X] [--unlabelled-weight X] [--fin-news DIR]"
        );
        std::process::exit(2);
    }
    let flag = |name: &str, d: f32| -> f32 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let epochs = flag("--epochs", 6.0) as usize;
    let l2 = flag("--l2", 1e-3);
    let min_precision = flag("--min-precision", 0.9);
    let unlabelled = flag("--unlabelled-weight", 0.3);
    let ner = Path::new(&args[0]);
    let mut exs: Vec<Ex> = Vec::new();

    let org = |ty: &str| (ty == "ORG").then_some(0.5f32);
    let sents = read_conll(&ner.join("europeana-fr/enp_FR.bnf.bio"), true)?;
    from_conll(&sents, Lang::Fr, 0, &org, &mut exs);
    let sents = read_conll(&ner.join("wikigold-en/wikigold.conll.txt"), false)?;
    from_conll(&sents, Lang::En, 1, &org, &mut exs);
    let corp = |ty: &str| (ty == "corporation").then_some(1.0f32);
    for f in [
        "wnut17train.conll",
        "emerging.dev.conll",
        "emerging.test.annotated",
    ] {
        let sents = read_conll(&ner.join("wnut17-en").join(f), false)?;
        from_conll(&sents, Lang::En, 2, &corp, &mut exs);
    }
    for f in ["btc.train", "btc.dev", "btc.test"] {
        let sents = read_conll(&ner.join("btc-en").join(f), false)?;
        from_conll(&sents, Lang::En, 3, &org, &mut exs);
    }

    let mut excluded = HashSet::new();
    for line in std::fs::read_to_string(&args[2])?.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            if let Some(g) = v.get("guid").and_then(|g| g.as_str()) {
                excluded.insert(g.to_string());
            }
        }
    }
    let gaz = Gazetteer::load(Path::new(&args[3]))?;
    let given: HashSet<String> = gaz
        .entities()
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .filter_map(|e| e.name.split([' ', '-']).next().map(fold_word))
        .filter(|f| f.chars().count() >= 3)
        .collect();
    // Surnames of gazetteer persons: alone (`Macron a déclaré`), they name the person.
    let surnames: HashSet<String> = gaz
        .entities()
        .iter()
        .filter(|e| e.kind == EntityKind::Person && e.name.contains(' '))
        .filter_map(|e| e.name.rsplit(' ').next().map(fold_word))
        .filter(|f| f.chars().count() >= 3)
        .collect();
    let people = People {
        given: &given,
        surnames: &surnames,
    };
    let mut finder = EntityFinder::new(gaz);
    finder.set_learned_discovery(false);
    let items = read_lemonde(Path::new(&args[1]))?;
    let items: Vec<(String, String)> = items
        .into_iter()
        .map(|(g, t, d)| (g, format!("{t}\n{d}")))
        .collect();
    let used = from_news(
        &items,
        Lang::Fr,
        4,
        &excluded,
        &finder,
        unlabelled,
        &people,
        &mut exs,
    );
    // English finance headlines and tweets (optional): same distant supervision.
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--fin-news")
        .and_then(|i| args.get(i + 1))
    {
        let mut en = Vec::new();
        for f in ["train.csv", "valid.csv"] {
            let mut rdr = csv::Reader::from_path(Path::new(dir).join(f))?;
            for rec in rdr.records() {
                let rec = rec?;
                let t: Vec<&str> = rec
                    .get(0)
                    .unwrap_or("")
                    .split_whitespace()
                    .filter(|w| !w.starts_with("http"))
                    .collect();
                let t = t.join(" ");
                en.push((t.clone(), t));
            }
        }
        en.sort();
        en.dedup();
        let n = from_news(
            &en,
            Lang::En,
            5,
            &excluded,
            &finder,
            unlabelled,
            &people,
            &mut exs,
        );
        eprintln!("finance news (en): {n} items");
    }
    eprintln!(
        "le monde: {} unique items, {} used ({} excluded as evaluation items)",
        items.len(),
        used,
        items.len() - used
    );
    for (i, name) in SOURCES.iter().enumerate() {
        let n = exs.iter().filter(|x| x.src == i).count();
        let pos = exs.iter().filter(|x| x.src == i && x.y > 0.5).count();
        eprintln!("{name}: {n} examples, {pos} positive");
    }

    let train_set: Vec<&Ex> = exs.iter().filter(|x| !x.held).collect();
    let (w, bias) = train(&train_set, epochs, l2);

    // Threshold: highest F1 on the labelled held-out news examples (gazetteer companies
    // vs persons, places, public bodies) with precision >= min_precision.
    let scored = |src: Option<usize>| -> Vec<(f32, f32)> {
        exs.iter()
            .filter(|x| x.held && !x.unl && src.is_none_or(|s| x.src == s))
            .map(|x| (predict(&w, bias, x), x.y))
            .collect()
    };
    // Each language's threshold on its own held-out news: Le Monde (French) and, when
    // given, the English finance headlines; without them English uses the French one.
    let pick = |held: &[(f32, f32)]| -> Option<(f32, (f32, f32, f32))> {
        let mut best: Option<(f32, (f32, f32, f32))> = None;
        for k in 20..=98 {
            let t = k as f32 / 100.0;
            let m = prf(held, t);
            if m.0 >= min_precision && best.is_none_or(|b| m.2 > b.1 .2) {
                best = Some((t, m));
            }
        }
        best
    };
    let (threshold, m) = pick(&scored(Some(4))).unwrap_or((0.5, (0.0, 0.0, 0.0)));
    eprintln!(
        "threshold fr {threshold:.2}: held-out news P {:.3} R {:.3} F1 {:.3}",
        m.0, m.1, m.2
    );
    let fin = scored(Some(5));
    let threshold_en = match pick(&fin) {
        Some((t, m)) if !fin.is_empty() => {
            eprintln!(
                "threshold en {t:.2}: held-out finance news P {:.3} R {:.3} F1 {:.3}",
                m.0, m.1, m.2
            );
            t
        }
        _ => threshold,
    };
    for (i, name) in SOURCES.iter().enumerate() {
        let t = if i == 4 || i == 0 {
            threshold
        } else {
            threshold_en
        };
        let (p, r, f) = prf(&scored(Some(i)), t);
        eprintln!("  held-out {name} (at {t:.2}): P {p:.3} R {r:.3} F1 {f:.3}");
    }
    let model = CompanyRecognizer::from_weights(bias, threshold, w).with_threshold_en(threshold_en);
    std::fs::write(&args[4], model.to_bytes())?;
    eprintln!("wrote {}", args[4]);
    Ok(())
}
