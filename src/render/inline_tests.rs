//! [`inline_pair`] against inlining each page whole, on issues generated from a seed and
//! rendered by the built-in templates.

use super::{footer_page, inline_pair, splice};
use crate::render::i18n::{Catalog, Edition, Text};
use crate::render::view::{EditionLink, EventView, LinksView, Medium, NewsletterView, PostView, TalkView};
use crate::render::{Renderer, inline_css, newsletter_context};
use crate::test_docs::Xorshift;

/// Text pieces, hostile ones among them: markup (escaped by the templates), the footer's own
/// markup, entities, quotes, control characters, CJK and emoji.
const PIECES: &[&str] = &[
    "社区",
    "Meetup",
    " ",
    "  ",
    "Rust 2026",
    "<b>",
    "</td></tr>",
    "</table>",
    "<table><tr>",
    "<tr><td class=\"foot\">",
    "<td class=\"foot\" style=\"x\">",
    "<!--",
    "-->",
    "<script>",
    "&amp;",
    "&",
    "&#x27;",
    "\"",
    "'",
    "`",
    "=",
    "\u{a0}",
    "\r\n",
    "\t",
    "\u{0}",
    "—",
    "🎉",
    "https://example.org/a?b=1&c=2",
];

struct Rng(Xorshift);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    fn chance(&mut self) -> bool {
        self.0.next() & 1 == 0
    }

    fn words(&mut self) -> String {
        (0..self.below(4)).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }

    fn maybe(&mut self) -> Option<String> {
        self.chance().then(|| self.words())
    }

    fn text(&mut self) -> Text {
        Text::new(self.words(), self.words(), Edition::Both)
    }

    fn talks(&mut self) -> Vec<TalkView> {
        (0..self.below(3))
            .map(|_| TalkView {
                title: self.words(),
                speakers: self.words(),
                slides: self.maybe(),
                video: self.maybe(),
            })
            .collect()
    }

    fn event(&mut self) -> EventView {
        EventView {
            id: self.words(),
            title: self.words(),
            title_alt: self.maybe(),
            date: "2026-11-20".into(),
            when: self.text(),
            city: self.chance().then(|| self.text()),
            venue: self.maybe(),
            registration: self.maybe(),
            url: self.maybe(),
            talks: self.talks(),
            updated: self.chance(),
        }
    }

    fn post(&mut self) -> PostView {
        PostView {
            id: self.words(),
            title: self.words(),
            title_alt: self.maybe(),
            url: self.maybe(),
            lang: if self.chance() { "zh" } else { "en" },
            sources: self.words(),
            author: self.maybe(),
            date: self.chance().then(|| self.text()),
            kind: "article",
            kind_label: self.text(),
            deadline: self.chance().then(|| self.text()),
            summary: self.words(),
            events: (0..self.below(3)).map(|_| self.event()).collect(),
            talks: self.talks(),
        }
    }

    fn links(&mut self) -> LinksView {
        let link = |r: &mut Rng| EditionLink { label: r.text(), url: r.words() };
        LinksView {
            web: self.maybe(),
            feed: self.maybe(),
            calendar: self.maybe(),
            archive: self.maybe(),
            unsubscribe: self.maybe(),
            editions: (0..self.below(3)).map(|_| link(self)).collect(),
            footer: (0..self.below(5)).map(|_| link(self)).collect(),
        }
    }
}

