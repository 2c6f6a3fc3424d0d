//! Typed Workiz records. Each keeps its raw JSON so that custom fields and keys this crate does not
//! know are never lost.

use serde_json::Value;

use crate::fields::{FieldError, Fields, WorkizTime};
use crate::money::Cents;

/// A record that could not be decoded: its raw text and the reason, to be kept aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The record's key if it could be read.
    pub key: Option<String>,
    pub reason: String,
    pub raw: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Some(key) => write!(f, "record {key}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// A Workiz record type that can be decoded from the JSON text of one record.
pub trait Record: Sized + Send + 'static {
    /// What the record is called in messages (`job`, `lead`, …).
    const KIND: &'static str;

    /// The record's unique key (a job's UUID, a team member's id).
    fn key(&self) -> &str;

    /// Reads the typed fields; the raw JSON is attached by [`Record::decode_json`].
    fn from_fields(fields: &Fields<'_>) -> Result<Self, FieldError>;

    /// Where the record keeps its raw JSON.
    fn raw_mut(&mut self) -> &mut String;

    /// The key of a record that failed to decode, when it can still be read.
    fn key_of(fields: &Fields<'_>) -> Option<String>;

    /// Decodes one record from its JSON text, which the record keeps, exactly as received, as its
    /// raw JSON. Anything wrong becomes a [`RecordError`] carrying that text.
    fn decode_json(text: String) -> Result<Self, RecordError> {
        let decoded = match Fields::parse(&text) {
            None => Err((None, format!("a {} must be a JSON object", Self::KIND))),
            Some(fields) => {
                Self::from_fields(&fields).map_err(|e| (Self::key_of(&fields), format!("{} {e}", Self::KIND)))
            }
        };
        match decoded {
            Ok(mut record) => {
                *record.raw_mut() = text;
                Ok(record)
            }
            Err((key, reason)) => Err(RecordError { key, reason, raw: text }),
        }
    }

    /// [`Record::decode_json`] of a parsed value.
    fn decode(value: &Value) -> Result<Self, RecordError> {
        Self::decode_json(value.to_string())
    }
}

/// One technician on a job or lead: `{"id":271865,"Name":"Daniel"}` (id a string on leads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRef {
    pub id: Option<String>,
    pub name: Option<String>,
}

fn team(fields: &Fields<'_>) -> Result<Vec<TeamRef>, FieldError> {
    fields
        .objects(&["Team", "team"])?
        .into_iter()
        .map(|f| Ok(TeamRef { id: f.id(&["id", "Id", "ID"])?, name: f.text(&["Name", "name"])? }))
        .collect()
}

fn uuid(fields: &Fields<'_>) -> Result<String, FieldError> {
    let uuid = fields.required_id(&["UUID", "uuid", "Uuid"])?;
    if uuid.len() > 64 || uuid.chars().any(|c| !c.is_ascii_alphanumeric()) {
        return Err(FieldError { key: "UUID".into(), reason: format!("'{uuid}' is not a Workiz UUID") });
    }
    Ok(uuid)
}

fn uuid_of(fields: &Fields<'_>) -> Option<String> {
    fields.id(&["UUID", "uuid", "Uuid"]).ok().flatten()
}

/// A job, as `job/all` and `job/get` send it.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub uuid: String,
    pub serial_id: Option<String>,
    pub status: Option<String>,
    pub sub_status: Option<String>,
    pub job_type: Option<String>,
    pub source: Option<String>,
    pub scheduled: Option<WorkizTime>,
    pub scheduled_end: Option<WorkizTime>,
    pub created: Option<WorkizTime>,
    pub last_status_update: Option<WorkizTime>,
    pub client_id: Option<String>,
    pub total: Option<Cents>,
    pub amount_due: Option<Cents>,
    pub sub_total: Option<Cents>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub team: Vec<TeamRef>,
    pub tags: Vec<String>,
    pub comments: Vec<String>,
    /// The record exactly as received, custom fields included.
    pub raw: String,
}

