//! How the simulator writes records on the wire, with the variants the real API is known to mix:
//! numbers as strings, three `Comments` shapes, null / "null" / absent dates, `name` or `Name`.
//! The variant of each record is fixed by a hash of its key, so a record looks the same on every
//! request and differs from its neighbours.

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use crate::account::{SimClient, SimJob, SimLead, SimPayment, SimTeamMember, SimTeamRef, SimTimeOff};

/// Whether records mix the known wire variants or all use the canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireStyle {
    Mixed,
    Canonical,
}

fn variant(style: WireStyle, key: &str, salt: u64) -> u64 {
    if style == WireStyle::Canonical {
        return 0;
    }
    // FNV-1a: stable across runs and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn time_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn money(cents: i64, as_string: bool) -> Value {
    let text =
        format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    if as_string {
        return Value::String(text);
    }
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        // Parsed from its decimal text, so the number prints back exactly as written.
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

fn id(value: u64, as_string: bool) -> Value {
    if as_string { Value::String(value.to_string()) } else { json!(value) }
}

/// Writes an optional date as a date, or, for `None`, as null, the string "null", or not at all.
fn put_time(object: &mut Map<String, Value>, key: &str, t: Option<NaiveDateTime>, v: u64) {
    match (t, v % 3) {
        (Some(t), _) => {
            object.insert(key.to_owned(), Value::String(time_text(t)));
        }
        (None, 0) => {
            object.insert(key.to_owned(), Value::Null);
        }
        (None, 1) => {
            object.insert(key.to_owned(), Value::String("null".to_owned()));
        }
        (None, _) => {}
    }
}

fn team(team: &[SimTeamRef], ids_as_strings: bool, v: u64) -> Value {
    let name_key = if v.is_multiple_of(2) { "Name" } else { "name" };
    Value::Array(team.iter().map(|t| json!({"id": id(t.id, ids_as_strings), name_key: t.name})).collect())
}

fn comments(comments: &[String], v: u64) -> Value {
    match (comments, v % 3) {
        ([], 0) => Value::String(String::new()),
        ([], _) => Value::Array(vec![]),
        ([one], 1) => Value::String(one.clone()),
        (many, _) => Value::Array(many.iter().map(|c| json!({"Comment": c})).collect()),
    }
}

pub fn job(job: &SimJob, style: WireStyle) -> Value {
    let v = variant(style, &job.uuid, 1);
    let strings = v & 1 == 1;
    let mut o = Map::new();
    o.insert("UUID".into(), json!(job.uuid));
    o.insert("SerialId".into(), id(job.serial_id, v & 2 == 0));
    o.insert("Status".into(), json!(job.status));
    o.insert("SubStatus".into(), json!(job.sub_status));
    o.insert("JobType".into(), json!(job.job_type));
    o.insert("JobSource".into(), job.source.as_ref().map_or(json!(""), |s| json!(s)));
    put_time(&mut o, "JobDateTime", job.scheduled, v >> 3);
    put_time(&mut o, "JobEndDateTime", job.scheduled_end, v >> 5);
    o.insert("CreatedDate".into(), json!(time_text(job.created)));
    o.insert("LastStatusUpdate".into(), json!(time_text(job.last_status_update)));
    o.insert(
        "PaymentDueDate".into(),
        json!(time_text(job.scheduled.unwrap_or(job.created).date().and_time(chrono::NaiveTime::MIN))),
    );
    o.insert("ClientId".into(), id(job.client_id, strings));
    o.insert("SubTotal".into(), money(job.total_cents, strings));
    o.insert("JobTotalPrice".into(), money(job.total_cents, strings));
    o.insert("JobAmountDue".into(), money(job.amount_due_cents, strings));
    o.insert("item_cost".into(), json!(0));
    o.insert("tech_cost".into(), json!(0));
    o.insert("Phone".into(), json!(job.phone));
    o.insert("FirstName".into(), json!(job.first_name));
    o.insert("LastName".into(), json!(job.last_name));
    o.insert("Unit".into(), if v & 64 == 0 { json!("") } else { json!(1) });
    o.insert("Tags".into(), json!(job.tags));
    o.insert("Team".into(), team(&job.team, false, v >> 7));
    o.insert("Comments".into(), comments(&job.comments, v >> 9));
    o.insert("Latitude".into(), if strings { json!("27.9506") } else { json!(27.9506) });
    o.insert("Longitude".into(), if strings { json!("-82.4572") } else { json!(-82.4572) });
    o.insert(
        "LineItems".into(),
        json!([{"Id": 39_000_000 + job.serial_id, "Quantity": 1, "Price": money(job.total_cents, false),
                "Cost": 0, "Taxable": 0, "Name": job.job_type.trim(), "Type": "service"}]),
    );
    for (key, value) in &job.custom {
        o.insert(key.clone(), json!(value));
    }
    for (key, value) in &job.wire_overrides {
        o.insert(key.clone(), value.clone());
    }
    Value::Object(o)
}

pub fn lead(lead: &SimLead, style: WireStyle) -> Value {
    let v = variant(style, &lead.uuid, 2);
    let strings = v & 1 == 1;
    let mut o = Map::new();
    o.insert("UUID".into(), json!(lead.uuid));
    o.insert("SerialId".into(), id(lead.serial_id, v & 2 == 0));
    o.insert("Status".into(), json!(lead.status));
    o.insert("SubStatus".into(), json!(""));
    o.insert("JobType".into(), json!(lead.lead_type));
    // Leads carry their source under JobSource, never LeadSource.
    o.insert("JobSource".into(), lead.source.as_ref().map_or(json!(""), |s| json!(s)));
    put_time(&mut o, "LeadDateTime", lead.scheduled, v >> 3);
    put_time(&mut o, "LeadEndDateTime", lead.scheduled.map(|t| t + chrono::Duration::hours(2)), v >> 5);
    put_time(&mut o, "CreatedDate", lead.created, v >> 7);
    o.insert("ClientId".into(), id(lead.client_id, strings));
    o.insert("LeadTotalPrice".into(), money(lead.total_cents, strings));
    o.insert("LeadAmountDue".into(), money(lead.amount_due_cents, strings));
    o.insert("Phone".into(), json!(lead.phone));
    o.insert("FirstName".into(), json!(lead.first_name));
    o.insert("LastName".into(), json!(lead.last_name));
    o.insert("LeadLost".into(), if strings { json!(if lead.lost { "1" } else { "0" }) } else { json!(lead.lost) });
    o.insert("LeadNotes".into(), json!(""));
    // Team ids are strings on leads.
    o.insert("Team".into(), team(&lead.team, true, v >> 9));
    o.insert("Comments".into(), comments(&[], v >> 11));
    for (key, value) in &lead.wire_overrides {
        o.insert(key.clone(), value.clone());
    }
    Value::Object(o)
}

pub fn team_member(member: &SimTeamMember, style: WireStyle) -> Value {
    let v = variant(style, &member.name, 3);
    let created = time_text(member.created);
    if v.is_multiple_of(2) {
        json!({"id": member.id, "name": member.name, "role": member.role, "email": member.email,
               "fieldTech": member.field_tech, "active": member.active, "serviceAreas": ["Tampa"],
               "skills": [], "created": created})
    } else {
        json!({"Id": member.id.to_string(), "Name": member.name, "Role": member.role, "Email": member.email,
               "FieldTech": u8::from(member.field_tech), "Active": u8::from(member.active),
               "ServiceAreas": ["Tampa"], "Skills": [], "Created": created})
    }
}

pub fn time_off(entry: &SimTimeOff) -> Value {
    json!({"start": time_text(entry.start), "end": time_text(entry.end), "userName": entry.user_name})
}

pub fn client(client: &SimClient, style: WireStyle) -> Value {
    let v = variant(style, &client.id.to_string(), 4);
    json!({"Id": id(client.id, v % 2 == 1), "FirstName": client.first_name, "LastName": client.last_name,
           "Address": client.address, "City": client.city, "State": client.state, "Zip": client.zip,
           "Source": client.source.clone().unwrap_or_default(), "Email": client.email, "Phone": client.phone})
}

/// A payment as an account that exposes a payments list would send it.
pub fn payment(payment: &SimPayment) -> Value {
    json!({"id": payment.id, "invoiceId": payment.invoice_id, "jobUuid": payment.job_uuid,
           "paidAt": time_text(payment.paid_at), "amount": money(payment.amount_cents, false),
           "tipAmount": money(payment.tip_cents, false), "type": payment.method})
}
