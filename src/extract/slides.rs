//! Slide text cleanup: text pulled out of PDF decks is full of U+FFFD, Kangxi radicals doubled
//! beside the real character (`⽂文` for `文`) and lines broken mid-word. Also a short abstract
//! and keywords for a talk.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

fn is_radical(c: char) -> bool {
    ('\u{2e80}'..='\u{2fdf}').contains(&c)
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '·' | '–' | '-' | '*' | '►' | '▪' | '●' | '○' | '◦')
}

/// NFKC, except full-width punctuation (，：（）), which Chinese text keeps.
fn nfkc_char(c: char, out: &mut String) {
    if ('\u{ff01}'..='\u{ff5e}').contains(&c) && !c.is_alphanumeric() {
        out.push(c);
    } else {
        out.extend(std::iter::once(c).nfkc());
    }
}

/// Cleans text extracted from slides: NFKC, no U+FFFD, doubled radical glyphs collapsed (only
/// where a radical stands right before the character it normalizes to: `人人` stays), lines
/// broken inside a phrase re-joined, runs of blank lines and spaces collapsed.
pub fn clean_slide_text(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut s = String::with_capacity(raw.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '\u{fffd}' {
            s.push(' ');
            continue;
        }
        if c.is_control() && c != '\n' && c != '\t' {
            continue;
        }
        if is_radical(c) {
            let n: String = std::iter::once(c).nfkc().collect();
            if chars.get(i + 1).is_some_and(|next| n.chars().eq(std::iter::once(*next))) {
                continue;
            }
        }
        nfkc_char(c, &mut s);
    }
    // Lines: trimmed, inner spaces collapsed.
    let lines: Vec<String> = s.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let mut out: Vec<String> = Vec::new();
    let mut prev_blank = true;
    for line in lines {
        if line.is_empty() {
            if !prev_blank {
                out.push(String::new());
            }
            prev_blank = true;
            continue;
        }
        let first = line.chars().next().unwrap_or(' ');
        let join = !prev_blank
            && out.last().is_some_and(|p| {
                let last = p.chars().next_back().unwrap_or(' ');
                !is_bullet(first)
                    && !"。！？.!?:：;；)）".contains(last)
                    && ((is_han(last) && is_han(first)) || (last.is_alphabetic() && first.is_lowercase()))
            });
        if join {
            if let Some(p) = out.last_mut() {
                let last = p.chars().next_back().unwrap_or(' ');
                if last.is_ascii_alphabetic() {
                    p.push(' ');
                }
                p.push_str(&line);
            }
        } else {
            out.push(line);
        }
        prev_blank = false;
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

const STOP: &[&str] = &["the", "and", "of", "on", "in", "to", "a", "vs", "or", "for", "with", "is", "it"];

/// A short abstract (the first substantial lines, up to about 120 characters) and up to eight
/// keywords (recurring terms: Latin words and Han phrases) of cleaned slide text.
pub fn abstract_and_keywords(text: &str) -> (String, Vec<String>) {
    let mut parts: Vec<String> = Vec::new();
    let mut len = 0;
    for line in text.lines() {
        let l = line.trim().trim_start_matches(|c: char| is_bullet(c) || c.is_whitespace());
        let content = l.chars().filter(|c| c.is_alphanumeric()).count();
        if content < 6 {
            continue;
        }
        len += l.chars().count();
        parts.push(l.to_string());
        if len >= 120 || parts.len() >= 4 {
            break;
        }
    }
    let summary = parts.join("；");

    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    let mut order = 0;
    let mut bump = |w: String, counts: &mut HashMap<String, (usize, usize)>| {
        order += 1;
        counts.entry(w).or_insert((0, order)).0 += 1;
    };
    for tok in text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#')) {
        if tok.is_empty() {
            continue;
        }
        if tok.chars().all(|c| c.is_ascii_alphabetic())
            && tok.len() >= 2
            && !STOP.contains(&tok.to_lowercase().as_str())
        {
            bump(tok.to_string(), &mut counts);
        } else if tok.chars().all(is_han) {
            let cs: Vec<char> = tok.chars().collect();
            for n in 2..=4 {
                for w in cs.windows(n) {
                    bump(w.iter().collect(), &mut counts);
                }
            }
        }
    }
    let mut ranked: Vec<(String, usize, usize)> =
        counts.into_iter().filter(|(_, (n, _))| *n >= 2).map(|(w, (n, o))| (w, n, o)).collect();
    ranked.sort_by(|a, b| {
        (b.1 * b.0.chars().count().min(4)).cmp(&(a.1 * a.0.chars().count().min(4))).then(a.2.cmp(&b.2))
    });
    let mut keywords: Vec<String> = Vec::new();
    for (w, _, _) in ranked {
        if keywords.iter().any(|k| k.contains(w.as_str()) || w.contains(k.as_str())) {
            continue;
        }
        keywords.push(w);
        if keywords.len() >= 8 {
            break;
        }
    }
    (summary, keywords)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_only_artefact_doublings() {
        assert_eq!(clean_slide_text("持续的验证和提升的⽂文化"), "持续的验证和提升的文化");
        assert_eq!(clean_slide_text("人人为我，谢谢"), "人人为我，谢谢");
        assert_eq!(clean_slide_text("前 \u{fffd} EMC \u{fffd} 中国"), "前 EMC 中国");
        assert_eq!(clean_slide_text("开发环境的虚\n拟机 \u{fffd}"), "开发环境的虚拟机");
    }
}
