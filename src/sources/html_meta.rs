//! Metadata and article body of one HTML page, found with a small tag scan.
//!
//! A full HTML parser would be heavier than the job: we only need a handful of `<meta>`
//! tags, `<title>`, `<html lang>`, the canonical link and where the article starts and
//! ends. Tag stripping happens later, in the normalize stage.

use std::sync::LazyLock;

use regex::Regex;

use super::non_empty;

/// What an HTML page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlMeta {
    /// `og:title` / `twitter:title`, else `<title>` (entities decoded, spaces collapsed).
    pub title: Option<String>,
    /// First of the publication-date meta tags, else the first `<time datetime>`.
    pub date: Option<String>,
    /// `<link rel="canonical">`, else `og:url`.
    pub url: Option<String>,
    /// `<html lang>` (or `xml:lang`).
    pub lang: Option<String>,
    /// `og:site_name`: the publisher, used as the record's source name.
    pub site_name: Option<String>,
    /// Raw inner HTML of the first `<article>`, else of `<body>`, else the whole page.
    pub body: Option<String>,
}

/// Meta names that carry a publication date, best first.
const DATE_KEYS: [&str; 10] = [
    "article:published_time",
    "og:published_time",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "pubdate",
    "publishdate",
    "datepublished",
];

static META_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<meta\b[^>]*>").unwrap_or_else(|e| unreachable!("static regex: {e}"))
});
static LINK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<link\b[^>]*>").unwrap_or_else(|e| unreachable!("static regex: {e}"))
});
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<html\b[^>]*>").unwrap_or_else(|e| unreachable!("static regex: {e}"))
});
static TIME_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<time\b[^>]*>").unwrap_or_else(|e| unreachable!("static regex: {e}"))
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<title\b[^>]*>(.*?)</title\s*>")
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#)
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

/// Extracts the page's metadata and article body.
pub fn extract(html: &str) -> HtmlMeta {
    let metas = meta_pairs(html);
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            metas
                .iter()
                .filter(|(name, _)| name == k)
                .find_map(|(_, v)| clean(v))
        })
    };

    let title = meta(&["og:title", "twitter:title"]).or_else(|| {
        TITLE
            .captures(html)
            .and_then(|c| c.get(1))
            .and_then(|m| clean(m.as_str()))
    });
    let date = meta(&DATE_KEYS).or_else(|| {
        TIME_TAG.find_iter(html).find_map(|m| {
            attrs(m.as_str())
                .into_iter()
                .find(|(k, _)| k == "datetime")
                .and_then(|(_, v)| clean(&v))
        })
    });
    let canonical = LINK_TAG.find_iter(html).find_map(|m| {
        let a = attrs(m.as_str());
        let is_canonical = a.iter().any(|(k, v)| {
            k == "rel"
                && v.split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
        });
        if is_canonical {
            a.into_iter()
                .find(|(k, _)| k == "href")
                .and_then(|(_, v)| clean(&v))
        } else {
            None
        }
    });
    let url = canonical.or_else(|| meta(&["og:url"]));
    let lang = HTML_TAG.find(html).and_then(|m| {
        let a = attrs(m.as_str());
        let find = |key: &str| a.iter().find(|(k, _)| k == key).and_then(|(_, v)| clean(v));
        find("lang").or_else(|| find("xml:lang"))
    });
    let lower = html.to_ascii_lowercase();
    let body = inner_html(html, &lower, "article")
        .or_else(|| inner_html(html, &lower, "body"))
        .unwrap_or(html);

    HtmlMeta {
        title,
        date,
        url,
        lang,
        site_name: meta(&["og:site_name"]),
        body: non_empty(body),
    }
}

/// `(name, content)` of every `<meta>` tag, the name taken from `name`, `property`,
/// `itemprop` or `http-equiv` and lower-cased (sites disagree on `DC.date` vs `dc.date`).
fn meta_pairs(html: &str) -> Vec<(String, String)> {
    META_TAG
        .find_iter(html)
        .filter_map(|m| {
            let a = attrs(m.as_str());
            let name = a
                .iter()
                .find(|(k, _)| {
                    matches!(k.as_str(), "name" | "property" | "itemprop" | "http-equiv")
                })
                .map(|(_, v)| v.trim().to_ascii_lowercase())?;
            let content = a
                .into_iter()
                .find(|(k, _)| k == "content")
                .map(|(_, v)| v)?;
            Some((name, content))
        })
        .collect()
}

/// Attributes of one tag, names lower-cased, values as written.
fn attrs(tag: &str) -> Vec<(String, String)> {
    ATTR.captures_iter(tag)
        .filter_map(|c| {
            let key = c.get(1)?.as_str().to_ascii_lowercase();
            let value = c
                .get(2)
                .or_else(|| c.get(3))
                .or_else(|| c.get(4))?
                .as_str()
                .to_string();
            Some((key, value))
        })
        .collect()
}

/// Entity-decoded, whitespace-collapsed value; `None` when empty.
fn clean(raw: &str) -> Option<String> {
    let decoded = html_escape::decode_html_entities(raw);
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    non_empty(&collapsed)
}

