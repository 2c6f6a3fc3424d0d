//! Report latency over a large account: 1,000,000 jobs, 1,000,000 leads and 1,000,000 calls over
//! a year, on SQLite and (when WORKIZ_METRICS_TEST_PG is set) PostgreSQL. Measured after the data
//! is in and rolled up: a 30-day report, and a 12-month report by month.
//!
//! cargo bench -p metrics-engine --bench report
//!
//! The SQLite file is kept in target/bench-report.db, and both accounts are reused by later runs.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use metrics_engine::{Bucket, ReportRequest};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use store::{CallRow, JobRow, LeadRow, Origin, Store};

const RECORDS: u64 = 1_000_000;
const ACCOUNT: &str = "bench-1m";
const TYPES: [&str; 8] =
    ["COD Service", "INS Service", "COD Repair", "INS Repair", "Warranty", "Service", "Repair", "Service call"];
const TYPE_WEIGHTS: [u32; 8] = [38, 27, 18, 10, 5, 1, 1, 0];
const SOURCES: [&str; 11] =
    ["eLocals", "Rely", "Pro Referral", "Insurance", "", "NSA", "Liberty", "Google", "Puls", "Retention", "Thumbtack"];
const SOURCE_WEIGHTS: [u32; 11] = [31, 27, 14, 7, 6, 5, 4, 3, 2, 1, 1];
const STATUSES: [&str; 4] = ["Done", "Canceled", "Submitted", "Pending"];
const FLOWS: [&str; 3] = ["Forward to Dispatch", "eLocals", "GoogleAds"];

fn weighted<'a>(rng: &mut StdRng, items: &[&'a str], weights: &[u32]) -> &'a str {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in items.iter().zip(weights) {
        if x < *w {
            return item;
        }
        x -= w;
    }
    items[0]
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 1).expect("date")
}

fn day(rng: &mut StdRng) -> String {
    (first_day() + chrono::Duration::days(rng.random_range(0..365))).to_string()
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

async fn load(store: &Store) {
    if store.row_count(ACCOUNT, "calls").await.expect("count") as u64 >= RECORDS {
        println!("  {ACCOUNT} already loaded");
        return;
    }
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(1);
    for batch in 0..RECORDS / 500 {
        let mut jobs = Vec::with_capacity(500);
        let mut leads = Vec::with_capacity(500);
        let mut calls = Vec::with_capacity(500);
        for i in 0..500 {
            let n = batch * 500 + i;
            let job_type = weighted(&mut rng, &TYPES, &TYPE_WEIGHTS);
            let total = rng.random_range(0..60_000);
            jobs.push(JobRow {
                uuid: format!("J{n:07}"),
                serial_id: Some(n.to_string()),
                status: Some(weighted(&mut rng, &STATUSES, &[87, 10, 2, 1]).to_owned()),
                sub_status: None,
                job_type: Some(job_type.to_owned()),
                source: opt(weighted(&mut rng, &SOURCES, &SOURCE_WEIGHTS)),
                scheduled_at: None,
                created_at: None,
                day: Some(day(&mut rng)),
                client_id: None,
                total_cents: Some(total),
                amount_due_cents: Some(0),
                paid_cents: Some(total),
                phone: None,
                team: None,
                origin: Origin::Api,
                raw: format!("{{\"UUID\":\"J{n:07}\"}}"),
            });
            let source = weighted(&mut rng, &SOURCES, &SOURCE_WEIGHTS);
            leads.push(LeadRow {
                uuid: format!("L{n:07}"),
                serial_id: None,
                status: Some(
                    if source == "Pro Referral" && rng.random_bool(0.3) { "Passed" } else { "new" }.to_owned(),
                ),
                lead_type: Some(weighted(&mut rng, &TYPES, &TYPE_WEIGHTS).to_owned()),
                source: opt(source),
                scheduled_at: None,
                created_at: None,
                day: Some(day(&mut rng)),
                client_id: None,
                phone_digits: None,
                total_cents: None,
                origin: Origin::Api,
                raw: format!("{{\"UUID\":\"L{n:07}\"}}"),
            });
            let flow = FLOWS[rng.random_range(0..FLOWS.len())];
            calls.push(CallRow {
                call_id: format!("C{n:07}"),
                started_at: None,
                day: Some(day(&mut rng)),
                flow: Some(flow.to_owned()),
                ad_group: None,
                source: Some(flow.to_owned()),
                answered: Some(true),
                job_uuid: None,
                from_digits: None,
                duration_secs: Some(60),
                origin: Origin::Csv,
                raw: String::new(),
            });
        }
        store.upsert_jobs(ACCOUNT, jobs).await.expect("jobs");
        store.upsert_leads(ACCOUNT, leads).await.expect("leads");
        store.upsert_calls(ACCOUNT, calls).await.expect("calls");
    }
    let loaded = started.elapsed();
    let rolled = Instant::now();
    let days = store.refresh_rollups(ACCOUNT).await.expect("rollups");
    println!(
        "  loaded 3 x {RECORDS} records in {:.1} s; rolled up {days} day-kinds in {:.1} s",
        loaded.as_secs_f64(),
        rolled.elapsed().as_secs_f64()
    );
}

async fn time(store: &Store, request: &ReportRequest, runs: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let report = metrics_engine::report(store, ACCOUNT, request).await.expect("report");
        times.push(started.elapsed());
        assert!(report.totals.jobs > 0);
    }
    times.sort();
    (times[runs / 2], times[runs * 95 / 100])
}

async fn bench(name: &str, store: Store) {
    println!("{name}:");
    load(&store).await;
    let last = first_day() + chrono::Duration::days(364);
    let month = ReportRequest::new(last - chrono::Duration::days(29), last, "UTC").expect("request");
    let mut year = ReportRequest::new(first_day(), last, "UTC").expect("request");
    year.bucket = Some(Bucket::Month);
    time(&store, &month, 3).await;
    let (median, p95) = time(&store, &month, 30).await;
    println!("  30-day report:           median {:>6.1} ms, p95 {:>6.1} ms", ms(median), ms(p95));
    let (median, p95) = time(&store, &year, 30).await;
    println!("  12-month report by month: median {:>6.1} ms, p95 {:>6.1} ms", ms(median), ms(p95));
    store.close().await;
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-report.db");
        let sqlite = Store::connect(&format!("sqlite://{}", path.display())).await.expect("sqlite");
        bench("SQLite", sqlite).await;
        if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
            bench("PostgreSQL", Store::connect(&url).await.expect("postgres")).await;
        }
    });
}
