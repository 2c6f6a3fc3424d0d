//! The shapes a Workiz answer can take: `{"flag":true,"data":[…],"has_more":…}`, a bare array,
//! `{"flag":false,"msg":…}` on HTTP 200, or the plain text "Invalid end point".
//!
//! An answer is read in one pass that splits the list into each record's exact JSON text; the
//! records are decoded from that text later, and keep it as their raw JSON.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// A list page as received, before its records are decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Each record's JSON text, exactly as received.
    pub records: Vec<String>,
    /// `None` when the answer did not say (bare arrays).
    pub has_more: Option<bool>,
    /// The total that one documented variant reports.
    pub found: Option<u64>,
}

/// What an answer body meant, when it was not a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyProblem {
    /// Not JSON, or truncated: worth asking again.
    Malformed(String),
    /// `flag:false`: Workiz said the request failed.
    Refused(String),
    /// "Invalid end point": the account does not offer this path.
    InvalidEndpoint,
    /// Valid JSON of a shape no variant explains.
    Unexpected(String),
}

const INVALID_END_POINT: &str = "invalid end point";

fn is_invalid_endpoint(text: &str) -> bool {
    text.to_ascii_lowercase().contains(INVALID_END_POINT)
}

/// A JSON value's kind, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The `data` member (or a bare array): records split out as text, or something else.
#[derive(Debug)]
enum Data {
    Records(Vec<String>),
    /// A single object: one record.
    Object(String),
    /// Anything else, kept for the message it may carry.
    Other(Value),
}

/// A top-level object's members that matter. A member given twice counts with its last value.
#[derive(Debug, Default)]
struct Members {
    flag: Option<Value>,
    success: Option<Value>,
    msg: Option<Value>,
    message: Option<Value>,
    error: Option<Value>,
    data: Option<Data>,
    has_more: Option<Value>,
    found: Option<Value>,
}

#[derive(Debug)]
enum Answer {
    Members(Box<Members>),
    Data(Data),
}

fn records<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<String>, A::Error> {
    let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(100));
    while let Some(record) = seq.next_element::<Box<RawValue>>()? {
        records.push(Box::<str>::from(record).into_string());
    }
    Ok(records)
}

