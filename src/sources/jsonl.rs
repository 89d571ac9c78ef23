//! JSON Lines reader (`.jsonl`, `.ndjson`, `.json`); a `.json` file holding one array is
//! streamed by [`super::json_array`].
//!
//! Lines are read as bytes so that one line of bad UTF-8 or broken JSON becomes one reject
//! and the rest of the file is still read.

use std::io::{BufRead, ErrorKind};
use std::path::Path;

use serde_json::{Map, Value};

use super::{
    non_empty, open_input, plain_extension, FieldMap, Item, RawRecord, Reject, SourceError,
    LANG_FIELDS, MAX_WHOLE_FILE_BYTES,
};

/// Longest line kept: one article is never this big, and an endless line (a binary file
/// named `.jsonl`) must not eat the memory.
pub(crate) const MAX_LINE_BYTES: usize = MAX_WHOLE_FILE_BYTES as usize;

/// Reads one JSON Lines file (or a `.json` array) and emits its records in order.
pub fn read(path: &Path, fields: &FieldMap, emit: &mut dyn FnMut(Item)) -> Result<(), SourceError> {
    let shown = path.display().to_string();
    let mut reader = open_input(path)?;
    if plain_extension(path) == "json"
        && starts_with_bracket(&mut reader)
        && super::json_array::read(&mut reader, &shown, fields, emit)
    {
        return Ok(());
    }

    // Block k is parsed (in parallel) while block k + 1 is read: the reading is serial.
    // Two blocks take turns, so their buffers are allocated once: fresh multi-MB buffers
    // for every block made the kernel zero new pages again and again.
    let mut line_no: u64 = 0;
    let mut block = Block::default();
    let mut spare = Block::default();
    let mut filled = block.fill(&mut reader, &mut line_no);
    loop {
        spare.clear();
        std::mem::swap(&mut block, &mut spare);
        let current = &spare;
        let (items, next) = match filled {
            Filled::Full => rayon::join(
                || current.parse(&shown, fields),
                || Some(block.fill(&mut reader, &mut line_no)),
            ),
            Filled::End | Filled::Failed(_) => (current.parse(&shown, fields), None),
        };
        for item in items.into_iter().flatten() {
            emit(item);
        }
        match (filled, next) {
            (Filled::Failed(e), _) => {
                // Mid-file failure (truncated gzip, disk error): keep what was read.
                emit(reject(
                    &shown,
                    line_no + 1,
                    format!("read error, rest of the file skipped ({e})"),
                ));
                return Ok(());
            }
            (_, Some(f)) => filled = f,
            (_, None) => return Ok(()),
        }
    }
}

/// How filling a block ended.
enum Filled {
    /// The block is full; there may be more lines.
    Full,
    /// The end of the input.
    End,
    /// A read error: the lines before it are in the block.
    Failed(std::io::Error),
}

/// Lines parsed together, in parallel: enough work for every thread, and a bounded
/// amount of memory whatever the file size.
const BLOCK_BYTES: usize = 8 << 20;
const BLOCK_LINES: usize = 4096;

/// Lines read but not parsed yet: their bytes back to back, and per line its number and
/// range in `bytes` (`None`: the line was too long).
#[derive(Default)]
struct Block {
    bytes: Vec<u8>,
    lines: Vec<(u64, Option<std::ops::Range<usize>>)>,
}

