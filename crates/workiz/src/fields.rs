//! Lenient readers for the fields of one Workiz record.
//!
//! Each reader accepts every shape the API is known to send for that kind of field and returns a
//! [`FieldError`] naming the key for anything else, so that a record that does not decode can be
//! kept aside with a precise reason.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Number;
use serde_json::value::RawValue;

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
        if let Some(t) = plain_date_time(text) {
            return Ok(Some(Self::Local(t)));
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

/// `YYYY-MM-DD HH:MM:SS` exactly, the form of nearly every Workiz time, read without chrono's
/// pattern parser (which re-reads its format string on every call). `None` sends anything else,
/// leap seconds included, to the general parsers.
fn plain_date_time(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(0..4)?).ok()?, number(5..7)?, number(8..10)?)?;
    date.and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)
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

/// One JSON object read shallowly: each key with the exact text of its value, borrowed from the
/// record's text. A value is parsed only when a reader asks for it, so the many fields nobody reads
/// (line items, custom fields) cost one scan and no allocation.
#[derive(Debug, Clone, Default)]
pub struct Fields<'a> {
    entries: Vec<(Key<'a>, &'a RawValue)>,
}

/// An object key, borrowed unless it had escapes.
#[derive(Debug, Clone)]
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(32));
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Fields { entries })
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// A field's value, as far as the readers need to tell it apart.
#[derive(Debug, Clone)]
enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    List(&'a RawValue),
    Object(&'a RawValue),
    /// Valid JSON that no reader can take: a number out of range, a lone surrogate escape.
    Unreadable,
}

impl<'a> Scalar<'a> {
    fn of(raw: &'a RawValue) -> Self {
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'[') => Self::List(raw),
            Some(b'{') => Self::Object(raw),
            Some(b'"') => match serde_json::from_str::<&'a str>(text) {
                Ok(s) => Self::Str(Cow::Borrowed(s)),
                // Escapes: the text must be unescaped into a new string.
                Err(_) => serde_json::from_str::<String>(text).map_or(Self::Unreadable, |s| Self::Str(Cow::Owned(s))),
            },
            Some(b't') => Self::Bool(true),
            Some(b'f') => Self::Bool(false),
            Some(b'n') | None => Self::Null,
            Some(_) => serde_json::from_str::<Number>(text).map_or(Self::Unreadable, Self::Number),
        }
    }

    /// Null, blank and the text "null" all mean "no value" in Workiz answers.
    fn is_absent(&self) -> bool {
        match self {
            Self::Null => true,
            Self::Str(s) => s.trim().is_empty() || s.trim().eq_ignore_ascii_case("null"),
            _ => false,
        }
    }
}

/// The elements of a JSON list, each as its exact text.
fn items(raw: &RawValue) -> Vec<&RawValue> {
    serde_json::from_str(raw.get()).unwrap_or_default()
}

fn err(key: &str, reason: impl Into<String>) -> FieldError {
    FieldError { key: key.to_owned(), reason: reason.into() }
}

