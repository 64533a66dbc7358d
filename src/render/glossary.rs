//! English glosses of Chinese titles from the glossary in `locales/glossary.toml` (recurring
//! terms: 沙龙 salon, 总结 recap, 报名 registration…), dates (`10月31日` → `31 Oct`) and the
//! cities of the message catalogs. A title with any Chinese word left uncovered gets none:
//! a half-translated title helps nobody.

use std::collections::{BTreeMap, HashMap};

use super::i18n::Catalog;
use crate::extract::Lang;

const GLOSSARY: &str = include_str!("../../locales/glossary.toml");

#[derive(serde::Deserialize)]
struct File {
    terms: BTreeMap<String, String>,
}

/// Chinese terms and their English, longest first.
pub struct Glossary {
    terms: Vec<(Vec<char>, String)>,
    /// The places in `terms` of the terms starting with each character, in order: a title's
    /// term is looked for among those alone. Trying every term at every character was 40 M
    /// instructions for the 3,800 titles of a large week (W47 of the benchmark corpus), on the
    /// build's one thread between reading and rendering.
    by_first: HashMap<char, Vec<usize>>,
    /// The place of the first empty term, if any (it starts every text; the longest-first
    /// order puts it after all others).
    empty: Option<usize>,
}

/// The language a title is written in: Chinese when it has Han characters, else `declared`
/// (sources mislabel their language often enough that the title's own script decides).
pub fn title_lang(title: &str, declared: Lang) -> Lang {
    if title.chars().any(is_han) { Lang::Zh } else { declared }
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn punct(c: char) -> Option<&'static str> {
    Some(match c {
        '，' | '、' => ", ",
        '：' => ": ",
        '；' => "; ",
        '。' => ". ",
        '（' => " (",
        '）' => ") ",
        '《' | '》' | '“' | '”' => "\"",
        '！' => "! ",
        '？' => "? ",
        '　' => " ",
        _ => return None,
    })
}

impl Glossary {
    /// The built-in glossary plus the catalogs' city names.
    pub fn builtin(catalog: &Catalog) -> Glossary {
        let file: File = toml::from_str(GLOSSARY).unwrap_or(File { terms: BTreeMap::new() });
        let mut terms: Vec<(Vec<char>, String)> =
            file.terms.into_iter().map(|(zh, en)| (zh.chars().collect(), en)).collect();
        for id in catalog.city_ids() {
            terms.push((catalog.msg(Lang::Zh, &id, &[]).chars().collect(), catalog.msg(Lang::En, &id, &[])));
        }
        terms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for (k, (zh, _)) in terms.iter().enumerate() {
            if let Some(&c) = zh.first() {
                by_first.entry(c).or_default().push(k);
            }
        }
        let empty = terms.iter().position(|(zh, _)| zh.is_empty());
        Glossary { terms, by_first, empty }
    }

    /// The first term (longest first) that `rest` starts with: what trying every term in
    /// order finds, since a non-empty term `rest` starts with starts with its first character.
    fn term_at(&self, rest: &[char]) -> Option<&(Vec<char>, String)> {
        let starting = rest.first().and_then(|c| self.by_first.get(c)).map_or(&[][..], Vec::as_slice);
        starting
            .iter()
            .map(|&k| &self.terms[k])
            .find(|(zh, _)| rest.starts_with(zh))
            .or_else(|| self.empty.map(|k| &self.terms[k]))
    }

    /// The English gloss of a Chinese title, if every Chinese word in it is known.
    pub fn gloss(&self, catalog: &Catalog, title: &str) -> Option<String> {
        let chars: Vec<char> = title.chars().collect();
        if !chars.iter().copied().any(is_han) {
            return None;
        }
        let mut out = String::new();
        let mut space_next = false;
        let emit = |out: &mut String, s: &str, replaced: bool, space_next: &mut bool| {
            let alnum_edge = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
            if (replaced && alnum_edge(out.chars().last())) || (*space_next && alnum_edge(s.chars().next())) {
                out.push(' ');
            }
            out.push_str(s);
            *space_next = replaced && !s.is_empty();
        };
        let mut i = 0;
        while i < chars.len() {
            if let Some((len, date)) = month_day(catalog, &chars[i..]) {
                emit(&mut out, &date, true, &mut space_next);
                i += len;
                continue;
            }
            if let Some((zh, en)) = self.term_at(&chars[i..]) {
                emit(&mut out, en, true, &mut space_next);
                i += zh.len();
                continue;
            }
            let c = chars[i];
            if is_han(c) {
                return None;
            }
            match punct(c) {
                Some(p) => {
                    out.push_str(p);
                    space_next = false;
                }
                None => emit(&mut out, c.encode_utf8(&mut [0; 4]), false, &mut space_next),
            }
            i += 1;
        }
        let gloss = out.split_whitespace().collect::<Vec<_>>().join(" ");
        let gloss = gloss.replace(" ,", ",").replace(" )", ")").replace("( ", "(");
        (!gloss.is_empty()).then_some(gloss)
    }
}

