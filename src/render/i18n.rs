//! Bilingual labels from the message catalogs in `locales/{zh,en}/digest.ftl` (Fluent):
//! section headings, post kinds, dates, weekdays, time ranges and cities. Templates print
//! these; they hold no words of their own.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::{Datelike, NaiveDate, NaiveTime};
// The concurrent bundle (its memoizer behind a lock) lets the editions render on several threads.
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;

use super::RenderError;
use crate::extract::{City, Lang};

const ZH: &str = include_str!("../../locales/zh/digest.ftl");
const EN: &str = include_str!("../../locales/en/digest.ftl");

/// Which languages an edition shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    /// Chinese and English side by side (`index.html`).
    Both,
    /// Chinese only (`index.zh.html`).
    Zh,
    /// English only (`index.en.html`).
    En,
}

impl Edition {
    /// All editions, in file order.
    pub const ALL: [Edition; 3] = [Edition::Both, Edition::Zh, Edition::En];

    /// `both`, `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Edition::Both => "both",
            Edition::Zh => "zh",
            Edition::En => "en",
        }
    }

    /// The file-name infix: `""`, `".zh"` or `".en"` (`index.zh.html`).
    pub fn infix(self) -> &'static str {
        match self {
            Edition::Both => "",
            Edition::Zh => ".zh",
            Edition::En => ".en",
        }
    }

    /// The HTML `lang` attribute of the edition.
    pub fn html_lang(self) -> &'static str {
        match self {
            Edition::Both | Edition::Zh => "zh-CN",
            Edition::En => "en",
        }
    }

    /// Whether a reader of this edition reads `lang` (the bilingual edition reads both).
    pub fn reads(self, lang: Lang) -> bool {
        matches!((self, lang), (Edition::Both, _) | (Edition::Zh, Lang::Zh) | (Edition::En, Lang::En))
    }
}

/// A text in both languages, plus what the edition being rendered shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
    /// For the edition: `中文 · English`, `中文` or `English`.
    pub text: String,
}

impl Text {
    /// Combines the two languages for `edition` (one copy when they are equal).
    pub fn new(zh: String, en: String, edition: Edition) -> Text {
        let text = match edition {
            Edition::Zh => zh.clone(),
            Edition::En => en.clone(),
            Edition::Both if zh == en => zh.clone(),
            Edition::Both => format!("{zh} · {en}"),
        };
        Text { zh, en, text }
    }
}

/// A value handed to a message.
pub enum Arg {
    /// Printed as is.
    Str(String),
    /// A count (selects plural forms).
    Num(i64),
}

/// The compiled Chinese and English catalogs.
pub struct Catalog {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    /// [`Catalog::date`]'s results: a week's thousands of posts fall on a few dozen days, and
    /// formatting one (three messages) cost more than the rest of a post's view.
    dates: Mutex<HashMap<(Lang, NaiveDate), String>>,
}

fn bundle(source: &str, lang: &str, file: &str) -> Result<FluentBundle<FluentResource>, RenderError> {
    let bad = |message: String| RenderError::Template { file: file.to_string(), message };
    let resource = FluentResource::try_new(source.to_string())
        .map_err(|(_, errs)| bad(format!("{} syntax errors, first: {:?}", errs.len(), errs.first())))?;
    let id = lang.parse().map_err(|e| bad(format!("{e:?}")))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: plain text and mail clients show them.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).map_err(|errs| bad(format!("{errs:?}")))?;
    Ok(bundle)
}

