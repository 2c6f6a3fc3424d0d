//! The typed rows the store writes. Each carries its raw record beside its typed columns.

use crate::upsert::{TableDef, Upsertable, Val};

/// Implements [`Upsertable`] from one list of key and column fields, each named as its column, so
/// that the columns of the statement and the values bound for them cannot drift apart.
macro_rules! upsertable {
    (
        $row:ident => $table:literal,
        keys: [$($key:ident),+],
        columns: [$($column:ident),* $(,)?],
        merges_exports: $merges:literal,
        origin: $($origin:tt)+
    ) => {
        impl Upsertable for $row {
            const TABLE: TableDef = TableDef {
                name: $table,
                keys: &[$(stringify!($key)),+],
                columns: &[$(stringify!($column)),*],
                merges_exports: $merges,
            };
            fn key(&self) -> String {
                [$(self.$key.as_str()),+].join("|")
            }
            fn raw(&self) -> &str {
                &self.raw
            }
            fn origin(&self) -> Origin {
                upsertable!(@origin self, $($origin)+)
            }
            fn into_values(self) -> (Vec<Val>, String) {
                (vec![$(Val::from(self.$key),)+ $(Val::from(self.$column),)*], self.raw)
            }
        }
    };
    (@origin $self:ident, stored) => { $self.origin };
    (@origin $self:ident, $origin:expr) => { $origin };
}

/// Where a record came from. The API wins over a CSV import of the same record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Api,
    Webhook,
    Csv,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Webhook => "webhook",
            Self::Csv => "csv",
        }
    }

    /// The origin of a stored row; a row known from both sources counts as the API's.
    pub(crate) fn of_stored(text: &str) -> Self {
        match text {
            "csv" => Self::Csv,
            "webhook" => Self::Webhook,
            _ => Self::Api,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub uuid: String,
    pub serial_id: Option<String>,
    pub status: Option<String>,
    pub sub_status: Option<String>,
    pub job_type: Option<String>,
    pub source: Option<String>,
    /// Local wall clock, `YYYY-MM-DD HH:MM:SS`.
    pub scheduled_at: Option<String>,
    pub created_at: Option<String>,
    /// The job's local day: scheduled, else created.
    pub day: Option<String>,
    pub client_id: Option<String>,
    pub total_cents: Option<i64>,
    pub amount_due_cents: Option<i64>,
    /// total − amount due, or the CSV's Amount Paid.
    pub paid_cents: Option<i64>,
    pub phone: Option<String>,
    /// Technician names, comma-joined.
    pub team: Option<String>,
    pub origin: Origin,
    pub raw: String,
}

upsertable!(JobRow => "jobs",
    keys: [uuid],
    columns: [
        serial_id, status, sub_status, job_type, source, scheduled_at, created_at, day, client_id, total_cents,
        amount_due_cents, paid_cents, phone, team,
    ],
    merges_exports: true,
    origin: stored
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRow {
    pub uuid: String,
    pub serial_id: Option<String>,
    pub status: Option<String>,
    pub lead_type: Option<String>,
    pub source: Option<String>,
    pub scheduled_at: Option<String>,
    pub created_at: Option<String>,
    /// The lead's local day: created, else scheduled.
    pub day: Option<String>,
    pub client_id: Option<String>,
    /// The phone number's digits only, to link calls to leads.
    pub phone_digits: Option<String>,
    pub total_cents: Option<i64>,
    pub origin: Origin,
    pub raw: String,
}

upsertable!(LeadRow => "leads",
    keys: [uuid],
    columns: [serial_id, status, lead_type, source, scheduled_at, created_at, day, client_id, phone_digits, total_cents],
    merges_exports: true,
    origin: stored
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub call_id: String,
    pub started_at: Option<String>,
    pub day: Option<String>,
    pub flow: Option<String>,
    pub ad_group: Option<String>,
    /// `Ad group` if set, else `Flow`.
    pub source: Option<String>,
    pub answered: Option<bool>,
    pub job_uuid: Option<String>,
    pub from_digits: Option<String>,
    pub duration_secs: Option<i64>,
    pub origin: Origin,
    pub raw: String,
}

upsertable!(CallRow => "calls",
    keys: [call_id],
    columns: [started_at, day, flow, ad_group, source, answered, job_uuid, from_digits, duration_secs],
    merges_exports: false,
    origin: stored
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub payment_id: String,
    pub job_uuid: Option<String>,
    pub paid_at: Option<String>,
    pub day: Option<String>,
    pub amount_cents: i64,
    pub tip_cents: Option<i64>,
    pub method: Option<String>,
    pub origin: Origin,
    pub raw: String,
}

upsertable!(PaymentRow => "payments",
    keys: [payment_id],
    columns: [job_uuid, paid_at, day, amount_cents, tip_cents, method],
    merges_exports: false,
    origin: stored
);

/// A marketing-spend entry: `amount_cents` spread evenly over `date_from..=date_to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendRow {
    pub source: String,
    pub date_from: String,
    pub date_to: String,
    /// Empty when the file had no campaign.
    pub campaign: String,
    pub amount_cents: i64,
    pub raw: String,
}

upsertable!(SpendRow => "spend",
    keys: [source, date_from, date_to, campaign],
    columns: [amount_cents],
    merges_exports: false,
    origin: Origin::Csv
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMemberRow {
    pub id: String,
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub field_tech: Option<bool>,
    pub active: Option<bool>,
    pub raw: String,
}

upsertable!(TeamMemberRow => "team_members",
    keys: [id],
    columns: [name, role, email, field_tech, active],
    merges_exports: false,
    origin: Origin::Api
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOffRow {
    pub entry_key: String,
    pub user_name: String,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub raw: String,
}

upsertable!(TimeOffRow => "time_off",
    keys: [entry_key],
    columns: [user_name, starts_at, ends_at],
    merges_exports: false,
    origin: Origin::Api
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
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

upsertable!(ClientRow => "clients",
    keys: [id],
    columns: [first_name, last_name, company, email, phone, address, city, state, zip, source],
    merges_exports: false,
    origin: Origin::Api
);

/// A record that could not be decoded or parsed, kept aside with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub key: Option<String>,
    pub reason: String,
    pub raw: String,
}
