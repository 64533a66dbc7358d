//! ISO weeks (`2015-W44`), as `build --week` names them, in the configured time zone.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, IsoWeek, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// One ISO week: Monday to Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    monday: NaiveDate,
}

/// A `--week` value that is not `YYYY-Www`, `this` or `last`.
#[derive(Debug, thiserror::Error)]
#[error("bad week {0:?}: expected YYYY-Www (e.g. 2015-W44), `this` or `last`")]
pub struct WeekError(String);

impl Week {
    /// The week containing a date.
    pub fn containing(date: NaiveDate) -> Week {
        Week::from_iso(date.iso_week())
    }

    fn from_iso(w: IsoWeek) -> Week {
        // Every ISO week has a Monday, so this cannot fail for a week chrono produced.
        let monday = NaiveDate::from_isoywd_opt(w.year(), w.week(), Weekday::Mon).unwrap_or(NaiveDate::MIN);
        Week { monday }
    }

    /// Parses `YYYY-Www`, `this` or `last`, relative to `now` in `tz`.
    pub fn parse(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<Week, WeekError> {
        let today = now.with_timezone(&tz).date_naive();
        match text.trim().to_ascii_lowercase().as_str() {
            "this" | "" => Ok(Week::containing(today)),
            "last" => Ok(Week::containing(today - Days::new(7))),
            other => other.parse(),
        }
    }

    /// Monday of the week.
    pub fn first_day(self) -> NaiveDate {
        self.monday
    }

    /// Sunday of the week.
    pub fn last_day(self) -> NaiveDate {
        self.monday + Days::new(6)
    }

    /// The week after this one.
    pub fn next(self) -> Week {
        Week { monday: self.monday + Days::new(7) }
    }

    /// `[Monday 00:00, next Monday 00:00)` in `tz`, as UTC instants.
    pub fn bounds(self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        (start_of_day(self.monday, tz), start_of_day(self.next().monday, tz))
    }

    /// Whether a local date falls in this week.
    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.monday && date <= self.last_day()
    }
}

/// Local midnight as UTC; days that start in a DST gap start at the first valid instant.
fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(midnight + chrono::Duration::hours(1))).earliest())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

impl FromStr for Week {
    type Err = WeekError;

    fn from_str(s: &str) -> Result<Week, WeekError> {
        let bad = || WeekError(s.to_string());
        let (year, week) = s.trim().split_once(['-']).ok_or_else(bad)?;
        let week = week.strip_prefix(['W', 'w']).ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let week: u32 = week.parse().map_err(|_| bad())?;
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|monday| Week { monday }).ok_or_else(bad)
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.monday.iso_week();
        write!(f, "{}-W{:02}", w.year(), w.week())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_and_prints_iso_weeks() {
        let w: Week = "2015-W44".parse().unwrap();
        assert_eq!(w.first_day(), d(2015, 10, 26));
        assert_eq!(w.last_day(), d(2015, 11, 1));
        assert_eq!(w.to_string(), "2015-W44");
        assert_eq!("2020-w53".parse::<Week>().unwrap().to_string(), "2020-W53");
        assert!("2015-W54".parse::<Week>().is_err());
        assert!("2015-44".parse::<Week>().is_err());
        assert!("W44".parse::<Week>().is_err());
    }

    #[test]
    fn year_boundary_weeks_belong_to_iso_year() {
        assert_eq!(Week::containing(d(2015, 1, 1)).to_string(), "2015-W01");
        assert_eq!(Week::containing(d(2016, 1, 1)).to_string(), "2015-W53");
    }

    #[test]
    fn this_and_last_use_configured_zone() {
        // Sunday 2015-11-01 20:00 UTC is already Monday 04:00 in Shanghai.
        let now = Utc.with_ymd_and_hms(2015, 11, 1, 20, 0, 0).unwrap();
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(Week::parse("this", now, tz).unwrap().to_string(), "2015-W45");
        assert_eq!(Week::parse("last", now, tz).unwrap().to_string(), "2015-W44");
        assert_eq!(Week::parse("this", now, chrono_tz::UTC).unwrap().to_string(), "2015-W44");
    }

    #[test]
    fn bounds_are_local_midnights() {
        let (start, end) = "2015-W44".parse::<Week>().unwrap().bounds(chrono_tz::Asia::Shanghai);
        assert_eq!(start.to_rfc3339(), "2015-10-25T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2015-11-01T16:00:00+00:00");
    }
}