/// `10月31日` or `10 月 31 日` at the start of `s`: its length in chars and `31 Oct`.
fn month_day(catalog: &Catalog, s: &[char]) -> Option<(usize, String)> {
    let mut i = 0;
    let number = |i: &mut usize| -> Option<u32> {
        while s.get(*i) == Some(&' ') {
            *i += 1;
        }
        let start = *i;
        while s.get(*i).is_some_and(|c| c.is_ascii_digit()) && *i - start < 2 {
            *i += 1;
        }
        let n: String = s[start..*i].iter().collect();
        while s.get(*i) == Some(&' ') {
            *i += 1;
        }
        n.parse().ok()
    };
    let month = number(&mut i)?;
    (s.get(i) == Some(&'月')).then_some(())?;
    i += 1;
    let day = number(&mut i)?;
    (s.get(i) == Some(&'日') || s.get(i) == Some(&'号')).then_some(())?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(())?;
    Some((i + 1, format!("{day} {}", catalog.msg(Lang::En, &format!("month-{month}"), &[]))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_titles_made_of_known_terms_only() {
        let c = Catalog::builtin().unwrap();
        let g = Glossary::builtin(&c);
        assert_eq!(
            g.gloss(&c, "Techparty-广州 10 月 31 日 Docker 专场沙龙 开始报名").as_deref(),
            Some("Techparty-Guangzhou 31 Oct Docker special salon registration open")
        );
        assert_eq!(
            g.gloss(&c, "Techparty-广州10月31日Docker专场沙龙活动总结").as_deref(),
            Some("Techparty-Guangzhou 31 Oct Docker special salon recap")
        );
        assert_eq!(g.gloss(&c, "深圳讲师征集（截止11月1日）").as_deref(), None, "截止 is not in the glossary");
        assert_eq!(g.gloss(&c, "深圳讲师征集：Docker").as_deref(), Some("Shenzhen call for speakers: Docker"));
        assert_eq!(g.gloss(&c, "Docker 1.9 released"), None, "English titles need no gloss");
        assert_eq!(g.gloss(&c, "打造Docker航运的基础设施"), None);
    }

    #[test]
    fn term_at_finds_what_trying_every_term_finds() {
        let c = Catalog::builtin().unwrap();
        let mut g = Glossary::builtin(&c);
        let mut pieces: Vec<String> = g.terms.iter().map(|(zh, _)| zh.iter().collect()).collect();
        // Prefixes of terms, look-alikes and what lies between terms in titles.
        pieces.extend(g.terms.iter().filter(|(zh, _)| zh.len() > 1).map(|(zh, _)| zh[..zh.len() - 1].iter().collect()));
        pieces.extend(["广", "州", "10月31日", " ", "Docker", "，", "（", "打造", "a", "中"].map(String::from));
        let check = |g: &Glossary, rng: &mut crate::test_docs::Xorshift| {
            for _ in 0..5_000 {
                let title: String = (0..1 + rng.below(8)).map(|_| pieces[rng.below(pieces.len())].as_str()).collect();
                let chars: Vec<char> = title.chars().collect();
                for i in 0..chars.len() {
                    let every = g.terms.iter().find(|(zh, _)| chars[i..].starts_with(zh));
                    assert_eq!(g.term_at(&chars[i..]), every, "{title} at {i}");
                }
            }
        };
        let mut rng = crate::test_docs::Xorshift(0x5eed_6c05);
        check(&g, &mut rng);
        // With an empty term too (it matches where nothing longer does).
        g.terms.push((Vec::new(), "empty".into()));
        g.empty = Some(g.terms.len() - 1);
        check(&g, &mut rng);
    }
}