#[test]
fn an_email_spliced_from_its_web_page_is_the_email_inlined_whole() {
    let renderer = Renderer::new(None).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let mut rng = Rng(Xorshift(0x9e37_79b9_7f4a_7c15));
    for case in 0..300 {
        let edition = Edition::ALL[case % 3];
        let view = NewsletterView {
            edition,
            medium: Medium::Web,
            lang: edition.html_lang(),
            title: rng.text(),
            week: "2026-W47".into(),
            week_start: "2026-11-16".into(),
            week_end: "2026-11-22".into(),
            range: rng.text(),
            subject: rng.words(),
            preheader: rng.words(),
            post_count: 0,
            event_count: 0,
            labels: catalog.labels(edition),
            no_events: rng.text(),
            new_posts: (0..rng.below(6)).map(|_| rng.post()).collect(),
            upcoming: (0..rng.below(4)).map(|_| rng.event()).collect(),
            recaps: (0..rng.below(3)).map(|_| rng.post()).collect(),
            links: rng.links(),
        };
        let mut context = newsletter_context(&view).unwrap();
        let shared = renderer.newsletter_shared(&context).unwrap();
        let (web, _) = renderer.newsletter_with(&shared, &context).unwrap();
        let data = context.data_mut().as_object_mut().unwrap();
        data.insert("medium".into(), serde_json::to_value(Medium::Email).unwrap());
        data.insert("links".into(), serde_json::to_value(rng.links()).unwrap());
        let (email, _) = renderer.newsletter_with(&shared, &context).unwrap();

        let whole = (inline_css(&web).unwrap(), inline_css(&email).unwrap());
        assert_eq!(inline_pair(&web, &email, shared.html_len()).unwrap(), whole, "case {case}");
        // The pair was spliced, not inlined whole again.
        let small = footer_page(&web, &email, shared.html_len().unwrap()).expect("a footer page");
        assert!(small.len() < email.len(), "case {case}");
        assert_eq!(splice(&whole.0, &inline_css(&small).unwrap()).as_ref(), Some(&whole.1), "case {case}");
    }
}

#[test]
fn pages_unlike_the_built_in_template_are_inlined_whole() {
    let head = "<!DOCTYPE html><html><head><style>p { color: red; } .foot { color: blue; }</style></head><body><table>";
    let rows = "<tr><td class=\"pad\"><p>a</p></td></tr>";
    let web = format!("{head}{rows}<tr><td class=\"foot\"><p>web</p></td></tr></table></body></html>");
    let email = format!("{head}{rows}<tr><td class=\"foot\"><p>mail</p></td></tr></table></body></html>");
    let whole = |a: &str, b: &str| (inline_css(a).unwrap(), inline_css(b).unwrap());
    let shared = head.len() + rows.len();
    // As the built-in template: spliced, and the same.
    assert!(footer_page(&web, &email, shared).is_some());
    assert_eq!(inline_pair(&web, &email, Some(shared)).unwrap(), whole(&web, &email));
    // A replaced template (no shared part), a wrong length, a footer cell above the split,
    // pages that differ above it: whole.
    assert_eq!(inline_pair(&web, &email, None).unwrap(), whole(&web, &email));
    assert!(footer_page(&web, &email, shared - 1).is_none());
    let twice = |page: &str| page.replacen("<p>a</p>", "<table><tr><td class=\"foot\">x</td></tr></table>", 1);
    let (web2, email2) = (twice(&web), twice(&email));
    let shared2 = shared + web2.len() - web.len();
    assert_eq!(inline_pair(&web2, &email2, Some(shared2)).unwrap(), whole(&web2, &email2));
    assert!(splice(&inline_css(&web2).unwrap(), &inline_css(&email2).unwrap()).is_none());
    let other = email.replacen("<p>a</p>", "<p>b</p>", 1);
    assert!(footer_page(&web, &other, shared).is_none());
    assert_eq!(inline_pair(&web, &other, Some(shared)).unwrap(), whole(&web, &other));
}

#[test]
fn the_built_in_styles_look_at_no_siblings() {
    // The splice keeps an element's style only if it depends on the element and its ancestors
    // (see the module's comment): no sibling combinator or pseudo-class (`+`, `~`,
    // `:first-child`, `:nth-child`…) in a rule of the built-in newsletter.
    let (_, rest) = crate::render::BUILTIN[0].1.split_once("<style>").unwrap();
    let (css, _) = rest.split_once("</style>").unwrap();
    let selectors: Vec<&str> =
        css.lines().filter_map(|l| l.split_once('{').map(|(s, _)| s.trim())).filter(|s| !s.starts_with('@')).collect();
    assert!(selectors.len() > 20, "{selectors:?}");
    for s in selectors {
        assert!(!s.contains(['+', '~', ':']), "{s}");
    }
}
