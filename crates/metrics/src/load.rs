//! Reading a report's facts from the store: the daily rollups (grouped by the report's bucket in
//! the database), payments and spend.

use chrono::NaiveDate;
use store::{Grain, Store, StoreError};

use crate::facts::{CallGroup, Facts, JobGroup, LeadGroup, PaymentFact, SpendEntry};
use crate::request::{Bucket, ReportRequest};

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The facts `compute` needs for `request`. Days that writes touched since the last rebuild are
/// rolled up first, so a report always sees every stored record.
pub async fn load_facts(store: &Store, account: &str, request: &ReportRequest) -> Result<Facts, StoreError> {
    if store.rollups_pending(account).await? {
        store.refresh_rollups(account).await?;
    }
    let (from, to) = (request.from.to_string(), request.to.to_string());
    let grain = match request.bucket {
        None => Grain::Whole,
        Some(Bucket::Day) => Grain::Day,
        Some(Bucket::Week) => Grain::Week,
        Some(Bucket::Month) => Grain::Month,
    };
    let jobs = store.job_groups(account, &from, &to, grain).await?;
    let leads = store.lead_groups(account, &from, &to, grain).await?;
    let calls = store.call_groups(account, &from, &to, grain).await?;
    let payments = store.payment_facts(account, &from, &to).await?;
    let spend = store.spend_facts(account, &from, &to).await?;
    Ok(Facts {
        job_groups: jobs
            .into_iter()
            .filter_map(|g| {
                Some(JobGroup {
                    day: day(&g.day)?,
                    job_type: g.job_type,
                    source: g.source,
                    status: g.status,
                    jobs: count(g.jobs),
                    paid_cents: g.paid_cents,
                    paid_over_repair_threshold: count(g.paid_over_100),
                })
            })
            .collect(),
        lead_groups: leads
            .into_iter()
            .filter_map(|g| {
                Some(LeadGroup {
                    day: day(&g.day)?,
                    lead_type: g.lead_type,
                    source: g.source,
                    status: g.status,
                    leads: count(g.leads),
                })
            })
            .collect(),
        call_groups: calls
            .into_iter()
            .filter_map(|g| Some(CallGroup { day: day(&g.day)?, source: g.source, calls: count(g.calls) }))
            .collect(),
        payments: payments
            .into_iter()
            .filter_map(|p| {
                Some(PaymentFact {
                    day: day(&p.day)?,
                    amount_cents: p.amount_cents,
                    job_source: p.job_source,
                    job_type: p.job_type,
                })
            })
            .collect(),
        spend: spend
            .into_iter()
            .filter_map(|s| {
                Some(SpendEntry {
                    date_from: day(&s.date_from)?,
                    date_to: day(&s.date_to)?,
                    source: s.source,
                    amount_cents: s.amount_cents,
                })
            })
            .collect(),
        has_payment_records: store.has_payments(account).await?,
        ..Facts::default()
    })
}

/// Loads the facts and computes the report.
pub async fn report(store: &Store, account: &str, request: &ReportRequest) -> Result<crate::Report, StoreError> {
    let facts = load_facts(store, account, request).await?;
    Ok(crate::compute(&facts, request))
}
