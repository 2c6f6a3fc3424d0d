//! What a report is asked for.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::compute::{MAX_BUCKETS, bucket_count};
use crate::rules::{Segment, normalize_key, source_or_none};

/// Why a request (or one of its parts) is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the period is empty: it starts on {from}, after it ends on {to}")]
    FromAfterTo { from: NaiveDate, to: NaiveDate },
    #[error("unknown segment {0:?}: expected COD, INS or OTHER")]
    UnknownSegment(String),
    #[error("unknown bucket {0:?}: expected day, week or month")]
    UnknownBucket(String),
    #[error("the series would have more than {max} {bucket} buckets: ask for a shorter period or larger buckets")]
    TooManyBuckets { bucket: Bucket, max: usize },
}

/// The size of the buckets of a series.
///
/// A bucket is named by its calendar first day: the day itself, the Monday of its week, or the 1st of
/// its month, even when that day falls before the report's `from` (a partial first bucket). Naming by
/// calendar start keeps a week's or month's name the same in every report and equal to SQL's
/// `date_trunc`. A partial bucket still only holds the days inside the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Day,
    Week,
    Month,
}

impl Bucket {
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Bucket {
    type Err = RequestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalize_key(s).as_str() {
            "day" => Ok(Bucket::Day),
            "week" => Ok(Bucket::Week),
            "month" => Ok(Bucket::Month),
            _ => Err(RequestError::UnknownBucket(s.to_owned())),
        }
    }
}

/// Maps spellings of a source onto one canonical source, e.g. `GoogleAds` → `Google`.
///
/// Spellings compare trimmed and case-insensitively. A canonical name also maps to itself, so every
/// spelling of it is shown as written in the table. Aliases are applied once (no chains), and a later
/// entry for the same spelling replaces an earlier one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceAliases {
    /// normalized spelling → canonical spelling (trimmed).
    by_spelling: BTreeMap<String, String>,
    /// normalized canonical → canonical spelling (trimmed).
    canonical: BTreeMap<String, String>,
}

impl SourceAliases {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `spelling` → `canonical`.
    pub fn insert(&mut self, spelling: &str, canonical: &str) {
        let canonical = source_or_none(Some(canonical)).to_owned();
        self.canonical.insert(normalize_key(&canonical), canonical.clone());
        self.by_spelling.insert(normalize_key(source_or_none(Some(spelling))), canonical);
    }

    /// Builder form of [`SourceAliases::insert`].
    pub fn with(mut self, spelling: &str, canonical: &str) -> Self {
        self.insert(spelling, canonical);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.by_spelling.is_empty()
    }

    /// The source as reported: the canonical spelling when the table knows it (as an alias or as a
    /// canonical name), else the trimmed spelling, or `(none)` when missing or blank.
    pub fn resolve<'a>(&'a self, source: Option<&'a str>) -> &'a str {
        let spelled = source_or_none(source);
        let key = normalize_key(spelled);
        self.by_spelling.get(&key).or_else(|| self.canonical.get(&key)).map_or(spelled, String::as_str)
    }

    /// Whether the table fixes the displayed spelling of this normalized key.
    pub(crate) fn canonical_spelling(&self, key: &str) -> Option<&str> {
        self.canonical.get(key).map(String::as_str)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for SourceAliases {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut aliases = SourceAliases::new();
        for (spelling, canonical) in iter {
            aliases.insert(spelling.as_ref(), canonical.as_ref());
        }
        aliases
    }
}

/// A report request. `from..=to` are local days, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Adds a series of buckets when set.
    pub bucket: Option<Bucket>,
    /// Restricts every record to this source (compared after aliasing).
    pub source: Option<String>,
    /// Restricts jobs, leads and payments to this segment; calls and spend have none, so calls, cost,
    /// profit, cpl and cpu become null.
    pub segment: Option<Segment>,
    /// Job statuses left out of the report (compared normalized); echoed in the report as given.
    pub excluded_job_statuses: Vec<String>,
    /// The account's IANA time zone, echoed in the report (facts arrive already in local days).
    pub timezone: String,
    pub aliases: SourceAliases,
}

