//! CSV rows of a frame, formatted column by column into one byte buffer.
//!
//! The bytes are exactly those of the `csv` crate's default writer (fields quoted only
//! when they hold `,` `"` `\r` or `\n`, quotes doubled, `\n` after each record), which
//! the tests check. Going through `csv::Writer` one cell at a time, with Polars' indexed
//! `get` and `format!` for numbers, was a quarter of the export stage's time.

use std::io::Write as _;

use anyhow::Result;
use chrono::{Datelike as _, Timelike as _};
use polars::prelude::*;

/// One column's values, read once in order (no per-cell chunk lookup).
enum Cells<'a> {
    Str(Vec<Option<&'a str>>),
    I64(Vec<Option<i64>>),
    F64(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    /// Days since 1970-01-01.
    Date(Vec<Option<i32>>),
    /// Microseconds since the epoch, UTC.
    Datetime(Vec<Option<i64>>),
}

impl<'a> Cells<'a> {
    fn new(c: &'a Column) -> Result<Cells<'a>> {
        Ok(match c.dtype() {
            DataType::String => Cells::Str(c.str()?.iter().collect()),
            DataType::Int64 => Cells::I64(c.i64()?.iter().collect()),
            DataType::Float64 => Cells::F64(c.f64()?.iter().collect()),
            DataType::Boolean => Cells::Bool(c.bool()?.iter().collect()),
            DataType::Date => Cells::Date(c.date()?.physical().iter().collect()),
            DataType::Datetime(_, _) => Cells::Datetime(c.datetime()?.physical().iter().collect()),
            other => anyhow::bail!(
                "internal error: column {} has type {other}, which the CSV export does not handle",
                c.name()
            ),
        })
    }

    /// Appends cell `i` (nothing for a null).
    fn push(&self, i: usize, out: &mut Vec<u8>, dates: &mut DateCache) {
        match self {
            Cells::Str(v) => push_field(out, v[i].unwrap_or("").as_bytes()),
            Cells::I64(v) => {
                if let Some(x) = v[i] {
                    out.extend_from_slice(itoa::Buffer::new().format(x).as_bytes());
                }
            }
            Cells::F64(v) => {
                if let Some(x) = v[i] {
                    push_f64(out, x);
                }
            }
            Cells::Bool(v) => match v[i] {
                Some(true) => out.extend_from_slice(b"true"),
                Some(false) => out.extend_from_slice(b"false"),
                None => {}
            },
            Cells::Date(v) => {
                if let Some(d) = v[i] {
                    out.extend_from_slice(dates.get(d));
                }
            }
            Cells::Datetime(v) => {
                if let Some(t) = v[i].and_then(chrono::DateTime::from_timestamp_micros) {
                    let _ = write!(
                        out,
                        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                        t.year(),
                        t.month(),
                        t.day(),
                        t.hour(),
                        t.minute(),
                        t.second()
                    );
                }
            }
        }
    }
}

/// The last date formatted: rows come grouped by day, so most cells reuse it.
#[derive(Default)]
struct DateCache {
    day: Option<i32>,
    text: Vec<u8>,
}

impl DateCache {
    /// `YYYY-MM-DD` for a number of days since 1970-01-01 (empty if out of range).
    fn get(&mut self, day: i32) -> &[u8] {
        if self.day != Some(day) {
            self.text.clear();
            if let Some(d) = chrono::NaiveDate::from_num_days_from_ce_opt(day + 719_163) {
                let _ = write!(self.text, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            }
            self.day = Some(day);
        }
        &self.text
    }
}

/// The rows of a frame as CSV bytes, without the header: dates as `YYYY-MM-DD`,
/// timestamps as RFC 3339 UTC (`2022-01-01T10:15:03Z`), floats rounded to 6 decimals,
/// nulls as empty cells.
pub fn rows(df: &DataFrame) -> Result<Vec<u8>> {
    let cols: Vec<Cells> = df.columns().iter().map(Cells::new).collect::<Result<_>>()?;
    // Sized up front: growing a buffer of several MB by doubling spent more time in
    // page faults and copies than formatting the rows.
    let text_bytes: usize = df
        .columns()
        .iter()
        .filter_map(|c| c.str().ok())
        .flat_map(|ca| ca.downcast_iter().map(|a| a.total_bytes_len()))
        .sum();
    let mut out = Vec::with_capacity(text_bytes + text_bytes / 16 + df.height() * df.width() * 12);
    let mut dates = DateCache::default();
    for i in 0..df.height() {
        let start = out.len();
        for (j, c) in cols.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            c.push(i, &mut out, &mut dates);
        }
        if out.len() == start {
            // A record of one empty field: quoted, or it would read as a blank line.
            out.extend_from_slice(b"\"\"");
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// The header record (column names).
pub fn header(df: &DataFrame) -> Vec<u8> {
    let mut out = Vec::new();
    for (j, name) in df.get_column_names().iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        push_field(&mut out, name.as_bytes());
    }
    if out.is_empty() {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
    out
}

/// Appends a field, quoted (with inner quotes doubled) only if it holds a delimiter, a
/// quote or a line break.
fn push_field(out: &mut Vec<u8>, s: &[u8]) {
    if !needs_quotes(s) {
        out.extend_from_slice(s);
        return;
    }
    out.push(b'"');
    let mut rest = s;
    while let Some(p) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=p]);
        out.push(b'"');
        rest = &rest[p + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// Whether a field holds `,` `"` `\r` or `\n`. One pass, eight bytes at a time: most
/// fields are short (ids, labels, dates), where two `memchr` calls per field (one for
/// three bytes, one for the fourth) cost more than the scan itself.
fn needs_quotes(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of a byte of the result is set when that byte of `x` is zero (exact for the
    // lowest zero byte, which is all `any` needs).
    #[inline(always)]
    fn zero_byte(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGH
    }
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        let hit = zero_byte(x ^ (ONES * u64::from(b',')))
            | zero_byte(x ^ (ONES * u64::from(b'"')))
            | zero_byte(x ^ (ONES * u64::from(b'\n')))
            | zero_byte(x ^ (ONES * u64::from(b'\r')));
        if hit != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends `x` rounded to 6 decimals, as `{}` prints the rounded value (`0.25`, `-1`,
/// `0`, `-0`), without going through `format!`. Below 10⁹ the shortest decimal that
/// reads back as the rounded value is its 6-decimal form with trailing zeros removed;
/// anything else goes through the standard formatting.
fn push_f64(out: &mut Vec<u8>, x: f64) {
    let scaled = (x * 1e6).round();
    let rounded = scaled / 1e6;
    if !scaled.is_finite() || scaled.abs() >= 1e15 || rounded == 0.0 {
        let _ = write!(out, "{rounded}");
        return;
    }
    // Exact: |scaled| < 1e15 < 2^53 is an integer.
    let n = scaled as i64;
    if n < 0 {
        out.push(b'-');
    }
    let n = n.unsigned_abs();
    let (int, frac) = (n / 1_000_000, n % 1_000_000);
    out.extend_from_slice(itoa::Buffer::new().format(int).as_bytes());
    if frac != 0 {
        let digits = [
            frac / 100_000,
            frac / 10_000 % 10,
            frac / 1_000 % 10,
            frac / 100 % 10,
            frac / 10 % 10,
            frac % 10,
        ];
        let len = 6 - digits.iter().rev().take_while(|&&d| d == 0).count();
        out.push(b'.');
        out.extend(digits[..len].iter().map(|&d| b'0' + d as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same rows through the `csv` crate's writer, cell by cell.
    fn reference(df: &DataFrame) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for i in 0..df.height() {
            for c in df.columns() {
                let cell = match c.dtype() {
                    DataType::String => c.str().unwrap().get(i).unwrap_or("").to_string(),
                    DataType::Int64 => c
                        .i64()
                        .unwrap()
                        .get(i)
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    DataType::Float64 => c
                        .f64()
                        .unwrap()
                        .get(i)
                        .map(|v| format!("{}", (v * 1e6).round() / 1e6))
                        .unwrap_or_default(),
                    DataType::Boolean => c
                        .bool()
                        .unwrap()
                        .get(i)
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    other => panic!("no reference for {other}"),
                };
                w.write_field(cell).unwrap();
            }
            w.write_record(None::<&[u8]>).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn fields_are_quoted_like_the_csv_crate() {
        let texts = [
            Some("Acme"),
            Some(""),
            None,
            Some("Hausse, puis baisse"),
            Some("il a dit \"non\""),
            Some("deux\nlignes"),
            Some("retour\r"),
            Some("l’action « Acme » monte"),
            Some("\""),
            Some(" espace "),
        ];
        let n = texts.len();
        let df = DataFrame::new_infer_height(vec![
            Column::new("text".into(), texts.to_vec()),
            Column::new(
                "n".into(),
                (0..n as i64)
                    .map(|i| (i % 3 != 1).then_some(i * -7))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "flag".into(),
                (0..n)
                    .map(|i| (i % 4 != 3).then_some(i % 2 == 0))
                    .collect::<Vec<_>>(),
            ),
        ])
        .unwrap();
        assert_eq!(
            String::from_utf8(rows(&df).unwrap()).unwrap(),
            String::from_utf8(reference(&df)).unwrap()
        );
        assert_eq!(header(&df), b"text,n,flag\n");
    }

    /// The word-at-a-time scan finds each special byte wherever it falls in a field (in
    /// a full eight-byte word or in the tail), and nothing in accented text.
    #[test]
    fn special_bytes_are_found_at_every_position() {
        let base = "Société Générale’s «hausse» 2022";
        assert!(!needs_quotes(base.as_bytes()));
        for len in 0..=base.len() {
            let field = &base.as_bytes()[..len];
            assert!(!needs_quotes(field));
            for at in 0..len {
                for special in [b',', b'"', b'\n', b'\r'] {
                    let mut f = field.to_vec();
                    f[at] = special;
                    assert!(needs_quotes(&f), "{special} at {at} of {len}");
                }
            }
        }
        // Bytes next to the special ones in value must not count.
        assert!(!needs_quotes(b"+-./\t\x0b\x0c!#$%&'()*+"));
    }

    #[test]
    fn a_record_of_one_empty_field_is_quoted() {
        let df =
            DataFrame::new_infer_height(vec![Column::new("x".into(), [Some("a"), None, Some("")])])
                .unwrap();
        assert_eq!(rows(&df).unwrap(), reference(&df));
        assert_eq!(rows(&df).unwrap(), b"a\n\"\"\n\"\"\n");
    }

    #[test]
    fn floats_print_as_the_rounded_value_does() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -0.25,
            1e-7,
            -1e-7,
            4e-7,
            5e-7,
            -5e-7,
            0.1234565,
            0.616605,
            123.456789,
            -0.039968,
            999_999_999.999_999,
            1e9,
            1e12,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            0.1 + 0.2,
        ];
        // Deterministic pseudo-random values over several magnitudes.
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let unit = (s >> 11) as f64 / (1u64 << 53) as f64;
            let scale = [1.0, 10.0, 1e3, 1e6, 1e8][(s % 5) as usize];
            values.push((unit * 2.0 - 1.0) * scale);
        }
        for x in values {
            let mut out = Vec::new();
            push_f64(&mut out, x);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("{}", (x * 1e6).round() / 1e6),
                "{x:e}"
            );
        }
    }

    #[test]
    fn dates_and_timestamps() {
        let dates = date_col_for_test(&[Some(18_993), Some(18_993), None, Some(0), Some(-1)]);
        let ts: Int64Chunked = [
            Some(1_641_032_103_000_000i64),
            None,
            Some(0),
            Some(-1),
            Some(1),
        ]
        .into_iter()
        .collect();
        let ts = ts.into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
        let df =
            DataFrame::new_infer_height(vec![dates, ts.into_series().with_name("t".into()).into()])
                .unwrap();
        assert_eq!(
            String::from_utf8(rows(&df).unwrap()).unwrap(),
            "2022-01-01,2022-01-01T10:15:03Z\n2022-01-01,\n,1970-01-01T00:00:00Z\n1970-01-01,1969-12-31T23:59:59Z\n1969-12-31,1970-01-01T00:00:00Z\n"
        );
    }

    fn date_col_for_test(days: &[Option<i32>]) -> Column {
        crate::tables::date_col("d", days.iter().copied())
    }
}
