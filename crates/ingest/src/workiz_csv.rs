//! Reading Workiz's CSV exports: headers matched in any order (custom columns kept), and the
//! export's own formats for dates (`Fri Dec 19 2025`, `Wed Dec 17th, 03:21PM`), durations
//! (`3 Min 25 Sec`) and money.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value};

use crate::import::{ImportError, RowProblem};

/// A data row as read: its line and fields, or why it could not be read.
pub(crate) type RawRow = Result<(u64, Vec<String>), RowProblem>;

/// One file's header, and each data row as a map from column name to text.
#[derive(Debug)]
pub(crate) struct Sheet {
    pub names: Vec<String>,
    index: HashMap<String, usize>,
}

/// A data row: its line and its fields.
#[derive(Debug)]
pub(crate) struct SheetRow<'s> {
    pub line: u64,
    sheet: &'s Sheet,
    fields: Vec<String>,
}

fn header_key(name: &str) -> String {
    name.trim().trim_matches('"').to_ascii_lowercase()
}

impl Sheet {
    /// Parses `bytes` as CSV whose header must hold `required` (compared case-insensitively).
    /// Rows that cannot be read come back as problems; the others as rows.
    pub fn read(
        bytes: &[u8],
        file: &str,
        required: &[&str],
        expected: &str,
    ) -> Result<(Sheet, Vec<RawRow>), ImportError> {
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(ImportError::Encoding { file: file.to_owned(), encoding: "UTF-16" });
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ImportError::Empty { file: file.to_owned(), expected: expected.to_owned() });
        }
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = reader
            .byte_headers()
            .map_err(|e| ImportError::Header {
                file: file.to_owned(),
                found: e.to_string(),
                expected: expected.to_owned(),
                missing: String::new(),
            })?
            .clone();
        let names: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h).trim().to_owned()).collect();
        let index: HashMap<String, usize> = names.iter().enumerate().map(|(i, n)| (header_key(n), i)).collect();
        let missing: Vec<&str> = required.iter().copied().filter(|r| !index.contains_key(&header_key(r))).collect();
        if !missing.is_empty() {
            return Err(ImportError::Header {
                file: file.to_owned(),
                found: names.join(","),
                expected: expected.to_owned(),
                missing: format!("; missing {}", missing.join(", ")),
            });
        }
        let width = names.len();
        let rows = reader
            .byte_records()
            .map(|record| {
                let record = record.map_err(|e| RowProblem {
                    line: e.position().map_or(0, |p| p.line()),
                    reason: format!("unreadable row: {e}"),
                    raw: String::new(),
                })?;
                let line = record.position().map_or(0, |p| p.line());
                if record.len() != width {
                    return Err(RowProblem {
                        line,
                        reason: format!("the row has {} fields, the header {}", record.len(), width),
                        raw: csv_line(&record),
                    });
                }
                let fields = record
                    .iter()
                    .map(|f| String::from_utf8(f.to_vec()).map(|s| s.trim().to_owned()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| RowProblem {
                        line,
                        reason: "the row is not UTF-8 text: export the file as UTF-8".into(),
                        raw: csv_line(&record),
                    })?;
                Ok((line, fields))
            })
            .collect();
        Ok((Sheet { names, index }, rows))
    }

    pub fn row(&self, line: u64, fields: Vec<String>) -> SheetRow<'_> {
        SheetRow { line, sheet: self, fields }
    }
}

impl SheetRow<'_> {
    /// The column's text; `None` when empty or absent.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = *self.sheet.index.get(&header_key(column))?;
        self.fields.get(i).map(String::as_str).filter(|s| !s.is_empty())
    }

    pub fn problem(&self, reason: impl Into<String>) -> RowProblem {
        RowProblem { line: self.line, reason: reason.into(), raw: self.raw() }
    }

    /// Every column, custom ones included, as the record's raw JSON.
    pub fn raw(&self) -> String {
        let object: Map<String, Value> = self
            .sheet
            .names
            .iter()
            .zip(&self.fields)
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        Value::Object(object).to_string()
    }
}

/// A record's fields written back as one CSV line (bytes that are not UTF-8 shown as U+FFFD).
fn csv_line(record: &csv::ByteRecord) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let written = writer.write_byte_record(record).ok().and_then(|()| writer.into_inner().ok());
    written.map(|bytes| String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_owned()).unwrap_or_default()
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn month(word: &str) -> Option<u32> {
    let word = word.to_ascii_lowercase();
    MONTHS.iter().position(|m| word.starts_with(m)).map(|i| i as u32 + 1)
}

/// `17th` → 17.
fn day_number(word: &str) -> Option<u32> {
    word.trim_end_matches(',').trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()
}

/// `Fri Dec 19 2025`, as the jobs export writes dates; also `YYYY-MM-DD` and `MM/DD/YYYY`.
pub fn parse_export_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%m/%d/%Y") {
        return Some(d);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    // An optional weekday, then month, day, year.
    let words = if words.len() == 4 { &words[1..] } else { &words[..] };
    match words {
        [m, d, y] => NaiveDate::from_ymd_opt(y.parse().ok()?, month(m)?, day_number(d)?),
        _ => None,
    }
}

