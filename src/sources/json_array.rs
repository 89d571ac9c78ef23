//! `.json` files holding one array of article objects, streamed item by item.
//!
//! The array is never held whole: a small scanner finds where each top-level item ends
//! (tracking strings, escapes and nesting), and each item is parsed on its own, like a
//! JSON line. So an array of any size is read in bounded memory, an item that does not
//! parse is one reject, and a truncated file keeps the items before the cut.

use std::io::{BufRead, ErrorKind};

use rayon::prelude::*;
use serde_json::Value;

use super::jsonl::{kind, object_item, MAX_LINE_BYTES};
use super::{FieldMap, Item, Reject};

/// Items parsed together, in parallel (as JSON lines are).
const BATCH_BYTES: usize = 8 << 20;
const BATCH_ITEMS: usize = 4096;

/// How the scan for the next item ended.
#[derive(Debug, PartialEq)]
enum Next {
    /// An item (its bytes in the buffer; `overflow` if it was longer than the cap); `last`
    /// when the array's `]` followed it.
    Item { overflow: bool, last: bool },
    /// The file ended inside the array (truncated).
    Truncated,
}

/// Finds the items of a JSON array in a byte stream, one at a time.
struct Scanner<'a> {
    reader: &'a mut dyn BufRead,
}

impl Scanner<'_> {
    /// Consumes the BOM, blanks and the opening `[`; `false` if the input does not start
    /// with one.
    fn open(&mut self) -> std::io::Result<bool> {
        let mut first = true;
        loop {
            let buf = fill(self.reader)?;
            if buf.is_empty() {
                return Ok(false);
            }
            let mut skip = 0;
            if first && buf.starts_with(b"\xEF\xBB\xBF") {
                skip = 3;
            }
            first = false;
            let rest = &buf[skip..];
            match rest.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) => {
                    let found = rest[i] == b'[';
                    self.reader.consume(skip + i + usize::from(found));
                    return Ok(found);
                }
                None => {
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        }
    }

    /// Reads the next item's bytes (up to the `,` or `]` that ends it, without it) into
    /// `out`, keeping at most `cap` bytes.
    fn next(&mut self, out: &mut Vec<u8>, cap: usize) -> std::io::Result<Next> {
        out.clear();
        let (mut depth, mut in_string, mut escape, mut overflow) = (0u32, false, false, false);
        loop {
            let buf = fill(self.reader)?;
            if buf.is_empty() {
                return Ok(Next::Truncated);
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if in_string {
                    if escape {
                        escape = false;
                    } else if b == b'\\' {
                        escape = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' if depth > 0 => depth -= 1,
                    b']' if depth > 0 => depth -= 1,
                    b']' | b',' if depth == 0 => {
                        end = Some((i, b == b']'));
                        break;
                    }
                    _ => {}
                }
            }
            let take = end.map_or(buf.len(), |(i, _)| i);
            let room = cap.saturating_sub(out.len());
            if take > room {
                overflow = true;
            }
            out.extend_from_slice(&buf[..take.min(room)]);
            match end {
                Some((i, last)) => {
                    self.reader.consume(i + 1);
                    return Ok(Next::Item { overflow, last });
                }
                None => {
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        }
    }

    /// Whether anything but blanks follows the array.
    fn trailing_data(&mut self) -> std::io::Result<bool> {
        loop {
            let buf = fill(self.reader)?;
            if buf.is_empty() {
                return Ok(false);
            }
            if buf.iter().any(|b| !b.is_ascii_whitespace()) {
                return Ok(true);
            }
            let n = buf.len();
            self.reader.consume(n);
        }
    }
}

/// `fill_buf`, retried when interrupted.
fn fill(reader: &mut dyn BufRead) -> std::io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    reader.fill_buf()
}

/// An item waiting to be parsed: its number and bytes (`None`: over the size cap).
type Pending = (u64, Option<Vec<u8>>);

/// Reads a JSON array of article objects from `reader` (positioned at its start) and
/// emits a record or a reject per item, in order. Returns `false`, having emitted
/// nothing, if the input does not start with `[`.
pub fn read(
    reader: &mut dyn BufRead,
    shown: &str,
    fields: &FieldMap,
    emit: &mut dyn FnMut(Item),
) -> bool {
    let mut scanner = Scanner { reader };
    match scanner.open() {
        Ok(true) => {}
        Ok(false) => return false,
        Err(e) => {
            emit(reject(shown, 1, format!("read error, file skipped ({e})")));
            return true;
        }
    }
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0;
    let mut n: u64 = 0;
    let mut buf = Vec::new();
    let flush = |batch: &mut Vec<Pending>, emit: &mut dyn FnMut(Item)| {
        let items: Vec<Option<Item>> = batch
            .par_iter()
            .map(|(i, bytes)| parse_item(*i, bytes.as_deref(), shown, fields))
            .collect();
        batch.clear();
        for item in items.into_iter().flatten() {
            emit(item);
        }
    };
    loop {
        let next = scanner.next(&mut buf, MAX_LINE_BYTES);
        let (overflow, last) = match next {
            Ok(Next::Item { overflow, last }) => (overflow, last),
            Ok(Next::Truncated) | Err(_) => {
                flush(&mut batch, emit);
                let why = match next {
                    Err(e) => format!("read error, rest of the file skipped ({e})"),
                    _ => "the file ends inside the array (truncated?); the items before were read"
                        .to_string(),
                };
                emit(reject(shown, n + 1, why));
                return true;
            }
        };
        let blank = buf.iter().all(|b| b.is_ascii_whitespace());
        // `[]` and a trailing comma before `]` hold no item.
        if !(blank && last && !overflow) {
            n += 1;
            batch_bytes += buf.len();
            batch.push((n, (!overflow).then(|| std::mem::take(&mut buf))));
        }
        if last || batch.len() >= BATCH_ITEMS || batch_bytes >= BATCH_BYTES {
            flush(&mut batch, emit);
            batch_bytes = 0;
        }
        if last {
            if matches!(scanner.trailing_data(), Ok(true)) {
                emit(reject(
                    shown,
                    n + 1,
                    "data after the end of the array, ignored".to_string(),
                ));
            }
            return true;
        }
    }
}

/// One item: a record, or a reject saying why not.
fn parse_item(i: u64, bytes: Option<&[u8]>, shown: &str, fields: &FieldMap) -> Option<Item> {
    let Some(bytes) = bytes else {
        return Some(reject(
            shown,
            i,
            format!("item longer than {MAX_LINE_BYTES} bytes, skipped"),
        ));
    };
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        return Some(reject(shown, i, "not valid UTF-8".to_string()));
    };
    let text = text.trim();
    if text.is_empty() {
        return Some(reject(shown, i, "empty item (two commas in a row)".into()));
    }
    Some(match serde_json::from_str::<Value>(text) {
        Err(e) => reject(shown, i, format!("broken JSON ({e})")),
        Ok(Value::Object(obj)) => object_item(&obj, fields, shown, format!("item {i}")),
        Ok(other) => reject(
            shown,
            i,
            format!("not a JSON object (found {})", kind(&other)),
        ),
    })
}

