//! Lenient readers for the fields of one Workiz record.
//!
//! Each reader accepts every shape the API is known to send for that kind of field and returns a
//! [`FieldError`] naming the key for anything else, so that a record that does not decode can be
//! kept aside with a precise reason.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use crate::money::Cents;

/// A Workiz timestamp. Workiz writes local wall-clock time with no zone; some inputs (webhooks,
/// RFC 3339 strings) carry a zone. The difference matters for the local day, so both are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkizTime {
    /// `YYYY-MM-DD HH:MM:SS` as written, in the account's local time.
    Local(NaiveDateTime),
    /// A timestamp with an explicit offset, to be converted into the account time zone.
    Zoned(DateTime<FixedOffset>),
}

impl WorkizTime {
    /// Parses the forms Workiz uses. `None` for "no date" (empty, `null`, `"null"`).
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("null") || text.starts_with("0000-00-00") {
            return Ok(None);
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
            return Ok(Some(Self::Local(t)));
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Some(Self::Zoned(t)));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
            return Ok(Some(Self::Local(t)));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
            return Ok(Some(Self::Local(t)));
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Some(Self::Local(d.and_time(chrono::NaiveTime::MIN))));
        }
        Err(format!("'{text}' is not a date (expected YYYY-MM-DD HH:MM:SS or RFC 3339)"))
    }

    /// The local wall-clock time, converting a zoned time with `to_local`.
    pub fn local(&self, to_local: impl Fn(DateTime<FixedOffset>) -> NaiveDateTime) -> NaiveDateTime {
        match self {
            Self::Local(t) => *t,
            Self::Zoned(t) => to_local(*t),
        }
    }

    /// The local time as written when there is no zone; a zoned time as its own wall clock.
    pub fn wall_clock(&self) -> NaiveDateTime {
        match self {
            Self::Local(t) => *t,
            Self::Zoned(t) => t.naive_local(),
        }
    }
}

/// Why one field of a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub reason: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "field {}: {}", self.key, self.reason)
    }
}

/// A record's JSON object with readers that know Workiz's habits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a>(pub &'a Map<String, Value>);

fn is_absent(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty() || s.trim().eq_ignore_ascii_case("null"),
        _ => false,
    }
}

impl<'a> Fields<'a> {
    /// The first present key among `keys` (Workiz spells some keys several ways).
    fn get(&self, keys: &[&str]) -> Option<(&'a str, &'a Value)> {
        keys.iter().find_map(|k| self.0.get_key_value(*k)).map(|(k, v)| (k.as_str(), v))
    }

    fn err(key: &str, reason: impl Into<String>) -> FieldError {
        FieldError { key: key.to_owned(), reason: reason.into() }
    }

    /// Text, trimmed; numbers and booleans are turned into text; null, `"null"` and "" are `None`.
    pub fn text(&self, keys: &[&str]) -> Result<Option<String>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        if is_absent(value) {
            return Ok(None);
        }
        match value {
            Value::String(s) => Ok(Some(s.trim().to_owned())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            _ => Err(Self::err(key, "expected text")),
        }
    }

    /// An identifier that arrives as a number in one response and a string in another.
    pub fn id(&self, keys: &[&str]) -> Result<Option<String>, FieldError> {
        self.text(keys)
    }

    pub fn required_id(&self, keys: &[&str]) -> Result<String, FieldError> {
        self.id(keys)?.ok_or_else(|| Self::err(keys[0], "missing"))
    }

