//! The records a report is computed from, already reduced upstream to what the rules need.

use chrono::NaiveDate;

/// A job. `day` is its scheduled local day, or its created day when it has no schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFact {
    pub uuid: String,
    pub day: NaiveDate,
    pub job_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    /// paid(job) per `METRICS.md`, chosen upstream; `None` (unknown) counts as 0 and is never a repair.
    pub paid_cents: Option<i64>,
}

/// A lead. `day` is its created local day, or its lead day when it has no creation date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadFact {
    pub uuid: String,
    pub day: NaiveDate,
    pub lead_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
}

/// A call. `source` is the call's `Ad group` if set, else its `Flow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFact {
    pub day: NaiveDate,
    pub source: Option<String>,
}

/// A payment record; source and type are those of its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFact {
    pub day: NaiveDate,
    pub amount_cents: i64,
    pub job_source: Option<String>,
    pub job_type: Option<String>,
}

/// Marketing spend, spread evenly over `date_from..=date_to`. An entry whose `date_from` is after its
/// `date_to` covers no day: it adds no cost and does not count as known spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendEntry {
    pub source: String,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub amount_cents: i64,
}

/// The facts of at least the report's period; records outside it are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub jobs: Vec<JobFact>,
    pub leads: Vec<LeadFact>,
    pub calls: Vec<CallFact>,
    /// Jobs counted together (from the daily rollups); computed exactly like as many `JobFact`s.
    pub job_groups: Vec<JobGroup>,
    pub lead_groups: Vec<LeadGroup>,
    pub call_groups: Vec<CallGroup>,
    pub payments: Vec<PaymentFact>,
    pub spend: Vec<SpendEntry>,
    /// Whether the account has any payment record at all (not only in the period): without any,
    /// `collected` is unknown rather than zero.
    pub has_payment_records: bool,
}

/// The jobs of one day that share type, source and status, counted together. Rules that depend on
/// a single job's paid amount use `paid_over_repair_threshold`, counted when the group was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobGroup {
    pub day: NaiveDate,
    pub job_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub jobs: u64,
    /// Σ paid over the group's jobs (unknown paid counts as 0).
    pub paid_cents: i64,
    /// Jobs of the group whose paid amount is above the repair threshold (100.00).
    pub paid_over_repair_threshold: u64,
}

/// The leads of one day that share type, source and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadGroup {
    pub day: NaiveDate,
    pub lead_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub leads: u64,
}

/// The calls of one day from one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallGroup {
    pub day: NaiveDate,
    pub source: Option<String>,
    pub calls: u64,
}
