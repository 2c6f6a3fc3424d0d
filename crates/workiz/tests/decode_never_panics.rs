//! Property tests: arbitrary bytes and mutated real-shaped pages never panic the decoder, a record
//! keeps its exact text whether it decodes or not, and how a record is formatted never changes
//! what it decodes to.

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Map, Value};
use workiz::{ClientRecord, Job, Lead, Record, TeamMember, TimeOff, parse_envelope, parse_single};
use workiz_sim::{Account, AccountShape, WireStyle, wire};

fn decode_everything(body: &[u8]) {
    if let Ok(envelope) = parse_envelope(body) {
        for text in &envelope.records {
            check::<Job>(text);
            check::<Lead>(text);
            check::<TeamMember>(text);
            check::<TimeOff>(text);
            check::<ClientRecord>(text);
        }
    }
    if let Ok(Some(text)) = parse_single(body) {
        check::<Job>(&text);
    }
}

fn check<T: Record>(text: &str) {
    match T::decode_json(text.to_owned()) {
        Ok(mut record) => assert_eq!(std::mem::take(record.raw_mut()), text),
        Err(e) => {
            assert_eq!(e.raw, text);
            assert!(!e.reason.is_empty());
        }
    }
}

/// The record decoded from compact and from pretty-printed text, raw text aside.
fn decoded_both_ways<T: Record + std::fmt::Debug>(value: &Value) -> (String, String) {
    let show = |text: String| match T::decode_json(text) {
        Ok(mut record) => {
            record.raw_mut().clear();
            format!("{record:?}")
        }
        Err(e) => format!("{:?} {}", e.key, e.reason),
    };
    let pretty = serde_json::to_string_pretty(value).expect("serializes");
    (show(value.to_string()), show(pretty))
}

fn real_page() -> Value {
    let shape = AccountShape::new(3, 3, NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"));
    let account = Account::generate(&shape);
    let mut data: Vec<Value> = account.jobs.iter().take(5).map(|j| wire::job(j, WireStyle::Mixed)).collect();
    data.extend(account.leads.iter().take(5).map(|l| wire::lead(l, WireStyle::Mixed)));
    serde_json::json!({"flag": true, "data": data, "has_more": true})
}

/// A real page with one field of one record replaced by `value`.
fn real_page_with(record: usize, key_pick: prop::sample::Index, value: Value) -> Value {
    let mut page = real_page();
    let data = page["data"].as_array_mut().expect("data");
    let object = data[record].as_object_mut().expect("object");
    let keys: Vec<String> = object.keys().cloned().collect();
    let key = keys[key_pick.index(keys.len())].clone();
    object.insert(key, value);
    page
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("null".into())),
        Just(Value::String("2026-13-45 99:99:99".into())),
        Just(Value::String("1e400".into())),
        Just(Value::String("-0.005".into())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((".{0,6}", inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&bytes);
    }

    #[test]
    fn real_pages_with_a_field_replaced_never_panic(record in 0usize..10, key_pick in any::<prop::sample::Index>(), value in any_json()) {
        let page = real_page_with(record, key_pick, value);
        decode_everything(page.to_string().as_bytes());
    }

    #[test]
    fn real_pages_cut_or_corrupted_never_panic(cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8)) {
        let mut bytes = real_page().to_string().into_bytes();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let end = cut.index(bytes.len() + 1);
        decode_everything(&bytes[..end]);
    }

    #[test]
    fn formatting_never_changes_a_decoded_record(record in 0usize..10, key_pick in any::<prop::sample::Index>(), value in any_json()) {
        let page = real_page_with(record, key_pick, value);
        let record = &page["data"][record];
        let (compact, pretty) = decoded_both_ways::<Job>(record);
        prop_assert_eq!(compact, pretty);
        let (compact, pretty) = decoded_both_ways::<Lead>(record);
        prop_assert_eq!(compact, pretty);
    }

    #[test]
    fn a_record_replaced_by_any_json_is_decoded_or_rejected_with_its_raw_text(value in any_json()) {
        let page = serde_json::json!({"flag": true, "data": [value]});
        decode_everything(page.to_string().as_bytes());
    }
}
