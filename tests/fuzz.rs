//! Fuzzing with a bounded budget (a few seconds in all, on stable, in `cargo test`): every
//! input reader (JSON lines and arrays, CSV, RSS/Atom, HTML, front matter, dates) and the
//! line handling of the `entities` and `sentiment` commands get generated and mutated
//! inputs. Nothing may panic, and nothing may be lost: every record read becomes an
//! article or a reject, every non-blank filter line an output line or an error line.
//!
//! Inputs are built from realistic fragments (French and English news phrases, dates in
//! the shapes sources use) mixed with arbitrary Unicode, then optionally mutated (bytes
//! flipped, cut short). The inputs of earlier bug reports follow as regression tests.

use std::io::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{json, Value};

use newstone::config::NormalizeConfig;
use newstone::entities::EntityFinder;
use newstone::sentiment::SentimentModel;
use newstone::sources::{read_file, FieldMap, Format, Item};
use newstone::stages::normalize::{normalize_record, Normalized};

/// Cases per property: about 2 s for the whole file on 2 cores.
fn budget(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

const FRAGMENTS: &[&str] = &[
    "Renault a annoncé une hausse de 12 % de ses ventes",
    "LVMH recule à la Bourse de Paris",
    "Apple’s shares fell after the results",
    "TotalEnergies « progresse » — selon l’AFP",
    "Airbus livre 60 avions en mars",
    "BNP Paribas & Société Générale",
    "<p>Le <b>CAC 40</b> termine en baisse</p>",
    "&eacute;t&eacute; &amp; hiver &#233;",
    "Zoé à Noël: 3 € 😀",
    "L\u{2019}opérateur Orange",
    "\t\r\n",
    "\"quoted\", with; separators|and\ttabs",
    "]]>",
    "<![CDATA[x]]>",
    "\\u00e9 \\\" \\\\",
    "---",
    "key: value: more",
    "\u{feff}",
    "\u{0}",
    "Deutsche BÃ¶rse",
];

const DATES: &[&str] = &[
    "2022-01-12T14:30:00Z",
    "2022-01-12",
    "Wed, 12 Jan 2022 14:30:00 +0100",
    "12/01/2022",
    "mercredi 12 janvier 2022 à 14h30",
    "January 12th, 2022",
    "1641997800",
    "20220112",
    "32/13/2022",
    "hier",
    "",
    "2022-02-30",
    "12 janvier 2022 14h30 CET",
];

/// A piece of text: a news fragment, arbitrary Unicode, or both.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
            1 => any::<String>().prop_map(|s| s.chars().take(40).collect()),
            1 => "[ a-zA-Zéèàç’,.;:!?\"'«»()\\-]{0,60}",
        ],
        0..4,
    )
    .prop_map(|v| v.join(" "))
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(DATES).prop_map(str::to_string),
        1 => any::<String>().prop_map(|s| s.chars().take(30).collect()),
    ]
}

/// Flips some bytes and maybe cuts the input short.
fn mutate(bytes: &[u8], flips: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut b = bytes.to_vec();
    if !b.is_empty() {
        for &(at, x) in flips {
            let i = at % b.len();
            b[i] ^= x;
        }
    }
    if let Some(c) = cut {
        b.truncate(c % (b.len() + 1));
    }
    b
}

fn mutation() -> impl Strategy<Value = (Vec<(usize, u8)>, Option<usize>)> {
    (
        prop::collection::vec((any::<usize>(), 1u8..), 0..4),
        prop::option::of(any::<usize>()),
    )
}

/// Reads `bytes` as a file named `name` in `format`: the items, or `None` when the file
/// as a whole cannot be read (an error, not a panic).
fn read_bytes(name: &str, format: Format, bytes: &[u8]) -> Option<Vec<Item>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut items = Vec::new();
    read_file(&path, format, &FieldMap::default(), &mut |i| items.push(i))
        .ok()
        .map(|()| items)
}