/// A record's fields with readers that know Workiz's habits.
impl<'a> Fields<'a> {
    /// Reads `text` as an object; `None` when it is not one.
    pub fn parse(text: &'a str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// The first present key among `keys` (Workiz spells some keys several ways). A key given twice
    /// in one object counts with its last value, as in any JSON reader.
    fn get<'k>(&self, keys: &[&'k str]) -> Option<(&'k str, Scalar<'a>)> {
        keys.iter().find_map(|key| {
            self.entries.iter().rev().find(|(k, _)| k.0 == *key).map(|(_, value)| (*key, Scalar::of(value)))
        })
    }

    /// Text, trimmed; numbers and booleans are turned into text; null, `"null"` and "" are `None`.
    pub fn text(&self, keys: &[&str]) -> Result<Option<String>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        if value.is_absent() {
            return Ok(None);
        }
        match value {
            Scalar::Str(s) => Ok(Some(s.trim().to_owned())),
            Scalar::Number(n) => Ok(Some(n.to_string())),
            Scalar::Bool(b) => Ok(Some(b.to_string())),
            _ => Err(err(key, "expected text")),
        }
    }

    /// An identifier that arrives as a number in one response and a string in another.
    pub fn id(&self, keys: &[&str]) -> Result<Option<String>, FieldError> {
        self.text(keys)
    }

    pub fn required_id(&self, keys: &[&str]) -> Result<String, FieldError> {
        self.id(keys)?.ok_or_else(|| err(keys[0], "missing"))
    }

    pub fn money(&self, keys: &[&str]) -> Result<Option<Cents>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        if value.is_absent() {
            return Ok(None);
        }
        let text = match value {
            Scalar::Number(n) => Cow::Owned(n.to_string()),
            Scalar::Str(s) => s,
            _ => return Err(err(key, "expected an amount")),
        };
        Cents::parse(&text).map(Some).ok_or_else(|| err(key, format!("'{text}' is not an amount")))
    }

    pub fn time(&self, keys: &[&str]) -> Result<Option<WorkizTime>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        match value {
            Scalar::Null => Ok(None),
            Scalar::Str(s) => WorkizTime::parse(&s).map_err(|reason| err(key, reason)),
            _ => Err(err(key, "expected a date string")),
        }
    }

    /// Booleans arrive as `true`, `1`, `"1"`, `"true"` or `"yes"`.
    pub fn flag(&self, keys: &[&str]) -> Result<Option<bool>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(None) };
        match value {
            Scalar::Null => Ok(None),
            Scalar::Bool(b) => Ok(Some(b)),
            Scalar::Number(n) => Ok(Some(n.as_f64().is_some_and(|x| x != 0.0))),
            Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "" | "null" => Ok(None),
                "1" | "true" | "yes" => Ok(Some(true)),
                "0" | "false" | "no" => Ok(Some(false)),
                other => Err(err(key, format!("'{other}' is not a yes/no value"))),
            },
            _ => Err(err(key, "expected a yes/no value")),
        }
    }

    /// A list of strings: `["a","b"]`, `"a, b"` or a single string.
    pub fn strings(&self, keys: &[&str]) -> Result<Vec<String>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(Vec::new()) };
        match value {
            Scalar::Null => Ok(Vec::new()),
            Scalar::Str(s) => Ok(s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()),
            Scalar::List(raw) => items(raw)
                .into_iter()
                .map(Scalar::of)
                .filter(|v| !v.is_absent())
                .map(|v| match v {
                    Scalar::Str(s) => Ok(s.trim().to_owned()),
                    Scalar::Number(n) => Ok(n.to_string()),
                    _ => Err(err(key, "expected a list of strings")),
                })
                .collect(),
            _ => Err(err(key, "expected a list of strings")),
        }
    }

    /// `Comments`: `""`, a string, or `[{"Comment":"…"}]`.
    pub fn comments(&self, keys: &[&str]) -> Result<Vec<String>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(Vec::new()) };
        match value {
            Scalar::Null => Ok(Vec::new()),
            Scalar::Str(s) if s.trim().is_empty() => Ok(Vec::new()),
            Scalar::Str(s) => Ok(vec![s.into_owned()]),
            Scalar::List(raw) => items(raw)
                .into_iter()
                .map(|item| match Scalar::of(item) {
                    Scalar::Str(s) => Ok(s.into_owned()),
                    Scalar::Object(object) => Fields::parse(object.get())
                        .unwrap_or_default()
                        .text(&["Comment", "comment", "text", "Text"])
                        .map(Option::unwrap_or_default),
                    _ => Err(err(key, "expected comment objects")),
                })
                .collect(),
            _ => Err(err(key, "expected text or a list of comments")),
        }
    }

    /// A nested list of objects (`Team`, `LineItems`).
    pub fn objects(&self, keys: &[&str]) -> Result<Vec<Fields<'a>>, FieldError> {
        let Some((key, value)) = self.get(keys) else { return Ok(Vec::new()) };
        match value {
            Scalar::Null => Ok(Vec::new()),
            Scalar::Str(s) if s.trim().is_empty() => Ok(Vec::new()),
            Scalar::List(raw) => items(raw)
                .into_iter()
                .map(|item| Fields::parse(item.get()).ok_or_else(|| err(key, "expected a list of objects")))
                .collect(),
            _ => Err(err(key, "expected a list of objects")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn with(value: Value) -> String {
        value.to_string()
    }

    #[test]
    fn dates_accept_every_documented_form() {
        let obj = with(json!({"a":"2026-09-21 13:00:00","b":null,"c":"null","e":"2026-09-21T17:56:00Z","f":"soon"}));
        let f = Fields::parse(&obj).expect("object");
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
        let f = Fields::parse(&obj).expect("object");
        assert_eq!(f.money(&["n"]), Ok(Some(Cents(5000))));
        assert_eq!(f.money(&["s"]), Ok(Some(Cents(5025))));
        assert_eq!(f.id(&["i"]), f.id(&["is"]));
        assert!(f.money(&["bad"]).is_err());
    }

    #[test]
    fn comments_have_three_shapes() {
        let obj = with(json!({"a":"","b":"call first","c":[{"Comment":"x"},{"Comment":"y"}]}));
        let f = Fields::parse(&obj).expect("object");
        assert_eq!(f.comments(&["a"]), Ok(vec![]));
        assert_eq!(f.comments(&["b"]), Ok(vec!["call first".to_owned()]));
        assert_eq!(f.comments(&["c"]), Ok(vec!["x".to_owned(), "y".to_owned()]));
    }
}