/// Byte index of the next opening `<tag` (followed by space, `>` or `/`) at or after `from`.
fn find_open(lower: &str, tag: &str, from: usize) -> Option<usize> {
    let needle = format!("<{tag}");
    let mut at = from;
    while let Some(rel) = lower.get(at..)?.find(&needle) {
        let start = at + rel;
        let after = lower.as_bytes().get(start + needle.len()).copied();
        match after {
            Some(b) if b.is_ascii_whitespace() || b == b'>' || b == b'/' => return Some(start),
            None => return None,
            _ => at = start + needle.len(),
        }
    }
    None
}

/// Raw inner HTML of the first `<tag>` element, matching nested tags of the same name; an
/// unclosed element runs to the end of the page. `lower` is the ASCII-lower-cased page (same
/// byte offsets, so every slice lands on a char boundary: all cut points are ASCII `<`/`>`).
fn inner_html<'a>(html: &'a str, lower: &str, tag: &str) -> Option<&'a str> {
    let open = find_open(lower, tag, 0)?;
    let content_start = open + lower.get(open..)?.find('>')? + 1;
    let close_needle = format!("</{tag}");
    let mut depth = 1usize;
    let mut at = content_start;
    loop {
        let next_close = lower.get(at..)?.find(&close_needle).map(|i| at + i);
        let next_open = find_open(lower, tag, at);
        match (next_open, next_close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + 1;
            }
            (_, Some(c)) => {
                depth -= 1;
                if depth == 0 {
                    return html.get(content_start..c);
                }
                at = c + 1;
            }
            (_, None) => return html.get(content_start..),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="fr-FR" class="no-js">
<head>
  <meta charset="utf-8">
  <title>Airbus décroche une commande géante &ndash; Le Journal</title>
  <meta property="og:title" content="Airbus d&eacute;croche une commande g&eacute;ante">
  <META NAME="DC.date.issued" CONTENT="2022-03-10">
  <meta property="article:published_time" content="2022-03-10T08:15:00+01:00" />
  <meta property="og:site_name" content='Le Journal éco'>
  <meta property="og:url" content="https://example.org/og">
  <link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://example.org/airbus-commande">
</head>
<body>
  <nav>Menu</nav>
  <article class="story"><h1>Airbus</h1><p>L’avionneur a signé à Toulouse…</p>
    <article class="related">Voir aussi</article>
  <p>Fin.</p></article>
  <footer>© 2022</footer>
</body></html>"#;

    #[test]
    fn extracts_meta_and_article() {
        let m = extract(PAGE);
        assert_eq!(
            m.title.as_deref(),
            Some("Airbus décroche une commande géante")
        );
        // article:published_time outranks DC.date.issued.
        assert_eq!(m.date.as_deref(), Some("2022-03-10T08:15:00+01:00"));
        assert_eq!(
            m.url.as_deref(),
            Some("https://example.org/airbus-commande")
        );
        assert_eq!(m.lang.as_deref(), Some("fr-FR"));
        assert_eq!(m.site_name.as_deref(), Some("Le Journal éco"));
        let body = m.body.unwrap();
        assert!(body.starts_with("<h1>Airbus</h1>"), "{body}");
        assert!(
            body.contains("Voir aussi</article>") && body.ends_with("<p>Fin.</p>"),
            "{body}"
        );
        assert!(!body.contains("Menu") && !body.contains("2022</footer>"));
    }

    #[test]
    fn fallbacks_title_time_body() {
        let page = "<html><head><title>\n  Tesla recalls cars &amp; trucks\n</title>\
                    <meta property=\"og:url\" content=\"https://example.org/t\"></head>\
                    <body class=x><p>Posted <time datetime=\"2022-03-07\">Monday</time> in California.</p></body></html>";
        let m = extract(page);
        assert_eq!(m.title.as_deref(), Some("Tesla recalls cars & trucks"));
        assert_eq!(m.date.as_deref(), Some("2022-03-07"));
        assert_eq!(m.url.as_deref(), Some("https://example.org/t"));
        assert_eq!(m.lang, None);
        assert_eq!(
            m.body.as_deref(),
            Some("<p>Posted <time datetime=\"2022-03-07\">Monday</time> in California.</p>")
        );
    }

    #[test]
    fn fragments_and_garbage_do_not_panic() {
        let m = extract("<p>Just a fragment about Danone’s results</p>");
        assert_eq!(
            m.body.as_deref(),
            Some("<p>Just a fragment about Danone’s results</p>")
        );
        for s in [
            "",
            "<",
            "<body",
            "<article>é",
            "<articles>x</articles>",
            "<body><article",
            "<meta content=\"x\">",
            "<title>é",
        ] {
            let _ = extract(s);
        }
        // An unclosed article runs to the end.
        assert_eq!(
            extract("<body><article>Sanofi à Lyon").body.as_deref(),
            Some("Sanofi à Lyon")
        );
        // `<articles>` is not `<article>`.
        assert_eq!(
            extract("<body><articles>x</articles></body>")
                .body
                .as_deref(),
            Some("<articles>x</articles>")
        );
    }
}
