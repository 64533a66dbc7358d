//! Slide, video and transcript links of talks: attached to the talk on or above their line,
//! or read as a talk when the link text names one (`基于容器的containerops解决方案-马彬.pdf`).

use url::Url;

use super::gate::has_str;
use super::names::han_count;
use super::talks_prose::is_slide_line;
use super::talks_title::Acc;
use super::text::{Doc, percent_decode};

fn decoded_name(href: &str) -> Option<String> {
    let u = Url::parse(href).ok()?;
    let last = u.path_segments()?.next_back()?.to_string();
    let dec = percent_decode(&last);
    let stem = dec.rsplit_once('.').map_or(dec.as_str(), |(s, _)| s).to_string();
    Some(stem)
}

/// Splits "title-马彬" into the title and a trailing short Han name.
fn split_trailing_name(s: &str) -> (String, Option<String>) {
    if let Some((t, n)) = s.rsplit_once(['-', '_', '—']) {
        let n = n.trim();
        if (2..=3).contains(&han_count(n)) && n.chars().count() == han_count(n) && !t.trim().is_empty() {
            return (t.trim().to_string(), Some(n.to_string()));
        }
    }
    (s.to_string(), None)
}

/// Attaches the post's media links to its talks; `line_talk` gives the talk found on each line.
pub(super) fn attach_links(doc: &Doc, acc: &mut Acc, line_talk: &[Option<usize>]) {
    const GENERIC: &[&str] =
        &["下载", "讲稿", "slide", "幻灯", "在此", "点此", "ppt", "pdf", "这里", "here", "速记", "视频", "录音"];
    for l in &doc.links {
        let h = l.href.to_lowercase();
        let doc_ext = [".pdf", ".ppt", ".pptx", ".key", ".doc", ".docx"].iter().any(|e| h.ends_with(e));
        let video =
            ["youku", "tudou", "video", "youtube", "vimeo"].iter().any(|w| has_str(&h, w)) || has_str(&l.text, "视频");
        let slides_host = has_str(&h, "slideshare.net") || has_str(&h, "speakerdeck.com");
        // "讲稿：在此": any link on a line that says it offers slides.
        let slide_line = doc.lines.get(l.line).is_some_and(|x| is_slide_line(&x.text));
        if !(doc_ext || video || slides_host || slide_line) {
            continue;
        }
        let transcript =
            l.text.contains("速记") || l.text.contains("文字") || l.text.to_lowercase().contains("transcript");
        let generic = l.text.is_empty() || GENERIC.iter().any(|g| l.text.to_lowercase().contains(g));
        let idx = if !generic && doc_ext {
            let (title, sp) = split_trailing_name(&l.text);
            let sp = sp.or_else(|| decoded_name(&l.href).and_then(|n| split_trailing_name(&n).1));
            acc.add(&title, sp.into_iter().collect())
        } else {
            // The nearest talk on or above the link's line.
            (0..=l.line.min(line_talk.len().saturating_sub(1))).rev().find_map(|i| line_talk.get(i).copied().flatten())
        };
        let (Some(i), Ok(url)) = (idx, Url::parse(&l.href)) else {
            continue;
        };
        let Some(t) = acc.talks.get_mut(i) else {
            continue;
        };
        let slot = if transcript {
            &mut t.transcript
        } else if video && !doc_ext {
            &mut t.video
        } else {
            &mut t.slides
        };
        if slot.is_none() {
            *slot = Some(url);
        }
    }
}
