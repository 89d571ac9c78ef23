//! JSONL in, JSONL out, for the ad-hoc `entities` and `sentiment` commands.
//!
//! Lines are processed in chunks in parallel and written in input order; a bad line
//! gives an `{"id", "error"}` line and the rest goes on.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::sources::jsonl::read_line_capped;

/// Opens `-` as stdin or a file (`.gz` decompressed).
pub fn open_input(path: &str) -> Result<Box<dyn BufRead>> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let f = File::open(path).with_context(|| format!("cannot open input {path}"))?;
    if path.ends_with(".gz") {
        Ok(Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(
            f,
        ))))
    } else {
        Ok(Box::new(BufReader::new(f)))
    }
}

/// Opens `-` as stdout or creates a file.
pub fn open_output(path: &str) -> Result<Box<dyn Write>> {
    if path == "-" {
        return Ok(Box::new(BufWriter::new(std::io::stdout().lock())));
    }
    let f = File::create(path).with_context(|| format!("cannot create output {path}"))?;
    Ok(Box::new(BufWriter::new(f)))
}

/// Longest line read, the pipeline's JSONL limit: a longer line gives an error line (the
/// rest of it is skipped without being kept in memory).
pub(crate) const MAX_LINE_BYTES: usize = crate::sources::jsonl::MAX_LINE_BYTES;

/// A chunk of lines processed in parallel ends after this many lines or bytes.
const CHUNK_LINES: usize = 1024;
const CHUNK_BYTES: usize = 64 << 20;

/// Applies `f` to every JSON object line; returns (lines ok, lines with an error).
pub fn map_lines(
    input: &str,
    output: &str,
    f: impl Fn(&serde_json::Map<String, Value>) -> Result<Value, String> + Sync,
) -> Result<(usize, usize)> {
    let mut reader = open_input(input)?;
    let mut writer = open_output(output)?;
    let counts = map_reader(&mut *reader, &mut *writer, MAX_LINE_BYTES, &f)
        .with_context(|| format!("reading {input} or writing {output}"))?;
    writer.flush()?;
    Ok(counts)
}

/// [`map_lines`] on an open reader and writer, lines longer than `max_line` bytes refused.
pub fn map_reader(
    reader: &mut dyn BufRead,
    writer: &mut dyn Write,
    max_line: usize,
    f: &(impl Fn(&serde_json::Map<String, Value>) -> Result<Value, String> + Sync),
) -> Result<(usize, usize)> {
    let (mut ok, mut bad) = (0usize, 0usize);
    let mut line_no = 0usize;
    loop {
        // Read a chunk of raw lines (bytes, so bad UTF-8 is reported per line); `None`
        // stands for a line over the limit.
        let mut chunk: Vec<(usize, Option<Vec<u8>>)> = Vec::with_capacity(CHUNK_LINES);
        let mut chunk_bytes = 0usize;
        while chunk.len() < CHUNK_LINES && chunk_bytes < CHUNK_BYTES {
            let mut buf = Vec::new();
            let (n, overflow) = read_line_capped(reader, &mut buf, max_line)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            chunk_bytes += buf.len();
            chunk.push((line_no, (!overflow).then_some(buf)));
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Option<Value>> = chunk
            .par_iter()
            .map(|(no, bytes)| {
                let Some(bytes) = bytes else {
                    return Some(json!({"id": null, "line": no,
                        "error": format!("line longer than {max_line} bytes, skipped")}));
                };
                let Ok(text) = std::str::from_utf8(bytes) else {
                    return Some(
                        json!({"id": null, "line": no, "error": "line is not valid UTF-8"}),
                    );
                };
                let text = text.trim();
                if text.is_empty() {
                    return None;
                }
                let v: Value = match serde_json::from_str(text) {
                    Ok(v) => v,
                    Err(e) => {
                        return Some(
                            json!({"id": null, "line": no, "error": format!("broken JSON: {e}")}),
                        )
                    }
                };
                let Some(obj) = v.as_object() else {
                    return Some(
                        json!({"id": null, "line": no, "error": "line is not a JSON object"}),
                    );
                };
                let id = obj.get("id").cloned().unwrap_or(Value::Null);
                Some(match f(obj) {
                    Ok(out) => out,
                    Err(e) => json!({"id": id, "line": no, "error": e}),
                })
            })
            .collect();
        for v in results.into_iter().flatten() {
            if v.get("error").is_some() {
                bad += 1;
            } else {
                ok += 1;
            }
            serde_json::to_writer(&mut *writer, &v)?;
            writer.write_all(b"\n")?;
        }
    }
    Ok((ok, bad))
}

/// Character offsets of byte offsets, in one pass over the text (offsets in any order;
/// one inside a character or past the end counts the characters before it).
pub fn bytes_to_chars(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_unstable_by_key(|&i| bytes[i]);
    let mut out = vec![0; bytes.len()];
    let mut chars = text.char_indices().peekable();
    let mut count = 0;
    for i in order {
        while chars.next_if(|&(b, _)| b < bytes[i]).is_some() {
            count += 1;
        }
        out[i] = count;
    }
    out
}

/// Byte offsets of character offsets, in one pass over the text (offsets in any order;
/// `None` past the end; the end itself is `text.len()`).
pub fn chars_to_bytes(text: &str, chars: &[usize]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..chars.len()).collect();
    order.sort_unstable_by_key(|&i| chars[i]);
    let mut out = vec![None; chars.len()];
    let mut it = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .enumerate()
        .peekable();
    for i in order {
        while it.next_if(|&(n, _)| n < chars[i]).is_some() {}
        out[i] = it.peek().filter(|&&(n, _)| n == chars[i]).map(|&(_, b)| b);
    }
    out
}