    pub fn money(&self, keys: &[&str]) -> Result<Option<Cents>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        if is_absent(value) {
            return Ok(None);
        }
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => return Err(Self::err(key, "expected an amount")),
        };
        Cents::parse(&text).map(Some).ok_or_else(|| Self::err(key, format!("'{text}' is not an amount")))
    }

    pub fn time(&self, keys: &[&str]) -> Result<Option<WorkizTime>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        match value {
            Value::Null => Ok(None),
            Value::String(s) => WorkizTime::parse(s).map_err(|reason| Self::err(key, reason)),
            _ => Err(Self::err(key, "expected a date string")),
        }
    }

    /// Booleans arrive as `true`, `1`, `"1"`, `"true"` or `"yes"`.
    pub fn flag(&self, keys: &[&str]) -> Result<Option<bool>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        match value {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            Value::Number(n) => Ok(Some(n.as_f64().is_some_and(|x| x != 0.0))),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "" | "null" => Ok(None),
                "1" | "true" | "yes" => Ok(Some(true)),
                "0" | "false" | "no" => Ok(Some(false)),
                other => Err(Self::err(key, format!("'{other}' is not a yes/no value"))),
            },
            _ => Err(Self::err(key, "expected a yes/no value")),
        }
    }

    /// A list of strings: `["a","b"]`, `"a, b"` or a single string.
    pub fn strings(&self, keys: &[&str]) -> Result<Vec<String>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(Vec::new()) };
        match value {
            Value::Null => Ok(Vec::new()),
            Value::String(s) => Ok(s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()),
            Value::Array(items) => items
                .iter()
                .filter(|v| !is_absent(v))
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_owned()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(Self::err(key, "expected a list of strings")),
                })
                .collect(),
            _ => Err(Self::err(key, "expected a list of strings")),
        }
    }

    /// `Comments`: `""`, a string, or `[{"Comment":"…"}]`.
    pub fn comments(&self, keys: &[&str]) -> Result<Vec<String>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(Vec::new()) };
        match value {
            Value::Null => Ok(Vec::new()),
            Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
            Value::String(s) => Ok(vec![s.clone()]),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Object(o) => {
                        Fields(o).text(&["Comment", "comment", "text", "Text"]).map(Option::unwrap_or_default)
                    }
                    _ => Err(Self::err(key, "expected comment objects")),
                })
                .collect(),
            _ => Err(Self::err(key, "expected text or a list of comments")),
        }
    }

    /// A nested list of objects (`Team`, `LineItems`).
    pub fn objects(&self, keys: &[&str]) -> Result<Vec<&'a Map<String, Value>>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(Vec::new()) };
        match value {
            Value::Null => Ok(Vec::new()),
            Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
            Value::Array(items) => items
                .iter()
                .map(|item| item.as_object().ok_or_else(|| Self::err(key, "expected a list of objects")))
                .collect(),
            _ => Err(Self::err(key, "expected a list of objects")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn dates_accept_every_documented_form() {
        let obj = with(json!({"a":"2026-09-21 13:00:00","b":null,"c":"null","e":"2026-09-21T17:56:00Z","f":"soon"}));
        let f = Fields(&obj);
        let expected = NaiveDateTime::parse_from_str("2026-09-21 13:00:00", "%Y-%m-%d %H:%M:%S").ok();
        assert_eq!(f.time(&["a"]).ok().flatten().map(|t| t.wall_clock()), expected);
        assert_eq!(f.time(&["b"]), Ok(None));
        assert_eq!(f.time(&["c"]), Ok(None));
        assert_eq!(f.time(&["d"]), Ok(None));
        assert!(matches!(f.time(&["e"]), Ok(Some(WorkizTime::Zoned(_)))));
        assert_eq!(f.time(&["f"]).map_err(|e| e.key), Err("f".to_owned()));
    }

    #[test]
    fn numbers_and_strings_are_interchangeable() {
        let obj = with(json!({"n":50,"s":"50.25","i":924886,"is":"924886","bad":"fifty"}));
        let f = Fields(&obj);
        assert_eq!(f.money(&["n"]), Ok(Some(Cents(5000))));
        assert_eq!(f.money(&["s"]), Ok(Some(Cents(5025))));
        assert_eq!(f.id(&["i"]), f.id(&["is"]));
        assert!(f.money(&["bad"]).is_err());
    }

    #[test]
    fn comments_have_three_shapes() {
        let obj = with(json!({"a":"","b":"call first","c":[{"Comment":"x"},{"Comment":"y"}]}));
        let f = Fields(&obj);
        assert_eq!(f.comments(&["a"]), Ok(vec![]));
        assert_eq!(f.comments(&["b"]), Ok(vec!["call first".to_owned()]));
        assert_eq!(f.comments(&["c"]), Ok(vec!["x".to_owned(), "y".to_owned()]));
    }
}
