//! The shapes a Workiz answer can take: `{"flag":true,"data":[…],"has_more":…}`, a bare array,
//! `{"flag":false,"msg":…}` on HTTP 200, or the plain text "Invalid end point".

use serde_json::Value;

/// A list page as received, before its records are decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub records: Vec<Value>,
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

/// Parses a body into JSON, recognising the non-JSON "Invalid end point" answer.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, BodyProblem> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::String(s)) if is_invalid_endpoint(&s) => Err(BodyProblem::InvalidEndpoint),
        Ok(value) => {
            if let Some(object) = value.as_object() {
                let flag_false = matches!(object.get("flag"), Some(Value::Bool(false)))
                    || matches!(object.get("success"), Some(Value::Bool(false)));
                if flag_false {
                    let message = ["msg", "message", "data", "error"]
                        .iter()
                        .find_map(|k| object.get(*k))
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .unwrap_or_else(|| "no message".to_owned());
                    if is_invalid_endpoint(&message) {
                        return Err(BodyProblem::InvalidEndpoint);
                    }
                    return Err(BodyProblem::Refused(message));
                }
            }
            Ok(value)
        }
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
    envelope_of(parse_body(body)?)
}

pub(crate) fn envelope_of(value: Value) -> Result<Envelope, BodyProblem> {
    match value {
        Value::Array(records) => Ok(Envelope { records, has_more: None, found: None }),
        Value::Object(mut object) => {
            let has_more = object.get("has_more").and_then(|v| match v {
                Value::Bool(b) => Some(*b),
                Value::Number(n) => Some(n.as_u64() != Some(0)),
                Value::String(s) => Some(matches!(s.as_str(), "true" | "1")),
                _ => None,
            });
            let found = object.get("found").and_then(|v| match v {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            });
            match object.remove("data") {
                Some(Value::Array(records)) => Ok(Envelope { records, has_more, found }),
                Some(Value::Null) => Ok(Envelope { records: Vec::new(), has_more, found }),
                Some(single @ Value::Object(_)) => Ok(Envelope { records: vec![single], has_more, found }),
                Some(other) => Err(BodyProblem::Unexpected(format!("`data` is {}", kind_of(&other)))),
                None => Err(BodyProblem::Unexpected("an object with no `data` list".to_owned())),
            }
        }
        other => Err(BodyProblem::Unexpected(format!("the answer is {}", kind_of(&other)))),
    }
}

/// Reads a single-record answer (`job/get`, `Client/get`): `{"flag":true,"data":[{…}]}`,
/// `{"data":{…}}` or the bare object. `None` for an empty `data`.
pub fn parse_single(body: &[u8]) -> Result<Option<Value>, BodyProblem> {
    let value = parse_body(body)?;
    if value.as_object().is_some_and(|o| !o.contains_key("data")) {
        return Ok(Some(value));
    }
    Ok(envelope_of(value)?.records.into_iter().next())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_all_three_list_envelopes() {
        let wrapped = parse_envelope(br#"{"flag":true,"data":[{"UUID":"A"}],"has_more":true}"#);
        assert_eq!(wrapped.map(|e| (e.records.len(), e.has_more)), Ok((1, Some(true))));
        let found = parse_envelope(br#"{"flag":true,"data":[],"has_more":false,"found":12}"#);
        assert_eq!(found.map(|e| e.found), Ok(Some(12)));
        let bare = parse_envelope(br#"[{"UUID":"A"},{"UUID":"B"}]"#);
        assert_eq!(bare.map(|e| (e.records.len(), e.has_more)), Ok((2, None)));
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
    }

    #[test]
    fn single_record_answers() {
        let one = parse_single(br#"{"flag":true,"data":[{"UUID":"CC6YKK"}]}"#);
        assert_eq!(one.ok().flatten().and_then(|v| v["UUID"].as_str().map(str::to_owned)), Some("CC6YKK".into()));
        let obj = parse_single(br#"{"flag":true,"data":{"Id":5}}"#);
        assert_eq!(obj.ok().flatten().map(|v| v["Id"].clone()), Some(serde_json::json!(5)));
        assert_eq!(parse_single(br#"{"flag":true,"data":[]}"#), Ok(None));
    }
}