/// The `text` field, required.
pub fn text_field(obj: &serde_json::Map<String, Value>) -> Result<&str, String> {
    obj.get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| "missing \"text\" (a string)".to_string())
}

/// The language: the `lang` field if given, else detected.
pub fn lang_field(obj: &serde_json::Map<String, Value>, text: &str) -> crate::text::lang::Lang {
    match obj.get("lang").and_then(Value::as_str) {
        Some(code) => crate::text::lang::Lang::from_code(code),
        None => crate::text::lang::detect(text).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old per-offset conversion, as the reference.
    fn naive_char(text: &str, b: usize) -> usize {
        text.char_indices().take_while(|&(i, _)| i < b).count()
    }

    #[test]
    fn offsets_convert_in_one_pass_on_multibyte_text() {
        let text = "Les résultats d’Airbus — 3 € 😀 à Zoé";
        // Every byte offset, shuffled and repeated, plus one past the end.
        let mut bytes: Vec<usize> = (0..=text.len() + 1).rev().collect();
        bytes.extend([5, 0, text.len()]);
        let chars = bytes_to_chars(text, &bytes);
        for (b, c) in bytes.iter().zip(&chars) {
            assert_eq!(*c, naive_char(text, *b), "byte {b}");
        }
        // And back: every character offset (the end included) to its byte offset.
        let n = text.chars().count();
        let wanted: Vec<usize> = (0..=n + 2).rev().collect();
        let back = chars_to_bytes(text, &wanted);
        for (c, b) in wanted.iter().zip(&back) {
            let expected = if *c == n {
                Some(text.len())
            } else {
                text.char_indices().nth(*c).map(|(i, _)| i)
            };
            assert_eq!(*b, expected, "char {c}");
        }
        assert_eq!(bytes_to_chars("", &[0, 3]), [0, 0]);
        assert_eq!(chars_to_bytes("", &[0, 1]), [Some(0), None]);
    }

    /// A modest-size line with many offsets (the old conversion was quadratic).
    #[test]
    fn many_offsets_on_a_long_line() {
        let text = "é€😀a".repeat(50_000);
        // Each 4-character group is 2 + 3 + 4 + 1 = 10 bytes.
        let bytes: Vec<usize> = (0..50_000).rev().map(|g| g * 10 + 5).collect();
        let chars = bytes_to_chars(&text, &bytes);
        assert!(chars.iter().zip(0..50_000usize).all(|(&c, k)| {
            let g = 49_999 - k;
            c == g * 4 + 2
        }));
        let back = chars_to_bytes(&text, &chars);
        assert!(back.iter().zip(&bytes).all(|(b, &orig)| *b == Some(orig)));
    }

    #[test]
    fn an_over_long_line_gives_an_error_line_and_the_rest_goes_on() {
        let input = format!(
            "{{\"id\": 1, \"text\": \"a\"}}\n{{\"id\": 2, \"text\": \"{}\"}}\n{{\"id\": 3}}\n",
            "x".repeat(100)
        );
        let mut out = Vec::new();
        let echo = |obj: &serde_json::Map<String, Value>| Ok(json!({"id": obj.get("id")}));
        let (ok, bad) = map_reader(&mut input.as_bytes(), &mut out, 64, &echo).unwrap();
        assert_eq!((ok, bad), (2, 1));
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["id"], 1);
        assert_eq!(lines[1]["line"], 2);
        assert_eq!(
            lines[1]["error"], "line longer than 64 bytes, skipped",
            "{lines:?}"
        );
        assert_eq!(lines[2]["id"], 3);
        // The filters use the pipeline's limit.
        assert_eq!(
            MAX_LINE_BYTES,
            crate::sources::MAX_WHOLE_FILE_BYTES as usize
        );
    }
}
