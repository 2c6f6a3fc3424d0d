//! Per-record rules of `METRICS.md`, one small function each.
//!
//! Text keys (types, sources, statuses) compare after trimming white space, case-insensitively.
//! Only the ends are trimmed, and only of [`KEY_WHITE_SPACE`]: inner white space is kept as
//! written, so that the SQL views (migration `0006_key_white_space`) apply the very same rule.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::request::RequestError;

/// How a missing or empty source is reported.
pub const NONE_SOURCE: &str = "(none)";

/// A COD Service job is also a repair when paid is strictly above this (100.00).
pub const REPAIR_THRESHOLD_CENTS: i64 = 10_000;

const PRO_REFERRAL: &str = "pro referral";
const PASSED: &str = "passed";

/// What a key is trimmed of: space, tab, line feed, vertical tab, form feed, carriage return and
/// no-break space (which spreadsheets and web forms leave behind). The SQL views trim this same
/// set; Rust's `str::trim` would also take rarer spaces that SQL would keep.
pub const KEY_WHITE_SPACE: [char; 7] = [' ', '\t', '\n', '\u{0B}', '\u{0C}', '\r', '\u{A0}'];

fn trim_key(text: &str) -> &str {
    text.trim_matches(KEY_WHITE_SPACE)
}

/// The comparison key of a text value: trimmed and lower-cased.
pub fn normalize_key(text: &str) -> String {
    trim_key(text).to_lowercase()
}

/// Whether two text values are the same key.
pub fn keys_equal(a: &str, b: &str) -> bool {
    normalize_key(a) == normalize_key(b)
}

fn key_is(text: Option<&str>, wanted: &str) -> bool {
    text.is_some_and(|t| normalize_key(t) == wanted)
}

/// The source as shown before aliasing: trimmed, or [`NONE_SOURCE`] when missing or blank.
pub fn source_or_none(source: Option<&str>) -> &str {
    match source.map(trim_key) {
        Some(s) if !s.is_empty() => s,
        _ => NONE_SOURCE,
    }
}

/// The business segment of a job or lead type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Segment {
    #[serde(rename = "COD")]
    Cod,
    #[serde(rename = "INS")]
    Ins,
    #[serde(rename = "OTHER")]
    Other,
}