impl Block {
    /// Empties the block, keeping its buffers.
    fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
    }

    /// Reads lines until the block is full or the input ends.
    fn fill(&mut self, reader: &mut dyn BufRead, line_no: &mut u64) -> Filled {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let (n, overflow) = match read_line_capped(reader, &mut buf, MAX_LINE_BYTES) {
                Ok(r) => r,
                Err(e) => return Filled::Failed(e),
            };
            if n == 0 {
                return Filled::End;
            }
            *line_no += 1;
            if overflow {
                self.lines.push((*line_no, None));
            } else {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(&buf);
                self.lines.push((*line_no, Some(start..self.bytes.len())));
            }
            if self.bytes.len() >= BLOCK_BYTES || self.lines.len() >= BLOCK_LINES {
                return Filled::Full;
            }
        }
    }

    /// Parses the lines in parallel; the results are in line order, so the output does
    /// not depend on the thread count.
    fn parse(&self, shown: &str, fields: &FieldMap) -> Vec<Option<Item>> {
        use rayon::prelude::*;
        let bytes = &self.bytes;
        self.lines
            .par_iter()
            .map(|(line_no, range)| match range {
                None => Some(reject(
                    shown,
                    *line_no,
                    format!("line longer than {MAX_LINE_BYTES} bytes, skipped"),
                )),
                Some(r) => parse_line(
                    bytes.get(r.clone()).unwrap_or_default(),
                    *line_no,
                    shown,
                    fields,
                ),
            })
            .collect()
    }
}

/// One JSON line: a record, a reject, or `None` for a blank line.
fn parse_line(bytes: &[u8], line_no: u64, shown: &str, fields: &FieldMap) -> Option<Item> {
    let mut bytes = bytes;
    if line_no == 1 {
        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    }
    let Ok(line) = simdutf8::basic::from_utf8(bytes) else {
        return Some(reject(shown, line_no, "not valid UTF-8".to_string()));
    };
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<Value>(line) {
        Err(e) => reject(shown, line_no, format!("broken JSON ({e})")),
        Ok(Value::Object(obj)) => object_item(&obj, fields, shown, format!("line {line_no}")),
        Ok(other) => reject(
            shown,
            line_no,
            format!(
                "not a JSON object (found {}), each line must be one article object",
                kind(&other)
            ),
        ),
    })
}

/// Peeks (without consuming) whether the first non-blank byte is `[`.
fn starts_with_bracket(reader: &mut dyn BufRead) -> bool {
    match reader.fill_buf() {
        Ok(buf) => {
            let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
            buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
        }
        Err(_) => false,
    }
}

/// Like `read_until(b'\n')` but stores at most `cap` bytes (the rest of an over-long line is
/// consumed and dropped). Returns bytes consumed and whether the line overflowed.
pub(crate) fn read_line_capped(
    reader: &mut dyn BufRead,
    out: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut overflow = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, overflow));
        }
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = cap.saturating_sub(out.len());
        if chunk.len() > room {
            overflow = true;
        }
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        reader.consume(used);
        consumed += used;
        if done {
            return Ok((consumed, overflow));
        }
    }
}

fn reject(file: &str, line_no: u64, reason: String) -> Item {
    Item::Reject(Reject {
        source_file: file.to_string(),
        record: format!("line {line_no}"),
        reason,
    })
}

/// Plain name of a JSON value's type, for reject messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A record from one JSON object, or a reject naming the fields the object has when
/// none of them is a title or text field (a file with other field names, such as
/// `headline_text`, then says what to put in the pipeline's field map).
pub(crate) fn object_item(
    obj: &Map<String, Value>,
    fields: &FieldMap,
    file: &str,
    label: String,
) -> Item {
    let present = |names: &[String]| {
        names.iter().any(|name| {
            obj.contains_key(name)
                || lookup_path(obj, name).is_some()
                || obj.keys().any(|k| k.eq_ignore_ascii_case(name))
        })
    };
    if present(&fields.title) || present(&fields.text) {
        return Item::Record(record_from_object(obj, fields, file, label));
    }
    const SHOWN: usize = 20;
    let mut seen: Vec<&str> = obj.keys().take(SHOWN).map(String::as_str).collect();
    if obj.len() > SHOWN {
        seen.push("…");
    }
    Item::Reject(Reject {
        source_file: file.to_string(),
        record: label,
        reason: format!(
            "no title or text field: the object has {}; looked for a title in {} and a text in {} (set `fields.title` or `fields.text` on this input in the pipeline file)",
            if seen.is_empty() { "no fields".to_string() } else { seen.join(", ") },
            fields.title.join(", "),
            fields.text.join(", "),
        ),
    })
}

