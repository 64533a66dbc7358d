//! `build`: everything a week's issue is made of, rendered from the store and written
//! atomically. No clock or randomness reaches the outputs: the same store and templates give
//! byte-identical files (`now` only stamps new translation-cache rows).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{BuildReport, PipelineError};
use crate::config::Config;
use crate::dedup::Post;
use crate::deliver::{DeliverError, OutputFile, Staged, Stager, eml, ics};
use crate::render::events::EventEntry;
use crate::render::feeds::{self, FeedMeta};
use crate::render::view::upcoming_window;
use crate::render::{self, AltTitles, Catalog, Edition, Issue, Medium, Renderer, archive, events};
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
    let posts = store.posts_between_unpacked(week.first_day(), week.last_day(), tz)?;
    let (_, to) = upcoming_window(week, config.upcoming_weeks);
    let label = week.to_string();
    // The summaries (an HTML parse of each post) are made on a second thread while this one
    // reads the rest from the store and makes the event lists.
    let (read, summaries) = std::thread::scope(|s| {
        let summaries = s.spawn(|| render::view::summaries(&posts));
        let read = read_rest(config, store, week, &posts, &catalog, now);
        (read, summaries.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    let Rest { all_events, post_events, upcoming, alt_titles, latest } = read?;
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
    // Read before anything is staged (staging creates the week's folder).
    let mut weeks = built_weeks(&config.output_dir);
    weeks.push(week);

    // The files that are not newsletter pages, made while the first page renders.
    let others = || -> Result<Vec<OutputFile>, render::RenderError> {
        let name = format!("{} · {}", config.title_zh, config.title_en);
        let date = eml::send_date(week, tz);
        let meta =
            ics::CalendarMeta { name: &name, timezone: tz, host: &config.site_host(), stamp: date.with_timezone(&Utc) };
        let this_issue = events::between(&all_events, week.first_day(), to);
        let ahead = events::between(&all_events, week.first_day(), NaiveDate::MAX);
        let archive = archive::archive(config, &catalog, &weeks);
        let feed_meta = FeedMeta::from_config(config);
        let bodies = feeds::bodies(&latest);
        Ok(vec![
            OutputFile {
                path: PathBuf::from(&label).join("events.ics"),
                bytes: ics::calendar(&meta, &catalog, &this_issue).into_bytes(),
            },
            OutputFile { path: "events.ics".into(), bytes: ics::calendar(&meta, &catalog, &ahead).into_bytes() },
            OutputFile { path: "index.html".into(), bytes: renderer.archive_html(&archive)?.into_bytes() },
            OutputFile { path: "feed.atom".into(), bytes: feeds::atom(&feed_meta, &latest, &bodies).into_bytes() },
            OutputFile { path: "feed.rss".into(), bytes: feeds::rss(&feed_meta, &latest, &bodies).into_bytes() },
            OutputFile { path: "feed.json".into(), bytes: feeds::json_feed(&feed_meta, &latest, &bodies).into_bytes() },
        ])
    };
    let written = write_files(&config.output_dir, |sink| edition_files(&issue, &renderer, sink, others))?;
    let shown: Vec<(String, String)> = upcoming.iter().map(|e| (e.id.clone(), e.fingerprint())).collect();
    store.record_featured(&label, "event", &shown)?;
    Ok(BuildReport { week, posts: posts.len(), files: written })
}

/// What the build reads from the store besides the week's posts, and the event lists.
struct Rest {
    all_events: Vec<EventEntry>,
    post_events: Vec<Vec<EventEntry>>,
    upcoming: Vec<EventEntry>,
    alt_titles: AltTitles,
    latest: Vec<Post>,
}

fn read_rest(
    config: &Config,
    store: &mut Store,
    week: Week,
    posts: &[Post],
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<Rest, PipelineError> {
    let tz = config.timezone;
    // Events are announced weeks ahead: read the posts of the last months up to this week
    // (never later ones, so rebuilding an old week gives the same issue); of them, only what
    // the events are made of.
    let context = store.event_posts_between(week.first_day() - Duration::weeks(ANNOUNCE_WEEKS), week.last_day(), tz)?;
    let all_events = events::collect(&context);
    let post_events = render::view::post_events(posts);
    let (from, to) = upcoming_window(week, config.upcoming_weeks);
    // An event an earlier issue featured is left out unless its details changed since.
    let featured = store.featured_before(&week.to_string(), "event")?;
    let upcoming = events::unseen_or_changed(events::between(&all_events, from, to), &featured);
    // Borrowed, not cloned: the week's posts hold their unpacked bodies.
    let upcoming_posts = context.iter().filter(|p| p.item.events.iter().any(|e| e.date >= from && e.date <= to));
    let titled: Vec<&Post> = posts.iter().chain(upcoming_posts).collect();
    let alt_titles = crate::translate::alt_titles(config.translate.as_ref(), store, catalog, &titled, now);
    let latest = store.latest_posts(config.feed_items)?;
    Ok(Rest { all_events, post_events, upcoming, alt_titles, latest })
}

/// Where made files go: each is numbered by its place in the build's list of files.
type Sink = std::sync::mpsc::Sender<(usize, OutputFile)>;

/// Runs `make`, staging the files it sends on a third thread as they come (writing and
/// flushing them waits on the disk, not the CPU), then renames them all into place in the
/// order of their numbers, once `make` has succeeded.
fn write_files(
    out: &Path,
    make: impl FnOnce(&Sink) -> Result<(), render::RenderError>,
) -> Result<Vec<PathBuf>, PipelineError> {
    std::thread::scope(|s| {
        let (sink, files) = std::sync::mpsc::channel::<(usize, OutputFile)>();
        let writer = s.spawn(move || -> Result<Vec<(usize, Staged)>, DeliverError> {
            let mut stager = Stager::new(out);
            // A failure drops `files`: the senders ignore that, and the error is reported below.
            files.into_iter().map(|(n, file)| stager.stage(&file).map(|staged| (n, staged))).collect()
        });
        let made = make(&sink);
        drop(sink);
        let staged = writer.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        made?;
        let mut staged = staged?;
        staged.sort_by_key(|(n, _)| *n);
        Ok(staged.into_iter().map(|(_, f)| f.persist()).collect::<Result<_, _>>()?)
    })
}

/// A newsletter page as handlebars made it, on its way to CSS inlining.
struct Page {
    edition: Edition,
    medium: Medium,
    html: String,
    text: String,
    subject: String,
}

/// The newsletter files of every edition (web page, text, and the email with HTML and text
/// parts), then the `others`, sent to `sink` numbered in that order. Two threads share the
/// work: this one renders the first editions' pages, a second makes the `others` and renders
/// the last edition's, and then both inline the CSS of the rendered pages (and write the
/// emails) as they come. Before, one thread rendered every page and the other inlined: the
/// last page's inlining came after all the rendering, and rendering was the longer half.
/// Two editions' data are held at once (one per thread), and pages wait for inlining in a
/// queue (each a few MB on a large week).
fn edition_files(
    issue: &Issue,
    renderer: &Renderer,
    sink: &Sink,
    others: impl FnOnce() -> Result<Vec<OutputFile>, render::RenderError> + Send,
) -> Result<(), render::RenderError> {
    let (config, week) = (issue.config, issue.week);
    let host = config.site_host();
    let date = eml::send_date(week, config.timezone);
    let dir = PathBuf::from(week.to_string());
    let (host, dir) = (&host, &dir);
    let (pages, inbox) = std::sync::mpsc::channel::<(usize, Page)>();
    let inbox = std::sync::Mutex::new(inbox);
    // A closed sink means the writer failed: its error is reported by `write_files`.
    let send = |n: usize, file: OutputFile| drop(sink.send((n, file)));
    // Inlines queued pages until every renderer is done and the queue is empty.
    let inline_queued = || -> Result<(), render::RenderError> {
        loop {
            let next = inbox.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
            let Ok((n, page)) = next else { return Ok(()) };
            for (j, file) in page_files(config, week, page, dir, host, date)?.into_iter().enumerate() {
                send(2 * n + j, file);
            }
        }
    };
    let (mine, theirs) = Edition::ALL.split_at(Edition::ALL.len() - 1);
    std::thread::scope(|s| {
        let pages_there = pages.clone();
        let helper = s.spawn(|| -> Result<(), render::RenderError> {
            let others = others()?;
            let first = 2 * Edition::ALL.len() * 2;
            for (i, file) in others.into_iter().enumerate() {
                send(first + i, file);
            }
            let rendered = render_pages(issue, renderer, theirs, mine.len(), pages_there);
            rendered.and(inline_queued())
        });
        let rendered = render_pages(issue, renderer, mine, 0, pages);
        let inlined = rendered.and_then(|()| inline_queued());
        let helped = helper.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        inlined.and(helped)
    })
}

/// Renders the web page and the email of each of `editions` (the first being edition number
/// `first`), queueing each page numbered by its place among all pages.
fn render_pages(
    issue: &Issue,
    renderer: &Renderer,
    editions: &[Edition],
    first: usize,
    queue: std::sync::mpsc::Sender<(usize, Page)>,
) -> Result<(), render::RenderError> {
    for (i, &edition) in editions.iter().enumerate() {
        // One view per edition: the email's differs from the web page's in its links.
        let view = render::newsletter(issue, edition, Medium::Web);
        let mut context = render::newsletter_context(&view)?;
        let subject = view.subject.clone();
        drop(view);
        // What both media's pages share is rendered once, from the web page's view.
        let shared = renderer.newsletter_shared(&context)?;
        for (j, medium) in [Medium::Web, Medium::Email].into_iter().enumerate() {
            if medium != Medium::Web {
                render::view::switch_medium(context.data_mut(), issue, edition, medium);
            }
            let (html, text) = renderer.newsletter_with(&shared, &context)?;
            let page = Page { edition, medium, html, text, subject: subject.clone() };
            // The inbox lives as long as the renderers: sending cannot fail.
            let _ = queue.send((2 * (first + i) + j, page));
        }
    }
    Ok(())
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
