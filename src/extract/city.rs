//! Cities in both languages, found in text, categories or a source hint. The table is built in
//! and can take extra names (per-source overrides from config).

use std::collections::HashMap;
use std::sync::OnceLock;

use memchr::memmem::Finder;

use super::City;
use super::gate::lowercases_to_ascii;
use super::text::lowercase;

/// Known cities: English name, Chinese name, extra aliases (lowercase for Latin).
#[derive(Debug, Clone)]
pub struct CityTable {
    entries: Vec<(String, String, Vec<String>)>,
    /// The first two bytes of every Chinese name and alias (built on first use).
    starts: OnceLock<Starts>,
    /// What [`CityTable::lookup`] compares, to the first entry with it (built on first use).
    index: OnceLock<Index>,
    /// A searcher for each name [`CityTable::mentions`] looks for, by entry: the Chinese name,
    /// then the aliases (built on first use; `str::find` set one up per name and call).
    finders: OnceLock<Vec<Vec<Finder<'static>>>>,
}

/// Entries by lowercase English name or alias, and by Chinese name: the first entry for each.
#[derive(Debug, Clone, Default)]
struct Index {
    lower: HashMap<String, usize>,
    zh: HashMap<String, usize>,
}

const BUILTIN: &[(&str, &str, &[&str])] = &[
    ("Guangzhou", "广州", &["guangzhou", "天河", "珠江新城", "海珠区", "gztechparty"]),
    ("Shenzhen", "深圳", &["shenzhen", "南山区", "福田", "sztechparty"]),
    ("Beijing", "北京", &["beijing", "帝都", "中关村"]),
    ("Shanghai", "上海", &["shanghai"]),
    ("Zhuhai", "珠海", &["zhuhai"]),
    ("Foshan", "佛山", &["foshan"]),
    ("Dongguan", "东莞", &["dongguan"]),
    ("Hangzhou", "杭州", &["hangzhou"]),
    ("Chengdu", "成都", &["chengdu"]),
    ("Hong Kong", "香港", &["hong kong", "hongkong"]),
    ("Zhongshan", "中山", &["zhongshan"]),
    ("Nanjing", "南京", &["nanjing"]),
    ("Xiamen", "厦门", &["xiamen"]),
    ("Wuhan", "武汉", &["wuhan"]),
    ("Tianjin", "天津", &["tianjin"]),
    ("Shantou", "汕头", &["shantou"]),
];

impl Default for CityTable {
    fn default() -> Self {
        CityTable {
            entries: BUILTIN
                .iter()
                .map(|(en, zh, a)| (en.to_string(), zh.to_string(), a.iter().map(|s| s.to_string()).collect()))
                .collect(),
            starts: OnceLock::new(),
            index: OnceLock::new(),
            finders: OnceLock::new(),
        }
    }
}

impl CityTable {
    /// Adds a city (or aliases of a known one, matched by English or Chinese name).
    pub fn add(&mut self, en: &str, zh: &str, aliases: &[&str]) {
        self.starts = OnceLock::new();
        self.index = OnceLock::new();
        self.finders = OnceLock::new();
        let extra = aliases.iter().map(|s| s.to_lowercase());
        if let Some(e) = self.entries.iter_mut().find(|e| e.0.eq_ignore_ascii_case(en) || e.1 == zh) {
            e.2.extend(extra);
        } else {
            self.entries.push((en.to_string(), zh.to_string(), extra.collect()));
        }
    }

    fn city(&self, i: usize) -> Option<City> {
        self.entries.get(i).map(|e| City { en: e.0.clone(), zh: e.1.clone() })
    }

    /// The city named by a whole string (category, hint): English, Chinese or alias.
    pub fn lookup(&self, name: &str) -> Option<City> {
        // The first entry whose English name (lowercased) or an alias is `n`, or whose Chinese name is the name.
        let index = self.index.get_or_init(|| {
            let mut ix = Index::default();
            for (i, e) in self.entries.iter().enumerate() {
                ix.lower.entry(e.0.to_lowercase()).or_insert(i);
                for a in &e.2 {
                    ix.lower.entry(a.clone()).or_insert(i);
                }
                ix.zh.entry(e.1.clone()).or_insert(i);
            }
            ix
        });
        let n = lowercase(name.trim());
        let i = [index.lower.get(&n), index.zh.get(name.trim())].into_iter().flatten().min()?;
        self.city(*i)
    }

