//! Any text through the feed date parser, and what callers then do with a parsed date
//! (local date and time in far time zones). Must never panic, overflow included.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for tz in [chrono_tz::Asia::Shanghai, chrono_tz::Pacific::Kiritimati, chrono_tz::Pacific::Pago_Pago] {
        if let Some(t) = digest::parse::date::parse(&text, tz) {
            let _ = t.local_date(tz);
            let _ = t.to_datetime(tz);
            let _ = t.date();
        }
    }
});
