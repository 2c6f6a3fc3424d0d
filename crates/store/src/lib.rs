//! Storage for workiz-metrics: one interface, SQLite (the default, one file) or PostgreSQL,
//! chosen by the URL scheme.
//!
//! Both backends share the SQL (written to the common subset, `$n` placeholders, `ON CONFLICT`;
//! generated batches use `?` on SQLite)
//! through sqlx's `Any` driver; only the migrations differ. Writes are batched: multi-row upserts,
//! a batch per transaction, never a statement per row.

mod backend;
mod drill;
mod error;
mod facts;
mod leases;
mod migrate;
mod reads;
mod reconcile;
mod rollups;
mod rows;
mod runs;
mod upsert;
mod views;

pub use backend::{Backend, Store};
pub use drill::{CallRecord, PaymentRecord, RunCounts, SpendRecord};
pub use error::StoreError;
pub use facts::SpendFactRow;
pub use leases::{Lease, LeaseHeld};
pub use reads::{ResourceCounts, StoredJob, StoredLead};
pub use reconcile::{PaidMismatch, Reconciliation};
pub use rollups::{CallGroupRow, Grain, JobGroupRow, LeadGroupRow, PaymentFactRow};
pub use rows::{
    CallRow, ClientRow, JobRow, LeadRow, Origin, PaymentRow, Rejected, SpendRow, TeamMemberRow, TimeOffRow,
};
pub use runs::{RunMode, RunStatus, RunSummary, RunTotals};
pub use upsert::{PreparedUpsert, UpsertCounts};
pub use views::{DailySlice, JobFlags, LeadFlags};

/// The current time as stored: RFC 3339 in UTC with microseconds, which sorts as text on both
/// backends and tells one batch's timestamp from the next.
pub fn now_text() -> String {
    timestamp_text(chrono::Utc::now())
}

/// A time as stored (see [`now_text`]).
pub fn timestamp_text(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// METRICS.md's paid(job), in SQL over a row of `jobs`: the record's paid amount (total − amount
/// due, or the export's Amount Paid), else the sum of the job's payment records. Migration 0005
/// writes the same expression into the `job_facts` view.
pub(crate) const EFFECTIVE_PAID: &str = "COALESCE(jobs.paid_cents, (SELECT CAST(SUM(p.amount_cents) AS BIGINT) \
     FROM payments p WHERE p.account_id = jobs.account_id AND p.job_uuid = jobs.uuid AND p.deleted_at IS NULL))";

/// FNV-1a, 64 bits: a stable hash (stored in the database, so it must never change).
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}