/// Every record through normalize: articles + rejects must be the records.
fn normalize_all(items: &[Item]) -> (usize, usize) {
    let cfg = NormalizeConfig::default();
    let (mut articles, mut rejects) = (0, 0);
    for item in items {
        match item {
            Item::Record(r) => match normalize_record(r, &cfg, chrono_tz::Europe::Paris) {
                Normalized::Article(_) => articles += 1,
                Normalized::Reject(_) => rejects += 1,
            },
            Item::Reject(_) => rejects += 1,
        }
    }
    assert_eq!(articles + rejects, items.len());
    (articles, rejects)
}

/// The record labels (`line 3`, `item 2`…) come in increasing order.
fn labels_increase(items: &[Item], prefix: &str) {
    let nums: Vec<u64> = items
        .iter()
        .map(|i| match i {
            Item::Record(r) => r.record.clone(),
            Item::Reject(r) => r.record.clone(),
        })
        .filter_map(|l| l.strip_prefix(prefix).and_then(|n| n.parse().ok()))
        .collect();
    assert!(nums.windows(2).all(|w| w[0] < w[1]), "{nums:?}");
}

/// One JSON line of the kinds real exports contain, good and bad.
fn json_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (text(), text(), date(), any::<u16>()).prop_map(|(title, body, date, id)| {
            json!({"id": id, "title": title, "text": body, "date": date})
                .to_string()
                .into_bytes()
        }),
        1 => (text(), any::<usize>()).prop_map(|(body, cut)| {
            let line = json!({"text": body}).to_string();
            let cut = cut % line.len();
            line.as_bytes()[..cut].to_vec()
        }),
        1 => prop::sample::select(vec!["[1, 2]", "42", "\"text\"", "null", "{}", "{\"id\": 7}", "   "])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..40),
    ]
}

/// What a JSON lines reader must emit per line: one item per line that is not blank
/// (bad UTF-8 is one reject).
fn expected_json_items(data: &[u8]) -> usize {
    data.split(|&b| b == b'\n')
        .enumerate()
        .filter(|(i, line)| {
            let line = if *i == 0 {
                line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
            } else {
                line
            };
            std::str::from_utf8(line).map_or(true, |s| !s.trim().is_empty())
        })
        .count()
}

/// One array item: an article, or a value that is not one, or broken JSON whose brackets
/// and quotes still balance (so the count of items is known).
fn array_item() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (text(), text(), date()).prop_map(|(title, body, date)| {
            json!({"headline": title, "body": body, "published": date, "meta": {"tags": [1, "a,]"]}})
                .to_string()
        }),
        1 => prop::sample::select(vec!["1", "\"x\"", "[1, [2]]", "{\"id\": }", "{\"a\" 1}", "tru", "{}"])
            .prop_map(str::to_string),
    ]
}

fn csv_row() -> impl Strategy<Value = Vec<String>> {
    (any::<u16>(), text(), text(), date())
        .prop_map(|(id, title, body, date)| vec![id.to_string(), title, body, date])
}

