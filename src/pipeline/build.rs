//! `build`: everything a week's issue is made of, rendered from the store and written
//! atomically. No clock or randomness reaches the outputs: the same store and templates give
//! byte-identical files (`now` only stamps new translation-cache rows).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
    let catalog = Catalog::builtin()?;
    let tz = config.timezone;
    // The week's posts (bodies unpacked) are read, and their summaries (an HTML parse of each)
    // and events made, on a second thread over a second connection, while this one reads the
    // events' posts, makes the event lists and compiles the templates. Before, the week's
    // posts were read first, alone (370 M instructions on W47 of the benchmark corpus), and
    // the two threads split the rest unevenly (820 M against 400 M).
    let reader = store.reader()?;
    let read_week = |s: &Store| s.posts_between_unpacked(week.first_day(), week.last_day(), tz);
    // An in-memory store has no second connection: its week is read here first.
    let early = if reader.is_none() { read_week(store)? } else { Vec::new() };
    // The second thread hands the week's posts over as soon as they are read (and its
    // connection closed), so that this one finds the titles' translations while that one
    // still makes the summaries: this thread's share was the shorter (745 M against 803 M
    // instructions on W47), and the titles (44 M) came after both, alone.
    let week_posts: OnceLock<Vec<Post>> = OnceLock::new();
    let (read, events, renderer, alt_titles) = std::thread::scope(|s| {
        let (read_tx, read_rx) = std::sync::mpsc::channel::<()>();
        let week_posts = &week_posts;
        let theirs = s.spawn(move || -> Result<WeekPosts, PipelineError> {
            let posts = match &reader {
                Some(reader) => read_week(reader),
                None => Ok(early),
            };
            drop(reader);
            // On an error `read_tx` is dropped: the other thread stops waiting.
            let posts = match posts {
                Ok(posts) => week_posts.get_or_init(|| posts),
                Err(e) => return Err(e.into()),
            };
            let _ = read_tx.send(());
            let summaries = render::view::summaries(posts);
            let post_events = render::view::post_events(posts);
            Ok(WeekPosts { summaries, post_events })
        });
        let events = read_events(config, store, week);
        let renderer = Renderer::new(templates);
        let alt_titles = match (&events, read_rx.recv(), week_posts.get()) {
            (Ok(events), Ok(()), Some(posts)) => {
                let (from, to) = upcoming_window(week, config.upcoming_weeks);
                // Borrowed, not cloned: the week's posts hold their unpacked bodies.
                let upcoming_posts =
                    events.context.iter().filter(|p| p.item.events.iter().any(|e| e.date >= from && e.date <= to));
                let titled: Vec<&Post> = posts.iter().chain(upcoming_posts).collect();
                crate::translate::alt_titles(config.translate.as_ref(), store, &catalog, &titled, now)
            }
            _ => AltTitles::new(),
        };
        (theirs.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), events, renderer, alt_titles)
    });
    let (WeekPosts { summaries, post_events }, Events { context, all_events, upcoming, latest }, renderer) =
        (read?, events?, renderer?);
    let posts = week_posts.into_inner().unwrap_or_default();
    let (_, to) = upcoming_window(week, config.upcoming_weeks);
    drop(context);
    let label = week.to_string();
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

/// What is made of each of the week's posts on its own.
struct WeekPosts {
    summaries: Vec<String>,
    post_events: Vec<Vec<EventEntry>>,
}

/// What the build reads from the store besides the week's posts, and the event lists.
struct Events {
    /// The posts the events are made of (without bodies).
    context: Vec<Post>,
    all_events: Vec<EventEntry>,
    upcoming: Vec<EventEntry>,
    latest: Vec<Post>,
}

