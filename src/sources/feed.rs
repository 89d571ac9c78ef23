//! RSS 2.0 / RSS 1.0 (RDF) / Atom reader, streaming with quick-xml.
//!
//! The root element decides between RSS and Atom, so a feed is read correctly whatever the
//! pipeline file calls it. Tags are matched by local name (`content:encoded` → `encoded`)
//! because feeds bind namespaces to all sorts of prefixes. Escaped HTML in descriptions is
//! unescaped once and kept as HTML: stripping tags is the normalize stage's job.

use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{non_empty, open_input, Format, Item, RawRecord, Reject, SourceError};

/// How many bytes of the file head are enough to find the root element.
const SNIFF_BYTES: u64 = 16 * 1024;

/// Tells RSS from Atom by the root element: `<rss`/`<rdf:RDF` → Rss, `<feed` → Atom.
/// `Ok(None)` when the file has another root (or none in its first bytes).
pub fn sniff_root(path: &Path) -> Result<Option<Format>, SourceError> {
    let reader = open_input(path)?;
    let mut head = Vec::new();
    reader
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(|source| SourceError::Read {
            path: path.display().to_string(),
            source,
        })?;
    Ok(root_name(&head).and_then(|name| kind_of_root(&name)))
}

fn kind_of_root(local: &str) -> Option<Format> {
    match local.to_ascii_lowercase().as_str() {
        "rss" | "rdf" => Some(Format::Rss),
        "feed" => Some(Format::Atom),
        _ => None,
    }
}

