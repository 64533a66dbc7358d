//! `build`: everything a week's issue is made of, rendered from the store and written
//! atomically. No clock or randomness reaches the outputs: the same store and templates give
//! byte-identical files (`now` only stamps new translation-cache rows).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{BuildReport, PipelineError};
use crate::config::Config;
use crate::deliver::{self, OutputFile, eml, ics};
use crate::render::feeds::{self, FeedMeta};
use crate::render::view::upcoming_window;
use crate::render::{self, Catalog, Edition, Issue, Medium, Renderer, archive, events};
use crate::store::Store;
use crate::week::Week;

/// How far back posts are read for the events they announce.
const ANNOUNCE_WEEKS: i64 = 26;

pub(super) fn build_week(
    config: &Config,
    store: &mut Store,
    week: Week,
    templates: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<BuildReport, PipelineError> {
    let renderer = Renderer::new(templates)?;
    let catalog = Catalog::builtin()?;
    let tz = config.timezone;
    let posts = store.posts_between(week.first_day(), week.last_day(), tz)?;
    // Events are announced weeks ahead: read the posts of the last months up to this week
    // (never later ones, so rebuilding an old week gives the same issue); of them, only what
    // the events are made of.
    let context = store.event_posts_between(week.first_day() - Duration::weeks(ANNOUNCE_WEEKS), week.last_day(), tz)?;
    // The event list and the summaries are independent: made on two threads.
    let (all_events, (summaries, post_events)) = std::thread::scope(|s| {
        let events = s.spawn(|| (events::collect(&context), render::view::post_events(&posts)));
        let summaries = render::view::summaries(&posts);
        let (all, per_post) = events.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (all, (summaries, per_post))
    });
    let (from, to) = upcoming_window(week, config.upcoming_weeks);
    // An event an earlier issue featured is left out unless its details changed since.
    let label = week.to_string();
    let featured = store.featured_before(&label, "event")?;
    let upcoming = events::unseen_or_changed(events::between(&all_events, from, to), &featured);
    let mut titled: Vec<_> = posts.clone();
    titled.extend(context.iter().filter(|p| p.item.events.iter().any(|e| e.date >= from && e.date <= to)).cloned());
    let alt_titles = crate::translate::alt_titles(config.translate.as_ref(), store, &catalog, &titled, now);
    let issue = Issue {
        config,
        catalog: &catalog,
        week,
        posts: &posts,
        summaries: &summaries,
        post_events: &post_events,
        upcoming: &upcoming,
        alt_titles: &alt_titles,
    };

    let dir = PathBuf::from(week.to_string());
    let host = config.site_host();
    let date = eml::send_date(week, tz);
    let mut files = edition_files(&issue, &renderer, &dir, &host, date)?;

    let name = format!("{} · {}", config.title_zh, config.title_en);
    let meta = ics::CalendarMeta { name: &name, timezone: tz, host: &host, stamp: date.with_timezone(&Utc) };
    let this_issue = events::between(&all_events, week.first_day(), to);
    files.push(OutputFile {
        path: dir.join("events.ics"),
        bytes: ics::calendar(&meta, &catalog, &this_issue).into_bytes(),
    });
    let ahead = events::between(&all_events, week.first_day(), NaiveDate::MAX);
    files.push(OutputFile { path: "events.ics".into(), bytes: ics::calendar(&meta, &catalog, &ahead).into_bytes() });

    let mut weeks = built_weeks(&config.output_dir);
    weeks.push(week);
    let archive = archive::archive(config, &catalog, &weeks);
    files.push(OutputFile { path: "index.html".into(), bytes: renderer.archive_html(&archive)?.into_bytes() });

    let latest = store.latest_posts(config.feed_items)?;
    let feed_meta = FeedMeta::from_config(config);
    let bodies = feeds::bodies(&latest);
    files.push(OutputFile { path: "feed.atom".into(), bytes: feeds::atom(&feed_meta, &latest, &bodies).into_bytes() });
    files.push(OutputFile { path: "feed.rss".into(), bytes: feeds::rss(&feed_meta, &latest, &bodies).into_bytes() });
    files.push(OutputFile {
        path: "feed.json".into(),
        bytes: feeds::json_feed(&feed_meta, &latest, &bodies).into_bytes(),
    });
    let written = deliver::publish(&config.output_dir, &files)?;
    let shown: Vec<(String, String)> = upcoming.iter().map(|e| (e.id.clone(), e.fingerprint())).collect();
    store.record_featured(&label, "event", &shown)?;
    Ok(BuildReport { week, posts: posts.len(), files: written })
}

/// A newsletter page as handlebars made it, on its way to CSS inlining.
struct Page {
    edition: Edition,
    medium: Medium,
    html: String,
    text: String,
    subject: String,
}

/// The newsletter files of every edition: web page, text, and the email (HTML and text parts).
/// Pages are rendered one at a time and handed to a second thread that inlines their CSS (and
/// writes the email) while the next one renders: at most one page is rendering and one
/// inlining at a time (each edition holds some 50 MB on a large week, and rendering two at
/// once raised a full run's peak memory more than it saved time).
fn edition_files(
    issue: &Issue,
    renderer: &Renderer,
    dir: &Path,
    host: &str,
    date: DateTime<chrono::FixedOffset>,
) -> Result<Vec<OutputFile>, render::RenderError> {
    let (config, week) = (issue.config, issue.week);
    std::thread::scope(|s| {
        let (pages, inbox) = std::sync::mpsc::sync_channel::<Page>(0);
        let inliner = s.spawn(move || -> Result<Vec<OutputFile>, render::RenderError> {
            let mut files = Vec::new();
            for page in inbox {
                files.extend(page_files(config, week, page, dir, host, date)?);
            }
            Ok(files)
        });
        let rendered = (|| {
            for edition in Edition::ALL {
                for medium in [Medium::Web, Medium::Email] {
                    let view = render::newsletter(issue, edition, medium);
                    let (html, text) = renderer.newsletter_uninlined(&view)?;
                    let page = Page { edition, medium, html, text, subject: view.subject };
                    // A closed inbox means the inliner failed: its error is reported below.
                    if pages.send(page).is_err() {
                        return Ok(());
                    }
                }
            }
            drop(pages);
            Ok(())
        })();
        let files = inliner.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        rendered.and(files)
    })
}

/// The files of one rendered page: the web page and the text, or the email.
fn page_files(
    config: &Config,
    week: Week,
    page: Page,
    dir: &Path,
    host: &str,
    date: DateTime<chrono::FixedOffset>,
) -> Result<Vec<OutputFile>, render::RenderError> {
    let html = render::inline_css(&page.html)?;
    let infix = page.edition.infix();
    if page.medium == Medium::Web {
        return Ok(vec![
            OutputFile { path: dir.join(format!("index{infix}.html")), bytes: html.into_bytes() },
            OutputFile { path: dir.join(format!("newsletter{infix}.txt")), bytes: page.text.into_bytes() },
        ]);
    }
    let message_id = eml::message_id(week, page.edition.code(), host);
    let message = eml::Message {
        from: &config.email.from,
        reply_to: config.email.reply_to.as_deref(),
        subject: &page.subject,
        date,
        message_id: &message_id,
        list_id: host,
        unsubscribe_url: config.email.unsubscribe_url.as_ref(),
        unsubscribe_mailto: config.email.unsubscribe_mailto.as_deref(),
        language: match page.edition {
            Edition::Both => "zh, en",
            Edition::Zh => "zh",
            Edition::En => "en",
        },
        text: &page.text,
        html: &html,
    };
    Ok(vec![OutputFile { path: dir.join(format!("newsletter{infix}.eml")), bytes: eml::render(&message) }])
}

/// The weeks already built under `out` (folders `YYYY-Www` holding an `index.html`).
fn built_weeks(out: &Path) -> Vec<Week> {
    let Ok(entries) = std::fs::read_dir(out) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("index.html").is_file())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<Week>().ok()))
        .collect()
}
