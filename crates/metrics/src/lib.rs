//! The rules of `METRICS.md` as a pure computation: facts in, a [`Report`] out, and its JSON, CSV and
//! terminal renderings. No I/O and no database: callers load the facts (already converted to the
//! account's local days, with `paid` already chosen per job) and hand them over.
//!
//! Choices made where `METRICS.md` leaves room are documented on the item they affect:
//! display spelling of a source ([`compute`]), naming of partial buckets ([`Bucket`]), which records
//! make a source row appear, and how the filters combine.

mod compute;
mod facts;
mod load;
mod money;
mod params;
mod render;
mod report;
mod request;
pub mod rules;

pub use compute::{MAX_BUCKETS, compute};
pub use facts::{CallFact, CallGroup, Facts, JobFact, JobGroup, LeadFact, LeadGroup, PaymentFact, SpendEntry};
pub use load::{load_facts, report};
pub use params::{ParamError, ReportParams, ReportSettings};
pub use render::{render_csv, render_json, render_table};
pub use report::{Metrics, Report, SegmentRow, SeriesRow, SourceRow};
pub use request::{Bucket, ReportRequest, RequestError, SourceAliases};
pub use rules::Segment;
pub use rust_decimal::Decimal;