impl Catalog {
    /// The built-in catalogs.
    pub fn builtin() -> Result<Catalog, RenderError> {
        Ok(Catalog {
            zh: bundle(ZH, "zh-CN", "locales/zh/digest.ftl")?,
            en: bundle(EN, "en", "locales/en/digest.ftl")?,
            dates: Mutex::default(),
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Whether the catalog of `lang` has message `id`.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// Message `id` in `lang` with `args`; a missing message shows its id (a test keeps the
    /// catalogs complete).
    pub fn msg(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Str(s) => fargs.set(*name, FluentValue::from(s.clone())),
                Arg::Num(n) => fargs.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, Some(&fargs), &mut errors).into_owned()
    }

    /// Message `id` in both languages for `edition`.
    pub fn text(&self, edition: Edition, id: &str, args: &[(&str, Arg)]) -> Text {
        Text::new(self.msg(Lang::Zh, id, args), self.msg(Lang::En, id, args), edition)
    }

    /// Every `label-*`, `section-*`, `footer-*`, `edition-*` and `archive-*` message without
    /// arguments, keyed by id with `-` as `_` (`labels.section_new.text`).
    pub fn labels(&self, edition: Edition) -> BTreeMap<String, Text> {
        const PREFIXES: [&str; 5] = ["label-", "section-", "footer-", "edition-", "archive-"];
        message_ids(ZH)
            .filter(|id| PREFIXES.iter().any(|p| id.starts_with(p)))
            .map(|id| (id.replace('-', "_"), self.text(edition, id, &[])))
            .collect()
    }

    /// `10月31日（周六）` / `Sat 31 Oct`.
    pub fn date(&self, lang: Lang, d: NaiveDate) -> String {
        // A poisoned lock still holds whole entries: each is inserted in one step.
        let mut dates = self.dates.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        dates.entry((lang, d)).or_insert_with(|| self.msg(lang, "date", &self.day_args(lang, d))).clone()
    }

    /// `2015年10月31日` / `31 Oct 2015`.
    pub fn date_year(&self, lang: Lang, d: NaiveDate) -> String {
        let mut args = self.day_args(lang, d);
        args.push(("year", Arg::Str(d.year().to_string())));
        self.msg(lang, "date-year", &args)
    }

    fn day_args(&self, lang: Lang, d: NaiveDate) -> Vec<(&'static str, Arg)> {
        vec![
            ("month", Arg::Str(self.msg(lang, &format!("month-{}", d.month()), &[]))),
            ("day", Arg::Str(d.day().to_string())),
            ("weekday", Arg::Str(self.msg(lang, &format!("weekday-{}", d.weekday().number_from_monday()), &[]))),
        ]
    }

    /// `2015年10月26日–11月1日` / `26 Oct – 1 Nov 2015`.
    pub fn week_range(&self, edition: Edition, a: NaiveDate, b: NaiveDate) -> Text {
        let one = |lang| {
            let month = |d: NaiveDate| Arg::Str(self.msg(lang, &format!("month-{}", d.month()), &[]));
            let args = [
                ("year", Arg::Str(b.year().to_string())),
                ("month1", month(a)),
                ("day1", Arg::Str(a.day().to_string())),
                ("month2", month(b)),
                ("day2", Arg::Str(b.day().to_string())),
            ];
            self.msg(lang, "week-range", &args)
        };
        Text::new(one(Lang::Zh), one(Lang::En), edition)
    }

    /// `13:30–17:30`, `13:30`, or nothing.
    pub fn time_range(&self, lang: Lang, start: Option<NaiveTime>, end: Option<NaiveTime>) -> Option<String> {
        let hm = |t: NaiveTime| t.format("%H:%M").to_string();
        match (start, end) {
            (Some(s), Some(e)) => {
                Some(self.msg(lang, "time-range", &[("start", Arg::Str(hm(s))), ("end", Arg::Str(hm(e)))]))
            }
            (Some(s), None) => Some(hm(s)),
            _ => None,
        }
    }

    /// A day with its time range: `10月31日（周六）13:30–17:30 · Sat 31 Oct, 13:30–17:30`.
    pub fn when(&self, edition: Edition, d: NaiveDate, start: Option<NaiveTime>, end: Option<NaiveTime>) -> Text {
        let one = |lang| {
            let date = self.date(lang, d);
            match self.time_range(lang, start, end) {
                Some(time) => self.msg(lang, "date-time", &[("date", Arg::Str(date)), ("time", Arg::Str(time))]),
                None => date,
            }
        };
        Text::new(one(Lang::Zh), one(Lang::En), edition)
    }

    /// A city: the catalogs' names when they know it (`city-guangzhou`), else its own.
    pub fn city(&self, edition: Edition, city: &City) -> Text {
        let id = format!("city-{}", city.en.to_lowercase().replace(' ', "-").replace('\'', ""));
        let name = |lang, own: &str| if self.has(lang, &id) { self.msg(lang, &id, &[]) } else { own.to_string() };
        Text::new(name(Lang::Zh, &city.zh), name(Lang::En, &city.en), edition)
    }

    /// The ids of the city messages (`city-guangzhou`, …).
    pub fn city_ids(&self) -> Vec<String> {
        message_ids(ZH).filter(|id| id.starts_with("city-")).map(str::to_string).collect()
    }

    /// The city of a Chinese or English name the catalogs know (`广州`, `guangzhou`).
    pub fn find_city(&self, name: &str) -> Option<City> {
        let name = name.trim();
        message_ids(ZH).filter(|id| id.starts_with("city-")).find_map(|id| {
            let (zh, en) = (self.msg(Lang::Zh, id, &[]), self.msg(Lang::En, id, &[]));
            (zh == name || en.eq_ignore_ascii_case(name)).then_some(City { zh, en })
        })
    }
}

/// The message ids of a catalog source, in file order.
fn message_ids(source: &str) -> impl Iterator<Item = &str> {
    source.lines().filter_map(|l| {
        let (id, _) = l.split_once(" = ")?;
        (!id.starts_with([' ', '#', '-']) && !id.is_empty()).then_some(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_have_the_same_messages() {
        let zh: Vec<_> = message_ids(ZH).collect();
        let en: Vec<_> = message_ids(EN).collect();
        assert_eq!(zh, en);
        let c = Catalog::builtin().unwrap();
        for id in zh {
            assert!(c.has(Lang::Zh, id) && c.has(Lang::En, id), "{id}");
        }
    }

    #[test]
    fn dates_times_and_cities_in_both_languages() {
        let c = Catalog::builtin().unwrap();
        let d = NaiveDate::from_ymd_opt(2015, 10, 31).unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(
            c.when(Edition::Both, d, t(13, 30), t(17, 30)).text,
            "10月31日（周六）13:30–17:30 · Sat 31 Oct, 13:30–17:30"
        );
        assert_eq!(c.when(Edition::Zh, d, None, None).text, "10月31日（周六）");
        assert_eq!(c.when(Edition::En, d, t(14, 0), None).text, "Sat 31 Oct, 14:00");
        assert_eq!(c.date_year(Lang::Zh, d), "2015年10月31日");
        let gz = City { zh: "广州".into(), en: "Guangzhou".into() };
        assert_eq!(c.city(Edition::Both, &gz).text, "广州 · Guangzhou");
        assert_eq!(c.find_city("广州"), Some(gz));
        let odd = City { zh: "佛冈".into(), en: "Fogang".into() };
        assert_eq!(c.city(Edition::En, &odd).text, "Fogang");
    }

    #[test]
    fn plurals_and_labels() {
        let c = Catalog::builtin().unwrap();
        let pre = |p, e| c.msg(Lang::En, "preheader", &[("posts", Arg::Num(p)), ("events", Arg::Num(e))]);
        assert_eq!(pre(1, 2), "One new post and 2 upcoming events this week.");
        assert_eq!(
            c.msg(Lang::Zh, "preheader", &[("posts", Arg::Num(4)), ("events", Arg::Num(0))]),
            "本周 4 篇新帖，0 场近期活动。"
        );
        let labels = c.labels(Edition::Both);
        assert_eq!(labels["section_upcoming"].text, "近期活动 · Upcoming events");
        assert_eq!(c.labels(Edition::En)["footer_unsubscribe"].text, "Unsubscribe");
    }
}