/// An RSS or Atom feed with `n` items whose fields are escaped (or in CDATA).
fn feed(atom: bool, items: &[(String, String, String, bool)]) -> String {
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let body = |s: &str, cdata: bool| {
        if cdata && !s.contains("]]>") {
            format!("<![CDATA[{s}]]>")
        } else {
            esc(s)
        }
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    if atom {
        out.push_str(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\"><title>Flux</title>\n",
        );
        for (t, b, d, cdata) in items {
            out.push_str(&format!(
                "<entry><id>urn:{}</id><title>{}</title><updated>{}</updated><content type=\"html\">{}</content></entry>\n",
                esc(t).len(),
                esc(t),
                esc(d),
                body(b, *cdata)
            ));
        }
        out.push_str("</feed>\n");
    } else {
        out.push_str("<rss version=\"2.0\"><channel><title>Flux</title><language>fr</language>\n");
        for (t, b, d, cdata) in items {
            out.push_str(&format!(
                "<item><title>{}</title><pubDate>{}</pubDate><description>{}</description></item>\n",
                esc(t),
                esc(d),
                body(b, *cdata)
            ));
        }
        out.push_str("</channel></rss>\n");
    }
    out
}

fn html_doc() -> impl Strategy<Value = String> {
    (text(), text(), date(), text(), any::<bool>()).prop_map(|(title, body, date, extra, close)| {
        let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
        let mut doc = format!(
            "<!doctype html><html lang=\"fr\"><head><title>{}</title>\
             <meta property=\"article:published_time\" content=\"{}\">\
             <meta name=\"description\" content=\"{}\"><script>var a = \"</p>\";</script>\
             <style>p {{ color: red }}</style></head><body><!-- {} --><article><h1>{}</h1><p>{}</p>",
            esc(&title),
            esc(&date),
            esc(&extra),
            extra,
            title,
            body
        );
        if close {
            doc.push_str("</article></body></html>");
        }
        doc
    })
}

fn front_matter_note() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "title", "date", "id", "source", "lang", "url", "tags", "",
                ]),
                text(),
            ),
            0..5,
        ),
        text(),
        date(),
        any::<bool>(),
    )
        .prop_map(|(fields, body, date, close)| {
            let mut s = String::from("---\n");
            for (k, v) in fields {
                s.push_str(&format!("{k}: {}\n", v.replace('\n', " ")));
            }
            s.push_str(&format!("date: \"{date}\"\n"));
            if close {
                s.push_str("---\n");
            }
            s.push_str("# Titre\n\n");
            s.push_str(&body);
            s
        })
}