fn reject(file: &str, i: u64, reason: String) -> Item {
    Item::Reject(Reject {
        source_file: file.to_string(),
        record: format!("item {i}"),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::RawRecord;

    fn items(data: &str) -> Vec<Item> {
        let mut reader = std::io::BufReader::with_capacity(7, data.as_bytes());
        let mut out = Vec::new();
        assert!(read(
            &mut reader,
            "a.json",
            &FieldMap::default(),
            &mut |i| { out.push(i) }
        ));
        out
    }

    fn describe(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Record(RawRecord { record, text, .. }) => {
                    format!("{record}: {}", text.as_deref().unwrap_or(""))
                }
                Item::Reject(r) => format!("{} rejected: {}", r.record, r.reason),
            })
            .collect()
    }

    #[test]
    fn items_split_across_tiny_reads_keep_strings_and_nesting() {
        // Commas, brackets, braces and escaped quotes inside strings and nested values
        // do not end an item; the reader's buffer (7 bytes) cuts everything.
        let data = "\u{feff} [\n {\"id\": \"a,1]\", \"text\": \"Renault \\\"gagne\\\", [dit-il]\", \"tags\": [1, {\"x\": \"}\"}]},\n\
                    {\"id\": 2, \"text\": \"Airbus livre 60 avions.\"} ,\n  \"oops\", 3 , {\"id\": }\n ]";
        assert_eq!(
            describe(&items(data)),
            [
                "item 1: Renault \"gagne\", [dit-il]",
                "item 2: Airbus livre 60 avions.",
                "item 3 rejected: not a JSON object (found a string)",
                "item 4 rejected: not a JSON object (found a number)",
                "item 5 rejected: broken JSON (expected value at line 1 column 8)",
            ]
        );
    }

    #[test]
    fn empty_arrays_trailing_commas_truncation_and_trailing_data() {
        assert!(items("[]").is_empty());
        assert!(items("  [ \n ]  \n").is_empty());
        assert_eq!(
            describe(&items("[{\"text\": \"Total\"},]")),
            ["item 1: Total"]
        );
        assert_eq!(
            describe(&items("[{\"text\": \"Total\"},,{\"text\": \"Engie\"}]")),
            [
                "item 1: Total",
                "item 2 rejected: empty item (two commas in a row)",
                "item 3: Engie"
            ]
        );
        assert_eq!(
            describe(&items("[{\"text\": \"Total\"}, {\"text\": \"Eng")),
            [
                "item 1: Total",
                "item 2 rejected: the file ends inside the array (truncated?); the items before were read"
            ]
        );
        assert_eq!(
            describe(&items("[{\"text\": \"Total\"}] [1]")),
            [
                "item 1: Total",
                "item 2 rejected: data after the end of the array, ignored"
            ]
        );
        // Not an array: nothing read, the caller reads lines instead.
        let mut reader = std::io::BufReader::new(&b"{\"id\": 1}"[..]);
        assert!(!read(
            &mut reader,
            "a.json",
            &FieldMap::default(),
            &mut |_| panic!("no item")
        ));
    }

    #[test]
    fn an_item_over_the_cap_is_one_reject_and_the_rest_is_read() {
        let big = "x".repeat(MAX_LINE_BYTES + 10);
        let data = format!("[{{\"text\": \"{big}\"}}, {{\"text\": \"Orange\"}}]");
        let got = describe(&items(&data));
        assert_eq!(
            got,
            [
                format!("item 1 rejected: item longer than {MAX_LINE_BYTES} bytes, skipped"),
                "item 2: Orange".to_string()
            ]
        );
    }
}
