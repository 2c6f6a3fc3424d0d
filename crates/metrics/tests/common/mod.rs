//! Builders for facts and requests, so that each test states only what it is about.
#![allow(dead_code)]

use chrono::NaiveDate;
use metrics_engine::{
    CallFact, Facts, JobFact, LeadFact, Metrics, PaymentFact, Report, ReportRequest, SpendEntry, compute,
};
use serde_json::Value;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// 2026-11-`day`.
pub fn nov(day: u32) -> NaiveDate {
    d(2026, 11, day)
}

fn text(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// A job; an empty string stands for a missing value.
pub fn job(day: NaiveDate, job_type: &str, source: &str, status: &str, paid_cents: Option<i64>) -> JobFact {
    JobFact {
        uuid: format!("J{day}{job_type}{source}"),
        day,
        job_type: text(job_type),
        source: text(source),
        status: text(status),
        paid_cents,
    }
}

/// A Done job.
pub fn done(day: NaiveDate, job_type: &str, source: &str, paid_cents: i64) -> JobFact {
    job(day, job_type, source, "Done", Some(paid_cents))
}

pub fn lead(day: NaiveDate, lead_type: &str, source: &str, status: &str) -> LeadFact {
    LeadFact {
        uuid: format!("L{day}{lead_type}{source}{status}"),
        day,
        lead_type: text(lead_type),
        source: text(source),
        status: text(status),
    }
}

pub fn call(day: NaiveDate, source: &str) -> CallFact {
    CallFact { day, source: text(source) }
}

pub fn payment(day: NaiveDate, amount_cents: i64, job_source: &str, job_type: &str) -> PaymentFact {
    PaymentFact { day, amount_cents, job_source: text(job_source), job_type: text(job_type) }
}

pub fn spend(source: &str, date_from: NaiveDate, date_to: NaiveDate, amount_cents: i64) -> SpendEntry {
    SpendEntry { source: source.to_owned(), date_from, date_to, amount_cents }
}

/// November 2026 in New York, nothing else asked.
pub fn november() -> ReportRequest {
    ReportRequest::new(nov(1), nov(30), "America/New_York").expect("valid period")
}

pub fn facts() -> Facts {
    Facts { has_payment_records: true, ..Facts::default() }
}

pub fn report(facts: &Facts, request: &ReportRequest) -> Report {
    compute(facts, request)
}

/// The metrics as their JSON, to compare with hand-written literals.
pub fn json(metrics: &Metrics) -> Value {
    serde_json::to_value(metrics).expect("metrics serialize")
}

pub fn source_row<'a>(report: &'a Report, name: &str) -> &'a Metrics {
    &report.by_source.iter().find(|r| r.source == name).unwrap_or_else(|| panic!("no source row {name}")).metrics
}

pub fn source_names(report: &Report) -> Vec<&str> {
    report.by_source.iter().map(|r| r.source.as_str()).collect()
}

/// A small November with one of everything, used by the JSON and rendering snapshots.
///
/// By hand: jobs J1 Google COD Service 150.00 (unit + repair), J2 Rely INS Service 80.00 (unit),
/// J3 Google COD Repair Canceled (left out), J4 no source Warranty, paid unknown. Leads: Google COD,
/// GoogleAds (→ Google) INS, Rely COD. Calls: GoogleAds, Forward to Dispatch. One payment of 150.00 on
/// J1. Spend: Google $300 over Oct 31 – Nov 2, so 200.00 in November.
pub fn sample() -> (Facts, ReportRequest) {
    let facts = Facts {
        jobs: vec![
            done(nov(3), "COD Service", "Google", 15_000),
            done(nov(4), "INS Service", "Rely", 8_000),
            job(nov(5), "COD Repair", "Google", "Canceled", Some(0)),
            job(nov(6), "Warranty", "", "Done", None),
        ],
        leads: vec![
            lead(nov(1), "COD Service", "Google", "new"),
            lead(nov(2), "INS Service", "GoogleAds", "new"),
            lead(nov(2), "COD Service", "Rely", "new"),
        ],
        calls: vec![call(nov(1), "GoogleAds"), call(nov(2), "Forward to Dispatch")],
        payments: vec![payment(nov(3), 15_000, "Google", "COD Service")],
        spend: vec![spend("Google", d(2026, 10, 31), nov(2), 30_000)],
        has_payment_records: true,
        ..Facts::default()
    };
    let request = ReportRequest {
        excluded_job_statuses: vec!["Canceled".to_owned()],
        aliases: metrics_engine::SourceAliases::new().with("GoogleAds", "Google"),
        ..november()
    };
    (facts, request)
}
