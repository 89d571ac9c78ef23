//! `newstone entities [--input FILE|-] [--output FILE|-]`.

use std::process::ExitCode;

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::io::{bytes_to_chars, lang_field, map_lines, text_field};
use crate::entities::EntityFinder;
use crate::reference::ReferenceData;
use crate::stages::entities::load_finder;

pub fn entities(input: &str, output: &str, data: &ReferenceData) -> Result<ExitCode> {
    let finder = load_finder(&data.gazetteer_dir()?, "--gazetteer")?;
    let (ok, bad) = map_lines(input, output, |obj| entities_line(obj, &finder))?;
    tracing::info!("entities: {ok} lines done, {bad} lines with errors");
    Ok(ExitCode::SUCCESS)
}

/// The output line of one input line: its entities, with character offsets.
pub fn entities_line(obj: &Map<String, Value>, finder: &EntityFinder) -> Result<Value, String> {
    let text = text_field(obj)?;
    let lang = lang_field(obj, text);
    let matches = finder.find(text, lang);
    let offsets: Vec<usize> = matches.iter().flat_map(|m| [m.start, m.end]).collect();
    let chars = bytes_to_chars(text, &offsets);
    let found: Vec<_> = matches
        .iter()
        .zip(chars.chunks_exact(2))
        .map(|(m, se)| {
            json!({
                "entity_id": m.entity_id,
                "name": m.name,
                "type": m.kind.as_str(),
                "surface": text.get(m.start..m.end).unwrap_or(""),
                "start": se[0],
                "end": se[1],
                "via": m.via.as_str(),
                "confidence": m.confidence,
            })
        })
        .collect();
    Ok(json!({"id": obj.get("id"), "entities": found}))
}