impl Job {
    /// paid = JobTotalPrice − JobAmountDue (Workiz keeps that identity, negative amounts due
    /// included). `None` when either is missing.
    pub fn paid(&self) -> Option<Cents> {
        Some(Cents(self.total?.0 - self.amount_due?.0))
    }
}

impl Record for Job {
    const KIND: &'static str = "job";

    fn key(&self) -> &str {
        &self.uuid
    }

    fn raw_mut(&mut self) -> &mut String {
        &mut self.raw
    }

    fn key_of(fields: &Fields<'_>) -> Option<String> {
        uuid_of(fields)
    }

    fn from_fields(f: &Fields<'_>) -> Result<Self, FieldError> {
        Ok(Self {
            uuid: uuid(f)?,
            serial_id: f.id(&["SerialId", "serialId"])?,
            status: f.text(&["Status", "status"])?,
            sub_status: f.text(&["SubStatus", "subStatus"])?,
            job_type: f.text(&["JobType", "jobType"])?,
            source: f.text(&["JobSource", "jobSource", "Source"])?,
            scheduled: f.time(&["JobDateTime", "jobDateTime"])?,
            scheduled_end: f.time(&["JobEndDateTime", "jobEndDateTime"])?,
            created: f.time(&["CreatedDate", "createdDate"])?,
            last_status_update: f.time(&["LastStatusUpdate", "lastStatusUpdate"])?,
            client_id: f.id(&["ClientId", "clientId"])?,
            total: f.money(&["JobTotalPrice", "jobTotalPrice", "totalPrice"])?,
            amount_due: f.money(&["JobAmountDue", "jobAmountDue", "amountDue"])?,
            sub_total: f.money(&["SubTotal", "subTotal"])?,
            phone: f.text(&["Phone", "phone"])?,
            first_name: f.text(&["FirstName", "firstName"])?,
            last_name: f.text(&["LastName", "lastName"])?,
            team: team(f)?,
            tags: f.strings(&["Tags", "tags"])?,
            comments: f.comments(&["Comments", "comments"])?,
            // Filled by `decode_json`, which moves the text in rather than copying it.
            raw: String::new(),
        })
    }
}

/// A lead. Leads carry their source under `JobSource` and their type under `JobType`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    pub uuid: String,
    pub serial_id: Option<String>,
    pub status: Option<String>,
    pub sub_status: Option<String>,
    pub lead_type: Option<String>,
    pub source: Option<String>,
    pub scheduled: Option<WorkizTime>,
    pub scheduled_end: Option<WorkizTime>,
    pub created: Option<WorkizTime>,
    pub client_id: Option<String>,
    pub total: Option<Cents>,
    pub amount_due: Option<Cents>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub lost: Option<bool>,
    pub team: Vec<TeamRef>,
    pub comments: Vec<String>,
    pub raw: String,
}

impl Record for Lead {
    const KIND: &'static str = "lead";

    fn key(&self) -> &str {
        &self.uuid
    }

    fn raw_mut(&mut self) -> &mut String {
        &mut self.raw
    }

    fn key_of(fields: &Fields<'_>) -> Option<String> {
        uuid_of(fields)
    }

    fn from_fields(f: &Fields<'_>) -> Result<Self, FieldError> {
        Ok(Self {
            uuid: uuid(f)?,
            serial_id: f.id(&["SerialId", "serialId"])?,
            status: f.text(&["Status", "status"])?,
            sub_status: f.text(&["SubStatus", "subStatus"])?,
            lead_type: f.text(&["JobType", "LeadType", "jobType", "leadType"])?,
            source: f.text(&["JobSource", "LeadSource", "jobSource", "Source"])?,
            scheduled: f.time(&["LeadDateTime", "leadDateTime"])?,
            scheduled_end: f.time(&["LeadEndDateTime", "leadEndDateTime"])?,
            created: f.time(&["CreatedDate", "createdDate"])?,
            client_id: f.id(&["ClientId", "clientId"])?,
            total: f.money(&["LeadTotalPrice", "leadTotalPrice"])?,
            amount_due: f.money(&["LeadAmountDue", "leadAmountDue"])?,
            phone: f.text(&["Phone", "phone"])?,
            first_name: f.text(&["FirstName", "firstName"])?,
            last_name: f.text(&["LastName", "lastName"])?,
            lost: f.flag(&["LeadLost", "leadLost"])?,
            team: team(f)?,
            comments: f.comments(&["Comments", "comments"])?,
            // Filled by `decode_json`, which moves the text in rather than copying it.
            raw: String::new(),
        })
    }
}