proptest! {
    #![proptest_config(budget(256))]

    #[test]
    fn jsonl_every_line_is_a_record_or_a_reject(
        lines in prop::collection::vec(json_line(), 0..12),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut data = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        data.extend(lines.join(if crlf { &b"\r\n"[..] } else { &b"\n"[..] }));
        let items = read_bytes("in.jsonl", Format::Jsonl, &data).expect("a JSON lines file always reads");
        prop_assert_eq!(items.len(), expected_json_items(&data));
        labels_increase(&items, "line ");
        normalize_all(&items);
    }

    #[test]
    fn jsonl_mutated_never_panics_or_loses_lines(
        lines in prop::collection::vec(json_line(), 1..8),
        (flips, cut) in mutation(),
        gz in any::<bool>(),
    ) {
        let data = mutate(&lines.join(&b"\n"[..]), &flips, cut);
        if gz {
            // Gzipped, then mutated: corrupt streams end with a reject or a file error.
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&lines.join(&b"\n"[..])).unwrap();
            let zipped = mutate(&enc.finish().unwrap(), &flips, cut);
            if let Some(items) = read_bytes("in.jsonl.gz", Format::Jsonl, &zipped) {
                normalize_all(&items);
            }
        } else {
            let items = read_bytes("in.jsonl", Format::Jsonl, &data).expect("reads");
            prop_assert_eq!(items.len(), expected_json_items(&data));
            normalize_all(&items);
        }
    }

    #[test]
    fn json_array_every_item_is_a_record_or_a_reject(
        items in prop::collection::vec(array_item(), 0..10),
        trailing_comma in any::<bool>(),
    ) {
        let mut data = format!("[\n{}", items.join(",\n"));
        if trailing_comma && !items.is_empty() {
            data.push(',');
        }
        data.push_str("\n]\n");
        let got = read_bytes("in.json", Format::Jsonl, data.as_bytes()).expect("reads");
        prop_assert_eq!(got.len(), items.len());
        labels_increase(&got, "item ");
        normalize_all(&got);
    }

    #[test]
    fn json_array_mutated_never_panics(
        items in prop::collection::vec(array_item(), 1..8),
        (flips, cut) in mutation(),
    ) {
        let data = mutate(format!("[{}]", items.join(",")).as_bytes(), &flips, cut);
        if let Some(got) = read_bytes("in.json", Format::Jsonl, &data) {
            labels_increase(&got, "item ");
            normalize_all(&got);
        }
    }

    #[test]
    fn csv_every_row_is_a_record_or_a_reject(
        rows in prop::collection::vec(csv_row(), 0..10),
        semicolon in any::<bool>(),
        extra_field_rows in prop::collection::vec(any::<bool>(), 10),
    ) {
        let delimiter = if semicolon { b';' } else { b',' };
        let mut w = csv::WriterBuilder::new().delimiter(delimiter).flexible(true).from_writer(Vec::new());
        w.write_record(["id", "title", "text", "date"]).unwrap();
        for (row, extra) in rows.iter().zip(&extra_field_rows) {
            let mut row = row.clone();
            if *extra {
                row.push("en trop".into());
            }
            w.write_record(&row).unwrap();
        }
        let data = w.into_inner().unwrap();
        let items = read_bytes("in.csv", Format::Csv, &data).expect("reads");
        prop_assert_eq!(items.len(), rows.len());
        labels_increase(&items, "row ");
        normalize_all(&items);
    }

    #[test]
    fn csv_mutated_never_panics(rows in prop::collection::vec(csv_row(), 1..6), (flips, cut) in mutation()) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["id", "title", "text", "date"]).unwrap();
        for row in &rows {
            w.write_record(row).unwrap();
        }
        let data = mutate(&w.into_inner().unwrap(), &flips, cut);
        if let Some(items) = read_bytes("in.csv", Format::Csv, &data) {
            normalize_all(&items);
        }
    }

    #[test]
    fn feeds_every_item_is_a_record_or_a_reject(
        items in prop::collection::vec((text(), text(), date(), any::<bool>()), 0..8),
        atom in any::<bool>(),
    ) {
        let xml = feed(atom, &items);
        let (name, format) = if atom { ("f.atom", Format::Atom) } else { ("f.rss", Format::Rss) };
        let got = read_bytes(name, format, xml.as_bytes()).expect("a well-formed feed reads");
        prop_assert_eq!(got.len(), items.len());
        normalize_all(&got);
    }

    #[test]
    fn feeds_mutated_never_panic(
        items in prop::collection::vec((text(), text(), date(), any::<bool>()), 1..5),
        atom in any::<bool>(),
        (flips, cut) in mutation(),
    ) {
        let xml = mutate(feed(atom, &items).as_bytes(), &flips, cut);
        if let Some(got) = read_bytes("f.xml", if atom { Format::Atom } else { Format::Rss }, &xml) {
            normalize_all(&got);
        }
    }

    #[test]
    fn html_and_notes_are_one_item_each(
        html in html_doc(),
        note in front_matter_note(),
        (flips, cut) in mutation(),
    ) {
        for (name, format, doc) in [
            ("a.html", Format::Html, html.as_bytes()),
            ("n.md", Format::Markdown, note.as_bytes()),
            ("n.txt", Format::Text, note.as_bytes()),
        ] {
            for bytes in [doc.to_vec(), mutate(doc, &flips, cut)] {
                let items = read_bytes(name, format, &bytes).expect("a single-article file reads");
                prop_assert_eq!(items.len(), 1);
                normalize_all(&items);
            }
        }
    }

    #[test]
    fn dates_never_panic_and_stay_in_range(s in prop_oneof![date(), any::<String>(), "[0-9 /:.T+Zh-]{0,24}"]) {
        for tz in [chrono_tz::UTC, chrono_tz::Europe::Paris, chrono_tz::America::New_York] {
            if let Some(d) = newstone::text::dates::parse_date(&s, tz) {
                let year = chrono::Datelike::year(&newstone::text::dates::local_day(d.utc, tz));
                prop_assert!((1899..=2101).contains(&year), "{s:?} gave {d:?}");
            }
        }
    }

    #[test]
    fn dates_written_in_every_shape_read_back(
        y in 1950i32..2090, m in 1u32..=12, d in 1u32..=28, h in 0u32..24, min in 0u32..60,
    ) {
        const MONTHS_FR: [&str; 12] = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
        const MONTHS_EN: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
        let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mi = (m - 1) as usize;
        for s in [
            format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:00Z"),
            format!("{y}-{m:02}-{d:02}"),
            format!("{d:02}/{m:02}/{y}"),
            format!("{d} {} {y}", MONTHS_FR[mi]),
            format!("{d} {} {y} à {h}h{min:02}", MONTHS_FR[mi]),
            format!("{} {d}, {y}", MONTHS_EN[mi]),
            day.and_hms_opt(h, min, 0).unwrap().and_utc().to_rfc2822(),
        ] {
            let parsed = newstone::text::dates::parse_date(&s, chrono_tz::UTC);
            let got = parsed.map(|p| newstone::text::dates::local_day(p.utc, chrono_tz::UTC));
            prop_assert_eq!(got, Some(day), "{}", s);
        }
    }
}

