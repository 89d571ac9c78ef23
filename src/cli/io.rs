//! JSONL in, JSONL out, for the ad-hoc `entities` and `sentiment` commands.
//!
//! Lines are processed in chunks in parallel and written in input order; a bad line
//! gives an `{"id", "error"}` line and the rest goes on.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde_json::{json, Value};

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

/// Applies `f` to every JSON object line; returns (lines ok, lines with an error).
pub fn map_lines(
    input: &str,
    output: &str,
    f: impl Fn(&serde_json::Map<String, Value>) -> Result<Value, String> + Sync,
) -> Result<(usize, usize)> {
    let mut reader = open_input(input)?;
    let mut writer = open_output(output)?;
    let (mut ok, mut bad) = (0usize, 0usize);
    let mut line_no = 0usize;
    loop {
        // Read a chunk of raw lines (bytes, so bad UTF-8 is reported per line).
        let mut chunk: Vec<(usize, Vec<u8>)> = Vec::with_capacity(1024);
        while chunk.len() < 1024 {
            let mut buf = Vec::new();
            let n = reader
                .read_until(b'\n', &mut buf)
                .with_context(|| format!("reading {input}"))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            chunk.push((line_no, buf));
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Option<Value>> = chunk
            .par_iter()
            .map(|(no, bytes)| {
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
            serde_json::to_writer(&mut writer, &v)?;
            writer.write_all(b"\n")?;
        }
    }
    writer.flush()?;
    Ok((ok, bad))
}

/// Byte offset of the `n`-th character (or the end).
pub fn char_to_byte(text: &str, n: usize) -> Option<usize> {
    if n == text.chars().count() {
        return Some(text.len());
    }
    text.char_indices().nth(n).map(|(b, _)| b)
}

/// Character offset of a byte offset.
pub fn byte_to_char(text: &str, b: usize) -> usize {
    text.get(..b).map_or(0, |s| s.chars().count())
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