/// A team member from `team/all` (keys PascalCase or camelCase).
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMember {
    pub id: String,
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub field_tech: Option<bool>,
    pub active: Option<bool>,
    pub created: Option<WorkizTime>,
    pub raw: String,
}

impl Record for TeamMember {
    const KIND: &'static str = "team member";

    fn key(&self) -> &str {
        &self.id
    }

    fn raw_mut(&mut self) -> &mut String {
        &mut self.raw
    }

    fn key_of(fields: &Fields<'_>) -> Option<String> {
        fields.id(&["id", "Id", "ID"]).ok().flatten()
    }

    fn from_fields(f: &Fields<'_>) -> Result<Self, FieldError> {
        Ok(Self {
            id: f.required_id(&["id", "Id", "ID"])?,
            name: f.text(&["name", "Name"])?,
            role: f.text(&["role", "Role"])?,
            email: f.text(&["email", "Email"])?,
            field_tech: f.flag(&["fieldTech", "FieldTech"])?,
            active: f.flag(&["active", "Active"])?,
            created: f.time(&["created", "Created"])?,
            // Filled by `decode_json`, which moves the text in rather than copying it.
            raw: String::new(),
        })
    }
}

/// A time-off entry from `TimeOff/get`.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeOff {
    /// A stable key: user, start and end (Workiz sends no id).
    pub key: String,
    pub user_name: String,
    pub start: Option<WorkizTime>,
    pub end: Option<WorkizTime>,
    pub raw: String,
}

impl Record for TimeOff {
    const KIND: &'static str = "time off";

    fn key(&self) -> &str {
        &self.key
    }

    fn raw_mut(&mut self) -> &mut String {
        &mut self.raw
    }

    fn key_of(_: &Fields<'_>) -> Option<String> {
        None
    }

    fn from_fields(f: &Fields<'_>) -> Result<Self, FieldError> {
        let user_name = f
            .text(&["userName", "UserName", "username"])?
            .ok_or_else(|| FieldError { key: "userName".into(), reason: "missing".into() })?;
        let start_text = f.text(&["start", "Start"])?.unwrap_or_default();
        let end_text = f.text(&["end", "End"])?.unwrap_or_default();
        Ok(Self {
            key: format!("{user_name}|{start_text}|{end_text}"),
            user_name,
            start: f.time(&["start", "Start"])?,
            end: f.time(&["end", "End"])?,
            // Filled by `decode_json`, which moves the text in rather than copying it.
            raw: String::new(),
        })
    }
}

/// A client from `Client/get/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRecord {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub source: Option<String>,
    pub raw: String,
}

impl Record for ClientRecord {
    const KIND: &'static str = "client";

    fn key(&self) -> &str {
        &self.id
    }

    fn raw_mut(&mut self) -> &mut String {
        &mut self.raw
    }

    fn key_of(fields: &Fields<'_>) -> Option<String> {
        fields.id(&["Id", "id", "ClientId"]).ok().flatten()
    }