/// The shipped entity finder and sentiment model, loaded once for the filter properties.
fn models() -> &'static (EntityFinder, SentimentModel) {
    static MODELS: OnceLock<(EntityFinder, SentimentModel)> = OnceLock::new();
    MODELS.get_or_init(|| {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let finder =
            newstone::stages::entities::load_finder(&data.join("gazetteer"), "--gazetteer")
                .expect("gazetteer");
        let model = newstone::stages::sentiment::load_model(&data.join("lexicons"), "--lexicons")
            .expect("lexicons");
        (finder, model)
    })
}

/// A filter input line: an object with text, maybe a language and targets of every kind
/// (by text, by offsets in or out of range or inside a character, not a list), or a bad
/// line.
fn filter_line() -> impl Strategy<Value = Vec<u8>> {
    let target = prop_oneof![
        text().prop_map(|t| json!({"text": t})),
        prop::sample::select(vec!["Renault", "LVMH", "Apple", "Zoé"])
            .prop_map(|t| json!({"text": t})),
        (any::<i32>(), any::<i32>()).prop_map(|(s, e)| json!({"start": s % 80, "end": e % 80})),
        Just(json!({"start": "3"})),
        Just(json!(5)),
    ];
    prop_oneof![
        5 => (
            text(),
            prop::option::of(prop::sample::select(vec!["fr", "en", "de", "", "xx"])),
            prop::option::of(prop_oneof![
                prop::collection::vec(target, 0..4).prop_map(Value::Array),
                Just(json!("Renault")),
            ]),
        )
            .prop_map(|(t, lang, targets)| {
                let mut o = json!({"id": "x", "text": t});
                if let Some(l) = lang {
                    o["lang"] = json!(l);
                }
                if let Some(tg) = targets {
                    o["targets"] = tg;
                }
                o.to_string().into_bytes()
            }),
        1 => json_line(),
        1 => Just(b"{\"id\": 1, \"text\": 42}".to_vec()),
    ]
}

/// What the `entities` and `sentiment` commands do to one input line.
type LineFilter = dyn Fn(&serde_json::Map<String, Value>) -> Result<Value, String> + Sync;

/// Runs a filter over `lines` and checks its balance: one output line per non-blank input
/// line, in order, each an object; `check` looks at each good output with its input.
fn run_filter(lines: &[Vec<u8>], f: &LineFilter, check: &dyn Fn(&Value, &str)) {
    let input = lines.join(&b"\n"[..]);
    let mut out = Vec::new();
    let (ok, bad) = newstone::cli::io::map_reader(&mut &input[..], &mut out, 1 << 16, &f)
        .expect("in-memory filter");
    // One output per non-blank line, in input order.
    let non_blank: Vec<&[u8]> = input
        .split(|&b| b == b'\n')
        .filter(|l| std::str::from_utf8(l).map_or(true, |s| !s.trim().is_empty()))
        .collect();
    assert_eq!(ok + bad, non_blank.len());
    let outputs: Vec<Value> = String::from_utf8(out)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    assert_eq!(outputs.len(), non_blank.len());
    assert_eq!(
        outputs.iter().filter(|o| o.get("error").is_some()).count(),
        bad
    );
    for (line, o) in non_blank.iter().zip(&outputs) {
        assert!(o.is_object(), "{o}");
        if o.get("error").is_some() {
            continue;
        }
        // A good output comes from an object line with a text.
        let v: Value = serde_json::from_slice(line).expect("a good output's line is JSON");
        check(o, v["text"].as_str().expect("with a text"));
    }
}

