use std::io::Write;

use crate::args::{GlobalArgs, StatusArgs};
use crate::exit::Failure;
use crate::settings::Settings;

pub async fn run(global: &GlobalArgs, args: StatusArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    let store = super::open_store(&settings).await?;
    let account = &settings.account;
    let runs = store.runs(account, args.runs.max(1)).await.map_err(Failure::failed)?;
    let counts = store.counts(account).await.map_err(Failure::failed)?;
    let rejected = store.rejected_count(account).await.map_err(Failure::failed)?;
    let reconciliation = store.reconcile(account, 5).await.map_err(Failure::failed)?;
    store.close().await;

    let mut out = String::new();
    let configured = |set: bool| if set { "set" } else { "not set" };
    out.push_str(&format!(
        "database: {}   account: {account}   WORKIZ_API_TOKEN: {}   WORKIZ_API_SECRET: {}\n\n",
        store.url(),
        configured(settings.token.is_some()),
        configured(settings.secret.is_some())
    ));
    out.push_str(&format!("{:<13} {:>9} {:>8}  last change\n", "table", "rows", "deleted"));
    for c in &counts {
        out.push_str(&format!(
            "{:<13} {:>9} {:>8}  {}\n",
            c.table,
            c.live,
            c.deleted,
            c.last_change.as_deref().unwrap_or("never")
        ));
    }
    out.push_str(&format!("\nrejected records: {rejected}\n"));
    out.push_str(&format!(
        "reconciliation: {} jobs whose paid amount differs from their payment records; {} of {} calls name a job that is not stored\n",
        reconciliation.paid_mismatches, reconciliation.calls_with_unknown_job, reconciliation.calls_linked_to_jobs
    ));
    for m in &reconciliation.examples {
        out.push_str(&format!(
            "  job {} ({}): paid {} but payments add up to {}\n",
            m.uuid,
            m.day.as_deref().unwrap_or("no day"),
            workiz::Cents(m.paid_cents),
            workiz::Cents(m.payments_cents)
        ));
    }
    out.push_str("\nlast runs:\n");
    if runs.is_empty() {
        out.push_str("  none yet: run `workiz-metrics sync`\n");
    }
    for r in &runs {
        let t = &r.totals;
        out.push_str(&format!(
            "  {:<9} {:<6} {:<11} started {}  finished {}  pages {} requests {} throttled {} seen {} new {} updated {} unchanged {} rejected {} deleted {}{}\n",
            r.resource,
            r.mode,
            r.status.as_str(),
            r.started_at,
            r.finished_at.as_deref().unwrap_or("-"),
            t.pages,
            t.requests,
            t.throttled,
            t.seen,
            t.inserted,
            t.updated,
            t.unchanged,
            t.rejected,
            t.deleted,
            r.error.as_deref().map(|e| format!("\n            error: {e}")).unwrap_or_default()
        ));
    }
    std::io::stdout().lock().write_all(out.as_bytes()).map_err(Failure::failed)
}