    fn from_fields(f: &Fields<'_>) -> Result<Self, FieldError> {
        Ok(Self {
            id: f.required_id(&["Id", "id", "ClientId"])?,
            first_name: f.text(&["FirstName", "firstName"])?,
            last_name: f.text(&["LastName", "lastName"])?,
            company: f.text(&["Company", "company"])?,
            email: f.text(&["Email", "email"])?,
            phone: f.text(&["Phone", "phone", "PrimaryPhone"])?,
            address: f.text(&["Address", "address"])?,
            city: f.text(&["City", "city"])?,
            state: f.text(&["State", "state"])?,
            zip: f.text(&["Zip", "zip", "PostalCode"])?,
            source: f.text(&["Source", "source", "JobSource"])?,
            // Filled by `decode_json`, which moves the text in rather than copying it.
            raw: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_published_live_job() {
        let raw = json!({"UUID":"CC6YKK","SerialId":"924886","Status":"Done","SubStatus":"",
            "JobDateTime":"2026-09-21 13:00:00","LastStatusUpdate":"2026-09-21 13:56:13",
            "PaymentDueDate":"2026-09-21 00:00:00","SubTotal":50,"JobTotalPrice":50,"JobAmountDue":0,
            "item_cost":0,"tech_cost":0,"Tags":["Work"],"Team":[{"id":271865,"Name":"Daniel"}],
            "LineItems":[{"Id":39999653,"Quantity":1,"Price":50,"Cost":0,"Taxable":0,
                "Name":"Tile & Grout Floor Cleaning","Description":"…","Type":"service"}]});
        let job = Job::decode(&raw).expect("decodes");
        assert_eq!(job.uuid, "CC6YKK");
        assert_eq!(job.serial_id.as_deref(), Some("924886"));
        assert_eq!(job.sub_status, None);
        assert_eq!(job.paid(), Some(Cents(5000)));
        assert_eq!(job.team, vec![TeamRef { id: Some("271865".into()), name: Some("Daniel".into()) }]);
        assert_eq!(job.tags, vec!["Work".to_owned()]);
        assert_eq!(
            serde_json::from_str::<Value>(&job.raw).ok().map(|raw| raw["LineItems"][0]["Id"].clone()),
            Some(json!(39999653))
        );
    }

    #[test]
    fn negative_amount_due_means_paid_more_than_total() {
        let raw = json!({"UUID":"AB12CD","JobTotalPrice":"120.50","JobAmountDue":"-30"});
        assert_eq!(Job::decode(&raw).ok().and_then(|j| j.paid()), Some(Cents(15050)));
    }

    #[test]
    fn leads_take_their_source_from_job_source() {
        let raw = json!({"UUID":"L1AAAA","JobSource":"Pro Referral","JobType":"COD Service",
            "Status":"Passed","Team":[{"id":"12","name":"Max"}],"LeadLost":"0"});
        let lead = Lead::decode(&raw).expect("decodes");
        assert_eq!(lead.source.as_deref(), Some("Pro Referral"));
        assert_eq!(lead.lead_type.as_deref(), Some("COD Service"));
        assert_eq!(lead.team[0].id.as_deref(), Some("12"));
        assert_eq!(lead.lost, Some(false));
    }

    #[test]
    fn a_bad_record_keeps_its_key_raw_text_and_reason() {
        let raw = json!({"UUID":"BAD123","JobTotalPrice":"lots"});
        let err = Job::decode(&raw).expect_err("must fail");
        assert_eq!(err.key.as_deref(), Some("BAD123"));
        assert!(err.reason.contains("JobTotalPrice"), "{}", err.reason);
        assert!(err.raw.contains("lots"));
        assert!(Job::decode(&json!([1, 2])).is_err());
        assert!(Job::decode(&json!({"Status":"Done"})).is_err());
    }

    #[test]
    fn team_members_accept_both_key_cases() {
        let a = TeamMember::decode(&json!({"id":7,"name":"Robert","fieldTech":true,"active":"1"}));
        let b = TeamMember::decode(&json!({"Id":"7","Name":"Robert","FieldTech":1,"Active":true}));
        let (a, b) = (a.expect("a"), b.expect("b"));
        assert_eq!((a.id.as_str(), a.name.as_deref(), a.active), (b.id.as_str(), b.name.as_deref(), b.active));
    }
}