impl Segment {
    /// Every segment, in the order reports list them.
    pub const ALL: [Segment; 3] = [Segment::Cod, Segment::Ins, Segment::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Cod => "COD",
            Segment::Ins => "INS",
            Segment::Other => "OTHER",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Segment::Cod => 0,
            Segment::Ins => 1,
            Segment::Other => 2,
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Segment {
    type Err = RequestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalize_key(s).as_str() {
            "cod" => Ok(Segment::Cod),
            "ins" => Ok(Segment::Ins),
            "other" => Ok(Segment::Other),
            _ => Err(RequestError::UnknownSegment(s.to_owned())),
        }
    }
}

/// `COD` if the type contains `cod`, else `INS` if it contains `ins`, else `OTHER`. A missing type is OTHER.
pub fn segment(job_type: Option<&str>) -> Segment {
    let key = job_type.map(normalize_key).unwrap_or_default();
    if key.contains("cod") {
        Segment::Cod
    } else if key.contains("ins") {
        Segment::Ins
    } else {
        Segment::Other
    }
}

/// Type is `COD Service` or `INS Service`.
pub fn is_unit(job_type: Option<&str>) -> bool {
    key_is(job_type, "cod service") || key_is(job_type, "ins service")
}

/// Type is `COD Repair` or `INS Repair`, or `COD Service` with paid strictly above 100.00.
/// An unknown paid amount is not above 100.
pub fn is_repair(job_type: Option<&str>, paid_cents: Option<i64>) -> bool {
    key_is(job_type, "cod repair")
        || key_is(job_type, "ins repair")
        || (key_is(job_type, "cod service") && paid_cents.is_some_and(|p| p > REPAIR_THRESHOLD_CENTS))
}

fn is_pro_referral_passed(source: Option<&str>, status: Option<&str>) -> bool {
    key_is(source, PRO_REFERRAL) && key_is(status, PASSED)
}

/// Every lead counts except one from `Pro Referral` whose status is `Passed`.
/// `source` should already be aliased, so that an alias of Pro Referral is treated the same.
pub fn counts_as_lead(source: Option<&str>, status: Option<&str>) -> bool {
    !is_pro_referral_passed(source, status)
}

/// A lead from `Pro Referral` whose status is not `Passed` (a missing status is not `Passed`).
pub fn is_pro_referral_lead(source: Option<&str>, status: Option<&str>) -> bool {
    key_is(source, PRO_REFERRAL) && !key_is(status, PASSED)
}

/// Whether a job with this status is left out of the report. A job without a status is never left out:
/// there is nothing for the configured list to name.
pub fn is_excluded_status(status: Option<&str>, excluded: &[String]) -> bool {
    match status.map(normalize_key) {
        Some(key) if !key.is_empty() => excluded.iter().any(|e| normalize_key(e) == key),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_trims_and_lowercases_but_keeps_inner_spaces() {
        assert_eq!(normalize_key("  COD Service\t"), "cod service");
        assert_eq!(normalize_key("COD  Service"), "cod  service");
        assert_eq!(normalize_key("\u{A0}COD Service\r\n"), "cod service");
        // Only the set the SQL views trim too.
        assert_eq!(normalize_key("COD Service\u{2003}"), "cod service\u{2003}");
        assert!(keys_equal(" Google ", "GOOGLE"));
        assert!(!keys_equal("Google", "Google Ads"));
    }

    #[test]
    fn missing_or_blank_source_is_none() {
        assert_eq!(source_or_none(None), "(none)");
        assert_eq!(source_or_none(Some("")), "(none)");
        assert_eq!(source_or_none(Some("   ")), "(none)");
        assert_eq!(source_or_none(Some(" Rely ")), "Rely");
    }

    #[test]
    fn segment_from_type() {
        assert_eq!(segment(Some("COD Service")), Segment::Cod);
        assert_eq!(segment(Some("cod service")), Segment::Cod);
        assert_eq!(segment(Some("  COD Repair ")), Segment::Cod);
        assert_eq!(segment(Some("INS Repair")), Segment::Ins);
        assert_eq!(segment(Some("ins service")), Segment::Ins);
        assert_eq!(segment(Some("Warranty")), Segment::Other);
        assert_eq!(segment(Some("Service call")), Segment::Other);
        assert_eq!(segment(Some("")), Segment::Other);
        assert_eq!(segment(None), Segment::Other);
        // COD is tested first: a type naming both is COD.
        assert_eq!(segment(Some("Insurance COD")), Segment::Cod);
        // Substring rule, as the seed says: "Installation" contains "ins".
        assert_eq!(segment(Some("Installation")), Segment::Ins);
    }

    #[test]
    fn segment_parses_and_displays() {
        assert_eq!(" cod ".parse::<Segment>().ok(), Some(Segment::Cod));
        assert_eq!("INS".parse::<Segment>().ok(), Some(Segment::Ins));
        assert_eq!("Other".parse::<Segment>().ok(), Some(Segment::Other));
        assert!("warranty".parse::<Segment>().is_err());
        assert_eq!(Segment::Other.to_string(), "OTHER");
    }

    #[test]
    fn units_are_cod_and_ins_service_only() {
        assert!(is_unit(Some("COD Service")));
        assert!(is_unit(Some(" ins SERVICE ")));
        assert!(!is_unit(Some("COD Repair")));
        assert!(!is_unit(Some("Service")));
        assert!(!is_unit(Some("Warranty")));
        assert!(!is_unit(None));
    }

    #[test]
    fn repairs_by_type() {
        assert!(is_repair(Some("COD Repair"), None));
        assert!(is_repair(Some("ins repair "), Some(0)));
        assert!(!is_repair(Some("Repair"), Some(50_000)));
        assert!(!is_repair(Some("INS Service"), Some(50_000)));
        assert!(!is_repair(None, Some(50_000)));
    }

    #[test]
    fn cod_service_is_repair_only_strictly_above_100() {
        assert!(!is_repair(Some("COD Service"), Some(10_000)));
        assert!(is_repair(Some("COD Service"), Some(10_001)));
        assert!(!is_repair(Some("COD Service"), Some(9_999)));
        assert!(!is_repair(Some("COD Service"), None));
        assert!(!is_repair(Some("COD Service"), Some(-20_000)));
        // Still a unit at the same time.
        assert!(is_unit(Some("COD Service")));
    }

    #[test]
    fn pro_referral_passed_is_not_a_lead() {
        assert!(!counts_as_lead(Some("Pro Referral"), Some("Passed")));
        assert!(!counts_as_lead(Some(" pro referral "), Some("passed")));
        assert!(!counts_as_lead(Some("PRO REFERRAL"), Some(" PASSED ")));
        assert!(counts_as_lead(Some("Pro Referral"), Some("Done")));
        assert!(counts_as_lead(Some("Pro Referral"), None));
        assert!(counts_as_lead(Some("Google"), Some("Passed")));
        assert!(counts_as_lead(None, Some("Passed")));
        assert!(counts_as_lead(Some("ProReferral"), Some("Passed")));
    }

    #[test]
    fn pro_referral_leads() {
        assert!(is_pro_referral_lead(Some("Pro Referral"), Some("new")));
        assert!(is_pro_referral_lead(Some(" Pro referral "), None));
        assert!(!is_pro_referral_lead(Some("Pro Referral"), Some("Passed")));
        assert!(!is_pro_referral_lead(Some(" Pro referral "), Some("passed ")));
        assert!(!is_pro_referral_lead(Some("Google"), Some("new")));
    }

    #[test]
    fn excluded_statuses_compare_normalized() {
        let excluded = vec!["Canceled".to_owned(), " done pending approval ".to_owned()];
        assert!(is_excluded_status(Some("Canceled"), &excluded));
        assert!(is_excluded_status(Some(" canceled "), &excluded));
        assert!(is_excluded_status(Some("Done Pending Approval"), &excluded));
        assert!(!is_excluded_status(Some("Done"), &excluded));
        assert!(!is_excluded_status(Some("Cancel"), &excluded));
        assert!(!is_excluded_status(None, &excluded));
        assert!(!is_excluded_status(Some("Canceled"), &[]));
        assert!(!is_excluded_status(Some(""), &[String::new()]));
    }
}