    /// Cities mentioned in `text`, with the byte offset of their first mention, in text order.
    /// Skips "中山大学" (a university, not Zhongshan) and similar.
    pub fn mentions(&self, text: &str) -> Vec<(usize, City)> {
        if !self.may_mention(text) {
            return Vec::new();
        }
        self.search(text)
    }

    /// [`Self::mentions`] without the look for where a name may start.
    fn search(&self, text: &str) -> Vec<(usize, City)> {
        let lower = lowercase(text);
        let finders = self.finders.get_or_init(|| {
            let names = |e: &(String, String, Vec<String>)| {
                std::iter::once(&e.1).chain(e.2.iter()).map(|n| Finder::new(n.as_bytes()).into_owned()).collect()
            };
            self.entries.iter().map(names).collect()
        });
        let mut out = Vec::new();
        for ((i, e), finders) in self.entries.iter().enumerate().zip(finders) {
            let mut first: Option<usize> = None;
            let names = std::iter::once(&e.1).chain(e.2.iter());
            for (n, finder) in names.zip(finders) {
                let hay = if n.is_ascii() { &lower } else { text };
                let mut from = 0;
                // What `str::find` finds: a match of UTF-8 in UTF-8 starts at a character.
                while let Some(p) = hay.get(from..).and_then(|h| finder.find(h.as_bytes())) {
                    let at = from + p;
                    let after = hay.get(at + n.len()..).unwrap_or("");
                    let ok = !(e.1 == "中山"
                        && (after.starts_with("大学") || after.starts_with("路") || after.starts_with("公园")));
                    let word_ok = !n.is_ascii()
                        || (!hay
                            .get(..at)
                            .and_then(|s| s.chars().next_back())
                            .is_some_and(|c| c.is_ascii_alphanumeric())
                            && !after.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()));
                    if ok && word_ok {
                        first = Some(first.map_or(at, |f: usize| f.min(at)));
                        break;
                    }
                    from = at + n.len();
                }
            }
            if let (Some(p), Some(c)) = (first, self.city(i)) {
                out.push((p, c));
            }
        }
        out.sort_by_key(|(p, _)| *p);
        out
    }

    /// False only when [`Self::mentions`] finds no city in `text`: no two adjacent bytes of it
    /// start a name, ASCII letters in any case. `mentions` looks for Latin names in the
    /// lowercased text and for the others in the text itself; the first two bytes of a name
    /// found there are two adjacent bytes here, except through the two characters whose
    /// lowercase is ASCII (U+0130 `İ`, U+212A Kelvin sign), which always get the full search.
    /// (It was a regex of all the names, case-insensitive: 8.7 M instructions of the 30-feed
    /// fetch for 139 titles, most of them building its automaton's states; this is a table
    /// look-up per byte.)
    fn may_mention(&self, text: &str) -> bool {
        if lowercases_to_ascii(text) {
            return true;
        }
        let starts = self
            .starts
            .get_or_init(|| Starts::new(self.entries.iter().flat_map(|e| std::iter::once(&e.1).chain(&e.2))));
        starts.short || text.as_bytes().windows(2).any(|w| starts.has(w[0], w[1]))
    }

    /// The first city named in `text`.
    pub fn first_in(&self, text: &str) -> Option<City> {
        self.mentions(text).into_iter().next().map(|(_, c)| c)
    }
}

/// The pairs of bytes that start a name, ASCII letters folded to lowercase: a bit per pair.
#[derive(Debug, Clone)]
struct Starts {
    bits: Box<[u64; 1024]>,
    /// Some name is shorter than two bytes (it may be found anywhere).
    short: bool,
}

/// `x` with an ASCII uppercase letter made lowercase.
fn fold(x: u8) -> u8 {
    x | (u8::from(x.is_ascii_uppercase()) << 5)
}