fn read_events(config: &Config, store: &Store, week: Week) -> Result<Events, PipelineError> {
    let tz = config.timezone;
    // Events are announced weeks ahead: read the posts of the last months up to this week
    // (never later ones, so rebuilding an old week gives the same issue); of them, only what
    // the events are made of.
    let context = store.event_posts_between(week.first_day() - Duration::weeks(ANNOUNCE_WEEKS), week.last_day(), tz)?;
    let all_events = events::collect(&context);
    let (from, to) = upcoming_window(week, config.upcoming_weeks);
    // An event an earlier issue featured is left out unless its details changed since.
    let featured = store.featured_before(&week.to_string(), "event")?;
    let upcoming = events::unseen_or_changed(events::between(&all_events, from, to), &featured);
    let latest = store.latest_posts(config.feed_items)?;
    Ok(Events { context, all_events, upcoming, latest })
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

/// An edition's newsletter pages as handlebars made them, on their way to CSS inlining.
struct Pages {
    edition: Edition,
    /// The web page's HTML and text.
    web: (String, String),
    /// The email's HTML and text.
    email: (String, String),
    /// How many bytes the two HTML pages begin with alike (none for a replaced template).
    shared: Option<usize>,
    subject: String,
}

/// The files each edition gives: the web page, the text, the email.
const EDITION_FILES: usize = 3;

/// The newsletter files of every edition (web page, text, and the email with HTML and text
/// parts), then the `others`, sent to `sink` numbered in that order. Two threads share the
/// work: this one renders the first editions' pages, a second makes the `others` and renders
/// the last edition's, and then both inline the CSS of the rendered editions (and write the
/// emails) as they come. Before, one thread rendered every page and the other inlined: the
/// last page's inlining came after all the rendering, and rendering was the longer half.
/// Two editions' data are held at once (one per thread), and editions wait for inlining in a
/// queue (each page a few MB on a large week).
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
    let (pages, inbox) = std::sync::mpsc::channel::<(usize, Pages)>();
    let inbox = std::sync::Mutex::new(inbox);
    // A closed sink means the writer failed: its error is reported by `write_files`.
    let send = |n: usize, file: OutputFile| drop(sink.send((n, file)));
    // Inlines queued editions until every renderer is done and the queue is empty.
    let inline_queued = || -> Result<(), render::RenderError> {
        loop {
            let next = inbox.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
            let Ok((n, pages)) = next else { return Ok(()) };
            for (j, file) in edition_pages_files(config, week, pages, dir, host, date)?.into_iter().enumerate() {
                send(EDITION_FILES * n + j, file);
            }
        }
    };
    let (mine, theirs) = Edition::ALL.split_at(Edition::ALL.len() - 1);
    std::thread::scope(|s| {
        let pages_there = pages.clone();
        let helper = s.spawn(|| -> Result<(), render::RenderError> {
            let others = others()?;
            let first = EDITION_FILES * Edition::ALL.len();
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
/// `first`), queueing them numbered by the edition's place among all.
fn render_pages(
    issue: &Issue,
    renderer: &Renderer,
    editions: &[Edition],
    first: usize,
    queue: std::sync::mpsc::Sender<(usize, Pages)>,
) -> Result<(), render::RenderError> {
    for (i, &edition) in editions.iter().enumerate() {
        // One view per edition: the email's differs from the web page's in its links.
        let view = render::newsletter(issue, edition, Medium::Web);
        let mut context = render::newsletter_context(&view)?;
        let subject = view.subject.clone();
        drop(view);
        // What both media's pages share is rendered once, from the web page's view.
        let shared = renderer.newsletter_shared(&context)?;
        let web = renderer.newsletter_with(&shared, &context)?;
        render::view::switch_medium(context.data_mut(), issue, edition, Medium::Email);
        let email = renderer.newsletter_with(&shared, &context)?;
        let pages = Pages { edition, web, email, shared: shared.html_len(), subject };
        // The inbox lives as long as the renderers: sending cannot fail.
        let _ = queue.send((first + i, pages));
    }
    Ok(())
}

/// The files of one edition's rendered pages: the web page, the text and the email.
fn edition_pages_files(
    config: &Config,
    week: Week,
    pages: Pages,
    dir: &Path,
    host: &str,
    date: DateTime<chrono::FixedOffset>,
) -> Result<Vec<OutputFile>, render::RenderError> {
    let Pages { edition, web: (web, web_text), email: (email, text), shared, subject } = pages;
    // The email is made from the web page's inlining where they are alike (see `inline_pair`).
    let (web, html) = render::inline::inline_pair(&web, &email, shared)?;
    drop(email);
    let infix = edition.infix();
    let message_id = eml::message_id(week, edition.code(), host);
    let message = eml::Message {
        from: &config.email.from,
        reply_to: config.email.reply_to.as_deref(),
        subject: &subject,
        date,
        message_id: &message_id,
        list_id: host,
        unsubscribe_url: config.email.unsubscribe_url.as_ref(),
        unsubscribe_mailto: config.email.unsubscribe_mailto.as_deref(),
        language: match edition {
            Edition::Both => "zh, en",
            Edition::Zh => "zh",
            Edition::En => "en",
        },
        text: &text,
        html: &html,
    };
    Ok(vec![
        OutputFile { path: dir.join(format!("index{infix}.html")), bytes: web.into_bytes() },
        OutputFile { path: dir.join(format!("newsletter{infix}.txt")), bytes: web_text.into_bytes() },
        OutputFile { path: dir.join(format!("newsletter{infix}.eml")), bytes: eml::render(&message) },
    ])
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
