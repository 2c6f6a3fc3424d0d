//! Observable events of the client. Each is one struct that writes its log line and updates the
//! counters the sync run log reports, so the two can never disagree.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counters shared by every request of one client.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub retries: AtomicU64,
}

pub(crate) struct RequestSent<'a> {
    pub endpoint: &'a str,
}

impl RequestSent<'_> {
    pub fn emit(self, counters: &Counters) {
        counters.requests.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(endpoint = self.endpoint, "request sent");
    }
}

pub(crate) struct AttemptFailed<'a> {
    pub endpoint: &'a str,
    pub attempt: u32,
    pub reason: String,
    pub throttled: bool,
    pub retry_in: Option<Duration>,
}

impl AttemptFailed<'_> {
    pub fn emit(self, counters: &Counters) {
        if self.throttled {
            counters.throttled.fetch_add(1, Ordering::Relaxed);
        }
        match self.retry_in {
            Some(delay) => {
                counters.retries.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    endpoint = self.endpoint,
                    attempt = self.attempt,
                    reason = %self.reason,
                    retry_in_ms = delay.as_millis() as u64,
                    "Workiz request failed, retrying"
                );
            }
            None => tracing::warn!(
                endpoint = self.endpoint,
                attempt = self.attempt,
                reason = %self.reason,
                "Workiz request failed, giving up"
            ),
        }
    }
}

pub(crate) struct PageFetched<'a> {
    pub endpoint: &'a str,
    pub page: u32,
    pub offset: u64,
    pub records: usize,
    pub new_records: usize,
}

impl PageFetched<'_> {
    pub fn emit(self) {
        tracing::debug!(
            endpoint = self.endpoint,
            page = self.page,
            offset = self.offset,
            records = self.records,
            new_records = self.new_records,
            "page fetched"
        );
    }
}
