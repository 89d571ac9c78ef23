//! CSV / TSV reader: a header row names the columns, the field map picks them.
//!
//! The delimiter is sniffed from the header line because French spreadsheets export with
//! `;` (the comma is the decimal separator there) while most tools use `,`.

use std::io::BufRead;
use std::path::Path;

use super::{
    non_empty, open_input, plain_extension, FieldMap, Item, RawRecord, Reject, SourceError,
    LANG_FIELDS,
};

/// Reads one CSV/TSV file and emits one item per data row, in order.
pub fn read(path: &Path, fields: &FieldMap, emit: &mut dyn FnMut(Item)) -> Result<(), SourceError> {
    let shown = path.display().to_string();
    let mut input = open_input(path)?;
    let delimiter = if plain_extension(path) == "tsv" {
        b'\t'
    } else {
        match input.fill_buf() {
            Ok(buf) => sniff_delimiter(buf),
            Err(_) => b',',
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(input);

    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(SourceError::BadCsvHeader {
                path: shown,
                detail: format!("cannot read the header row ({e})"),
            })
        }
    };
    if header.is_empty() || header.iter().all(|h| h.iter().all(u8::is_ascii_whitespace)) {
        // Empty file: nothing to read, and nothing wrong with the records.
        return Ok(());
    }
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let columns = Columns::resolve(&names, fields);
    if columns.text.is_empty() {
        return Err(SourceError::BadCsvHeader {
            path: shown,
            detail: format!(
                "no column holds the article text: the header has {}, expected one of {} (set `text` in the pipeline's field map, and check the delimiter: {:?} was used)",
                names.join(", "),
                fields.text.join(", "),
                delimiter as char,
            ),
        });
    }

    let mut row = csv::ByteRecord::new();
    let mut row_no: u64 = 0;
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                row_no += 1;
                let line = row.position().map(|p| p.line()).unwrap_or(0);
                if row.len() == 1 && row.get(0).is_some_and(|f| f.is_empty()) {
                    continue; // a blank line inside the file
                }
                if row.len() != header.len() {
                    emit(reject(
                        &shown,
                        row_no,
                        format!(
                            "has {} fields, the header has {} (line {line}; check quoting)",
                            row.len(),
                            header.len()
                        ),
                    ));
                    continue;
                }
                let Ok(rec) = csv::StringRecord::from_byte_record(row.clone()) else {
                    emit(reject(
                        &shown,
                        row_no,
                        format!("not valid UTF-8 (line {line})"),
                    ));
                    continue;
                };
                emit(Item::Record(columns.record(&rec, &shown, row_no)));
            }
            Err(e) => {
                row_no += 1;
                if e.is_io_error() {
                    emit(reject(
                        &shown,
                        row_no,
                        format!("read error, rest of the file skipped ({e})"),
                    ));
                    return Ok(());
                }
                emit(reject(&shown, row_no, format!("unreadable row ({e})")));
            }
        }
    }
}

fn reject(file: &str, row_no: u64, reason: String) -> Item {
    Item::Reject(Reject {
        source_file: file.to_string(),
        record: format!("row {row_no}"),
        reason,
    })
}

/// For each article field, the column indexes to try in order.
struct Columns {
    id: Vec<usize>,
    title: Vec<usize>,
    text: Vec<usize>,
    date: Vec<usize>,
    url: Vec<usize>,
    source: Vec<usize>,
    section: Vec<usize>,
    lang: Vec<usize>,
}

impl Columns {
    fn resolve(header: &[String], fields: &FieldMap) -> Columns {
        let find = |names: &[String]| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| {
                    header
                        .iter()
                        .position(|h| h == n)
                        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(n)))
                })
                .collect()
        };
        let lang: Vec<String> = LANG_FIELDS.iter().map(|s| (*s).to_string()).collect();
        Columns {
            id: find(&fields.id),
            title: find(&fields.title),
            text: find(&fields.text),
            date: find(&fields.date),
            url: find(&fields.url),
            source: find(&fields.source),
            section: find(&fields.section),
            lang: find(&lang),
        }
    }

    fn record(&self, row: &csv::StringRecord, file: &str, row_no: u64) -> RawRecord {
        let get = |cols: &[usize]| cols.iter().find_map(|&i| row.get(i).and_then(non_empty));
        RawRecord {
            source_file: file.to_string(),
            record: format!("row {row_no}"),
            id: get(&self.id),
            title: get(&self.title),
            text: get(&self.text),
            date: get(&self.date),
            url: get(&self.url),
            source_name: get(&self.source),
            lang: get(&self.lang),
            section: get(&self.section),
            lang_fixed: false,
        }
    }
}

