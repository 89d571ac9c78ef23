//! Single-article files: `.txt`, `.md` (with optional front matter) and `.html`/`.htm`.
//!
//! Analysts drop notes and saved pages into a folder; each file is one article. Files are
//! read whole (capped), since an article is small and its structure (front matter, first
//! heading, `<article>`) needs the whole text.

use std::path::Path;

use super::{
    file_label, html_meta, non_empty, read_whole, Format, Item, RawRecord, Reject, SourceError,
    MAX_WHOLE_FILE_BYTES,
};

/// Reads one text, Markdown or HTML file as one record.
pub fn read(path: &Path, format: Format, emit: &mut dyn FnMut(Item)) -> Result<(), SourceError> {
    let shown = path.display().to_string();
    let label = file_label(path);
    let Some(bytes) = read_whole(path, MAX_WHOLE_FILE_BYTES)? else {
        emit(Item::Reject(Reject {
            source_file: shown,
            record: label,
            reason: format!(
                "file too large for a single article ({}, the limit is {} bytes)",
                match std::fs::metadata(path) {
                    Ok(m) if !super::plain_name(path).1 => format!("{} bytes", m.len()),
                    _ => format!("over {MAX_WHOLE_FILE_BYTES} bytes uncompressed"),
                },
                MAX_WHOLE_FILE_BYTES
            ),
        }));
        return Ok(());
    };
    let content = decode_text(&bytes);
    let mut rec = match format {
        Format::Html => html_record(&content),
        Format::Markdown => note_record(&content, true),
        _ => note_record(&content, false),
    };
    rec.source_file = shown;
    rec.record = label;
    emit(Item::Record(rec));
    Ok(())
}

fn html_record(html: &str) -> RawRecord {
    let m = html_meta::extract(html);
    RawRecord {
        title: m.title,
        text: m.body,
        date: m.date,
        url: m.url,
        source_name: m.site_name,
        lang: m.lang,
        lang_fixed: false,
        ..RawRecord::default()
    }
}

/// A `.txt`/`.md` note: front matter, then a title (front matter, else `# heading` in
/// Markdown, else a first line followed by a blank line in plain text), then the text.
fn note_record(content: &str, markdown: bool) -> RawRecord {
    let (front, body) = split_front_matter(content);
    let get = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            front
                .iter()
                .find(|(fk, _)| fk == k)
                .and_then(|(_, v)| non_empty(v))
        })
    };
    let mut rec = RawRecord {
        id: get(&["id", "guid"]),
        title: get(&["title", "headline"]),
        date: get(&["date", "published", "pubdate"]),
        url: get(&["url", "link"]),
        source_name: get(&["source"]),
        lang: get(&["lang", "language"]),
        section: get(&["section", "category"]),
        lang_fixed: false,
        ..RawRecord::default()
    };
    let mut text = body.to_string();
    if rec.title.is_none() {
        let found = if markdown {
            markdown_title(body)
        } else {
            text_title(body)
        };
        if let Some((title, rest)) = found {
            rec.title = non_empty(&title);
            text = rest;
        }
    }
    rec.text = non_empty(&text);
    rec
}

/// Splits `---` front matter (simple `key: value` lines) from the body. Without a closing
/// `---` (or `...`) line there is no front matter: the whole file is the body.
fn split_front_matter(content: &str) -> (Vec<(String, String)>, &str) {
    let mut lines = content.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (Vec::new(), content);
    };
    if first.trim_end() != "---" {
        return (Vec::new(), content);
    }
    let mut offset = first.len();
    let mut pairs = Vec::new();
    for line in lines {
        offset += line.len();
        let t = line.trim();
        if t == "---" || t == "..." {
            return (pairs, content.get(offset..).unwrap_or(""));
        }
        if t.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = t.split_once(':') {
            pairs.push((k.trim().to_ascii_lowercase(), unquote(v.trim()).to_string()));
        }
    }
    (Vec::new(), content)
}

/// `"value"` / `'value'` → `value`.
fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// The first ATX level-1 heading (`# Title`) outside code fences; the heading line is
/// removed from the text.
fn markdown_title(body: &str) -> Option<(String, String)> {
    let mut in_fence = false;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim_start_matches(' ');
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.len() - t.len() > 3 {
            continue;
        }
        if let Some(rest) = t.strip_prefix("# ").or_else(|| t.strip_prefix("#\t")) {
            let title = rest.trim().trim_end_matches('#').trim().to_string();
            let mut text = String::with_capacity(body.len());
            text.push_str(body.get(..start).unwrap_or(""));
            text.push_str(body.get(offset..).unwrap_or(""));
            return Some((title, text));
        }
    }
    None
}

/// Plain text: the first non-blank line is the title when a blank line follows it.
fn text_title(body: &str) -> Option<(String, String)> {
    let mut lines = body.split_inclusive('\n');
    let mut offset = 0;
    let first = loop {
        let line = lines.next()?;
        offset += line.len();
        if !line.trim().is_empty() {
            break line;
        }
    };
    let next = lines.next()?;
    if !next.trim().is_empty() {
        return None;
    }
    Some((
        first.trim().to_string(),
        body.get(offset..).unwrap_or("").to_string(),
    ))
}

/// UTF-8 (BOM removed); anything else is taken as Windows-1252, the usual encoding of
/// older French text files, rather than dropping the article.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| cp1252(b)).collect(),
    }
}