proptest! {
    #![proptest_config(budget(96))]

    #[test]
    fn entities_filter_keeps_every_line_and_offsets_in_the_text(lines in prop::collection::vec(filter_line(), 0..6)) {
        let (finder, _) = models();
        let f = |o: &serde_json::Map<String, Value>| newstone::cli::entities::entities_line(o, finder);
        run_filter(&lines, &f, &|out, text| {
            let chars: Vec<char> = text.chars().collect();
            for e in out["entities"].as_array().expect("entities") {
                let (s, en) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
                assert!(s < en && en <= chars.len(), "{e} in {text:?}");
                let surface: String = chars[s..en].iter().collect();
                assert_eq!(e["surface"].as_str().unwrap(), surface);
            }
        });
    }

    #[test]
    fn sentiment_filter_keeps_every_line_and_scores_in_range(lines in prop::collection::vec(filter_line(), 0..6)) {
        let (finder, model) = models();
        let f = |o: &serde_json::Map<String, Value>| newstone::cli::sentiment::score_line(o, model, finder);
        run_filter(&lines, &f, &|out, text| {
            let n = text.chars().count() as u64;
            assert!(out["score"].as_f64().unwrap().abs() <= 1.0, "{out}");
            for t in out["targets"].as_array().expect("targets") {
                assert!(t["score"].as_f64().unwrap().abs() <= 1.0, "{t}");
                if let (Some(s), Some(e)) = (t["start"].as_u64(), t["end"].as_u64()) {
                    assert!(s <= e && e <= n, "{t} in {text:?}");
                }
            }
        });
    }
}

proptest! {
    // Whole runs (ingest to export): few cases, each a fraction of a second.
    #![proptest_config(budget(3))]

    /// Through the whole pipeline, with copies among the lines and a small part size:
    /// records in = articles + rejects + duplicates, and the exported tables hold exactly
    /// those articles and rejects.
    #[test]
    fn a_run_accounts_for_every_record(
        lines in prop::collection::vec(json_line(), 1..30),
        copies in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        batch_size in 1usize..8,
    ) {
        let mut lines = lines;
        for c in copies {
            let l = c.get(&lines).clone();
            lines.push(l);
        }
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, lines.join(&b"\n"[..])).unwrap();
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let toml = format!(
            "out = {out:?}\ntimezone = \"Europe/Paris\"\n[[inputs]]\npath = {input:?}\n[ingest]\nbatch_size = {batch_size}\n\
             [normalize]\ndate_policy = \"keep\"\n[entities]\ngazetteer = {g:?}\n[sentiment]\nlexicons = {l:?}\n",
            out = dir.path().join("out"),
            input = input,
            g = data.join("gazetteer"),
            l = data.join("lexicons"),
        );
        let p: newstone::config::Pipeline = toml::from_str(&toml).unwrap();
        let reference = newstone::stages::reference_data(&p);
        let ctx = newstone::stages::Context::new(&p, &reference, false);
        newstone::pipeline::run(&ctx, newstone::pipeline::Selection::All).expect("the run succeeds");
        let manifest = |s: &str| newstone::artefact::Manifest::read(&ctx.stages_dir.join(s)).unwrap();
        let (i, n, e) = (manifest("ingest"), manifest("normalize"), manifest("export"));
        let records = expected_json_items(&lines.join(&b"\n"[..])) as u64;
        prop_assert_eq!(i.rows_in, records);
        let rejects = i.rejects + n.rejects;
        prop_assert_eq!(i.rows_in, n.rows_out + rejects + n.duplicates);
        prop_assert_eq!(e.extra["articles"], n.rows_out);
        prop_assert_eq!(e.extra["rejects"], rejects);
        let table = |t: &str| newstone::artefact::read_parquet(&p.out.join(format!("{t}.parquet"))).unwrap().height() as u64;
        prop_assert_eq!(table("articles"), n.rows_out);
        prop_assert_eq!(table("rejects"), rejects);
    }
}