/// Maps one JSON object onto a record through the field map.
pub(crate) fn record_from_object(
    obj: &Map<String, Value>,
    fields: &FieldMap,
    file: &str,
    label: String,
) -> RawRecord {
    let lang_names: Vec<String> = LANG_FIELDS.iter().map(|s| (*s).to_string()).collect();
    RawRecord {
        source_file: file.to_string(),
        record: label,
        id: pick(obj, &fields.id),
        title: pick(obj, &fields.title),
        text: pick(obj, &fields.text),
        date: pick(obj, &fields.date),
        url: pick(obj, &fields.url),
        source_name: pick(obj, &fields.source),
        lang: pick(obj, &lang_names),
        section: pick(obj, &fields.section),
        lang_fixed: false,
    }
}

/// First candidate that is present and non-empty. A name is tried as a literal key first
/// (keys may contain dots), then as a dotted path, then case-insensitively.
pub(crate) fn pick(obj: &Map<String, Value>, names: &[String]) -> Option<String> {
    names.iter().find_map(|name| {
        let v = obj
            .get(name)
            .or_else(|| lookup_path(obj, name))
            .or_else(|| {
                obj.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })?;
        value_to_string(v)
    })
}

fn lookup_path<'a>(obj: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    if !dotted.contains('.') {
        return None;
    }
    let mut parts = dotted.split('.');
    let mut cur = obj.get(parts.next()?)?;
    for part in parts {
        cur = cur.as_object()?.get(part)?;
    }
    Some(cur)
}