impl Starts {
    fn new<'n>(names: impl Iterator<Item = &'n String>) -> Self {
        let mut s = Starts { bits: Box::new([0; 1024]), short: false };
        for n in names {
            match n.as_bytes() {
                [a, b, ..] => {
                    let k = Self::index(*a, *b);
                    s.bits[k / 64] |= 1 << (k % 64);
                }
                _ => s.short = true,
            }
        }
        s
    }

    fn index(a: u8, b: u8) -> usize {
        usize::from(fold(a)) << 8 | usize::from(fold(b))
    }

    /// Whether the pair `a`, `b` starts a name.
    fn has(&self, a: u8, b: u8) -> bool {
        let k = Self::index(a, b);
        self.bits[k / 64] >> (k % 64) & 1 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cities_in_both_languages() {
        let t = CityTable::default();
        assert_eq!(t.first_in("Techparty-深圳 10 月").map(|c| c.en), Some("Shenzhen".into()));
        assert_eq!(t.lookup("guangzhou").map(|c| c.zh), Some("广州".into()));
        assert_eq!(t.first_in("中山大学西门"), None);
        assert_eq!(t.first_in("Meetup in Beijing").map(|c| c.zh), Some("北京".into()));
        let mut t2 = t.clone();
        t2.add("Macau", "澳门", &["macao"]);
        assert_eq!(t2.first_in("macao meetup").map(|c| c.en), Some("Macau".into()));
        assert_eq!(t2.first_in("MACAO 澳门").map(|c| c.en), Some("Macau".into()));
        assert_eq!(t.first_in("HONG \u{212a}ONG").map(|c| c.en), Some("Hong Kong".into()));
        assert_eq!(t.lookup(" ShenZhen ").map(|c| c.zh), Some("深圳".into()));
        assert!(t.mentions("no city here").is_empty());
    }

    /// The filter of [`CityTable::mentions`] as it was: one case-insensitive regex of all names.
    fn may_mention_regex(t: &CityTable, text: &str) -> bool {
        let names = t.entries.iter().flat_map(|e| std::iter::once(&e.1).chain(&e.2));
        let alternation = names.map(|n| regex::escape(n)).collect::<Vec<_>>().join("|");
        let re = regex::bytes::RegexBuilder::new(&alternation).unicode(false).case_insensitive(true).build().unwrap();
        lowercases_to_ascii(text) || re.is_match(text.as_bytes())
    }

    #[test]
    fn pair_filter_skips_only_texts_without_a_city() {
        const PIECES: &[&str] = &[
            "广州",
            "深圳",
            "GuangZhou",
            "hong kong",
            "HONG",
            " ",
            "kong",
            "中山",
            "大学",
            "路",
            "\u{130}",
            "\u{212a}",
            "ong",
            "Σ",
            "techparty",
            "sz",
            "gz",
            "天",
            "河",
            "珠江新城",
            "帝都",
            "-",
            "a",
            "x",
            "MACAO",
            "澳",
            "门",
            "ſ",
            "é",
            "广",
            "州",
            "汉",
            "武",
            "Wu",
            "han",
            "中文",
            "1",
            "Shang",
            "hai",
        ];
        let mut t = CityTable::default();
        let plain = t.clone();
        t.add("Macau", "澳门", &["macao"]);
        let mut short = t.clone();
        short.add("X", "XZ", &["x"]);
        let (mut skipped, mut found) = (0, 0);
        for text in crate::test_docs::random_docs(PIECES, 5, 0xc17e).take(8_000) {
            for table in [&plain, &t, &short] {
                let all = table.search(&text);
                assert_eq!(table.mentions(&text), all, "{text:?}");
                // Wherever the regex let a text through, so does the pair filter.
                assert!(!may_mention_regex(table, &text) || table.may_mention(&text), "{text:?}");
                skipped += usize::from(!table.may_mention(&text));
                found += usize::from(!all.is_empty());
            }
        }
        assert!(skipped > 100 && found > 1_000, "{skipped} {found}");
    }
}