/// Picks the delimiter among `,` `;` `\t` `|` that occurs most often, outside quotes, on the
/// first line. Ties and no candidates fall back to `,`.
fn sniff_delimiter(start: &[u8]) -> u8 {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    let candidates = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in start {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(i) = candidates.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..candidates.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(path: &Path) -> Vec<Item> {
        let mut items = Vec::new();
        read(path, &FieldMap::default(), &mut |it| items.push(it)).unwrap();
        items
    }

    fn rec(item: &Item) -> &RawRecord {
        match item {
            Item::Record(r) => r,
            Item::Reject(r) => panic!("expected a record, got {r:?}"),
        }
    }

    fn rej(item: &Item) -> &Reject {
        match item {
            Item::Reject(r) => r,
            Item::Record(r) => panic!("expected a reject, got {r:?}"),
        }
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"id;titre;text\n1;a,b;c"), b';');
        assert_eq!(sniff_delimiter(b"id,title,text\n"), b',');
        assert_eq!(sniff_delimiter(b"id\ttitle\ttext"), b'\t');
        assert_eq!(sniff_delimiter(b"id|title|text"), b'|');
        assert_eq!(sniff_delimiter(b"\"a;b;c\",text\n"), b',');
        assert_eq!(sniff_delimiter(b"text"), b',');
    }

    #[test]
    fn semicolon_csv_with_multiline_field_and_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("export.csv");
        let mut content = Vec::new();
        content.extend_from_slice(
            "\u{feff}id;Title;body;date\n\
             1;Carrefour rachète un concurrent;\"Le distributeur a annoncé lundi\nun accord « historique ».\";08/03/2022\n\
             2;Trop court;deux champs seulement\n\
             3;Airbus;\"Airbus livre 50 avions; le titre monte.\";2022-03-09\n"
                .as_bytes(),
        );
        content.extend_from_slice(b"4;Latin;caf\xE9;2022-03-10\n");
        content.extend_from_slice(b"5;Sans texte;;2022-03-11\n");
        std::fs::write(&p, content).unwrap();

        let items = collect(&p);
        assert_eq!(items.len(), 5);
        let first = rec(&items[0]);
        assert_eq!(first.record, "row 1");
        assert_eq!(first.id.as_deref(), Some("1"));
        assert_eq!(
            first.title.as_deref(),
            Some("Carrefour rachète un concurrent")
        );
        assert_eq!(
            first.text.as_deref(),
            Some("Le distributeur a annoncé lundi\nun accord « historique ».")
        );
        assert_eq!(first.date.as_deref(), Some("08/03/2022"));

        let short = rej(&items[1]);
        assert_eq!(short.record, "row 2");
        assert!(
            short.reason.contains("has 3 fields, the header has 4"),
            "{}",
            short.reason
        );
        assert_eq!(
            rec(&items[2]).text.as_deref(),
            Some("Airbus livre 50 avions; le titre monte.")
        );
        assert!(rej(&items[3]).reason.starts_with("not valid UTF-8"));
        // No text is still a record; normalize decides.
        assert_eq!(rec(&items[4]).text, None);
    }

    #[test]
    fn tsv_by_extension_and_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tsv");
        std::fs::write(
            &p,
            "text\tlang\tsource\nMeta is fined in Ireland.\ten\tWire, Inc\n",
        )
        .unwrap();
        let items = collect(&p);
        let r = rec(&items[0]);
        assert_eq!(r.text.as_deref(), Some("Meta is fined in Ireland."));
        assert_eq!(r.lang.as_deref(), Some("en"));
        assert_eq!(r.source_name.as_deref(), Some("Wire, Inc"));

        let e = dir.path().join("empty.csv");
        std::fs::write(&e, "").unwrap();
        assert!(collect(&e).is_empty());
    }

    #[test]
    fn header_without_text_column_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("prices.csv");
        std::fs::write(&p, "ticker,close\nAAPL,160.2\n").unwrap();
        let err = read(&p, &FieldMap::default(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("prices.csv") && err.contains("ticker, close"),
            "{err}"
        );
    }
}