impl ReportRequest {
    /// A request over `from..=to` with no bucket, filter, exclusion or alias.
    pub fn new(from: NaiveDate, to: NaiveDate, timezone: impl Into<String>) -> Result<Self, RequestError> {
        let request = ReportRequest {
            from,
            to,
            bucket: None,
            source: None,
            segment: None,
            excluded_job_statuses: Vec::new(),
            timezone: timezone.into(),
            aliases: SourceAliases::new(),
        };
        request.validate()?;
        Ok(request)
    }

    /// Checks what [`ReportRequest::new`] checks, for requests built field by field.
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.from > self.to {
            return Err(RequestError::FromAfterTo { from: self.from, to: self.to });
        }
        if let Some(bucket) = self.bucket
            && bucket_count(bucket, self.from, self.to) >= MAX_BUCKETS
        {
            return Err(RequestError::TooManyBuckets { bucket, max: MAX_BUCKETS - 1 });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn from_after_to_is_an_error() {
        let err = ReportRequest::new(day(2026, 11, 2), day(2026, 11, 1), "UTC").expect_err("must fail");
        assert_eq!(err, RequestError::FromAfterTo { from: day(2026, 11, 2), to: day(2026, 11, 1) });
        assert_eq!(err.to_string(), "the period is empty: it starts on 2026-11-02, after it ends on 2026-11-01");
        assert!(ReportRequest::new(day(2026, 11, 1), day(2026, 11, 1), "UTC").is_ok());
    }

    #[test]
    fn validate_checks_hand_built_requests() {
        let mut request = ReportRequest::new(day(2026, 11, 1), day(2026, 11, 30), "UTC").expect("valid");
        assert_eq!(request.validate(), Ok(()));
        request.to = day(2026, 10, 31);
        assert!(request.validate().is_err());
    }

    #[test]
    fn absurd_series_is_an_error() {
        let mut request = ReportRequest::new(NaiveDate::MIN, NaiveDate::MAX, "UTC").expect("valid");
        assert_eq!(request.validate(), Ok(()));
        request.bucket = Some(Bucket::Day);
        assert_eq!(request.validate(), Err(RequestError::TooManyBuckets { bucket: Bucket::Day, max: 99_999 }));
        request.bucket = Some(Bucket::Month);
        assert!(request.validate().is_err());
        request.from = day(1900, 1, 1);
        request.to = day(2100, 12, 31);
        assert_eq!(request.validate(), Ok(()));
    }

    #[test]
    fn bucket_parses() {
        assert_eq!("Week".parse::<Bucket>().ok(), Some(Bucket::Week));
        assert_eq!(" day".parse::<Bucket>().ok(), Some(Bucket::Day));
        assert_eq!("month".parse::<Bucket>().ok(), Some(Bucket::Month));
        assert_eq!("year".parse::<Bucket>(), Err(RequestError::UnknownBucket("year".to_owned())));
    }

    #[test]
    fn aliases_resolve_trimmed_case_insensitive() {
        let aliases = SourceAliases::new().with("GoogleAds", "Google").with(" google ads ", "Google");
        assert_eq!(aliases.resolve(Some("GoogleAds")), "Google");
        assert_eq!(aliases.resolve(Some("  googleads ")), "Google");
        assert_eq!(aliases.resolve(Some("Google Ads")), "Google");
        // The canonical name maps to itself in its configured spelling.
        assert_eq!(aliases.resolve(Some("GOOGLE")), "Google");
        assert_eq!(aliases.resolve(Some(" Rely ")), "Rely");
        assert_eq!(aliases.resolve(None), "(none)");
        assert_eq!(aliases.resolve(Some("")), "(none)");
    }

    #[test]
    fn aliases_do_not_chain_and_later_entries_win() {
        let aliases: SourceAliases = [("A", "B"), ("B", "C"), ("x", "first"), ("X", "second")].into_iter().collect();
        assert_eq!(aliases.resolve(Some("a")), "B");
        assert_eq!(aliases.resolve(Some("x")), "second");
        assert!(!aliases.is_empty());
        assert!(SourceAliases::new().is_empty());
    }

    #[test]
    fn missing_source_can_be_aliased() {
        let aliases = SourceAliases::new().with("(none)", "Direct");
        assert_eq!(aliases.resolve(None), "Direct");
        assert_eq!(aliases.resolve(Some(" ")), "Direct");
    }
}
