//! The Rust peers of `digest parse`, for benches/compare.sh: each reads the files listed in
//! LIST one at a time (as `digest parse --files` does) and prints `items=N bytes=N errors=N`.
//!
//!     digest-bench-peers feed-rs|rss-atom|quick-xml LIST
//!
//! - `feed-rs`: feed_rs::parser::parse (RSS, Atom, JSON Feed; its default options).
//! - `rss-atom`: rss::Channel for `<rss`, atom_syndication::Feed otherwise.
//! - `quick-xml`: a bare quick-xml event loop counting `<item>`/`<entry>` start tags: no
//!   tree, no text decoding, no mapping; the floor any XML feed parser stands on.

use std::io::BufReader;

use quick_xml::events::Event;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(list)) = (args.next(), args.next()) else {
        eprintln!("usage: digest-bench-peers feed-rs|rss-atom|quick-xml LIST");
        std::process::exit(2);
    };
    let parse: fn(&[u8]) -> Result<usize, String> = match mode.as_str() {
        "feed-rs" => feed_rs_items,
        "rss-atom" => rss_atom_items,
        "quick-xml" => quick_xml_items,
        other => {
            eprintln!("unknown peer {other}");
            std::process::exit(2);
        }
    };
    let list = std::fs::read_to_string(&list).expect("read the file list");
    let (mut items, mut bytes, mut errors) = (0, 0, 0);
    for path in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: {e}");
                errors += 1;
                continue;
            }
        };
        bytes += data.len();
        match parse(&data) {
            Ok(n) => items += n,
            Err(e) => {
                eprintln!("{path}: {e}");
                errors += 1;
            }
        }
    }
    println!("items={items} bytes={bytes} errors={errors}");
}

fn feed_rs_items(data: &[u8]) -> Result<usize, String> {
    feed_rs::parser::parse(data).map(|f| f.entries.len()).map_err(|e| e.to_string())
}

fn rss_atom_items(data: &[u8]) -> Result<usize, String> {
    let head = &data[..data.len().min(512)];
    if head.windows(4).any(|w| w == b"<rss") {
        rss::Channel::read_from(BufReader::new(data)).map(|c| c.items().len()).map_err(|e| e.to_string())
    } else {
        atom_syndication::Feed::read_from(BufReader::new(data)).map(|f| f.entries().len()).map_err(|e| e.to_string())
    }
}

fn quick_xml_items(data: &[u8]) -> Result<usize, String> {
    let mut reader = quick_xml::Reader::from_reader(data);
    let mut buf = Vec::new();
    let mut items = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if matches!(e.local_name().into_inner(), "item" | "entry") => items += 1,
            Ok(Event::Eof) => return Ok(items),
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", reader.error_position())),
        }
        buf.clear();
    }
}
