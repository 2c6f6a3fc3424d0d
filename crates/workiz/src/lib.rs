//! A typed, tolerant async client for the Workiz REST API.
//!
//! The public Workiz API is loosely specified: numbers arrive as strings, envelopes change shape,
//! failures can come back as HTTP 200. This crate absorbs all of that so that callers see one shape:
//! typed records beside their raw JSON, a per-record error for anything that does not decode, and a
//! small set of errors that say what to do. The API token lives in the URL path, so every error,
//! log line and `Debug` output goes through [`ApiToken::redact`].

mod client;
mod envelope;
mod error;
mod events;
mod fields;
mod model;
mod money;
mod paging;
mod token;

pub use client::{Client, ClientConfig, ClientStats, DEFAULT_BASE_URL, Lookup, RetryPolicy};
pub use envelope::{Envelope, parse_envelope, parse_single};
pub use error::Error;
pub use fields::WorkizTime;
pub use model::{ClientRecord, Job, Lead, Record, RecordError, TeamMember, TeamRef, TimeOff};
pub use money::Cents;
pub use paging::{ListQuery, OffsetMode, Page};
pub use token::{ApiSecret, ApiToken, TokenError};

/// The seed document's extra list paths, probed by [`Client::probe_extra_endpoints`].
pub const EXTRA_ENDPOINTS: [&str; 7] = ["payments", "calls", "invoices", "clients", "schedules", "users", "reports"];

/// Whether an account answers one of the seed's extra list paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointAvailability {
    /// The path answered with a list; `sample` records were on its first page.
    Offered { sample: usize },
    /// The account answered "Invalid end point": a fact about the account, not a failure.
    NotOffered,
}