/// Local name of the first element, skipping the BOM, declaration, comments and doctype.
fn root_name(head: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < head.len() {
        if head[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &head[i..];
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!") {
            i += find(rest, b">")? + 1;
        } else {
            let name: Vec<u8> = rest[1..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace() && **b != b'>' && **b != b'/')
                .copied()
                .collect();
            let name = String::from_utf8_lossy(&name).into_owned();
            let local = name.rsplit(':').next().unwrap_or("").to_string();
            return Some(local);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Where captured text goes.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    FeedTitle,
    FeedLang,
    ItemField(String),
}

/// Text being collected for one element, with nested markup re-serialised (Atom
/// `type="xhtml"` content arrives as elements, not text).
struct Capture {
    target: Target,
    depth: usize,
    buf: String,
}

/// The item/entry being read.
struct ItemState {
    number: u64,
    depth: usize,
    fields: Vec<(String, String)>,
    link_href: Option<String>,
    lang: Option<String>,
}

impl ItemState {
    fn get(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| {
            self.fields
                .iter()
                .filter(|(k, _)| k == n)
                .find_map(|(_, v)| non_empty(v))
        })
    }
}

/// Reads one feed and emits one record per `<item>` / `<entry>`.
pub fn read(path: &Path, emit: &mut dyn FnMut(Item)) -> Result<(), SourceError> {
    let shown = path.display().to_string();
    let input = open_input(path)?;
    let mut xml = Reader::from_reader(input);
    // Real feeds often carry a bare `&` in text; keep it rather than drop the file.
    xml.config_mut().allow_dangling_amp = true;

    let mut buf = Vec::new();
    let mut kind: Option<Format> = None;
    let mut stack: Vec<String> = Vec::new();
    let mut feed_title: Option<String> = None;
    let mut feed_lang: Option<String> = None;
    let mut items_seen: u64 = 0;
    let mut item: Option<ItemState> = None;
    let mut capture: Option<Capture> = None;

    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                let at = xml.error_position();
                if kind.is_none() {
                    if let quick_xml::Error::Io(io) = &e {
                        return Err(SourceError::Read {
                            path: shown,
                            source: std::io::Error::new(io.kind(), io.to_string()),
                        });
                    }
                    return Err(SourceError::NotAFeed {
                        path: shown,
                        detail: format!("XML error at byte {at}: {e}"),
                    });
                }
                let n = item.as_ref().map_or(items_seen + 1, |it| it.number);
                emit(reject(
                    &shown,
                    n,
                    format!("XML error at byte {at}: {e}; the rest of the file was skipped"),
                ));
                return Ok(());
            }
        };
        match event {
            Event::Start(e) => {
                let local = local_name(&e);
                if let Some(c) = capture.as_mut() {
                    c.buf.push('<');
                    c.buf.push_str(&String::from_utf8_lossy(&e));
                    c.buf.push('>');
                    stack.push(local);
                    continue;
                }
                stack.push(local.clone());
                let depth = stack.len();
                let Some(k) = kind else {
                    match kind_of_root(&local) {
                        Some(k) => {
                            kind = Some(k);
                            if k == Format::Atom {
                                feed_lang = attr(&e, "lang");
                            }
                        }
                        None => {
                            return Err(SourceError::NotAFeed {
                                path: shown,
                                detail: format!(
                                    "its root element is <{}>",
                                    String::from_utf8_lossy(e.name().as_ref())
                                ),
                            })
                        }
                    }
                    continue;
                };
                let item_tag = if k == Format::Atom { "entry" } else { "item" };
                match item.as_mut() {
                    None if local == item_tag => {
                        items_seen += 1;
                        item = Some(ItemState {
                            number: items_seen,
                            depth,
                            fields: Vec::new(),
                            link_href: None,
                            lang: attr(&e, "lang"),
                        });
                    }
                    Some(it) if depth == it.depth + 1 => {
                        if k == Format::Atom && local == "link" {
                            take_atom_link(&e, it);
                        } else {
                            capture = Some(Capture {
                                target: Target::ItemField(local),
                                depth,
                                buf: String::new(),
                            });
                        }
                    }
                    Some(_) => {}
                    None => {
                        let parent_is_feed = match k {
                            Format::Atom => depth == 2,
                            _ => depth >= 2 && stack[depth - 2] == "channel",
                        };
                        if parent_is_feed && (local == "title" || local == "language") {
                            capture = Some(Capture {
                                target: if local == "title" {
                                    Target::FeedTitle
                                } else {
                                    Target::FeedLang
                                },
                                depth,
                                buf: String::new(),
                            });
                        }
                    }
                }
            }
            Event::Empty(e) => {
                if let Some(c) = capture.as_mut() {
                    c.buf.push('<');
                    c.buf.push_str(&String::from_utf8_lossy(&e));
                    c.buf.push_str("/>");
                } else if let (Some(it), Some(Format::Atom)) = (item.as_mut(), kind) {
                    if stack.len() == it.depth {
                        match local_name(&e).as_str() {
                            "link" => take_atom_link(&e, it),
                            // `<category term="…" label="…"/>`: the label reads better.
                            "category" => {
                                if let Some(c) = attr(&e, "label").or_else(|| attr(&e, "term")) {
                                    it.fields.push(("category".into(), c));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            Event::End(e) => {
                let depth = stack.len();
                stack.pop();
                if let Some(c) = capture.as_mut() {
                    if depth > c.depth {
                        c.buf.push_str("</");
                        c.buf.push_str(&String::from_utf8_lossy(&e));
                        c.buf.push('>');
                        continue;
                    }
                }
                if let Some(c) = capture.take() {
                    match c.target {
                        Target::FeedTitle => feed_title = feed_title.or_else(|| non_empty(&c.buf)),
                        Target::FeedLang => feed_lang = feed_lang.or_else(|| non_empty(&c.buf)),
                        Target::ItemField(name) => {
                            if let Some(it) = item.as_mut() {
                                it.fields.push((name, c.buf));
                            }
                        }
                    }
                    continue;
                }
                if item.as_ref().is_some_and(|it| it.depth == depth) {
                    if let Some(it) = item.take() {
                        let k = kind.unwrap_or(Format::Rss);
                        emit(Item::Record(build_record(
                            &shown,
                            &it,
                            k,
                            &feed_title,
                            &feed_lang,
                        )));
                    }
                }
            }
            Event::Text(t) => {
                if let Some(c) = capture.as_mut() {
                    push_normalized(&mut c.buf, &String::from_utf8_lossy(&t));
                }
            }
            Event::CData(t) => {
                if let Some(c) = capture.as_mut() {
                    push_normalized(&mut c.buf, &String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = capture.as_mut() {
                    let name = String::from_utf8_lossy(&r);
                    match r.resolve_char_ref() {
                        Ok(Some(ch)) => c.buf.push(ch),
                        _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => c.buf.push_str(s),
                            // An HTML entity (`&eacute;`) in a feed without a DTD: keep it,
                            // the normalize stage decodes HTML entities.
                            None => {
                                c.buf.push('&');
                                c.buf.push_str(&name);
                                c.buf.push(';');
                            }
                        },
                    }
                }
            }
            Event::Eof => {
                if kind.is_none() {
                    return Err(SourceError::NotAFeed {
                        path: shown,
                        detail: "no XML element found, the file is empty or not XML".to_string(),
                    });
                }
                if let Some(it) = item {
                    emit(reject(
                        &shown,
                        it.number,
                        "the file ends inside this item (truncated download?)".to_string(),
                    ));
                }
                return Ok(());
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// Appends text with `\r\n` line ends turned into `\n`, as XML requires.
fn push_normalized(buf: &mut String, text: &str) {
    if text.contains('\r') {
        buf.push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
    } else {
        buf.push_str(text);
    }
}

fn local_name(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase()
}

/// Value of the attribute with this local name (`xml:lang` → `lang`), entity-decoded when
/// possible and raw otherwise.
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if !a
            .key
            .local_name()
            .as_ref()
            .eq_ignore_ascii_case(local.as_bytes())
        {
            return None;
        }
        let value = match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        };
        non_empty(&value)
    })
}

/// Atom: the first `<link>` with `rel="alternate"` or no `rel` is the article URL.
fn take_atom_link(e: &BytesStart<'_>, it: &mut ItemState) {
    if it.link_href.is_some() {
        return;
    }
    let rel = attr(e, "rel");
    if rel
        .as_deref()
        .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
    {
        it.link_href = attr(e, "href");
    }
}

fn build_record(
    file: &str,
    it: &ItemState,
    kind: Format,
    feed_title: &Option<String>,
    feed_lang: &Option<String>,
) -> RawRecord {
    let mut r = RawRecord {
        source_file: file.to_string(),
        record: format!("item {}", it.number),
        title: it.get(&["title"]),
        source_name: feed_title.clone(),
        ..RawRecord::default()
    };
    if kind == Format::Atom {
        r.id = it.get(&["id"]);
        r.text = it.get(&["content", "summary"]);
        r.date = it.get(&["published", "updated", "issued", "modified"]);
        r.url = it.link_href.clone().or_else(|| it.get(&["link"]));
        r.lang = it.lang.clone().or_else(|| feed_lang.clone());
    } else {
        r.url = it.get(&["link"]);
        r.id = it.get(&["guid"]).or_else(|| r.url.clone());
        r.text = it.get(&["encoded", "description"]);
        r.date = it.get(&["pubdate", "date"]);
        r.lang = it.get(&["language"]).or_else(|| feed_lang.clone());
    }
    // Every `<category>` of the item, in order, each once.
    let mut sections: Vec<&str> = Vec::new();
    for (k, v) in &it.fields {
        let v = v.trim();
        if k == "category" && !v.is_empty() && !sections.contains(&v) {
            sections.push(v);
        }
    }
    if !sections.is_empty() {
        r.section = Some(sections.join("|"));
    }
    r
}

fn reject(file: &str, n: u64, reason: String) -> Item {
    Item::Reject(Reject {
        source_file: file.to_string(),
        record: format!("item {n}"),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, content: &str) -> Result<Vec<Item>, SourceError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let mut items = Vec::new();
        read(&p, &mut |it| items.push(it))?;
        Ok(items)
    }

    fn rec(item: &Item) -> &RawRecord {
        match item {
            Item::Record(r) => r,
            Item::Reject(r) => panic!("expected a record, got {r:?}"),
        }
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Économie &amp; Marchés</title>
  <language>fr-FR</language>
  <image><title>logo</title></image>
  <item>
    <title>Stellantis gagne des parts de march&#233; au d&#233;triment de Renault</title>
    <link>https://example.org/a1</link>
    <guid isPermaLink="false">eco-001</guid>
    <description>&lt;p&gt;Le groupe d&#8217;automobiles progresse.&lt;/p&gt;</description>
    <pubDate>Tue, 08 Mar 2022 09:30:00 +0100</pubDate>
  </item>
  <item>
    <title><![CDATA[TotalEnergies & l'Afrique]]></title>
    <link>https://example.org/a2</link>
    <description>résumé</description>
    <content:encoded><![CDATA[<p>Le texte <b>complet</b> d’un article.</p>]]></content:encoded>
    <dc:date>2022-03-09T08:00:00Z</dc:date>
    <dc:language>en</dc:language>
  </item>
</channel>
</rss>"#;

    #[test]
    fn rss_items_with_entities_cdata_and_namespaces() {
        let items = run("feed.xml", RSS).unwrap();
        assert_eq!(items.len(), 2);
        let a = rec(&items[0]);
        assert_eq!(a.record, "item 1");
        assert_eq!(a.id.as_deref(), Some("eco-001"));
        assert_eq!(
            a.title.as_deref(),
            Some("Stellantis gagne des parts de marché au détriment de Renault")
        );
        assert_eq!(
            a.text.as_deref(),
            Some("<p>Le groupe d’automobiles progresse.</p>")
        );
        assert_eq!(a.date.as_deref(), Some("Tue, 08 Mar 2022 09:30:00 +0100"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/a1"));
        // The channel title, not the <image> title.
        assert_eq!(a.source_name.as_deref(), Some("Économie & Marchés"));
        assert_eq!(a.lang.as_deref(), Some("fr-FR"));

        let b = rec(&items[1]);
        // No guid: the link is the id.
        assert_eq!(b.id.as_deref(), Some("https://example.org/a2"));
        assert_eq!(b.title.as_deref(), Some("TotalEnergies & l'Afrique"));
        assert_eq!(
            b.text.as_deref(),
            Some("<p>Le texte <b>complet</b> d’un article.</p>")
        );
        assert_eq!(b.date.as_deref(), Some("2022-03-09T08:00:00Z"));
        assert_eq!(b.lang.as_deref(), Some("en"));
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Tech Wire</title>
  <link href="https://example.org/"/>
  <entry>
    <id>urn:uuid:1</id>
    <title>Microsoft signs a cloud deal</title>
    <link rel="enclosure" href="https://example.org/pic.jpg"/>
    <link rel="alternate" href="https://example.org/msft?a=1&amp;b=2"/>
    <updated>2022-03-10T12:00:00Z</updated>
    <summary>Short.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Microsoft <em>won</em> a contract.</p><br/></div></content>
  </entry>
  <entry xml:lang="fr">
    <id>urn:uuid:2</id>
    <title type="html">Orange &lt;b&gt;recrute&lt;/b&gt;</title>
    <link href="https://example.org/orange"></link>
    <published>2022-03-11T07:00:00+01:00</published>
    <updated>2022-03-12T07:00:00+01:00</updated>
    <summary>L’opérateur embauche à Paris.</summary>
  </entry>
</feed>"#;
        let items = run("tech.atom", atom).unwrap();
        assert_eq!(items.len(), 2);
        let a = rec(&items[0]);
        assert_eq!(a.id.as_deref(), Some("urn:uuid:1"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/msft?a=1&b=2"));
        assert_eq!(a.date.as_deref(), Some("2022-03-10T12:00:00Z"));
        assert_eq!(
            a.text.as_deref(),
            Some(
                r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>Microsoft <em>won</em> a contract.</p><br/></div>"#
            )
        );
        assert_eq!(a.source_name.as_deref(), Some("Tech Wire"));
        assert_eq!(a.lang.as_deref(), Some("en"));
        let b = rec(&items[1]);
        assert_eq!(b.title.as_deref(), Some("Orange <b>recrute</b>"));
        assert_eq!(b.url.as_deref(), Some("https://example.org/orange"));
        assert_eq!(b.date.as_deref(), Some("2022-03-11T07:00:00+01:00"));
        assert_eq!(b.text.as_deref(), Some("L’opérateur embauche à Paris."));
        assert_eq!(b.lang.as_deref(), Some("fr"));
    }

    #[test]
    fn malformed_part_way_keeps_earlier_items() {
        let broken = r#"<rss><channel><title>W</title>
<item><title>Apple record profit</title><guid>1</guid></item>
<item><title>Ford recall</title><guid>2</wrong></item>
<item><title>never read</title></item>
</channel></rss>"#;
        let items = run("broken.rss", broken).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(rec(&items[0]).title.as_deref(), Some("Apple record profit"));
        match &items[1] {
            Item::Reject(r) => {
                assert_eq!(r.record, "item 2");
                assert!(r.reason.starts_with("XML error at byte "), "{}", r.reason);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_feed_rejects_the_open_item() {
        let items = run(
            "cut.xml",
            "<rss><channel><item><title>Amazon</title><description>Amaz",
        )
        .unwrap();
        assert_eq!(items.len(), 1);
        assert!(
            matches!(&items[0], Item::Reject(r) if r.record == "item 1" && r.reason.contains("ends inside"))
        );
    }

    #[test]
    fn not_a_feed_is_a_file_error() {
        assert!(matches!(
            run("a.xml", "<catalog><book/></catalog>"),
            Err(SourceError::NotAFeed { .. })
        ));
        assert!(matches!(
            run("b.xml", ""),
            Err(SourceError::NotAFeed { .. })
        ));
        assert!(matches!(
            run("c.xml", "just text, no markup"),
            Err(SourceError::NotAFeed { .. })
        ));
        assert!(matches!(
            run("d.xml", "<rss <<"),
            Err(SourceError::NotAFeed { .. })
        ));
    }

    #[test]
    fn rdf_feed_and_bare_ampersand() {
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel><title>Old feed</title></channel>
<item><title>BNP Paribas & Sanofi</title><link>https://example.org/x</link><description>Texte</description></item>
</rdf:RDF>"#;
        let items = run("old.rdf", rdf).unwrap();
        let r = rec(&items[0]);
        assert_eq!(r.title.as_deref(), Some("BNP Paribas & Sanofi"));
        assert_eq!(r.source_name.as_deref(), Some("Old feed"));
        assert_eq!(r.id.as_deref(), Some("https://example.org/x"));
    }

    #[test]
    fn root_sniffing() {
        assert_eq!(
            root_name(b"\xEF\xBB\xBF<?xml version='1.0'?><!DOCTYPE rss><rss>").as_deref(),
            Some("rss")
        );
        assert_eq!(
            root_name(b"<!-- <feed> --><rdf:RDF>").as_deref(),
            Some("RDF")
        );
        assert_eq!(root_name(b"<feed/>").as_deref(), Some("feed"));
        assert_eq!(root_name(b"<!-- never closed"), None);
        assert_eq!(root_name(b""), None);
    }

    #[test]
    fn categories_become_the_section() {
        let rss = r#"<rss version="2.0"><channel><title>Wire</title>
<item><title>Airbus livre 60 avions</title><category>Économie</category>
<category domain="x">Aéronautique</category><category>Économie</category></item>
<item><title>Sans rubrique</title><category> </category></item>
</channel></rss>"#;
        let items = run("f.xml", rss).unwrap();
        assert_eq!(
            rec(&items[0]).section.as_deref(),
            Some("Économie|Aéronautique")
        );
        assert_eq!(rec(&items[1]).section, None);
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>Carrefour ouvre des magasins</title><id>e1</id>
<category term="retail" label="Distribution"/><category term="france"/></entry>
</feed>"#;
        let items = run("a.xml", atom).unwrap();
        assert_eq!(
            rec(&items[0]).section.as_deref(),
            Some("Distribution|france")
        );
    }
}