// Regression tests: the inputs of the campaign that found the hardening defects, where
// no other test has them.

/// Entities declared in a feed's DOCTYPE are not expanded (a "billion laughs" feed reads
/// in an instant and in little memory): the reference stays as written.
#[test]
fn feed_doctype_entities_are_not_expanded() {
    let mut doctype = String::from("<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        doctype.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    doctype.push_str("]>\n");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n{doctype}<rss version=\"2.0\"><channel><title>Flux</title>\
         <item><title>Renault &lol9; recule</title><pubDate>Wed, 12 Jan 2022 14:30:00 +0100</pubDate>\
         <description>Le constructeur &lol9; publie ses ventes annuelles en baisse.</description></item>\
         </channel></rss>"
    );
    let items = read_bytes("laughs.rss", Format::Rss, xml.as_bytes()).expect("reads");
    let [Item::Record(r)] = items.as_slice() else {
        panic!("{items:?}")
    };
    let title = r.title.as_deref().unwrap_or("");
    assert!(title.len() < 100 && !title.contains("lollol"), "{title}");
    assert!(r.text.as_deref().unwrap_or("").len() < 200);
}

/// 64 MB of gzipped `a` with no newline (a few hundred KB on disk): a `.jsonl.gz` gives
/// one reject for the over-long line, an `.html.gz` one reject for the over-large file;
/// neither holds the whole in memory.
#[test]
fn gzip_bombs_are_refused_per_record() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format, reason) in [
        ("bomb.jsonl.gz", Format::Jsonl, "line longer than"),
        (
            "bomb.html.gz",
            Format::Html,
            "file too large for a single article (over",
        ),
    ] {
        let path = dir.path().join(name);
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&path).unwrap(),
            flate2::Compression::fast(),
        );
        let block = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&block).unwrap();
        }
        enc.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
        let mut items = Vec::new();
        read_file(&path, format, &FieldMap::default(), &mut |i| items.push(i)).unwrap();
        let [Item::Reject(r)] = items.as_slice() else {
            panic!("{name}: {items:?}")
        };
        assert!(r.reason.starts_with(reason), "{name}: {}", r.reason);
    }
}

/// A 1 MB filter line naming companies thousands of times (its offsets were converted in
/// quadratic time): every mention comes back with offsets that point at its surface.
#[test]
fn a_long_entities_line_with_many_mentions() {
    let (finder, _) = models();
    let text = "Renault et LVMH progressent, selon l’éditorialiste de Zoé. ".repeat(17_000);
    let line = json!({"id": "long", "text": text}).to_string();
    let mut out = Vec::new();
    let f = |o: &serde_json::Map<String, Value>| newstone::cli::entities::entities_line(o, finder);
    let (ok, bad) =
        newstone::cli::io::map_reader(&mut line.as_bytes(), &mut out, 1 << 21, &f).unwrap();
    assert_eq!((ok, bad), (1, 0));
    let v: Value = serde_json::from_slice(&out).unwrap();
    let found = v["entities"].as_array().unwrap();
    assert!(found.len() >= 2 * 17_000, "{}", found.len());
    let chars: Vec<char> = text.chars().collect();
    for e in found.iter().step_by(997) {
        let (s, en) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        let surface: String = chars[s..en].iter().collect();
        assert_eq!(e["surface"].as_str().unwrap(), surface);
    }
}
