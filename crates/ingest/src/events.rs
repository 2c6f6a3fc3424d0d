//! Observable events of a sync: each writes its log line in one place.

use store::RunTotals;

pub(crate) struct BatchStored<'a> {
    pub resource: &'a str,
    pub page: u32,
    pub totals: &'a RunTotals,
}

impl BatchStored<'_> {
    pub fn emit(self) {
        tracing::debug!(
            resource = self.resource,
            page = self.page,
            seen = self.totals.seen,
            inserted = self.totals.inserted,
            updated = self.totals.updated,
            rejected = self.totals.rejected,
            "batch stored"
        );
    }
}

pub(crate) struct RunFinished<'a> {
    pub resource: &'a str,
    pub totals: &'a RunTotals,
    pub error: Option<&'a str>,
}

impl RunFinished<'_> {
    pub fn emit(self) {
        let t = self.totals;
        match self.error {
            None => tracing::info!(
                resource = self.resource,
                pages = t.pages,
                requests = t.requests,
                throttled = t.throttled,
                seen = t.seen,
                inserted = t.inserted,
                updated = t.updated,
                unchanged = t.unchanged,
                rejected = t.rejected,
                deleted = t.deleted,
                "sync finished"
            ),
            Some(error) => tracing::error!(resource = self.resource, seen = t.seen, error, "sync failed"),
        }
    }
}

pub(crate) struct RecordsRejected<'a> {
    pub resource: &'a str,
    pub count: usize,
    pub first_reason: &'a str,
}

impl RecordsRejected<'_> {
    pub fn emit(self) {
        tracing::warn!(
            resource = self.resource,
            count = self.count,
            reason = self.first_reason,
            "records kept aside: they could not be read"
        );
    }
}