/// A timestamp of a payments file: `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`, RFC 3339 (converted by
/// `to_local`), or an export date.
pub fn parse_timestamp(
    text: &str,
    to_local: impl Fn(chrono::DateTime<chrono::FixedOffset>) -> NaiveDateTime,
) -> Option<NaiveDateTime> {
    let text = text.trim();
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t);
        }
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(to_local(t));
    }
    parse_export_date(text).map(|d| d.and_time(NaiveTime::MIN))
}

/// `Wed Dec 17th, 03:21PM` (the calls export: no year). The weekday is checked against the
/// year, so a wrong year is noticed rather than silently used.
pub fn parse_call_time(text: &str, year: i32) -> Result<NaiveDateTime, String> {
    let bad = || format!("'{text}' is not a call time like 'Wed Dec 17th, 03:21PM'");
    let (date_part, time_part) = text.trim().rsplit_once(',').ok_or_else(bad)?;
    let words: Vec<&str> = date_part.split_whitespace().collect();
    let (weekday, m, d) = match words.as_slice() {
        [w, m, d] => (Some(*w), *m, *d),
        [m, d] => (None, *m, *d),
        _ => return Err(bad()),
    };
    let date =
        NaiveDate::from_ymd_opt(year, month(m).ok_or_else(bad)?, day_number(d).ok_or_else(bad)?).ok_or_else(bad)?;
    let time = NaiveTime::parse_from_str(&time_part.trim().to_ascii_uppercase(), "%I:%M%p")
        .or_else(|_| NaiveTime::parse_from_str(&time_part.trim().to_ascii_uppercase(), "%I:%M %p"))
        .map_err(|_| bad())?;
    if let Some(weekday) = weekday {
        let actual = date.weekday().to_string().to_ascii_lowercase();
        if !weekday.to_ascii_lowercase().starts_with(&actual[..3]) {
            return Err(format!("'{text}' is not a {} in {year}: pass the export's year with --year", &weekday));
        }
    }
    Ok(date.and_time(time))
}

/// `3 Min 25 Sec`, `30 Sec`, `1 Hr 2 Min`, or plain seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return None;
    }
    words.chunks(2).try_fold(0i64, |total, pair| {
        let n: i64 = pair[0].parse().ok()?;
        let unit = pair[1].to_ascii_lowercase();
        let seconds = if unit.starts_with("h") {
            3600
        } else if unit.starts_with("min") {
            60
        } else if unit.starts_with("s") {
            1
        } else {
            return None;
        };
        Some(total + n * seconds)
    })
}

/// `Yes`, `No`, `true`, `1`…
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "answered" => Some(true),
        "no" | "n" | "false" | "0" | "missed" | "unanswered" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, 0)).expect("valid")
    }

    #[test]
    fn export_dates() {
        assert_eq!(parse_export_date("Fri Dec 19 2025"), NaiveDate::from_ymd_opt(2025, 12, 19));
        assert_eq!(parse_export_date("Dec 19 2025"), NaiveDate::from_ymd_opt(2025, 12, 19));
        assert_eq!(parse_export_date("2025-12-19"), NaiveDate::from_ymd_opt(2025, 12, 19));
        assert_eq!(parse_export_date("12/19/2025"), NaiveDate::from_ymd_opt(2025, 12, 19));
        assert_eq!(parse_export_date("Fri Dec 32 2025"), None);
        assert_eq!(parse_export_date("soon"), None);
    }

    #[test]
    fn call_times_take_the_year_and_check_the_weekday() {
        assert_eq!(parse_call_time("Wed Dec 17th, 03:21PM", 2025), Ok(at(2025, 12, 17, 15, 21)));
        assert_eq!(parse_call_time("Mon Dec 1st, 12:05AM", 2025), Ok(at(2025, 12, 1, 0, 5)));
        assert_eq!(parse_call_time("Tue Dec 2nd, 12:30PM", 2025), Ok(at(2025, 12, 2, 12, 30)));
        let wrong_year = parse_call_time("Wed Dec 17th, 03:21PM", 2026).expect_err("Dec 17 2026 is a Thursday");
        assert!(wrong_year.contains("--year"), "{wrong_year}");
        assert!(parse_call_time("yesterday", 2025).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3 Min 25 Sec"), Some(205));
        assert_eq!(parse_duration("30 Sec"), Some(30));
        assert_eq!(parse_duration("1 Hr 2 Min"), Some(3720));
        assert_eq!(parse_duration("75"), Some(75));
        assert_eq!(parse_duration("3 Min 25"), None);
        assert_eq!(parse_duration("a while"), None);
    }

    #[test]
    fn timestamps_with_a_zone_are_converted() {
        let tz: chrono_tz::Tz = "America/New_York".parse().expect("tz");
        let local = |t: chrono::DateTime<chrono::FixedOffset>| t.with_timezone(&tz).naive_local();
        assert_eq!(parse_timestamp("2026-09-21T17:56:00Z", local), Some(at(2026, 9, 21, 13, 56)));
        assert_eq!(parse_timestamp("2026-09-21 13:56:00", local), Some(at(2026, 9, 21, 13, 56)));
        assert_eq!(parse_timestamp("Mon Sep 21 2026", local), Some(at(2026, 9, 21, 0, 0)));
    }
}