/// Strings as they are; numbers and booleans as text (ids, unix timestamps); an array of
/// strings (paragraphs) joined by blank lines; null, objects and empty strings are absent.
fn value_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(value_to_string).collect();
            if parts.is_empty() {
                None
            } else {
                Some(parts.join("\n\n"))
            }
        }
        Value::Null | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(path: &Path, fields: &FieldMap) -> Vec<Item> {
        let mut items = Vec::new();
        read(path, fields, &mut |it| items.push(it)).unwrap();
        items
    }

    fn rec(item: &Item) -> &RawRecord {
        match item {
            Item::Record(r) => r,
            Item::Reject(r) => panic!("expected a record, got reject {r:?}"),
        }
    }

    fn rej(item: &Item) -> &Reject {
        match item {
            Item::Reject(r) => r,
            Item::Record(r) => panic!("expected a reject, got record {r:?}"),
        }
    }

    /// A file of several blocks (the two block buffers take turns): every line once, in
    /// order, with its own line number, broken lines included.
    #[test]
    fn lines_across_many_blocks_come_out_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("many.jsonl");
        let n = 3 * BLOCK_LINES + 17;
        let mut content = String::new();
        for i in 1..=n {
            if i % 1000 == 0 {
                content.push_str("{\"id\": broken\n");
            } else {
                content.push_str(&format!(
                    "{{\"id\": \"a{i}\", \"text\": \"Le chiffre d’affaires n°{i} progresse.\"}}\n"
                ));
            }
        }
        std::fs::write(&p, content).unwrap();
        let items = collect(&p, &FieldMap::default());
        assert_eq!(items.len(), n);
        for (k, item) in items.iter().enumerate() {
            let i = k + 1;
            if i % 1000 == 0 {
                assert_eq!(rej(item).record, format!("line {i}"));
            } else {
                let r = rec(item);
                assert_eq!(r.id.as_deref(), Some(format!("a{i}").as_str()));
                assert_eq!(
                    r.text.as_deref(),
                    Some(format!("Le chiffre d’affaires n°{i} progresse.").as_str())
                );
            }
        }
    }

    #[test]
    fn reads_lines_and_rejects_broken_ones_without_stopping() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("wire.jsonl");
        let mut content = Vec::new();
        content.extend_from_slice(
            "{\"id\": 42, \"headline\": \"Renault relève ses prévisions\", \"body\": \"Le constructeur a annoncé mardi à Paris…\", \"published_at\": 1646643600, \"lang\": \"fr\"}\n"
                .as_bytes(),
        );
        content.extend_from_slice(b"\n   \n");
        content.extend_from_slice(b"{\"id\": \"x\", \"text\": \"Ford cuts jobs\"\n");
        content.extend_from_slice(b"{\"id\": \"y\", \"text\": \"caf\xE9 latin-1\"}\n");
        content.extend_from_slice(b"[1, 2]\n");
        content
            .extend_from_slice(b"{\"id\": \"z\", \"text\": \"\", \"title\": \"Empty body\"}\r\n");
        content.extend_from_slice(b"{\"guid\": \"last\", \"content\": \"Tesla shares jump.\"}");
        std::fs::write(&p, content).unwrap();

        let items = collect(&p, &FieldMap::default());
        assert_eq!(items.len(), 6);
        let first = rec(&items[0]);
        assert_eq!(first.record, "line 1");
        assert_eq!(first.id.as_deref(), Some("42"));
        assert_eq!(
            first.title.as_deref(),
            Some("Renault relève ses prévisions")
        );
        assert_eq!(first.date.as_deref(), Some("1646643600"));
        assert_eq!(first.lang.as_deref(), Some("fr"));
        assert!(first.source_file.ends_with("wire.jsonl"));

        let broken = rej(&items[1]);
        assert_eq!(broken.record, "line 4");
        assert!(
            broken.reason.starts_with("broken JSON ("),
            "{}",
            broken.reason
        );
        assert_eq!(rej(&items[2]).record, "line 5");
        assert_eq!(rej(&items[2]).reason, "not valid UTF-8");
        assert!(rej(&items[3])
            .reason
            .contains("not a JSON object (found an array)"));

        // Empty text is still a record: the normalize stage rejects it as "no text".
        let empty = rec(&items[4]);
        assert_eq!(empty.record, "line 7");
        assert_eq!(empty.text, None);
        assert_eq!(empty.title.as_deref(), Some("Empty body"));

        let last = rec(&items[5]);
        assert_eq!(last.id.as_deref(), Some("last"));
        assert_eq!(last.text.as_deref(), Some("Tesla shares jump."));
    }

    #[test]
    fn objects_without_title_or_text_fields_say_which_fields_they_have() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("other.jsonl");
        std::fs::write(
            &p,
            "{\"uid\": 7, \"headline_text\": \"Brewer lifts dividend\"}\n{}\n{\"Title\": null}\n",
        )
        .unwrap();
        let items = collect(&p, &FieldMap::default());
        let r = rej(&items[0]);
        assert_eq!(r.record, "line 1");
        for needle in ["uid", "headline_text", "fields.text", "title, headline"] {
            assert!(r.reason.contains(needle), "{needle}: {}", r.reason);
        }
        assert!(rej(&items[1]).reason.contains("no fields"));
        // A title field that is present but null is a record (normalize says "no text").
        assert_eq!(rec(&items[2]).title, None);
    }

    #[test]
    fn custom_fields_with_dotted_paths() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ndjson");
        std::fs::write(
            &p,
            r#"{"article_body": ["Airbus wins a large order.", "Shares rose 3%."], "meta": {"published": "2022-03-08"}, "Link": "https://example.org/a"}"#,
        )
        .unwrap();
        let fields: FieldMap =
            toml::from_str("text = \"article_body\"\ndate = \"meta.published\"").unwrap();
        let items = collect(&p, &fields);
        let r = rec(&items[0]);
        assert_eq!(
            r.text.as_deref(),
            Some("Airbus wins a large order.\n\nShares rose 3%.")
        );
        assert_eq!(r.date.as_deref(), Some("2022-03-08"));
        // Case-insensitive fallback for keys.
        assert_eq!(r.url.as_deref(), Some("https://example.org/a"));
    }

    #[test]
    fn gzipped_lines_and_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(
            "{\"text\": \"Danone annonce un plan d’économies.\"}\n{\"text\": \"Sanofi\"}\n"
                .as_bytes(),
        )
        .unwrap();
        std::fs::write(&p, gz.finish().unwrap()).unwrap();
        let items = collect(&p, &FieldMap::default());
        assert_eq!(items.len(), 2);
        assert_eq!(
            rec(&items[0]).text.as_deref(),
            Some("Danone annonce un plan d’économies.")
        );

        let empty = dir.path().join("empty.jsonl");
        std::fs::write(&empty, b"").unwrap();
        assert!(collect(&empty, &FieldMap::default()).is_empty());
    }

    #[test]
    fn truncated_gzip_keeps_what_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cut.jsonl.gz");
        let mut body = String::new();
        for i in 0..2000 {
            body.push_str(&format!("{{\"id\": {i}, \"text\": \"Orange signe un accord numéro {i} avec un partenaire.\"}}\n"));
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(body.as_bytes()).unwrap();
        let bytes = gz.finish().unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let items = collect(&p, &FieldMap::default());
        let records = items
            .iter()
            .filter(|i| matches!(i, Item::Record(_)))
            .count();
        assert!(records > 0 && records < 2000, "{records}");
        let last = rej(items.last().unwrap());
        assert!(last.reason.starts_with("read error"), "{}", last.reason);
    }

    #[test]
    fn json_array_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("export.json");
        std::fs::write(
            &p,
            "\u{feff} [ {\"id\": 1, \"text\": \"LVMH ouvre une boutique à Londres.\"}, \"oops\" ]",
        )
        .unwrap();
        let items = collect(&p, &FieldMap::default());
        assert_eq!(rec(&items[0]).record, "item 1");
        assert_eq!(rej(&items[1]).record, "item 2");

        // A broken or truncated array keeps the items before the damage.
        std::fs::write(&p, "[{\"id\": 1, \"text\": \"Kering rachète Valentino.\"},").unwrap();
        let items = collect(&p, &FieldMap::default());
        assert_eq!(rec(&items[0]).record, "item 1");
        assert!(rej(&items[1]).reason.contains("ends inside the array"));

        // A .json file holding lines is read as lines.
        std::fs::write(&p, "{\"id\": 1}\n{\"id\": 2}\n").unwrap();
        assert_eq!(collect(&p, &FieldMap::default()).len(), 2);
    }

    /// A `.json` array bigger than the whole-file limit (27 MB here) is streamed: every
    /// item is read, none is rejected.
    #[test]
    fn a_json_array_over_the_whole_file_limit_is_streamed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        let body = "Le constructeur a annoncé une hausse de ses ventes en Europe. ".repeat(40);
        let mut data = String::from("[\n");
        let mut n = 0;
        while data.len() < 27 * 1024 * 1024 {
            if n > 0 {
                data.push_str(",\n");
            }
            n += 1;
            data.push_str(&format!(
                "{{\"id\": \"a{n}\", \"title\": \"Stellantis, article {n}\", \"text\": \"{body}\"}}"
            ));
        }
        data.push_str("\n]\n");
        std::fs::write(&p, &data).unwrap();
        assert!(data.len() as u64 > MAX_WHOLE_FILE_BYTES);
        let items = collect(&p, &FieldMap::default());
        assert_eq!(items.len(), n);
        assert!(items.iter().all(|i| matches!(i, Item::Record(_))));
        assert_eq!(rec(&items[n - 1]).record, format!("item {n}"));
        assert_eq!(
            rec(&items[n - 1]).id.as_deref(),
            Some(format!("a{n}").as_str())
        );
    }

    #[test]
    fn capped_line_reader() {
        let data = b"abcdef\nxy\nlast";
        let mut r: &[u8] = data;
        let mut out = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut out, 3).unwrap(), (7, true));
        assert_eq!(out, b"abc");
        out.clear();
        assert_eq!(read_line_capped(&mut r, &mut out, 3).unwrap(), (3, false));
        assert_eq!(out, b"xy\n");
        out.clear();
        assert_eq!(read_line_capped(&mut r, &mut out, 10).unwrap(), (4, false));
        out.clear();
        assert_eq!(read_line_capped(&mut r, &mut out, 10).unwrap(), (0, false));
    }

    #[test]
    fn missing_file_is_an_error() {
        let err = read(
            Path::new("/nonexistent/wire.jsonl"),
            &FieldMap::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot open /nonexistent/wire.jsonl"),
            "{err}"
        );
    }
}
