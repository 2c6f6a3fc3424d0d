//! Ingest: brings Workiz data into the store. The API sync engine lives here; so will CSV imports
//! and webhook events. Everything is idempotent: a record seen twice is stored once, and a pass
//! that was killed is finished by the next one.

mod calls;
mod convert;
mod events;
mod exports;
mod import;
mod inbox;
mod lease;
mod schedule;
mod spend;
mod sync;
mod webhook;
mod workiz_csv;

pub use calls::{import_calls, import_payments};
pub use convert::{digits, job_row, lead_row, local_day};
pub use exports::{import_jobs, import_leads};
pub use import::{FileImport, ImportError, RowProblem};
pub use inbox::{FileKind, InboxResult, process_inbox, recognise};
pub use schedule::{Clock, LastRunFuture, Schedule, Task, TaskFuture, TaskRunner, run_schedule};
pub use spend::{import_spend, parse_spend};
pub use sync::{Resource, SyncError, SyncObserver, SyncOptions, SyncOutcome, SyncSettings, Syncer};
pub use webhook::{EventError, EventOutcome, WebhookEvent, handle_event, parse_event};