/// Reads any value as [`Data`]; a list is split into records without building a tree.
struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = Data;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Data, A::Error> {
        records(seq).map(Data::Records)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Data, A::Error> {
        let object = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Data::Object(object.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Data, E> {
        Ok(Data::Other(Value::Null))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Data, E> {
        Ok(Data::Other(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Data, E> {
        Ok(Data::Other(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Data, E> {
        Ok(Data::Other(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Data, E> {
        Ok(Data::Other(Value::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Data, E> {
        Ok(Data::Other(Value::String(v.to_owned())))
    }
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DataVisitor)
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;
        impl<'de> Visitor<'de> for AnswerVisitor {
            type Value = Answer;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a Workiz answer")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
                let mut members = Members::default();
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "data" => {
                            members.data = Some(map.next_value()?);
                            continue;
                        }
                        "flag" => &mut members.flag,
                        "success" => &mut members.success,
                        "msg" => &mut members.msg,
                        "message" => &mut members.message,
                        "error" => &mut members.error,
                        "has_more" => &mut members.has_more,
                        "found" => &mut members.found,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(Answer::Members(Box::new(members)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Answer, A::Error> {
                DataVisitor.visit_seq(seq).map(Answer::Data)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Answer, E> {
                DataVisitor.visit_unit().map(Answer::Data)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Answer, E> {
                DataVisitor.visit_bool(v).map(Answer::Data)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
                DataVisitor.visit_i64(v).map(Answer::Data)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
                DataVisitor.visit_u64(v).map(Answer::Data)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
                DataVisitor.visit_f64(v).map(Answer::Data)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                DataVisitor.visit_str(v).map(Answer::Data)
            }
        }
        deserializer.deserialize_any(AnswerVisitor)
    }
}

/// Parses a body, recognising the non-JSON "Invalid end point" answer and `flag:false` refusals.
fn parse_answer(body: &[u8]) -> Result<Answer, BodyProblem> {
    match serde_json::from_slice::<Answer>(body) {
        Ok(Answer::Data(Data::Other(Value::String(s)))) if is_invalid_endpoint(&s) => Err(BodyProblem::InvalidEndpoint),
        Ok(Answer::Members(members)) => {
            let flag_false =
                matches!(members.flag, Some(Value::Bool(false))) || matches!(members.success, Some(Value::Bool(false)));
            if flag_false {
                let message = members
                    .msg
                    .or(members.message)
                    .or(members.data.map(|data| match data {
                        Data::Records(records) => Value::String(format!("[{}]", records.join(","))),
                        Data::Object(text) => Value::String(text),
                        Data::Other(value) => value,
                    }))
                    .or(members.error)
                    .map(|v| match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .unwrap_or_else(|| "no message".to_owned());
                if is_invalid_endpoint(&message) {
                    return Err(BodyProblem::InvalidEndpoint);
                }
                return Err(BodyProblem::Refused(message));
            }
            Ok(Answer::Members(members))
        }
        Ok(answer) => Ok(answer),
        Err(e) => {
            let text = String::from_utf8_lossy(body);
            if is_invalid_endpoint(&text) {
                Err(BodyProblem::InvalidEndpoint)
            } else {
                Err(BodyProblem::Malformed(format!("the answer is not valid JSON ({e})")))
            }
        }
    }
}

/// Reads a list answer in any of its envelopes.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, BodyProblem> {
    envelope_of(parse_answer(body)?)
}

fn envelope_of(answer: Answer) -> Result<Envelope, BodyProblem> {
    match answer {
        Answer::Data(Data::Records(records)) => Ok(Envelope { records, has_more: None, found: None }),
        // A top-level object is read as members; a lone object stands for one record wherever it is.
        Answer::Data(Data::Object(single)) => Ok(Envelope { records: vec![single], has_more: None, found: None }),
        Answer::Data(Data::Other(value)) => Err(BodyProblem::Unexpected(format!("the answer is {}", kind_of(&value)))),
        Answer::Members(members) => {
            let has_more = members.has_more.and_then(|v| match v {
                Value::Bool(b) => Some(b),
                Value::Number(n) => Some(n.as_u64() != Some(0)),
                Value::String(s) => Some(matches!(s.as_str(), "true" | "1")),
                _ => None,
            });
            let found = members.found.and_then(|v| match v {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            });
            match members.data {
                Some(Data::Records(records)) => Ok(Envelope { records, has_more, found }),
                Some(Data::Other(Value::Null)) => Ok(Envelope { records: Vec::new(), has_more, found }),
                Some(Data::Object(single)) => Ok(Envelope { records: vec![single], has_more, found }),
                Some(Data::Other(other)) => Err(BodyProblem::Unexpected(format!("`data` is {}", kind_of(&other)))),
                None => Err(BodyProblem::Unexpected("an object with no `data` list".to_owned())),
            }
        }
    }
}

/// Reads a single-record answer (`job/get`, `Client/get`): `{"flag":true,"data":[{…}]}`,
/// `{"data":{…}}` or the bare object. `None` for an empty `data`. The record is its JSON text.
pub fn parse_single(body: &[u8]) -> Result<Option<String>, BodyProblem> {
    let answer = parse_answer(body)?;
    if matches!(&answer, Answer::Members(members) if members.data.is_none()) {
        // The bare record: the whole body is its text.
        return Ok(Some(String::from_utf8_lossy(body).trim().to_owned()));
    }
    Ok(envelope_of(answer)?.records.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_all_three_list_envelopes() {
        let wrapped = parse_envelope(br#"{"flag":true,"data":[{"UUID":"A"}],"has_more":true}"#);
        assert_eq!(wrapped.map(|e| (e.records, e.has_more)), Ok((vec![r#"{"UUID":"A"}"#.to_owned()], Some(true))));
        let found = parse_envelope(br#"{"flag":true,"data":[],"has_more":false,"found":12}"#);
        assert_eq!(found.map(|e| e.found), Ok(Some(12)));
        let bare = parse_envelope(br#"[{"UUID":"A"},{"UUID":"B"}]"#);
        assert_eq!(bare.map(|e| (e.records.len(), e.has_more)), Ok((2, None)));
    }

    #[test]
    fn records_keep_their_exact_text() {
        let body = br#"{"data":[ {"UUID" : "A", "Z":1.50,"a":[]} ,{"UUID":"B\u00e9"}],"flag":true}"#;
        let records = parse_envelope(body).map(|e| e.records);
        assert_eq!(
            records,
            Ok(vec![r#"{"UUID" : "A", "Z":1.50,"a":[]}"#.to_owned(), r#"{"UUID":"B\u00e9"}"#.to_owned()])
        );
    }

    #[test]
    fn the_last_of_a_repeated_member_counts() {
        let body = br#"{"data":"x","has_more":true,"data":[{"UUID":"A"}],"has_more":false}"#;
        assert_eq!(parse_envelope(body).map(|e| (e.records.len(), e.has_more)), Ok((1, Some(false))));
    }

    #[test]
    fn recognises_failures_on_http_200() {
        assert_eq!(
            parse_envelope(br#"{"flag":false,"msg":"Something went wrong"}"#),
            Err(BodyProblem::Refused("Something went wrong".into()))
        );
        assert_eq!(
            parse_envelope(br#"{"flag":false,"code":400,"data":"bad start_date"}"#),
            Err(BodyProblem::Refused("bad start_date".into()))
        );
        assert_eq!(parse_envelope(b"Invalid end point"), Err(BodyProblem::InvalidEndpoint));
        assert_eq!(parse_envelope(br#""Invalid end point""#), Err(BodyProblem::InvalidEndpoint));
        assert!(matches!(parse_envelope(br#"{"flag":true,"data":[{"UUID""#), Err(BodyProblem::Malformed(_))));
        assert_eq!(parse_envelope(b"42"), Err(BodyProblem::Unexpected("the answer is a number".into())));
        assert_eq!(parse_envelope(br#"{"data":7}"#), Err(BodyProblem::Unexpected("`data` is a number".into())));
        assert_eq!(
            parse_envelope(br#"{"flag":true}"#),
            Err(BodyProblem::Unexpected("an object with no `data` list".into()))
        );
    }

    #[test]
    fn single_record_answers() {
        let one = parse_single(br#"{"flag":true,"data":[{"UUID":"CC6YKK"}]}"#);
        assert_eq!(one, Ok(Some(r#"{"UUID":"CC6YKK"}"#.to_owned())));
        let obj = parse_single(br#"{"flag":true,"data":{"Id":5}}"#);
        assert_eq!(obj, Ok(Some(r#"{"Id":5}"#.to_owned())));
        let bare = parse_single(br#" {"Id":5,"Name":"Max"} "#);
        assert_eq!(bare, Ok(Some(r#"{"Id":5,"Name":"Max"}"#.to_owned())));
        assert_eq!(parse_single(br#"{"flag":true,"data":[]}"#), Ok(None));
    }
}
