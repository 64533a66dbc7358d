//! Sanitizing item HTML: no script, style, iframe, object, embed, form, event handlers,
//! `style` attributes or javascript:/data: URLs; relative URLs made absolute. Runs where item
//! HTML is output ([`super::raw::RawHtml::sanitized`]), not in the parse stage.

use std::cell::RefCell;
use std::collections::HashSet;

use ammonia::{Builder, UrlRelative};
use url::Url;

/// Tags kept: ordinary document structure. Everything else is unwrapped (its text kept),
/// except `script`/`style` and friends, whose content is dropped.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
];

/// Tags removed together with their content.
pub(super) const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "form", "noscript", "template", "textarea", "select", "svg", "math",
];

/// URL schemes links and images may use.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "ftp", "tel"];

/// Whether sanitizing keeps elements named `tag` (others are unwrapped or dropped).
pub fn keeps_tag(tag: &str) -> bool {
    TAGS.contains(&tag)
}

/// Whether sanitizing drops elements named `tag` together with their content.
pub fn drops_content(tag: &str) -> bool {
    DROP_WITH_CONTENT.contains(&tag)
}

/// The element of [`drops_content`] named `tag` in any ASCII case, as the list spells it.
pub fn drops_content_nocase(tag: &str) -> Option<&'static str> {
    DROP_WITH_CONTENT.iter().copied().find(|d| d.eq_ignore_ascii_case(tag))
}

/// The allow-list, built once per thread: building it (a dozen hash sets) cost about as much
/// as cleaning a short item. Only the base URL changes from call to call.
fn builder() -> Builder<'static> {
    let mut b = Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(["lang", "title", "dir"].into_iter().collect())
        .add_tag_attributes("a", ["href", "hreflang"])
        .add_tag_attributes("img", ["src", "alt", "width", "height", "title"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .add_tag_attributes("ol", ["start", "reversed"])
        .add_tag_attributes("time", ["datetime"])
        .add_tag_attributes("blockquote", ["cite"])
        .add_tag_attributes("q", ["cite"])
        .url_schemes(URL_SCHEMES.iter().copied().collect::<HashSet<_>>())
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    b
}

thread_local! {
    static BUILDER: RefCell<Builder<'static>> = RefCell::new(builder());
}

/// Cleans untrusted HTML and resolves its links against `base`.
pub fn sanitize_html(html: &str, base: &Url) -> String {
    clean(html, Some(base))
}

/// [`sanitize_html`]; without a base, relative URLs are kept as written.
pub(crate) fn clean(html: &str, base: Option<&Url>) -> String {
    BUILDER.with_borrow_mut(|b| {
        b.url_relative(match base {
            Some(base) => UrlRelative::RewriteWithBase(base.clone()),
            None => UrlRelative::PassThrough,
        });
        b.clean(&super::prepare_html(html)).to_string()
    })
}

/// `clean(html, base).len()`, without making the string: the cleaned document is serialized
/// into a byte counter (no buffer, no UTF-8 check, no copy into a `String`).
pub(crate) fn clean_len(html: &str, base: Option<&Url>) -> usize {
    /// Counts the bytes written to it.
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    BUILDER.with_borrow_mut(|b| {
        b.url_relative(match base {
            Some(base) => UrlRelative::RewriteWithBase(base.clone()),
            None => UrlRelative::PassThrough,
        });
        let mut count = Count(0);
        // Writing to a counter cannot fail.
        let _ = b.clean(&super::prepare_html(html)).write_to(&mut count);
        count.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_dangerous_and_absolutizes() {
        let base = Url::parse("http://docker.cn/blog/2014/09/29/post.html").unwrap();
        let out = sanitize_html(
            r#"<p style="color:red" onclick="x()">Hi <a href="../other.html" onmouseover="y()">link</a></p>
<script>alert(1)</script><style>p{}</style><iframe src="http://evil/"></iframe>
<img src="/img/a.png" alt="A" width="10" onerror="alert(1)"><a href="javascript:alert(1)">js</a>
<img src="data:text/html;base64,PHNjcmlwdD4="><form action="/x"><input name="q"></form>
<table><tr><td>1</td></tr></table><pre><code>x &lt; y</code></pre><h2>T</h2><blockquote>q</blockquote>"#,
            &base,
        );
        for bad in ["script", "alert", "style", "iframe", "onerror", "onclick", "javascript:", "data:", "form", "input"]
        {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains(r#"href="http://docker.cn/blog/2014/09/other.html""#), "{out}");
        assert!(out.contains(r#"src="http://docker.cn/img/a.png""#), "{out}");
        assert!(out.contains(r#"alt="A""#) && out.contains(r#"width="10""#));
        for good in ["<p>", "<table>", "<td>1</td>", "<pre><code>x &lt; y</code></pre>", "<h2>T</h2>", "<blockquote>"] {
            assert!(out.contains(good), "{good} missing in {out}");
        }
        assert_eq!(clean_len(&out, Some(&base)), clean(&out, Some(&base)).len());
    }
}