/// One Windows-1252 byte as a char (0x80–0x9F differ from Latin-1: `’`, `€`, `œ`…).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, content: &[u8], format: Format) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let mut items = Vec::new();
        read(&p, format, &mut |it| items.push(it)).unwrap();
        items
    }

    fn one(items: &[Item]) -> &RawRecord {
        assert_eq!(items.len(), 1);
        match &items[0] {
            Item::Record(r) => r,
            Item::Reject(r) => panic!("{r:?}"),
        }
    }

    #[test]
    fn markdown_with_front_matter() {
        let md = "---\nid: note-7\ndate: \"8 mars 2022\"\nsource: 'Carnet'\nlang: fr\nauthor: moi\n---\n\n# Danone cède une filiale\n\nLe groupe a annoncé la cession à Paris.\n";
        let items = run("danone.md", md.as_bytes(), Format::Markdown);
        let r = one(&items);
        assert_eq!(r.record, "file danone.md");
        assert_eq!(r.id.as_deref(), Some("note-7"));
        assert_eq!(r.date.as_deref(), Some("8 mars 2022"));
        assert_eq!(r.source_name.as_deref(), Some("Carnet"));
        assert_eq!(r.lang.as_deref(), Some("fr"));
        assert_eq!(r.title.as_deref(), Some("Danone cède une filiale"));
        assert_eq!(
            r.text.as_deref(),
            Some("Le groupe a annoncé la cession à Paris.")
        );
    }

    #[test]
    fn front_matter_title_wins_and_heading_stays_in_text() {
        let md = "---\ntitle: Sanofi, le point\n---\n# Contexte\nUn essai clinique.";
        let r = one(&run("s.md", md.as_bytes(), Format::Markdown)).clone();
        assert_eq!(r.title.as_deref(), Some("Sanofi, le point"));
        assert_eq!(r.text.as_deref(), Some("# Contexte\nUn essai clinique."));
    }

    #[test]
    fn markdown_title_skips_code_and_deeper_headings() {
        let md = "## Sub\n```\n# not a title\n```\n# Real title #\nBody.";
        let (title, text) = markdown_title(md).unwrap();
        assert_eq!(title, "Real title");
        assert_eq!(text, "## Sub\n```\n# not a title\n```\nBody.");
    }

    #[test]
    fn plain_text_title_needs_a_blank_line() {
        let txt = "\nOrange nomme une directrice financière\n\nMme Dupont rejoint l’opérateur le 1er avril.\n";
        let r = one(&run("o.txt", txt.as_bytes(), Format::Text)).clone();
        assert_eq!(
            r.title.as_deref(),
            Some("Orange nomme une directrice financière")
        );
        assert_eq!(
            r.text.as_deref(),
            Some("Mme Dupont rejoint l’opérateur le 1er avril.")
        );
        assert_eq!(r.id, None);

        let txt = "Apple shares fell on Monday.\nThe company said demand was weak.";
        let r = one(&run("a.txt", txt.as_bytes(), Format::Text)).clone();
        assert_eq!(r.title, None);
        assert_eq!(r.text.as_deref(), Some(txt));
    }

    #[test]
    fn unclosed_front_matter_is_text() {
        let txt = "---\ntitle: x\nno closing line";
        let (front, body) = split_front_matter(txt);
        assert!(front.is_empty());
        assert_eq!(body, txt);
    }

    #[test]
    fn windows_1252_fallback_and_empty_file() {
        let r = one(&run("w.txt", b"L\x92op\xe9rateur \x80 Paris", Format::Text)).clone();
        assert_eq!(r.text.as_deref(), Some("L’opérateur € Paris"));
        let r = one(&run("empty.md", b"", Format::Markdown)).clone();
        assert_eq!((r.title, r.text), (None, None));
    }

    #[test]
    fn too_large_file_is_a_reject() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("huge.txt");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(MAX_WHOLE_FILE_BYTES + 1).unwrap();
        let mut items = Vec::new();
        read(&p, Format::Text, &mut |it| items.push(it)).unwrap();
        match items.as_slice() {
            [Item::Reject(r)] => {
                assert_eq!(r.record, "file huge.txt");
                assert_eq!(
                    r.reason,
                    format!(
                        "file too large for a single article ({} bytes, the limit is {MAX_WHOLE_FILE_BYTES} bytes)",
                        MAX_WHOLE_FILE_BYTES + 1
                    )
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_file() {
        let html = "<html lang=\"en\"><head><title>Meta fined</title><meta name=\"date\" content=\"2022-03-11\"></head><body><p>Meta was fined in Dublin.</p></body></html>";
        let r = one(&run("meta.html", html.as_bytes(), Format::Html)).clone();
        assert_eq!(r.record, "file meta.html");
        assert_eq!(r.title.as_deref(), Some("Meta fined"));
        assert_eq!(r.date.as_deref(), Some("2022-03-11"));
        assert_eq!(r.lang.as_deref(), Some("en"));
        assert_eq!(r.text.as_deref(), Some("<p>Meta was fined in Dublin.</p>"));
    }

    #[test]
    fn gzipped_note() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all("# LVMH\n\nRésultats records.".as_bytes())
            .unwrap();
        let r = one(&run("n.md.gz", &gz.finish().unwrap(), Format::Markdown)).clone();
        assert_eq!(r.title.as_deref(), Some("LVMH"));
        assert_eq!(r.text.as_deref(), Some("Résultats records."));
    }
}
